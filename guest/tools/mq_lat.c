// SPDX-License-Identifier: GPL-2.0
/*
 * mq_lat IFNAME PAIRS [N [WARMUP]]
 *
 * Latency of the multiqueue actions as a user sees them, through the
 * ethtool ioctl (SIOCETHTOOL) on IFNAME, each call timed with
 * CLOCK_MONOTONIC after WARMUP untimed ones (default 20), N timed ones
 * (default 200):
 *
 *   pairs_*:  ETHTOOL_SCHANNELS, combined 1 -> PAIRS -> 1 ... ("ethtool -L");
 *             virtio_net sends VQ_PAIRS_SET, or RSS_CONFIG with RSS
 *             negotiated and no table configured by the user;
 *   rss_*:    ETHTOOL_SRXFHINDIR, the indirection table all on queue 0,
 *             then spread over PAIRS ("ethtool -X weight/equal");
 *             virtio_net sends RSS_CONFIG.  Skipped (rss_n=0) when the
 *             device has no indirection table.
 *
 * Ends with combined PAIRS and the default table.  Prints key=value lines:
 * {pairs,rss}_{median,p90,min,max}_ns and {pairs,rss}_n.  Exit status 1
 * when a call fails.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lat.h"

static int fd;
static const char *ifname;

static int ethtool(void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

static int set_pairs(unsigned int pairs)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };

	if (ethtool(&ch))
		return -1;
	ch.cmd = ETHTOOL_SCHANNELS;
	ch.combined_count = pairs;
	return ethtool(&ch);
}

static struct ethtool_rxfh_indir *indir;

/* All entries on queue 0 (spread = 0) or round robin over @pairs. */
static int set_table(unsigned int pairs, int spread)
{
	unsigned int i;

	indir->cmd = ETHTOOL_SRXFHINDIR;
	for (i = 0; i < indir->size; i++)
		indir->ring_index[i] = spread ? i % pairs : 0;
	return ethtool(indir);
}

static void report(const char *name, uint64_t *t, unsigned int n)
{
	qsort(t, n, sizeof(*t), cmp_u64);
	printf("%s_n=%u\n", name, n);
	if (!n)
		return;
	printf("%s_median_ns=%llu\n", name, (unsigned long long)t[n / 2]);
	printf("%s_p90_ns=%llu\n", name, (unsigned long long)t[n * 9 / 10]);
	printf("%s_min_ns=%llu\n", name, (unsigned long long)t[0]);
	printf("%s_max_ns=%llu\n", name, (unsigned long long)t[n - 1]);
}

int main(int argc, char **argv)
{
	struct ethtool_rxfh_indir probe = { .cmd = ETHTOOL_GRXFHINDIR };
	unsigned int pairs, n, warmup, i;
	uint64_t *t, t0;

	if (argc < 3) {
		fprintf(stderr, "usage: mq_lat IFNAME PAIRS [N [WARMUP]]\n");
		return 2;
	}
	ifname = argv[1];
	pairs = strtoul(argv[2], NULL, 0);
	n = argc > 3 ? strtoul(argv[3], NULL, 0) : 200;
	warmup = argc > 4 ? strtoul(argv[4], NULL, 0) : 20;
	if (pairs < 2 || !n) {
		fprintf(stderr, "mq_lat: PAIRS must be at least 2, N at least 1\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	t = calloc(n, sizeof(*t));
	if (fd < 0 || !t) {
		perror("mq_lat");
		return 1;
	}

	for (i = 0; i < warmup + n; i++) {
		t0 = now_ns();
		if (set_pairs(i % 2 ? pairs : 1)) {
			fprintf(stderr, "mq_lat: ETHTOOL_SCHANNELS %u: %s\n",
				i % 2 ? pairs : 1, strerror(errno));
			return 1;
		}
		if (i >= warmup)
			t[i - warmup] = now_ns() - t0;
	}
	report("pairs", t, n);
	if (set_pairs(pairs)) {
		perror("mq_lat: ETHTOOL_SCHANNELS");
		return 1;
	}

	if (ethtool(&probe) || !probe.size) {
		report("rss", t, 0);
		return 0;
	}
	indir = calloc(1, sizeof(*indir) + probe.size * sizeof(__u32));
	if (!indir) {
		perror("mq_lat");
		return 1;
	}
	indir->size = probe.size;
	for (i = 0; i < warmup + n; i++) {
		t0 = now_ns();
		if (set_table(pairs, i % 2)) {
			fprintf(stderr, "mq_lat: ETHTOOL_SRXFHINDIR: %s\n",
				strerror(errno));
			return 1;
		}
		if (i >= warmup)
			t[i - warmup] = now_ns() - t0;
	}
	report("rss", t, n);
	/* Size 0: back to the driver's default table. */
	indir->size = 0;
	indir->cmd = ETHTOOL_SRXFHINDIR;
	if (ethtool(indir)) {
		perror("mq_lat: ETHTOOL_SRXFHINDIR reset");
		return 1;
	}
	return 0;
}
