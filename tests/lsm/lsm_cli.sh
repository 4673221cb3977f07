#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `softsgx policy check` on the good and the malformed corpus (each refused
# with FILE:LINE:COL as its first line says), `softsgx policy explain` on a
# signed enclave, and `softsgx audit` filtering a log.
. "$(dirname "$0")/../tools/lib.sh"
: "${LSM_CORPUS:?}"

# --- check -------------------------------------------------------------------
expect_status 0 "$SOFTSGX" policy check "$LSM_CORPUS/good/example.yaml"
grep -qx "$LSM_CORPUS/good/example.yaml: ok: 4 rules, model safe-to-execute, enforcing, default deny" out ||
	fail "unexpected summary: $(cat out)"

n=0
for f in "$LSM_CORPUS"/bad/*.yaml; do
	want=$(head -n1 "$f" | sed -e 's/^# expect: //')
	loc=${want%%: *}
	msg=${want#*: }
	expect_status 1 "$SOFTSGX" policy check "$f"
	[ "$(cat err)" = "$f:$loc: error: $msg" ] ||
		fail "$f: got '$(cat err)', want '$f:$loc: error: $msg'"
	[ ! -s out ] || fail "$f: something on stdout"
	n=$((n + 1))
done
[ "$n" -ge 20 ] || fail "only $n malformed policies"
echo "ok: $n malformed policies refused at their line and column"

expect_status 1 "$SOFTSGX" policy check /nonexistent.yaml
grep -q '^/nonexistent.yaml: error: No such file or directory$' err ||
	fail "missing file: $(cat err)"
expect_status 2 "$SOFTSGX" policy frobnicate

# --- explain -----------------------------------------------------------------
[ -n "${HELLO_SIG:-}" ] && [ -f "$HELLO_SIG" ] || skip "no signed hello enclave"
signer=$("$SOFTSGX" info "$HELLO_SIG" | awk '$1 == "mrsigner:" { print $2 }')
[ ${#signer} -eq 64 ] || fail "no MRSIGNER from softsgx info"
cat >p.yaml <<EOF
version: 1
model: vma-propagate
default: deny
rules:
  - name: builders
    allow: [launch, execanon]
    subject: { exe: /usr/bin/builder }
    enclave: { mrsigner: $signer }
  - allow: debug
    enclave: { mrsigner: $signer, isvsvn: 0..3 }
  - deny: all
EOF
expect_status 0 "$SOFTSGX" policy explain --sig "$HELLO_SIG" --policy p.yaml --exe /usr/bin/builder --uid 1000
grep -q "^subject:   exe /usr/bin/builder, uid 1000" out || fail "subject: $(cat out)"
grep -q "^           mrsigner  $signer$" out || fail "signer: $(cat out)"
grep -q '^launch     allow  by rule at 5:5 (builders)$' out || fail "launch: $(cat out)"
grep -q '^debug      allow  by rule at 9:5$' out || fail "debug: $(cat out)"
grep -q '^provision  deny   by rule at 11:5$' out || fail "provision: $(cat out)"
grep -q '^execanon   allow  by rule at 5:5 (builders)$' out || fail "execanon: $(cat out)"

# Without --exe the answer depends on the program, and says so.
expect_status 0 "$SOFTSGX" policy explain --sig "$HELLO_SIG" --policy p.yaml
grep -q '^launch     deny   by rule at 11:5, unless rule at 5:5 (builders) matches the program (then allow)$' out ||
	fail "undetermined launch: $(cat out)"

# No policy at all: upstream, everything allowed.
SOFTSGX_POLICY=none expect_status 0 "$SOFTSGX" policy explain --sig "$HELLO_SIG"
grep -q '^policy:    none' out || fail "no policy: $(cat out)"
[ "$(grep -c '  allow  by the default$' out)" -eq 7 ] || fail "none: $(cat out)"
expect_status 2 "$SOFTSGX" policy explain --policy p.yaml
expect_status 2 "$SOFTSGX" policy explain --sig "$HELLO_SIG" --exe relative

# --- audit -------------------------------------------------------------------
e1=$(printf 'ab%.0s' {1..32})
cat >log <<EOF
audit(1.000): avc: denied { execdirty } for pid=7 exe="/usr/bin/app" uid=0 gid=0 enclave=mrenclave:$e1 signer=mrsigner:$signer addr=0x1000 op=mprotect model=safe-to-execute rule=5 permissive=0
audit(2.000): avc: granted { launch } for pid=8 exe="/usr/bin/app" uid=0 gid=0 label="ci" enclave=mrenclave:$e1 signer=mrsigner:$signer addr=0x0 op=init model=upstream rule=default permissive=0
Jan 1 00:00:00 host softsgx[9]: avc: denied { launch } for pid=9 exe=2F746D702F6D7920617070 uid=0 gid=0 enclave=mrenclave:unknown signer=mrsigner:unknown addr=0x0 op=init model=upstream rule=3 permissive=1
not a record
EOF
expect_status 0 "$SOFTSGX" audit --count log
[ "$(cat out)" = 3 ] || fail "count: $(cat out)"
expect_status 0 "$SOFTSGX" audit --denied log
[ "$(wc -l <out)" -eq 2 ] || fail "--denied: $(cat out)"
expect_status 0 "$SOFTSGX" audit --granted --label ci log
grep -q 'granted { launch }' out || fail "--granted: $(cat out)"
expect_status 0 "$SOFTSGX" audit --perm launch --exe "/tmp/my app" log
grep -q 'pid=9 ' out || fail "hex exe: $(cat out)"
expect_status 0 "$SOFTSGX" audit --signer "$signer" --op mprotect --count - <log
[ "$(cat out)" = 1 ] || fail "--signer: $(cat out)"
expect_status 1 "$SOFTSGX" audit --perm mapwx log
expect_status 2 "$SOFTSGX" audit --perm bogus log
expect_status 2 "$SOFTSGX" audit --signer 12 log
echo "ok: check, explain, audit"
