#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# End-to-end suite: a vdpasim_net device driven through the real virtio_net
# driver with ip, bridge and ethtool.  Every user action is reported with
# the device-side state afterwards; every expectation is a @@TEST line.
. /tests/lib.sh

has_feature() { vdpa dev config show $DEV | grep -q "negotiated_features.* $1\( \|$\)"; }
in_list() { echo " $2 " | grep -q " $1 "; }

say "== e2e: vdpasim_net on virtio_vdpa =="
modprobe 8021q 2>/dev/null
if setup_virtio_vdpa; then pass probe; else fail probe "no netdev for $DEV"; exit 0; fi
DBG=$(dbg_file)
report "probe: vdpasim_net $DEV bound to virtio_vdpa as $NETDEV; $(dev_state_line)"
feat=$(vdpa dev config show $DEV | sed -n 's/.*negotiated_features //p')
report "negotiated features: $feat"

# The device offers every control feature the simulator can back, and
# virtio_net negotiates those it knows (it has no use for CTRL_RX_EXTRA).
offered=$(vdpa mgmtdev show vdpasim_net | sed -n 's/.*dev_features //p')
report "offered features: $offered"
for f in CTRL_VQ CTRL_RX CTRL_RX_EXTRA CTRL_VLAN CTRL_MAC_ADDR CTRL_GUEST_OFFLOADS GUEST_ANNOUNCE; do
	if in_list $f "$offered"; then pass "offered-$f"; else fail "offered-$f" "not offered"; fi
done
for f in CTRL_VQ CTRL_RX CTRL_VLAN CTRL_MAC_ADDR CTRL_GUEST_OFFLOADS GUEST_ANNOUNCE; do
	if has_feature $f; then pass "negotiated-$f"; else fail "negotiated-$f" "not negotiated"; fi
done
if [ -n "$(dbg_file)" ]; then pass debugfs-state; else fail debugfs-state "no /sys/kernel/debug/vdpa_net_ctrl/*/state"; fi

# MAC address: config space and device state follow the driver.
act mac-set ip link set $NETDEV address 02:11:22:33:44:55
cfgmac=$(vdpa dev config show $DEV | sed -n 's/.*mac \([0-9a-f:]*\).*/\1/p')
[ "$cfgmac" = 02:11:22:33:44:55 ] && pass mac-set-config || fail mac-set-config "config mac $cfgmac"
[ "$(st mac)" = 02:11:22:33:44:55 ] && pass mac-set-state || fail mac-set-state "state mac $(st mac)"

# Link up: the driver switches promiscuous mode off (device default is on).
act link-up ip link set $NETDEV up && pass link-up-accepted || fail link-up-accepted "ip refused"
sleep 1
in_list promisc "$(st rx_mode)" && fail link-up-promisc-off "rx_mode [$(st rx_mode)]" || { [ "$(st rx_mode)" != "<no-debugfs>" ] && pass link-up-promisc-off || fail link-up-promisc-off "no state"; }

# Announce, as a VMM asks after a migration: the operator writes the
# simulator's debugfs file, the device sets VIRTIO_NET_S_ANNOUNCE with a
# config interrupt, virtio_net announces and sends ANNOUNCE_ACK, which
# clears the bit.
ann_ok() { sed -n 's/^announce: received=[0-9]* ok=\([0-9]*\).*/\1/p' "$DBG/stats" 2>/dev/null; }
AF=/sys/kernel/debug/vdpa_sim_net/$DEV/announce
if [ ! -e "$AF" ]; then
	fail announce-acked "no $AF"
else
	before=$(ann_ok)
	act announce sh -c "echo 1 > $AF" && pass announce-accepted || fail announce-accepted "write refused"
	i=0
	while [ $i -lt 10 ] && [ "$(ann_ok)" = "$before" ]; do sleep 1; i=$((i + 1)); done
	after=$(ann_ok)
	la=$(vdpa dev config show $DEV | sed -n 's/.*link_announce \([a-z]*\).*/\1/p')
	if [ "${after:-0}" -gt "${before:-0}" ] && [ "$la" = false ]; then
		pass announce-acked
	else
		fail announce-acked "ANNOUNCE_ACK ok ${before:-?} -> ${after:-?}, link_announce ${la:-?}"
	fi
