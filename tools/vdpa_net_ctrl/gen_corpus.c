// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes the seed corpus of fuzz_net_ctrl into the directory argv[1]:
 * one valid command of every kind, in the fuzzer's input format (le64
 * features, refuse byte, command).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vdpa_net_ctrl.h>

#define F(x)	(1ULL << VIRTIO_NET_F_##x)

/* every control feature, 3 guest offloads, result capacity 512 */
static const unsigned long long seed_features =
	F(CTRL_VQ) | F(CTRL_RX) | F(CTRL_RX_EXTRA) | F(CTRL_MAC_ADDR) |
	F(CTRL_VLAN) | F(GUEST_ANNOUNCE) | F(MQ) | F(RSS) | F(HASH_REPORT) |
	F(CTRL_GUEST_OFFLOADS) | F(NOTF_COAL) | F(VQ_NOTF_COAL) |
	F(DEVICE_STATS) | F(GUEST_CSUM) | F(GUEST_TSO4) | F(GUEST_TSO6) |
	(512ULL << 24);

static const char *dir;
static unsigned int nfiles;

static void seed(const char *name, unsigned char refuse, unsigned char class,
		 unsigned char cmd, const void *payload, size_t plen)
{
	unsigned char buf[4096];
	char path[4096];
	unsigned int i;
	FILE *f;

	for (i = 0; i < 8; i++)
		buf[i] = (unsigned char)(seed_features >> (8 * i));
	buf[8] = refuse;
	buf[9] = class;
	buf[10] = cmd;
	memcpy(buf + 11, payload, plen);
	snprintf(path, sizeof(path), "%s/seed-%02u-%s", dir, nfiles, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, 11 + plen, f) != 11 + plen || fclose(f)) {
		perror(path);
		exit(1);
	}
	nfiles++;
}

#define SEED(name, refuse, class, cmd, s) \
	seed(name, refuse, class, cmd, s, sizeof(s) - 1)

int main(int argc, char **argv)
{
	unsigned char rss[8 + 2 * 8 + 3 + 40];
	unsigned char hash[13 + 40];
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];

	SEED("rx-promisc-off", 0, 0, 0, "\x00");
	SEED("rx-allmulti-on", 0, 0, 1, "\x01");
	SEED("rx-nobcast-on", 0, 0, 5, "\x01");
	SEED("mac-table", 0, 1, 0,
	     "\x01\x00\x00\x00\x52\x54\x00\x00\x00\x02"
	     "\x01\x00\x00\x00\x01\x00\x5e\x00\x00\x01");
	SEED("mac-addr", 0, 1, 1, "\x52\x54\x00\x00\x00\x01");
	SEED("vlan-add", 0, 2, 0, "\x05\x00");
	SEED("vlan-del", 0, 2, 1, "\x05\x00");
	SEED("announce", 0, 3, 0, "");
	SEED("mq-pairs", 0, 4, 0, "\x02\x00");
	SEED("offloads", 0, 5, 0, "\x82\x00\x00\x00\x00\x00\x00\x00");
	SEED("coal-tx", 0, 6, 0, "\x10\x00\x00\x00\x20\x00\x00\x00");
	SEED("coal-rx", 0, 6, 1, "\x10\x00\x00\x00\x20\x00\x00\x00");
	SEED("coal-vq-set", 0, 6, 2,
	     "\x01\x00\x00\x00\x10\x00\x00\x00\x20\x00\x00\x00");
	SEED("coal-vq-get", 0, 6, 3, "\x00\x00\x00\x00");
	SEED("stats-query", 0, 8, 0, "");
	SEED("stats-get", 0, 8, 1,
	     "\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"
	     "\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00"
	     "\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00");
	SEED("unknown-class", 0, 7, 0, "\x00\x00\x00\x00");
	SEED("refused-vlan", 0xff, 2, 0, "\x05\x00");

	/* RSS: types IPv4|TCPv4, 8 entries, max_tx_vq 3, 40-byte key */
	memset(rss, 0, sizeof(rss));
	rss[0] = 0x03;
	rss[4] = 7;
	for (i = 0; i < 8; i++)
		rss[8 + 2 * i] = (unsigned char)(i % 3);
	rss[24] = 3;
	rss[26] = 40;
	for (i = 0; i < 40; i++)
		rss[27 + i] = (unsigned char)(0x40 + i);
	seed("rss", 0, 4, 1, rss, sizeof(rss));

	/* HASH_CONFIG: types IPv4|UDPv6, 40-byte key */
	memset(hash, 0, sizeof(hash));
	hash[0] = 0x21;
	hash[12] = 40;
	for (i = 0; i < 40; i++)
		hash[13 + i] = (unsigned char)i;
	seed("hash", 0, 4, 2, hash, sizeof(hash));

	printf("  SEEDS   %u files in %s\n", nfiles, dir);
	return 0;
}
