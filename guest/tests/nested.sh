#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nested suite: a vdpasim_net device bound to vhost_vdpa in this guest (L1)
# is handed to a nested TCG guest (L2, same kernel, virtio-net-pci) by
# Debian's QEMU with -netdev vhost-vdpa.  L2's virtio_net driver sends the
# control virtqueue commands (rx mode, MAC, VLAN, multicast) for the ip
# commands L1 sends it on a serial line; after each one, L1 checks that
# the device-side state (net_ctrl_vringh debugfs) follows.
# Needs the initramfs of scripts/mkinitramfs-nested.sh.
#
# Kernel command line knobs (qemu-run.sh APPEND=...):
#   nested.svq=on       start QEMU with x-svq=on (shadow virtqueues)
#   nested.boot=SECS    L2 boot budget (default 1200)
#   nested.mem=MB       L2 RAM (default 128)
#   nested.bios=qboot   boot L2 with qboot instead of SeaBIOS
. /tests/lib.sh

VDEV=
L2=/tmp/l2
MAC=52:54:00:12:34:56
NEWMAC=52:54:00:ab:cd:ef
arg() { sed -n "s/.*nested\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
SVQ=$(arg svq)
BOOT_TMO=$(arg boot); BOOT_TMO=${BOOT_TMO:-1200}
L2MEM=$(arg mem); L2MEM=${L2MEM:-128}
BIOS=$(arg bios)
now() { cut -d' ' -f1 /proc/uptime | cut -d. -f1; }
T0=$(now)

setup_vhost_vdpa() {
	echo 0 >/sys/bus/vdpa/drivers_autoprobe
	vdpa dev add mgmtdev vdpasim_net name $DEV mac $MAC || return 1
	echo vhost_vdpa >/sys/bus/vdpa/devices/$DEV/driver_override
	echo $DEV >/sys/bus/vdpa/drivers_probe
	for i in 1 2 3 4 5; do
		v=$(ls -d /sys/bus/vdpa/devices/$DEV/vhost-vdpa-* 2>/dev/null | head -n 1)
		if [ -n "$v" ] && [ -c "/dev/${v##*/}" ]; then
			VDEV=/dev/${v##*/}
			return 0
		fi
		sleep 1
	done
	return 1
}

state1() { tr '\n' ' ' <"$DBG/state" | tr -s ' '; }
stats1() { grep -v ' received=0 ' "$DBG/stats" | tr '\n' ' ' | tr -s ' '; }

# l2_cmd CMD [TMO]: run CMD in L2; sets L2_RC and L2_OUT.  Returns 1 when
# L2 did not answer in time.
l2_cmd() {
	L2_RC= L2_OUT=
	echo "$1" >&5
	while IFS= read -r -t "${2:-300}" line <&4; do
		line=$(echo "$line" | tr -d '\r')
		case $line in
		"@@L2 RC "*) L2_RC=${line#@@L2 RC }; return 0 ;;
		"@@L2 OUT "*) L2_OUT="$L2_OUT${L2_OUT:+ / }${line#@@L2 OUT }" ;;
		esac
	done
	return 1
}

# wait_state DESC TMO TEST...: poll the device state until TEST succeeds.
wait_state() {
	d=$1 t=$2; shift 2
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

# step NAME L2-COMMAND CHECK...: run an action in L2, then wait (60 s at
# most) for the device state to pass CHECK.
step() {
	n=$1 c=$2; shift 2
	s=$(now)
	if ! l2_cmd "$c" 600; then
		fail "nested/$n" "L2 did not answer '$c' (qemu alive: $(kill -0 $QPID 2>/dev/null && echo yes || echo no))"
		return 1
	fi
	a=$(now)
	if [ "$L2_RC" != 0 ]; then
		fail "nested/$n" "L2: '$c' -> rc=$L2_RC: $L2_OUT"
	elif wait_state "$n" 60 "$@"; then
		pass "nested/$n"
	else
		fail "nested/$n" "state did not follow '$c': $(state1)"
	fi
	e=$(now)
	report "nested $n: L2 \`$c\` rc=$L2_RC in $((a - s))s, state check $((e - a))s; $(dev_state_line) mac=$(st mac)"
	report "nested $n: stats: $(stats1)"
}

say "== nested: vdpasim_net -> vhost_vdpa -> QEMU 7.2 -> L2 virtio_net (svq=${SVQ:-off}) =="
if setup_vhost_vdpa; then pass nested/probe; else fail nested/probe "no /dev/vhost-vdpa-* for $DEV"; exit 0; fi
DBG=$(dbg_file) || { fail nested/debugfs "no net_ctrl_vringh debugfs"; teardown; exit 0; }
report "probe: $DEV bound to vhost_vdpa as $VDEV; $(dev_state_line) mac=$(st mac)"
if ! [ -x /usr/bin/qemu-system-x86_64 ] || ! [ -f /nested/bzImage ]; then
	fail nested/qemu "no QEMU or L2 kernel: build the initramfs with scripts/mkinitramfs-nested.sh"
	teardown
	exit 0
fi

mkdir -p $L2
mkfifo $L2/ctl.in $L2/ctl.out
netdev="type=vhost-vdpa,vhostdev=$VDEV,id=vdpa0"
[ "$SVQ" = on ] && netdev="$netdev,x-svq=on"
bios=
[ "$BIOS" = qboot ] && bios="-bios qboot.rom"
# vdpasim uses virtual addresses (use_va): vhost_vdpa maps only shared
# file-backed memory, hence the memfd backend with share=on.
set -- -M pc,memory-backend=ram0 -cpu max -accel tcg -smp 1 -m ${L2MEM}M \
	-object memory-backend-memfd,id=ram0,size=${L2MEM}M,share=on $bios \
	-kernel /nested/bzImage -initrd /nested/initramfs.cpio \
	-append "console=ttyS0 panic=-1 loglevel=6 kunit.enable=0 cvq.mode=l2" \
	-display none -no-reboot -nodefaults \
	-netdev "$netdev" -device virtio-net-pci,netdev=vdpa0,mac=$MAC,romfile= \
	-serial file:$L2/console.log -serial pipe:$L2/ctl \
	-trace vhost_vdpa_set_features -trace vhost_vdpa_add_status \
	-trace vhost_vdpa_set_vring_ready -trace vhost_svq_new
say "L1: qemu-system-x86_64 $*"
report "L2 qemu: -netdev $netdev, -m ${L2MEM}M, bios=${BIOS:-seabios}"
q0=$(now)
timeout -s KILL $((BOOT_TMO + 1800)) qemu-system-x86_64 "$@" >$L2/qemu.log 2>&1 &
QPID=$!
# Read-write opens of the FIFOs never block (QEMU opens them O_RDWR too).
exec 4<>$L2/ctl.out 5<>$L2/ctl.in

ready=
while IFS= read -r -t "$BOOT_TMO" line <&4; do
	line=$(echo "$line" | tr -d '\r')
	case $line in "@@L2 READY"*) ready=$line; break ;; esac
done
q1=$(now)
if [ -z "$ready" ]; then
	fail nested/l2-boot "L2 not ready in ${BOOT_TMO}s (qemu alive: $(kill -0 $QPID 2>/dev/null && echo yes || echo no))"
	say "--- L2 qemu log:"; tail -n 30 $L2/qemu.log
	say "--- L2 console:"; tail -n 30 $L2/console.log
	kill -9 $QPID 2>/dev/null
	teardown
	exit 0
fi
pass nested/l2-boot
report "L2 ready after $((q1 - q0))s: ${ready#@@L2 READY }; L2 kernel reached init at $(sed -n 's/^\[ *\([0-9.]*\)\] Run \/init.*/\1/p' $L2/console.log)s of L2 time"
report "device with L2 driver bound: $(vdpa dev config show $DEV 2>&1 | tr -s ' \n' ' ') | $(dev_state_line) mac=$(st mac)"
report "stats after L2 probe: $(stats1)"
l2_cmd "cat /sys/class/net/eth0/device/features; ip -d link show eth0" 300
report "L2 eth0: $L2_OUT"

# The actions.  After "up" the driver programs the rx mode (promisc off,
# allmulti off, MAC tables) from its rx_mode work.
step up "ip link set eth0 up" lacks_word rx_mode promisc
step promisc-on "ip link set eth0 promisc on" has_word rx_mode promisc
step promisc-off "ip link set eth0 promisc off" lacks_word rx_mode promisc
step allmulti-on "ip link set eth0 allmulticast on" has_word rx_mode allmulti
step allmulti-off "ip link set eth0 allmulticast off" lacks_word rx_mode allmulti
step mac-set "ip link set eth0 address $NEWMAC" is_val mac $NEWMAC
step mc-add "ip maddr add 01:00:5e:01:02:03 dev eth0" has_line '^mc\[[0-9]*\]: 01:00:5e:01:02:03'
step vlan-add "ip link add link eth0 name eth0.100 type vlan id 100" is_val vlan_ids 100
step vlan-add2 "ip link add link eth0 name eth0.200 type vlan id 200" is_val vlan_ids "100 200"
step vlan-del "ip link del eth0.100" is_val vlan_ids 200
report "L2 qemu log: $(grep -v '^$' $L2/qemu.log | grep -vE 'vhost_vdpa_(set_vring_ready|add_status)' | head -n 20 | tr '\n' '|')"

# Power L2 off; QEMU closes the vhost fd, which resets the device.
q2=$(now)
l2_cmd quit 5
i=0
while kill -0 $QPID 2>/dev/null && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
if kill -0 $QPID 2>/dev/null; then
	fail nested/l2-exit "QEMU still running 120 s after quit"
	kill -9 $QPID
else
	pass nested/l2-exit
fi
wait $QPID 2>/dev/null
report "L2 shut down in $(( $(now) - q2 ))s; L2 console tail: $(tail -n 3 $L2/console.log | tr '\n' '|')"
if is_val rx_mode promisc && is_val vlans count=0; then
	pass nested/closed-reset
else
	fail nested/closed-reset "$(state1)"
fi
# The MAC L2 set lives in the simulator's config space: reported only.
report "after close: state mac $(st mac), config: $(vdpa dev config show $DEV 2>&1 | tr -s ' \n' ' ')"
report "nested total: L1 suite $(( $(now) - T0 ))s, L2 boot $((q1 - q0))s"
say "--- L2 console (tail):"; tail -n 15 $L2/console.log
exec 4<&- 5>&-
teardown
