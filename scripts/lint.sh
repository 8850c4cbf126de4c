#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh: what the maintainers' build bots run, over every file the
# series adds or changes.  One PASS/FAIL line per check:
#
#   w1        every changed or new .c file compiled with W=1: no warning
#             that the pristine base does not have already
#   sparse    the same files through sparse (C=2): no new warning
#   kernel-doc scripts/kernel-doc -none -Wall on every new file: clean
#
# "New" compares the diagnostics of both trees, without line numbers,
# file by file: a warning the pristine file already had is not the
# series'.  Both trees are configured alike: x86_64 defconfig plus vDPA,
# the simulator, mlx5_vnet, vhost-vdpa and the series' options as
# modules (scripts/x86-config.sh), in work/build-x86 and
# work/build-x86-base.  Logs in out/check/lint/.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/work/linux base=$top/work/linux-base
out=${LINT_OUT:-$top/out/check/lint}
mkdir -p "$out"
. "$top/scripts/cache.sh"
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top/work}
export KBUILD_BUILD_TIMESTAMP="2026-11-24" KBUILD_BUILD_USER=cvq KBUILD_BUILD_HOST=bench
jobs=${JOBS:-$(nproc)}

"$top/scripts/tree.sh" base-worktree >/dev/null || { echo "FAIL lint (no pristine worktree)"; exit 1; }
"$top/scripts/x86-config.sh" "$src" "$top/work/build-x86" >"$out/config.log" 2>&1 ||
	{ tail -n 20 "$out/config.log"; echo "FAIL lint-config (patched tree)"; exit 1; }
"$top/scripts/x86-config.sh" "$base" "$top/work/build-x86-base" >"$out/config-base.log" 2>&1 ||
	{ tail -n 20 "$out/config-base.log"; echo "FAIL lint-config (pristine tree)"; exit 1; }

mapfile -t changed < <(git -C "$src" diff --name-only --diff-filter=AM base..series)
mapfile -t added < <(git -C "$src" diff --name-only --diff-filter=A base..series)
objs=() base_objs=()
for f in "${changed[@]}"; do
	case $f in
	*.c)
		o=${f%.c}.o
		# Only objects the configuration builds (a file of another arch
		# or option would not be compiled by the bots either).
		# The object is named in the Makefile of its directory or of
		# a parent (drivers/vdpa/mlx5/Makefile names net/mlx5_vnet.o).
		d=$(dirname "$f") rel=$(basename "$o") found=0
		while [ "$d" != . ] && [ $found = 0 ]; do
			grep -qs -- "[[:space:]=]$rel\b" "$src/$d/Makefile" && found=1
			rel=$(basename "$d")/$rel d=$(dirname "$d")
		done
		if [ $found = 1 ]; then
			objs+=("$o")
			[ -f "$base/$f" ] && base_objs+=("$o")
		else
			echo "    note: $f is in no Makefile; not compiled"
		fi
		;;
	esac
done

# compile TREE BUILD LOG OBJ...: W=1 and sparse over OBJ, forced.
compile() {
	local tree=$1 build=$2 log=$3
	shift 3
	for o in "$@"; do rm -f "$build/$o"; done
	local check=()
	[ -x "$SPARSE" ] && check=(CHECK="$SPARSE")
	make -C "$tree" O="$build" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
		"${check[@]}" -j"$jobs" W=1 C=2 "$@" >"$log" 2>&1
}

# Diagnostics of one log, as "file: kind: message", line numbers dropped.
diags() {
	sed -nE 's#^(\.\./[^/]+/)?([^: ]+):[0-9]+(:[0-9]+)?: (warning|error): (.*)$#\2: \4: \5#p' "$1" |
		sed -E 's#^[^ ]*/(drivers|include|lib|net|arch|kernel|fs|mm)/#\1/#' | sort
}

compile "$src" "$top/work/build-x86" "$out/patched.log" "${objs[@]}"
rc=$?
compile "$base" "$top/work/build-x86-base" "$out/base.log" "${base_objs[@]}"
brc=$?
if [ $rc != 0 ]; then
	grep -E 'error' "$out/patched.log" | head -n 20 | sed 's/^/    /'
	echo "FAIL lint-build (the patched objects do not build with W=1 C=2, see $out/patched.log)"
	exit 1
fi
[ $brc = 0 ] || echo "    note: the pristine objects did not all build (rc=$brc), see $out/base.log"

# sparse must have run on every object: kbuild skips it silently (but
# for one warning line) when the checker is too old for the tree.
nchk=$(grep -cE '^  CHECK ' "$out/patched.log")
if [ "$nchk" -lt "${#objs[@]}" ]; then
	grep -m1 'specified, but' "$out/patched.log" | sed 's/^/    /'
	echo "FAIL lint-sparse (sparse checked $nchk of ${#objs[@]} objects)"
	exit 1
fi

diags "$out/patched.log" >"$out/patched.diags"
diags "$out/base.log" >"$out/base.diags"
# Sparse lines carry no "[-W...]" tag and come from the checker run.
new=$(comm -23 "$out/patched.diags" "$out/base.diags")
new_w1=$(echo "$new" | grep -E '\[-W[^]]*\]$' || true)
new_sparse=$(echo "$new" | grep -vE '\[-W[^]]*\]$' | grep -v '^$' || true)
nw=$(grep -cE '\[-W[^]]*\]$' "$out/patched.diags")
ns=$(grep -vcE '\[-W[^]]*\]$' "$out/patched.diags")
if [ -z "$new_w1" ]; then
	echo "PASS lint-w1 (${#objs[@]} objects, $nw warning(s), all also in pristine 7.3)"
else
	echo "$new_w1" | head -n 20 | sed 's/^/    /'
	echo "FAIL lint-w1 ($(echo "$new_w1" | wc -l) new warning(s) with W=1)"
fi
if [ -z "$new_sparse" ]; then
	echo "PASS lint-sparse (${#objs[@]} objects, $ns diagnostic(s), all also in pristine 7.3)"
else
	echo "$new_sparse" | head -n 20 | sed 's/^/    /'
	echo "FAIL lint-sparse ($(echo "$new_sparse" | wc -l) new sparse warning(s))"
fi

# kernel-doc over the new files.
kd=()
for f in "${added[@]}"; do
	case $f in *.c|*.h) kd+=("$src/$f") ;; esac
done
if [ ${#kd[@]} = 0 ]; then
	echo "PASS lint-kernel-doc (no new source file)"
elif (cd "$src" && scripts/kernel-doc -none -Wall "${kd[@]}") >"$out/kernel-doc.log" 2>&1 &&
     ! grep -qiE 'warning|error' "$out/kernel-doc.log"; then
	echo "PASS lint-kernel-doc (${#kd[@]} new files)"
else
	head -n 20 "$out/kernel-doc.log" | sed 's/^/    /'
	echo "FAIL lint-kernel-doc ($(grep -ciE 'warning|error' "$out/kernel-doc.log") diagnostic(s))"
fi