fi

act promisc-on ip link set $NETDEV promisc on; sleep 1
in_list promisc "$(st rx_mode)" && pass promisc-on || fail promisc-on "rx_mode [$(st rx_mode)]"
act promisc-off ip link set $NETDEV promisc off; sleep 1
in_list promisc "$(st rx_mode)" && fail promisc-off "rx_mode [$(st rx_mode)]" || { [ "$(st rx_mode)" != "<no-debugfs>" ] && pass promisc-off || fail promisc-off "no state"; }

act allmulti-on ip link set $NETDEV allmulticast on; sleep 1
in_list allmulti "$(st rx_mode)" && pass allmulti-on || fail allmulti-on "rx_mode [$(st rx_mode)]"
act allmulti-off ip link set $NETDEV allmulticast off; sleep 1
in_list allmulti "$(st rx_mode)" && fail allmulti-off "rx_mode [$(st rx_mode)]" || { [ "$(st rx_mode)" != "<no-debugfs>" ] && pass allmulti-off || fail allmulti-off "no state"; }

# Multicast table: one join, then 200 (beyond the device's table: fallback).
act maddr-add ip maddr add 01:00:5e:01:02:03 dev $NETDEV; sleep 1
grep -q "^mc\[[0-9]*\]: 01:00:5e:01:02:03" "$DBG/state" 2>/dev/null && pass maddr-add || fail maddr-add "mc [$(st mc)]"
# (ip -batch applies only the first "maddr add" of a batch: one call each.)
maddr_loop() {
	i=0; while [ $i -lt 200 ]; do
		ip maddr "$1" "$(printf '01:00:5e:02:%02x:%02x' $((i / 256)) $((i % 256)))" dev $NETDEV || return 1
		i=$((i + 1))
	done
}
act maddr-200 maddr_loop add; sleep 1
case "$(st mc)" in *overflow=1*) pass maddr-200-overflow ;; *) fail maddr-200-overflow "mc [$(st mc)]" ;; esac
act maddr-200-del maddr_loop del; sleep 1
case "$(st mc)" in *overflow=0*) pass maddr-200-del ;; *) fail maddr-200-del "mc [$(st mc)]" ;; esac

# Unicast table, through the default fdb of the netdev.
act uc-add bridge fdb add 02:00:00:00:00:01 dev $NETDEV self permanent; sleep 1
grep -q "^uc\[[0-9]*\]: 02:00:00:00:00:01" "$DBG/state" 2>/dev/null && pass uc-add || fail uc-add "uc [$(st uc)]"
act uc-del bridge fdb del 02:00:00:00:00:01 dev $NETDEV self; sleep 1
grep -q "^uc\[[0-9]*\]: 02:00:00:00:00:01" "$DBG/state" 2>/dev/null && fail uc-del "uc [$(st uc)]" || { [ -n "$DBG" ] && pass uc-del || fail uc-del "no state"; }

# VLAN filter.
act vlan-add ip link add link $NETDEV name vl100 type vlan id 100
in_list 100 "$(st vlan_ids)" && pass vlan-add || fail vlan-add "vlans [$(st vlans)]"
act vlan-del ip link del vl100
in_list 100 "$(st vlan_ids)" && fail vlan-del "vlans [$(st vlans)]" || { [ -n "$DBG" ] && pass vlan-del || fail vlan-del "no state"; }
i=1; while [ $i -le 4094 ]; do echo "link add link $NETDEV name v$i type vlan id $i"; i=$((i + 1)); done >/tmp/vlan.batch
act vlan-4094 ip -batch /tmp/vlan.batch
case "$(st vlan_ids)" in *1-4094*|*0-4094*) pass vlan-4094 ;; *) fail vlan-4094 "vlans [$(st vlans)]" ;; esac
sed 's/^link add link [^ ]* name \(v[0-9]*\).*/link del \1/' /tmp/vlan.batch >/tmp/vlan-del.batch
act vlan-4094-del ip -batch /tmp/vlan-del.batch
case "$(st vlans)" in count=0|count=1) pass vlan-4094-del ;; *) fail vlan-4094-del "vlans [$(st vlans)]" ;; esac

