#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh (make bench): benchmarks of the series into out/bench/results.txt.
#
#  (a) in-kernel: bench/net_ctrl_bench.c, an out-of-series module, runs a
#      restore-shaped burst of control commands over a split virtqueue in
#      kernel memory through vdpa_net_ctrl and through bare vringh calls;
#  (b) end to end: guest/tools/mac_lat.c times SIOCSIFHWADDR on virtio_net
#      over vdpasim_net (virtio_vdpa), on the patched and pristine kernels;
#  (c) multiqueue, end to end: guest/tools/mq_lat.c times "ethtool -L" and
#      "ethtool -X" on a 4-pair device (patched kernel only: the pristine
#      simulator has one queue pair).
#
# The patched kernel is built into work/build-bench with CONFIG_MODULES
# (for the module only: EXTRA_CONFIG), the pristine one into
# work/build-base (plain, shared with `make baseline`).  Both boot with
# cvq.mode=bench (guest/tests/bench.sh), in turn, BENCH_BOOTS times each;
# logs in out/bench/{patched,base}/bootI.
#
# Knobs (environment): BENCH_N timed MAC changes per kernel (2000),
# BENCH_WARMUP untimed ones before (200), BENCH_REPS module bursts per
# side (15), BENCH_BOOTS boots of each kernel (3), BENCH_TIMEOUT per boot
# in seconds (600).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

n=${BENCH_N:-2000} warmup=${BENCH_WARMUP:-200} reps=${BENCH_REPS:-15}
boots=${BENCH_BOOTS:-3}
tmo=${BENCH_TIMEOUT:-600}
kbench=$top/work/build kbase=$top/work/build-base
modsrc=$top/work/bench-module
initrd=$top/work/initramfs-bench.cpio initrd_base=$top/work/initramfs-bench-base.cpio
out=$top/out/bench
results=$out/results.txt

./scripts/deps.sh
./scripts/tree.sh base-worktree

# The kernels are modular (config/kernel.config): (a) is one more module.
./scripts/build-kernel.sh work/linux "$kbench"

# The module: built against work/build-bench from a copy of bench/, so the
# build products stay out of the source tree.  The kernel's own "modules"
# step first, for Module.symvers.
echo ">>> building bench/net_ctrl_bench.ko against $kbench"
kmake() { make -s -C "$top/work/linux" O="$kbench" CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }
. "$top/scripts/cache.sh"
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top/work}
kmake -j"$(nproc)" modules
mkdir -p "$modsrc"
cp bench/Kbuild bench/net_ctrl_bench.c "$modsrc/"
kmake M="$modsrc" modules
ko=$modsrc/net_ctrl_bench.ko

./scripts/build-kernel.sh work/linux-base "$kbase"

# One initramfs per kernel, each with its own modules; only the patched
# one has the bench module (it needs vdpa_net_ctrl).
BENCH_KO=$ko MODROOT=$kbench/modroot ./scripts/mkinitramfs.sh "$initrd"
MODROOT=$kbase/modroot ./scripts/mkinitramfs.sh "$initrd_base"

# Boot the two kernels in turn, $boots times each: a swing of the host's
# load (other builds) then hits both kernels, and the median over the
# boots of each figure is reported.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
export APPEND="cvq.bench_n=$n cvq.bench_warmup=$warmup cvq.bench_reps=$reps"
rm -rf "$out/patched" "$out/base"
for i in $(seq 1 "$boots"); do
	for which in patched base; do
		b=$kbench i=$initrd
		[ "$which" = base ] && b=$kbase i=$initrd_base
		log=$out/$which/boot$i
		echo ">>> boot $i/$boots of the $which kernel (cvq.mode=bench, TCG; $APPEND)"
		./scripts/qemu-run.sh "$b/arch/x86/boot/bzImage" "$i" bench "$log" "$tmo"
		if grep -q '^@@TEST FAIL' "$log/results.log"; then
			echo "!!! $which guest reported failures ($log):" >&2
			grep '^@@TEST FAIL' "$log/results.log" | tr -d '\r' >&2
			exit 1
		fi
	done
done

# Lines of the results channel of every boot of one kernel.
channel() { cat "$out/$1"/boot*/results.log | tr -d '\r'; }
# The key=value figures of one kernel: per key, the median over the boots.
figures() {
	channel "$1" | sed -n 's/^@@BENCH \([a-z0-9_]*=[0-9.]*\).*/\1/p' | awk -F= '
		!($1 in vals) { order[n++] = $1 }
		{ vals[$1] = vals[$1] " " $2 }
		END {
			for (i = 0; i < n; i++) {
				m = split(vals[order[i]], v, " ")
				for (j = 2; j <= m; j++)	# insertion sort
					for (k = j; k > 1 && v[k - 1] + 0 > v[k] + 0; k--) {
						t = v[k]; v[k] = v[k - 1]; v[k - 1] = t
					}
				print order[i] "=" v[int((m + 1) / 2)]
			}
		}'
}
# The values of one key in each boot of one kernel, in boot order.
perboot() { channel "$1" | sed -n "s/^@@BENCH $2=//p" | tr '\n' ' ' | sed 's/ $//'; }
commands() { channel "$1" | sed -n 's/^@@BENCHCMD //p' | sort -u; }
get() { figures "$1" | sed -n "s/^$2=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f\n", a / b; else print "nan" }'; }

for key in inkernel_net_ctrl_ns_per_cmd inkernel_overhead_ratio; do
	[ -n "$(get patched $key)" ] || { echo "!!! patched guest gave no $key" >&2; exit 1; }
