#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nested suite: a vdpasim_net device bound to vhost_vdpa in this guest (L1)
# is handed to a nested TCG guest (L2, same kernel, virtio-net-pci) by
# QEMU with -netdev vhost-vdpa (Debian 13's QEMU 10.0, from the trixie
# root of scripts/trixie-root.sh).  L2's virtio_net driver sends the
# control virtqueue commands (rx mode, MAC, VLAN, multicast, queue pairs,
# offloads) for the ip/ethtool commands L1 sends it on a serial line;
# after each one, L1 checks that the device-side state (vdpa_net_ctrl
# debugfs) follows.  Then the L2 guest is live-migrated to a file and a
# second QEMU restores it (-incoming) on the same device, which the first
# QEMU's exit reset: QEMU restores the device state through the CVQ, and
# the state must equal the one before, field by field.
#
# Before that, iproute2 6.15's vdpa provisions the device: max_vqp and
# device_features, QEMU 10's shadow virtqueue set (its SVQ refuses a device
# offering GUEST_ANNOUNCE or the statistics/coalescing bits, and migration
# shadows every queue).
# Needs the initramfs of scripts/mkinitramfs-nested.sh.
#
# Kernel command line knobs (qemu-run.sh APPEND=...):
#   nested.svq=off|on|both  QEMU without x-svq (names nested/...), with
#                       x-svq=on (nested/svq/...), or both, one after the
#                       other on a fresh device (default both)
#   nested.boot=SECS    L2 boot budget (default 600)
#   nested.mem=MB       L2 RAM (default 128)
#   nested.bios=seabios boot L2 with SeaBIOS instead of qboot (slower)
#   nested.l2log=N      L2 kernel loglevel (default 6); its console is
#                       copied to L1's console at the end
#   nested.vlans=N      VLANs L2 adds before the migration, the ids from
#                       4094 downwards (default 16, at most 4094): VLAN
#                       devices up to 64,
#                       above that a VLAN-filtering bridge on eth0 (needs
#                       CONFIG_BRIDGE in L2)
#   nested.migrate=0    no migration
#   nested.dev=vduse    the device is a VDUSE net device served by
#                       guest/tools/vduse_net.c (its CVQ held by the
#                       kernel) instead of vdpasim_net: rows nested-vduse/,
#                       one pass without x-svq and no migration by default
. /tests/lib.sh

VDEV=
L2=/tmp/l2
MAC=52:54:00:12:34:56
NEWMAC=52:54:00:ab:cd:ef
arg() { sed -n "s/.*nested\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
SVQ=$(arg svq); SVQ=${SVQ:-both}
BOOT_TMO=$(arg boot); BOOT_TMO=${BOOT_TMO:-600}
L2MEM=$(arg mem); L2MEM=${L2MEM:-128}
BIOS=$(arg bios)
L2LOG=$(arg l2log); L2LOG=${L2LOG:-6}
# VLANs: 16 by default; nested.vlans=4094 gives the anchor's restore of
# about 4100 commands (not the default: in the CI run of 155356a L2 did
# not answer within 120 s after such a restore, which is not understood).
NVLAN_ARG=$(arg vlans)
L2IF=eth0
MIGRATE=$(arg migrate); MIGRATE=${MIGRATE:-1}
# The features the device is provisioned with: what vdpasim_net offers
# less GUEST_ANNOUNCE (21), DEVICE_STATS (50), VQ_NOTF_COAL (52) and
# NOTF_COAL (53), which QEMU 10's shadow virtqueue does not know:
# GUEST_CSUM CTRL_GUEST_OFFLOADS MTU MAC GUEST_TSO4 GUEST_TSO6 STATUS
# CTRL_VQ CTRL_RX CTRL_VLAN CTRL_RX_EXTRA MQ CTRL_MAC_ADDR ANY_LAYOUT
# VERSION_1 ACCESS_PLATFORM HASH_REPORT RSS.
FEAT=0x1200000308df01ae
DRVFEAT=0x1200000300cf01ae
VQP=2
DEVKIND=${NESTED_DEV:-$(arg dev)}; DEVKIND=${DEVKIND:-vdpasim}
DPID=
if [ "$DEVKIND" = vduse ]; then
	SVQ=$(arg svq); SVQ=${SVQ:-off}
	MIGRATE=$(arg migrate); MIGRATE=${MIGRATE:-0}
fi
now() { cut -d' ' -f1 /proc/uptime | cut -d. -f1; }
T0=$(now)

state1() { tr '\n' ' ' <"$DBG/state" | tr -s ' '; }
stats1() { grep -v ' received=0 ' "$DBG/stats" | tr '\n' ' ' | tr -s ' '; }

# l2_read TMO: the next line from L2's command channel into LINE; fails
# after TMO seconds or as soon as QEMU is gone.
l2_read() {
	dl=$(( $(now) + $1 ))
	while :; do
		if IFS= read -r -t 2 LINE <&4; then
			LINE=$(echo "$LINE" | tr -d '\r')
			return 0
		fi
		kill -0 $QPID 2>/dev/null || return 1
		[ "$(now)" -lt $dl ] || return 1
	done
}

# l2_cmd CMD [TMO]: run CMD in L2; sets L2_RC and L2_OUT.  Fails when L2
# did not answer in time.
l2_cmd() {
	L2_RC= L2_OUT=
	echo "$1" >&5
	while l2_read "${2:-300}"; do
		case $LINE in
		"@@L2 RC "*) L2_RC=${LINE#@@L2 RC }; return 0 ;;
		"@@L2 OUT "*) L2_OUT="$L2_OUT${L2_OUT:+ / }${LINE#@@L2 OUT }" ;;
		esac
	done
	return 1
}
alive() { kill -0 $QPID 2>/dev/null && echo yes || echo no; }

