#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# softsgx einit: the software CPU builds an enclave image and EINIT accepts
# its own signature, refuses a SECS the signer did not allow and a SIGSTRUCT
# for another enclave; the public vector initialises with its identity.
. "$(dirname "$0")/lib.sh"
need_hello

expect_status 0 "$SOFTSGX" keygen -o key.pem
expect_status 0 "$SOFTSGX" sign --key key.pem --isvprodid 9 --isvsvn 4 \
	"$HELLO_ENCLAVE" -o hello.sig
expect_status 0 "$SOFTSGX" measure "$HELLO_ENCLAVE"
mrenclave=$(field mrenclave out)

expect_status 0 "$SOFTSGX" einit "$HELLO_ENCLAVE" hello.sig
grep -qx 'einit: ok' out || fail "einit did not succeed"
expect_field mrenclave "$mrenclave" out
expect_field isvprodid 9 out
expect_field isvsvn 4 out
# DEBUG is left free by the default ATTRIBUTEMASK.
expect_status 0 "$SOFTSGX" einit --debug "$HELLO_ENCLAVE" hello.sig

expect_status 1 "$SOFTSGX" einit --miscselect 1 "$HELLO_ENCLAVE" hello.sig
grep -q 'SGX_INVALID_ATTRIBUTE' out || fail "miscselect: $(cat out)"

# A SIGSTRUCT whose ENCLAVEHASH was changed after signing.
cp hello.sig other.sig
printf '\xff' | dd of=other.sig bs=1 seek=960 conv=notrunc status=none
expect_status 1 "$SOFTSGX" einit "$HELLO_ENCLAVE" other.sig
grep -q 'SGX_INVALID_SIGNATURE' out || fail "tampered hash: $(cat out)"

# Not a SIGSTRUCT at all.
head -c 100 hello.sig >short.sig
expect_status 1 "$SOFTSGX" einit "$HELLO_ENCLAVE" short.sig

if [ -f "$VECTOR_SGXS" ] && [ -f "$VECTOR_SIG" ]; then
	expect_status 0 "$SOFTSGX" einit "$VECTOR_SGXS" "$VECTOR_SIG"
	expect_field mrenclave "$VECTOR_MRENCLAVE" out
	expect_field mrsigner "$VECTOR_MRSIGNER" out
	expect_field isvprodid 65535 out
else
	echo "SKIP (part): public test vectors not found"
fi
echo "tools_einit: ok"
