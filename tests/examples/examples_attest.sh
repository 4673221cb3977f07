#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The attest example under `softsgx run`: B verifies a REPORT that A made
# for it and names A exactly as `softsgx measure` and the SIGSTRUCT do;
# a REPORT with any one bit changed, or targeted at another enclave, is
# rejected.
. "$(dirname "$0")/lib.sh"
: "${ATTEST_HOST:?}"
dir=$(dirname "$ATTEST_HOST")

attest() { "$SOFTSGX" run -- "$ATTEST_HOST" "$@"; }

expect_status 0 "$SOFTSGX" info "$dir/attest-a.enclave.sig"
mrsigner=$(field mrsigner out)
expect_status 0 "$SOFTSGX" measure "$dir/attest-a.enclave.so"
mrenclave=$(field mrenclave out)

expect_status 0 attest "from A, with love"
expect_in out "B verified a REPORT from:"
[ "$(field mrenclave out)" = "$mrenclave" ] || fail "MRENCLAVE: $(cat out)"
[ "$(field mrsigner out)" = "$mrsigner" ] || fail "MRSIGNER: $(cat out)"
[ "$(field isvprodid out)" = 1 ] || fail "ISVPRODID: $(cat out)"
[ "$(field flags out)" = 0x5 ] || fail "attributes: $(cat out)"
expect_in out 'reportdata: "from A, with love"'

# One bit of the body (MRENCLAVE, ATTRIBUTES, REPORTDATA), of KEYID and
# of the MAC.
for bit in 0 $((48 * 8 + 1)) $((64 * 8)) $((320 * 8 + 3)) $((384 * 8)) \
	$((416 * 8 + 7)) 3455; do
	expect_status 3 attest --flip "$bit"
	expect_in out "B rejected the REPORT"
done

# A REPORT that A targeted at itself: valid, but not for B.
expect_status 3 attest --wrong-target
expect_in out "A made a REPORT for A"
expect_in out "B rejected the REPORT"

# Every single-bit change, in one process.
expect_status 0 attest --flip-all
expect_in out "B rejected 3456 of 3456 single-bit changes"

expect_status 2 attest --flip 3456
echo "ok: genuine REPORT verified, 3456 single-bit changes and a wrong target rejected"
