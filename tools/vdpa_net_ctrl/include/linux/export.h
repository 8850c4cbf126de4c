/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: symbol exports are meaningless here. */
#ifndef _SHIM_LINUX_EXPORT_H
#define _SHIM_LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)

#endif