# wait_state TMO TEST...: poll the device state until TEST succeeds.
wait_state() {
	t=$1; shift
	i=0
	while [ $i -le "$t" ]; do
		"$@" && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}
has_word() { case " $(st "$1") " in *" $2 "*) return 0 ;; esac; return 1; }
lacks_word() { ! has_word "$@"; }
is_val() { [ "$(st "$1")" = "$2" ]; }
has_line() { grep -q "$1" "$DBG/state"; }
vlan_del_100() { lacks_word vlan_ids 100 && has_word vlan_ids 200; }
no_mc_0203() { ! has_line '^mc\[[0-9]*\]: 01:00:5e:01:02:03'; }

# step NAME L2-COMMAND CHECK...: run an action in L2, then wait (60 s at
# most) for the device state to pass CHECK.
step() {
	sn=$1 sc=$2; shift 2
	s0=$(now)
	if [ -n "$L2_DEAD" ]; then
		fail "$P/$sn" "not run: L2 stopped answering earlier"
		return 1
	fi
	if ! l2_cmd "$sc" "${STEP_TMO:-300}"; then
		L2_DEAD=1
		fail "$P/$sn" "L2 did not answer '$sc' in ${STEP_TMO:-300}s (qemu alive: $(alive))"
		return 1
	fi
	s1=$(now)
	if [ "$L2_RC" != 0 ]; then
		fail "$P/$sn" "L2: '$sc' -> rc=$L2_RC: $L2_OUT"
	elif [ -z "$DBG" ]; then
		fail "$P/$sn" "no device state (debugfs) in this kernel to check '$sc' against"
	elif wait_state 60 "$@"; then
		pass "$P/$sn"
	else
		fail "$P/$sn" "state did not follow '$sc': $(state1)"
	fi
	s2=$(now)
	report "$P $sn: L2 \`$sc\` rc=$L2_RC in $((s1 - s0))s, state check $((s2 - s1))s; $(dev_state_line) mac=$(st mac) vlan_ids=[$(st vlan_ids)]"
	report "$P $sn: stats: $(stats1)"
}


# bits_of HEX: "0/1" string of the 64 feature bits, bit 0 first (the
# format of /sys/bus/virtio/devices/*/features).
bits_of() {
	awk -v h="$1" 'BEGIN {
		h = tolower(h); sub(/^0x/, "", h); s = ""
		for (i = length(h); i >= 1; i--) {
			d = index("0123456789abcdef", substr(h, i, 1)) - 1
			for (b = 0; b < 4; b++) { s = s (d % 2); d = int(d / 2) }
		}
		while (length(s) < 64) s = s "0"
		print substr(s, 1, 64)
	}'
}

