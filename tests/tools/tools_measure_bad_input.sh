#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# measure rejects malformed input with exit status 1 and a message, and
# never crashes (a crash would exit with 128 + signal).
. "$(dirname "$0")/lib.sh"

reject() { # FILE MESSAGE
	expect_status 1 "$SOFTSGX" measure "$1"
	grep -q "$2" err || fail "$1: expected '$2' in: $(cat err)"
	[ ! -s out ] || fail "$1: printed a result anyway"
}

printf 'hello, world\n' >text.txt
reject text.txt 'not an ELF enclave image or an SGXS stream'
: >empty
reject empty 'not an ELF enclave image or an SGXS stream'
reject does-not-exist 'No such file'
printf '\177ELF\002\001\001' >elf-header-only
reject elf-header-only 'ELF'
# A host program is an ELF file but not an enclave image.
reject "$SOFTSGX" 'ELF'

if [ -f "$VECTOR_SGXS" ]; then
	head -c 1000 "$VECTOR_SGXS" >truncated.sgxs
	reject truncated.sgxs 'truncated record'
	head -c 32 "$VECTOR_SGXS" >ecreate-only.sgxs
	reject ecreate-only.sgxs 'truncated record'
	# EEXTEND records in another order than a loader would produce.
	{ head -c 128 "$VECTOR_SGXS"; tail -c +449 "$VECTOR_SGXS"; } \
		>no-first-eextend.sgxs
	reject no-first-eextend.sgxs 'out of order'
else
	echo "note: vectors absent, SGXS cases not run"
fi

if [ -n "${HELLO_ENCLAVE:-}" ] && [ -f "$HELLO_ENCLAVE" ]; then
	# Every truncation of the enclave image is refused, none crashes.
	size=$(stat -c %s "$HELLO_ENCLAVE")
	for n in 16 63 64 200 4096 8192 $((size / 2)); do
		[ "$n" -lt "$size" ] || continue
		head -c "$n" "$HELLO_ENCLAVE" >cut.so
		reject cut.so 'ELF'
	done
fi
echo PASS
