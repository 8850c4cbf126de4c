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
for f in CTRL_VQ CTRL_RX CTRL_RX_EXTRA CTRL_VLAN CTRL_MAC_ADDR CTRL_GUEST_OFFLOADS GUEST_ANNOUNCE MQ RSS HASH_REPORT; do
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

# More actions on this one-pair device: "combined 1" changes nothing,
# coalescing and statistics are answered (the multiqueue device below
# checks what they do).
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
	# No IPv6 chatter on the receive queues the RSS checks count.
	[ -w /proc/sys/net/ipv6/conf/"$NETDEV"/disable_ipv6 ] && echo 1 >/proc/sys/net/ipv6/conf/"$NETDEV"/disable_ipv6
	ip link set "$NETDEV" up
	ok=1
	for k in 1 2 3 4 3 2 1 4; do
		act mq-pairs-$k ethtool -L "$NETDEV" combined $k || ok=0
		[ "$(st vq_pairs)" = $k ] || { ok=0; say "  device uses $(st vq_pairs) pairs, want $k"; }
	done
	[ $ok = 1 ] && pass mq-pairs || fail mq-pairs "ethtool -L 1..4 and back: see the reports"
	# Frames to our own address come back, on the queue RSS (set up by
	# virtio_net at probe) picks: count them over all four.
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

	# RSS: virtio_net configures it at probe; "ethtool -X" rewrites the
	# indirection table and the key, "ethtool -N ... rx-flow-hash" the
	# hash types.  The simulator steers each frame it loops back with
	# the device-side table (vdpa_net_ctrl_rx_steer()).
	if has_feature RSS; then pass rss-negotiated; else fail rss-negotiated "features [$(vdpa dev config show $DEV | sed -n 's/.*negotiated_features //p')]"; fi
	if has_feature HASH_REPORT; then pass hash-report-negotiated; else fail hash-report-negotiated "not negotiated"; fi
	report "rss at probe: [$(st rss)] hash report: [$(st hash_report)]"
	drv_table=$(ethtool -x "$NETDEV" 2>/dev/null | awk '/^ +[0-9]+:/ { for (i = 2; i <= NF; i++) printf " %s", $i }')
	[ -n "$drv_table" ] && [ "$drv_table" = " $(st rss_table)" ] && pass rss-table-at-probe ||
		fail rss-table-at-probe "ethtool -x [$drv_table] device [$(st rss_table)]"
	rx_all() { for q in 0 2 4 6; do printf '%s ' "$(rxq_n $q)"; done; }
	# toeplitz KEYHEX DATAHEX: the spec's hash, as an unsigned decimal.
	toeplitz() {
		awk -v k="$1" -v d="$2" 'function hx(s, i) { return index("0123456789abcdef", substr(s, i, 1)) - 1 }
		function bit(s, n) { if (n >= length(s) * 4) return 0; return and(rshift(hx(s, int(n / 4) + 1), 3 - n % 4), 1) }
		BEGIN { h = 0; w = 0
			for (n = 0; n < 32; n++) w = w * 2 + bit(k, n)
			for (n = 0; n < length(d) * 4; n++) {
				if (bit(d, n)) h = xor(h, w)
				w = and(w * 2, 4294967295) + bit(k, n + 32)
			}
			printf "%.0f", h }'
	}
	# rss_steer QUEUE WEIGHTS...: all frames must land on receiveq QUEUE.
	rss_steer() {
		want=$1; shift
		act rss-weight-"$*" ethtool -X "$NETDEV" weight "$@" || return 1
		for e in $(st rss_table); do
			[ "$e" = "$want" ] || { say "  device table [$(st rss_table)]"; return 1; }
		done
		b=$(rx_all)
		ping -c 4 -i 0.2 -W 1 10.99.0.3 >/dev/null 2>&1
		a=$(rx_all)
		report "rx packets per receive queue (0 1 2 3): before [$b] after [$a]"
		set -- $b; b0=$1 b1=$2 b2=$3 b3=$4
		set -- $a
		i=0
		for q in $b0:$1 $b1:$2 $b2:$3 $b3:$4; do
			d=$((${q#*:} - ${q%:*}))
			if [ $i = "$want" ]; then [ $d -ge 4 ] || return 1; else [ $d = 0 ] || return 1; fi
			i=$((i + 1))
		done
	}
	rss_steer 1 0 1 0 0 && pass rss-steer-queue1 || fail rss-steer-queue1 "frames not all on receiveq 1: see the reports"
	rss_steer 3 0 0 0 1 && pass rss-steer-queue3 || fail rss-steer-queue3 "frames not all on receiveq 3: see the reports"
	# The key of Microsoft's RSS verification suite, then an even table
	# (entry i is queue i % 4): each flow must land on the queue the
	# spec's Toeplitz hash picks, computed here by toeplitz() in awk.
	key=6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa
	act rss-hkey ethtool -X "$NETDEV" hkey $key
	[ "$(st rss_key)" = "$(echo $key | tr -d :)" ] && pass rss-hkey-state || fail rss-hkey-state "device key [$(st rss_key)]"
	act rss-equal ethtool -X "$NETDEV" equal 4
	ok=1; seen=
	for h in 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do
		ip neigh replace 10.99.0.$h lladdr "$(cat /sys/class/net/$NETDEV/address)" dev "$NETDEV" nud permanent
		# ICMP: the IPv4 hash, over the source and destination addresses
		want=$(( $(toeplitz "$(st rss_key)" "0a630001$(printf '0a6300%02x' $h)") % 4 ))
		b=$(rx_all)
		ping -c 2 -i 0.2 -W 1 10.99.0.$h >/dev/null 2>&1
		a=$(rx_all)
		set -- $b; b0=$1 b1=$2 b2=$3 b3=$4
		set -- $a
		got=; i=0
		for q in $b0:$1 $b1:$2 $b2:$3 $b3:$4; do
			[ $((${q#*:} - ${q%:*})) -gt 0 ] && got="$got$i"
			i=$((i + 1))
		done
		[ "$got" = "$want" ] || { ok=0; say "  10.99.0.$h: want receiveq $want, got [$got] ($b -> $a)"; }
		in_list $want "$seen" || seen="$seen $want"
	done
	report "16 flows with the verification key, equal 4: queues used [$seen ]"
	[ $ok = 1 ] && [ $(echo $seen | wc -w) -ge 2 ] && pass rss-flows-exact ||
		fail rss-flows-exact "see the lines above; queues expected [$seen ]"
	t1=$(st rss | sed -n 's/.*hash_types=\([0-9a-fx]*\).*/\1/p')
	# virtio_net sends hash type changes only with receive hashing on.
	act rxhash-on ethtool -K "$NETDEV" rxhash on
	act rss-flow-hash-udp4 ethtool -N "$NETDEV" rx-flow-hash udp4 sd
	t2=$(st rss | sed -n 's/.*hash_types=\([0-9a-fx]*\).*/\1/p')
	# UDPv4 (bit 2) off, the rest as before.
	[ -n "$t1" ] && [ $((t1 & 4)) = 4 ] && [ $((t2)) = $((t1 & ~4)) ] && pass rss-flow-hash ||
		fail rss-flow-hash "hash_types $t1 -> $t2"
	[ -n "$(st rss_key)" ] && [ "$(st hash_report_key)" = "$(st rss_key)" ] && pass rss-hash-report-follows || fail rss-hash-report-follows "hash report [$(st hash_report)]"

	# Coalescing: every frame to receiveq 0, then "ethtool -C".  The
	# device holds used buffer notifications back until rx-frames are
	# pending or rx-usecs passed; it counts those it sends, which
	# "ethtool -S" shows as rx0_hw_interrupts (device statistics).
	# (Debian 12's vdpa names neither: bits 53 and 52.)
	if { has_feature NOTF_COAL || has_feature bit_53; } && { has_feature VQ_NOTF_COAL || has_feature bit_52; }; then pass coal-negotiated; else fail coal-negotiated "features [$(vdpa dev config show $DEV | sed -n 's/.*negotiated_features //p')]"; fi
	ethtool -X "$NETDEV" weight 1 0 0 0 >/dev/null 2>&1
	hw() { ethtool -S "$NETDEV" 2>/dev/null | awk -v k="$1:" '$1 == k { print $2 }'; }
	burst() {
		i0=$(hw rx0_hw_interrupts); p0=$(rxq_n 0)
		ping -c 16 -i 0.05 -W 1 10.99.0.3 >/dev/null 2>&1
		sleep 1
		echo "$(( $(hw rx0_hw_interrupts) - i0 )) $(( $(rxq_n 0) - p0 ))"
	}
	act coal-off ethtool -C "$NETDEV" adaptive-rx off rx-usecs 0 rx-frames 0
	set -- $(burst); n_off=$1 pk_off=$2
	act coal-on ethtool -C "$NETDEV" adaptive-rx off rx-usecs 500000 rx-frames 8
	c0=$(st 'coal_vq\[0\]')
	[ "$c0" = "usecs=500000 packets=8" ] && pass coal-state || fail coal-state "coal_vq[0] [$c0]"
	set -- $(burst); n_on=$1 pk_on=$2
	report "16 frames on receiveq 0: $n_off notifications uncoalesced ($pk_off frames), $n_on with rx-frames 8 rx-usecs 500000 ($pk_on frames)"
	if [ "${pk_on:-0}" -ge 16 ] && [ "${n_on:-0}" -ge 1 ] && [ $((2 * ${n_on:-99})) -le "${n_off:-0}" ]; then
		pass coal-fewer-notifications
	else
		fail coal-fewer-notifications "notifications $n_off -> $n_on, frames $pk_off -> $pk_on"
	fi
	# New parameters are checked at once: 3 frames held for 60 s (or
	# 100 frames) are notified as soon as coalescing is switched off.
	act coal-long ethtool -C "$NETDEV" adaptive-rx off rx-usecs 60000000 rx-frames 100
	i0=$(hw rx0_hw_interrupts); p0=$(rxq_n 0)
	ping -c 3 -i 0.2 -W 1 10.99.0.3 >/dev/null 2>&1
	sleep 2
	i1=$(hw rx0_hw_interrupts); p1=$(rxq_n 0)
	act coal-off-again ethtool -C "$NETDEV" adaptive-rx off rx-usecs 0 rx-frames 0
	sleep 2
	i2=$(hw rx0_hw_interrupts)
	report "3 frames held: notifications $i0 -> $i1 (frames $p0 -> $p1), after coalescing off -> $i2"
	if [ "$((p1 - p0))" -ge 3 ] && [ "$i1" = "$i0" ] && [ "$i2" -gt "$i1" ]; then
		pass coal-recheck
	else
		fail coal-recheck "notifications $i0 -> $i1 -> $i2, frames $p0 -> $p1"
	fi
	# Per queue: VQ_SET for receiveq 1 (virtqueue 2) only.
	c0=$(st 'coal_vq\[0\]')
	act coal-per-queue ethtool --per-queue "$NETDEV" queue_mask 0x2 --coalesce rx-usecs 1000 rx-frames 4
	[ "$(st 'coal_vq\[2\]')" = "usecs=1000 packets=4" ] && [ "$(st 'coal_vq\[0\]')" = "$c0" ] &&
		pass coal-per-queue-state || fail coal-per-queue-state "coal_vq[2] [$(st 'coal_vq\[2\]')] coal_vq[0] [$(st 'coal_vq\[0\]')]"
	# A ring resize needs a virtqueue reset, which virtio_vdpa does not
	# implement: refused by the driver, with the device untouched.
	act ring-resize ethtool -G "$NETDEV" rx 128 && fail ring-resize-refused "accepted" || pass ring-resize-refused
	act cvq-after-resize ethtool -L "$NETDEV" combined 2 && [ "$(st vq_pairs)" = 2 ] && pass cvq-after-resize || fail cvq-after-resize "pairs $(st vq_pairs)"
	teardown
else
	fail mq-negotiated "vdpa dev add ... max_vqp 4: $out"
fi
