/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: linux/vdpa_net_ctrl.h names struct mutex in the ring
 * layer's context, which the core never touches.
 */
#ifndef _SHIM_LINUX_MUTEX_H
#define _SHIM_LINUX_MUTEX_H

struct mutex;

#endif
