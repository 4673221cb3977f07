# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Shared by the tests/examples/examples_*.sh tests (sourced, not run).
# Environment from tests/examples.cmake: SOFTSGX (the command), the hosts
# (HELLO_HOST, SEAL_HOST, ATTEST_HOST; each finds its enclaves beside
# itself), TEST_TMPDIR (a scratch directory) and SOFTSGX_PLATFORM (the
# emulated platform file, inside TEST_TMPDIR: never the user's).
set -eu

: "${SOFTSGX:?SOFTSGX must name the softsgx command}"
: "${TEST_TMPDIR:?TEST_TMPDIR must name a scratch directory}"
: "${SOFTSGX_PLATFORM:?SOFTSGX_PLATFORM must name a throw-away platform file}"

# In sanitizer builds a memory error must not pass for an expected failure.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"

rm -rf "$TEST_TMPDIR"
mkdir -p "$TEST_TMPDIR"
cd "$TEST_TMPDIR"

fail() {
	echo "FAIL: $*" >&2
	exit 1
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

# expect_in FILE TEXT: FILE contains TEXT (a fixed string).
expect_in() {
	grep -qF -- "$2" "$1" || {
		cat "$1" >&2
		fail "'$2' not in $1"
	}
}

# field NAME FILE: the first word after "NAME:" in a 'name: value' listing.
field() {
	awk -v k="$1:" '$1 == k { print $2; exit }' "$2"
}

# flip_bit FILE OFFSET BIT: invert one bit in place.
flip_bit() {
	local byte
	byte=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	printf '%b' "\\0$(printf '%03o' $((byte ^ (1 << $3))))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# set_platform FILE NAME VALUE: a copy of the platform with one field changed.
set_platform() {
	sed "s/^$2=.*/$2=$3/" "$SOFTSGX_PLATFORM" >"$1"
	chmod 600 "$1"
}
