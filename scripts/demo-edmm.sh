#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The SGX2 (EDMM) examples under `softsgx run`: enclaves whose memory
# changes at run time, driven by unmodified SGX hosts.
# Usage: scripts/demo-edmm.sh [BUILD_DIR] (default build). Called by
# demo.sh; fails if any example does not behave as it should.
set -euo pipefail

build=${1:-build}
softsgx="$build/tools/softsgx"
ex="$build/examples/edmm"
work="$build/demo-edmm"

# A throw-away emulated platform unless the caller names one: the demo must
# not create or use the platform (and keys) in the user's home directory.
mkdir -p "$work"
export SOFTSGX_PLATFORM=${SOFTSGX_PLATFORM:-$(cd "$work" && pwd)/platform}
# Harmless without sanitizers; needed when the build has them, because
# libsoftsgx is preloaded ahead of the ASan runtime.
export ASAN_OPTIONS=${ASAN_OPTIONS:-verify_asan_link_order=0}

step() { printf '\n== %s\n' "$*"; }

# example NAME: run edmm-NAME on its enclave; stop the demo if it fails.
example() {
	local status=0
	local cmd=("$softsgx" run -- "$ex/edmm-$1" "$ex/edmm_$1.enclave.so"
		"$ex/edmm_$1.enclave.sig")
	printf '$ %s\n' "${cmd[*]}"
	"${cmd[@]}" || status=$?
	if [ "$status" -ne 0 ]; then
		echo "demo-edmm: the $1 example failed (exit $status)" >&2
		exit 1
	fi
}

step "edmm heap: an allocator that EACCEPTs pages as its heap grows and gives them back when it shrinks"
example heap

step "edmm thread: the enclave adds a TCS at run time; two host threads run inside at once"
example thread

step "edmm jit: EAUG a page, write x86 code, EMODPE(X), drop W, call it"
example jit

cat <<'TXT'

== What the SGX2 examples showed
- heap: pages appear by EAUG only when the enclave's allocator EACCEPTs them, and TRIM + EACCEPT + REMOVE_PAGES give them back (VmRSS returns).
- thread: a TCS made at run time (MODIFY_TYPES(TCS) + EACCEPT) is entered by a second host thread while the first is inside.
- jit: code written into an EAUG'd page runs after EMODPE(X), and once RESTRICT_PERMISSIONS + EACCEPT and mprotect drop W, writes to it fault.
TXT
