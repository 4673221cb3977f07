#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Help and usage errors: --help exits 0, bad usage exits 2 with a message.
. "$(dirname "$0")/lib.sh"

expect_status 0 "$SOFTSGX" --help
grep -q measure out || fail "--help does not list commands"
for cmd in measure sign info keygen; do
	expect_status 0 "$SOFTSGX" "$cmd" --help
	grep -q "Usage: softsgx $cmd" out || fail "$cmd --help"
done

expect_status 2 "$SOFTSGX"
expect_status 2 "$SOFTSGX" frobnicate
grep -q "unknown command 'frobnicate'" err || fail "unknown command"
expect_status 2 "$SOFTSGX" measure
expect_status 2 "$SOFTSGX" measure --bogus x
grep -q "unknown option '--bogus'" err || fail "unknown option"
expect_status 2 "$SOFTSGX" info a b
expect_status 2 "$SOFTSGX" sign x.so
grep -q -- '--key is required' err || fail "sign without --key"
expect_status 2 "$SOFTSGX" sign --key k.pem --isvsvn 65536 x.so
grep -q "invalid value '65536' for --isvsvn" err || fail "isvsvn range"
expect_status 2 "$SOFTSGX" sign --key k.pem --date 20241301 x.so
expect_status 2 "$SOFTSGX" sign --key k.pem --vendor amd x.so
expect_status 2 "$SOFTSGX" sign --key k.pem --attributes FOO x.so
expect_status 2 "$SOFTSGX" sign --key k.pem --attributes 0x8 x.so
expect_status 2 "$SOFTSGX" sign --key k.pem --isvfamilyid \
	000102030405060708090a0b0c0d0e0f x.so
grep -q 'need KSS' err || fail "family id without KSS"
expect_status 2 "$SOFTSGX" sign --key k.pem --output
expect_status 2 "$SOFTSGX" keygen extra
echo PASS
