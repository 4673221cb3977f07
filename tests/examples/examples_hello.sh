#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The hello example under `softsgx run`: the host builds its enclave through
# the driver's ioctls and makes ECALLs through the vDSO.
. "$(dirname "$0")/lib.sh"
: "${HELLO_HOST:?}"
dir=$(dirname "$HELLO_HOST")

expect_status 0 "$SOFTSGX" run -- "$HELLO_HOST" "$dir/hello.enclave.so" \
	"$dir/hello.enclave.sig" 5
expect_in out "enclave initialised"
expect_in out "enclave says 40 + 1 = 41 (call 1)"
expect_in out "enclave says 40 + 5 = 45 (call 5)"
echo "ok: 5 ECALLs"
