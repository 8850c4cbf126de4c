#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the guest suites.  Results go to fd 3 (/dev/ttyS1):
#   @@TEST PASS|FAIL|SKIP name [detail]   one per expectation
#   @@ACT name<TAB>result<TAB>cvq<TAB>changes   one per user action (act)
#   @@STATE name text                      the full device state after it
#   @@REPORT text                          any other note (make run)

[ -e /proc/self/fd/3 ] || exec 3>/dev/ttyS1

# busybox sh prefers its own applets: name the real tools explicitly.
ip() { /sbin/ip "$@"; }
bridge() { /sbin/bridge "$@"; }
vdpa() { /sbin/vdpa "$@"; }
ethtool() { /sbin/ethtool "$@"; }

# The vDPA stack is modular (config/kernel.config): every module the
# suites need, dependencies first.  The pristine kernel has no
# vdpa_net_ctrl or vdpa_net: what is not built is skipped.
VDPA_MODS="vhost_iotlb vringh vdpa_net_ctrl vdpa vdpa_net vdpa_sim vdpa_sim_net virtio_vdpa irqbypass vhost vhost_vdpa iova vduse"
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

# tool_results PREFIX TOOL: a tool's "PASS name" / "FAIL name: detail" /
# "SKIP name: reason" / "INFO text" lines (stdin) as results.
tool_results() {
	while IFS= read -r line; do
		case "$line" in
		"PASS "*) n=${line#PASS }; pass "$1/$n" ;;
		"FAIL "*) n=${line#FAIL }; fail "$1/${n%%: *}" "${n#*: }" ;;
		"SKIP "*) n=${line#SKIP }; skip "$1/${n%%: *}" "${n#*: }" ;;
		"INFO "*) report "$2: ${line#INFO }" ;;
		*) [ -n "$line" ] && say "$2: $line" ;;
		esac
	done
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