# provision: iproute2 6.15's vdpa provisions the device (max_vqp,
# device_features); the features the device then offers are read back
# from virtio_vdpa, whose driver takes every one of them.
provision() {
	say "== provisioning with $(vdpa -V 2>&1 | head -n 1)"
	echo 0 >/sys/bus/vdpa/drivers_autoprobe
	if out=$(vdpa dev add mgmtdev vdpasim_net name $DEV mac $MAC max_vqp $VQP device_features $FEAT 2>&1); then
		pass nested/provision-add
	else
		fail nested/provision-add "vdpa dev add ... device_features $FEAT: $out"
		return
	fi
	cfg=$(vdpa dev config show $DEV 2>&1)
	case $cfg in *"max_vq_pairs $VQP "*) pass nested/provision-max-vqp ;;
	*) fail nested/provision-max-vqp "$cfg" ;; esac
	echo virtio_vdpa >/sys/bus/vdpa/devices/$DEV/driver_override
	echo $DEV >/sys/bus/vdpa/drivers_probe
	sleep 1
	# virtio_net takes every provisioned bit but CTRL_RX_EXTRA (20) and
	# ANY_LAYOUT (27), which it does not know.  Linux 7.3 prints 128 bits.
	got=$(cut -c1-64 /sys/bus/vdpa/devices/$DEV/virtio*/features 2>/dev/null)
	want=$(bits_of $DRVFEAT)
	if [ "$got" = "$want" ]; then pass nested/provision-features; else
		fail nested/provision-features "driver negotiated $got, provisioned $FEAT: want $want"; fi
	report "nested provisioning: $(vdpa dev config show $DEV 2>&1 | tr -s ' \n' ' ')"
	vdpa dev del $DEV
	# Refused: MAC given without F_MAC; a bit the device does not have
	# (CSUM).
	for bad in 0x300000000:mac-without-f-mac 0x300000021:unsupported-bit; do
		f=${bad%%:*} nm=${bad#*:}
		if out=$(vdpa dev add mgmtdev vdpasim_net name $DEV mac $MAC device_features $f 2>&1); then
			vdpa dev del $DEV
			fail nested/provision-refuses-$nm "device_features $f accepted"
		else
			pass nested/provision-refuses-$nm
			report "nested provisioning $nm ($f): $out"
		fi
	done
	# MQ without CTRL_VQ: accepted, and the device offers no control
	# feature at all (the spec: MQ requires CTRL_VQ).
	if vdpa dev add mgmtdev vdpasim_net name $DEV mac $MAC device_features 0x300400020 &&
	   echo virtio_vdpa >/sys/bus/vdpa/devices/$DEV/driver_override &&
	   echo $DEV >/sys/bus/vdpa/drivers_probe; then
		sleep 1
		got=$(cut -c1-64 /sys/bus/vdpa/devices/$DEV/virtio*/features 2>/dev/null)
		case $got in
		?????????????????0????0*) pass nested/provision-mq-needs-ctrl-vq ;;
		*) fail nested/provision-mq-needs-ctrl-vq "features $got" ;;
		esac
		vdpa dev del $DEV
	else
		fail nested/provision-mq-needs-ctrl-vq "device_features 0x300400020 refused"
	fi
}

# l2_qemu OUT [ARGS...]: start the L1 QEMU with the L2 guest on the device,
# sets QPID; the command channel is L2/ctl (fds 4 and 5), the monitor
# L2/mon (HMP, output to L2/mon.log).
l2_qemu() {
	qlog=$1; shift
	bios="-bios qboot.rom"
	[ "$BIOS" = seabios ] && bios=
	# vdpasim uses virtual addresses (use_va): vhost_vdpa maps only shared
	# file-backed memory, hence the memfd backend with share=on.  QEMU 10
	# gives a vhost-vdpa NIC rings of 1024 entries whatever rx_queue_size
	# says, and falls back to its own virtio-net if the device refuses
	# them (the vhost-started row).
	set -- -M pc,memory-backend=ram0 -cpu max -accel tcg -smp 1 -m ${L2MEM}M \
		-object memory-backend-memfd,id=ram0,size=${L2MEM}M,share=on $bios \
		-kernel /nested/bzImage -initrd /nested/initramfs.cpio \
		-append "console=ttyS0 panic=-1 loglevel=$L2LOG kunit.enable=0" \
		-display none -no-reboot -nodefaults \
		-netdev "$netdev" \
		-device virtio-net-pci,netdev=vdpa0,mac=$MAC,mq=on,vectors=$((2 * VQP + 2)),romfile= \
		-serial file:$L2/console.log -serial pipe:$L2/ctl -monitor pipe:$L2/mon \
		-trace vhost_vdpa_set_features -trace vhost_vdpa_dma_map \
		-trace vhost_vdpa_set_address_space_id -trace vhost_vdpa_dev_start \
		-trace vhost_vdpa_net_load_cmd -trace vhost_vdpa_net_load_cmd_retval \
		-trace vhost_vdpa_suspend -trace vhost_vdpa_get_features \
		-trace vhost_vdpa_set_vring_enable_one \
		-msg timestamp=on "$@"
	say "L1: qemu-system-x86_64 $*"
	timeout -s KILL $((BOOT_TMO + 1200 + NVLAN / 2)) qemu-system-x86_64 "$@" >>"$qlog" 2>&1 &
	QPID=$!
}

