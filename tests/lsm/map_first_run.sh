#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# map_first under softsgx run: without a policy the RWX page appears and
# reads back; with a policy denying mapwx it stays inaccessible and the
# audit log says why (op=fault).
. "$(dirname "$0")/../tools/lib.sh"
export SOFTSGX_PLATFORM=$TEST_TMPDIR/platform

export SOFTSGX_POLICY=none
expect_status 0 "$SOFTSGX" run -- "$MAP_FIRST"
grep -qx 'read: ok' out || fail "no policy: $(cat out) $(cat err)"

printf 'version: 1\nmodel: upstream\nmode: enforcing\ndefault: allow\naudit: { sink: file, path: %s/audit.log }\nrules:\n  - deny: mapwx\n' \
	"$TEST_TMPDIR" >policy.yaml
export SOFTSGX_POLICY=$TEST_TMPDIR/policy.yaml
expect_status 0 "$SOFTSGX" run -- "$MAP_FIRST"
grep -qx 'read: fault' out || fail "mapwx denied: $(cat out) $(cat err)"
grep -q 'avc: denied { mapwx } .* op=fault ' audit.log ||
	fail "audit: $(cat audit.log)"
echo "lsm_map_first: ok"
