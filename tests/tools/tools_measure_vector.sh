#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `softsgx measure` on the public SGXS stream prints its known MRENCLAVE.
. "$(dirname "$0")/lib.sh"
need_vectors

expect_status 0 "$SOFTSGX" measure "$VECTOR_SGXS"
expect_field mrenclave "$VECTOR_MRENCLAVE" out
[ "$(wc -l <out)" -eq 1 ] || fail "measure printed more than one line"

# The verbose listing ends with the same line and shows the 9 pages.
expect_status 0 "$SOFTSGX" measure -v "$VECTOR_SGXS"
expect_field mrenclave "$VECTOR_MRENCLAVE" out
expect_field size 0x40000 out
grep -q '^pages: *9 (9 measured)' out || fail "page count not shown"
grep -q '0x000015000-0x000016000 TCS ---' out || fail "TCS page not listed"
echo PASS
