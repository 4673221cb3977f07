#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Seal keys from EGETKEY inside the test enclave (it_keys), across runs:
# - stable across two runs of the program on one platform file;
# - MRENCLAVE policy: different for enclave B (other content, same signer);
# - MRSIGNER policy: the same for A and B;
# - another platform (another "CPU"): every key differs.
#
# Usage: seal_keys.sh SOFTSGX IT_KEYS A A.sig B B.sig WORKDIR
set -eu
softsgx=$1 host=$2 a=$3 a_sig=$4 b=$5 b_sig=$6 work=$7

rm -rf "$work"
mkdir -p "$work"
platform=$work/platform
other=$work/other-platform

# run PLATFORM IMAGE SIG OUT: one run of the host; its key lines in OUT.
run() {
	SOFTSGX_PLATFORM=$1 "$softsgx" run -- "$host" "$2" "$3" >"$4"
	cat "$4"
}

key() { # key FILE NAME
	sed -n "s/^$2 \([0-9a-f]\{32\}\)$/\1/p" "$1"
}

fail() {
	echo "FAIL: $*"
	exit 1
}

run "$platform" "$a" "$a_sig" "$work/a1"
run "$platform" "$a" "$a_sig" "$work/a2"
run "$platform" "$b" "$b_sig" "$work/b"
run "$other" "$a" "$a_sig" "$work/a-other"

for f in a1 a2 b a-other; do
	for k in seal-mrenclave seal-mrsigner; do
		[ -n "$(key "$work/$f" $k)" ] || fail "$f: no $k"
	done
done

[ "$(key "$work/a1" seal-mrenclave)" = "$(key "$work/a2" seal-mrenclave)" ] ||
	fail "the MRENCLAVE seal key changed between two runs"
[ "$(key "$work/a1" seal-mrsigner)" = "$(key "$work/a2" seal-mrsigner)" ] ||
	fail "the MRSIGNER seal key changed between two runs"
[ "$(key "$work/a1" seal-mrenclave)" != "$(key "$work/b" seal-mrenclave)" ] ||
	fail "enclaves A and B got the same MRENCLAVE seal key"
[ "$(key "$work/a1" seal-mrsigner)" = "$(key "$work/b" seal-mrsigner)" ] ||
	fail "enclaves A and B (one signer) got different MRSIGNER seal keys"
[ "$(key "$work/a1" seal-mrenclave)" != "$(key "$work/a-other" seal-mrenclave)" ] ||
	fail "another platform gave the same MRENCLAVE seal key"
[ "$(key "$work/a1" seal-mrsigner)" != "$(key "$work/a-other" seal-mrsigner)" ] ||
	fail "another platform gave the same MRSIGNER seal key"

echo "ok  seal keys: stable across runs, per enclave (MRENCLAVE), per signer (MRSIGNER), per platform"
echo PASS
