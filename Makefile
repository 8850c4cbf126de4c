# SPDX-License-Identifier: GPL-2.0
# Emulated control virtqueue for vdpa-net: bench for the patch series.
# See README.md.

.PHONY: run check shell baseline series tree kernel bench nested vduse dpdk nested-vduse clean help

help:
	@echo "make run       build, boot, drive vdpasim_net with ip/ethtool, print a report"
	@echo "make check     host tests, fuzzer, kernel build, KUnit, e2e, checkpatch"
	@echo "make baseline  the e2e, VDUSE, DPDK and nested suites on pristine 7.3.4 and on the series, side by side"
	@echo "make shell     boot the test guest with an interactive shell"
	@echo "make series    export the series to out/series (git format-patch)"
	@echo "make bench     benchmarks into out/bench/results.txt"
	@echo "make nested    QEMU 10 + vhost-vdpa in a Debian 13 guest userspace: an L2 drives the CVQ, live migration restores it"
	@echo "make vduse     a VDUSE net device (guest/tools/vduse_net.c) with its CVQ held in the kernel, driven by virtio_net"
	@echo "make dpdk      unmodified DPDK 24.11 (testpmd) as a VDUSE net device with 4 queue pairs, driven by virtio_net"
	@echo "make nested-vduse  QEMU 10 + vhost-vdpa on a VDUSE net device: L2 drives the kernel's CVQ through QEMU's shadow"

run:
	@./scripts/run.sh patched

check:
	@FULL=$(or $(FULL),0) ./scripts/check.sh

baseline:
	@./scripts/baseline.sh

shell:
	@./scripts/deps.sh && ./scripts/tree.sh apply && \
	 ./scripts/build-kernel.sh work/linux work/build && \
	 MODROOT=work/build/modroot ./scripts/mkinitramfs.sh work/initramfs.cpio && \
	 ./scripts/qemu-run.sh work/build/arch/x86/boot/bzImage work/initramfs.cpio shell out/shell

series:
	@./scripts/deps.sh && ./scripts/tree.sh export out/series

tree:
	@./scripts/tree.sh apply

kernel: tree
	@./scripts/build-kernel.sh work/linux work/build

bench:
	@./scripts/bench.sh

nested:
	@./scripts/deps.sh && ./scripts/tree.sh apply && \
	 ./scripts/build-kernel.sh work/linux work/build && \
	 ./scripts/mkinitramfs-nested.sh work/initramfs-nested.cpio work/build/arch/x86/boot/bzImage && \
	 MEM=2048 APPEND="$(NESTED_ARGS)" ./scripts/qemu-run.sh work/build/arch/x86/boot/bzImage \
	   work/initramfs-nested.cpio nested out/nested 3000 && \
	 sed -n 's/^@@TEST //p; s/^@@REPORT \(.*restore.*\)/\1/p' out/nested/results.log && \
	 ! grep -q '^@@TEST FAIL' out/nested/results.log

vduse:
	@./scripts/deps.sh && ./scripts/tree.sh apply && \
	 ./scripts/build-kernel.sh work/linux work/build && \
	 MODROOT=work/build/modroot ./scripts/mkinitramfs.sh work/initramfs.cpio && \
	 APPEND="$(VDUSE_ARGS)" ./scripts/qemu-run.sh work/build/arch/x86/boot/bzImage \
	   work/initramfs.cpio vduse out/vduse 600 && \
	 sed -n 's/^@@TEST //p; s/^@@REPORT \(vduse: daemon.*\)/\1/p' out/vduse/results.log && \
	 ! grep -q '^@@TEST FAIL' out/vduse/results.log

clean:
	rm -rf out work/build work/build-* work/host work/initramfs*.cpio

dpdk:
	@./scripts/deps.sh && ./scripts/tree.sh apply && \
	 ./scripts/build-kernel.sh work/linux work/build && \
	 ./scripts/mkinitramfs-nested.sh work/initramfs-nested.cpio work/build/arch/x86/boot/bzImage && \
	 MEM=2048 ./scripts/qemu-run.sh work/build/arch/x86/boot/bzImage \
	   work/initramfs-nested.cpio dpdk out/dpdk 900 && \
	 sed -n 's/^@@TEST //p; s/^@@REPORT \(dpdk[: ]\(worst\|testpmd streams\|CVQ\).*\)/\1/p' out/dpdk/results.log && \
	 ! grep -q '^@@TEST FAIL' out/dpdk/results.log

nested-vduse:
	@./scripts/deps.sh && ./scripts/tree.sh apply && \
	 ./scripts/build-kernel.sh work/linux work/build && \
	 ./scripts/mkinitramfs-nested.sh work/initramfs-nested.cpio work/build/arch/x86/boot/bzImage && \
	 MEM=2048 APPEND="$(NESTED_ARGS)" ./scripts/qemu-run.sh work/build/arch/x86/boot/bzImage \
	   work/initramfs-nested.cpio nested_vduse out/nested-vduse 1500 && \
	 sed -n 's/^@@TEST //p; s/^@@REPORT \(nested-vduse: \(QEMU\|daemon\).*\)/\1/p' out/nested-vduse/results.log && \
	 ! grep -q '^@@TEST FAIL' out/nested-vduse/results.log
