#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT.cpio
#
# Build the guest's initramfs: busybox (static), iproute2's ip and vdpa,
# ethtool with their shared libraries, the guest scripts from guest/ and
# the guest C tools from guest/tools/*.c (built static); with MODROOT=,
# the kernel modules installed there.  iproute2 and ethtool come from
# SYSROOT (default /, this machine's Debian 12; the nested suite passes the
# trixie root of scripts/trixie-root.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/sysroot.sh"
SYSROOT=${SYSROOT:-/}
out=$(realpath -m "$1")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
tools=$top/work/guest-tools
mkdir -p "$tools"

mkdir -p "$root"/{bin,sbin,lib,lib64,proc,sys,dev,tmp,run,etc,tests,usr/bin}
cp /bin/busybox "$root/bin/busybox"
for app in $(/bin/busybox --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done

# Dynamic binaries and every library they need, at the same paths.
for bin in /usr/sbin/ip /usr/sbin/vdpa /usr/sbin/ethtool /sbin/bridge; do
	sysroot_copy "$SYSROOT" "$root" "$bin"
	[ "$(dirname "$bin")" = /sbin ] || mv "$root$bin" "$root/sbin/"
done
rm -f "$root/bin/ip"

# Guest C tools, static.  They build against Debian 12's uapi headers,
# but for the ones the series extends (VDUSE's), taken from the series'
# tree as they are (they need no export): the same binaries then run on
# the pristine kernel too, which refuses what it does not know.
uapi=$top/work/uapi/include
mkdir -p "$uapi/linux"
for h in vduse.h; do
	src=$top/work/linux/include/uapi/linux/$h
	[ -f "$src" ] && ! cmp -s "$src" "$uapi/linux/$h" && cp "$src" "$uapi/linux/$h"
done
for c in "$top"/guest/tools/*.c; do
	[ -f "$c" ] || continue
	name=$(basename "$c" .c)
	if [ ! -x "$tools/$name" ] || [ "$c" -nt "$tools/$name" ] ||
	   [ "$uapi/linux/vduse.h" -nt "$tools/$name" ]; then
		echo ">>> building guest tool $name"
		gcc -O2 -Wall -Wextra -Werror -static -I"$uapi" -o "$tools/$name" "$c"
	fi
	cp "$tools/$name" "$root/bin/"
done

# An out-of-tree module for the guest (scripts/bench.sh), when BENCH_KO
# names one.
if [ -f "${BENCH_KO:-}" ]; then
	mkdir -p "$root/lib/modules"
	cp "$BENCH_KO" "$root/lib/modules/"
fi

# The modules of a modular build (build-kernel.sh installs them into
# BUILD/modroot), when MODROOT names that directory.
if [ -n "${MODROOT:-}" ]; then
	[ -d "$MODROOT/lib/modules" ] || { echo "no modules in $MODROOT" >&2; exit 1; }
	mkdir -p "$root/lib/modules"
	cp -a "$MODROOT/lib/modules/." "$root/lib/modules/"
fi

cp "$top/guest/init" "$root/init"
chmod +x "$root/init"
cp "$top"/guest/tests/* "$root/tests/"
echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
echo ">>> initramfs $out ($(du -h "$out" | cut -f1))"
