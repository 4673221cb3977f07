#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# softsgx needs no privilege: as an ordinary user (nobody, when the suite
# runs as root) the platform state is created under XDG_STATE_HOME with
# mode 0600 and reused, and keygen, sign and einit work.
. "$(dirname "$0")/lib.sh"
need_hello

as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null ||
			skip "running as root without setpriv: cannot drop privileges"
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			env HOME="$home" XDG_STATE_HOME="$home/state" "$@"
	else
		env HOME="$home" XDG_STATE_HOME="$home/state" "$@"
	fi
}

home="$TEST_TMPDIR/home"
mkdir -p "$home"
chmod 0777 "$TEST_TMPDIR" "$home"
unset SOFTSGX_PLATFORM

as_user "$SOFTSGX" platform >out 2>err || fail "platform: $(cat err)"
state="$home/state/softsgx/platform"
expect_field state_file "$state" out
[ "$(stat -c %a "$state")" = 600 ] || fail "state file mode $(stat -c %a "$state")"
[ "$(stat -c %a "$(dirname "$state")")" = 700 ] || fail "state dir not 0700"
[ "$(stat -c %u "$state")" = "$(as_user id -u)" ] || fail "state file owner"
id1=$(field root_key_id out)
as_user "$SOFTSGX" platform >out 2>err || fail "platform again: $(cat err)"
[ "$(field root_key_id out)" = "$id1" ] || fail "the platform was not reused"

as_user "$SOFTSGX" keygen -o "$home/key.pem" >out 2>err || fail "keygen: $(cat err)"
as_user "$SOFTSGX" sign --key "$home/key.pem" "$HELLO_ENCLAVE" \
	-o "$home/hello.sig" >out 2>err || fail "sign: $(cat err)"
as_user "$SOFTSGX" einit "$HELLO_ENCLAVE" "$home/hello.sig" >out 2>err ||
	fail "einit: $(cat err)"
grep -qx 'einit: ok' out || fail "einit: $(cat out)"
echo "tools_unprivileged: ok (uid $(as_user id -u))"
