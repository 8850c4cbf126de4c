#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# baseline.sh: run the guest e2e suite on the pristine 7.3.4 kernel (same
# config, its own build dir) and on the patched one, and print the two
# side by side: which expectations the pristine kernel fails.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kbuild=$top/work/build kbase=$top/work/build-base
./scripts/deps.sh || exit 1
./scripts/tree.sh apply || exit 1
./scripts/tree.sh base-worktree || exit 1
./scripts/build-kernel.sh "$top/work/linux-base" "$kbase" || exit 1
./scripts/build-kernel.sh "$top/work/linux" "$kbuild" || exit 1
MODROOT=$kbase/modroot ./scripts/mkinitramfs.sh "$top/work/initramfs-base.cpio" || exit 1
MODROOT=$kbuild/modroot ./scripts/mkinitramfs.sh "$top/work/initramfs-patched.cpio" || exit 1
for which in base patched; do
	b=$kbuild; [ $which = base ] && b=$kbase
	./scripts/qemu-run.sh "$b/arch/x86/boot/bzImage" "$top/work/initramfs-$which.cpio" e2e "$top/out/baseline/$which" "${E2E_TIMEOUT:-900}"
done
verdicts() { grep '^@@TEST ' "$top/out/baseline/$1/results.log" 2>/dev/null | tr -d '\r' | awk '{print $3, $2}'; }
echo
printf '%-32s %-8s %-8s\n' expectation pristine patched
join -a1 -a2 -e - -o 0,1.2,2.2 <(verdicts base | sort -k1,1) <(verdicts patched | sort -k1,1) |
	while read -r name b p; do printf '%-32s %-8s %-8s\n' "$name" "$b" "$p"; done
echo
echo "pristine kernel fails $(verdicts base | grep -c ' FAIL') of $(verdicts base | wc -l) expectations;" \
     "patched fails $(verdicts patched | grep -c ' FAIL') of $(verdicts patched | wc -l)"
