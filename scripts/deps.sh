#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the bench needs, when they are missing.
set -euo pipefail
KVER_PKG=${KVER_PKG:-linux-source-6.12=6.12.117-1~deb12u1}
pkgs=(qemu-system-x86 busybox-static iproute2 ethtool cpio flex bison bc
      libelf-dev libssl-dev ccache clang libclang-rt-14-dev gcc make
      libc6-dev python3 python3-ply python3-git xz-utils perl git kmod rsync)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ! -f /usr/src/linux-source-6.12.tar.xz ]; then
	missing+=("$KVER_PKG")
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo ">>> installing: ${missing[*]}"
	if [ "$(id -u)" != 0 ]; then echo "need root to install packages" >&2; exit 1; fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
