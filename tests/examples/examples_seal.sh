#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The seal example under `softsgx run`: a message sealed by one process is
# unsealed by another (the platform file carries the keys); a blob with any
# byte changed, or sealed by another build of the enclave (MRENCLAVE
# policy), does not open; MRSIGNER policy lets build 2 (ISVSVN 2) open what
# build 1 sealed but not the reverse; the CPUSVN bound in the blob allows a
# TCB upgrade and refuses a downgrade; another platform or owner cannot
# open it.
. "$(dirname "$0")/lib.sh"
: "${SEAL_HOST:?}"
dir=$(dirname "$SEAL_HOST")
v2=(--enclave "$dir/seal-v2.enclave.so" --sig "$dir/seal-v2.enclave.sig")
msg="meet me at the old oak at midnight"

seal() { "$SOFTSGX" run -- "$SEAL_HOST" "$@"; }

expect_status 0 seal info
[ "$(field version out)" = 1 ] || fail "build 1: $(cat out)"
[ "$(field isvsvn out)" = 1 ] || fail "build 1 ISVSVN: $(cat out)"
mrenclave1=$(field mrenclave out)
expect_status 0 seal "${v2[@]}" info
[ "$(field isvsvn out)" = 2 ] || fail "build 2 ISVSVN: $(cat out)"
[ "$(field mrenclave out)" != "$mrenclave1" ] || fail "same MRENCLAVE"

# Seal in one process, unseal in the next one.
expect_status 0 seal seal blob "$msg"
[ -f "$SOFTSGX_PLATFORM" ] || fail "no platform file was created"
! grep -qF "oak" blob || fail "the blob holds the plaintext"
expect_status 0 seal unseal blob
[ "$(cat out)" = "$msg" ] || fail "unsealed '$(cat out)'"
# Each blob has its own key and nonce.
expect_status 0 seal seal blob2 "$msg"
! cmp -s blob blob2 || fail "sealing twice gave the same blob"

# One bit changed anywhere (header, ciphertext or tag): refused.
size=$(stat -c %s blob)
for ((off = 0; off < size; off++)); do
	cp blob bad
	flip_bit bad "$off" $((off % 8))
	expect_status 3 seal unseal bad
	expect_in err "the enclave refused"
done
head -c $((size - 1)) blob >bad
expect_status 3 seal unseal bad
expect_in err "not a sealed blob"

# MRENCLAVE policy: another build by the same signer cannot open it.
expect_status 3 seal "${v2[@]}" unseal blob
expect_in err "authentication failed"

# MRSIGNER policy: the newer build opens the older one's blob ...
expect_status 0 seal seal --policy mrsigner signer1 "$msg"
expect_status 0 seal "${v2[@]}" unseal signer1
[ "$(cat out)" = "$msg" ] || fail "build 2 unsealed '$(cat out)'"
# ... but not the other way round: EGETKEY refuses ISVSVN 2 to build 1.
expect_status 0 seal "${v2[@]}" seal --policy mrsigner signer2 "$msg"
expect_status 3 seal unseal signer2
expect_in err "SGX_INVALID_ISVSVN"

# The blob names the CPUSVN it was sealed at: an upgrade still opens it,
# a rollback to an older TCB does not.
set_platform upgraded cpusvn 03030303030303030303030303030303
SOFTSGX_PLATFORM=$PWD/upgraded expect_status 0 seal unseal blob
set_platform rolled-back cpusvn 02020202020202020202020202020201
SOFTSGX_PLATFORM=$PWD/rolled-back expect_status 3 seal unseal blob
expect_in err "SGX_INVALID_CPUSVN"

# Another owner epoch, or another platform altogether: no key.
set_platform new-owner owner_epoch 0123456789abcdef0123456789abcdef
SOFTSGX_PLATFORM=$PWD/new-owner expect_status 3 seal unseal blob
expect_in err "authentication failed"
SOFTSGX_PLATFORM=$PWD/other-platform expect_status 3 seal unseal blob
expect_in err "authentication failed"

# Usage errors are not refusals.
expect_status 2 seal seal --policy none x "$msg"
expect_status 2 seal unseal
echo "ok: sealed $((size - 96)) bytes into $size; $size tampered blobs refused"
