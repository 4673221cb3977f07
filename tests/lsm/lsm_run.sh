#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An unmodified SGX program (the hello host) under `softsgx run` and a
# policy: its code pages come from heap memory, so a policy denying
# execanon stops ADD_PAGES with EACCES and one audit record in the file
# sink; permissive mode logs the same record and runs; a launch rule
# keyed on the launcher's label; a malformed policy leaves the program
# without SGX and names FILE:LINE:COL.
. "$(dirname "$0")/../tools/lib.sh"
[ -n "${HELLO_HOST:-}" ] && [ -x "$HELLO_HOST" ] || skip "no hello host"
dir=$(dirname "$HELLO_HOST")
export SOFTSGX_PLATFORM=$TEST_TMPDIR/platform
# Sanitizer builds: libsoftsgx is preloaded ahead of the ASan runtime; a
# host that fails exits with its enclave open, which the kernel (here: the
# process's end) cleans up, so that is not a leak.
if [ -n "${ASAN_OPTIONS:-}" ]; then
	export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0:detect_leaks=0"
fi
run_hello() {
	"$SOFTSGX" run -- "$HELLO_HOST" "$dir/hello.enclave.so" \
		"$dir/hello.enclave.sig" 2
}

policy() { # MODE RULES...
	local mode=$1
	shift
	{
		printf 'version: 1\nmodel: upstream\nmode: %s\ndefault: allow\n' "$mode"
		printf 'audit: { sink: file, path: %s/audit.log }\nrules:\n' "$TEST_TMPDIR"
		printf '%s\n' "$@"
	} >policy.yaml
	rm -f audit.log
}
export SOFTSGX_POLICY=$TEST_TMPDIR/policy.yaml

policy enforcing '  - deny: execanon'
expect_status 1 run_hello
grep -q 'building the enclave: Permission denied' err || fail "$(cat err)"
[ "$(wc -l <audit.log)" -eq 1 ] || fail "log: $(cat audit.log)"
grep -Eq "^audit\([0-9]+\.[0-9]{3}\): avc: denied \{ execanon \} for pid=[0-9]+ exe=\"$HELLO_HOST\" uid=$(id -u) gid=$(id -g) enclave=mrenclave:unknown signer=mrsigner:unknown addr=0x[0-9a-f]+ op=load model=upstream rule=7 permissive=0$" audit.log ||
	fail "record: $(cat audit.log)"
record=$(sed -e 's/^audit([^)]*): //' -e 's/ pid=[0-9]*/ pid=P/' -e 's/addr=0x[0-9a-f]*/addr=A/' audit.log)
expect_status 0 "$SOFTSGX" audit --perm execanon --count
[ "$(cat out)" = 1 ] || fail "softsgx audit: $(cat out)"

policy permissive '  - deny: execanon'
expect_status 0 run_hello
grep -q 'enclave says 40 + 2 = 42' out || fail "$(cat out)"
[ "$(sed -e 's/^audit([^)]*): //' -e 's/ pid=[0-9]*/ pid=P/' -e 's/addr=0x[0-9a-f]*/addr=A/' audit.log)" = "${record%permissive=0}permissive=1" ] ||
	fail "permissive record: $(cat audit.log)"

# The launcher's label: only "ci" may launch.
policy enforcing '  - allow: launch' '    subject: { label: ci }' '  - deny: launch'
SOFTSGX_LABEL=ci expect_status 0 run_hello
expect_status 1 run_hello
grep -q 'denied { launch }.* op=init .*rule=9 ' audit.log || fail "$(cat audit.log)"
grep -q "signer=mrsigner:[0-9a-f]\{64\} " audit.log || fail "$(cat audit.log)"

# A malformed policy: softsgx run refuses to start the program and says
# where the error is.
printf 'version: 1\ndefault: allow\nrules:\n  - deny: [launch, bogus]\n' >policy.yaml
expect_status 1 run_hello
grep -q "^softsgx run: $TEST_TMPDIR/policy.yaml:4:20: error: unknown permission 'bogus'" err ||
	fail "$(cat err)"
grep -q "enclave initialised" out && fail "the program ran: $(cat out)"
echo "ok: denied, permissive, label, malformed"
