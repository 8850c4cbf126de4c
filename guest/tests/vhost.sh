#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vhost suite: a vdpasim_net device bound to vhost_vdpa, its control
# virtqueue driven from userspace by /bin/vhost_cvq the way a VMM with a
# shadow CVQ does (CVQ group in its own address space, IOTLB v2 batches).
# Every PASS/FAIL/SKIP line of the tool becomes a vhost/* result.
. /tests/lib.sh

VDEV=

say "== vhost: vdpasim_net on vhost_vdpa, CVQ driven from userspace =="
if setup_vhost_vdpa; then pass vhost/probe; else fail vhost/probe "no /dev/vhost-vdpa-* for $DEV"; exit 0; fi
DBG=$(dbg_file)
report "probe: vdpasim_net $DEV bound to vhost_vdpa as $VDEV; $(dev_state_line)"

if [ ! -x /bin/vhost_cvq ]; then
	fail vhost/tool "/bin/vhost_cvq missing from the initramfs"
	teardown
	exit 0
fi

# Run while the tool still holds the device at DRIVER_OK: vdpa dev vstats
# needs FEATURES_OK, and closing the vhost fd resets the device.
cat >/tmp/vhost_live.sh <<'EOS'
. /tests/lib.sh
vdpa dev vstats show $DEV qidx "$(cvq_idx)" >/tmp/vhost_live.vstats 2>&1 || exit 1
cvq_stats >/tmp/vhost_live.cvq
vdpa dev config show $DEV 2>&1 | tr -s ' \n' ' ' >/tmp/vhost_live.config
EOS
rm -f /tmp/vhost_live.vstats /tmp/vhost_live.cvq /tmp/vhost_live.config

# The tool bounds every wait itself; timeout is the last resort.
timeout 240 /bin/vhost_cvq -x "sh /tmp/vhost_live.sh" "$VDEV" >/tmp/vhost_cvq.out 2>/tmp/vhost_cvq.err
rc=$?
tool_results vhost vhost_cvq </tmp/vhost_cvq.out
[ -s /tmp/vhost_cvq.err ] && report "vhost_cvq stderr: $(tr '\n' ' ' </tmp/vhost_cvq.err)"
case $rc in
0) pass vhost/exit-status ;;
124|143|137) fail vhost/exit-status "vhost_cvq killed by timeout (rc=$rc)" ;;
*) fail vhost/exit-status "vhost_cvq exit status $rc (= failures)" ;;
esac
grep -q '^PASS setup$' /tmp/vhost_cvq.out || fail vhost/setup-reached "no PASS setup line"

# The CVQ counters, read by the hook while the device was live.
live=$(cat /tmp/vhost_live.cvq 2>/dev/null)
report "cvq counters (vdpa dev vstats, device live): ${live:-none: $(cat /tmp/vhost_live.vstats 2>/dev/null)}"
report "config (device live): $(cat /tmp/vhost_live.config 2>/dev/null)"
case "$live" in
*"cvq requests "[1-9]*) pass vhost/cvq-stats ;;
*) fail vhost/cvq-stats "no requests counted: [$live] $(cat /tmp/vhost_live.vstats 2>/dev/null)" ;;
esac
case "$(cat /tmp/vhost_live.config 2>/dev/null)" in
*negotiated_features*CTRL_VQ*) pass vhost/config-negotiated ;;
*) fail vhost/config-negotiated "[$(cat /tmp/vhost_live.config 2>/dev/null)]" ;;
esac
[ -n "$DBG" ] && report "debugfs stats after close: $(tr '\n' ' ' <"$DBG/stats")"

# The netlink interface after the tool closed the fd (vhost_vdpa resets
# the device on release): the state is back to the defaults.
expect vhost/dev-show vdpa dev show $DEV
expect vhost/dev-config-show vdpa dev config show $DEV
expect vhost/mgmtdev-show vdpa mgmtdev show vdpasim_net
report "after close: $(vdpa dev show $DEV 2>&1 | tr -s ' \n' ' ') | $(dev_state_line)"
[ "$(st rx_mode)" = promisc ] && [ "$(st vlans)" = count=0 ] &&
	pass vhost/closed-reset || fail vhost/closed-reset "rx_mode [$(st rx_mode)] vlans [$(st vlans)]"

teardown
if vdpa dev show $DEV >/dev/null 2>&1; then fail vhost/teardown "$DEV still present"; else pass vhost/teardown; fi
[ -d /sys/kernel/debug/vdpa_net_ctrl/$DEV ] && fail vhost/teardown-debugfs "debugfs dir left behind" || pass vhost/teardown-debugfs

# A multiqueue device ("max_vqp 4"): the CVQ moves to index 8; vhost_cvq -m
# sends VQ_PAIRS_SET and RSS_CONFIG as QEMU's vhost-vdpa client restores
# them, besides the commands above.
echo 0 >/sys/bus/vdpa/drivers_autoprobe
if vdpa dev add mgmtdev vdpasim_net name $DEV mac 52:54:00:12:34:56 max_vqp 4 >/dev/null 2>&1; then
	echo vhost_vdpa >/sys/bus/vdpa/devices/$DEV/driver_override
	echo $DEV >/sys/bus/vdpa/drivers_probe
	VDEV=
	for i in 1 2 3 4 5; do
		v=$(ls -d /sys/bus/vdpa/devices/$DEV/vhost-vdpa-* 2>/dev/null | head -n 1)
		[ -n "$v" ] && [ -c "/dev/${v##*/}" ] && { VDEV=/dev/${v##*/}; break; }
		sleep 1
	done
	timeout 120 /bin/vhost_cvq -m "$VDEV" >/tmp/vhost_mq.out 2>&1
	rc=$?
	tool_results vhost-mq "vhost_cvq -m" </tmp/vhost_mq.out
	[ $rc = 0 ] && pass vhost-mq/exit-status || fail vhost-mq/exit-status "vhost_cvq -m exit status $rc"
	teardown
else
	fail vhost-mq/probe "vdpa dev add ... max_vqp 4 refused"
fi
