#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sign refuses keys SGX cannot use: RSA-2048, exponent 65537, not RSA.
. "$(dirname "$0")/lib.sh"
need_hello

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-pkeyopt rsa_keygen_pubexp:3 -out rsa2048.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 \
	-pkeyopt rsa_keygen_pubexp:65537 -out e65537.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	-out ec.pem 2>/dev/null
printf 'not a key\n' >garbage.pem

refuse() { # KEY MESSAGE
	rm -f out.sig
	expect_status 1 "$SOFTSGX" sign --key "$1" "$HELLO_ENCLAVE" -o out.sig
	grep -q "$2" err || fail "$1: expected '$2' in: $(cat err)"
	[ ! -e out.sig ] || fail "$1: a SIGSTRUCT was written anyway"
}

refuse rsa2048.pem '2048 bits'
refuse e65537.pem 'exponent is not 3'
refuse ec.pem 'not an RSA key'
refuse garbage.pem 'not an unencrypted PEM private key'
refuse missing.pem 'No such file'
echo PASS
