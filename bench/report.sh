#!/usr/bin/env bash
# Times whole runs of the release binary: the default report, --n 1e6 and --n 1e7.
# Prints the median wall time and median peak memory of several runs, and their ratios to
# the Python original (NumPy + SciPy + matplotlib) measured for the default report on this
# kind of machine: 1.75 s wall, 126 MiB peak. If bench/python_baseline.py can run (numpy,
# scipy and matplotlib installed), it is timed in the same run too.
#
#   bash bench/report.sh            # all three sizes
#   RUNS=11 bash bench/report.sh    # more runs of the default report
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/logreg-report
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Runs a command $1 times; prints "median_wall_s median_peak_MiB".
measure() {
  local runs=$1; shift
  local walls=() mems=()
  for _ in $(seq "$runs"); do
    # Wall time from bash's microsecond clock (time's %e has 10 ms steps); peak RSS from time.
    local start=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$out/time" "$@" >/dev/null 2>&1
    local end=$EPOCHREALTIME
    walls+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.4f", b - a}')")
    mems+=("$(( $(cat "$out/time") / 1024 ))")
  done
  local w m
  w=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  m=$(printf '%s\n' "${mems[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$w $m"
}

report() { # name wall MiB baseline_wall baseline_MiB baseline_name
  awk -v n="$1" -v w="$2" -v m="$3" -v bw="$4" -v bm="$5" -v b="$6" 'BEGIN {
    printf "%-34s median %8.3f s %6d MiB   %7.1fx faster, %5.1fx less memory than %s\n",
      n, w, m, bw / w, bm / m, b }'
}

target() { # name wall MiB target-text
  printf "%-34s median %8.3f s %6d MiB   (target: %s)\n" "$1" "$2" "$3" "$4"
}

runs=${RUNS:-21}
read -r w m < <(measure "$runs" "$bin" --quiet --out "$out/default")
report "default report (N = 100)" "$w" "$m" 1.75 126 "Python original (issue figures)"
target "default report (N = 100)" "$w" "$m" "at most 0.017 s and 15 MiB"
if python3 -c "import numpy, scipy, matplotlib" 2>/dev/null; then
  read -r pw pm < <(measure 3 python3 bench/python_baseline.py "$out/python")
  report "default report (N = 100)" "$w" "$m" "$pw" "$pm" "Python baseline, this run"
fi
read -r w m < <(measure 5 "$bin" --quiet --n 1000000 --out "$out/n1e6")
target "--n 1000000" "$w" "$m" "under 1 s"
rm -rf "$out/n1e6"
read -r w m < <(measure 3 "$bin" --quiet --n 10000000 --out "$out/n1e7")
target "--n 10000000" "$w" "$m" "under 10 s and 1536 MiB"
ls -l "$out/default/report.html" "$out/n1e7/report.html" | awk '{print "report.html:", $5, "bytes", $9}'
