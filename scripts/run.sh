#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [patched|base]: build what is missing, boot the guest, drive a
# vdpasim_net device through virtio_net with ip/bridge/ethtool and print
# a table with one row per user action: accepted or refused, the control
# commands it caused and what changed in the device state (report.sh; the
# full state after each action in out/run-*/state.log).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kbuild=$top/work/build kbase=$top/work/build-base
which=${1:-patched}
./scripts/deps.sh || exit 1
if [ "$which" = base ]; then
	./scripts/tree.sh base-worktree || exit 1
	src=$top/work/linux-base build=$kbase
else
	./scripts/tree.sh apply || exit 1
	src=$top/work/linux build=$kbuild
fi
./scripts/build-kernel.sh "$src" "$build" || exit 1
MODROOT=$build/modroot ./scripts/mkinitramfs.sh "$top/work/initramfs-$which.cpio" || exit 1
logdir=$top/out/run-$which
./scripts/qemu-run.sh "$build/arch/x86/boot/bzImage" "$top/work/initramfs-$which.cpio" e2e "$logdir" "${E2E_TIMEOUT:-900}"
rc=$?
echo
echo "=== report ($which kernel; console: $logdir/console.log)"
./scripts/report.sh "$logdir"
echo
np=$(grep -c '^@@TEST PASS' "$logdir/results.log"); nf=$(grep -c '^@@TEST FAIL' "$logdir/results.log")
echo "=== expectations: $np met, $nf not met"
grep '^@@TEST FAIL' "$logdir/results.log" | tr -d '\r' | sed 's/^@@TEST FAIL /  not met: /'
exit $rc
