/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: memcpy/memset/memcmp, and ARRAY_SIZE as the kernel's
 * <linux/string.h> provides it through <linux/array_size.h>.
 */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * The kernel's FORTIFY_SOURCE warns when a memcpy() writes past the
 * member it was given, even if the write stays inside the enclosing
 * struct (a "field-spanning write"; fatal with panic_on_warn).  ASan and
 * glibc's fortify only see whole objects, so check the member here, as
 * the kernel does: __builtin_dynamic_object_size() in subobject mode.
 */
static inline void shim_field_spanning_write(const char *file, int line,
					     size_t len, size_t room)
{
	fprintf(stderr, "%s:%d: field-spanning write of %zu bytes into a "
		"%zu-byte member\n", file, line, len, room);
	abort();
}

#define memcpy(dst, src, len) ({					\
	size_t __len = (len);						\
	size_t __room = __builtin_dynamic_object_size(dst, 1);		\
	if (__len > __room)						\
		shim_field_spanning_write(__FILE__, __LINE__, __len,	\
					  __room);			\
	__builtin_memcpy(dst, src, __len);				\
})

#endif