# ql: QEMU's output without the timestamps of -msg timestamp=on (trace
# lines start "PID@SECONDS:", messages with an ISO date).
ql() { sed 's/^[0-9]*@[0-9]*\.[0-9]*://; s/^[0-9T:.-]*Z //' $L2/qemu.log; }

# ql_span FIRST LAST: milliseconds from QEMU's first trace line FIRST to
# the first trace line LAST after it.
ql_span() {
	awk -v a="$1" -v b="$2" '
		{ split($1, t, "@"); ts = t[2]; sub(/:.*/, "", ts); ev = t[2]; sub(/^[0-9.]*:/, "", ev) }
		ev == a && f == "" { f = ts; next }
		f != "" && ev == b { l = ts; exit }
		END { if (f != "" && l != "") printf "%.3f", (l - f) * 1000; else print "n/a" }' $L2/qemu.log
}

# mon CMD: an HMP command to the running QEMU.
mon() { echo "$1" >&6; }

# l2_stop: power L2 off (or kill QEMU if it does not go) and wait.
l2_stop() {
	l2_cmd quit 5
	mon quit
	i=0
	while kill -0 $QPID 2>/dev/null && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
	if kill -0 $QPID 2>/dev/null; then
		fail $P/l2-exit "QEMU still running 120 s after quit"
		kill -9 $QPID
	else
		pass $P/l2-exit
	fi
	wait $QPID 2>/dev/null
}

# state_cfg: the device state file without the lines a restore may not
# reproduce by itself (none today): the configuration L2 set up.
state_cfg() { [ -n "$DBG" ] && cat "$DBG/state"; }

# trace_on / trace_cmds: the library's tracepoint, one line per control
# command the device answers.
TR=/sys/kernel/tracing
trace_on() {
	echo 0 >$TR/tracing_on
	echo >$TR/trace
	# A restore of 4094 VLANs is over 4100 events of about 150 bytes.
	echo 4096 >$TR/buffer_size_kb
	echo 1 >$TR/events/vdpa_net_ctrl/vdpa_net_ctrl_cmd/enable
	echo 1 >$TR/tracing_on
}
trace_cmds() { grep 'vdpa_net_ctrl_cmd:' $TR/trace; }

