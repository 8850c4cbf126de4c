/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: the kernel spells it <uapi/linux/virtio_net.h>; here it
 * is the sanitized header generated from $(KSRC) by `make headers`.
 */
#ifndef _SHIM_UAPI_LINUX_VIRTIO_NET_H
#define _SHIM_UAPI_LINUX_VIRTIO_NET_H

#include <linux/virtio_net.h>

#endif
