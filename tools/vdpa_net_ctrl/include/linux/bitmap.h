/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: the bit helpers live in <linux/bitops.h>. */
#ifndef _SHIM_LINUX_BITMAP_H
#define _SHIM_LINUX_BITMAP_H

#include <linux/bitops.h>

#endif