# migrate_l2: migrate the running L2 to a file, stop the source QEMU
# (its exit resets the device), start a second QEMU that restores L2 from
# the file on the same device, then check the device state and L2.
migrate_l2() {
	before=$(state_cfg)
	echo "$before" >$L2/before
	rm -f $L2/mig
	m0=$(now)
	mon "migrate file:$L2/mig"
	st_m=
	i=0
	while [ $i -lt 600 ]; do
		sleep 1
		i=$((i + 1))
		mon "info migrate"
		sleep 1
		st_m=$(sed -n 's/.*Status: *\([a-z-]*\).*/\1/p; s/.*Migration status: *\([a-z-]*\).*/\1/p' $L2/mon.log | tail -n 1)
		case $st_m in completed|failed|cancelled) break ;; esac
	done
	m1=$(now)
	if [ "$st_m" = completed ]; then
		pass $P/migrate-save
	else
		fail $P/migrate-save "migration status '$st_m' after $((m1 - m0))s: $(tr -d '\033' <$L2/mon.log | grep -v '^\[' | tail -n 5 | tr '\n' '|')"
		l2_stop
		return 1
	fi
	report "$P: migration to file: $((m1 - m0))s, $(du -k $L2/mig | cut -f1) KiB"
	l2_stop
	if is_val rx_mode promisc && is_val vlans count=0 && is_val vq_pairs 1; then
		pass $P/source-closed-reset
	else
		fail $P/source-closed-reset "$(state1)"
	fi

	# The destination: same command line, -incoming.  Its vhost-vdpa start
	# restores the state through the CVQ (shadowed in its own ASID).
	trace_on
	mv $L2/qemu.log $L2/qemu-src.log
	: >$L2/mon.log
	l2_qemu $L2/qemu.log -incoming "file:$L2/mig"
	r0=$(now)
	if [ -z "$DBG" ]; then
		fail $P/restore-state-equal "no device state (debugfs) in this kernel"
	elif wait_state 300 state_is_before; then
		pass $P/restore-state-equal
	else
		fail $P/restore-state-equal "state after restore differs: $(state_cfg | diff $L2/before - 2>&1 | grep '^[-+][a-z]' | head -n 8 | tr '\n' '|')"
	fi
	r1=$(now)
	echo 0 >$TR/tracing_on
	trace_cmds >$L2/restore-trace
	ncmd=$(wc -l <$L2/restore-trace)
	nerr=$(grep -c 'ack=ERR' $L2/restore-trace)
	qn=$(ql | grep -c '^vhost_vdpa_net_load_cmd ')
	span=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i; sub(/:/, "", t); if (!f) f = t; l = t } }
		END { if (f != "") printf "%.3f", (l - f) * 1000 }' $L2/restore-trace)
	per=$(awk -v s="$span" -v n="$ncmd" 'BEGIN { if (n > 1) printf "%.1f", s * 1000 / (n - 1); else print "n/a" }')
	if [ "$ncmd" -gt 0 ] && [ "$nerr" = 0 ]; then pass $P/restore-commands-ok; else
		fail $P/restore-commands-ok "$ncmd commands, $nerr answered ERR: $(grep 'ack=ERR' $L2/restore-trace | head -n 3 | tr '\n' '|')"; fi
	# QEMU sends the restore commands, polls their answers, then sets the
	# data queues ready: its first load_cmd to the next vring enable.
	qspan=$(ql_span vhost_vdpa_net_load_cmd vhost_vdpa_set_vring_enable_one)
	qerr=$(ql | grep '^vhost_vdpa_net_load_cmd_retval' | grep -vc 'retval: 0$')
	report "$P: restore: device answered $ncmd CVQ commands ($nerr ERR) in ${span} ms first to last, ${per} us per command; QEMU sent $qn (load_cmd trace, $qerr answered not OK) in ${qspan} ms from its first command to the data queues set ready; state equal after $((r1 - r0))s"
	report "$P: restore commands by class/cmd: $(sed -n 's/.*class=\([0-9]*\) cmd=\([0-9]*\).*/\1.\2/p' $L2/restore-trace | sort | uniq -c | tr -s ' \n' ' ')"
	report "$P: QEMU (destination): $(ql | grep -E '^vhost_vdpa_(set_address_space_id|dev_start|suspend)' | sed 's/vdpa_shared:0x[0-9a-f]* //; s/vhost_vdpa: 0x[0-9a-f]* //' | sort | uniq -c | tr -s ' \n' ' ')"

	# L2 lives on: it answers, and its frames go through the device and
	# come back (the simulator loops them back): an ARP request for
	# 10.0.0.1 is a broadcast, which the restored filter accepts.
	if ! l2_cmd "cat /sys/class/net/eth0/statistics/rx_packets" 120; then
		L2_DEAD=1
		fail $P/l2-alive-after-restore "L2 does not answer after the restore (qemu alive: $(alive))"
		return 1
	fi
	pass $P/l2-alive-after-restore
	rx0=$L2_OUT
	l2_cmd "ping -c 3 -W 1 10.0.0.1 >/dev/null 2>&1; cat /sys/class/net/eth0/statistics/rx_packets" 120
	rx1=${L2_OUT##* }
	if [ "${rx1:-0}" -gt "${rx0:-0}" ] 2>/dev/null; then pass $P/l2-traffic-after-restore; else
		fail $P/l2-traffic-after-restore "L2 rx_packets $rx0 -> $rx1"; fi
	report "$P: L2 after restore: rx_packets $rx0 -> $rx1; $(dev_state_line)"
}
state_is_before() { [ "$(state_cfg)" = "$before" ]; }

