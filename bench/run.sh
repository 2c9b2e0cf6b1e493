#!/usr/bin/env bash
# Whole runs of the release binary, each compared with a baseline measured in the same run:
# the default report with the Python pipeline (bench/python_baseline.py), and the --n 1e6
# and 1e7 runs with their own unit, the median time of one value+gradient pass at that N
# (examples/pass_time.rs). Prints a Markdown table of medians that can go into the README.
#
#   bash bench/run.sh                          # default x21, --n 1e6 and 1e7 x5
#   RUNS=31 LARGE_RUNS=3 bash bench/run.sh     # other repetition counts
#   FULL=1 bash bench/run.sh                   # also --n 1e8 (minutes, ~3.2 GiB, ~10 GB of disk)
#   OTHER=/path/to/logreg-report bash bench/run.sh   # also another build's default run (A/B)
#
# The compared commands alternate (A, B, A, B, ...) so that a busy moment of this shared
# machine slows both rather than one. Wall time comes from bash's microsecond clock (GNU
# time's %e has 10 ms steps, a third of a default run), peak RSS from GNU time's %M.
# hyperfine is not used: it runs all of one command before the next and measures no memory.
set -euo pipefail
cd "$(dirname "$0")/.."
# EPOCHREALTIME and awk's output use the locale's decimal mark; ours must be a point.
export LC_ALL=C

die() {
  echo "bench/run.sh: $*" >&2
  exit 2
}

if ! /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
  die "needs GNU time at /usr/bin/time for peak memory (Debian/Ubuntu: apt-get install time)"
fi
runs=${RUNS:-21}
large_runs=${LARGE_RUNS:-5}
full_runs=${FULL_RUNS:-3}
passes=${PASSES:-21}
python=${PYTHON:-python3}
other=${OTHER:-}
for count in "$runs" "$large_runs" "$full_runs" "$passes"; do
  [[ $count =~ ^[1-9][0-9]*$ ]] || die "RUNS, LARGE_RUNS, FULL_RUNS and PASSES must be whole numbers >= 1"
done
if [[ -n $other && ! -x $other ]]; then
  die "OTHER=$other is not an executable"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/logreg-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# The tool replaces its output folder; it must never be given the project or a home.
case "$(realpath "$work")/" in
"$(realpath .)"/* | "$(realpath ~)"/) die "temporary folder $work is inside the project or is home; set TMPDIR" ;;
esac
out=$work/out

echo "building the release binary and examples/pass_time.rs ..." >&2
cargo build --release --quiet --bin logreg-report --example pass_time
bin=target/release/logreg-report
pass_time=target/release/examples/pass_time

have_python=0
if "$python" -c "import numpy, scipy, matplotlib" 2>/dev/null; then
  have_python=1
else
  echo "no Python baseline: $python cannot import numpy, scipy and matplotlib (pip install numpy scipy matplotlib)" >&2
fi

# once KEY COMMAND...: runs COMMAND with a fresh output folder $out (any previous one removed
# first); appends its wall seconds to $work/KEY.wall and its peak RSS in KiB to $work/KEY.kib.
once() {
  local key=$1 start end
  shift
  rm -rf "$out"
  start=$EPOCHREALTIME
  if ! /usr/bin/time -f %M -o "$work/time" "$@" >"$work/log" 2>&1; then
    cat "$work/log" >&2
    die "failed: $*"
  fi
  end=$EPOCHREALTIME
  rm -rf "$out"
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f\n", b - a }' >>"$work/$key.wall"
  # On failure GNU time writes a line before %M; the last line is the number.
  tail -n 1 "$work/time" >>"$work/$key.kib"
}

# unit N: the median seconds of one pass at N, from a process of its own, appended to $work/pass-N.
unit() {
  local line seconds
  line=$("$pass_time" "$1" "$passes")
  seconds=$(sed -n 's/.*"median_seconds": *\([0-9.eE+-]*\).*/\1/p' <<<"$line")
  [[ -n $seconds ]] || die "pass_time printed no median_seconds: $line"
  echo "$seconds" >>"$work/pass-$1"
}

median() {
  sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

default_round() { # KEY-SUFFIX: one run of each compared command for the default report
  once "default$1" "$bin" --quiet --out "$out"
  if ((have_python)); then once "python$1" "$python" bench/python_baseline.py "$out"; fi
  if [[ -n $other ]]; then once "other$1" "$other" --quiet --out "$out"; fi
}

echo "default report: $runs rounds ..." >&2
# A round not counted: it fills the page cache and lets Python compile its imports and
# matplotlib build its font cache, which a user pays once, not per run.
default_round -warmup
rm -f "$work"/*-warmup.*
for _ in $(seq "$runs"); do default_round ""; done

sizes=(1000000 10000000)
echo "--n ${sizes[*]}: $large_runs rounds of a run and its pass unit ..." >&2
for _ in $(seq "$large_runs"); do
  for n in "${sizes[@]}"; do
    once "n$n" "$bin" --quiet --n "$n" --out "$out"
    unit "$n"
  done
done
if [[ ${FULL:-0} == 1 ]]; then
  echo "--n 100000000: $full_runs rounds ..." >&2
  for _ in $(seq "$full_runs"); do
    once n100000000 "$bin" --quiet --n 100000000 --out "$out"
    unit 100000000
  done
  sizes+=(100000000)
fi

seconds() { awk -v s="$1" 'BEGIN { printf (s < 10) ? "%.3f s" : "%.1f s", s }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo
echo "logreg-report $(git describe --always --dirty 2>/dev/null || echo "(no git)"), $(nproc) cores, $(uname -sm), $(date -u +%F);" \
  "medians of runs in this script run; ratios divide medians of this run."
echo
echo "| run | runs | median wall | median peak RSS | passes | wall ÷ Python | RSS ÷ Python |"
echo "|---|---:|---:|---:|---:|---:|---:|"
wall=$(median "$work/default.wall")
kib=$(median "$work/default.kib")
if ((have_python)); then
  python_wall=$(median "$work/python.wall")
  python_kib=$(median "$work/python.kib")
  echo "| default (N = 100) | $runs | $(seconds "$wall") | $(mib "$kib") | | $(ratio "$wall" "$python_wall") | $(ratio "$kib" "$python_kib") |"
  echo "| Python pipeline, same study | $runs | $(seconds "$python_wall") | $(mib "$python_kib") | | | |"
else
  echo "| default (N = 100) | $runs | $(seconds "$wall") | $(mib "$kib") | | | |"
fi
for n in "${sizes[@]}"; do
  count=$(wc -l <"$work/n$n.wall")
  wall=$(median "$work/n$n.wall")
  pass=$(median "$work/pass-$n")
  echo "| --n $n | $count | $(seconds "$wall") | $(mib "$(median "$work/n$n.kib")") |" \
    "$(awk -v w="$wall" -v p="$pass" 'BEGIN { printf "%.0f (pass %.2f ms)", w / p, p * 1e3 }') | | |"
done
if [[ -n $other ]]; then
  echo
  echo "default report, this build ÷ $other (alternated, $runs runs each):" \
    "wall $(ratio "$(median "$work/default.wall")" "$(median "$work/other.wall")")" \
    "($(seconds "$(median "$work/other.wall")") for the other)," \
    "peak RSS $(ratio "$(median "$work/default.kib")" "$(median "$work/other.kib")")"
fi
