#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# keygen -> sign the hello example enclave -> info: the SIGSTRUCT carries
# what measure prints, the options given, and MRSIGNER = SHA-256 of the
# key's modulus (little-endian).
. "$(dirname "$0")/lib.sh"
need_hello

expect_status 0 "$SOFTSGX" keygen -o key.pem
keygen_mrsigner=$(field mrsigner out)
[ "$(stat -c %a key.pem)" = 600 ] || fail "key.pem is not mode 0600"
# keygen never overwrites a key unless told to.
expect_status 1 "$SOFTSGX" keygen -o key.pem

expect_status 0 "$SOFTSGX" measure "$HELLO_ENCLAVE"
mrenclave=$(field mrenclave out)
[ ${#mrenclave} -eq 64 ] || fail "measure printed no MRENCLAVE"

expect_status 0 "$SOFTSGX" sign --key key.pem --isvprodid 0x1234 \
	--isvsvn 7 --attributes MODE64BIT,PROVISIONKEY --xfrm 0x7 \
	--date 20240229 "$HELLO_ENCLAVE" -o hello.sig
expect_field mrenclave "$mrenclave" out
[ "$(stat -c %s hello.sig)" -eq 1808 ] || fail "hello.sig is not 1808 bytes"

expect_status 0 "$SOFTSGX" info hello.sig
expect_field enclavehash "$mrenclave" out
expect_field isvprodid 4660 out
expect_field isvsvn 7 out
expect_field attributes 0x0000000000000014 out
expect_field attributes_mask 0xfffffffffffffffd out
expect_field xfrm 0x0000000000000007 out
expect_field xfrm_mask 0x0000000000000003 out
expect_field date 0x20240229 out
expect_field signature valid out
expect_field q1 valid out
expect_field q2 valid out
expect_field einit_check pass out
grep -q '^attributes: .*(MODE64BIT|PROVISIONKEY)' out ||
	fail "attributes not decoded"

# MRSIGNER, computed without softsgx: SHA-256 over the modulus bytes in
# little-endian order, the modulus taken from the key by openssl.
modulus=$(openssl rsa -in key.pem -noout -modulus | sed 's/^Modulus=//')
[ ${#modulus} -eq 768 ] || fail "openssl did not print a 3072-bit modulus"
expected=$(sha256_reversed_hex "$modulus")
expect_field mrsigner "$expected" out
[ "$keygen_mrsigner" = "$expected" ] || fail "keygen printed another MRSIGNER"

# Defaults: no ENCLAVE.sig name given -> ENCLAVE.sig next to a copy.
cp "$HELLO_ENCLAVE" copy.so
expect_status 0 "$SOFTSGX" sign -k key.pem --debug-only copy.so
expect_status 0 "$SOFTSGX" info copy.so.sig
expect_field attributes 0x0000000000000006 out
expect_field attributes_mask 0xffffffffffffffff out
expect_field isvprodid 0 out
echo PASS
