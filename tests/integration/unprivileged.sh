#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs an integration host under `softsgx run` as an ordinary user (nobody,
# when the suite runs as root), with its own platform state: enclaves
# shared across fork and execve, holders found through /proc and signalled,
# dead TCS holders recognised, all without privilege.
#
# Usage: unprivileged.sh TMPDIR SOFTSGX HOST ARGS...
set -u
tmp=$1
shift
mkdir -p "$tmp/home"
chmod 0777 "$tmp" "$tmp/home"
unset SOFTSGX_PLATFORM
if [ "$(id -u)" -eq 0 ]; then
	if ! command -v setpriv >/dev/null; then
		echo "running as root without setpriv: cannot drop privileges"
		exit 77
	fi
	exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		env HOME="$tmp/home" XDG_STATE_HOME="$tmp/home/state" "$@"
fi
exec env HOME="$tmp/home" XDG_STATE_HOME="$tmp/home/state" "$@"