# Receive filter: the loopback datapath filters with vdpa_net_ctrl_rx_accept().
# A frame to a foreign unicast MAC is dropped unless promiscuous.  Each
# step sends 3 frames; the stack's own background frames (IPv6 MLD and
# neighbour discovery) may add a few drops or receptions, never 3.
# Send 3 echo requests; nobody answers them (the loopback brings back our
# own requests), so ping's status says nothing here.
ping3() { ping -c 3 -W 1 "$1" >/dev/null 2>&1; true; }
rxq() { vdpa dev vstats show $DEV qidx 0 | tr -s ' \n' ' ' | sed -n "s/.* rx $1 \([0-9]*\).*/\1/p"; }
ip addr add 10.99.0.1/24 dev $NETDEV
ip neigh replace 10.99.0.2 lladdr 02:00:00:00:00:99 dev $NETDEV nud permanent
d0=$(rxq drops); p0=$(rxq packets)
act rx-filter-foreign ping3 10.99.0.2
d1=$(rxq drops); p1=$(rxq packets)
[ "$d1" -ge $((d0 + 3)) ] && [ "$p1" -lt $((p0 + 3)) ] && pass rx-filter-foreign-dropped ||
	fail rx-filter-foreign-dropped "drops $d0->$d1 packets $p0->$p1"
ip link set $NETDEV promisc on; sleep 1
act rx-filter-foreign-promisc ping3 10.99.0.2
d2=$(rxq drops); p2=$(rxq packets)
[ "$p2" -ge $((p1 + 3)) ] && [ "$d2" -lt $((d1 + 3)) ] && pass rx-filter-promisc-accepted ||
	fail rx-filter-promisc-accepted "drops $d1->$d2 packets $p1->$p2"
ip link set $NETDEV promisc off; sleep 1
ip neigh replace 10.99.0.3 lladdr "$(cat /sys/class/net/$NETDEV/address)" dev $NETDEV nud permanent
act rx-filter-own ping3 10.99.0.3
p3=$(rxq packets); d3=$(rxq drops)
[ "$p3" -ge $((p2 + 3)) ] && [ "$d3" -lt $((d2 + 3)) ] && pass rx-filter-own-accepted ||
	fail rx-filter-own-accepted "drops $d2->$d3 packets $p2->$p3"
ip addr flush dev $NETDEV

# Device statistics (DEVICE_STATS): "ethtool -S" gets the hw_ entries
# with STATISTICS GET; the device's receive count lies between two reads
# of vdpa vstats around it, and the control queue's counts are there.
# (One ethtool -S output for all fields: each run is a command of its own.)
eths() { echo "$ETHS" | sed -n "s/^ *$1: //p"; }
# (iproute2 6.1 names bit 50 bit_50.)
if has_feature DEVICE_STATS || has_feature bit_50; then pass negotiated-DEVICE_STATS; else fail negotiated-DEVICE_STATS "not negotiated"; fi
q0=$(rxq packets)
act ethtool-S-hw ethtool -S $NETDEV
ETHS=$(ethtool -S $NETDEV 2>/dev/null)
hw=$(eths rx0_hw_packets); q1=$(rxq packets)
cmds=$(eths cq_hw_command_num); oks=$(eths cq_hw_ok_num)
report "ethtool -S: rx0_hw_packets=${hw:-none} (vstats $q0..$q1) tx0_hw_packets=$(eths tx0_hw_packets) cq_hw_command_num=${cmds:-none} cq_hw_ok_num=${oks:-none}"
if [ -n "$hw" ] && [ "$hw" -gt 0 ] && [ "$hw" -ge "$q0" ] && [ "$hw" -le "$q1" ]; then
	pass ethtool-S-hw-rx
else
	fail ethtool-S-hw-rx "rx0_hw_packets ${hw:-none}, vstats $q0..$q1"
fi
# ok_num and command_num both count the STATISTICS GET that carries
# them: they differ by the errors so far (vstats), nothing else.
errs=$(cvq_stats | sed -n 's/.*cvq errors \([0-9]*\).*/\1/p')
if [ -n "$cmds" ] && [ "$cmds" -gt 0 ] && [ -n "$oks" ] && [ "$oks" -le "$cmds" ] &&
   [ $((cmds - oks)) -le "${errs:-0}" ]; then
	pass ethtool-S-hw-cvq
