/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: symbol exports are meaningless here. */
#ifndef _SHIM_KUNIT_VISIBILITY_H
#define _SHIM_KUNIT_VISIBILITY_H

#define EXPORT_SYMBOL_IF_KUNIT(sym)

#endif
