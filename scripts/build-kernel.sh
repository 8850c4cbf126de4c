#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh SRC BUILD [PREEMPT]
#
# Configure (tinyconfig + config/kernel.config) and build bzImage of the
# tree SRC into the build directory BUILD, with ccache.  PREEMPT is
# none|voluntary|full (default voluntary).  The configuration is redone
# only when the fragment or the preemption model changed.  EXTRA_CONFIG
# may name more fragment files (space separated), merged for this build
# only (scripts/bench.sh adds CONFIG_MODULES=y this way).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$2"
src=$(realpath "$1") build=$(realpath "$2") preempt=${3:-voluntary}
mkdir -p "$build"
jobs=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$top/work/ccache}
# Trees laid out as <dir>/linux + <dir>/build share cache hits.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top/work}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export KBUILD_BUILD_TIMESTAMP="2026-11-24" KBUILD_BUILD_USER=cvq KBUILD_BUILD_HOST=bench
mk() { make -s -C "$src" O="$build" CC="ccache gcc" HOSTCC="ccache gcc" "$@"; }

frag=$build/fragment.config
{ cat "$top/config/kernel.config"
  for f in "$top"/config/extra/*.config; do [ -f "$f" ] && cat "$f"; done
  for f in ${EXTRA_CONFIG:-}; do cat "$f"; done
  case $preempt in
  none) echo "CONFIG_PREEMPT_NONE=y"; echo "# CONFIG_PREEMPT_VOLUNTARY is not set" ;;
  voluntary) echo "CONFIG_PREEMPT_VOLUNTARY=y" ;;
  full) echo "CONFIG_PREEMPT=y"; echo "# CONFIG_PREEMPT_VOLUNTARY is not set" ;;
  *) echo "bad preemption model $preempt" >&2; exit 2 ;;
  esac
  # Options of the patch series, those this tree's Kconfig defines (a
  # commit in the middle of the series defines only some of them).
  while read -r line; do
	case $line in
	CONFIG_*=*)
		sym=${line%%=*}
		grep -rqx --include='Kconfig*' "config ${sym#CONFIG_}" "$src/drivers" && echo "$line" ;;
	esac
  done <"$top/config/series.config"
} >"$frag.new"
if ! cmp -s "$frag.new" "$frag" || [ ! -f "$build/.config" ]; then
	echo ">>> configuring $build (tinyconfig + fragment, preempt=$preempt)"
	mk tinyconfig >/dev/null
	(cd "$build" && "$src/scripts/kconfig/merge_config.sh" -m -O "$build" .config "$frag.new" >/dev/null)
	mk olddefconfig >/dev/null
	# Every requested option must have survived olddefconfig.
	missing=0
	while read -r line; do
		case $line in
		CONFIG_*=*) grep -qx "$line" "$build/.config" || { echo "config: $line did not stick" >&2; missing=1; } ;;
		esac
	done <"$frag.new"
	[ $missing = 0 ] || exit 1
	mv "$frag.new" "$frag"
else
	rm -f "$frag.new"
fi
echo ">>> building bzImage in $build (-j$jobs, ccache)"
start=$(date +%s)
mk -j"$jobs" bzImage
echo ">>> built $(make -s -C "$src" O="$build" kernelrelease) in $(( $(date +%s) - start ))s"
