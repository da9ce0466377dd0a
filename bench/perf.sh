#!/usr/bin/env bash
# Reproduces the numbers in docs/performance.md, one part after the other, on an otherwise idle machine:
#   1. the machine;  2. incremental build cost on the sample;  3. weaving real assemblies (Roslyn, Cecil,
#   Json.NET) and running them against the originals;  4. reload latency next to dotnet watch;
#   5. steady-state overhead of woven code (BenchmarkDotNet, four builds side by side).
#   bench/perf.sh [--quick] [output folder, default artifacts/perf]
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
if [[ ${1:-} == --quick ]]; then quick=--quick; shift; fi
out=$(realpath -m "${1:-artifacts/perf}")
mkdir -p "$out"
step() { echo "== $1 ($(date -u +%H:%M:%S))" >&2; }

step machine
{
  echo "- $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "- $(uname -sr); .NET SDK $(dotnet --version)"
  echo "- measured $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
} | tee "$out/machine.md"

step "weave at scale"
HOTIL_REALWORLD_ROSLYN=1 dotnet test tests/HotIL.RealWorld.Tests -c Release --logger "console;verbosity=detailed" \
  --filter "(FullyQualifiedName~SideBySideTests.Every_method|FullyQualifiedName~RoslynTests|FullyQualifiedName~NewtonsoftJsonTests|FullyQualifiedName~MonoCecilTests)&FullyQualifiedName!~Repeated_concurrent" \
  >"$out/weave-at-scale.log" 2>&1 || { tail -40 "$out/weave-at-scale.log"; echo "weave at scale: tests failed or the host crashed (above); going on" >&2; }
grep -E '\.dll: |corpus:|woven [0-9]+ ms|files, .* lines|results; woven|Passed!|Failed!' "$out/weave-at-scale.log" | sed 's/^ *//' | sort -u | tee "$out/weave-at-scale.txt"

step "build cost"
bench/build-cost.sh "$([[ -n $quick ]] && echo 3 || echo 5)" | tee "$out/build-cost.md"

step "reload latency"
dotnet run -c Release --project bench/HotIL.Latency -- $quick --markdown "$out/latency.md" --json "$out/latency.json" >/dev/null

step "steady state"
dotnet run -c Release --project bench/HotIL.Benchmarks -- --filter '*' ${quick:---job steady} --artifacts "$out/benchmarks" >"$out/benchmarks.log" 2>&1 \
  || echo "a benchmark failed: $out/benchmarks.log" >&2
cat "$out/benchmarks/results/HotIL-overhead.md"
step done
