#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test softsgx.
# Run by `make demo`, `make check` and `make bench` before anything else.
set -eu

# package -> a file or command whose presence shows it is installed
need=(
	"gcc:/usr/bin/gcc"
	"make:/usr/bin/make"
	"cmake:/usr/bin/cmake"
	"pkg-config:/usr/bin/pkg-config"
	"libssl-dev:/usr/include/openssl/evp.h"
	"libcmocka-dev:/usr/include/cmocka.h"
	"linux-libc-dev:/usr/include/x86_64-linux-gnu/asm/sgx.h"
	"python3:/usr/bin/python3"
	"openssl:/usr/bin/openssl"
	"binutils:/usr/bin/readelf"
	"util-linux:/usr/bin/setpriv"
	"clang-format:/usr/bin/clang-format"
	"libcapstone-dev:/usr/include/capstone/capstone.h"
	"libyaml-dev:/usr/include/yaml.h"
)

missing=()
for entry in "${need[@]}"; do
	pkg=${entry%%:*}
	path=${entry#*:}
	[ -e "$path" ] || missing+=("$pkg")
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "softsgx: installing missing packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo=(sudo -n)
else
	echo "softsgx: these Debian packages are missing: ${missing[*]}" >&2
	echo "softsgx: install them as root: apt-get install ${missing[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