# run_l2 PREFIX [NETDEV-OPTIONS]: boot L2 on the device, drive it, migrate
# it, power it off; the expectations are named PREFIX/...
run_l2() {
	L2IF=eth0
	NVLAN=${NVLAN_ARG:-16}
	[ "$NVLAN" -gt 4094 ] && NVLAN=4094
	P=$1 L2_DEAD=
	netdev="type=vhost-vdpa,vhostdev=$VDEV,id=vdpa0$2"
	say "== $P: ${DEVKIND}_net -> vhost_vdpa -> QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') (-netdev $netdev) -> L2 virtio_net =="
	rm -rf $L2
	mkdir -p $L2
	mkfifo $L2/ctl.in $L2/ctl.out $L2/mon.in $L2/mon.out
	# Read-write opens of the FIFOs never block (QEMU opens them O_RDWR);
	# they stay open across both QEMUs.
	exec 4<>$L2/ctl.out 5<>$L2/ctl.in 6<>$L2/mon.in
	cat $L2/mon.out >$L2/mon.log &
	MONCAT=$!
	q0=$(now)
	l2_qemu $L2/qemu.log

	ready=
	while l2_read $BOOT_TMO; do
		case $LINE in "@@L2 READY"*) ready=$LINE; break ;; esac
	done
	q1=$(now)
	if [ -z "$ready" ]; then
		why=$(ql | grep -v '^vhost_vdpa_' | tail -n 3 | tr '\n' ' ')
		fail $P/l2-boot "L2 not ready after $((q1 - q0))s (qemu alive: $(alive)): $why"
		say "--- L2 qemu log:"; ql | grep -v '^vhost_vdpa_dma_map' | tail -n 30
		say "--- L2 console:"; tail -n 30 $L2/console.log
		kill -9 $QPID 2>/dev/null
		wait $QPID 2>/dev/null
		kill $MONCAT 2>/dev/null
		exec 4<&- 5>&- 6>&-
		return 1
	fi
	pass $P/l2-boot
	report "$P: L2 ready after $((q1 - q0))s: ${ready#@@L2 READY }"
	report "$P: device with L2 driver bound: $(vdpa dev config show $DEV 2>&1 | tr -s ' \n' ' ') | $(dev_state_line) mac=$(st mac)"

	# What the device offers vhost-vdpa (VHOST_GET_FEATURES, QEMU's trace):
	# the provisioned bits exactly.
	off=$(ql | sed -n 's/^vhost_vdpa_get_features.* features: \(0x[0-9a-f]*\).*/\1/p' | head -n 1)
	if [ "$DEVKIND" = vduse ]; then
		report "$P: the VDUSE device offers $off"
	elif [ "$off" = "$FEAT" ]; then pass $P/device-offers-provisioned; else
		fail $P/device-offers-provisioned "VHOST_GET_FEATURES $off, provisioned $FEAT"; fi

	# QEMU shadows the CVQ alone in address space 1: it found the CVQ alone
	# in its virtqueue group (the isolation probe), moved that group to
	# ASID 1 and maps the shadow buffers there.  Without x-svq the data
	# groups stay in ASID 0 (passthrough).
	grp=$(ql | grep '^vhost_vdpa_set_address_space_id' | sed -n 's/.*vq_group: \([0-9]*\) asid: 1.*/\1/p' | tail -n 1)
	cvqmaps=$(ql | grep '^vhost_vdpa_dma_map' | grep -c 'asid: 1 ')
	as0maps=$(ql | grep '^vhost_vdpa_dma_map' | grep -c 'asid: 0 ')
	if [ "$SVQPASS" = on ]; then
		# x-svq=on: every queue shadowed, all in address space 0 (QEMU's
		# own IOVA tree): no group moves, and the shadow rings are mapped
		# there besides guest memory.
		if [ -z "$grp" ] && [ "$cvqmaps" = 0 ] && [ "$as0maps" -gt 2 ]; then
			pass $P/all-queues-shadowed
		else
			fail $P/all-queues-shadowed "group moved to ASID 1: '$grp', $cvqmaps maps in ASID 1, $as0maps in ASID 0"
		fi
	elif [ -n "$grp" ] && [ "$cvqmaps" -gt 0 ]; then
		pass $P/cvq-shadowed-asid1
	else
		fail $P/cvq-shadowed-asid1 "QEMU did not move a group to ASID 1 (group '$grp', $cvqmaps maps in ASID 1)"
	fi
	# QEMU falls back to its own virtio-net when vhost does not start: no
	# command would reach the device.
	if ql | grep -q 'falling back on userspace'; then
		fail $P/vhost-started "$(ql | grep -v '^vhost_vdpa_' | tail -n 3 | tr '\n' '|')"
	else
		pass $P/vhost-started
	fi
	report "$P: QEMU: $(ql | grep -E '^vhost_vdpa_(set_address_space_id|dev_start|set_features)' | sed 's/dev: 0x[0-9a-f]* //; s/vhost_vdpa: 0x[0-9a-f]* //' | sort | uniq -c | tr -s ' \n' ' '); DMA maps per ASID: $(ql | sed -n 's/^vhost_vdpa_dma_map.* asid: \([0-9]*\) .*/asid\1/p' | sort | uniq -c | tr -s ' \n' ' ')"
	# The device side: the commands L2 sends reach the library through the
	# CVQ's own IOTLB (the group's address space), and are answered.
	n0=$(cmds_received)

	# The actions.  "up" makes the driver program the rx mode (promisc off,
	# allmulti off, MAC tables) from its rx_mode work, and 8021q add VLAN 0.
	step up "ip link set eth0 up" lacks_word rx_mode promisc
	step promisc-on "ip link set eth0 promisc on" has_word rx_mode promisc
	step promisc-off "ip link set eth0 promisc off" lacks_word rx_mode promisc
	step mac-set "ip link set eth0 address $NEWMAC" is_val mac $NEWMAC
	step mc-add "ip maddr add 01:00:5e:01:02:03 dev eth0" has_line '^mc\[[0-9]*\]: 01:00:5e:01:02:03'
	step vlan-add "ip link add link eth0 name eth0.100 type vlan id 100" has_word vlan_ids 100
	step vlan-add2 "ip link add link eth0 name eth0.200 type vlan id 200" has_word vlan_ids 200
	step vlan-del "ip link del eth0.100" vlan_del_100
	step mc-del "ip maddr del 01:00:5e:01:02:03 dev eth0" no_mc_0203
	n1=$(cmds_received)
	if [ "${n1:-0}" -gt "${n0:-0}" ]; then pass $P/cvq-commands-reach-device; else
		fail $P/cvq-commands-reach-device "device counters $n0 -> $n1"; fi
	if [ "$DEVKIND" = vduse ]; then
		step mq-pairs "ethtool -L eth0 combined 1 2>/dev/null; ethtool -L eth0 combined $VQP" is_val vq_pairs $VQP
		# The data path: L2's frames go through the daemon, which loops
		# them back (its per-queue counters).
		l2_cmd "ip addr add 10.0.0.2/24 dev eth0; ping -c 3 -W 1 10.0.0.9 >/dev/null; true" 120
		sleep 1
		dtx=$(sed -n 's/.* tx=\([0-9,]*\).*/\1/p' /run/vduse_net.$DEV | tr , '\n' | awk '{ n += $1 } END { print n + 0 }')
		drx=$(sed -n 's/.* rx=\([0-9,]*\).*/\1/p' /run/vduse_net.$DEV | tr , '\n' | awk '{ n += $1 } END { print n + 0 }')
		if [ "$dtx" -gt 0 ] && [ "$drx" -gt 0 ]; then pass $P/l2-traffic-through-daemon; else
			fail $P/l2-traffic-through-daemon "daemon: $(cat /run/vduse_net.$DEV)"; fi
		report "$P: daemon state: $(cat /run/vduse_net.$DEV)"
	fi
	if [ "$MIGRATE" = 1 ]; then
		# The state the migration carries: a bit of everything.
		step mq-pairs "ethtool -L eth0 combined 1 2>/dev/null; ethtool -L eth0 combined $VQP" is_val vq_pairs $VQP
		step allmulti-on "ip link set eth0 allmulticast on" has_word rx_mode allmulti
		step mc-add2 "ip maddr add 01:00:5e:0a:0b:0c dev eth0" has_line '^mc\[[0-9]*\]: 01:00:5e:0a:0b:0c'
		if [ "$SVQPASS" = on ]; then
			# Seen on 2026-12-01: under x-svq=on, L2's "ethtool -K eth0
			# rx-gro-hw off" did not return within 300 s although the
			# device had applied the command (guest_offloads 0x2), and
			# L2 answered again minutes later.  Not understood yet.
			skip $P/offloads "not run under x-svq=on: ethtool -K stalled L2 for over 300 s there (under investigation)"
		else
			step offloads "ethtool -K eth0 rx-gro-hw off" is_not_val guest_offloads "$(st guest_offloads)"
		fi
		# The top NVLAN ids, 4094 downwards.  Up to 64, one VLAN
		# device each, created by one "ip -batch" (starting ip once
		# per VLAN costs seconds under nested TCG).  More: L2 puts
		# eth0 in a VLAN-filtering bridge and adds them to the port
		# with one "bridge vlan add" (4094 VLAN devices did not get
		# created in 22 minutes); the bridge adds VLAN 1 besides, and
		# L2 then talks through br0.  VLAN 0 (8021q's) and 200 are in
		# the table already.
		vlo=$((4095 - NVLAN)); [ $vlo -lt 1 ] && vlo=1
		nv=$((4095 - vlo + 1))			# the range, 0
		[ $vlo -gt 200 ] && nv=$((nv + 1))	# 200
		STEP_TMO=$((300 + NVLAN / 4))
		if [ "$NVLAN" -le 64 ]; then
			step vlans-$NVLAN "i=$vlo; while [ \$i -le 4094 ]; do [ \$i = 200 ] || echo link add link eth0 name v\$i type vlan id \$i; i=\$((i + 1)); done >/tmp/vlans && ip -batch /tmp/vlans" \
				is_val vlans "count=$nv"
		else
			[ $vlo -gt 1 ] && nv=$((nv + 1))	# the bridge's 1
			b0=$vlo; [ $b0 -lt 2 ] && b0=2
			step vlans-$NVLAN "ip link add br0 type bridge vlan_filtering 1 && ip link set br0 up && ip link set eth0 master br0 && bridge vlan add dev eth0 vid $b0-4094" \
				is_val vlans "count=$nv"
			L2IF=br0
		fi
		STEP_TMO=
		l2_cmd "ip addr add 10.0.0.2/24 dev $L2IF" 120
		report "$P: before migration: $(state1)"
		migrate_l2
	fi
	q2=$(now)
	report "$P: actions and migration took $((q2 - q1))s"
	l2_stop
	kill $MONCAT 2>/dev/null
	exec 4<&- 5>&- 6>&-
	report "$P: L2 console tail: $(tail -n 2 $L2/console.log | tr '\n' '|')"
	if is_val rx_mode promisc && is_val vlans count=0; then
		pass $P/closed-reset
	else
		fail $P/closed-reset "$(state1)"
	fi
	report "$P: L2 boot $((q1 - q0))s, total $(( $(now) - q0 ))s"
	for f in qemu-src.log qemu.log; do
		[ -f $L2/$f ] || continue
		say "--- $f (no DMA map lines):"; grep -v 'vhost_vdpa_dma_' $L2/$f | tail -n 200 | sed 's/^/Q| /'
	done
	say "--- L2 console:"; sed 's/^/L2| /' $L2/console.log
}
# cmds_received: the commands the library received, all classes.
cmds_received() {
	[ -n "$DBG" ] || { echo 0; return; }
	awk -F'received=' 'NF > 1 { split($2, a, " "); n += a[1] } END { print n + 0 }' "$DBG/stats"
}
is_not_val() { [ "$(st "$1")" != "$2" ]; }

