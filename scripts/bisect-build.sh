#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bisect-build.sh: build the tiny kernel at every commit of the series, in
# order, in a worktree of its own (work/bisect/linux, built into
# work/bisect/build: the same relative layout as work/linux and
# work/build, so that ccache shares their objects).  One PASS/FAIL line per
# commit; exit status 1 when a commit does not build.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/work/linux
wt=$top/work/bisect/linux
build=$top/work/bisect/build
mkdir -p "$top/work/bisect"
if [ ! -d "$wt" ]; then
	git -C "$src" worktree prune
	git -C "$src" worktree add -q --detach "$wt" base
fi
# Start from the whole series: its configuration is the main build's, so
# ccache serves this first, full, build.  Each commit after it is then an
# incremental build: kbuild rebuilds what the commit's files and the
# options it adds or removes touch, not the whole tree.
git -C "$wt" checkout -q --detach series
if ! "$top/scripts/build-kernel.sh" "$wt" "$build" >"$top/work/bisect/build.log" 2>&1; then
	echo "FAIL the whole series does not build"
	grep -E 'error|Error|did not stick' "$top/work/bisect/build.log" | head -n 10 | sed 's/^/    /'
	exit 1
fi
rc=0
for c in $(git -C "$src" rev-list --reverse base..series); do
	subject=$(git -C "$src" log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c"
	start=$(date +%s)
	if "$top/scripts/build-kernel.sh" "$wt" "$build" >"$top/work/bisect/build.log" 2>&1; then
		echo "PASS $(git -C "$src" log -1 --format=%h "$c") $subject ($(( $(date +%s) - start ))s)"
	else
		echo "FAIL $(git -C "$src" log -1 --format=%h "$c") $subject"
		grep -E 'error|Error|did not stick' "$top/work/bisect/build.log" | head -n 10 | sed 's/^/    /'
		rc=1
	fi
done
exit $rc
