/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: memcpy/memset/memcmp, and ARRAY_SIZE as the kernel's
 * <linux/string.h> provides it through <linux/array_size.h>.
 */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <string.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#endif
