# SPDX-License-Identifier: MIT
# Shared by the tests/tools/tools_*.sh CLI tests (sourced, not run).
# Environment from tests/tools.cmake: SOFTSGX (the command), SOFTSGX_VECTORS,
# HELLO_ENCLAVE (may be empty) and TEST_TMPDIR (a scratch directory).
set -eu

: "${SOFTSGX:?SOFTSGX must name the softsgx command}"
: "${TEST_TMPDIR:?TEST_TMPDIR must name a scratch directory}"

VECTOR_SGXS=${SOFTSGX_VECTORS:-}/fortanix-test_enclave.sgxs
VECTOR_SIG=${SOFTSGX_VECTORS:-}/fortanix-test_enclave.sig
VECTOR_MRENCLAVE=784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc
VECTOR_MRSIGNER=fb4bab3d6036ac1d730fa83d7366df1dd2dfeac194ef335d6854d8a6c6475542

# In sanitizer builds a memory error must not pass for an ordinary exit 1.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"

rm -rf "$TEST_TMPDIR"
mkdir -p "$TEST_TMPDIR"
cd "$TEST_TMPDIR"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

need_vectors() {
	[ -f "$VECTOR_SGXS" ] && [ -f "$VECTOR_SIG" ] ||
		skip "public test vectors not found in '${SOFTSGX_VECTORS:-}' (set SOFTSGX_VECTORS)"
}

need_hello() {
	[ -n "${HELLO_ENCLAVE:-}" ] ||
		skip "the examples are not part of this build"
	[ -f "$HELLO_ENCLAVE" ] || fail "$HELLO_ENCLAVE was not built"
}

# field NAME FILE: the first word after "NAME:" in a 'name: value' listing.
field() {
	awk -v k="$1:" '$1 == k { print $2; exit }' "$2"
}

# expect_status N CMD...: run CMD, require exit status N; output in out/err.
expect_status() {
	local want=$1 got=0
	shift
	"$@" >out 2>err || got=$?
	if [ "$got" -ne "$want" ]; then
		cat out err >&2
		fail "'$*' exited with $got, expected $want"
	fi
}

# expect_field NAME VALUE FILE
expect_field() {
	local got
	got=$(field "$1" "$3")
	[ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}

# Bytes (decimal values) of FILE from OFFSET, COUNT of them.
bytes_at() {
	od -An -tu1 -v -j "$2" -N "$3" "$1" | tr -s ' \n' '  '
}

# flip_bit FILE OFFSET BIT: invert one bit in place.
flip_bit() {
	local byte
	byte=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((byte ^ (1 << $3))))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# sha256 of the bytes given as a hex string, with the byte order reversed.
sha256_reversed_hex() {
	local hex=$1 out='' i
	for ((i = ${#hex} - 2; i >= 0; i -= 2)); do
		out="$out\\x${hex:i:2}"
	done
	printf "$out" | sha256sum | cut -d' ' -f1
}
