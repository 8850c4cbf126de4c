#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The nested suite on a VDUSE net device (guest/tools/vduse_net.c, its
# CVQ held by the kernel): QEMU 10 with -netdev vhost-vdpa shadows the
# CVQ in an address space of its own, L2's virtio_net drives it, and
# L2's frames go through the daemon.  See nested.sh (nested.dev=vduse).
NESTED_DEV=vduse
. /tests/nested.sh