else
	fail ethtool-S-hw-cvq "cq_hw_command_num ${cmds:-none} cq_hw_ok_num ${oks:-none} errors ${errs:-?}"
fi

# The tracepoint reports every command with its ack.
T=/sys/kernel/tracing
if [ -d $T/events/vdpa_net_ctrl/vdpa_net_ctrl_cmd ]; then
	echo > $T/trace
	echo 1 > $T/events/vdpa_net_ctrl/vdpa_net_ctrl_cmd/enable
	ip link set $NETDEV allmulticast on; sleep 1
	echo 0 > $T/events/vdpa_net_ctrl/vdpa_net_ctrl_cmd/enable
	line=$(grep 'vdpa_net_ctrl_cmd:.*class=0 cmd=1 ' $T/trace | tail -n 1)
	report "tracepoint: ${line##*vdpa_net_ctrl_cmd: }"
	case "$line" in *ack=OK*) pass tracepoint ;; *) fail tracepoint "no class=0 cmd=1 ack=OK event" ;; esac
	ip link set $NETDEV allmulticast off
else
	fail tracepoint "no vdpa_net_ctrl:vdpa_net_ctrl_cmd event"
fi

# Guest offloads.
act gro-hw-off ethtool -K $NETDEV rx-gro-hw off
off1=$(st guest_offloads)
act gro-hw-on ethtool -K $NETDEV rx-gro-hw on
off2=$(st guest_offloads)
[ -n "$off1" ] && [ "$off1" != "$off2" ] && [ "$off1" != "<no-debugfs>" ] && pass guest-offloads || fail guest-offloads "offloads off=$off1 on=$off2"

# Actions the simulator has no feature for: the kernel must refuse cleanly.
act channels ethtool -L $NETDEV combined 1
act coalesce ethtool -C $NETDEV rx-usecs 10
act stats ethtool -S $NETDEV

# Every command got an answer and the CVQ keeps working.
act link-down ip link set $NETDEV down
act link-up-again ip link set $NETDEV up && pass cvq-still-works || fail cvq-still-works "link up refused"

# "vdpa dev set ... mac" while the driver runs: the device's receive
# filter takes the new address at once, as the config space does.
# (Debian 12's vdpa has no "dev set": /bin/vdpa_nl sends the request.)
act dev-set-mac /bin/vdpa_nl set $DEV mac 02:aa:bb:cc:dd:ee
[ "$(st mac)" = 02:aa:bb:cc:dd:ee ] && pass dev-set-mac-state || fail dev-set-mac-state "state mac $(st mac)"

# A device reset (driver unbound) brings the state back to the spec's
# defaults; the driver replays its configuration when it binds again.
echo $DEV >/sys/bus/vdpa/drivers/virtio_vdpa/unbind
report "after unbind: $(dev_state_line)"
[ "$(st rx_mode)" = promisc ] && [ "$(st vlans)" = count=0 ] && case "$(st mc)" in count=0*) true ;; *) false ;; esac &&
	pass reset-defaults || fail reset-defaults "rx_mode [$(st rx_mode)] vlans [$(st vlans)] mc [$(st mc)]"
echo $DEV >/sys/bus/vdpa/drivers_probe; sleep 1
NETDEV=$(ls /sys/bus/vdpa/devices/$DEV/virtio*/net/ 2>/dev/null | head -n 1)
act rebind-up ip link set $NETDEV up && sleep 1
in_list promisc "$(st rx_mode)" && fail rebind-replayed "rx_mode [$(st rx_mode)]" || pass rebind-replayed
report "cvq counters at the end: $(cvq_stats)"
case "$(cvq_stats)" in
*"cvq errors 0 "*) pass cvq-no-errors ;;
*) fail cvq-no-errors "$(cvq_stats)" ;;
esac
teardown

