#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# modules suite: on a kernel with the vDPA stack as modules, load every
# module of the series and of its users in dependency order, run the
# KUnit suites as modules, use a vdpasim_net device through virtio_net
# and through vhost_vdpa, remove it, unload the modules in reverse order,
# and require a kernel log without a warning.  Distributions ship vDPA as
# modules: this is where a missing export, a wrong initcall level, a
# leaked reference at unload or a debugfs left behind shows.
. /tests/lib.sh

# Dependency order (lib.sh): each module needs only those before it.
MODS=$VDPA_MODS

# The problems a log must not show (KUnit's own failures are checked apart).
BAD='WARNING:|BUG:|Oops|general protection|refcount_t:|list_(add|del) corruption|ODEBUG|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|kobject.*(not initialized|already)|Unable to handle|Call Trace:'

say "== modules: load, use, unload =="
dmesg -c >/dev/null

loaded=
for m in $MODS; do
	p=$(modpath "$m")
	if [ -z "$p" ]; then fail "modules/load-$m" "no $m.ko (built in, or not built)"; continue; fi
	if out=$(insmod "$p" 2>&1); then
		pass "modules/load-$m"
		loaded="$m $loaded"
	else
		fail "modules/load-$m" "$out"
	fi
done
[ -d /sys/kernel/debug/vdpa_net_ctrl ] && pass modules/debugfs-root || fail modules/debugfs-root "no vdpa_net_ctrl debugfs directory"

# KUnit suites as modules: they run at load; the results are in the log.
kp=$(modpath kunit)
if [ -n "$kp" ] && insmod "$kp" 2>/dev/null; then loaded="kunit $loaded"; fi
setup_failslab
for m in $KUNIT_MODS; do
	p=$(modpath "$m")
	if [ -z "$p" ]; then fail "modules/kunit-$m" "no $m.ko"; continue; fi
	dmesg -c >/tmp/kunit.before
	if ! out=$(insmod "$p" 2>&1); then fail "modules/kunit-$m" "insmod: $out"; continue; fi
	dmesg -c >/tmp/kunit.$m
	cat /tmp/kunit.$m
	res=$(sed -E 's/^\[ *[0-9.]+\] //' /tmp/kunit.$m | grep -E '^(not )?ok [0-9]+ [a-z_]+$' | tail -n 1)
	tot=$(sed -E 's/^\[ *[0-9.]+\] //' /tmp/kunit.$m | grep -E '^# Totals:' | tail -n 1)
	case "$res" in
	"ok "*) pass "modules/kunit-$m" ;;
	*) fail "modules/kunit-$m" "${res:-no KTAP result} ${tot}" ;;
	esac
	report "kunit module $m: ${res:-none} ${tot}"
	if out=$(rmmod "$m" 2>&1); then pass "modules/kunit-unload-$m"; else fail "modules/kunit-unload-$m" "$out"; fi
	cat /tmp/kunit.before /tmp/kunit.$m >>/tmp/dmesg.all
done

# Use the device through virtio_net.
if setup_virtio_vdpa; then
	pass modules/virtio-probe
	DBG=$(dbg_file)
	ok=1
	ip link set "$NETDEV" address 02:00:00:00:00:42 || ok=0
	ip link set "$NETDEV" up || ok=0
	ip link set "$NETDEV" promisc on || ok=0
	ip maddr add 01:00:5e:00:00:42 dev "$NETDEV" || ok=0
	[ "$(st mac)" = 02:00:00:00:00:42 ] || ok=0
	in_promisc=$(st rx_mode)
	[ "$ok" = 1 ] && [ "$in_promisc" != "${in_promisc#*promisc}" ] &&
		pass modules/virtio-use || fail modules/virtio-use "mac [$(st mac)] rx_mode [$(st rx_mode)] mc [$(st mc)]"
	report "virtio_vdpa use: $(dev_state_line)"
else
	fail modules/virtio-probe "no netdev for $DEV"
