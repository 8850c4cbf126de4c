/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: the ring layer's context in linux/vdpa_net_ctrl.h
 * embeds two iovs; the core never touches them.
 */
#ifndef _SHIM_LINUX_VRINGH_H
#define _SHIM_LINUX_VRINGH_H

struct vringh;

struct vringh_kiov {
	void *iov;
	unsigned int i, used, max_num;
};

#endif
