#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh SRC BUILD
#
# Configure (tinyconfig + config/kernel.config) and build bzImage of the
# tree SRC into the build directory BUILD, with ccache.  The configuration
# is redone only when the fragment changed.  The kernel has
# PREEMPT_DYNAMIC: the preemption model is chosen at boot (qemu-run.sh
# passes preempt=$PREEMPT), so one build serves every model.  On x86,
# Linux 7.3 has only "lazy" (the default here) and "full": PREEMPT_NONE
# and PREEMPT_VOLUNTARY no longer exist on architectures with lazy
# preemption.  EXTRA_CONFIG
# may name more fragment files (space separated), merged for this build
# only (scripts/bench.sh adds CONFIG_MODULES=y this way), and
# EXTRA_SERIES_CONFIG more files of series options (merged only where the
# tree's Kconfig defines them).  A build with CONFIG_MODULES=y also builds
# the modules and installs them into BUILD/modroot.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$2"
src=$(realpath "$1") build=$(realpath "$2")
mkdir -p "$build"
jobs=${JOBS:-$(nproc)}
# One ccache per machine (scripts/cache.sh), shared by every clone and
# build tree: paths under work/ are hashed relative to it, so trees laid
# out as work/linux + work/build* share hits across clones.
. "$top/scripts/cache.sh"
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top/work}
export KBUILD_BUILD_TIMESTAMP="2026-11-24" KBUILD_BUILD_USER=cvq KBUILD_BUILD_HOST=bench
mk() { make -s -C "$src" O="$build" CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }

frag=$build/fragment.config
{ cat "$top/config/kernel.config"
  for f in "$top"/config/extra/*.config; do [ -f "$f" ] && cat "$f"; done
  for f in ${EXTRA_CONFIG:-}; do cat "$f"; done
  # Options of the patch series, those this tree's Kconfig defines (a
  # commit in the middle of the series defines only some of them).
  while read -r line; do
	case $line in
	CONFIG_*=*)
		sym=${line%%=*}
		grep -rqx --include='Kconfig*' "config ${sym#CONFIG_}" "$src/drivers" && echo "$line" ;;
	esac
  done < <(cat "$top/config/series.config" ${EXTRA_SERIES_CONFIG:-})
} >"$frag.new"
if ! cmp -s "$frag.new" "$frag" || [ ! -f "$build/.config" ]; then
	echo ">>> configuring $build (tinyconfig + fragment)"
	mk tinyconfig >/dev/null
	(cd "$build" && "$src/scripts/kconfig/merge_config.sh" -m -O "$build" .config "$frag.new" >/dev/null)
	mk olddefconfig >/dev/null
	# Every requested option must have survived olddefconfig (the last
	# fragment line of an option is the one that counts).
	missing=0
	while read -r line; do
		grep -qx "$line" "$build/.config" || { echo "config: $line did not stick" >&2; missing=1; }
	done < <(grep '^CONFIG_.*=' "$frag.new" | tac | awk -F= '!seen[$1]++' | tac)
	[ $missing = 0 ] || exit 1
	mv "$frag.new" "$frag"
else
	rm -f "$frag.new"
fi
start=$(date +%s)
if grep -qx 'CONFIG_MODULES=y' "$build/.config"; then
	echo ">>> building bzImage and modules in $build (-j$jobs, ccache)"
	mk -j"$jobs" bzImage modules
	# Installed for the guest's initramfs (mkinitramfs.sh MODROOT=).
	rm -rf "$build/modroot"
	mk INSTALL_MOD_PATH="$build/modroot" INSTALL_MOD_STRIP=1 modules_install >/dev/null
else
	echo ">>> building bzImage in $build (-j$jobs, ccache)"
	mk -j"$jobs" bzImage
fi
echo ">>> built $(make -s -C "$src" O="$build" kernelrelease) in $(( $(date +%s) - start ))s"
