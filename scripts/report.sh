#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh LOGDIR: what `make run` prints of a guest run, from
# LOGDIR/results.log.  One table row per user action (the guest's act,
# @@ACT lines): its name, accepted or refused with the tool's message, the
# control commands it caused (delta of the CVQ counters) and what changed
# in the device state; the suite's other notes (@@REPORT) as "# ..." rows
# in between.  Rows are cut to $WIDTH (160) columns.  The full lines, with
# the whole device state after each action (@@STATE), go to
# LOGDIR/state.log.
set -uo pipefail
logdir=${1:?usage: report.sh LOGDIR}
res=$logdir/results.log state=$logdir/state.log
[ -f "$res" ] || { echo "report.sh: no $res" >&2; exit 1; }

tr -d '\r' <"$res" | sed -n 's/^@@STATE //p; s/^@@REPORT /# /p' >"$state"

tr -d '\r' <"$res" | awk -F '\t' -v W="${WIDTH:-160}" -v state="$state" '
function cut(s, w) { return length(s) <= w ? s : substr(s, 1, w - 3) "..." }
function out(s) { print cut(s, W) }
/^@@ACT / {
	n++; name[n] = substr($1, 7); r = $2
	if (sub(/^refused: /, "", r)) {
		# the tools prefix their messages with these
		sub(/^(RTNETLINK answers|netlink error|Error|ethtool|ip|vdpa): /, "", r)
		# too long: what comes after the last ": " (the errno text)
		if (length(r) > 23 && match(r, /: [^:]+$/)) r = substr(r, RSTART + 2)
		r = "refused: " r
	}
	result[n] = r; cvq[n] = $3; chg[n] = $4
	if (length(name[n]) > aw) aw = length(name[n])
	if ($3 == "n/a") nacvq = 1
	if ($4 ~ /state n\/a/) nastate = 1
	next
}
/^@@REPORT / { n++; note[n] = substr($0, 10); notes++ }
END {
	if (!n) { print "  (no report lines: see the console log)"; exit }
	aw = aw < 22 ? 22 : aw > 30 ? 30 : aw
	f = "  %-" aw "s %-32s %-12s %s"
	out(sprintf(f, "action", "result", "cvq", "changes in the device"))
	out(sprintf(f, substr("------------------------------", 1, aw), "--------------------------------",
		"------------", "---------------------------------------------"))
	for (i = 1; i <= n; i++) {
		if (i in note) out("  # " note[i])
		else out(sprintf(f, cut(name[i], aw), cut(result[i], 32), cut(cvq[i], 12), chg[i]))
	}
	print ""
	print "  cvq: control commands the action caused (and errors), from the CVQ counters of vdpa dev vstats"
	print "  changes: the debugfs state file before -> after (\"mc +3\": 3 more entries); cfg.*: vdpa dev config"
	if (nacvq) print "  cvq n/a: no CVQ counters (in this kernel, or for this device)"
	if (nastate) print "  state n/a: this kernel has no vdpa_net_ctrl debugfs state"
	print "  full lines, with the whole state after each action: " state
}'
