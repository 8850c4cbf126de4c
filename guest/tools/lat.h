/* SPDX-License-Identifier: GPL-2.0 */
/* Timing helpers shared by the latency tools (mac_lat, mq_lat). */
#ifndef GUEST_TOOLS_LAT_H
#define GUEST_TOOLS_LAT_H

#include <stdint.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* qsort() comparator for uint64_t */
static inline int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#endif
