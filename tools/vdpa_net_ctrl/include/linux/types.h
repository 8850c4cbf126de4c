/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: kernel integer types on top of the uapi <linux/types.h>. */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H

#include_next <linux/types.h>	/* __u8 .. __u64, __le16 .. __be64 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

/* From <linux/compiler_attributes.h>, which the kernel build force-includes. */
#ifndef __aligned
#define __aligned(x)	__attribute__((__aligned__(x)))
#endif

#endif
