# SPDX-License-Identifier: GPL-2.0
# Sourced by the scripts: where the state shared by every clone on this
# machine lives.  BENCH_CACHE holds the base kernel tarball, the pristine
# base tree (a git repository every clone borrows objects from) and one
# ccache, so that a fresh clone does not start its kernel builds cold.
BENCH_CACHE=${BENCH_CACHE:-/var/cache/vdpa-cvq-bench}
KERNEL_TARBALL=${KERNEL_TARBALL:-$BENCH_CACHE/linux-source-7.3.tar.xz}
export CCACHE_DIR=${CCACHE_DIR:-$BENCH_CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# A sparse that knows what 7.3 needs (deps.sh builds it when Debian 12's
# is too old); empty when the installed one will do.
SPARSE=${SPARSE:-$BENCH_CACHE/sparse/bin/sparse}
