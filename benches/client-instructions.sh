#!/usr/bin/env bash
# Instructions per sign-in, façade and tight baseline, as BENCHMARKS.md reports them: callgrind
# counts for two call counts, the difference divided by the calls between them (so set-up
# cancels out). Needs valgrind (`apt-get install valgrind`). One run takes about 3 minutes.
#
#   bash benches/client-instructions.sh            # small/1, small/32, large/1
#   bash benches/client-instructions.sh facade-small-1 baseline-timeout-small-1
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
bin=$(cargo bench --bench client --no-run 2>&1 | sed -n 's/.*Executable benches\/client.rs (\(.*\))/\1/p')
[ -x "$bin" ] || { echo "could not find the client bench binary" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Instructions per call of one case (`--only` name), in thousands with one decimal.
per_call() {
  local case=$1 lo=200 hi=1200
  case $case in *-32) lo=256; hi=1280 ;; esac # whole rounds of 32 tasks
  for n in $lo $hi; do
    valgrind --tool=callgrind --callgrind-out-file="$out/$n" "$bin" --only "$case" --calls "$n" \
      >/dev/null 2>&1
  done
  local a b
  a=$(awk '/^totals:/ {print $2}' "$out/$lo")
  b=$(awk '/^totals:/ {print $2}' "$out/$hi")
  awk -v a="$a" -v b="$b" -v n=$((hi - lo)) 'BEGIN {printf "%.1fk", (b - a) / n / 1000}'
}

if [ $# -gt 0 ]; then
  for case in "$@"; do echo "$case $(per_call "$case")"; done
  exit 0
fi
echo "| case | façade | baseline | façade ÷ baseline |"
echo "| --- | ---: | ---: | ---: |"
for case in small-1 small-32 large-1; do
  f=$(per_call "facade-$case")
  b=$(per_call "baseline-$case")
  ratio=$(awk -v f="${f%k}" -v b="${b%k}" 'BEGIN {printf "%.3f", f / b}')
  echo "| $case | $f | $b | ${ratio}× |"
done
