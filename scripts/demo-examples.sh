#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The three example programs under `softsgx run`: unmodified SGX hosts, no
# SGX hardware. Usage: scripts/demo-examples.sh [BUILD_DIR] (default build).
# Called by demo.sh; fails if any example does not behave as it should.
set -euo pipefail

build=${1:-build}
softsgx="$build/tools/softsgx"
ex="$build/examples"
work="$build/demo-examples"

# A throw-away emulated platform unless the caller names one: the demo must
# not create or use the platform (and keys) in the user's home directory.
mkdir -p "$work"
export SOFTSGX_PLATFORM=${SOFTSGX_PLATFORM:-$(cd "$work" && pwd)/platform}
# Harmless without sanitizers; needed when the build has them, because
# libsoftsgx is preloaded ahead of the ASan runtime.
export ASAN_OPTIONS=${ASAN_OPTIONS:-verify_asan_link_order=0}

step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

# The example hosts exit with 3 when an enclave refuses; anything else here
# (success included) means the demo went wrong.
refused() {
	local status=0
	printf '$ %s\n' "$*"
	"$@" || status=$?
	if [ "$status" -ne 3 ]; then
		echo "demo-examples: expected a refusal (exit 3), got $status" >&2
		exit 1
	fi
}

# flip_bit FILE OFFSET BIT: invert one bit in place.
flip_bit() {
	local byte
	byte=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	printf '%b' "\\0$(printf '%03o' $((byte ^ (1 << $3))))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

rm -f "$work"/*.blob

step "hello: the host builds its enclave through /dev/sgx_enclave and calls it through the vDSO"
run "$softsgx" run -- "$ex/hello/hello-host" "$ex/hello/hello.enclave.so" \
	"$ex/hello/hello.enclave.sig" 3

step "seal: the enclave seals a message with its EGETKEY seal key (policy MRENCLAVE); the host writes the blob"
run "$softsgx" run -- "$ex/seal/seal-host" seal "$work/secret.blob" \
	"the treasure is under the third palm tree"
run od -A d -t x1 "$work/secret.blob"

step "seal: a second process unseals it (the platform file kept the keys)"
run "$softsgx" run -- "$ex/seal/seal-host" unseal "$work/secret.blob"

step "seal: one bit of the ciphertext changed: the enclave refuses the blob"
cp "$work/secret.blob" "$work/tampered.blob"
flip_bit "$work/tampered.blob" 90 4
refused "$softsgx" run -- "$ex/seal/seal-host" unseal "$work/tampered.blob"

step "seal: build 2 of the enclave (same signer, another MRENCLAVE) cannot open build 1's blob"
refused "$softsgx" run -- "$ex/seal/seal-host" \
	--enclave "$ex/seal/seal-v2.enclave.so" \
	--sig "$ex/seal/seal-v2.enclave.sig" unseal "$work/secret.blob"

step "attest: B's TARGETINFO, A's REPORT for B binding a message, B checks the MAC with its report key"
run "$softsgx" run -- "$ex/attest/attest-host" "A was here"

step "attest: the host flips one bit of the REPORT (in REPORTDATA) on its way to B"
refused "$softsgx" run -- "$ex/attest/attest-host" --flip 2600 "A was here"

step "attest: a genuine REPORT, but A targeted it at itself, not at B"
refused "$softsgx" run -- "$ex/attest/attest-host" --wrong-target

cat <<'TXT'

== What the examples showed
- hello: an unmodified SGX host builds, initialises and enters an enclave through the Linux driver ABI and the vDSO, with no SGX hardware.
- seal: data sealed with EGETKEY's MRENCLAVE-bound seal key survives the process, opens only in the same enclave, and any change to the blob is detected.
- attest: EREPORT + EGETKEY(REPORT) local attestation works: B learns A's MRENCLAVE/MRSIGNER and data, and rejects a modified or misdirected REPORT.
TXT
