#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmarks (cvq.mode=bench), for scripts/bench.sh.  Every figure goes to
# fd 3 as "@@BENCH key=value", every command that produced figures as
# "@@BENCHCMD command"; a step that fails is a "@@TEST FAIL" line.
#
#  1. In-kernel, on the patched kernel (only its initramfs has the
#     module): load /lib/modules/net_ctrl_bench.ko, which
#     runs a restore-shaped burst through vdpa_net_ctrl and through bare
#     vringh calls and prints "net_ctrl_bench: key=value" lines.
#  2. End to end: mac_lat on the virtio_net netdev of a vdpasim_net device
#     bound to virtio_vdpa: SIOCSIFHWADDR round trips through the CVQ.
#  3. Multiqueue, end to end: mq_lat on a 4-pair device ("ethtool -L" and
#     "ethtool -X" through the ethtool ioctl), where the kernel has it.
#
# Knobs on the kernel command line: cvq.bench_n= (timed MAC changes,
# default 2000), cvq.bench_warmup= (default 200), cvq.bench_reps= (bursts
# per side in the module, default 15).
. /tests/lib.sh

arg() { sed -n "s/.*cvq\.$1=\([0-9]*\).*/\1/p" /proc/cmdline; }
N=$(arg bench_n); N=${N:-2000}
WARMUP=$(arg bench_warmup); WARMUP=${WARMUP:-200}
REPS=$(arg bench_reps); REPS=${REPS:-15}

bench() { echo "@@BENCH $1" >&3; echo "BENCH $1"; }
benchcmd() { echo "@@BENCHCMD $*" >&3; echo "BENCHCMD $*"; }

say "== bench =="
KO=/lib/modules/net_ctrl_bench.ko
if [ -f $KO ] && [ -e /proc/modules ]; then
	benchcmd "insmod $KO reps=$REPS"
	if insmod $KO reps="$REPS"; then
		dmesg | sed -n 's/.*net_ctrl_bench: \([a-z0-9_]*=[0-9.]*\)$/\1/p' |
			while read -r kv; do bench "$kv"; done
		rmmod net_ctrl_bench 2>/dev/null
		pass bench-inkernel
	else
		fail bench-inkernel "insmod failed: $(dmesg | grep net_ctrl_bench | tail -n 1)"
	fi
else
	say "no $KO: in-kernel bench skipped (pristine kernel)"
fi

if ! setup_virtio_vdpa; then
	fail bench-e2e-probe "no netdev for $DEV"
	exit 0
fi
feat=$(vdpa dev config show $DEV | sed -n 's/.*negotiated_features //p')
case " $feat " in
*" CTRL_MAC_ADDR "*) bench mac_set_ctrl_mac_addr=1 ;;
*) bench mac_set_ctrl_mac_addr=0; fail bench-e2e-feature "CTRL_MAC_ADDR not negotiated: $feat" ;;
esac
# Link down: no address-change side traffic (IPv6 addrconf, MLD, rx mode
# updates) between the timed calls.
ip link set "$NETDEV" down
# Under TCG the placement decides the latency: a CVQ worker on the vCPU of
# the spinning caller waits for the scheduler (a tick at HZ=250), one on
# another vCPU is woken at once.  On both kernels alike, pin the device's
# kthread workers to the last vCPU and mac_lat to vCPU 0.
pin= where="not pinned (1 vCPU)"
last=$(( $(nproc) - 1 ))
if [ "$last" -gt 0 ]; then
	workers=
	for p in /proc/[0-9]*; do
		case "$(cat "$p/comm" 2>/dev/null)" in
		"vDPA sim worker"* | "vdpa-net cvq"*)
			taskset -p $((1 << last)) "${p#/proc/}" >/dev/null &&
				workers="$workers $(cat "$p/comm")" ;;
		esac
	done
	pin="taskset 1" where="kthread workers [${workers# }] on CPU$last"
fi
benchcmd "$pin mac_lat $NETDEV $N $WARMUP  # $NETDEV: virtio_net on vdpasim_net via virtio_vdpa, link down; $where"
if $pin /bin/mac_lat "$NETDEV" "$N" "$WARMUP" >/tmp/mac_lat.out 2>/tmp/mac_lat.err; then
	while read -r kv; do bench "$kv"; done </tmp/mac_lat.out
	pass bench-e2e
else
	fail bench-e2e "mac_lat: $(tail -n 1 /tmp/mac_lat.err)"
fi
teardown

# 3. Multiqueue, end to end: "ethtool -L combined 1 <-> 4" and "ethtool -X"
#    (indirection table) on a 4-pair device, timed by mq_lat.  The pristine
#    simulator has one queue pair ("vdpa dev add ... max_vqp" is refused):
#    mq_supported=0 there, and no figures.
echo 0 >/sys/bus/vdpa/drivers_autoprobe
if vdpa dev add mgmtdev vdpasim_net name $DEV mac 52:54:00:12:34:56 max_vqp 4 >/dev/null 2>&1; then
	echo virtio_vdpa >/sys/bus/vdpa/devices/$DEV/driver_override
	echo $DEV >/sys/bus/vdpa/drivers_probe
	sleep 1
	NETDEV=$(ls /sys/bus/vdpa/devices/$DEV/virtio*/net/ 2>/dev/null | head -n 1)
	feat=$(vdpa dev config show $DEV | sed -n 's/.*negotiated_features //p')
	bench mq_supported=1
	case " $feat " in *" RSS "*) bench mq_rss_negotiated=1 ;; *) bench mq_rss_negotiated=0 ;; esac
	ip link set "$NETDEV" down
	pin=
	[ "$last" -gt 0 ] && pin="taskset 1"
	for p in /proc/[0-9]*; do
		case "$(cat "$p/comm" 2>/dev/null)" in
		"vDPA sim worker"*) [ "$last" -gt 0 ] && taskset -p $((1 << last)) "${p#/proc/}" >/dev/null ;;
		esac
	done
	MQN=$((N / 10)); [ $MQN -ge 20 ] || MQN=20
	benchcmd "$pin mq_lat $NETDEV 4 $MQN 20  # combined 1 <-> 4, then the RSS table; link down"
	if $pin /bin/mq_lat "$NETDEV" 4 "$MQN" 20 >/tmp/mq_lat.out 2>/tmp/mq_lat.err; then
		while read -r kv; do bench "mq_$kv"; done </tmp/mq_lat.out
		pass bench-mq
	else
		fail bench-mq "mq_lat: $(tail -n 1 /tmp/mq_lat.err)"
	fi
	teardown
else
	bench mq_supported=0
	say "vdpa dev add ... max_vqp 4 refused: no multiqueue row on this kernel"
fi