# act_snap FILE: the device as act compares it, one "key: value" a line:
# cfg.KEY for each field of "vdpa dev config show", "cvq: ..." the CVQ's
# vstats (the CVQ follows the data queues: qidx 2 * max_vq_pairs), then
# the lines of the debugfs state file as they are.  Without vstats or
# debugfs (the pristine kernel) those lines are simply not there.
act_snap() {
	local cfg mq d
	cfg=$(vdpa dev config show $DEV 2>/dev/null)
	mq=${cfg#*max_vq_pairs }
	[ "$mq" != "$cfg" ] && mq=${mq%%[!0-9]*} || mq=1
	d=$DBG
	[ -n "$d" ] || d=$(dbg_file)
	{
		echo "$cfg"
		echo @@vstats
		vdpa dev vstats show $DEV qidx $((2 * ${mq:-1})) 2>/dev/null
		echo @@state
		[ -n "$d" ] && cat "$d/state" 2>/dev/null
	} | awk '
	# the config (dev name, then "key value" pairs up to the features)
	$0 == "@@vstats" {
		n = split(cfg, w, " ")
		for (i = 2; i < n && w[i] != "negotiated_features"; i += 2)
			print "cfg." w[i] ": " w[i + 1]
		part = $0; next
	}
	# the vstats of the CVQ: "... queue_type control_vq cvq requests N ..."
	$0 == "@@state" {
		n = split(vs, w, " ")
		i = 1
		while (i < n && w[i] != "queue_type") i++
		if (i + 2 <= n && w[i + 2] == "cvq") {
			s = "cvq:"
			for (i += 2; i <= n; i++) s = s " " w[i]
			print s
		}
		part = $0; next
	}
	part == "" { cfg = cfg " " $0; next }
	part == "@@vstats" { vs = vs " " $0; next }
	{ print }' >"$1"
}

# act_diff BEFORE AFTER: two act_snap files -> "CVQ<TAB>CHANGES".
# CVQ: the commands the CVQ counted in between, "N cmd[, M err]", "-" for
# none, "n/a" without counters.  CHANGES: what changed in the device
# state, ", "-separated: a value of "count=N ..." fields (uc, mc, vlans)
# shows the count as a delta with the entries when one or two come or
# go ("mc +1 (01:00:5e:01:02:03)"), its other fields and every other
# key old -> new ("rx_mode promisc -> none", "coal_rx usecs 0 -> 10");
# config fields the state does not already show as "cfg.KEY old -> new";
# "-" when nothing changed, "state n/a" without the debugfs state.
act_diff() {
	awk '
	function kv(line,  i) {
		i = index(line, ":")
		K = substr(line, 1, i - 1); V = substr(line, i + 1); sub(/^ /, "", V)
	}
	# the counter "cvq NAME N" in a vstats line
	function num(s, name) {
		if (!match(s, "(^| )cvq " name " [0-9]+")) return ""
		s = substr(s, RSTART, RLENGTH); sub(/.* /, "", s)
		return s + 0
	}
	function show(v) { return v == "" ? "none" : v }
	function add(s) { out = out (out == "" ? "" : ", ") s }
	# the entries in list a that are not in list b
	function minus(a, b,  n, x, i, r, in_b) {
		n = split(b, x, " "); for (i = 1; i <= n; i++) in_b[x[i]] = 1
		n = split(a, x, " "); r = ""
		for (i = 1; i <= n; i++) if (!(x[i] in in_b)) r = r (r == "" ? "" : " ") x[i]
		return r
	}
	function words(s,  x) { return s == "" ? 0 : split(s, x, " ") }
	# the "f=v ..." values o and n of key k, field by field; 0 if not such
	function fields(k, o, n,  no, nn, xo, xn, i, p, O, N, s, d, ad, rm) {
		no = split(o, xo, " "); nn = split(n, xn, " ")
		for (i = 1; i <= no; i++) { if ((p = index(xo[i], "=")) < 2) return 0; O[substr(xo[i], 1, p - 1)] = substr(xo[i], p + 1) }
		for (i = 1; i <= nn; i++) { if ((p = index(xn[i], "=")) < 2) return 0; N[substr(xn[i], 1, p - 1)] = substr(xn[i], p + 1) }
		s = ""
		for (i = 1; i <= nn; i++) {
			p = substr(xn[i], 1, index(xn[i], "=") - 1)
			if (p == "count" && (p in O)) {
				d = N[p] - O[p]
				ad = minus(E1[k], E0[k]); rm = minus(E0[k], E1[k])
				if (d > 0) s = s " +" d (d <= 2 && words(ad) == d && rm == "" ? " (" ad ")" : "")
				else if (d < 0) s = s " " d (-d <= 2 && words(rm) == -d && ad == "" ? " (" rm ")" : "")
				else if (ad != "" || rm != "") s = s " entries changed"
			} else if (!(p in O)) s = s " " p " ? -> " N[p]
			else if (O[p] != N[p]) s = s " " p " " O[p] " -> " N[p]
		}
		if (s != "") add(k s)
		return 1
	}
	# line of the snapshot before (f 0) or after (f 1)
	function take(line, f) {
		kv(line)
		if (K == "cvq") { C[f] = V; return }
		if (K !~ /^cfg\./) S[f] = 1
		if (K ~ /^(uc|mc)\[[0-9]+\]$/) {
			K = substr(K, 1, 2)
			if (f) E1[K] = E1[K] " " V; else E0[K] = E0[K] " " V
			return
		}
		if (K == "vlan_ids") { if (f) E1["vlans"] = V; else E0["vlans"] = V; return }
		if (!(K in seen)) { seen[K] = 1; order[++nk] = K }
		if (f) { V1[K] = V; H1[K] = 1 } else { V0[K] = V; H0[K] = 1 }
	}
	BEGIN { while ((getline l < ARGV[1]) > 0) take(l, 0); ARGV[1] = "" }
	{ take($0, 1) }
	END {
		if ((0 in C) && (1 in C) && num(C[0], "requests") != "" && num(C[1], "requests") != "") {
			dr = num(C[1], "requests") - num(C[0], "requests")
			de = num(C[1], "errors") - num(C[0], "errors")
			cvq = dr == 0 && de == 0 ? "-" : dr " cmd" (de ? ", " de " err" : "")
		} else
			cvq = "n/a"
		out = ""
		if ((0 in S) && (1 in S)) {
			for (i = 1; i <= nk; i++) {
				k = order[i]
				if (k ~ /^cfg\./) continue
				o = V0[k]; n = V1[k]
				if (o == n && E0[k] == E1[k]) continue
				if ((k in H0) && (k in H1) && fields(k, o, n)) continue
				# long values (a key, a table): only the new one, cut
				if (length(o) > 24 || length(n) > 24) {
					add(k " -> " ((k in H1) ? (length(n) > 24 ? substr(n, 1, 21) "..." : show(n)) : "?"))
					continue
				}
				add(k " " ((k in H0) ? show(o) : "?") " -> " ((k in H1) ? show(n) : "?"))
			}
		}
		for (i = 1; i <= nk; i++) {
			k = order[i]
			if (k !~ /^cfg\./ || V0[k] == V1[k]) continue
			s = substr(k, 5)
			if ((s in H0) && (s in H1) && V0[s] == V0[k] && V1[s] == V1[k]) continue
			add(k " " ((k in H0) ? show(V0[k]) : "?") " -> " ((k in H1) ? show(V1[k]) : "?"))
		}
		if (!(0 in S) && !(1 in S)) add("state n/a")
		else if (!(0 in S)) add("debugfs state appeared")
		else if (!(1 in S)) add("debugfs state gone")
		printf "%s\t%s\n", cvq, out == "" ? "-" : out
	}' "$1" "$2"
}

# act_state FILE: an act_snap file on one line: "config: ... | cvq: ... |
# state: key: value; ..." with the uc/mc entries in [] after their count.
act_state() {
	awk '
	/^cfg\./ { i = index($0, ":"); cfg = cfg (cfg == "" ? "" : " ") substr($0, 5, i - 5) substr($0, i + 1); next }
	/^cvq: / { cvq = substr($0, 6); next }
	/^(uc|mc)\[[0-9]+\]: / { k = substr($0, 1, 2); L[k] = L[k] (L[k] == "" ? "" : " ") substr($0, index($0, ": ") + 2); next }
	{ key[++n] = substr($0, 1, index($0, ":") - 1); line[n] = $0 }
	END {
		st = ""
		for (i = 1; i <= n; i++)
			st = st (i > 1 ? "; " : "") line[i] (key[i] in L ? " [" L[key[i]] "]" : "")
		printf "config: %s | cvq: %s | state: %s\n", cfg, cvq == "" ? "n/a" : cvq,
			st == "" ? "n/a (no vdpa_net_ctrl debugfs)" : st
	}' "$1"
}

# act NAME COMMAND...: a user action.  Runs COMMAND and compares the
# device before and after it (act_snap; once the device has settled:
# virtio_net sends some commands from a work item), then reports on fd 3
#   @@ACT NAME<TAB>RESULT<TAB>CVQ<TAB>CHANGES    (see act_diff)
#   @@STATE NAME `COMMAND` -> RESULT; config: ... | cvq: ... | state: ...
# RESULT is "accepted" or "refused: " and the first line the tool printed.
# Sets ACT_RC (0 accepted, 1 refused) and returns it.
act() {
	local n out rc res b a i cvq chg
	n=$1; shift
	b=/tmp/act.before a=/tmp/act.after
	act_snap $b
	if out=$("$@" 2>&1); then
		res=accepted; ACT_RC=0
	else
		rc=$?
		res=$(echo "$out" | awk 'NF { print; exit }' | tr '\t' ' ')
		res="refused: ${res:-exit status $rc}"
		ACT_RC=1
	fi
	act_snap $a
	i=0
	while [ $i -lt 4 ]; do
		sleep 0.2
		act_snap $a.next
		cmp -s $a $a.next && break
		mv $a.next $a
		i=$((i + 1))
	done
	chg=$(act_diff $b $a)
	cvq=${chg%%	*} chg=${chg#*	}
	printf '@@ACT %s\t%s\t%s\t%s\n' "$n" "$res" "$cvq" "$chg" >&3
	echo "@@STATE $n \`$*\` -> $res; $(act_state $a)" >&3
	echo "ACT $n: \`$*\` -> $res | cvq: $cvq | changes: $chg"
	rm -f $b $a $a.next
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

# wait_netdev SECS: wait for $DEV's virtio_net netdev; sets NETDEV.
wait_netdev() {
	i=0
	while [ $i -lt $1 ]; do
		NETDEV=$(ls /sys/bus/vdpa/devices/$DEV/virtio*/net/ 2>/dev/null | head -n 1)
		[ -n "$NETDEV" ] && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}

# Create the device on virtio_vdpa; sets NETDEV, the virtio_net netdev.
setup_virtio_vdpa() {
	add_vdpa virtio_vdpa || return 1
	wait_netdev 5
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

# timed NAME CMD...: run CMD (output in /tmp/timed.out), report its time
# as "$TIMED_PFX NAME: ..."; TRC and TMS are its status and milliseconds,
# WORST and WORST_CMD keep the longest.
WORST=0 WORST_CMD=
timed() {
	tn=$1; shift
	t0=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
	"$@" >/tmp/timed.out 2>&1
	TRC=$?
	TMS=$(( $(awk '{ printf "%d", $1 * 1000 }' /proc/uptime) - t0 ))
	if [ $TMS -gt $WORST ]; then WORST=$TMS WORST_CMD="$*"; fi
	report "$TIMED_PFX $tn: \`$*\` rc=$TRC in $TMS ms"
	return $TRC
}

# xps_ping NETDEV PAIRS NET: send pings through each transmit queue in
# turn (XPS steers all CPUs to one queue at a time), to NET.10, NET.11,
# ...; XPS_ERR lists the queues whose xps_cpus could not be set.
xps_ping() {
	cpus=$(printf '%x' $(( (1 << $(nproc)) - 1 )))
	XPS_ERR=
	q=0
	while [ $q -lt $2 ]; do
		j=0
		while [ $j -lt $2 ]; do
			m=0; [ $j = $q ] && m=$cpus
			echo $m >/sys/class/net/$1/queues/tx-$j/xps_cpus 2>/dev/null ||
				XPS_ERR="$XPS_ERR tx-$j"
			j=$((j + 1))
		done
		ping -c 3 -i 0.2 -W 1 -I $1 $3.$((q + 10)) >/dev/null 2>&1
		q=$((q + 1))
	done
	sleep 1
}

# negotiated PREFIX PAIRS FEATURE...: a row PREFIX/negotiated-FEATURE for
# each feature "vdpa dev config show" must list as negotiated, and
# PREFIX/max-vq-pairs; the config is left in CFG and reported.
negotiated() {
	np=$1 nq=$2; shift 2
	CFG=$(vdpa dev config show $DEV)
	report "$np config: $(echo "$CFG" | tr '\n' ' ' | tr -s ' ')"
	for f in "$@"; do
		if echo "$CFG" | grep -q "negotiated_features.* $f\( \|$\)"; then
			pass $np/negotiated-$f
		else
			fail $np/negotiated-$f "not negotiated"
		fi
	done
	echo "$CFG" | grep -q "max_vq_pairs $nq " && pass $np/max-vq-pairs ||
		fail $np/max-vq-pairs "want $nq"
}
