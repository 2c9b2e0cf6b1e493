#!/usr/bin/env bash
# What a word of prose costs: the time from saving templates/report.html to the new report
# written by `cargo run --release` (the rebuild included), as the median of several edits,
# beside two baselines measured in the same run and alternating with it:
#
#   unchanged   `cargo run --release` with nothing edited: no rebuild, the run alone
#   library     after touching src/lib.rs: the library and the program rebuilt, which is
#               what every template edit cost while the library compiled the template in
#
#   bash bench/template_edit.sh                 # 7 rounds
#   RUNS=11 bash bench/template_edit.sh
#
# The template is restored byte for byte when the script ends, however it ends. The reports
# go to a temporary folder, never to output/. Times come from bash's microsecond clock.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

die() {
  echo "bench/template_edit.sh: $*" >&2
  exit 2
}

runs=${RUNS:-7}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a whole number >= 1"
template=templates/report.html
[[ -f $template ]] || die "no $template here"

work=$(mktemp -d "${TMPDIR:-/tmp}/logreg-edit.XXXXXX")
cp -p "$template" "$work/template.orig"
restore() {
  cp -p "$work/template.orig" "$template"
  rm -rf "$work"
}
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "building once, so that every round starts from a built tree ..." >&2
cargo build --release --quiet --bin logreg-report

run() {
  local started=$EPOCHREALTIME
  cargo run --release --quiet -- --quiet --out "$work/out" >/dev/null
  local ended=$EPOCHREALTIME
  awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.3f\n", b - a }'
}

: >"$work/unchanged"
: >"$work/template"
: >"$work/library"
for ((k = 1; k <= runs; k++)); do
  run >>"$work/unchanged"
  # A word of prose: the page's title line gains a word that differs every round.
  sed "s|<h1>|<h1>Draft $k |" "$work/template.orig" >"$template"
  run >>"$work/template"
  cp -p "$work/template.orig" "$template"
  touch src/lib.rs
  run >>"$work/library"
  echo "round $k of $runs: unchanged $(tail -1 "$work/unchanged") s, template edit $(tail -1 "$work/template") s, library touched $(tail -1 "$work/library") s" >&2
done

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -g "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s–%s", lo, hi }'; }
unchanged=$(median "$work/unchanged")
edit=$(median "$work/template")
library=$(median "$work/library")
echo
echo "| after … | runs | median | range | ÷ unchanged |"
echo "|---|---:|---:|---:|---:|"
# shellcheck disable=SC2016 # the backticks are Markdown
printf '| nothing (`cargo run --release`, no rebuild) | %d | %.2f s | %s s | 1 |\n' "$runs" "$unchanged" "$(range "$work/unchanged")"
printf '| an edit of templates/report.html | %d | %.2f s | %s s | %.0f |\n' "$runs" "$edit" "$(range "$work/template")" "$(awk -v a="$edit" -v b="$unchanged" 'BEGIN { print a / b }')"
printf '| src/lib.rs touched (the cost of an edit before) | %d | %.2f s | %s s | %.0f |\n' "$runs" "$library" "$(range "$work/library")" "$(awk -v a="$library" -v b="$unchanged" 'BEGIN { print a / b }')"
