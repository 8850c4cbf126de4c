#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the bench needs, when they are missing, and
# fetch the base kernel source: Debian's linux-source-7.3 from
# trixie-backports (a Debian 13 suite that Debian 12 can read).  The suite
# is added to apt pinned at priority 50, so nothing else is upgraded from
# it; the source .deb is only downloaded and unpacked into the bench cache
# ($BENCH_CACHE, shared by every clone on this machine), never installed.
#
# The version is pinned.  If the archive no longer offers it, the newest
# linux-source-7.3 it has is taken instead, with one line saying so: a
# series based on 7.3 applies to any 7.3.y.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/cache.sh"
KSRC_PKG=linux-source-7.3
KSRC_VER=${KSRC_VER:-7.3.4-1~bpo13+1}
pkgs=(qemu-system-x86 busybox-static iproute2 ethtool cpio flex bison bc
      libelf-dev libssl-dev ccache clang libclang-rt-14-dev gcc make
      libc6-dev python3 python3-ply python3-git xz-utils perl git kmod rsync
      sparse dpkg-dev)
need_root() {
	if [ "$(id -u)" != 0 ]; then echo "need root to install packages" >&2; exit 1; fi
}
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
export DEBIAN_FRONTEND=noninteractive
updated=0
if [ ${#missing[@]} -gt 0 ]; then
	echo ">>> installing: ${missing[*]}"
	need_root
	apt-get update -qq
	updated=1
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The base kernel source, once per machine.
mkdir -p "$BENCH_CACHE"
if [ ! -f "$KERNEL_TARBALL" ]; then
	need_root
	src=/etc/apt/sources.list.d/trixie-backports.sources
	if ! grep -rqs 'trixie-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		echo ">>> adding trixie-backports to apt (pinned at 50)"
		cat >"$src" <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
		cat >/etc/apt/preferences.d/trixie-backports <<'EOS'
Package: *
Pin: release n=trixie-backports
Pin-Priority: 50
EOS
		updated=0
	fi
	[ $updated = 1 ] || apt-get update -qq
	ver=$KSRC_VER
	if ! apt-cache madison "$KSRC_PKG" | awk '{print $3}' | grep -qx "$ver"; then
		ver=$(apt-cache madison "$KSRC_PKG" | awk '{print $3}' | sort -V | tail -n 1)
		[ -n "$ver" ] || { echo "the archive has no $KSRC_PKG" >&2; exit 1; }
		echo ">>> NOTE: $KSRC_PKG $KSRC_VER is no longer in the archive; using $ver"
	fi
	tmp=$(mktemp -d "$BENCH_CACHE/dl.XXXXXX")
	chown _apt "$tmp" 2>/dev/null || chmod 777 "$tmp"	# apt downloads as _apt
	echo ">>> fetching $KSRC_PKG=$ver into $BENCH_CACHE"
	(cd "$tmp" && apt-get download -qq "$KSRC_PKG=$ver" && dpkg-deb -x ./*.deb x)
	mv "$tmp/x/usr/src/linux-source-7.3.tar.xz" "$KERNEL_TARBALL"
	echo "$ver" >"$KERNEL_TARBALL.version"
	rm -rf "$tmp"
fi

# sparse.  Linux 7.3 uses __typeof_unqual__, which Debian 12's sparse
# (0.6.4) does not know: kbuild then silently skips C=1/C=2.  When the
# installed sparse fails the kernel's own test (scripts/checker-valid.sh),
# build Debian's newer one (sid's source package, sparse 0.6.5~rc1) into
# the bench cache; only its source is taken from sid (a deb-src entry),
# so nothing is installed or upgraded from there.  About 30 seconds.
sparse_ok() {
	local t
	t=$(mktemp --suffix=.c)
	printf 'static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n' >"$t"
	"$1" "$t" 2>&1 | grep -q error && { rm -f "$t"; return 1; }
	rm -f "$t"
	return 0
}
if ! sparse_ok sparse && [ ! -x "$SPARSE" ]; then
	need_root
	echo ">>> building sparse from Debian sid's source package into $BENCH_CACHE/sparse"
	if ! grep -rqs 'deb-src.*sid\|Suites: sid' /etc/apt/sources.list.d/debian-sid-src.sources; then
		cat >/etc/apt/sources.list.d/debian-sid-src.sources <<'EOS'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
		apt-get update -qq
	fi
	tmp=$(mktemp -d "$BENCH_CACHE/sparse.XXXXXX")
	chown _apt "$tmp" 2>/dev/null || chmod 777 "$tmp"
	(cd "$tmp" && apt-get source -qq --download-only sparse >/dev/null 2>&1 &&
	 dpkg-source -x ./sparse_*.dsc src >/dev/null 2>&1 &&
	 make -s -C src -j"$(nproc)" CC=gcc sparse >/dev/null 2>&1)
	sparse_ok "$tmp/src/sparse" || { echo "the sparse built from sid does not handle __typeof_unqual__" >&2; exit 1; }
	mkdir -p "$(dirname "$SPARSE")"
	cp "$tmp/src/sparse" "$SPARSE"
	rm -rf "$tmp"
fi
