#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# x86-config.sh SRC BUILD
#
# Configure BUILD for the tree SRC as a distribution-like x86_64 kernel
# for the object builds (mlx5-build, lint): defconfig plus mlx5_vnet,
# vDPA, the simulator, vhost-vdpa, virtio_vdpa and the series' options, all
# as modules.  The configuration is redone only when the option list
# changed or BUILD has no .config; olddefconfig runs every time, since the
# tree's Kconfig may have changed.  Options the tree does not define (the
# series' options in the pristine tree) are left out.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# = 2 ] || { echo "usage: $0 SRC BUILD" >&2; exit 2; }
mkdir -p "$2"
src=$(realpath "$1") build=$(realpath "$2")
. "$top/scripts/cache.sh"
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top/work}
mk() { make -s -C "$src" O="$build" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }

# scripts/config arguments on top of defconfig.
opts=(
	-e NET -e INET -e PCI -e NETDEVICES -e ETHERNET
	-e NET_VENDOR_MELLANOX -m MLX5_CORE -e MLX5_CORE_EN -e MLX5_MPFS
	-m VDPA -m MLX5_VDPA_NET -m VHOST_VDPA -m VIRTIO_VDPA
	-e RUNTIME_TESTING_MENU -m VDPA_SIM -m VDPA_SIM_NET
	-m KUNIT
	-d WERROR
)
for o in VDPA_NET_CTRL_KUNIT_TEST VDPA_NET_KUNIT_TEST; do
	grep -rqx --include='Kconfig*' "config $o" "$src/drivers" && opts+=(-m "$o")
done
stamp=$build/x86-config.stamp
printf '%s\n' "${opts[@]}" >"$stamp.new"
if ! cmp -s "$stamp.new" "$stamp" || [ ! -f "$build/.config" ]; then
	echo ">>> configuring $build (x86_64 defconfig + vDPA options)"
	rm -f "$stamp"
	mk defconfig >/dev/null
	"$src/scripts/config" --file "$build/.config" "${opts[@]}"
	mv "$stamp.new" "$stamp"
else
	rm -f "$stamp.new"
fi
mk olddefconfig >/dev/null
