// SPDX-License-Identifier: GPL-2.0
/*
 * mac_lat IFNAME [N [WARMUP]]
 *
 * Latency of a MAC address change as a user sees it: ioctl(SIOCSIFHWADDR)
 * on IFNAME, alternating two locally administered addresses, WARMUP
 * untimed calls (default 200) then N timed ones (default 2000), each
 * timed with CLOCK_MONOTONIC.  On virtio_net with VIRTIO_NET_F_CTRL_MAC_ADDR
 * every call is a MAC ADDR_SET round trip through the control virtqueue
 * (virtio_net sets IFF_LIVE_ADDR_CHANGE, so the link may be up or down).
 * The original address is put back at the end.
 *
 * Prints key=value lines: mac_set_median_ns, mac_set_p10_ns,
 * mac_set_p90_ns, mac_set_p99_ns, mac_set_min_ns, mac_set_mean_ns,
 * mac_set_max_ns, mac_set_n, mac_set_warmup and mac_set_if_up.  Exit status 1 when a call fails.
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lat.h"

static int set_mac(int fd, const char *ifname, const unsigned char *mac)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	return ioctl(fd, SIOCSIFHWADDR, &ifr);
}

int main(int argc, char **argv)
{
	static const unsigned char macs[2][6] = {
		{ 0x02, 0x00, 0x00, 0x00, 0x1a, 0x01 },
		{ 0x02, 0x00, 0x00, 0x00, 0x1a, 0x02 },
	};
	unsigned char orig[6];
	const char *ifname;
	long n = 2000, warmup = 200, i;
	uint64_t *lat, sum = 0, t0;
	struct ifreq ifr;
	int fd, up;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s IFNAME [N [WARMUP]]\n", argv[0]);
		return 2;
	}
	ifname = argv[1];
	if (argc > 2)
		n = strtol(argv[2], NULL, 0);
	if (argc > 3)
		warmup = strtol(argv[3], NULL, 0);
	if (n < 1 || warmup < 0) {
		fprintf(stderr, "mac_lat: N must be >= 1, WARMUP >= 0\n");
		return 2;
	}
	lat = calloc(n, sizeof(*lat));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (!lat || fd < 0) {
		perror("mac_lat: setup");
		return 1;
	}

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("mac_lat: SIOCGIFHWADDR");
		return 1;
	}
	memcpy(orig, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		perror("mac_lat: SIOCGIFFLAGS");
		return 1;
	}
	up = !!(ifr.ifr_flags & IFF_UP);

	for (i = 0; i < warmup; i++) {
		if (set_mac(fd, ifname, macs[i & 1]) < 0) {
			fprintf(stderr, "mac_lat: warm-up call %ld: %s\n", i,
				strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		int err;

		t0 = now_ns();
		err = set_mac(fd, ifname, macs[i & 1]);
		lat[i] = now_ns() - t0;
		if (err < 0) {
			fprintf(stderr, "mac_lat: call %ld: %s\n", i,
				strerror(errno));
			return 1;
		}
		sum += lat[i];
	}
	if (set_mac(fd, ifname, orig) < 0)
		perror("mac_lat: restoring the address");
	close(fd);

	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("mac_set_median_ns=%llu\n", (unsigned long long)lat[n / 2]);
	printf("mac_set_p10_ns=%llu\n",
	       (unsigned long long)lat[(n * 10 + 99) / 100 - 1]);
	printf("mac_set_p90_ns=%llu\n",
	       (unsigned long long)lat[(n * 90 + 99) / 100 - 1]);
	printf("mac_set_p99_ns=%llu\n",
	       (unsigned long long)lat[(n * 99 + 99) / 100 - 1]);
	printf("mac_set_min_ns=%llu\n", (unsigned long long)lat[0]);
	printf("mac_set_mean_ns=%llu\n", (unsigned long long)(sum / n));
	printf("mac_set_max_ns=%llu\n", (unsigned long long)lat[n - 1]);
	printf("mac_set_n=%ld\n", n);
	printf("mac_set_warmup=%ld\n", warmup);
	printf("mac_set_if_up=%d\n", up);
	free(lat);
	return 0;
}
