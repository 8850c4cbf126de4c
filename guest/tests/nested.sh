#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nested suite: a vdpasim_net device bound to vhost_vdpa in this guest (L1)
# is handed to a nested TCG guest (L2, same kernel, virtio-net-pci) by
# Debian's QEMU with -netdev vhost-vdpa.  L2's virtio_net driver sends the
# control virtqueue commands (rx mode, MAC, VLAN, multicast) for the ip
# commands L1 sends it on a serial line; after each one, L1 checks that
# the device-side state (vdpa_net_ctrl debugfs) follows.
# Needs the initramfs of scripts/mkinitramfs-nested.sh.
#
# Kernel command line knobs (qemu-run.sh APPEND=...):
#   nested.svq=off|on|both  QEMU without x-svq (names nested/...), with
#                       x-svq=on (nested/svq/...), or both, one after the
#                       other on a fresh device (default off)
#   nested.boot=SECS    L2 boot budget (default 600)
#   nested.mem=MB       L2 RAM (default 128)
#   nested.bios=seabios boot L2 with SeaBIOS instead of qboot (slower)
#   nested.l2log=N      L2 kernel loglevel (default 6); its console is
#                       copied to L1's console at the end
. /tests/lib.sh

VDEV=
L2=/tmp/l2
MAC=52:54:00:12:34:56
NEWMAC=52:54:00:ab:cd:ef
arg() { sed -n "s/.*nested\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
SVQ=$(arg svq); SVQ=${SVQ:-off}
BOOT_TMO=$(arg boot); BOOT_TMO=${BOOT_TMO:-600}
L2MEM=$(arg mem); L2MEM=${L2MEM:-128}
BIOS=$(arg bios)
L2LOG=$(arg l2log); L2LOG=${L2LOG:-6}
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
	if ! l2_cmd "$sc" 300; then
		L2_DEAD=1
		fail "$P/$sn" "L2 did not answer '$sc' in 300s (qemu alive: $(alive))"
		return 1
	fi
	s1=$(now)
	if [ "$L2_RC" != 0 ]; then
		fail "$P/$sn" "L2: '$sc' -> rc=$L2_RC: $L2_OUT"
	elif wait_state 60 "$@"; then
		pass "$P/$sn"
	else
		fail "$P/$sn" "state did not follow '$sc': $(state1)"
	fi
	s2=$(now)
	report "$P $sn: L2 \`$sc\` rc=$L2_RC in $((s1 - s0))s, state check $((s2 - s1))s; $(dev_state_line) mac=$(st mac) vlan_ids=[$(st vlan_ids)]"
	report "$P $sn: stats: $(stats1)"
}

