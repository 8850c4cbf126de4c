# SPDX-License-Identifier: GPL-2.0
# Sourced by the initramfs scripts: copy binaries with the libraries they
# need from a root filesystem (SYSROOT: / for this machine, or the trixie
# root of scripts/trixie-root.sh) into a guest tree.  Paths are resolved
# inside the root, so an absolute symlink of the root never lands on a file
# of this machine, and ldd is the root's own (its loader, its libraries).

# sysroot_real ROOT PATH: PATH with every symlink resolved inside ROOT.
sysroot_real() {
	if [ "$1" = / ]; then readlink -f "$2"; else chroot "$1" readlink -f "$2"; fi
}

# sysroot_file ROOT DEST PATH: ROOT's PATH (followed) as DEST/PATH.
sysroot_file() {
	local real
	real=$(sysroot_real "$1" "$3")
	[ -e "$1$real" ] || { echo "sysroot: $3 not in $1" >&2; return 1; }
	mkdir -p "$2$(dirname "$3")"
	cp "$1$real" "$2$3"
}

# sysroot_copy ROOT DEST BIN...: each BIN and the libraries it needs, at
# the paths the root's loader gives them.
sysroot_copy() {
	local root=$1 dest=$2 bin lib libs
	shift 2
	for bin in "$@"; do
		sysroot_file "$root" "$dest" "$bin" || return 1
		if [ "$root" = / ]; then libs=$(ldd "$bin"); else libs=$(chroot "$root" ldd "$bin"); fi
		for lib in $(echo "$libs" | grep -o '/[^ ]*'); do
			[ -e "$dest$lib" ] && continue
			sysroot_file "$root" "$dest" "$lib" || return 1
		done
	done
}
