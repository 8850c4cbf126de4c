#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs-nested.sh OUT.cpio [L2_BZIMAGE]
#
# The L1 initramfs of the nested suite (cvq.mode=nested): the normal one
# (scripts/mkinitramfs.sh) followed by a second cpio archive (the kernel
# unpacks concatenated archives) that adds
#   - QEMU's qemu-system-x86_64, its shared libraries and the firmware a
#     "-M pc -kernel" boot needs;
#   - DPDK's dpdk-testpmd with its libraries and the net_vhost and
#     mempool_ring PMDs, when SYSROOT has them (the dpdk suite);
#   - /nested/bzImage: the L2 kernel (default: the kernel of work/build;
#     it must have CONFIG_VIRTIO_PCI=y and CONFIG_VIRTIO_NET=y);
#   - /nested/initramfs.cpio: a tiny L2 initramfs (static busybox,
#     iproute2's ip and bridge, ethtool) whose init brings the
#     virtio-net-pci NIC up and then runs the shell commands L1 sends on
#     its second serial port, one a line, answering "@@L2 OUT <output
#     line>"... "@@L2 RC <status>".
#
# SYSROOT= names the root L1's userspace comes from (QEMU, iproute2,
# ethtool): the trixie root of scripts/trixie-root.sh (QEMU 10.0,
# iproute2 6.15), or / for this machine's (Debian 12: QEMU 7.2).  The
# default is the trixie root, built when missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/sysroot.sh"
if [ -z "${SYSROOT:-}" ]; then
	SYSROOT=$("$top/scripts/trixie-root.sh") || exit 1
fi
export SYSROOT
out=$(realpath -m "$1")
l2kernel=$(realpath "${2:-$top/work/build/arch/x86/boot/bzImage}")

# The L2 kernel must drive a virtio-net-pci NIC: check its .config when it
# sits in a build tree.
cfg=$(dirname "$l2kernel")/../../../.config
if [ -f "$cfg" ]; then
	for opt in CONFIG_VIRTIO_PCI CONFIG_VIRTIO_NET; do
		grep -qx "$opt=y" "$cfg" || { echo "mkinitramfs-nested: $l2kernel lacks $opt=y ($cfg)" >&2; exit 1; }
	done
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- L2: busybox, ip, an init that serves L1's commands ----
l2=$tmp/l2
mkdir -p "$l2"/{bin,sbin,proc,sys,dev,tmp}
cp /bin/busybox "$l2/bin/busybox"
for app in $(/bin/busybox --list); do
	[ -e "$l2/bin/$app" ] || ln -s busybox "$l2/bin/$app"
done
for bin in /usr/sbin/ip /sbin/bridge /usr/sbin/ethtool; do
	sysroot_copy / "$l2" "$bin"
	[ "$(dirname "$bin")" = /sbin ] || mv "$l2$bin" "$l2/sbin/"
	rm -f "$l2/bin/$(basename "$bin")"
done
cat >"$l2/init" <<'EOF'
#!/bin/sh
# L2 init: console on ttyS0, command channel on ttyS1 (a pipe chardev of
# the L1 QEMU).  Every line read on ttyS1 is run by sh; its output comes
# back as "@@L2 OUT ..." lines and its exit status as "@@L2 RC n".
# "quit" powers L2 off.
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
ctl=/dev/ttyS1
stty -F $ctl raw -echo
exec 3>$ctl 4<$ctl
nic=
for i in $(seq 1 100); do
	for n in /sys/class/net/*; do
		[ -e "$n/device" ] && { nic=${n##*/}; break 2; }
	done
	sleep 0.1
done
echo "L2: init up at $(cut -d' ' -f1 /proc/uptime)s, nic=$nic"
feat=$(cat /sys/class/net/$nic/device/features 2>/dev/null)
echo "@@L2 READY nic=$nic uptime=$(cut -d' ' -f1 /proc/uptime) features=$feat" >&3
while IFS= read -r line <&4; do
	line=$(echo "$line" | tr -d '\r')
	[ "$line" = quit ] && break
	[ -n "$line" ] || continue
	echo "L2# $line"
	# busybox sh runs its own ip applet first: name iproute2's explicitly.
	out=$(sh -c "ip() { /sbin/ip \"\$@\"; }; bridge() { /sbin/bridge \"\$@\"; }; ethtool() { /sbin/ethtool \"\$@\"; }; $line" 2>&1)
	rc=$?
	[ -n "$out" ] && echo "$out" && echo "$out" | sed 's/^/@@L2 OUT /' >&3
	echo "@@L2 RC $rc" >&3
done
echo "L2: powering off at $(cut -d' ' -f1 /proc/uptime)s"
echo "@@L2 BYE" >&3
poweroff -f
EOF
chmod +x "$l2/init"

# ---- L1 additions: QEMU, firmware, the L2 kernel and initramfs ----
add=$tmp/add
mkdir -p "$add/nested"
qemu=/usr/bin/qemu-system-x86_64
sysroot_copy "$SYSROOT" "$add" "$qemu"
# Debian 12's QEMU has TCG as a module; QEMU 10 has it built in.
moddir=/usr/lib/x86_64-linux-gnu/qemu
[ -e "$SYSROOT$moddir/accel-tcg-x86_64.so" ] &&
	sysroot_copy "$SYSROOT" "$add" "$moddir/accel-tcg-x86_64.so"
# The firmware of "-M pc -kernel": SeaBIOS (or qboot), the linuxboot option
# ROM; kvmvapic.bin only silences a warning.  The NIC gets romfile=.
sysroot_file "$SYSROOT" "$add" /usr/share/seabios/bios-256k.bin
for f in linuxboot_dma.bin kvmvapic.bin qboot.rom; do
	sysroot_file "$SYSROOT" "$add" /usr/share/qemu/$f
done
cp "$l2kernel" "$add/nested/bzImage"
# DPDK's testpmd (guest/tests/dpdk.sh: DPDK as a VDUSE device), when the
# root has it (trixie's dpdk-dev), and the PMD plugins it needs: EAL loads
# every plugin of its plugin directory, so only these three go there.
testpmd=/usr/bin/dpdk-testpmd
if [ -e "$SYSROOT$testpmd" ]; then
	sysroot_copy "$SYSROOT" "$add" "$testpmd"
	pmds=$(ls -d "$SYSROOT"/usr/lib/x86_64-linux-gnu/dpdk/pmds-* | head -n 1)
	pmds=${pmds#"$SYSROOT"}
	for p in net_vhost mempool_ring; do
		sysroot_copy "$SYSROOT" "$add" "$pmds/librte_$p.so"
	done
fi
(cd "$l2" && find . -print0 | cpio --null -o -H newc --quiet) >"$add/nested/initramfs.cpio"

# ---- the normal initramfs, then the additions ----
# L1 runs the same kernel: its modules too.
MODROOT=$(realpath "$(dirname "$l2kernel")/../../..")/modroot \
	"$top/scripts/mkinitramfs.sh" "$tmp/base.cpio" >/dev/null
(cd "$add" && find . -print0 | cpio --null -o -H newc --quiet) >"$tmp/add.cpio"
cat "$tmp/base.cpio" "$tmp/add.cpio" >"$out.tmp"
mv "$out.tmp" "$out"
echo ">>> nested initramfs $out ($(du -h "$out" | cut -f1); userspace from $SYSROOT; L2 kernel $l2kernel," \
     "L2 initramfs $(du -h "$add/nested/initramfs.cpio" | cut -f1))"