if ! [ -x /usr/bin/qemu-system-x86_64 ] || ! [ -f /nested/bzImage ]; then
	fail nested/qemu "no QEMU or L2 kernel: build the initramfs with scripts/mkinitramfs-nested.sh"
	exit 0
fi
report "nested: $(qemu-system-x86_64 --version | head -n 1); $(vdpa -V 2>&1 | head -n 1)"
[ "$DEVKIND" = vduse ] || provision
for svqpass in $(case $SVQ in both) echo off on ;; *) echo $SVQ ;; esac); do
	case $svqpass in on) pfx=nested/svq opts=,x-svq=on ;; *) pfx=nested opts= ;; esac
	[ "$DEVKIND" = vduse ] && pfx=nested-vduse${pfx#nested}
	SVQPASS=$svqpass
	echo 0 >/sys/bus/vdpa/drivers_autoprobe
	if [ "$DEVKIND" = vduse ]; then
		# The daemon creates the device (a kernel without the series
		# refuses CTRL_VQ); no GUEST_ANNOUNCE, which QEMU 10's shadow
		# virtqueue refuses.
		rm -f /run/vduse_net.$DEV
		vduse_net -q $VQP -m $MAC -n $DEV >>/tmp/vduse_net.log 2>&1 &
		DPID=$!
		i=0
		while [ $i -lt 50 ] && ! [ -c /dev/vduse/$DEV ] && kill -0 $DPID 2>/dev/null; do sleep 0.2; i=$((i + 1)); done
		if ! out=$(vdpa dev add mgmtdev vduse name $DEV 2>&1); then
			fail $pfx/vduse-add "$out; daemon: $(tr '\n' '|' </tmp/vduse_net.log)"
			kill -9 $DPID 2>/dev/null
			continue
		fi
		pass $pfx/vduse-add
	# A simulator that refuses the provisioning (pristine 7.3: one queue
	# pair, fewer features) gets its defaults, so that what QEMU does
	# with it is still seen (make baseline).
	elif ! out=$(vdpa dev add mgmtdev vdpasim_net name $DEV mac $MAC max_vqp $VQP device_features $FEAT 2>&1); then
		fail $pfx/provisioned "vdpa dev add ... max_vqp $VQP device_features $FEAT: $out; going on with the defaults"
		VQP=1
		vdpa dev add mgmtdev vdpasim_net name $DEV mac $MAC
	fi
	if echo vhost_vdpa >/sys/bus/vdpa/devices/$DEV/driver_override &&
	   echo $DEV >/sys/bus/vdpa/drivers_probe &&
	   v=$(ls -d /sys/bus/vdpa/devices/$DEV/vhost-vdpa-* 2>/dev/null | head -n 1) && [ -c "/dev/${v##*/}" ]; then
		VDEV=/dev/${v##*/}
		pass $pfx/probe
	else
		fail $pfx/probe "no /dev/vhost-vdpa-* for $DEV"; teardown; continue
	fi
	DBG=$(dbg_file) || fail $pfx/debugfs "no vdpa_net_ctrl debugfs: the device state cannot be checked"
	report "$pfx: $DEV bound to vhost_vdpa as $VDEV; $(dev_state_line) mac=$(st mac)"
	run_l2 $pfx "$opts"
	teardown
	if [ -n "$DPID" ]; then
		kill $DPID 2>/dev/null
		wait $DPID 2>/dev/null
		DPID=
	fi
done
report "nested: suite took $(( $(now) - T0 ))s"
