#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-mlx5.sh SRC BUILD
#
# Object build of the mlx5 vDPA net driver and of drivers/vhost (vringh,
# vdpa_net_ctrl) from the tree SRC into the build directory BUILD, with
# ccache.  There is no ConnectX hardware here: this only proves that
# mlx5_vnet compiles, without a warning, against the series.
#
# The configuration is x86_64 defconfig plus what mlx5_vnet needs
# (scripts/x86-config.sh, shared with the lint step).
# Every run recompiles the objects it checks (a ccache hit when nothing
# changed), so that a warning is reported again until it is fixed.  The
# build fails on any compiler warning in drivers/vdpa/mlx5/ or in the
# vdpa_net_ctrl sources and headers; CONFIG_WERROR is off so that a
# warning elsewhere (drivers/vhost/vhost.c, a header of another subsystem
# with a newer compiler) is reported but does not fail the build.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# = 2 ] || { echo "usage: $0 SRC BUILD" >&2; exit 2; }
mkdir -p "$2"
src=$(realpath "$1") build=$(realpath "$2")
jobs=${JOBS:-$(nproc)}
. "$top/scripts/cache.sh"
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top/work}
export KBUILD_BUILD_TIMESTAMP="2026-11-24" KBUILD_BUILD_USER=cvq KBUILD_BUILD_HOST=bench
mk() { make -s -C "$src" O="$build" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }

"$top/scripts/x86-config.sh" "$src" "$build"

# x86-config.sh ran olddefconfig (the tree's Kconfig may have changed):
# check on every run that the options mlx5_vnet needs survived.
need=(MLX5_CORE VDPA VHOST_IOTLB VHOST_RING MLX5_VDPA_NET)
if grep -rqs 'vdpa_net_ctrl' "$src/drivers/vdpa/mlx5/"; then
	need+=(VDPA_NET_CTRL)
fi
missing=0
for o in "${need[@]}"; do
	grep -Eq "^CONFIG_$o=(m|y)$" "$build/.config" ||
		{ echo "config: CONFIG_$o is not m or y in $build/.config" >&2; missing=1; }
done
[ $missing = 0 ] || { echo ">>> mlx5_vnet configuration failed" >&2; exit 1; }

# Recompile the checked objects on every run (see above).
find "$build/drivers/vdpa/mlx5" -name '*.o' -delete 2>/dev/null || true
rm -f "$build"/drivers/vhost/vdpa_net_ctrl*.o "$build"/drivers/vhost/vringh.o

echo ">>> building drivers/vdpa/mlx5/ and drivers/vhost/ in $build (-j$jobs, ccache)"
start=$(date +%s)
log=$build/mlx5-build.log
set +e
mk -j"$jobs" drivers/vdpa/mlx5/ drivers/vhost/ >"$log" 2>&1
rc=$?
set -e
cat "$log"
[ $rc = 0 ] || { echo ">>> mlx5_vnet object build failed (make exit $rc)" >&2; exit 1; }

for o in drivers/vdpa/mlx5/net/mlx5_vnet.o drivers/vdpa/mlx5/core/mr.o; do
	[ -f "$build/$o" ] || { echo ">>> $o was not built" >&2; exit 1; }
done

# A diagnostic counts when its own location, or the file/function context
# gcc printed right before it ("In file included from", "In function"), is
# one of the checked sources.
checked='(drivers/vdpa/mlx5/|drivers/vhost/vdpa_net_ctrl|include/linux/vdpa_net_ctrl\.h|include/trace/events/vdpa_net_ctrl\.h)'
bad=$(awk -v re="$checked" '
	/^In file included from |^ +from |: In (static )?function |: At top level:|: In member function / {
		ctx = ctx " " $0; next
	}
	/: (warning|error): / {
		if ($0 ~ re || ctx ~ re) print
		ctx = ""; next
	}
	/^[^ ]/ { ctx = "" }
' "$log")
if [ -n "$bad" ]; then
	echo ">>> warnings in the checked sources:" >&2
	echo "$bad" >&2
	exit 1
fi
other=$(grep -c ': warning: ' "$log" || true)
[ "$other" = 0 ] || echo ">>> note: $other warning(s) elsewhere, not counted"
echo ">>> mlx5_vnet objects built in $(( $(date +%s) - start ))s"