fi
teardown
vdpa dev show $DEV >/dev/null 2>&1 && fail modules/virtio-del "$DEV still present" || pass modules/virtio-del

# Use it through vhost_vdpa: the userspace client's short run.
if setup_vhost_vdpa; then
	pass modules/vhost-probe
	if [ -x /bin/vhost_cvq ]; then
		timeout 240 /bin/vhost_cvq "$VDEV" >/tmp/mod_vhost.out 2>&1
		rc=$?
		nf=$(grep -c '^FAIL ' /tmp/mod_vhost.out)
		np=$(grep -c '^PASS ' /tmp/mod_vhost.out)
		[ "$rc" = 0 ] && [ "$np" -gt 0 ] && pass modules/vhost-use ||
			fail modules/vhost-use "vhost_cvq rc=$rc, $np passed, $nf failed: $(grep '^FAIL ' /tmp/mod_vhost.out | head -n 3 | tr '\n' ' ')"
	else
		fail modules/vhost-use "/bin/vhost_cvq missing"
	fi
else
	fail modules/vhost-probe "no /dev/vhost-vdpa-*"
fi
teardown
[ -d /sys/kernel/debug/vdpa_net_ctrl/$DEV ] && fail modules/debugfs-dev-removed "left behind" || pass modules/debugfs-dev-removed

# Scale: a NIC can create thousands of devices.  256 of them: the
# frontend adds no thread per device (its work runs on one shared
# workqueue); the threads and memory they cost are reported.
N=256
echo 0 >/sys/bus/vdpa/drivers_autoprobe
thr0=$(ls -d /proc/[0-9]* | wc -l)
mem0=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
slab0=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
n=0
while [ $n -lt $N ] && vdpa dev add mgmtdev vdpasim_net name "s$n" 2>/tmp/scale.err; do n=$((n + 1)); done
thr1=$(ls -d /proc/[0-9]* | wc -l)
mem1=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
slab1=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
cvq_threads=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^vdpa-net')
sim_threads=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^vDPA sim')
report "scale: $n devices: +$((thr1 - thr0)) threads ($sim_threads of the simulator, $cvq_threads of the frontend), +$(((mem0 - mem1) / (n > 0 ? n : 1))) KiB of memory and +$(((slab1 - slab0) / (n > 0 ? n : 1))) KiB of slab per device"
if [ "$n" = $N ] && [ "$cvq_threads" = 0 ]; then pass modules/scale-256
else fail modules/scale-256 "$n of $N devices ($(head -n 1 /tmp/scale.err)), $cvq_threads frontend threads"; fi
i=0
while [ $i -lt $n ]; do vdpa dev del "s$i"; i=$((i + 1)); done
vdpa dev show 2>/dev/null | grep -q . && fail modules/scale-del "devices left: $(vdpa dev show | head -n 2 | tr '\n' ' ')" || pass modules/scale-del

# Unload in reverse order of loading.
for m in $loaded; do
	if out=$(rmmod "$m" 2>&1); then pass "modules/unload-$m"; else fail "modules/unload-$m" "$out"; fi
done
left=$(for m in $MODS; do grep -q "^$m " /proc/modules && echo "$m"; done | tr '\n' ' ')
[ -z "$left" ] && pass modules/all-unloaded || fail modules/all-unloaded "still loaded: $left"
[ -d /sys/kernel/debug/vdpa_net_ctrl ] && fail modules/debugfs-root-removed "left behind" || pass modules/debugfs-root-removed

# Give deferred releases (kobjects, RCU, workqueues) a moment, then read
# the whole log.
sleep 2
dmesg >>/tmp/dmesg.all
if grep -Eq "$BAD" /tmp/dmesg.all; then
	fail modules/dmesg-clean "$(grep -E "$BAD" /tmp/dmesg.all | head -n 3 | tr '\n' ' ')"
	say "---- kernel log ----"
	cat /tmp/dmesg.all
else
	pass modules/dmesg-clean
fi
