/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: the ring layer's counters, declared in
 * linux/vdpa_net_ctrl.h and never used by the core.
 */
#ifndef _SHIM_LINUX_U64_STATS_SYNC_H
#define _SHIM_LINUX_U64_STATS_SYNC_H

#include <linux/types.h>

typedef struct {
	u64 v;
} u64_stats_t;

struct u64_stats_sync {
	int unused;
};

#endif
