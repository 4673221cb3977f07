#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One flipped bit in a SIGSTRUCT is reported: in the signature, in q1, in a
# signed field, in a header constant.
. "$(dirname "$0")/lib.sh"
need_hello

"$SOFTSGX" keygen -o key.pem >/dev/null
"$SOFTSGX" sign -k key.pem "$HELLO_ENCLAVE" -o good.sig >/dev/null
expect_status 0 "$SOFTSGX" info good.sig

corrupt() { # NAME OFFSET BIT
	cp good.sig "$1.sig"
	flip_bit "$1.sig" "$2" "$3"
	expect_status 1 "$SOFTSGX" info "$1.sig"
	grep -q 'not valid' err || fail "$1: no error message"
	expect_field einit_check FAIL out
}

corrupt signature 700 3 # SIGNATURE is bytes 516..899
expect_field signature INVALID out

corrupt q1 1100 0 # Q1 is bytes 1040..1423
expect_field signature valid out
expect_field q1 INVALID out
expect_field q2 valid out

corrupt isvsvn 1026 0 # signed body field
expect_field signature INVALID out

corrupt header 4 1 # HEADER constant
expect_field header BAD out
expect_field format BAD out

# A file of the wrong size is refused outright.
head -c 1807 good.sig >short.sig
expect_status 1 "$SOFTSGX" info short.sig
grep -q '1807 bytes' err || fail "short file: no error message"
echo PASS
