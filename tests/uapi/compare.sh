#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run PROGRAM [ARGS...] natively and under `softsgx run`: both must succeed
# and print the same transcript (preloading changes nothing for them).
# Lines marked "[kb]" (checks a known softsgx bug makes fail, reported as
# skips under softsgx) and the closing count are left out of the diff.
# Usage: compare.sh SOFTSGX PROGRAM [ARGS...]
set -u
softsgx=$1
shift
native=$("$@" 2>&1)
native_rc=$?
shimmed=$("$softsgx" run -- "$@" 2>&1)
shimmed_rc=$?
echo "--- native (exit $native_rc)"
echo "$native"
echo "--- under softsgx run (exit $shimmed_rc)"
echo "$shimmed"
echo "---"
comparable() {
	grep -v -e '\[kb\]' -e '^[a-z_]*: [0-9]* passed, [0-9]* failed' <<<"$1"
}
rc=0
if [ "$native_rc" != 0 ] || [ "$shimmed_rc" != 0 ]; then
	echo "FAIL: exit status native $native_rc, under softsgx $shimmed_rc"
	rc=1
fi
if ! diff <(comparable "$native") <(comparable "$shimmed"); then
	echo "FAIL: the transcripts differ (diff above: < native, > softsgx)"
	rc=1
else
	echo "PASS: identical transcripts"
fi
exit $rc
