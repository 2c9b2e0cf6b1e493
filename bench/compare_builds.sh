#!/usr/bin/env bash
# Times a user's two everyday commands with an earlier commit and with the working tree,
# side by side in the same script run: the default run (as `cargo run --release` makes it)
# and a review of an unchanged report (exit 0, "Nothing to do"). Prints each median and
# new ÷ old. The two builds alternate: each pair of commands is timed twice, in both orders,
# and the medians pool both.
#
#   bash bench/compare_builds.sh REV [RUNS]     # RUNS per command and order, default 61
#
# Needs hyperfine (apt-get install hyperfine) and python3. The earlier commit is built in a
# worktree of its own, into target/compare-old; nothing of the working tree changes.
set -euo pipefail

rev=${1:?usage: bash bench/compare_builds.sh REV [RUNS]}
runs=${2:-61}
command -v hyperfine >/dev/null || { echo "compare_builds.sh: needs hyperfine" >&2; exit 2; }
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
cleanup() {
    git -C "$root" worktree remove --force "$work/source" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

git -C "$root" worktree add --quiet --detach "$work/source" "$rev"
echo "building $rev and the working tree..." >&2
(cd "$work/source" && CARGO_TARGET_DIR="$root/target/compare-old" cargo build --release --quiet)
(cd "$root" && cargo build --release --quiet)

for side in old new; do
    mkdir -p "$work/$side"
done
cp "$root/target/compare-old/release/logreg-report" "$work/old/logreg-report"
cp "$root/target/release/logreg-report" "$work/new/logreg-report"
for side in old new; do
    # Each build reviews a report it wrote itself: the review finds nothing to do.
    (cd "$work/$side" && ./logreg-report --quiet)
done

run() { echo "$work/$1/logreg-report --quiet --out $work/$1/output"; }
review() {
    echo "$work/$1/logreg-report review --quiet --baseline $work/$1/output --review-dir $work/$1/review"
}

# From the scratch folder, where no templates/ folder is: each build uses the template built
# into it, never the working tree's (which an older build may not understand).
cd "$work"
for what in run review; do
    hyperfine -N --warmup 10 --runs "$runs" --export-json "$work/$what-1.json" \
        "$($what old)" "$($what new)" >/dev/null
    hyperfine -N --warmup 10 --runs "$runs" --export-json "$work/$what-2.json" \
        "$($what new)" "$($what old)" >/dev/null
done

python3 - "$work" "$rev" <<'EOF'
import json, statistics, sys
work, rev = sys.argv[1], sys.argv[2]
print(f"{'command':<24} {'median ' + rev[:10]:>18} {'median now':>12} {'now / then':>11}")
for what, label in [("run", "default run"), ("review", "unchanged review")]:
    times = {"old": [], "new": []}
    for order in (1, 2):
        for result in json.load(open(f"{work}/{what}-{order}.json"))["results"]:
            side = "old" if f"{work}/old/" in result["command"] else "new"
            times[side].extend(result["times"])
    old, new = (statistics.median(times[s]) * 1000 for s in ("old", "new"))
    print(f"{label:<24} {old:>15.2f} ms {new:>9.2f} ms {new / old:>11.3f}")
EOF
