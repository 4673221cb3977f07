#!/usr/bin/env bash
# `make bench`: every figure beside its physical limit, measured in the same
# run. Each benchmark prints lines "BENCH name value unit limit=.. ratio=..".
set -euo pipefail

build=${1:-build}
softsgx="$build/tools/softsgx"
export SOFTSGX_PLATFORM=${SOFTSGX_PLATFORM:-$build/bench-platform}

"$build/bench/softsgx-bench"

# Benchmarks that must run as SGX programs, under softsgx run.
for prog in "$build/tests/integration/bench_ecall" "$build/bench/bench_edmm"; do
	if [ -x "$prog" ]; then
		"$softsgx" run "$prog"
	fi
done