# run_l2 PREFIX [NETDEV-OPTIONS]: boot L2 on the device, drive it, power
# it off; the expectations are named PREFIX/...
run_l2() {
	P=$1 L2_DEAD=
	netdev="type=vhost-vdpa,vhostdev=$VDEV,id=vdpa0$2"
	say "== $P: vdpasim_net -> vhost_vdpa -> QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') (-netdev $netdev) -> L2 virtio_net =="
	rm -rf $L2
	mkdir -p $L2
	mkfifo $L2/ctl.in $L2/ctl.out
	bios="-bios qboot.rom"
	[ "$BIOS" = seabios ] && bios=
	# vdpasim uses virtual addresses (use_va): vhost_vdpa maps only shared
	# file-backed memory, hence the memfd backend with share=on.
	set -- -M pc,memory-backend=ram0 -cpu max -accel tcg -smp 1 -m ${L2MEM}M \
		-object memory-backend-memfd,id=ram0,size=${L2MEM}M,share=on $bios \
		-kernel /nested/bzImage -initrd /nested/initramfs.cpio \
		-append "console=ttyS0 panic=-1 loglevel=$L2LOG kunit.enable=0" \
		-display none -no-reboot -nodefaults \
		-netdev "$netdev" -device virtio-net-pci,netdev=vdpa0,mac=$MAC,romfile= \
		-serial file:$L2/console.log -serial pipe:$L2/ctl \
		-trace vhost_vdpa_set_features -trace vhost_vdpa_dma_map
	say "L1: qemu-system-x86_64 $*"
	q0=$(now)
	timeout -s KILL $((BOOT_TMO + 900)) qemu-system-x86_64 "$@" >$L2/qemu.log 2>&1 &
	QPID=$!
	# Read-write opens of the FIFOs never block (QEMU opens them O_RDWR).
	exec 4<>$L2/ctl.out 5<>$L2/ctl.in

	ready=
	while l2_read $BOOT_TMO; do
		case $LINE in "@@L2 READY"*) ready=$LINE; break ;; esac
	done
	q1=$(now)
	if [ -z "$ready" ]; then
		why=$(grep -v '^vhost_vdpa_' $L2/qemu.log | tail -n 3 | tr '\n' ' ')
		case $why in
		*"vdpa svq does not work with features"*)
			# QEMU 7.2's SVQ knows only some CVQ features; the device
			# offers more (and cannot be provisioned without them).
			skip $P/l2-boot "QEMU refuses x-svq on this device: $why" ;;
		*) fail $P/l2-boot "L2 not ready after $((q1 - q0))s (qemu alive: $(alive)): $why" ;;
		esac
		say "--- L2 qemu log:"; grep -v '^vhost_vdpa_dma_map' $L2/qemu.log | tail -n 30
		say "--- L2 console:"; tail -n 30 $L2/console.log
		kill -9 $QPID 2>/dev/null
		wait $QPID 2>/dev/null
		exec 4<&- 5>&-
		return 1
	fi
	pass $P/l2-boot
	report "$P: L2 ready after $((q1 - q0))s: ${ready#@@L2 READY }"
	report "$P: device with L2 driver bound: $(vdpa dev config show $DEV 2>&1 | tr -s ' \n' ' ') | $(dev_state_line) mac=$(st mac)"
	report "$P: stats after L2 probe: $(stats1)"
	report "$P: QEMU: $(grep -v '^vhost_vdpa_dma_map' $L2/qemu.log | sed 's/dev: 0x[0-9a-f]* //' | tr '\n' '|') $(grep -c '^vhost_vdpa_dma_map' $L2/qemu.log) IOTLB updates (iova+size): $(sed -n 's/^vhost_vdpa_dma_map.* iova: \(0x[0-9a-f]*\) size: \(0x[0-9a-f]*\).*/\1+\2/p' $L2/qemu.log | tr '\n' ' ')"
	l2_cmd "ip -d link show eth0" 300
	report "$P: L2 eth0: $L2_OUT"

	# The actions.  "up" makes the driver program the rx mode (promisc off,
	# allmulti off, MAC tables) from its rx_mode work, and 8021q add VLAN 0.
	step up "ip link set eth0 up" lacks_word rx_mode promisc
	step promisc-on "ip link set eth0 promisc on" has_word rx_mode promisc
	step promisc-off "ip link set eth0 promisc off" lacks_word rx_mode promisc
	step allmulti-on "ip link set eth0 allmulticast on" has_word rx_mode allmulti
	step allmulti-off "ip link set eth0 allmulticast off" lacks_word rx_mode allmulti
	step mac-set "ip link set eth0 address $NEWMAC" is_val mac $NEWMAC
	step mc-add "ip maddr add 01:00:5e:01:02:03 dev eth0" has_line '^mc\[[0-9]*\]: 01:00:5e:01:02:03'
	step vlan-add "ip link add link eth0 name eth0.100 type vlan id 100" has_word vlan_ids 100
	step vlan-add2 "ip link add link eth0 name eth0.200 type vlan id 200" has_word vlan_ids 200
	step vlan-del "ip link del eth0.100" vlan_del_100
	step mc-del "ip maddr del 01:00:5e:01:02:03 dev eth0" no_mc_0203
	q2=$(now)
	report "$P: actions took $((q2 - q1))s"

	# Power L2 off; QEMU closes the vhost fd, which resets the device.
	l2_cmd quit 5
	i=0
	while kill -0 $QPID 2>/dev/null && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
	if kill -0 $QPID 2>/dev/null; then
		fail $P/l2-exit "QEMU still running 120 s after quit"
		kill -9 $QPID
	else
		pass $P/l2-exit
	fi
	wait $QPID 2>/dev/null
	exec 4<&- 5>&-
	report "$P: L2 shut down in $(( $(now) - q2 ))s; L2 console tail: $(tail -n 2 $L2/console.log | tr '\n' '|')"
	if is_val rx_mode promisc && is_val vlans count=0; then
		pass $P/closed-reset
	else
		fail $P/closed-reset "$(state1)"
	fi
	# The MAC L2 set lives in the simulator's config space: reported only.
	report "$P: after close: state mac $(st mac); $(vdpa dev config show $DEV 2>&1 | tr -s ' \n' ' ')"
	report "$P: QEMU log: $(grep -v '^vhost_vdpa_dma_map' $L2/qemu.log | sed 's/dev: 0x[0-9a-f]* //' | tail -n 5 | tr '\n' '|')"
	report "$P: L2 boot $((q1 - q0))s, actions $((q2 - q1))s, total $(( $(now) - q0 ))s"
	say "--- L2 console:"; sed 's/^/L2| /' $L2/console.log
}

if ! [ -x /usr/bin/qemu-system-x86_64 ] || ! [ -f /nested/bzImage ]; then
	fail nested/qemu "no QEMU or L2 kernel: build the initramfs with scripts/mkinitramfs-nested.sh"
	exit 0
fi
for svqpass in $(case $SVQ in both) echo off on ;; *) echo $SVQ ;; esac); do
	case $svqpass in on) pfx=nested/svq opts=,x-svq=on ;; *) pfx=nested opts= ;; esac
	if setup_vhost_vdpa $MAC; then pass $pfx/probe; else fail $pfx/probe "no /dev/vhost-vdpa-* for $DEV"; continue; fi
	DBG=$(dbg_file) || { fail $pfx/debugfs "no vdpa_net_ctrl debugfs"; teardown; continue; }
	report "$pfx: $DEV bound to vhost_vdpa as $VDEV; $(dev_state_line) mac=$(st mac)"
	run_l2 $pfx "$opts"
	teardown
done
report "nested: suite took $(( $(now) - T0 ))s"
