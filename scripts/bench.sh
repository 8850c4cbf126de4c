#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh (make bench): benchmarks of the series into out/bench/results.txt.
#
#  (a) in-kernel: bench/net_ctrl_bench.c, an out-of-series module, runs a
#      restore-shaped burst of control commands over a split virtqueue in
#      kernel memory through net_ctrl_vringh and through bare vringh calls;
#  (b) end to end: guest/tools/mac_lat.c times SIOCSIFHWADDR on virtio_net
#      over vdpasim_net (virtio_vdpa), on the patched and pristine kernels.
#
# The patched kernel is built into work/build-bench with CONFIG_MODULES
# (for the module only: EXTRA_CONFIG), the pristine one into
# work/build-base (plain, shared with `make baseline`).  Both boot with
# cvq.mode=bench (guest/tests/bench.sh); logs in out/bench/{patched,base}.
#
# Knobs (environment): BENCH_N timed MAC changes per kernel (2000),
# BENCH_WARMUP untimed ones before (200), BENCH_REPS module bursts per
# side (15), BENCH_TIMEOUT per boot in seconds (600).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

n=${BENCH_N:-2000} warmup=${BENCH_WARMUP:-200} reps=${BENCH_REPS:-15}
tmo=${BENCH_TIMEOUT:-600}
kbench=$top/work/build-bench kbase=$top/work/build-base
modsrc=$top/work/bench-module
initrd=$top/work/initramfs-bench.cpio
out=$top/out/bench
results=$out/results.txt

./scripts/deps.sh
./scripts/tree.sh base-worktree

# (a) needs loadable modules: a fragment for this build dir only.
mkdir -p "$top/work"
printf 'CONFIG_MODULES=y\nCONFIG_MODULE_UNLOAD=y\n' >"$top/work/bench-modules.config"
EXTRA_CONFIG=$top/work/bench-modules.config \
	./scripts/build-kernel.sh work/linux "$kbench"

# The module: built against work/build-bench from a copy of bench/, so the
# build products stay out of the source tree.  The kernel's own "modules"
# step first, for Module.symvers.
echo ">>> building bench/net_ctrl_bench.ko against $kbench"
kmake() { make -s -C "$top/work/linux" O="$kbench" CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }
export CCACHE_DIR=${CCACHE_DIR:-$top/work/ccache}
kmake -j"$(nproc)" modules
mkdir -p "$modsrc"
cp bench/Kbuild bench/net_ctrl_bench.c "$modsrc/"
kmake M="$modsrc" modules
ko=$modsrc/net_ctrl_bench.ko

./scripts/build-kernel.sh work/linux-base "$kbase"

BENCH_KO=$ko ./scripts/mkinitramfs.sh "$initrd"

export APPEND="cvq.bench_n=$n cvq.bench_warmup=$warmup cvq.bench_reps=$reps"
for which in patched base; do
	b=$kbench; [ "$which" = base ] && b=$kbase
	echo ">>> booting the $which kernel (cvq.mode=bench, TCG; $APPEND)"
	./scripts/qemu-run.sh "$b/arch/x86/boot/bzImage" "$initrd" bench "$out/$which" "$tmo"
	if grep -q '^@@TEST FAIL' "$out/$which/results.log"; then
		echo "!!! $which guest reported failures:" >&2
		grep '^@@TEST FAIL' "$out/$which/results.log" | tr -d '\r' >&2
		exit 1
	fi
done

# key=value figures of one guest run, and the commands it ran.
figures() { sed -n 's/^@@BENCH \([a-z0-9_]*=[0-9.]*\).*/\1/p' "$out/$1/results.log" | tr -d '\r'; }
commands() { sed -n 's/^@@BENCHCMD //p' "$out/$1/results.log" | tr -d '\r'; }
get() { figures "$1" | sed -n "s/^$2=//p" | head -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f\n", a / b; else print "nan" }'; }

for key in inkernel_net_ctrl_ns_per_cmd inkernel_overhead_ratio; do
	[ -n "$(get patched $key)" ] || { echo "!!! patched guest gave no $key" >&2; exit 1; }
done
for which in patched base; do
	[ -n "$(get $which mac_set_median_ns)" ] || { echo "!!! $which guest gave no mac_set_median_ns" >&2; exit 1; }
done

{
	echo "# make bench (scripts/bench.sh; BENCH_N=$n BENCH_WARMUP=$warmup BENCH_REPS=$reps)"
	echo "# kernels: patched = work/linux (series) in work/build-bench + CONFIG_MODULES;" \
	     "base = work/linux-base (pristine 6.12) in work/build-base; both booted with" \
	     "scripts/qemu-run.sh KERNEL work/initramfs-bench.cpio bench out/bench/{patched,base}"
	commands patched | sed 's/^/# guest (patched): /'
	commands base | sed 's/^/# guest (base): /'
	echo "# inkernel_*: patched kernel only; $(get patched inkernel_cmds_per_burst) commands per burst" \
	     "(MAC ADDR_SET, MAC TABLE_SET 64+64, MQ VQ_PAIRS_SET, RSS_CONFIG 128/40," \
	     "GUEST_OFFLOADS, RX PROMISC+ALLMULTI, 4094 VLAN ADD), ring of" \
	     "$(get patched inkernel_ring_entries), device side only; median (and best) of" \
	     "$(get patched inkernel_reps) bursts per path; net_ctrl = net_ctrl_vringh_handle_cvq_kern," \
	     "vringh = getdesc/pull/push ack/complete floor; overhead ratio = net_ctrl / vringh"
	echo "# patched_/base_mac_set_*: SIOCSIFHWADDR round trips (virtio_net -> CVQ MAC ADDR_SET ->" \
	     "vdpasim_net), n=$(get patched mac_set_n) per kernel after $warmup warm-up calls"
	echo "# CAUTION: all guest timings run under QEMU TCG (no KVM) on a shared 2-core host:" \
	     "absolute ns are emulated and noisy (expect several % run to run); compare ratios"
	figures patched | grep '^inkernel_'
	figures patched | grep '^mac_set_' | sed 's/^/patched_/'
	figures base | grep '^mac_set_' | sed 's/^/base_/'
	echo "e2e_median_ratio_patched_over_base=$(ratio "$(get patched mac_set_median_ns)" "$(get base mac_set_median_ns)")"
	echo "e2e_p99_ratio_patched_over_base=$(ratio "$(get patched mac_set_p99_ns)" "$(get base mac_set_p99_ns)")"
} >"$results.tmp"
mv "$results.tmp" "$results"
echo
echo "=== $results"
cat "$results"
