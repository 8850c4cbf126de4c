#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DPDK suite: unmodified DPDK 24.11 (Debian 13's dpdk-testpmd, its
# net_vhost PMD on a /dev/vduse/ path) is the VDUSE net device, with
# DPDK_PAIRS queue pairs; the kernel's virtio_net drives it through
# virtio_vdpa.  With more than one pair DPDK asks for CTRL_VQ and MQ,
# which a kernel without the series refuses at VDUSE_CREATE_DEV.  With
# the series the kernel holds the control virtqueue: DPDK never sees a
# control command (it does not read VDUSE_NET_GET_STATE), the driver's
# commands are answered by the kernel, and testpmd forwards every frame
# of guest queue i back to guest queue i (io forwarding, one stream a
# queue).
#
# Kernel command line knobs: dpdk.pairs=N (default 4).
. /tests/lib.sh

arg() { sed -n "s/.*dpdk\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
PAIRS=$(arg pairs); PAIRS=${PAIRS:-4}
DEV=dpdk0
TP=/tmp/testpmd.log
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

TIMED_PFX=dpdk	# timed (lib.sh) reports "dpdk NAME: ..."
# cmd NAME CMD...: timed, and a row dpdk/cmd-NAME for its exit status.
cmd() {
	cn=$1
	timed "$@" && pass "dpdk/cmd-$cn" ||
		fail "dpdk/cmd-$cn" "rc=$TRC $(head -c 200 /tmp/timed.out)"
}
# wait_log SECS PATTERN: until testpmd's log has PATTERN.
wait_log() {
	i=0
	while [ $i -le $(($1 * 5)) ]; do
		grep -q "$2" $TP && return 0
		kill -0 $TPID 2>/dev/null || return 1
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}
TPID=
finish() {
	vdpa dev del $DEV 2>/dev/null
	if [ -n "$TPID" ]; then
		# testpmd waits for a line on stdin ("Press enter to exit").
		echo >&7
		i=0
		while kill -0 $TPID 2>/dev/null && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
		kill -9 $TPID 2>/dev/null
		wait $TPID 2>/dev/null
	fi
	exec 7>&-
	report "dpdk testpmd log (tail): $(grep -v '^ *$' $TP | tail -n 40 | tr '\n' '|' | head -c 3000)"
}

say "== dpdk: dpdk-testpmd net_vhost on /dev/vduse/$DEV ($PAIRS queue pairs) -> virtio_vdpa -> virtio_net =="
if ! command -v dpdk-testpmd >/dev/null; then
	fail dpdk/testpmd "no dpdk-testpmd in this initramfs"
	exit 0
fi
if ! [ -c /dev/vduse/control ]; then
	fail dpdk/create "no /dev/vduse/control (VDUSE not built or not loaded)"
	exit 0
fi
mkdir -p /var/run /run
rm -f /tmp/tp.in
mkfifo /tmp/tp.in
# One lcore polls (lcore 1), the main lcore runs the command line and
# the VDUSE event thread.  No hugepages: net_vhost copies frames between
# the guest's buffers (mapped from VDUSE's IOTLB) and its mbufs.
dpdk-testpmd -l 0-1 --no-huge -m 256 --no-pci --no-shconf \
	--log-level=lib.vhost.config:info \
	--vdev "net_vhost0,iface=/dev/vduse/$DEV,queues=$PAIRS" -- \
	--rxq=$PAIRS --txq=$PAIRS --nb-cores=1 --forward-mode=io --total-num-mbufs=8192 \
	</tmp/tp.in >$TP 2>&1 &
TPID=$!
exec 7>/tmp/tp.in
report "dpdk: $(dpdk-testpmd -v 2>&1 | grep -o 'RTE Version.*\|DPDK [0-9.]*' | head -n 1)"

# DPDK creates the device when the port starts; a kernel without the
# series refuses it (CTRL_VQ).
t0=$(ms)
i=0
while [ $i -lt 600 ] && ! [ -c /dev/vduse/$DEV ] && kill -0 $TPID 2>/dev/null; do
	sleep 0.2; i=$((i + 1))
done
if [ -c /dev/vduse/$DEV ]; then
	pass dpdk/create-ctrl-vq-mq
	report "dpdk: /dev/vduse/$DEV created $(( $(ms) - t0 )) ms after testpmd started"
else
	fail dpdk/create-ctrl-vq-mq "$(grep -v "^ *$" $TP | tail -n 12 | tr "\n" "|")"
	finish
	exit 0
fi

if out=$(vdpa dev add mgmtdev vduse name $DEV 2>&1); then pass dpdk/vdpa-add; else
	fail dpdk/vdpa-add "$out"; finish; exit 0; fi
if wait_netdev 30; then pass dpdk/virtio-net-probe; else
	fail dpdk/virtio-net-probe "no netdev"; finish; exit 0; fi
negotiated dpdk $PAIRS CTRL_VQ MQ

# DPDK waits for every virtqueue, the kernel's CVQ included, to read
# ready through VDUSE_VQ_GET_INFO before it starts the device.
# No IPv6 chatter: the guest sends only what the test sends.
for c in all default $NETDEV; do
	echo 1 >/proc/sys/net/ipv6/conf/$c/disable_ipv6 2>/dev/null
done
cmd up ip link set $NETDEV up
if wait_log 60 "Ctrl queue event handler installed"; then
	pass dpdk/device-started
else
	fail dpdk/device-started "$(grep -i 'fail\|error\|abort' $TP | head -n 5 | tr '\n' '|')"
fi
grep -q "aborting device start" $TP && fail dpdk/no-abort "$(grep -i 'abort\|polling' $TP | head -n 3 | tr '\n' '|')"

# The driver's commands: the kernel answers each; DPDK is not asked.
# MQ VQ_PAIRS_SET is the one control command DPDK's feature set (CTRL_VQ,
# MQ) lets virtio_net send: the kernel's state and CVQ counters show it.
c0=$(cvq_stats)
cmd pairs1 ethtool -L $NETDEV combined 1
[ "$(st vq_pairs)" = 1 ] && pass dpdk/kernel-state-pairs-1 || fail dpdk/kernel-state-pairs-1 "vq_pairs $(st vq_pairs)"
cmd pairs ethtool -L $NETDEV combined $PAIRS
[ "$(st vq_pairs)" = $PAIRS ] && pass dpdk/kernel-state-pairs || fail dpdk/kernel-state-pairs "vq_pairs $(st vq_pairs)"
report "dpdk CVQ counters (vdpa vstats): before [$c0] after [$(cvq_stats)]"
cur=$(ethtool -l $NETDEV | awk '/Current/ { c = 1 } c && /Combined/ { print $2; exit }')
[ "$cur" = $PAIRS ] && pass dpdk/queue-pairs-in-use || fail dpdk/queue-pairs-in-use "combined $cur"
cmd mac ip link set $NETDEV address 02:11:22:33:44:66
# The kernel writes the new MAC into the config space when the device
# has VIRTIO_NET_F_MAC (DPDK's VDUSE device does not offer it).
cm=$(vdpa dev config show $DEV | sed -n 's/.*mac \([0-9a-f:]*\).*/\1/p')
if echo "$CFG" | grep -q "negotiated_features.* MAC\( \|$\)"; then
	[ "$cm" = 02:11:22:33:44:66 ] && pass dpdk/mac-set-config || fail dpdk/mac-set-config "config mac $cm"
fi
ip link show $NETDEV | grep -q 02:11:22:33:44:66 && pass dpdk/mac-set-netdev || fail dpdk/mac-set-netdev "$(ip link show $NETDEV)"
cmd promisc ip link set $NETDEV promisc on
cmd promisc-off ip link set $NETDEV promisc off
cmd allmulti ip link set $NETDEV allmulticast on
cmd maddr ip maddr add 01:00:5e:01:02:03 dev $NETDEV
modprobe 8021q 2>/dev/null
cmd vlan ip link add link $NETDEV name $NETDEV.7 type vlan id 7
grep -q "Control queue kicked\|Failed to handle ctrl" $TP &&
	fail dpdk/cvq-not-in-userspace "$(grep -i 'ctrl\|control' $TP | head -n 3 | tr '\n' '|')" ||
	pass dpdk/cvq-not-in-userspace

# Traffic on every queue: XPS sends through one queue at a time; testpmd
# forwards guest queue i's frames back to guest queue i.
ip addr add 10.9.1.1/24 dev $NETDEV
xps_ping $NETDEV $PAIRS 10.9.1
[ -z "$XPS_ERR" ] || report "dpdk traffic: xps_cpus not set on$XPS_ERR"
# Linux 7.3's virtio_net has no per-queue packet counts in ethtool -S
# (they moved to the netlink queue stats): per queue, testpmd counts; in
# total, the guest's count must equal what testpmd sent it.
grx=$(cat /sys/class/net/$NETDEV/statistics/rx_packets)
gtx=$(cat /sys/class/net/$NETDEV/statistics/tx_packets)
report "dpdk traffic (guest $NETDEV): tx_packets $gtx rx_packets $grx"

report "dpdk: worst command $WORST ms (\`$WORST_CMD\`)"
finish
# testpmd's own count, a stream a queue: stream i takes guest queue i's
# frames (RX) and gives them back to guest queue i (TX).
streams=$(awk '/Forward Stats for RX Port= *0\/Queue= *[0-9]/ { sub(/.*Queue= */, ""); q = $1 + 0; next }
	q != "" && /RX-packets/ { print q, $2, $4, $6; q = "" }' $TP)
report "dpdk testpmd streams (queue rx tx tx-dropped): $(echo "$streams" | tr '\n' ';')"
ok=0
q=0
while [ $q -lt $PAIRS ]; do
	echo "$streams" | awk -v q=$q '$1 == q && $2 > 0 && $3 > 0 && $4 == 0 { f = 1 } END { exit !f }' && ok=$((ok + 1))
	q=$((q + 1))
done
[ $ok = $PAIRS ] && pass dpdk/traffic-every-queue ||
	fail dpdk/traffic-every-queue "$ok of $PAIRS queues both ways: $(echo "$streams" | tr '\n' ';')"
ttx=$(grep -A2 "Forward statistics for port 0" $TP | sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p' | head -n 1)
[ -n "$ttx" ] && [ "$ttx" -gt 0 ] && [ "$grx" = "$ttx" ] && pass dpdk/guest-received-all ||
	fail dpdk/guest-received-all "testpmd sent ${ttx:-?}, $NETDEV received $grx"

if dmesg | grep -q "BUG\|WARNING\|Oops\|hung task"; then
	fail dpdk/kernel-clean "$(dmesg | grep -m 3 'BUG\|WARNING\|Oops\|hung task' | tr '\n' '|')"
else
	pass dpdk/kernel-clean
fi
