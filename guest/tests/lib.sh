#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the guest suites.  Results go to fd 3 (/dev/ttyS1):
#   @@TEST PASS|FAIL|SKIP name [detail]   one per expectation
#   @@REPORT text                          one per user action (make run)

[ -e /proc/self/fd/3 ] || exec 3>/dev/ttyS1

# busybox sh prefers its own applets: name the real tools explicitly.
ip() { /sbin/ip "$@"; }
bridge() { /sbin/bridge "$@"; }
vdpa() { /sbin/vdpa "$@"; }
ethtool() { /sbin/ethtool "$@"; }

# The vDPA stack is modular (config/kernel.config): every module the
# suites need, dependencies first.  The pristine kernel has no
# vdpa_net_ctrl or vdpa_net: what is not built is skipped.
VDPA_MODS="vhost_iotlb vringh vdpa_net_ctrl vdpa vdpa_net vdpa_sim vdpa_sim_net virtio_vdpa irqbypass vhost vhost_vdpa"
KUNIT_MODS="vdpa_net_ctrl_kunit vdpa_net_kunit"

# The KUnit error-path cases fail allocations on purpose (fail-nth): let
# GFP_KERNEL allocations fail (failslab ignores them by default), and keep
# the fault injector from printing a stack trace for each.  Nothing fails
# unless a task asks for it through fail-nth.
setup_failslab() {
	d=/sys/kernel/debug/failslab
	[ -d $d ] || return 0
	echo N >$d/ignore-gfp-wait
	echo 0 >$d/verbose
}

modpath() { find /lib/modules/"$(uname -r)" -name "$1.ko*" 2>/dev/null | head -n 1; }

# load_vdpa_modules: insmod VDPA_MODS; a module that is there but does not
# load is reported on the console and makes the call fail.
load_vdpa_modules() {
	rc=0
	for m in $VDPA_MODS; do
		grep -q "^$m " /proc/modules && continue
		p=$(modpath "$m")
		[ -n "$p" ] || continue
		insmod "$p" || { echo "insmod $m failed"; rc=1; }
	done
	return $rc
}

DEV=vdpa0
NETDEV=
DBG=

say() { echo "$*"; }
pass() { echo "@@TEST PASS $1" >&3; echo "  PASS $1"; }
fail() { n=$1; shift; echo "@@TEST FAIL $n $*" >&3; echo "  FAIL $n: $*"; }
skip() { n=$1; shift; echo "@@TEST SKIP $n $*" >&3; echo "  SKIP $n: $*"; }
report() { echo "@@REPORT $*" >&3; echo "REPORT $*"; }

# expect NAME DESCRIPTION COMMAND...: run COMMAND, PASS when it succeeds.
expect() {
	n=$1; shift
	if out=$("$@" 2>&1); then pass "$n"; else fail "$n" "$(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi
}

# The vdpa_net_ctrl debugfs view of the device, if the kernel has one.
dbg_file() {
	for d in /sys/kernel/debug/vdpa_net_ctrl/*; do
		[ -f "$d/state" ] && { echo "$d"; return 0; }
	done
	return 1
}

# st KEY: the value of "KEY: value" in the device state (debugfs).
st() {
	[ -n "$DBG" ] || DBG=$(dbg_file) || { echo "<no-debugfs>"; return 1; }
	sed -n "s/^$1: //p" "$DBG/state"
}

# Device-side counters of the control virtqueue (vdpa vstats).
cvq_idx() {
	# The CVQ follows the data queues: 2 * max_vq_pairs.
	mq=$(vdpa dev config show $DEV 2>/dev/null | sed -n 's/.*max_vq_pairs \([0-9]*\).*/\1/p')
	echo $(( 2 * ${mq:-1} ))
}
cvq_stats() {
	vdpa dev vstats show $DEV qidx "$(cvq_idx)" 2>/dev/null |
		tr -s ' \n' ' ' | sed 's/.*queue_type [^ ]* //; s/ *$//'
}

dev_state_line() {
	cfg=$(vdpa dev config show $DEV 2>/dev/null | tr -s ' \n' ' ' | sed 's/negotiated_features.*//; s/^[^ ]* //; s/ *$//')
	ctl=$(cvq_stats)
	if [ -n "$DBG" ] || DBG=$(dbg_file); then
		ds="rx_mode=[$(st rx_mode)] uc=[$(st uc)] mc=[$(st mc)] vlans=[$(st vlans)] pairs=$(st vq_pairs) offloads=$(st guest_offloads)"
	else
		ds="(no vdpa_net_ctrl debugfs in this kernel)"
	fi
	echo "config: $cfg | cvq: ${ctl:-n/a} | state: $ds"
}

# act NAME COMMAND...: a user action; reports what was done, whether the
# kernel accepted it and the device-side state afterwards.
act() {
	n=$1; shift
	if out=$("$@" 2>&1); then res=accepted; ACT_RC=0; else res="refused ($(echo "$out" | head -n 1))"; ACT_RC=1; fi
	report "$n: \`$*\` -> $res; $(dev_state_line)"
	return $ACT_RC
}

# add_vdpa BUS_DRIVER [MAC]: create the vdpasim_net device $DEV and bind
# it to virtio_vdpa or vhost_vdpa.
add_vdpa() {
	echo 0 >/sys/bus/vdpa/drivers_autoprobe
	vdpa dev add mgmtdev vdpasim_net name $DEV mac "${2:-52:54:00:12:34:56}" || return 1
	echo "$1" >/sys/bus/vdpa/devices/$DEV/driver_override
	echo $DEV >/sys/bus/vdpa/drivers_probe
}

# Create the device on virtio_vdpa; sets NETDEV, the virtio_net netdev.
setup_virtio_vdpa() {
	add_vdpa virtio_vdpa || return 1
	for i in 1 2 3 4 5; do
		NETDEV=$(ls /sys/bus/vdpa/devices/$DEV/virtio*/net/ 2>/dev/null | head -n 1)
		[ -n "$NETDEV" ] && return 0
		sleep 1
	done
	return 1
}

# Create the device on vhost_vdpa [with MAC]; sets VDEV, its char device.
setup_vhost_vdpa() {
	add_vdpa vhost_vdpa "$1" || return 1
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

teardown() {
	vdpa dev del $DEV 2>/dev/null
	DBG=
}