done
for which in patched base; do
	[ -n "$(get $which mac_set_median_ns)" ] || { echo "!!! $which guest gave no mac_set_median_ns" >&2; exit 1; }
done

boot() { channel "$1" | sed -n 's/^@@BOOT //p' | sort -u | tr '\n' ' ' | sed 's/ $//'; }
{
	echo "# make bench (scripts/bench.sh; BENCH_N=$n BENCH_WARMUP=$warmup BENCH_REPS=$reps BENCH_BOOTS=$boots)"
	echo "# patched kernel: work/linux (the series) in work/build-bench, plus CONFIG_MODULES=y"
	echo "# base kernel: work/linux-base (pristine 7.3.4) in work/build-base"
	echo "# boots: scripts/qemu-run.sh KERNEL work/initramfs-bench.cpio bench out/bench/{patched,base}/bootI" \
	     "(APPEND=\"$APPEND\"), I = 1..$boots, kernels in turn;"
	echo "#   every figure below is the median over the $boots boots of its kernel"
	echo "#   patched: $(boot patched)"
	echo "#   base: $(boot base)"
	commands patched | sed 's/^/# guest (patched): /'
	commands base | sed 's/^/# guest (base): /'
	echo "# inkernel_*: patched kernel only.  A burst of $(get patched inkernel_cmds_per_burst) commands" \
	     "shaped like a migration restore:"
	echo "#   MAC ADDR_SET, MAC TABLE_SET (64 uc + 64 mc), MQ VQ_PAIRS_SET, MQ RSS_CONFIG (128 entries," \
	     "40-byte key), GUEST_OFFLOADS SET, RX PROMISC, RX ALLMULTI, VLAN ADD x 4094"
	echo "#   over a split ring of $(get patched inkernel_ring_entries) in kernel memory," \
	     "$(get patched inkernel_chains_per_batch) chains per batch; only the device side is timed;"
	echo "#   *_ns_per_cmd: median of $(get patched inkernel_reps) bursts per path (*_best_*: fastest burst);"
	echo "#   vdpa_net_ctrl = vdpa_net_ctrl_vringh_handle_cvq_kern() with accepting callbacks;" \
	     "vringh = bare getdesc/pull/push ack/complete (the floor);"
	echo "#   inkernel_overhead_ratio = vdpa_net_ctrl / vringh; per boot: $(perboot patched inkernel_overhead_ratio)"
	echo "# {patched,base}_mac_set_*: SIOCSIFHWADDR -> virtio_net MAC ADDR_SET over the CVQ ->" \
	     "vdpasim_net, n=$(get patched mac_set_n) per kernel after $warmup warm-up calls;" \
	     "e2e_*_ratio = patched / base"
	echo "#   mac_set_median_ns per boot: patched $(perboot patched mac_set_median_ns); base $(perboot base mac_set_median_ns)"
	echo "# CAUTION: every figure is timed inside a QEMU TCG guest (no KVM) on a shared 2-core host:"
	echo "#   absolute ns are emulated time and noisy.  On a quiet host, expect about +-5% run to run"
	echo "#   on the in-kernel ratio and +-10% on the e2e medians, more on p90/p99; while other jobs"
	echo "#   load the host, the e2e tails (ms: a descheduled vCPU) swing far more: see the per-boot"
	echo "#   values; p10 is the least disturbed.  Compare ratios, not ns.  Host load average" \
	     "(1/5/15 min) before the boots: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "bench_boots_per_kernel=$boots"
	figures patched | grep '^inkernel_'
	figures patched | grep '^mac_set_' | sed 's/^/patched_/'
	figures base | grep '^mac_set_' | sed 's/^/base_/'
	echo "e2e_median_ratio_patched_over_base=$(ratio "$(get patched mac_set_median_ns)" "$(get base mac_set_median_ns)")"
	echo "e2e_p10_ratio_patched_over_base=$(ratio "$(get patched mac_set_p10_ns)" "$(get base mac_set_p10_ns)")"
	echo "e2e_p90_ratio_patched_over_base=$(ratio "$(get patched mac_set_p90_ns)" "$(get base mac_set_p90_ns)")"
	echo "e2e_p99_ratio_patched_over_base=$(ratio "$(get patched mac_set_p99_ns)" "$(get base mac_set_p99_ns)")"
	echo "# mq_*: multiqueue, end to end, on a 4-pair device (vdpa dev add ... max_vqp 4):" \
	     "mq_pairs_* = ETHTOOL_SCHANNELS combined 1 <-> 4 (\"ethtool -L\"; with RSS negotiated" \
	     "and no user table, 7.3's virtio_net sends RSS_CONFIG, not VQ_PAIRS_SET);"
	echo "#   mq_rss_* = ETHTOOL_SRXFHINDIR, the 128-entry table all on queue 0 <-> spread" \
	     "(\"ethtool -X\", RSS_CONFIG); n=$(get patched mq_pairs_n) each after 20 warm-up calls."
	echo "#   The pristine simulator has one queue pair: base_mq_supported=$(get base mq_supported)," \
	     "so there is no pristine figure to compare with."
	for k in $(figures patched | sed -n 's/^\(mq_[a-z0-9_]*\)=.*/\1/p'); do
		echo "patched_$k=$(get patched "$k")"
	done
	echo "base_mq_supported=$(get base mq_supported)"
} >"$results.tmp"
mv "$results.tmp" "$results"
echo
echo "=== $results"
cat "$results"
