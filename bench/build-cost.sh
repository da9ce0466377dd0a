#!/usr/bin/env bash
# Incremental build cost of HotIL on the sample: the same builds with HotILEnabled=true and =false,
# timed one after the other (median of N runs, milliseconds). Prints a markdown table.
#   bench/build-cost.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
project=sample/HotIL.Sample
rules=$project/Rules.cs
backup=$(mktemp)
log=$(mktemp)
cp "$rules" "$backup"
trap 'cp "$backup" "$rules"; rm -f "$backup" "$log"' EXIT

build() { dotnet build "$project" -c Debug --no-restore -nologo -v:q -p:HotILEnabled="$1" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }; }
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# One case: prepare (untimed), then a timed build; the median over $runs.
measure() {
  local enabled=$1 kind=$2 times=()
  for ((i = 0; i < runs; i++)); do
    case $kind in
      no-change) build "$enabled" ;;
      edit) build "$enabled"; echo "// edit $i $(now)" >>"$rules" ;;
    esac
    local start; start=$(now)
    build "$enabled"
    times+=($(( ($(now) - start) / 1000000 )))
    cp "$backup" "$rules"
  done
  printf '%s\n' "${times[@]}" | median
}

dotnet restore "$project" -v:q >/dev/null
dotnet build src/HotIL.MSBuild -c Release -nologo -v:q >/dev/null
echo "| build of the sample (Debug, median of $runs) | HotIL off | HotIL on | difference |"
echo "|---|---:|---:|---:|"
for kind in no-change edit; do
  off=$(measure false $kind)
  on=$(measure true $kind)
  echo "| $kind | $off ms | $on ms | $((on - off)) ms |"
done
