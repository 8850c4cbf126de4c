#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# trixie-root.sh: print the path of a Debian 13 (trixie) root with the
# clients people run against vDPA today, building it when it is missing.
#
#   iproute2 6.15  `vdpa dev add ... device_features`, `max_vqp`
#   ethtool
#   QEMU 10.0      qemu-system-x86: -netdev vhost-vdpa with address space
#                  ids, CVQ shadowing and restore of the CVQ state
#   DPDK 24.11     dpdk (dpdk-testpmd, the VDUSE backend)
#
# Why trixie's QEMU 10.0 and not trixie-backports' 11.1: 10.0 is the QEMU
# of the same stable release as DPDK 24.11 and iproute2 6.15, the one a
# Debian 13 host runs and gets security updates for; its vhost-vdpa net
# client already has everything the suites check (CVQ isolation probe,
# ASID shadowing, restore of MAC, rx mode, tables, VLANs, MQ, RSS,
# offloads).  The versions below are pinned: a root with other versions
# is still built, and the difference printed on one line.
#
# The root is built by debootstrap (minbase) into the bench cache, keyed by
# a hash of the recipe (suite, packages, pins): it is rebuilt only when
# the recipe changes.  The guest does not boot it whole:
# scripts/mkinitramfs*.sh take binaries and their libraries from it
# (SYSROOT=), resolved inside the root.
#
# The build time and size are printed, and kept in ROOT/.build-info.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/cache.sh"

SUITE=trixie
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PKGS=iproute2,ethtool,qemu-system-x86,dpdk,dpdk-dev,kmod
# package=version the suites were written against.
PIN="qemu-system-x86=1:10.0.* dpdk=24.11.* dpdk-dev=24.11.* iproute2=6.15.* ethtool=1:6.14*"

key=$(echo "$SUITE $PKGS $PIN" | sha256sum | cut -c1-12)
root=$BENCH_CACHE/trixie-$key
if [ -f "$root/.build-info" ]; then
	echo "$root"
	exit 0
fi

[ "$(id -u)" = 0 ] || { echo "trixie-root: need root for debootstrap" >&2; exit 1; }
if ! command -v debootstrap >/dev/null; then
	echo ">>> installing debootstrap" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
[ -f /usr/share/debootstrap/scripts/$SUITE ] ||
	{ echo "trixie-root: this debootstrap does not know $SUITE" >&2; exit 1; }
mkdir -p "$BENCH_CACHE"
# Old roots of earlier recipes go.
for old in "$BENCH_CACHE"/trixie-*; do
	[ -e "$old" ] && [ "$old" != "$root" ] && rm -rf "$old"
done
tmp=$root.tmp
rm -rf "$tmp"
t0=$(date +%s)
echo ">>> debootstrap $SUITE ($PKGS) into $root (once per recipe)" >&2
if ! debootstrap --variant=minbase --include="$PKGS" \
	--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
	"$SUITE" "$tmp" "$MIRROR" >"$BENCH_CACHE/trixie-debootstrap.log" 2>&1; then
	tail -n 20 "$BENCH_CACHE/trixie-debootstrap.log" >&2
	echo "trixie-root: debootstrap failed (log: $BENCH_CACHE/trixie-debootstrap.log)" >&2
	exit 1
fi
# Nothing of the root runs as a system: drop the package caches.
rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*
t1=$(date +%s)
vers=$(chroot "$tmp" dpkg-query -W -f='${Package}=${Version}\n' qemu-system-x86 dpdk dpdk-dev iproute2 ethtool)
off=
for p in $PIN; do
	name=${p%%=*} pat=${p#*=}
	got=$(echo "$vers" | sed -n "s/^$name=//p")
	# shellcheck disable=SC2254
	case $got in $pat) ;; *) off="$off $name=$got (pinned $pat)" ;; esac
done
[ -z "$off" ] || echo ">>> NOTE: $SUITE now has$off; going on with it" >&2
size=$(du -sm "$tmp" | cut -f1)
{
	echo "suite=$SUITE built=$(date -u +%FT%TZ) seconds=$((t1 - t0)) size_mb=$size"
	echo "$vers"
} >"$tmp/.build-info"
mv "$tmp" "$root"
echo ">>> trixie root built in $((t1 - t0)) s, ${size} MB: $(echo "$vers" | tr '\n' ' ')" >&2
echo "$root"
