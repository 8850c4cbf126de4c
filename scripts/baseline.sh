#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# baseline.sh: run guest suites on the pristine 7.3.4 kernel (same config,
# its own build dir) and on the patched one, and print the two side by
# side: which expectations the pristine kernel fails.
#
#   e2e      the real virtio_net driver on virtio_vdpa (Debian 12 tools)
#   vduse    a VDUSE net device with a control virtqueue (refused at
#            creation by the pristine kernel)
#   dpdk     unmodified DPDK 24.11 (Debian 13's testpmd) as a VDUSE net
#            device with 4 queue pairs (refused at creation too)
#   nested_vduse  QEMU 10 on a VDUSE net device (not in the default: 8
#            minutes on the series, refused at creation on 7.3.4)
#   nested   QEMU 10 with -netdev vhost-vdpa in a Debian 13 userspace, an
#            L2 guest, live migration and the restore through the CVQ
#            (about 12 minutes a pass; NESTED_ARGS="nested.svq=off" runs
#            one pass instead of two)
#
# SUITES picks them (default "e2e vduse dpdk nested": about 77 minutes).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
SUITES=${SUITES:-e2e vduse dpdk nested}
kbuild=$top/work/build kbase=$top/work/build-base
./scripts/deps.sh || exit 1
./scripts/tree.sh apply || exit 1
./scripts/tree.sh base-worktree || exit 1
./scripts/build-kernel.sh "$top/work/linux-base" "$kbase" || exit 1
./scripts/build-kernel.sh "$top/work/linux" "$kbuild" || exit 1
for which in base patched; do
	b=$kbuild; [ $which = base ] && b=$kbase
	MODROOT=$b/modroot ./scripts/mkinitramfs.sh "$top/work/initramfs-$which.cpio" || exit 1
	case " $SUITES " in *" nested "* | *" dpdk "* | *" nested_vduse "*)
		./scripts/mkinitramfs-nested.sh "$top/work/initramfs-nested-$which.cpio" \
			"$b/arch/x86/boot/bzImage" || exit 1 ;;
	esac
done
for suite in $SUITES; do
	for which in base patched; do
		b=$kbuild; [ $which = base ] && b=$kbase
		case $suite in
		nested) MEM=2048 APPEND="${NESTED_ARGS:-}" ./scripts/qemu-run.sh "$b/arch/x86/boot/bzImage" "$top/work/initramfs-nested-$which.cpio" \
				nested "$top/out/baseline/nested-$which" "${NESTED_TIMEOUT:-2400}" ;;
		nested_vduse) MEM=2048 ./scripts/qemu-run.sh "$b/arch/x86/boot/bzImage" "$top/work/initramfs-nested-$which.cpio" \
				nested_vduse "$top/out/baseline/nested_vduse-$which" 1500 ;;
		dpdk) MEM=2048 ./scripts/qemu-run.sh "$b/arch/x86/boot/bzImage" "$top/work/initramfs-nested-$which.cpio" \
				dpdk "$top/out/baseline/dpdk-$which" 900 ;;
		*) ./scripts/qemu-run.sh "$b/arch/x86/boot/bzImage" "$top/work/initramfs-$which.cpio" \
				"$suite" "$top/out/baseline/$suite-$which" "${E2E_TIMEOUT:-900}" ;;
		esac
	done
done
verdicts() { grep '^@@TEST ' "$top/out/baseline/$1/results.log" 2>/dev/null | tr -d '\r' | awk '{print $3, $2}'; }
for suite in $SUITES; do
	echo
	printf '%-40s %-8s %-8s\n' "$suite expectation" pristine patched
	join -a1 -a2 -e - -o 0,1.2,2.2 <(verdicts $suite-base | sort -k1,1) <(verdicts $suite-patched | sort -k1,1) |
		while read -r name b p; do printf '%-40s %-8s %-8s\n' "$name" "$b" "$p"; done
	if [ $suite = vduse ]; then
		for which in base patched; do
			echo "$which: $(grep -E '^@@REPORT vduse (daemon|: daemon stopped)' "$top/out/baseline/vduse-$which/results.log" 2>/dev/null |
				tr -d '\r' | sed 's/^@@REPORT //' | cut -c1-300 | tr '\n' ' ')"
		done
	fi
	if [ $suite = dpdk ]; then
		for which in base patched; do
			echo "$which: $(grep -E '^@@(REPORT dpdk: worst|REPORT dpdk testpmd streams|TEST FAIL dpdk/create)' "$top/out/baseline/dpdk-$which/results.log" 2>/dev/null |
				tr -d '\r' | sed 's/^@@//' | cut -c1-300 | tr '\n' ' ')"
		done
	fi
	if [ $suite = nested ]; then
		for which in base patched; do
			echo "$which:"
			grep -E '^@@REPORT nested.*(restore|QEMU)' "$top/out/baseline/nested-$which/results.log" 2>/dev/null |
				tr -d '\r' | sed 's/^@@REPORT /  /' | cut -c1-400
		done
	fi
	echo
	echo "$suite: pristine kernel fails $(verdicts $suite-base | grep -c ' FAIL') of $(verdicts $suite-base | wc -l) expectations;" \
	     "patched fails $(verdicts $suite-patched | grep -c ' FAIL') of $(verdicts $suite-patched | wc -l)"
done
