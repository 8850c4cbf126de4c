#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# VDUSE suite: a userspace virtio-net device (guest/tools/vduse_net.c, a
# loopback) created with a control virtqueue, which the kernel holds, and
# driven by the kernel's virtio_net through virtio_vdpa with ip and
# ethtool.  Every command must return without waiting for the daemon,
# which learns the state through VDUSE_NET_GET_STATE; also when the
# daemon is stopped, killed and restarted, or hostile.  On a kernel
# without the series the device is refused at creation.
#
# Kernel command line knobs: vduse.pairs=N (default 4).
. /tests/lib.sh

arg() { sed -n "s/.*vduse\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
PAIRS=$(arg pairs); PAIRS=${PAIRS:-4}
DEV=vd0
SF=/run/vduse_net.$DEV
LOG=/tmp/vduse_net.log
DPID=
mkdir -p /run

ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
# sf KEY: a field of the daemon's state file ("gen", "pairs", ...).
sf() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" $SF 2>/dev/null | head -n 1; }
# wait_sf SECS TEST...: until the daemon's state passes TEST.
wait_sf() {
	t=$1; shift
	i=0
	while [ $i -le $((t * 5)) ]; do
		"$@" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}
sf_is() { [ "$(sf "$1")" = "$2" ]; }
sf_bit() { [ $(( $(sf rx_mode) & (1 << $1) )) -ne 0 ]; }
sf_nobit() { ! sf_bit "$1"; }
sf_ge() { [ "$(sf "$1")" -ge "$2" ] 2>/dev/null; }

start_daemon() {
	vduse_net "$@" $DEV >>$LOG 2>&1 &
	DPID=$!
}
stop_all() {
	vdpa dev del $DEV 2>/dev/null
	[ -n "$DPID" ] && kill -9 $DPID 2>/dev/null
	wait 2>/dev/null
	DPID=
}

TIMED_PFX=vduse	# timed (lib.sh) reports "vduse NAME: ..."

say "== vduse: vduse_net ($PAIRS queue pairs, CTRL_VQ) -> virtio_vdpa -> virtio_net =="
if ! [ -c /dev/vduse/control ]; then
	fail vduse/create "no /dev/vduse/control (VDUSE not built or not loaded)"
	exit 0
fi

# Bad limits are refused at creation, with a message in the kernel log.
for b in vqnum rsskey; do
	out=$(vduse_net -q $PAIRS -B $b bad$b 2>&1); rc=$?
	if [ $rc = 2 ]; then pass vduse/refuses-bad-$b; else
		fail vduse/refuses-bad-$b "rc=$rc: $out"; fi
	report "vduse bad limits $b: $out"
done

start_daemon -q $PAIRS
i=0
while [ $i -lt 50 ] && ! grep -q "ready\|VDUSE_CREATE_DEV" $LOG; do sleep 0.2; i=$((i + 1)); done
report "vduse daemon: $(tr '\n' '|' <$LOG)"
if grep -q ready $LOG; then
	pass vduse/create-ctrl-vq
else
	fail vduse/create-ctrl-vq "$(grep VDUSE_CREATE_DEV $LOG)"
	stop_all
	exit 0
fi

if out=$(vdpa dev add mgmtdev vduse name $DEV 2>&1); then pass vduse/add; else
	fail vduse/add "$out"; stop_all; exit 0; fi
if wait_netdev 10; then pass vduse/virtio-net-probe; else
	fail vduse/virtio-net-probe "no netdev"; stop_all; exit 0; fi
negotiated vduse $PAIRS CTRL_VQ CTRL_RX CTRL_VLAN CTRL_MAC_ADDR MQ GUEST_ANNOUNCE
# VDUSE_VQ_GET_INFO on the kernel's CVQ: no ring for the daemon (num 0),
# ready as the driver set it (a device that waits for every queue to be
# ready before it starts, as DPDK does, must see it ready).
wait_sf 5 sf_is cvq "num=0,ready=1,desc=0x0" && pass vduse/cvq-info-no-ring ||
	fail vduse/cvq-info-no-ring "daemon's GET_INFO of the CVQ: $(sf cvq)"

# The driver's commands: each returns at once, and the daemon sees it.
timed up ip link set $NETDEV up
wait_sf 5 sf_nobit 0 && pass vduse/up-promisc-off || fail vduse/up-promisc-off "daemon: $(cat $SF)"
timed pairs ethtool -L $NETDEV combined $PAIRS
wait_sf 5 sf_is pairs $PAIRS && pass vduse/ethtool-L || fail vduse/ethtool-L "rc=$TRC daemon: $(cat $SF)"
timed mac ip link set $NETDEV address 02:11:22:33:44:55
wait_sf 5 sf_is mac 02:11:22:33:44:55 && pass vduse/mac-set || fail vduse/mac-set "rc=$TRC daemon: $(cat $SF)"
cm=$(vdpa dev config show $DEV | sed -n 's/.*mac \([0-9a-f:]*\).*/\1/p')
[ "$cm" = 02:11:22:33:44:55 ] && pass vduse/mac-set-config || fail vduse/mac-set-config "config mac $cm"
timed promisc ip link set $NETDEV promisc on
wait_sf 5 sf_bit 0 && pass vduse/promisc-on || fail vduse/promisc-on "daemon: $(cat $SF)"
timed promisc-off ip link set $NETDEV promisc off
wait_sf 5 sf_nobit 0 && pass vduse/promisc-off || fail vduse/promisc-off "daemon: $(cat $SF)"
timed allmulti ip link set $NETDEV allmulticast on
wait_sf 5 sf_bit 1 && pass vduse/allmulti-on || fail vduse/allmulti-on "daemon: $(cat $SF)"
mc0=$(sf mc)
timed maddr ip maddr add 01:00:5e:01:02:03 dev $NETDEV
wait_sf 5 sf_ge mc $((mc0 + 1)) && pass vduse/maddr-add || fail vduse/maddr-add "mc $mc0 -> $(sf mc)"
modprobe 8021q 2>/dev/null
v0=$(sf vlans)
timed vlan ip link add link $NETDEV name $NETDEV.7 type vlan id 7
wait_sf 5 sf_ge vlans $((v0 + 1)) && pass vduse/vlan-add || fail vduse/vlan-add "vlans $v0 -> $(sf vlans)"
report "vduse daemon state: $(cat $SF)"

# Traffic on every queue: XPS sends through one queue at a time; the
# daemon loops each frame back to the receive queue of its pair.
ip addr add 10.9.0.1/24 dev $NETDEV
xps_ping $NETDEV $PAIRS 10.9.0
[ -z "$XPS_ERR" ] || report "vduse traffic: xps_cpus not set on$XPS_ERR"
ok=0
tx=$(sf tx) rx=$(sf rx)
q=0
for c in $(echo $tx | tr , ' '); do
	r=$(echo $rx | cut -d, -f$((q + 1)))
	[ "$c" -gt 0 ] && [ "${r:-0}" -gt 0 ] && ok=$((ok + 1))
	q=$((q + 1))
done
if [ $ok = $PAIRS ]; then pass vduse/traffic-every-queue; else
	fail vduse/traffic-every-queue "per-queue tx [$tx] rx [$rx]"; fi
report "vduse traffic: per-queue tx [$tx] rx [$rx] dropped $(sf drop); $NETDEV rx_packets $(cat /sys/class/net/$NETDEV/statistics/rx_packets)"

# The daemon stopped: nothing waits for it.
kill -STOP $DPID
g0=$(sf gen)
WORST=0
timed stopped-promisc ip link set $NETDEV promisc on; r1=$TRC
timed stopped-pairs ethtool -L $NETDEV combined 1; r2=$TRC
timed stopped-mac ip link set $NETDEV address 02:11:22:33:44:66; r3=$TRC
timed stopped-vlan ip link add link $NETDEV name $NETDEV.8 type vlan id 8; r4=$TRC
timed stopped-maddr ip maddr add 01:00:5e:01:02:04 dev $NETDEV; r5=$TRC
timed stopped-down-up sh -c "ip link set $NETDEV down && ip link set $NETDEV up"; r6=$TRC
if [ "$r1$r2$r3$r4$r5$r6" = 000000 ] && [ $WORST -lt 5000 ]; then
	pass vduse/stopped-daemon-commands-return
else
	fail vduse/stopped-daemon-commands-return "rc $r1 $r2 $r3 $r4 $r5 $r6, worst $WORST ms"
fi
report "vduse: daemon stopped: worst command $WORST ms (\`$WORST_CMD\`)"
echo "@@FIGURE vduse-stopped-worst-ms $WORST" >&3
[ "$(sf gen)" = "$g0" ] && pass vduse/stopped-daemon-stale || fail vduse/stopped-daemon-stale "gen moved"
kill -CONT $DPID
if wait_sf 5 sf_is mac 02:11:22:33:44:66 && sf_is pairs 1 && sf_bit 0; then
	pass vduse/resumed-daemon-catches-up
else
	fail vduse/resumed-daemon-catches-up "daemon: $(cat $SF)"
fi
report "vduse: resumed: $(cat $SF) (gen $g0 before)"

# The daemon killed, commands on, then a new daemon on the same device.
kill -9 $DPID; wait $DPID 2>/dev/null
WORST=0
timed killed-promisc ip link set $NETDEV promisc off; r1=$TRC
timed killed-pairs ethtool -L $NETDEV combined 2; r2=$TRC
timed killed-mac ip link set $NETDEV address 02:11:22:33:44:77; r3=$TRC
if [ "$r1$r2$r3" = 000 ] && [ $WORST -lt 5000 ]; then pass vduse/killed-daemon-commands-return; else
	fail vduse/killed-daemon-commands-return "rc $r1 $r2 $r3, worst $WORST ms"; fi
report "vduse: daemon killed: worst command $WORST ms"
rm -f $SF
start_daemon -q $PAIRS
if wait_sf 10 sf_is mac 02:11:22:33:44:77 && sf_is pairs 2 && sf_nobit 0; then
	pass vduse/restarted-daemon-catches-up
else
	fail vduse/restarted-daemon-catches-up "daemon: $(cat $SF 2>&1)"
fi
report "vduse: restarted: $(cat $SF 2>&1)"

# The kernel stayed healthy: the link answers, nothing was logged.
ip link show $NETDEV >/dev/null && pass vduse/netdev-alive || fail vduse/netdev-alive "ip link show"
stop_all
if dmesg | grep -qE "BUG:|WARNING:|Oops|hung task|rcu.*stall"; then
	fail vduse/kernel-log-clean "$(dmesg | grep -E 'BUG:|WARNING:|Oops|hung task|stall' | head -n 3 | tr '\n' '|')"
else
	pass vduse/kernel-log-clean
fi

# vhost_vdpa on a VDUSE device: the project's client drives the kernel's
# CVQ from userspace, in an address space of its own, as QEMU's shadowed
# CVQ does (guest/tools/vhost_cvq.c; one queue pair, CVQ at index 2).
rm -f $SF; : >$LOG
start_daemon -q 1
wait_sf 5 [ -f $SF ]
echo 0 >/sys/bus/vdpa/drivers_autoprobe
VDEV=
if vdpa dev add mgmtdev vduse name $DEV &&
   echo vhost_vdpa >/sys/bus/vdpa/devices/$DEV/driver_override &&
   echo $DEV >/sys/bus/vdpa/drivers_probe; then
	v=$(ls -d /sys/bus/vdpa/devices/$DEV/vhost-vdpa-* 2>/dev/null | head -n 1)
	[ -n "$v" ] && [ -c "/dev/${v##*/}" ] && VDEV=/dev/${v##*/}
fi
if [ -n "$VDEV" ]; then
	pass vduse-vhost/probe
	timeout 240 vhost_cvq "$VDEV" >/tmp/vduse_vhost.out 2>/tmp/vduse_vhost.err
	rc=$?
	tool_results vduse-vhost vhost_cvq </tmp/vduse_vhost.out
	[ $rc = 0 ] && pass vduse-vhost/exit-status || fail vduse-vhost/exit-status "vhost_cvq exit status $rc"
	[ -s /tmp/vduse_vhost.err ] && report "vduse vhost_cvq stderr: $(head -c 600 /tmp/vduse_vhost.err | tr '\n' ' ')"
else
	fail vduse-vhost/probe "no /dev/vhost-vdpa-* for the VDUSE device"
fi
echo 1 >/sys/bus/vdpa/drivers_autoprobe
stop_all

# A hostile daemon: state read into bad addresses, a bad eventfd; then
# one that never answers the kernel's messages (VDUSE's own timeout,
# shortened, marks it broken; the control commands never get there).
rm -f $SF; : >$LOG
start_daemon -q 2 -H badread
wait_sf 5 [ -f $SF ]
report "vduse hostile badread: $(grep badread $LOG | tr '\n' '|')"
if grep -q "state into NULL: Bad address" $LOG && grep -q "state into 0x8: Bad address" $LOG &&
   grep -q "eventfd 999: Bad file descriptor" $LOG; then
	pass vduse/hostile-bad-reads-refused
else
	fail vduse/hostile-bad-reads-refused "$(grep badread $LOG | tr '\n' '|')"
fi
stop_all
# A daemon that fails DRIVER_OK: virtio_net does not read the status back
# and sends its commands with rtnl held.  The kernel answers them anyway
# (before the fix the guest hung here for good).
rm -f $SF; : >$LOG
start_daemon -q 2 -H nodriverok
wait_sf 5 [ -f $SF ]
out=$(vdpa dev add mgmtdev vduse name $DEV 2>&1); rc=$?
NETDEV=
for i in 1 2 3 4 5; do
	NETDEV=$(ls /sys/bus/vdpa/devices/$DEV/virtio*/net/ 2>/dev/null | head -n 1)
	[ -n "$NETDEV" ] && break
	sleep 1
done
WORST=0
r1=x r2=x r3=x
if [ -n "$NETDEV" ]; then
	timed nodriverok-up ip link set $NETDEV up; r1=$TRC
	timed nodriverok-pairs ethtool -L $NETDEV combined 1; r2=$TRC
	timed nodriverok-mac ip link set $NETDEV address 02:11:22:33:44:88; r3=$TRC
fi
if [ "$rc$r1$r2$r3" = 0000 ]; then pass vduse/hostile-nodriverok-commands-answered; else
	fail vduse/hostile-nodriverok-commands-answered "add rc=$rc ($out), netdev '${NETDEV:-none}', rc $r1 $r2 $r3"; fi
report "vduse hostile nodriverok: worst command $WORST ms"
stop_all

rm -f $SF; : >$LOG
start_daemon -q 2 -H noreply
sleep 1
echo 2 >/sys/class/vduse/$DEV/msg_timeout 2>/dev/null
t0=$(ms)
out=$(vdpa dev add mgmtdev vduse name $DEV 2>&1); rc=$?
sleep 3
NETDEV=$(ls /sys/bus/vdpa/devices/$DEV/virtio*/net/ 2>/dev/null | head -n 1)
[ -n "$NETDEV" ] && timed noreply-up ip link set $NETDEV up
t1=$(ms)
report "vduse hostile noreply: vdpa dev add rc=$rc ($out), netdev '${NETDEV:-none}', $((t1 - t0)) ms"
stop_all
ip link show lo >/dev/null && pass vduse/hostile-noreply-kernel-alive || fail vduse/hostile-noreply-kernel-alive "ip"
report "vduse: daemon log: $(tail -n 5 $LOG | tr '\n' '|')"
