#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Edit a patch of the series in place.
#
#   refresh-patch.sh checkout N   check work/linux out at patch N (detached);
#                                 edit the existing kernel files there
#   refresh-patch.sh save N       write the work tree's changes against
#                                 patch N-1 back into patch N's diff (the
#                                 files patch N adds from kernel/ excluded)
#
# Then `scripts/tree.sh apply` rebuilds the branch; later patches must
# still apply on top.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/work/linux
n=$2
line=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/series/series" | sed -n "${n}p")
[ -n "$line" ] || { echo "no patch $n" >&2; exit 1; }
read -r patch files <<<"$line"
total=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/series/series" | wc -l)
commit=$(git -C "$src" rev-parse "series~$((total - n))")
case $1 in
checkout)
	git -C "$src" checkout -q --detach "$commit"
	echo "work/linux at patch $n ($patch); edit, then: $0 save $n"
	;;
save)
	excl=()
	for f in $files; do excl+=(":!$f"); done
	p=$top/series/$patch
	awk '/^---$/ { print; exit } { print }' "$p" >"$p.new"
	git -C "$src" diff "$commit~1" -- . "${excl[@]}" >>"$p.new"
	mv "$p.new" "$p"
	git -C "$src" checkout -q -f series
	echo "saved $patch"
	;;
*) echo "usage: $0 checkout|save N" >&2; exit 2 ;;
esac