# "vdpa dev add ... device_features" with no control feature in the mask
# (VERSION_1 and ACCESS_PLATFORM only): a device without a CVQ, which
# virtio_net drives without one.  (Debian 12's vdpa cannot say
# device_features: /bin/vdpa_nl sends the request.)
echo 0 >/sys/bus/vdpa/drivers_autoprobe
if out=$(/bin/vdpa_nl add vdpasim_net $DEV features 0x300000000 2>&1); then
	echo virtio_vdpa >/sys/bus/vdpa/devices/$DEV/driver_override
	echo $DEV >/sys/bus/vdpa/drivers_probe
	sleep 1
	NETDEV=$(ls /sys/bus/vdpa/devices/$DEV/virtio*/net/ 2>/dev/null | head -n 1)
	feat=$(vdpa dev config show $DEV | sed -n 's/.*negotiated_features //p')
	report "provisioned with device_features 0x300000000: negotiated [$feat]"
	if [ -n "$NETDEV" ] && [ -n "$feat" ] && ! has_feature CTRL_VQ && ! has_feature CTRL_RX && ! has_feature MQ; then
		pass provisioned-no-control-features
	else
		fail provisioned-no-control-features "netdev [$NETDEV] negotiated [$feat]"
	fi
	[ -n "$NETDEV" ] && ip link set "$NETDEV" up && pass provisioned-link-up || fail provisioned-link-up "netdev [$NETDEV]"
else
	fail provisioned-no-control-features "vdpa_nl add: $out"
fi
teardown

# Multiqueue: "vdpa dev add ... max_vqp 4"; "ethtool -L combined K" sends
# VQ_PAIRS_SET K, and the simulator loops frames back over K pairs.
echo 0 >/sys/bus/vdpa/drivers_autoprobe
if out=$(vdpa dev add mgmtdev vdpasim_net name $DEV mac 52:54:00:12:34:56 max_vqp 4 2>&1); then
	echo virtio_vdpa >/sys/bus/vdpa/devices/$DEV/driver_override
	echo $DEV >/sys/bus/vdpa/drivers_probe
	sleep 1
	NETDEV=$(ls /sys/bus/vdpa/devices/$DEV/virtio*/net/ 2>/dev/null | head -n 1)
	DBG=$(dbg_file)
	report "max_vqp 4: $(dev_state_line)"
	if has_feature MQ; then pass mq-negotiated; else fail mq-negotiated "features [$(vdpa dev config show $DEV | sed -n 's/.*negotiated_features //p')]"; fi
	max=$(ethtool -l "$NETDEV" 2>/dev/null | awk '/^Combined:/ { print $2; exit }')
	[ "$max" = 4 ] && pass mq-max-pairs || fail mq-max-pairs "ethtool -l: at most ${max:-?} combined"
	ip link set "$NETDEV" up
	ok=1
	for k in 1 2 3 4 3 2 1 4; do
		act mq-pairs-$k ethtool -L "$NETDEV" combined $k || ok=0
		[ "$(st vq_pairs)" = $k ] || { ok=0; say "  device uses $(st vq_pairs) pairs, want $k"; }
	done
	[ $ok = 1 ] && pass mq-pairs || fail mq-pairs "ethtool -L 1..4 and back: see the reports"
	# Frames to our own address come back on the pair they left on.
	rxq_n() { vdpa dev vstats show $DEV qidx "$1" | tr -s ' \n' ' ' | sed -n 's/.* rx packets \([0-9]*\).*/\1/p'; }
	ip addr add 10.99.0.1/24 dev "$NETDEV"
	ip neigh replace 10.99.0.3 lladdr "$(cat /sys/class/net/$NETDEV/address)" dev "$NETDEV" nud permanent
	before=""; for q in 0 2 4 6; do before="$before $(rxq_n $q)"; done
	ping -c 3 -W 1 10.99.0.3 >/dev/null 2>&1
	after=""; for q in 0 2 4 6; do after="$after $(rxq_n $q)"; done
	report "rx packets per receive queue (0 2 4 6): before [$before ] after [$after ]"
	b=0; for v in $before; do b=$((b + v)); done
	a=0; for v in $after; do a=$((a + v)); done
	[ $a -ge $((b + 3)) ] && pass mq-traffic || fail mq-traffic "rx packets $b -> $a over 4 pairs"
	teardown
else
	fail mq-negotiated "vdpa dev add ... max_vqp 4: $out"
fi
