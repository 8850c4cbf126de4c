// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the vdpa_net_ctrl functional core
 * (kernel/drivers/vdpa/vdpa_net_ctrl_core.c, built unmodified with the shims
 * in include/).  Prints "ok N - name" or "not ok N - name: detail" per
 * case and "# host unit: P passed, F failed" at the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitops.h>

#include "mock.h"

#define F(x)		(1ULL << VIRTIO_NET_F_##x)
#define PL(s)		(s), (sizeof(s) - 1)
#define CAP_DEF		((size_t)-1)	/* VDPA_NET_CTRL_MAX_RESULT_LEN */
#define MAXCMD		(160 * 1024)	/* a 65536-entry RSS table fits */

static unsigned int n_pass, n_fail, n_case;

static void report(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	n_case++;
	if (ok) {
		n_pass++;
		printf("ok %u - %s\n", n_case, name);
		return;
	}
	n_fail++;
	printf("not ok %u - %s: ", n_case, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ---- a device with the mock parent -------------------------------- */

static const struct vdpa_net_ctrl_limits test_limits = {
	.max_vq_pairs = 4,
	.mac_table_entries = 4,
	.rss_max_key_size = 40,
	.rss_max_indirection_table_length = 128,
	.supported_hash_types = 0x3f,	/* IPv4 .. UDPv6 */
	.soft_features = 0,
};

#define GUEST_OFFL	(F(GUEST_CSUM) | F(GUEST_TSO4) | F(GUEST_TSO6))

static u64 all_features(void)
{
	return vdpa_net_ctrl_features(&mock_ops, &test_limits) | GUEST_OFFL |
	       F(MAC) | F(STATUS);
}

#define STATS_SUPPORTED	(VIRTIO_NET_STATS_TYPE_RX_BASIC |	\
			 VIRTIO_NET_STATS_TYPE_RX_CSUM |	\
			 VIRTIO_NET_STATS_TYPE_TX_BASIC |	\
			 VIRTIO_NET_STATS_TYPE_CVQ)

static void dev_new(struct vdpa_net_ctrl *nc, struct mock *m, u64 features,
		    unsigned int refuse)
{
	if (vdpa_net_ctrl_init(nc, &test_limits))
		abort();
	vdpa_net_ctrl_set_features(nc, features);
	memset(m, 0, sizeof(*m));
	m->stats_supported = STATS_SUPPORTED;
	m->refuse = refuse;
}

/*
 * Execute one command from exactly-sized heap copies, so that ASan sees
 * any read past @len or write past @cap.  The result is copied to @out.
 */
static void exec_raw(struct vdpa_net_ctrl *nc, struct mock *m, const void *cmd,
		     size_t len, size_t cap, u8 *out,
		     struct vdpa_net_ctrl_result *res)
{
	u8 *c = malloc(len ? len : 1);
	u8 *r;

	if (cap == CAP_DEF)
		cap = VDPA_NET_CTRL_MAX_RESULT_LEN;
	r = malloc(cap ? cap : 1);
	if (!c || !r)
		abort();
	memcpy(c, cmd, len);
	memset(r, 0xa5, cap ? cap : 1);
	res->ack = 0xee;
	res->reason = "unset";
	res->len = 12345;
	vdpa_net_ctrl_execute(nc, &mock_ops, m, c, len, r, cap, res);
	if (out)
		memcpy(out, r, cap);
	free(c);
	free(r);
}

static void exec_cmd(struct vdpa_net_ctrl *nc, struct mock *m, u8 class, u8 cmd,
		     const void *pl, size_t plen, size_t cap, u8 *out,
		     struct vdpa_net_ctrl_result *res)
{
	static u8 buf[MAXCMD];

	buf[0] = class;
	buf[1] = cmd;
	memcpy(buf + 2, pl, plen);
	exec_raw(nc, m, buf, plen + 2, cap, out, res);
}

/* Execute a command that must succeed (test setup). */
static void must(struct vdpa_net_ctrl *nc, struct mock *m, u8 class, u8 cmd,
		 const void *pl, size_t plen)
{
	struct vdpa_net_ctrl_result res;

	exec_cmd(nc, m, class, cmd, pl, plen, CAP_DEF, NULL, &res);
	if (res.ack != VIRTIO_NET_OK) {
		fprintf(stderr, "setup command %u/%u failed: %s\n", class, cmd,
			res.reason);
		abort();
	}
}

static void put16be(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static void put16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static void put32(u8 *p, u32 v)
{
	put16(p, (u16)v);
	put16(p + 2, (u16)(v >> 16));
}

static void put64(u8 *p, u64 v)
{
	put32(p, (u32)v);
	put32(p + 4, (u32)(v >> 32));
}

static u32 get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u64 get64(const u8 *p)
{
	return get32(p) | (u64)get32(p + 4) << 32;
}

/* ---- payload builders --------------------------------------------- */

struct rss_args {
	u32 types;
	u16 mask;
	u16 uncl;
	u16 entry;		/* every table entry (entry_mod: entry % n) */
	bool entry_mod;
	u16 max_tx;
	u8 key_len;
};

static size_t mk_rss(u8 *p, const struct rss_args *a)
{
	u32 n = (u32)a->mask + 1, i;
	size_t off;

	put32(p, a->types);
	put16(p + 4, a->mask);
	put16(p + 6, a->uncl);
	for (i = 0; i < n; i++)
		put16(p + 8 + 2 * i,
		      a->entry_mod ? (u16)(i % a->max_tx) : a->entry);
	off = 8 + 2 * (size_t)n;
	put16(p + off, a->max_tx);
	p[off + 2] = a->key_len;
	for (i = 0; i < a->key_len; i++)
		p[off + 3 + i] = (u8)(0x40 + i);
	return off + 3 + a->key_len;
}

static const struct rss_args rss_good = {
	.types = 0x3, .mask = 7, .uncl = 1, .entry_mod = true, .max_tx = 3,
	.key_len = 40,
};

/* @reserved: the four le16 reserved words, one nibble each (low first) */
static size_t mk_hash(u8 *p, u32 types, u16 reserved, u8 key_len)
{
	unsigned int i;

	put32(p, types);
	for (i = 0; i < 4; i++)
		put16(p + 4 + 2 * i, (reserved >> (4 * i)) & 0xf);
	p[12] = key_len;
	for (i = 0; i < key_len; i++)
		p[13 + i] = (u8)i;
	return 13 + (size_t)key_len;
}

static const u8 mac_own[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 0x01 };
static const u8 mac_uc[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 0x02 };
static const u8 mac_other[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 0x99 };
static const u8 mac_mc[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 0x01 };
static const u8 mac_mc2[ETH_ALEN] = { 0x33, 0x33, 0, 0, 0, 0x01 };
static const u8 mac_bc[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* le32 n, n macs (mac_uc with last byte + i), le32 m, m macs */
static size_t mk_table(u8 *p, u32 n, u32 n_real, u32 m, u32 m_real)
{
	size_t off = 0;
	u32 i;

	put32(p, n);
	off += 4;
	for (i = 0; i < n_real; i++, off += ETH_ALEN) {
		memcpy(p + off, mac_uc, ETH_ALEN);
		p[off + 5] = (u8)(0x02 + i);
	}
	put32(p + off, m);
	off += 4;
	for (i = 0; i < m_real; i++, off += ETH_ALEN) {
		memcpy(p + off, mac_mc, ETH_ALEN);
		p[off + 5] = (u8)(0x01 + i);
	}
	return off;
}

/* ---- setups ------------------------------------------------------- */

static void setup_pairs4(struct vdpa_net_ctrl *nc, struct mock *m)
{
	must(nc, m, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET,
	     PL("\x04\x00"));
}

static void setup_rss(struct vdpa_net_ctrl *nc, struct mock *m)
{
	u8 p[1024];

	must(nc, m, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_RSS_CONFIG, p,
	     mk_rss(p, &rss_good));
}

static void setup_vlan5(struct vdpa_net_ctrl *nc, struct mock *m)
{
	must(nc, m, VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD,
	     PL("\x05\x00"));
}

static void setup_vq1_coal(struct vdpa_net_ctrl *nc, struct mock *m)
{
	must(nc, m, VIRTIO_NET_CTRL_NOTF_COAL,
	     VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET,
	     PL("\x01\x00\x00\x00\x44\x33\x22\x11\x88\x77\x66\x55"));
}

/* ---- state checks for successful commands ------------------------- */

typedef bool (*check_fn)(const struct vdpa_net_ctrl *nc, const struct mock *m,
			 char *why);

#define WHY(...)	(snprintf(why, 200, __VA_ARGS__), false)

static bool ck_promisc_off(const struct vdpa_net_ctrl *nc, const struct mock *m,
			   char *why)
{
	if (nc->state.rx_mode != 0)
		return WHY("rx_mode %#x", nc->state.rx_mode);
	if (m->calls[OP_RX] != 1 || m->rx_cmd != 0 || m->rx_on)
		return WHY("op not called as expected");
	return true;
}

static bool ck_allmulti_on(const struct vdpa_net_ctrl *nc, const struct mock *m,
			   char *why)
{
	(void)m;
	if (nc->state.rx_mode != (BIT(0) | BIT(1)))
		return WHY("rx_mode %#x", nc->state.rx_mode);
	return true;
}

static bool ck_nobcast_on(const struct vdpa_net_ctrl *nc, const struct mock *m,
			  char *why)
{
	if (nc->state.rx_mode != (BIT(0) | BIT(5)) || !m->rx_on ||
	    m->rx_cmd != 5)
		return WHY("rx_mode %#x", nc->state.rx_mode);
	return true;
}

static bool ck_tables_empty(const struct vdpa_net_ctrl *nc, const struct mock *m,
			    char *why)
{
	if (nc->state.uc.count || nc->state.mc.count ||
	    nc->state.uc.overflow || nc->state.mc.overflow ||
	    m->calls[OP_TABLE] != 1)
		return WHY("tables not empty");
	return true;
}

static bool ck_tables_1_2(const struct vdpa_net_ctrl *nc, const struct mock *m,
			  char *why)
{
	(void)m;
	if (nc->state.uc.count != 1 || nc->state.mc.count != 2 ||
	    memcmp(nc->state.uc.addr[0], mac_uc, ETH_ALEN) ||
	    memcmp(nc->state.mc.addr[0], mac_mc, ETH_ALEN) ||
	    nc->state.mc.addr[1][5] != 0x02)
		return WHY("uc %u mc %u", nc->state.uc.count,
			   nc->state.mc.count);
	return true;
}

static bool ck_uc_overflow(const struct vdpa_net_ctrl *nc, const struct mock *m,
			   char *why)
{
	(void)m;
	if (!nc->state.uc.overflow || nc->state.uc.count ||
	    nc->state.mc.overflow || nc->state.mc.count != 4)
		return WHY("uc %u/%d mc %u/%d", nc->state.uc.count,
			   nc->state.uc.overflow, nc->state.mc.count,
			   nc->state.mc.overflow);
	return true;
}

static bool ck_mc_overflow(const struct vdpa_net_ctrl *nc, const struct mock *m,
			   char *why)
{
	(void)m;
	if (nc->state.uc.overflow || nc->state.uc.count != 4 ||
	    !nc->state.mc.overflow || nc->state.mc.count)
		return WHY("uc %u/%d mc %u/%d", nc->state.uc.count,
			   nc->state.uc.overflow, nc->state.mc.count,
			   nc->state.mc.overflow);
	return true;
}

static bool ck_mac(const struct vdpa_net_ctrl *nc, const struct mock *m,
		   char *why)
{
	if (memcmp(nc->state.mac, mac_own, ETH_ALEN) ||
	    memcmp(m->mac, mac_own, ETH_ALEN))
		return WHY("mac not set");
	return true;
}

static bool ck_vlan5(const struct vdpa_net_ctrl *nc, const struct mock *m,
		     char *why)
{
	if (!test_bit(5, nc->state.vlans) || m->vid != 5)
		return WHY("vid 5 not set");
	return true;
}

static bool ck_vlan4095(const struct vdpa_net_ctrl *nc, const struct mock *m,
			char *why)
{
	(void)m;
	if (!test_bit(4095, nc->state.vlans))
		return WHY("vid 4095 not set");
	return true;
}

static bool ck_no_vlan5(const struct vdpa_net_ctrl *nc, const struct mock *m,
			char *why)
{
	if (test_bit(5, nc->state.vlans) || m->calls[OP_VDEL] != 1)
		return WHY("vid 5 still set");
	return true;
}

/* Idempotent VLAN commands change nothing and do not bother the parent. */
static bool ck_vlan5_untouched(const struct vdpa_net_ctrl *nc,
			       const struct mock *m, char *why)
{
	(void)nc;
	if (m->calls[OP_VADD] || m->calls[OP_VDEL])
		return WHY("parent called for a no-op");
	return true;
}

static bool ck_announce(const struct vdpa_net_ctrl *nc, const struct mock *m,
			char *why)
{
	(void)nc;
	if (m->calls[OP_ANN] != 1)
		return WHY("announce_ack not called");
	return true;
}

static bool ck_pairs2(const struct vdpa_net_ctrl *nc, const struct mock *m,
		      char *why)
{
	if (nc->state.vq_pairs != 2 || m->pairs != 2 ||
	    nc->state.rss_enabled)
		return WHY("vq_pairs %u rss %d", nc->state.vq_pairs,
			   nc->state.rss_enabled);
	return true;
}

static bool ck_rss(const struct vdpa_net_ctrl *nc, const struct mock *m,
		   char *why)
{
	const struct vdpa_net_ctrl_rss *r = &nc->state.rss;

	(void)m;
	if (!nc->state.rss_enabled || nc->state.vq_pairs != 3 ||
	    r->hash_types != 3 || r->indirection_table_mask != 7 ||
	    r->unclassified_queue != 1 || r->max_tx_vq != 3 ||
	    r->key_len != 40 || r->key[0] != 0x40 || r->key[39] != 0x67 ||
	    r->table[4] != 1 || r->table[7] != 1 || r->table[8] != 0)
		return WHY("rss state wrong (pairs %u)", nc->state.vq_pairs);
	return true;
}

static bool ck_hash_on(const struct vdpa_net_ctrl *nc, const struct mock *m,
		       char *why)
{
	(void)m;
	if (!nc->state.hash_report || nc->state.hash.hash_types != 0x21 ||
	    nc->state.hash.key_len != 40 || nc->state.hash.key[39] != 39 ||
	    nc->state.rss_enabled)
		return WHY("hash state wrong");
	return true;
}

static bool ck_hash_off(const struct vdpa_net_ctrl *nc, const struct mock *m,
			char *why)
{
	if (nc->state.hash_report || m->calls[OP_HASH] != 1)
		return WHY("hash_report on");
	return true;
}

static bool ck_offl_csum(const struct vdpa_net_ctrl *nc, const struct mock *m,
			 char *why)
{
	if (nc->state.guest_offloads != F(GUEST_CSUM) ||
	    m->offloads != F(GUEST_CSUM))
		return WHY("offloads %#llx",
			   (unsigned long long)nc->state.guest_offloads);
	return true;
}

static bool ck_offl_zero(const struct vdpa_net_ctrl *nc, const struct mock *m,
			 char *why)
{
	(void)m;
	if (nc->state.guest_offloads)
		return WHY("offloads %#llx",
			   (unsigned long long)nc->state.guest_offloads);
	return true;
}

static bool ck_coal_tx(const struct vdpa_net_ctrl *nc, const struct mock *m,
		       char *why)
{
	const struct vdpa_net_ctrl_state *s = &nc->state;

	if (s->tx_coal.max_packets != 0x11223344 ||
	    s->tx_coal.max_usecs != 0x55667788 || m->calls[OP_CTX] != 1)
		return WHY("tx_coal %#x/%#x", s->tx_coal.max_packets,
			   s->tx_coal.max_usecs);
	if (s->vq_coal[1].max_packets != 0x11223344 ||
	    s->vq_coal[7].max_usecs != 0x55667788 ||
	    s->vq_coal[0].max_packets || s->vq_coal[9].max_packets ||
	    s->rx_coal.max_packets)
		return WHY("per-vq copies wrong");
	return true;
}

static bool ck_coal_rx(const struct vdpa_net_ctrl *nc, const struct mock *m,
		       char *why)
{
	const struct vdpa_net_ctrl_state *s = &nc->state;

	(void)m;
	if (s->rx_coal.max_packets != 0x11223344 ||
	    s->rx_coal.max_usecs != 0x55667788 ||
	    s->vq_coal[6].max_packets != 0x11223344 ||
	    s->vq_coal[1].max_packets || s->tx_coal.max_packets)
		return WHY("rx_coal wrong");
	return true;
}

static bool ck_vq1_coal(const struct vdpa_net_ctrl *nc, const struct mock *m,
			char *why)
{
	const struct vdpa_net_ctrl_coal *c = &nc->state.vq_coal[1];

	if (c->max_packets != 0x11223344 || c->max_usecs != 0x55667788 ||
	    m->vq != 1 || m->coal.max_packets != 0x11223344)
		return WHY("vq_coal[1] %#x/%#x", c->max_packets,
			   c->max_usecs);
	return true;
}

static bool ck_vq7_coal(const struct vdpa_net_ctrl *nc, const struct mock *m,
			char *why)
{
	(void)m;
	if (nc->state.vq_coal[7].max_usecs != 0x55667788)
		return WHY("vq_coal[7] not set");
	return true;
}

/* ---- the command table -------------------------------------------- */

struct exec_case {
	const char *name;
	u64 feat_clear;			/* removed from all_features() */
	unsigned int refuse;
	void (*setup)(struct vdpa_net_ctrl *nc, struct mock *m);
	u8 class, cmd;
	const char *payload;
	size_t plen;
	const char *reason;		/* NULL: expect VIRTIO_NET_OK */
	check_fn check;
	size_t cap;			/* 0 means CAP_DEF */
	const char *result;		/* expected result bytes */
	size_t rlen;
};

#define RX	VIRTIO_NET_CTRL_RX
#define MAC	VIRTIO_NET_CTRL_MAC
#define VLAN	VIRTIO_NET_CTRL_VLAN
#define ANN	VIRTIO_NET_CTRL_ANNOUNCE
#define MQ	VIRTIO_NET_CTRL_MQ
#define OFFL	VIRTIO_NET_CTRL_GUEST_OFFLOADS
#define COAL	VIRTIO_NET_CTRL_NOTF_COAL
#define STATS	VIRTIO_NET_CTRL_STATS
#define R_FEAT	"feature not negotiated"
#define R_LEN	"bad length"
#define R_UNK	"unknown command"
#define R_REF	"refused by device"
#define B(op)	(1u << (op))
#define COALPL	"\x44\x33\x22\x11\x88\x77\x66\x55"

static const struct exec_case exec_cases[] = {
	/* RX */
	{ "rx promisc off", 0, 0, NULL, RX, 0, PL("\x00"), NULL,
	  ck_promisc_off },
	{ "rx allmulti on", 0, 0, NULL, RX, 1, PL("\x01"), NULL,
	  ck_allmulti_on },
	{ "rx nonzero byte means on", 0, 0, NULL, RX, 1, PL("\x80"), NULL,
	  ck_allmulti_on },
	{ "rx nobcast on (extra)", 0, 0, NULL, RX, 5, PL("\x02"), NULL,
	  ck_nobcast_on },
	{ "rx alluni on (extra)", 0, 0, NULL, RX, 2, PL("\x01"), NULL },
	{ "rx nomulti on (extra)", 0, 0, NULL, RX, 3, PL("\x01"), NULL },
	{ "rx nouni on (extra)", 0, 0, NULL, RX, 4, PL("\x01"), NULL },
	{ "rx promisc without CTRL_RX", F(CTRL_RX), 0, NULL, RX, 0,
	  PL("\x01"), R_FEAT },
	{ "rx allmulti without CTRL_RX", F(CTRL_RX), 0, NULL, RX, 1,
	  PL("\x01"), R_FEAT },
	{ "rx alluni without RX_EXTRA", F(CTRL_RX_EXTRA), 0, NULL, RX, 2,
	  PL("\x01"), R_FEAT },
	{ "rx nobcast without RX_EXTRA", F(CTRL_RX_EXTRA), 0, NULL, RX, 5,
	  PL("\x01"), R_FEAT },
	{ "rx empty payload", 0, 0, NULL, RX, 0, PL(""), R_LEN },
	{ "rx 2-byte payload", 0, 0, NULL, RX, 0, PL("\x01\x00"), R_LEN },
	{ "rx unknown cmd 6", 0, 0, NULL, RX, 6, PL("\x01"), R_UNK },
	{ "rx unknown cmd 255", 0, 0, NULL, RX, 255, PL("\x01"), R_UNK },
	{ "rx refused", 0, B(OP_RX), NULL, RX, 0, PL("\x00"), R_REF },

	/* MAC */
	{ "mac table empty", 0, 0, NULL, MAC, 0,
	  PL("\x00\x00\x00\x00\x00\x00\x00\x00"), NULL, ck_tables_empty },
	{ "mac table without CTRL_RX", F(CTRL_RX), 0, NULL, MAC, 0,
	  PL("\x00\x00\x00\x00\x00\x00\x00\x00"), R_FEAT },
	{ "mac table no mc count", 0, 0, NULL, MAC, 0,
	  PL("\x00\x00\x00\x00"), R_LEN },
	{ "mac table 3-byte mc count", 0, 0, NULL, MAC, 0,
	  PL("\x00\x00\x00\x00\x00\x00\x00"), R_LEN },
	{ "mac table trailing byte", 0, 0, NULL, MAC, 0,
	  PL("\x00\x00\x00\x00\x00\x00\x00\x00\x00"), R_LEN },
	{ "mac table n=1 without entry", 0, 0, NULL, MAC, 0,
	  PL("\x01\x00\x00\x00\x00\x00\x00\x00"), R_LEN },
	{ "mac table n=0xffffffff", 0, 0, NULL, MAC, 0,
	  PL("\xff\xff\xff\xff\x00\x00\x00\x00"), R_LEN },
	{ "mac table n=0x2aaaaaab (n*6 wraps u32)", 0, 0, NULL, MAC, 0,
	  PL("\xab\xaa\xaa\x2a\x00\x00\x00\x00\x00\x00\x00\x00"), R_LEN },
	{ "mac table m=0xffffffff", 0, 0, NULL, MAC, 0,
	  PL("\x00\x00\x00\x00\xff\xff\xff\xff"), R_LEN },
	{ "mac table refused", 0, B(OP_TABLE), NULL, MAC, 0,
	  PL("\x00\x00\x00\x00\x00\x00\x00\x00"), R_REF },
	{ "mac addr set", 0, 0, NULL, MAC, 1, PL("\x52\x54\x00\x00\x00\x01"),
	  NULL, ck_mac },
	{ "mac addr 5 bytes", 0, 0, NULL, MAC, 1, PL("\x52\x54\x00\x00\x00"),
	  R_LEN },
	{ "mac addr 7 bytes", 0, 0, NULL, MAC, 1,
	  PL("\x52\x54\x00\x00\x00\x01\x00"), R_LEN },
	{ "mac addr without CTRL_MAC_ADDR", F(CTRL_MAC_ADDR), 0, NULL, MAC, 1,
	  PL("\x52\x54\x00\x00\x00\x01"), R_FEAT },
	{ "mac addr refused", 0, B(OP_MAC), NULL, MAC, 1,
	  PL("\x52\x54\x00\x00\x00\x01"), R_REF },
	{ "mac unknown cmd 2", 0, 0, NULL, MAC, 2, PL(""), R_UNK },

	/* VLAN */
	{ "vlan add 5", 0, 0, NULL, VLAN, 0, PL("\x05\x00"), NULL, ck_vlan5 },
	{ "vlan add 4095", 0, 0, NULL, VLAN, 0, PL("\xff\x0f"), NULL,
	  ck_vlan4095 },
	{ "vlan add existing 5", 0, 0, setup_vlan5, VLAN, 0, PL("\x05\x00"),
	  NULL, ck_vlan5 },
	{ "vlan del 5", 0, 0, setup_vlan5, VLAN, 1, PL("\x05\x00"), NULL,
	  ck_no_vlan5 },
	{ "vlan del absent 5", 0, 0, NULL, VLAN, 1, PL("\x05\x00"), NULL,
	  ck_vlan5_untouched },
	{ "vlan add present 5", 0, 0, setup_vlan5, VLAN, 0, PL("\x05\x00"),
	  NULL, ck_vlan5_untouched },
	{ "vlan add 4096", 0, 0, NULL, VLAN, 0, PL("\x00\x10"),
	  "vlan id out of range" },
	{ "vlan del 0xffff", 0, 0, NULL, VLAN, 1, PL("\xff\xff"),
	  "vlan id out of range" },
	{ "vlan add 1 byte", 0, 0, NULL, VLAN, 0, PL("\x05"), R_LEN },
	{ "vlan add 3 bytes", 0, 0, NULL, VLAN, 0, PL("\x05\x00\x00"), R_LEN },
	{ "vlan add without CTRL_VLAN", F(CTRL_VLAN), 0, NULL, VLAN, 0,
	  PL("\x05\x00"), R_FEAT },
	{ "vlan add refused", 0, B(OP_VADD), NULL, VLAN, 0, PL("\x05\x00"),
	  R_REF },
	{ "vlan del refused", 0, B(OP_VDEL), setup_vlan5, VLAN, 1,
	  PL("\x05\x00"), R_REF },
	{ "vlan unknown cmd 2", 0, 0, NULL, VLAN, 2, PL("\x05\x00"), R_UNK },

	/* ANNOUNCE */
	{ "announce ack", 0, 0, NULL, ANN, 0, PL(""), NULL, ck_announce },
	{ "announce ack with payload", 0, 0, NULL, ANN, 0, PL("\x00"),
	  R_LEN },
	{ "announce without GUEST_ANNOUNCE", F(GUEST_ANNOUNCE), 0, NULL, ANN,
	  0, PL(""), R_FEAT },
	{ "announce refused", 0, B(OP_ANN), NULL, ANN, 0, PL(""), R_REF },
	{ "announce unknown cmd 1", 0, 0, NULL, ANN, 1, PL(""), R_UNK },

	/* MQ */
	{ "mq pairs 2", 0, 0, NULL, MQ, 0, PL("\x02\x00"), NULL, ck_pairs2 },
	{ "mq pairs 2 disables rss", 0, 0, setup_rss, MQ, 0, PL("\x02\x00"),
	  NULL, ck_pairs2 },
	{ "mq pairs 4 (max)", 0, 0, NULL, MQ, 0, PL("\x04\x00"), NULL },
	{ "mq pairs 0", 0, 0, NULL, MQ, 0, PL("\x00\x00"),
	  "queue pairs out of range" },
	{ "mq pairs 5 > max", 0, 0, NULL, MQ, 0, PL("\x05\x00"),
	  "queue pairs out of range" },
	{ "mq pairs 0x8001", 0, 0, NULL, MQ, 0, PL("\x01\x80"),
	  "queue pairs out of range" },
	{ "mq pairs 1 byte", 0, 0, NULL, MQ, 0, PL("\x02"), R_LEN },
	{ "mq pairs 3 bytes", 0, 0, NULL, MQ, 0, PL("\x02\x00\x00"), R_LEN },
	{ "mq pairs without MQ", F(MQ), 0, NULL, MQ, 0, PL("\x02\x00"),
	  R_FEAT },
	{ "mq pairs refused", 0, B(OP_PAIRS), NULL, MQ, 0, PL("\x02\x00"),
	  R_REF },
	{ "mq pairs refused keeps rss", 0, B(OP_PAIRS), setup_rss, MQ, 0,
	  PL("\x02\x00"), R_REF },
	{ "mq unknown cmd 3", 0, 0, NULL, MQ, 3, PL(""), R_UNK },
	{ "mq rss without RSS", F(RSS), 0, NULL, MQ, 1,
	  PL("\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00"),
	  R_FEAT },
	{ "mq hash without HASH_REPORT", F(HASH_REPORT), 0, NULL, MQ, 2,
	  PL("\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	  R_FEAT },

	/* GUEST_OFFLOADS */
	{ "offloads csum", 0, 0, NULL, OFFL, 0,
	  PL("\x02\x00\x00\x00\x00\x00\x00\x00"), NULL, ck_offl_csum },
	{ "offloads none", 0, 0, NULL, OFFL, 0,
	  PL("\x00\x00\x00\x00\x00\x00\x00\x00"), NULL, ck_offl_zero },
	{ "offloads all negotiated", 0, 0, NULL, OFFL, 0,
	  PL("\x82\x01\x00\x00\x00\x00\x00\x00"), NULL },
	{ "offloads UFO not negotiated", 0, 0, NULL, OFFL, 0,
	  PL("\x00\x04\x00\x00\x00\x00\x00\x00"), "offloads not negotiated" },
	{ "offloads non-offload bit (MAC)", 0, 0, NULL, OFFL, 0,
	  PL("\x20\x00\x00\x00\x00\x00\x00\x00"), "offloads not negotiated" },
	{ "offloads bit 63", 0, 0, NULL, OFFL, 0,
	  PL("\x00\x00\x00\x00\x00\x00\x00\x80"), "offloads not negotiated" },
	{ "offloads 7 bytes", 0, 0, NULL, OFFL, 0,
	  PL("\x02\x00\x00\x00\x00\x00\x00"), R_LEN },
	{ "offloads without CTRL_GUEST_OFFLOADS", F(CTRL_GUEST_OFFLOADS), 0,
	  NULL, OFFL, 0, PL("\x02\x00\x00\x00\x00\x00\x00\x00"), R_FEAT },
	{ "offloads refused", 0, B(OP_OFFL), NULL, OFFL, 0,
	  PL("\x02\x00\x00\x00\x00\x00\x00\x00"), R_REF },
	{ "offloads unknown cmd 1", 0, 0, NULL, OFFL, 1,
	  PL("\x02\x00\x00\x00\x00\x00\x00\x00"), R_UNK },

	/* NOTF_COAL */
	{ "coal tx set", 0, 0, setup_pairs4, COAL, 0, PL(COALPL), NULL,
	  ck_coal_tx },
	{ "coal rx set", 0, 0, setup_pairs4, COAL, 1, PL(COALPL), NULL,
	  ck_coal_rx },
	{ "coal tx 7 bytes", 0, 0, NULL, COAL, 0,
	  PL("\x44\x33\x22\x11\x88\x77\x66"), R_LEN },
	{ "coal rx 9 bytes", 0, 0, NULL, COAL, 1, PL(COALPL "\x00"), R_LEN },
	{ "coal tx without NOTF_COAL", F(NOTF_COAL), 0, NULL, COAL, 0,
	  PL(COALPL), R_FEAT },
	{ "coal tx refused", 0, B(OP_CTX), NULL, COAL, 0, PL(COALPL), R_REF },
	{ "coal rx refused", 0, B(OP_CRX), NULL, COAL, 1, PL(COALPL), R_REF },
	{ "coal vq set vq 1", 0, 0, NULL, COAL, 2,
	  PL("\x01\x00\x00\x00" COALPL), NULL, ck_vq1_coal },
	{ "coal vq set reserved ignored", 0, 0, NULL, COAL, 2,
	  PL("\x01\x00\xff\xff" COALPL), NULL, ck_vq1_coal },
	{ "coal vq set vq 7 with 1 pair in use", 0, 0, NULL, COAL, 2,
	  PL("\x07\x00\x00\x00" COALPL), NULL, ck_vq7_coal },
	{ "coal vq set vq 2 without MQ/RSS", F(MQ) | F(RSS), 0, NULL, COAL,
	  2, PL("\x02\x00\x00\x00" COALPL), "vq not enabled" },
	{ "coal vq set vq 7 with 4 pairs", 0, 0, setup_pairs4, COAL, 2,
	  PL("\x07\x00\x00\x00" COALPL), NULL, ck_vq7_coal },
	{ "coal vq set vq 8 (cvq) with 4 pairs", 0, 0, setup_pairs4, COAL, 2,
	  PL("\x08\x00\x00\x00" COALPL), "vq not enabled" },
	{ "coal vq set vq 0xffff", 0, 0, setup_pairs4, COAL, 2,
	  PL("\xff\xff\x00\x00" COALPL), "vq not enabled" },
	{ "coal vq set 11 bytes", 0, 0, NULL, COAL, 2,
	  PL("\x01\x00\x00\x00\x44\x33\x22\x11\x88\x77\x66"), R_LEN },
	{ "coal vq set without VQ_NOTF_COAL", F(VQ_NOTF_COAL), 0, NULL, COAL,
	  2, PL("\x01\x00\x00\x00" COALPL), R_FEAT },
	{ "coal vq set refused", 0, B(OP_CVQSET), NULL, COAL, 2,
	  PL("\x01\x00\x00\x00" COALPL), R_REF },
	{ "coal vq get result bytes", 0, 0, setup_vq1_coal, COAL, 3,
	  PL("\x01\x00\x00\x00"), NULL, NULL, 0, PL(COALPL) },
	{ "coal vq get fresh vq", 0, 0, NULL, COAL, 3,
	  PL("\x00\x00\x00\x00"), NULL, NULL, 0,
	  PL("\x00\x00\x00\x00\x00\x00\x00\x00") },
	{ "coal vq get exact cap 8", 0, 0, setup_vq1_coal, COAL, 3,
	  PL("\x01\x00\x00\x00"), NULL, NULL, 8, PL(COALPL) },
	{ "coal vq get cap 7", 0, 0, setup_vq1_coal, COAL, 3,
	  PL("\x01\x00\x00\x00"), "result buffer too small", NULL, 7 },
	{ "coal vq get vq 3 with 1 pair in use", 0, 0, NULL, COAL, 3,
	  PL("\x03\x00\x00\x00"), NULL, NULL, 0,
	  PL("\x00\x00\x00\x00\x00\x00\x00\x00") },
	{ "coal vq get cvq", 0, 0, NULL, COAL, 3,
	  PL("\x08\x00\x00\x00"), "vq not enabled" },
	{ "coal vq get vq 2 without MQ/RSS", F(MQ) | F(RSS), 0, NULL, COAL,
	  3, PL("\x02\x00\x00\x00"), "vq not enabled" },
	{ "coal vq get 5 bytes", 0, 0, NULL, COAL, 3,
	  PL("\x01\x00\x00\x00\x00"), R_LEN },
	{ "coal vq get without VQ_NOTF_COAL", F(VQ_NOTF_COAL), 0, NULL, COAL,
	  3, PL("\x01\x00\x00\x00"), R_FEAT },
	{ "coal vq get refused", 0, B(OP_CVQGET), NULL, COAL, 3,
	  PL("\x01\x00\x00\x00"), R_REF },
	{ "coal unknown cmd 4", 0, 0, NULL, COAL, 4, PL(""), R_UNK },

	/* STATS */
	{ "stats query", 0, 0, NULL, STATS, 0, PL(""), NULL, NULL, 0,
	  PL("\x03\x00\x01\x00\x01\x00\x00\x00") },
	{ "stats query payload", 0, 0, NULL, STATS, 0, PL("\x00"), R_LEN },
	{ "stats query cap 7", 0, 0, NULL, STATS, 0, PL(""),
	  "result buffer too small", NULL, 7 },
	{ "stats query without DEVICE_STATS", F(DEVICE_STATS), 0, NULL,
	  STATS, 0, PL(""), R_FEAT },
	{ "stats query refused", 0, B(OP_SQUERY), NULL, STATS, 0, PL(""),
	  R_REF },
	{ "stats unknown cmd 2", 0, 0, NULL, STATS, 2, PL(""), R_UNK },
	/* types whose feature is not negotiated are not supported */
	{ "stats query without GUEST_CSUM", F(GUEST_CSUM), 0, NULL, STATS, 0,
	  PL(""), NULL, NULL, 0, PL("\x01\x00\x01\x00\x01\x00\x00\x00") },

	/* classes and short commands */
	{ "class 7 (hash tunnel) unknown", 0, 0, NULL, 7, 0,
	  PL("\x00\x00\x00\x00"), R_UNK },
	{ "class 9 unknown", 0, 0, NULL, 9, 0, PL(""), R_UNK },
	{ "class 255 unknown", 0, 0, NULL, 255, 255, PL(""), R_UNK },
};

static bool total_calls_zero(const struct mock *m)
{
	unsigned int i;

	for (i = 0; i < OP_N; i++)
		if (i != OP_SQUERY && m->calls[i])
			return false;
	return true;
}

static void run_exec_case(const struct exec_case *tc)
{
	static struct vdpa_net_ctrl nc;
	static struct vdpa_net_ctrl_state before;
	u8 out[VDPA_NET_CTRL_MAX_RESULT_LEN];
	struct vdpa_net_ctrl_result res;
	size_t cap = tc->cap ? tc->cap : CAP_DEF;
	char why[256] = "";
	struct mock m;
	bool ok = true;

	dev_new(&nc, &m, all_features() & ~tc->feat_clear, 0);
	if (tc->setup)
		tc->setup(&nc, &m);
	m.refuse = tc->refuse;
	mock_clear_calls(&m);
	vdpa_net_ctrl_save(&nc, &before);
	exec_cmd(&nc, &m, tc->class, tc->cmd, tc->payload, tc->plen, cap, out,
		 &res);

	if (tc->reason) {
		if (res.ack != VIRTIO_NET_ERR || !res.reason ||
		    strcmp(res.reason, tc->reason) || res.len)
			ok = WHY("got ack %u reason \"%s\" len %zu", res.ack,
				 res.reason ? res.reason : "(null)", res.len);
		else if (!mock_state_eq(&before, &nc.state))
			ok = WHY("state changed on error");
		else if (strcmp(tc->reason, R_REF) && !total_calls_zero(&m))
			ok = WHY("an op was called for an invalid command");
		else if (!strcmp(tc->reason, R_REF) && m.nlog != 1 &&
			 tc->class != STATS)
			ok = WHY("refusing op called %u times", m.nlog);
	} else {
		if (res.ack != VIRTIO_NET_OK || res.reason)
			ok = WHY("got ack %u reason \"%s\"", res.ack,
				 res.reason ? res.reason : "(null)");
		else if (res.len != tc->rlen)
			ok = WHY("result len %zu, want %zu", res.len, tc->rlen);
		else if (tc->rlen && memcmp(out, tc->result, tc->rlen))
			ok = WHY("result bytes differ");
		else if (tc->check)
			ok = tc->check(&nc, &m, why);
	}
	report(ok, tc->name, "%s", why);
}

static void test_short_commands(void)
{
	static struct vdpa_net_ctrl nc;
	struct vdpa_net_ctrl_result res;
	struct mock m;
	const u8 one = 0;

	dev_new(&nc, &m, all_features(), 0);
	exec_raw(&nc, &m, &one, 0, CAP_DEF, NULL, &res);
	report(res.ack == VIRTIO_NET_ERR && res.reason &&
	       !strcmp(res.reason, "command too short") && !res.len,
	       "empty command", "ack %u", res.ack);
	exec_raw(&nc, &m, &one, 1, CAP_DEF, NULL, &res);
	report(res.ack == VIRTIO_NET_ERR && res.reason &&
	       !strcmp(res.reason, "command too short"),
	       "1-byte command", "ack %u", res.ack);
	vdpa_net_ctrl_execute(&nc, NULL, NULL, "\x03\x00", 2, NULL, 0, &res);
	report(res.ack == VIRTIO_NET_OK,
	       "NULL ops and NULL result buffer (announce)", "ack %u",
	       res.ack);
}

/* ---- MAC table cases built at run time ---------------------------- */

static void test_mac_tables(void)
{
	static const struct {
		const char *name;
		u32 n, n_real, m, m_real;
		int delta;		/* bytes added (+) or cut (-) */
		const char *reason;
		check_fn check;
	} cases[] = {
		{ "mac table 1 uc 2 mc", 1, 1, 2, 2, 0, NULL, ck_tables_1_2 },
		{ "mac table 4+4 (capacity)", 4, 4, 4, 4, 0, NULL, NULL },
		{ "mac table 5 uc overflows", 5, 5, 4, 4, 0, NULL,
		  ck_uc_overflow },
		{ "mac table 65 mc overflows", 4, 4, 65, 65, 0, NULL,
		  ck_mc_overflow },
		{ "mac table 1 uc short entry", 1, 1, 0, 0, -5, R_LEN, NULL },
		{ "mac table mc one short", 0, 0, 2, 2, -1, R_LEN, NULL },
		{ "mac table mc trailing 6", 0, 0, 1, 1, 6, R_LEN, NULL },
		{ "mac table n says 2 has 1", 2, 1, 0, 0, 0, R_LEN, NULL },
		{ "mac table overflow refused", 5, 5, 0, 0, 0, R_REF, NULL },
	};
	static struct vdpa_net_ctrl nc;
	static u8 buf[MAXCMD];
	static struct vdpa_net_ctrl_state before;
	struct vdpa_net_ctrl_result res;
	unsigned int i;
	struct mock m;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char why[256] = "";
		bool ok = true;
		size_t len;

		dev_new(&nc, &m, all_features(),
			cases[i].reason && !strcmp(cases[i].reason, R_REF) ?
			B(OP_TABLE) : 0);
		buf[0] = MAC;
		buf[1] = VIRTIO_NET_CTRL_MAC_TABLE_SET;
		len = 2 + mk_table(buf + 2, cases[i].n, cases[i].n_real,
				   cases[i].m, cases[i].m_real);
		len = (size_t)((long)len + cases[i].delta);
		vdpa_net_ctrl_save(&nc, &before);
		exec_raw(&nc, &m, buf, len, CAP_DEF, NULL, &res);
		if (cases[i].reason) {
			if (res.ack != VIRTIO_NET_ERR ||
			    strcmp(res.reason, cases[i].reason))
				ok = WHY("ack %u reason %s", res.ack,
					 res.reason ? res.reason : "-");
			else if (!mock_state_eq(&before, &nc.state))
				ok = WHY("state changed");
		} else if (res.ack != VIRTIO_NET_OK) {
			ok = WHY("ERR %s", res.reason);
		} else if (cases[i].check) {
			ok = cases[i].check(&nc, &m, why);
		}
		report(ok, cases[i].name, "%s", why);
	}
}

/* ---- RSS and hash report ------------------------------------------ */

static void test_rss(void)
{
	static const struct {
		const char *name;
		struct rss_args a;
		int delta;
		const char *reason;
	} cases[] = {
		{ "rss valid", { 3, 7, 1, 0, true, 3, 40 }, 0, NULL },
		{ "rss 1 entry, no key, no types", { 0, 0, 0, 0, false, 1, 0 },
		  0, NULL },
		{ "rss 128 entries (max)", { 0x3f, 127, 0, 0, true, 4, 1 }, 0,
		  NULL },
		{ "rss 3 entries", { 3, 2, 0, 0, false, 1, 4 }, 0,
		  "bad indirection table" },
		{ "rss 256 entries > limit 128", { 3, 255, 0, 0, false, 1, 4 },
		  0, "bad indirection table" },
		{ "rss mask 0xffff", { 3, 0xffff, 0, 0, false, 1, 4 }, 0,
		  "bad indirection table" },
		{ "rss key 41 > 40", { 3, 7, 0, 0, false, 1, 41 }, 0,
		  "hash key too long" },
		{ "rss unsupported type IP_EX", { 0x40, 7, 0, 0, false, 1, 4 },
		  0, "unsupported hash types" },
		{ "rss max_tx_vq 0", { 3, 7, 0, 0, false, 0, 4 }, 0,
		  "queue pairs out of range" },
		{ "rss max_tx_vq 5 > max", { 3, 7, 0, 0, false, 5, 4 }, 0,
		  "queue pairs out of range" },
		{ "rss entry == max_vq_pairs", { 3, 7, 0, 4, false, 2, 4 }, 0,
		  "queue out of range" },
		{ "rss unclassified == max_vq_pairs", { 3, 7, 4, 0, false, 2,
		  4 }, 0, "queue out of range" },
		/* receive queue ids are not bounded by max_tx_vq (transmit) */
		{ "rss entry above max_tx_vq", { 3, 7, 0, 3, false, 2, 4 }, 0,
		  NULL },
		{ "rss unclassified above max_tx_vq", { 3, 7, 3, 0, false, 1,
		  4 }, 0, NULL },
		/* longer than the key field of the state: refused, not copied */
		{ "rss key 53", { 3, 7, 0, 0, false, 1, 53 }, 0,
		  "hash key too long" },
		{ "rss key 255", { 3, 7, 0, 0, false, 1, 255 }, 0,
		  "hash key too long" },
		{ "rss truncated key", { 3, 7, 0, 0, false, 1, 4 }, -1, R_LEN },
		/* Linux 7.3 sizes the trailer with its tail padding */
		{ "rss trailing byte (7.3 padding)", { 3, 7, 0, 0, false, 1, 4 },
		  1, NULL },
		{ "rss 2 trailing bytes", { 3, 7, 0, 0, false, 1, 4 }, 2, R_LEN },
		{ "rss cut in table", { 3, 7, 0, 0, false, 1, 4 }, -10, R_LEN },
		{ "rss header only", { 3, 7, 0, 0, false, 1, 4 }, -23, R_LEN },
		{ "rss 7 bytes", { 3, 7, 0, 0, false, 1, 4 }, -24, R_LEN },
		{ "rss refused", { 3, 7, 1, 0, true, 3, 40 }, 0, R_REF },
	};
	static struct vdpa_net_ctrl nc;
	static struct vdpa_net_ctrl_state before;
	static u8 buf[MAXCMD];
	struct vdpa_net_ctrl_result res;
	unsigned int i;
	struct mock m;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char why[256] = "";
		bool ok = true;
		size_t len;

		dev_new(&nc, &m, all_features(),
			cases[i].reason && !strcmp(cases[i].reason, R_REF) ?
			B(OP_RSS) : 0);
		setup_pairs4(&nc, &m);
		buf[0] = MQ;
		buf[1] = VIRTIO_NET_CTRL_MQ_RSS_CONFIG;
		len = 2 + mk_rss(buf + 2, &cases[i].a);
		len = (size_t)((long)len + cases[i].delta);
		vdpa_net_ctrl_save(&nc, &before);
		exec_raw(&nc, &m, buf, len, CAP_DEF, NULL, &res);
		if (cases[i].reason) {
			if (res.ack != VIRTIO_NET_ERR ||
			    strcmp(res.reason, cases[i].reason))
				ok = WHY("ack %u reason %s", res.ack,
					 res.reason ? res.reason : "-");
			else if (!mock_state_eq(&before, &nc.state))
				ok = WHY("state changed");
		} else if (res.ack != VIRTIO_NET_OK) {
			ok = WHY("ERR %s", res.reason);
		} else if (!nc.state.rss_enabled ||
			   nc.state.vq_pairs != cases[i].a.max_tx ||
			   m.calls[OP_RSS] != 1 ||
			   m.pairs != cases[i].a.max_tx) {
			ok = WHY("rss not applied");
		} else if (i == 0) {
			ok = ck_rss(&nc, &m, why);
		}
		report(ok, cases[i].name, "%s", why);
	}

	/* hash report */
	{
		static const struct {
			const char *name;
			u32 types;
			u16 reserved;
			u8 key_len;
			int delta;
			const char *reason;
			check_fn check;
		} hc[] = {
			{ "hash valid", 0x21, 0, 40, 0, NULL, ck_hash_on },
			{ "hash reserved[3] = max_tx_vq (Linux 6.12 to 7.3)", 0x21,
			  0x4000, 40, 0, NULL, ck_hash_on },
			{ "hash reserved[0] nonzero", 0x1, 0x0001, 4, 0,
			  "reserved not zero", NULL },
			{ "hash reserved[1] nonzero", 0x1, 0x0010, 4, 0,
			  "reserved not zero", NULL },
			{ "hash reserved[2] nonzero", 0x1, 0x0100, 4, 0,
			  "reserved not zero", NULL },
			{ "hash types 0 turns report off", 0, 0, 0, 0, NULL,
			  ck_hash_off },
			{ "hash key 41", 0x1, 0, 41, 0, "hash key too long",
			  NULL },
			{ "hash type UDP_EX unsupported", 0x100, 0, 4, 0,
			  "unsupported hash types", NULL },
			{ "hash truncated", 0x1, 0, 4, -1, R_LEN, NULL },
			{ "hash trailing byte (7.3 padding)", 0x21, 0, 40, 1, NULL,
			  ck_hash_on },
			{ "hash 2 trailing bytes", 0x1, 0, 4, 2, R_LEN, NULL },
			{ "hash 12 bytes", 0x1, 0, 0, -1, R_LEN, NULL },
			{ "hash refused", 0x1, 0, 4, 0, R_REF, NULL },
		};

		for (i = 0; i < sizeof(hc) / sizeof(hc[0]); i++) {
			char why[256] = "";
			bool ok = true;
			size_t len;

			dev_new(&nc, &m, all_features(),
				hc[i].reason && !strcmp(hc[i].reason, R_REF) ?
				B(OP_HASH) : 0);
			buf[0] = MQ;
			buf[1] = VIRTIO_NET_CTRL_MQ_HASH_CONFIG;
			len = 2 + mk_hash(buf + 2, hc[i].types,
					  hc[i].reserved, hc[i].key_len);
			len = (size_t)((long)len + hc[i].delta);
			vdpa_net_ctrl_save(&nc, &before);
			exec_raw(&nc, &m, buf, len, CAP_DEF, NULL, &res);
			if (hc[i].reason) {
				if (res.ack != VIRTIO_NET_ERR ||
				    strcmp(res.reason, hc[i].reason))
					ok = WHY("ack %u reason %s", res.ack,
						 res.reason ? res.reason : "-");
				else if (!mock_state_eq(&before, &nc.state))
					ok = WHY("state changed");
			} else if (res.ack != VIRTIO_NET_OK) {
				ok = WHY("ERR %s", res.reason);
			} else if (hc[i].check) {
				ok = hc[i].check(&nc, &m, why);
			}
			report(ok, hc[i].name, "%s", why);
		}
	}

	/* last MQ command wins, in both orders */
	{
		bool ok;

		dev_new(&nc, &m, all_features(), 0);
		setup_pairs4(&nc, &m);
		setup_rss(&nc, &m);
		ok = nc.state.rss_enabled && nc.state.vq_pairs == 3;
		setup_pairs4(&nc, &m);
		ok = ok && !nc.state.rss_enabled && nc.state.vq_pairs == 4;
		report(ok, "mq last command wins", "rss %d pairs %u",
		       nc.state.rss_enabled, nc.state.vq_pairs);
	}
}

/* ---- statistics --------------------------------------------------- */

struct stats_entry {
	u16 vq;
	u16 reserved;
	u64 types;
};

static size_t mk_stats(u8 *p, const struct stats_entry *e, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		memset(p + 16 * i, 0, 16);
		put16(p + 16 * i, e[i].vq);
		put16(p + 16 * i + 2, e[i].reserved);
		put64(p + 16 * i + 8, e[i].types);
	}
	return 16 * (size_t)n;
}

/*
 * The library answers VIRTIO_NET_STATS_TYPE_CVQ itself: struct
 * virtio_net_stats_cvq, whose counts include the command being answered.
 */
static bool cvq_reply_ok(const u8 *p, u16 vq, u64 cmds, u64 oks)
{
	return p[0] == VIRTIO_NET_STATS_TYPE_REPLY_CVQ && p[2] == (u8)vq &&
	       p[3] == (u8)(vq >> 8) && p[6] == 24 && p[7] == 0 &&
	       get64(p + 8) == cmds && get64(p + 16) == oks;
}

static void test_stats(void)
{
	const u64 RXB = VIRTIO_NET_STATS_TYPE_RX_BASIC;
	const u64 RXC = VIRTIO_NET_STATS_TYPE_RX_CSUM;
	const u64 TXB = VIRTIO_NET_STATS_TYPE_TX_BASIC;
	const u64 TXC = VIRTIO_NET_STATS_TYPE_TX_CSUM;
	const u64 CVQ = VIRTIO_NET_STATS_TYPE_CVQ;
	const struct {
		const char *name;
		u64 feat_clear;
		struct stats_entry e[4];
		unsigned int n;
		int delta;
		size_t cap;
		int get_ret;
		unsigned int refuse;
		const char *reason;
		size_t rlen;
	} cases[] = {
		{ "stats get rx vq 0 basic", 0, { { 0, 0, RXB } }, 1, 0, 0, 0,
		  0, NULL, 16 },
		{ "stats get rx basic+csum, tx, cvq", 0,
		  { { 0, 0, RXB | RXC }, { 1, 0, TXB }, { 8, 0, CVQ } }, 3, 0,
		  0, 0, 0, NULL, 72 },
		{ "stats get last data vq 7", 0, { { 7, 0, TXB } }, 1, 0, 0, 0,
		  0, NULL, 16 },
		{ "stats get reserved ignored", 0, { { 6, 0xffff, RXB } }, 1,
		  0, 0, 0, 0, NULL, 16 },
		{ "stats get no entries", 0, { { 0 } }, 0, 0, 0, 0, 0, NULL,
		  0 },
		{ "stats get cvq is vq 2 without MQ/RSS", F(MQ) | F(RSS),
		  { { 2, 0, CVQ } }, 1, 0, 0, 0, 0, NULL, 24 },
		{ "stats get vq 2 rx without MQ/RSS", F(MQ) | F(RSS),
		  { { 2, 0, RXB } }, 1, 0, 0, 0, 0, "bad stats request", 0 },
		{ "stats get cvq 8 with RSS only", F(MQ), { { 8, 0, CVQ } }, 1,
		  0, 0, 0, 0, NULL, 24 },
		{ "stats get rx csum without GUEST_CSUM", F(GUEST_CSUM),
		  { { 0, 0, RXC } }, 1, 0, 0, 0, 0, "bad stats request", 0 },
		{ "stats get tx csum supported but CSUM off", F(CSUM),
		  { { 1, 0, TXB | TXC } }, 1, 0, 0, 0, 0, "bad stats request",
		  0 },
		{ "stats get tx type on rx vq", 0, { { 0, 0, TXB } }, 1, 0, 0,
		  0, 0, "bad stats request", 0 },
		{ "stats get rx type on tx vq", 0, { { 3, 0, RXB } }, 1, 0, 0,
		  0, 0, "bad stats request", 0 },
		{ "stats get cvq type on data vq", 0, { { 0, 0, CVQ } }, 1, 0,
		  0, 0, 0, "bad stats request", 0 },
		{ "stats get rx type on cvq", 0, { { 8, 0, RXB } }, 1, 0, 0, 0,
		  0, "bad stats request", 0 },
		{ "stats get types 0", 0, { { 0, 0, 0 } }, 1, 0, 0, 0, 0,
		  "bad stats request", 0 },
		{ "stats get unsupported tx csum", 0, { { 1, 0, TXC } }, 1, 0,
		  0, 0, 0, "bad stats request", 0 },
		{ "stats get vq 9 out of range", 0, { { 9, 0, CVQ } }, 1, 0, 0,
		  0, 0, "bad stats request", 0 },
		{ "stats get bad second entry fails all", 0,
		  { { 0, 0, RXB }, { 0xffff, 0, RXB } }, 2, 0, 0, 0, 0,
		  "bad stats request", 0 },
		{ "stats get 15 bytes", 0, { { 0, 0, RXB } }, 1, -1, 0, 0, 0,
		  R_LEN, 0 },
		{ "stats get 17 bytes", 0, { { 0, 0, RXB } }, 1, 1, 0, 0, 0,
		  R_LEN, 0 },
		{ "stats get reply exactly fits", 0,
		  { { 0, 0, RXB }, { 1, 0, TXB } }, 2, 0, 32, 0, 0, NULL, 32 },
		{ "stats get reply does not fit", 0,
		  { { 0, 0, RXB }, { 1, 0, TXB } }, 2, 0, 31, 0, 0, R_REF, 0 },
		{ "stats get parent claims too much", 0, { { 0, 0, RXB } }, 1,
		  0, 64, 65, 0, "bad stats reply", 0 },
		{ "stats get refused", 0, { { 0, 0, RXB } }, 1, 0, 0, 0,
		  B(OP_SGET), R_REF, 0 },
		{ "stats get query refused", 0, { { 0, 0, RXB } }, 1, 0, 0, 0,
		  B(OP_SQUERY), R_REF, 0 },
		{ "stats get without DEVICE_STATS", F(DEVICE_STATS),
		  { { 0, 0, RXB } }, 1, 0, 0, 0, 0, R_FEAT, 0 },
	};
	static struct vdpa_net_ctrl nc;
	static u8 buf[MAXCMD];
	u8 out[VDPA_NET_CTRL_MAX_RESULT_LEN];
	struct vdpa_net_ctrl_result res;
	unsigned int i;
	struct mock m;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char why[256] = "";
		bool ok = true;
		size_t len;

		dev_new(&nc, &m, all_features() & ~cases[i].feat_clear,
			cases[i].refuse);
		m.stats_get_ret = cases[i].get_ret;
		buf[0] = STATS;
		buf[1] = VIRTIO_NET_CTRL_STATS_GET;
		len = 2 + mk_stats(buf + 2, cases[i].e, cases[i].n);
		len = (size_t)((long)len + cases[i].delta);
		exec_raw(&nc, &m, buf, len,
			 cases[i].cap ? cases[i].cap : CAP_DEF, out, &res);
		if (cases[i].reason) {
			if (res.ack != VIRTIO_NET_ERR || res.len ||
			    strcmp(res.reason, cases[i].reason))
				ok = WHY("ack %u reason %s", res.ack,
					 res.reason ? res.reason : "-");
			else if (!strcmp(cases[i].reason, "bad stats request") &&
				 m.calls[OP_SGET])
				ok = WHY("stats_get called for a bad request");
		} else if (res.ack != VIRTIO_NET_OK) {
			ok = WHY("ERR %s", res.reason);
		} else if (res.len != cases[i].rlen) {
			ok = WHY("len %zu want %zu", res.len, cases[i].rlen);
		} else if (res.len && cases[i].e[0].types == CVQ &&
			   !cvq_reply_ok(out, cases[i].e[0].vq, 1, 1)) {
			ok = WHY("cvq reply wrong");
		} else if (res.len && cases[i].e[0].types != CVQ &&
			   (out[0] != __builtin_ctzll(cases[i].e[0].types) ||
			    out[2] != (u8)cases[i].e[0].vq ||
			    get64(out + 8) != cases[i].e[0].vq * 1000ULL +
			    out[0])) {
			ok = WHY("first reply wrong");
		} else if (cases[i].n == 3 &&
			   (out[16] != 1 || out[32] != 16 ||
			    !cvq_reply_ok(out + 48, 8, 1, 1))) {
			ok = WHY("replies not concatenated in order");
		}
		report(ok, cases[i].name, "%s", why);
	}
}

/*
 * With RSS negotiated the RSS configuration also drives hash reporting
 * (Linux sends RSS_CONFIG only); HASH_CONFIG is an MQ command like
 * VQ_PAIRS_SET, and the last one wins: it leaves RSS mode.
 */
static void test_rss_hash(void)
{
	static struct vdpa_net_ctrl nc;
	struct vdpa_net_ctrl_result res;
	u8 p[1024];
	struct mock m;

	dev_new(&nc, &m, all_features(), 0);
	setup_rss(&nc, &m);
	report(nc.state.hash_report && nc.state.hash.hash_types == 0x3 &&
	       nc.state.hash.key_len == 40 &&
	       !memcmp(nc.state.hash.key, nc.state.rss.key, 40),
	       "rss config also configures the hash report",
	       "report %d types %#x key_len %u", nc.state.hash_report,
	       nc.state.hash.hash_types, nc.state.hash.key_len);

	dev_new(&nc, &m, all_features() & ~F(HASH_REPORT), 0);
	setup_rss(&nc, &m);
	report(!nc.state.hash_report,
	       "rss config without HASH_REPORT reports no hash", "-");

	dev_new(&nc, &m, all_features(), 0);
	setup_rss(&nc, &m);
	exec_cmd(&nc, &m, MQ, VIRTIO_NET_CTRL_MQ_HASH_CONFIG, p,
		 mk_hash(p, 0x5, 0, 8), CAP_DEF, NULL, &res);
	report(res.ack == VIRTIO_NET_OK && !nc.state.rss_enabled &&
	       nc.state.hash_report && nc.state.hash.hash_types == 0x5,
	       "hash config leaves rss mode", "ack %u rss %d", res.ack,
	       nc.state.rss_enabled);

	/*
	 * RSS without MQ, then HASH_CONFIG: automatic steering over one
	 * pair, a state that restores.
	 */
	{
		static struct vdpa_net_ctrl b;
		static struct vdpa_net_ctrl_state st;
		int err;

		dev_new(&nc, &m, all_features() & ~F(MQ), 0);
		setup_rss(&nc, &m);
		exec_cmd(&nc, &m, MQ, VIRTIO_NET_CTRL_MQ_HASH_CONFIG, p,
			 mk_hash(p, 0x5, 0, 8), CAP_DEF, NULL, &res);
		vdpa_net_ctrl_save(&nc, &st);
		dev_new(&b, &m, all_features() & ~F(MQ), 0);
		err = vdpa_net_ctrl_restore(&b, &st, &mock_ops, &m);
		report(res.ack == VIRTIO_NET_OK && nc.state.vq_pairs == 1 &&
		       !err && mock_state_eq(&b.state, &st),
		       "hash config after rss without MQ: one pair, restorable",
		       "ack %u pairs %u restore %d", res.ack,
		       nc.state.vq_pairs, err);
	}
}

/* ---- receive steering: the Toeplitz hash and the queue it picks --- */

/* The key and flows of Microsoft's "Verifying the RSS Hash Calculation". */
static const u8 ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

struct ms_flow {
	bool v6;
	u8 src[16], dst[16];
	u16 sport, dport;
	u32 ip_hash, l4_hash;
};

static const struct ms_flow ms_flows[] = {
	{ false, { 66, 9, 149, 187 }, { 161, 142, 100, 80 }, 2794, 1766,
	  0x323e8fc2, 0x51ccc178 },
	{ false, { 199, 92, 111, 2 }, { 65, 69, 140, 83 }, 14230, 4739,
	  0xd718262a, 0xc626b0ea },
	{ false, { 24, 19, 198, 95 }, { 12, 22, 207, 184 }, 12898, 38024,
	  0xd2d0a5de, 0x5c2b394a },
	{ false, { 38, 27, 205, 30 }, { 209, 142, 163, 6 }, 48228, 2217,
	  0x82989176, 0xafc7327f },
	{ false, { 153, 39, 163, 191 }, { 202, 188, 127, 2 }, 44251, 1303,
	  0x5d1809c5, 0x10e828a2 },
	{ true,
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0,
	    0, 0, 0, 7 },
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0,
	    0, 0, 0, 1 }, 2794, 1766, 0x2cc18cd5, 0x40207d3d },
	{ true,
	  { 0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0, 0, 0x02, 0x60, 0x97,
	    0xff, 0xfe, 0x40, 0xef, 0xab },
	  { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
	  14230, 4739, 0x0f0c461c, 0xdde51bbf },
	{ true,
	  { 0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03, 0x02, 0x00,
	    0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf },
	  { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe,
	    0x21, 0x67, 0xcf }, 44251, 38024, 0x4b61e985, 0x02d1feef },
};

enum { FR_PLAIN, FR_VLAN, FR_FRAG, FR_EXTHDR, FR_SHORT_L4, FR_SHORT_L3,
       FR_V6FRAG };

/* An Ethernet frame of @f with IP protocol @proto; returns its length. */
static size_t mk_frame(u8 *b, const struct ms_flow *f, u8 proto, int shape)
{
	size_t off = 12, l3, l4;

	memset(b, 0, 128);
	memcpy(b, mac_own, ETH_ALEN);
	memcpy(b + 6, mac_other, ETH_ALEN);
	if (shape == FR_VLAN) {
		put16be(b + off, 0x8100);
		put16be(b + off + 2, 5);
		off += 4;
	}
	put16be(b + off, f->v6 ? 0x86dd : 0x0800);
	l3 = off + 2;
	if (f->v6) {
		b[l3] = 0x60;
		b[l3 + 6] = proto;
		memcpy(b + l3 + 8, f->src, 16);
		memcpy(b + l3 + 24, f->dst, 16);
		l4 = l3 + 40;
		if (shape == FR_EXTHDR) {
			/* hop-by-hop (16 bytes), then destination options */
			b[l3 + 6] = 0;
			b[l4] = 60;
			b[l4 + 1] = 1;
			b[l4 + 16] = proto;
			l4 += 24;
		} else if (shape == FR_V6FRAG) {
			b[l3 + 6] = 44;
			b[l4] = proto;
			put16be(b + l4 + 2, 0x0001);	/* more fragments */
			l4 += 8;
		}
	} else {
		b[l3] = 0x45;
		b[l3 + 9] = proto;
		if (shape == FR_FRAG)
			put16be(b + l3 + 6, 0x2000);	/* more fragments */
		memcpy(b + l3 + 12, f->src, 4);
		memcpy(b + l3 + 16, f->dst, 4);
		l4 = l3 + 20;
	}
	if (shape == FR_SHORT_L3)
		return l3 + (f->v6 ? 39 : 19);
	put16be(b + l4, f->sport);
	put16be(b + l4 + 2, f->dport);
	if (shape == FR_SHORT_L4)
		return l4 + 3;
	return l4 + 20;
}

static void test_rx_steer(void)
{
	static const struct {
		const char *name;
		u8 proto;
		int shape;
		u32 types;
		int want;	/* 0 none, 1 address hash, 2 with ports */
		u8 report4, report6;
	} cases[] = {
		{ "tcp", 6, FR_PLAIN, 0x3f, 2, VIRTIO_NET_HASH_REPORT_TCPv4,
		  VIRTIO_NET_HASH_REPORT_TCPv6 },
		{ "udp", 17, FR_PLAIN, 0x3f, 2, VIRTIO_NET_HASH_REPORT_UDPv4,
		  VIRTIO_NET_HASH_REPORT_UDPv6 },
		{ "icmp", 1, FR_PLAIN, 0x3f, 1, VIRTIO_NET_HASH_REPORT_IPv4,
		  VIRTIO_NET_HASH_REPORT_IPv6 },
		{ "tcp, ip types only", 6, FR_PLAIN, 0x09, 1,
		  VIRTIO_NET_HASH_REPORT_IPv4, VIRTIO_NET_HASH_REPORT_IPv6 },
		{ "udp, tcp types only", 17, FR_PLAIN, 0x12, 0, 0, 0 },
		{ "udp, no ip type", 17, FR_PLAIN, 0x36, 2,
		  VIRTIO_NET_HASH_REPORT_UDPv4, VIRTIO_NET_HASH_REPORT_UDPv6 },
		{ "icmp, l4 types only", 1, FR_PLAIN, 0x36, 0, 0, 0 },
		{ "tcp in a vlan", 6, FR_VLAN, 0x3f, 2,
		  VIRTIO_NET_HASH_REPORT_TCPv4, VIRTIO_NET_HASH_REPORT_TCPv6 },
		{ "tcp with 3 bytes of ports", 6, FR_SHORT_L4, 0x3f, 1,
		  VIRTIO_NET_HASH_REPORT_IPv4, VIRTIO_NET_HASH_REPORT_IPv6 },
		{ "truncated ip header", 6, FR_SHORT_L3, 0x3f, 0, 0, 0 },
		{ "tcp fragment (v4), plain (v6)", 6, FR_FRAG, 0x3f, 1,
		  VIRTIO_NET_HASH_REPORT_IPv4, VIRTIO_NET_HASH_REPORT_TCPv6 },
		{ "tcp after hop-by-hop and dest options (v6)", 6, FR_EXTHDR,
		  0x3f, 2, VIRTIO_NET_HASH_REPORT_TCPv4,
		  VIRTIO_NET_HASH_REPORT_TCPv6 },
		{ "udp after hop-by-hop and dest options (v6)", 17, FR_EXTHDR,
		  0x3f, 2, VIRTIO_NET_HASH_REPORT_UDPv4,
		  VIRTIO_NET_HASH_REPORT_UDPv6 },
		{ "tcp fragment (v6)", 6, FR_V6FRAG, 0x3f, 1,
		  VIRTIO_NET_HASH_REPORT_TCPv4, VIRTIO_NET_HASH_REPORT_IPv6 },
	};
	static struct vdpa_net_ctrl nc;
	struct vdpa_net_ctrl_rx_hash h;
	unsigned int i, j, k, bad;
	struct mock m;
	u8 fr[128];
	size_t len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[128];
		char why[160] = "-";

		bad = 0;
		for (j = 0; j < sizeof(ms_flows) / sizeof(ms_flows[0]); j++) {
			const struct ms_flow *f = &ms_flows[j];
			u32 want_hash;
			u8 want_rep;
			u16 want_q;

			dev_new(&nc, &m, all_features(), 0);
			nc.state.rss_enabled = true;
			nc.state.hash_report = true;
			nc.state.vq_pairs = 4;
			nc.state.rss.hash_types = cases[i].types;
			nc.state.rss.indirection_table_mask = 127;
			nc.state.rss.unclassified_queue = 3;
			nc.state.rss.key_len = 40;
			memcpy(nc.state.rss.key, ms_key, 40);
			for (k = 0; k < 128; k++)
				nc.state.rss.table[k] = (k * 7) % 4;
			nc.state.hash = nc.state.rss;

			len = mk_frame(fr, f, cases[i].proto, cases[i].shape);
			vdpa_net_ctrl_rx_steer(&nc, fr, len, &h);
			want_rep = f->v6 ? cases[i].report6 : cases[i].report4;
			want_hash = 0;
			if (want_rep == VIRTIO_NET_HASH_REPORT_TCPv4 ||
			    want_rep == VIRTIO_NET_HASH_REPORT_UDPv4 ||
			    want_rep == VIRTIO_NET_HASH_REPORT_TCPv6 ||
			    want_rep == VIRTIO_NET_HASH_REPORT_UDPv6)
				want_hash = f->l4_hash;
			else if (want_rep)
				want_hash = f->ip_hash;
			want_q = want_rep ? nc.state.rss.table[want_hash & 127] :
					    3;
			if (h.value != want_hash || h.report != want_rep ||
			    h.queue != want_q || h.vq_pairs != 4) {
				bad++;
				snprintf(why, sizeof(why),
					 "flow %u: hash %#x report %u queue %u, want %#x %u %u",
					 j, h.value, h.report, h.queue,
					 want_hash, want_rep, want_q);
			}
		}
		snprintf(name, sizeof(name), "rx steer: %s", cases[i].name);
		report(!bad, name, "%s", why);
	}

	/* Off: the device picks; no report. */
	dev_new(&nc, &m, all_features(), 0);
	len = mk_frame(fr, &ms_flows[0], 6, FR_PLAIN);
	vdpa_net_ctrl_rx_steer(&nc, fr, len, &h);
	report(h.queue == VDPA_NET_CTRL_RX_QUEUE_ANY && !h.report && !h.value &&
	       h.vq_pairs == 1, "rx steer: rss and hash report off",
	       "queue %u report %u", h.queue, h.report);

	/* Through the commands: RSS_CONFIG with the key, then HASH_CONFIG. */
	{
		static u8 p[1024];
		struct vdpa_net_ctrl_result res;
		struct rss_args a = { .types = 0x3f, .mask = 127, .uncl = 0,
				      .entry = 2, .max_tx = 4, .key_len = 40 };
		size_t n = mk_rss(p, &a);

		memcpy(p + n - 40, ms_key, 40);
		exec_cmd(&nc, &m, MQ, VIRTIO_NET_CTRL_MQ_RSS_CONFIG, p, n,
			 CAP_DEF, NULL, &res);
		vdpa_net_ctrl_rx_steer(&nc, fr, len, &h);
		report(res.ack == VIRTIO_NET_OK && h.queue == 2 &&
		       h.value == 0x51ccc178 &&
		       h.report == VIRTIO_NET_HASH_REPORT_TCPv4 &&
		       h.vq_pairs == 4,
		       "rx steer: after RSS_CONFIG, report with the rss key",
		       "ack %u queue %u hash %#x report %u", res.ack, h.queue,
		       h.value, h.report);

		n = mk_hash(p, 0x1, 0, 40);
		memcpy(p + 13, ms_key, 40);
		exec_cmd(&nc, &m, MQ, VIRTIO_NET_CTRL_MQ_HASH_CONFIG, p, n,
			 CAP_DEF, NULL, &res);
		vdpa_net_ctrl_rx_steer(&nc, fr, len, &h);
		report(res.ack == VIRTIO_NET_OK &&
		       h.queue == VDPA_NET_CTRL_RX_QUEUE_ANY &&
		       h.value == 0x323e8fc2 &&
		       h.report == VIRTIO_NET_HASH_REPORT_IPv4,
		       "rx steer: after HASH_CONFIG, report only",
		       "ack %u queue %u hash %#x report %u", res.ack, h.queue,
		       h.value, h.report);

		/*
		 * Every prefix of every frame shape, with RSS and the hash
		 * report on: nothing read past @len (ASan aborts), and a
		 * queue of the device.
		 */
		n = mk_rss(p, &(struct rss_args){ .types = 0x3f, .mask = 127,
						   .entry_mod = true,
						   .max_tx = 4,
						   .key_len = 40 });
		exec_cmd(&nc, &m, MQ, VIRTIO_NET_CTRL_MQ_RSS_CONFIG, p, n,
			 CAP_DEF, NULL, &res);
		bad = res.ack != VIRTIO_NET_OK;
		for (j = 0; j < 2 * 7; j++) {
			static const u8 protos[] = { 6, 17 };
			size_t flen = mk_frame(fr, &ms_flows[j % 2 ? 5 : 0],
					       protos[j % 2], j / 2);

			for (k = 0; k <= flen; k++) {
				u8 *c = malloc(k ? k : 1);

				memcpy(c, fr, k);
				vdpa_net_ctrl_rx_steer(&nc, c, k, &h);
				free(c);
				bad += h.queue >= 4;
			}
		}
		report(!bad, "rx steer: every prefix of every frame shape",
		       "%u bad", bad);
	}
}

/* The CVQ's counters count every command, the one being answered too. */
static void test_stats_cvq_counts(void)
{
	static struct vdpa_net_ctrl nc;
	u8 out[VDPA_NET_CTRL_MAX_RESULT_LEN], req[16];
	struct vdpa_net_ctrl_result res;
	struct stats_entry e = { 8, 0, VIRTIO_NET_STATS_TYPE_CVQ };
	struct mock m;

	dev_new(&nc, &m, all_features(), 0);
	must(&nc, &m, RX, VIRTIO_NET_CTRL_RX_PROMISC, PL("\x00"));
	exec_cmd(&nc, &m, RX, VIRTIO_NET_CTRL_RX_PROMISC, PL("\x00\x00"),
		 CAP_DEF, NULL, &res);
	mk_stats(req, &e, 1);
	exec_cmd(&nc, &m, STATS, VIRTIO_NET_CTRL_STATS_GET, req, sizeof(req),
		 CAP_DEF, out, &res);
	report(res.ack == VIRTIO_NET_OK && res.len == 24 &&
	       cvq_reply_ok(out, 8, 3, 2) && !m.calls[OP_SGET],
	       "stats get cvq counts 3 commands, 2 ok, itself included",
	       "ack %u len %zu cmds %llu ok %llu", res.ack, res.len,
	       (unsigned long long)get64(out + 8),
	       (unsigned long long)get64(out + 16));
}

/* The result room the ring layer makes for a command. */
static void test_result_max(void)
{
	static u8 cmd[2 + 16 * 600];

	cmd[0] = STATS;
	cmd[1] = VIRTIO_NET_CTRL_STATS_GET;
	report(vdpa_net_ctrl_result_max(cmd, 2 + 16 * 600) >=
	       600 * sizeof(struct virtio_net_stats_cvq) &&
	       vdpa_net_ctrl_result_max(cmd, 2 + 16) ==
	       VDPA_NET_CTRL_MAX_RESULT_LEN &&
	       vdpa_net_ctrl_result_max(cmd, 1) ==
	       VDPA_NET_CTRL_MAX_RESULT_LEN,
	       "result room grows with the stats entries", "%zu",
	       vdpa_net_ctrl_result_max(cmd, 2 + 16 * 600));
	cmd[1] = VIRTIO_NET_CTRL_STATS_QUERY;
	report(vdpa_net_ctrl_result_max(cmd, sizeof(cmd)) ==
	       VDPA_NET_CTRL_MAX_RESULT_LEN, "result room of other commands",
	       "-");
}

/* ---- vq_get through the parent ------------------------------------ */

static void test_vq_get_op(void)
{
	static struct vdpa_net_ctrl nc;
	u8 out[VDPA_NET_CTRL_MAX_RESULT_LEN];
	struct vdpa_net_ctrl_result res;
	struct mock m;

	dev_new(&nc, &m, all_features(), 0);
	m.vq_get_override = true;
	m.vq_get_value.max_packets = 0x01020304;
	m.vq_get_value.max_usecs = 0x0a0b0c0d;
	exec_cmd(&nc, &m, COAL, VIRTIO_NET_CTRL_NOTF_COAL_VQ_GET,
		 PL("\x00\x00\x00\x00"), CAP_DEF, out, &res);
	report(res.ack == VIRTIO_NET_OK && res.len == 8 &&
	       !memcmp(out, "\x04\x03\x02\x01\x0d\x0c\x0b\x0a", 8) &&
	       m.vq == 0,
	       "coal vq get answers from the parent op", "ack %u len %zu",
	       res.ack, res.len);
}

/* ---- feature derivation ------------------------------------------- */

static void test_features(void)
{
	const unsigned int all = (1u << OP_N) - 1;
	const struct {
		const char *name;
		unsigned int ops;
		bool null_ops;
		u16 pairs;
		u8 key;
		u16 table;
		u32 types;
		u64 soft;
		u64 want;
	} cases[] = {
		{ "no ops", 0, false, 4, 40, 128, 0x3f, 0, F(CTRL_VQ) },
		{ "NULL ops", 0, true, 4, 40, 128, 0x3f, 0, F(CTRL_VQ) },
		{ "rx_mode only", B(OP_RX), false, 1, 0, 0, 0, 0, F(CTRL_VQ) },
		{ "rx_mode + table", B(OP_RX) | B(OP_TABLE), false, 1, 0, 0,
		  0, 0, F(CTRL_VQ) | F(CTRL_RX) | F(CTRL_RX_EXTRA) },
		{ "table + soft rx", B(OP_TABLE), false, 1, 0, 0, 0,
		  F(CTRL_RX), F(CTRL_VQ) | F(CTRL_RX) },
		{ "soft rx + rx_extra", 0, false, 1, 0, 0, 0,
		  F(CTRL_RX) | F(CTRL_RX_EXTRA),
		  F(CTRL_VQ) | F(CTRL_RX) | F(CTRL_RX_EXTRA) },
		{ "soft rx_extra alone", 0, false, 1, 0, 0, 0,
		  F(CTRL_RX_EXTRA), F(CTRL_VQ) },
		{ "mac_addr", B(OP_MAC), false, 1, 0, 0, 0, 0,
		  F(CTRL_VQ) | F(CTRL_MAC_ADDR) },
		{ "soft mac_addr", 0, false, 1, 0, 0, 0, F(CTRL_MAC_ADDR),
		  F(CTRL_VQ) | F(CTRL_MAC_ADDR) },
		{ "vlan_add only", B(OP_VADD), false, 1, 0, 0, 0, 0,
		  F(CTRL_VQ) },
		{ "vlan add + del", B(OP_VADD) | B(OP_VDEL), false, 1, 0, 0, 0,
		  0, F(CTRL_VQ) | F(CTRL_VLAN) },
		{ "soft vlan", 0, false, 1, 0, 0, 0, F(CTRL_VLAN),
		  F(CTRL_VQ) | F(CTRL_VLAN) },
		{ "announce", B(OP_ANN), false, 1, 0, 0, 0, 0,
		  F(CTRL_VQ) | F(GUEST_ANNOUNCE) },
		{ "soft announce is ignored", 0, false, 1, 0, 0, 0,
		  F(GUEST_ANNOUNCE), F(CTRL_VQ) },
		{ "vq_pairs with 1 pair", B(OP_PAIRS), false, 1, 0, 0, 0, 0,
		  F(CTRL_VQ) },
		{ "vq_pairs with 4 pairs", B(OP_PAIRS), false, 4, 0, 0, 0, 0,
		  F(CTRL_VQ) | F(MQ) },
		{ "soft mq", 0, false, 4, 0, 0, 0, F(MQ), F(CTRL_VQ) | F(MQ) },
		{ "soft mq with 1 pair", 0, false, 1, 0, 0, 0, F(MQ),
		  F(CTRL_VQ) },
		{ "soft rss", 0, false, 4, 40, 128, 0x3f, F(MQ) | F(RSS),
		  F(CTRL_VQ) | F(MQ) | F(RSS) },
		{ "soft rss without mq", 0, false, 4, 40, 128, 0x3f, F(RSS),
		  F(CTRL_VQ) },
		{ "soft rss key 39", 0, false, 4, 39, 128, 0x3f,
		  F(MQ) | F(RSS), F(CTRL_VQ) | F(MQ) },
		{ "soft hash", 0, false, 1, 40, 0, 0x3f, F(HASH_REPORT),
		  F(CTRL_VQ) | F(HASH_REPORT) },
		{ "soft hash types 0", 0, false, 1, 40, 0, 0, F(HASH_REPORT),
		  F(CTRL_VQ) },
		{ "rss", B(OP_PAIRS) | B(OP_RSS), false, 4, 40, 128, 0x3f, 0,
		  F(CTRL_VQ) | F(MQ) | F(RSS) },
		{ "rss without vq_pairs", B(OP_RSS), false, 4, 40, 128, 0x3f,
		  0, F(CTRL_VQ) },
		{ "rss with 1 pair", B(OP_PAIRS) | B(OP_RSS), false, 1, 40,
		  128, 0x3f, 0, F(CTRL_VQ) },
		{ "rss key 0", B(OP_PAIRS) | B(OP_RSS), false, 4, 0, 128, 0x3f,
		  0, F(CTRL_VQ) | F(MQ) },
		{ "rss table 0", B(OP_PAIRS) | B(OP_RSS), false, 4, 40, 0,
		  0x3f, 0, F(CTRL_VQ) | F(MQ) },
		{ "rss types 0", B(OP_PAIRS) | B(OP_RSS), false, 4, 40, 128, 0,
		  0, F(CTRL_VQ) | F(MQ) },
		/* the spec's minimums: key 40 (RSS, HASH_REPORT), table 128 */
		{ "rss key 39", B(OP_PAIRS) | B(OP_RSS), false, 4, 39, 128,
		  0x3f, 0, F(CTRL_VQ) | F(MQ) },
		{ "rss table 64", B(OP_PAIRS) | B(OP_RSS), false, 4, 40, 64,
		  0x3f, 0, F(CTRL_VQ) | F(MQ) },
		{ "hash key 39", B(OP_HASH), false, 1, 39, 0, 0x3f, 0,
		  F(CTRL_VQ) },
		{ "hash", B(OP_HASH), false, 1, 40, 0, 0x3f, 0,
		  F(CTRL_VQ) | F(HASH_REPORT) },
		{ "hash key 0", B(OP_HASH), false, 1, 0, 0, 0x3f, 0,
		  F(CTRL_VQ) },
		{ "hash types 0", B(OP_HASH), false, 1, 40, 0, 0, 0,
		  F(CTRL_VQ) },
		{ "offloads", B(OP_OFFL), false, 1, 0, 0, 0, 0,
		  F(CTRL_VQ) | F(CTRL_GUEST_OFFLOADS) },
		{ "soft offloads", 0, false, 1, 0, 0, 0, F(CTRL_GUEST_OFFLOADS),
		  F(CTRL_VQ) | F(CTRL_GUEST_OFFLOADS) },
		{ "coal tx only", B(OP_CTX), false, 1, 0, 0, 0, 0,
		  F(CTRL_VQ) },
		{ "coal tx + rx", B(OP_CTX) | B(OP_CRX), false, 1, 0, 0, 0, 0,
		  F(CTRL_VQ) | F(NOTF_COAL) },
		{ "coal vq with 32 pairs", B(OP_CVQSET), false, 32, 0, 0, 0, 0,
		  F(CTRL_VQ) | F(VQ_NOTF_COAL) },
		{ "coal vq with 33 pairs", B(OP_CVQSET), false, 33, 0, 0, 0, 0,
		  F(CTRL_VQ) },
		{ "soft coal", 0, false, 1, 0, 0, 0,
		  F(NOTF_COAL) | F(VQ_NOTF_COAL),
		  F(CTRL_VQ) | F(NOTF_COAL) | F(VQ_NOTF_COAL) },
		{ "soft vq coal with 33 pairs", 0, false, 33, 0, 0, 0,
		  F(VQ_NOTF_COAL), F(CTRL_VQ) },
		{ "stats query only", B(OP_SQUERY), false, 1, 0, 0, 0, 0,
		  F(CTRL_VQ) },
		{ "stats query + get", B(OP_SQUERY) | B(OP_SGET), false, 1, 0,
		  0, 0, 0, F(CTRL_VQ) | F(DEVICE_STATS) },
		{ "all ops", all, false, 4, 40, 128, 0x3f, 0,
		  F(CTRL_VQ) | F(CTRL_RX) | F(CTRL_RX_EXTRA) |
		  F(CTRL_MAC_ADDR) | F(CTRL_VLAN) | F(GUEST_ANNOUNCE) | F(MQ) |
		  F(RSS) | F(HASH_REPORT) | F(CTRL_GUEST_OFFLOADS) |
		  F(NOTF_COAL) | F(VQ_NOTF_COAL) | F(DEVICE_STATS) },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vdpa_net_ctrl_ops ops = mock_ops_subset(cases[i].ops);
		struct vdpa_net_ctrl_limits lim = {
			.max_vq_pairs = cases[i].pairs,
			.mac_table_entries = 4,
			.rss_max_key_size = cases[i].key,
			.rss_max_indirection_table_length = cases[i].table,
			.supported_hash_types = cases[i].types,
			.soft_features = cases[i].soft,
		};
		u64 got = vdpa_net_ctrl_features(cases[i].null_ops ? NULL : &ops,
					    &lim);
		char name[128];

		snprintf(name, sizeof(name), "features: %s", cases[i].name);
		report(got == cases[i].want, name, "got %#llx want %#llx",
		       (unsigned long long)got,
		       (unsigned long long)cases[i].want);
	}
}

/* ---- receive filter ----------------------------------------------- */

static void test_rx_accept(void)
{
	enum { PR = 1, AM = 2, AU = 4, NM = 8, NU = 16, NB = 32 };
	const struct {
		const char *name;
		u8 mode;
		bool vlan_feat;
		bool uc_ovf, mc_ovf;
		const u8 *dst;
		int tag;		/* -1: untagged, else the vid */
		size_t len;		/* 0: 64 bytes */
		bool want;
	} cases[] = {
		{ "13-byte frame", PR, false, false, false, mac_own, -1, 13,
		  false },
		{ "14-byte frame, own mac", 0, false, false, false, mac_own,
		  -1, 14, true },
		{ "promisc other unicast", PR, false, false, false, mac_other,
		  -1, 0, true },
		{ "promisc beats vlan filter", PR, true, false, false,
		  mac_other, 6, 0, true },
		{ "promisc beats nobcast", PR | NB, false, false, false,
		  mac_bc, -1, 0, true },
		{ "own mac", 0, false, false, false, mac_own, -1, 0, true },
		{ "other unicast", 0, false, false, false, mac_other, -1, 0,
		  false },
		{ "unicast in table", 0, false, false, false, mac_uc, -1, 0,
		  true },
		{ "alluni other unicast", AU, false, false, false, mac_other,
		  -1, 0, true },
		{ "nouni own mac", NU, false, false, false, mac_own, -1, 0,
		  false },
		{ "nouni beats alluni", NU | AU, false, false, false,
		  mac_other, -1, 0, false },
		{ "uc overflow other unicast", 0, false, true, false,
		  mac_other, -1, 0, true },
		{ "broadcast", 0, false, false, false, mac_bc, -1, 0, true },
		{ "nobcast broadcast", NB, false, false, false, mac_bc, -1, 0,
		  false },
		{ "nomulti broadcast", NM, false, false, false, mac_bc, -1, 0,
		  true },
		{ "multicast in table", 0, false, false, false, mac_mc, -1, 0,
		  true },
		{ "other multicast", 0, false, false, false, mac_mc2, -1, 0,
		  false },
		{ "allmulti other multicast", AM, false, false, false,
		  mac_mc2, -1, 0, true },
		{ "nomulti multicast in table", NM, false, false, false,
		  mac_mc, -1, 0, false },
		{ "nomulti beats allmulti", NM | AM, false, false, false,
		  mac_mc2, -1, 0, false },
		{ "mc overflow other multicast", 0, false, false, true,
		  mac_mc2, -1, 0, true },
		{ "uc overflow does not pass multicast", 0, false, true, false,
		  mac_mc2, -1, 0, false },
		{ "vlan 5 allowed", 0, true, false, false, mac_own, 5, 0,
		  true },
		{ "vlan 6 filtered", 0, true, false, false, mac_own, 6, 0,
		  false },
		{ "vlan 6 without CTRL_VLAN", 0, false, false, false, mac_own,
		  6, 0, true },
		{ "untagged with CTRL_VLAN", 0, true, false, false, mac_own,
		  -1, 0, true },
		{ "vlan tag truncated", 0, true, false, false, mac_own, 5, 15,
		  false },
		{ "vlan 5 tag, 18 bytes", 0, true, false, false, mac_own, 5,
		  18, true },
		{ "broadcast on filtered vlan", 0, true, false, false, mac_bc,
		  6, 0, false },
		{ "vlan 5 with prio bits", 0, true, false, false, mac_own,
		  0xe005, 0, true },
	};
	static struct vdpa_net_ctrl nc;
	unsigned int i;
	struct mock m;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : 64;
		u8 *buf = malloc(len + 1);
		u8 frame[64];
		char name[128];
		bool got;

		dev_new(&nc, &m, all_features() &
			~(cases[i].vlan_feat ? 0 : F(CTRL_VLAN)), 0);
		memcpy(nc.state.mac, mac_own, ETH_ALEN);
		nc.state.rx_mode = cases[i].mode;
		nc.state.uc.count = 1;
		memcpy(nc.state.uc.addr[0], mac_uc, ETH_ALEN);
		nc.state.mc.count = 1;
		memcpy(nc.state.mc.addr[0], mac_mc, ETH_ALEN);
		if (cases[i].uc_ovf) {
			nc.state.uc.count = 0;
			nc.state.uc.overflow = true;
		}
		if (cases[i].mc_ovf) {
			nc.state.mc.count = 0;
			nc.state.mc.overflow = true;
		}
		__set_bit(5, nc.state.vlans);

		memset(frame, 0, sizeof(frame));
		memcpy(frame, cases[i].dst, ETH_ALEN);
		memcpy(frame + 6, mac_other, ETH_ALEN);
		if (cases[i].tag >= 0) {
			frame[12] = 0x81;
			frame[13] = 0x00;
			frame[14] = (u8)(cases[i].tag >> 8);
			frame[15] = (u8)cases[i].tag;
			frame[16] = 0x08;
		} else {
			frame[12] = 0x08;
		}
		/* odd address: the filter must not assume alignment */
		memcpy(buf + 1, frame, len);
		got = vdpa_net_ctrl_rx_accept(&nc, buf + 1, len);
		free(buf);
		snprintf(name, sizeof(name), "rx_accept: %s", cases[i].name);
		report(got == cases[i].want, name, "got %d", got);
	}
}

/* ---- init, reset, features, class names --------------------------- */

static void test_init(void)
{
	static struct vdpa_net_ctrl nc;
	static const struct {
		const char *name;
		struct vdpa_net_ctrl_limits lim;
	} bad[] = {
		{ "max_vq_pairs 0", { .max_vq_pairs = 0 } },
		{ "max_vq_pairs 0x8001", { .max_vq_pairs = 0x8001 } },
		{ "mac_table_entries 65",
		  { .max_vq_pairs = 1, .mac_table_entries = 65 } },
		{ "rss_max_key_size 53",
		  { .max_vq_pairs = 1, .rss_max_key_size = 53 } },
		{ "rss table length 257",
		  { .max_vq_pairs = 1,
		    .rss_max_indirection_table_length = 257 } },
	};
	struct vdpa_net_ctrl_limits lim = {
		.max_vq_pairs = 0x8000, .mac_table_entries = 64,
		.rss_max_key_size = 52,
		.rss_max_indirection_table_length = 256,
	};
	unsigned int i;
	bool ok;
	int err;

	/* Limits the core cannot hold are refused, not silently clamped. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[96];

		err = vdpa_net_ctrl_init(&nc, &bad[i].lim);
		snprintf(name, sizeof(name), "init refuses %s", bad[i].name);
		report(err == -EINVAL, name, "err %d", err);
	}
	err = vdpa_net_ctrl_init(&nc, &lim);
	report(!err && nc.limits.max_vq_pairs == 0x8000 &&
	       nc.limits.rss_max_key_size == 52, "init takes the maxima",
	       "err %d", err);

	vdpa_net_ctrl_init(&nc, &test_limits);
	vdpa_net_ctrl_set_features(&nc, F(GUEST_CSUM) | F(GUEST_USO6) |
			      F(HOST_TSO4) | F(CTRL_VQ) | F(GUEST_ECN));
	report(nc.state.guest_offloads ==
	       (F(GUEST_CSUM) | F(GUEST_USO6) | F(GUEST_ECN)),
	       "set_features switches negotiated guest offloads on", "%#llx",
	       (unsigned long long)nc.state.guest_offloads);

	nc.state.vq_pairs = 3;
	nc.state.rx_mode = 0x3f;
	nc.state.mac[0] = 2;
	nc.state.uc.count = 2;
	__set_bit(7, nc.state.vlans);
	nc.state.rss_enabled = true;
	nc.state.vq_coal[3].max_usecs = 9;
	vdpa_net_ctrl_reset(&nc);
	ok = nc.features == 0 && nc.state.vq_pairs == 1 &&
	     nc.state.rx_mode == BIT(VIRTIO_NET_CTRL_RX_PROMISC) &&
	     !nc.state.mac[0] && !nc.state.uc.count &&
	     !test_bit(7, nc.state.vlans) && !nc.state.rss_enabled &&
	     !nc.state.guest_offloads && !nc.state.vq_coal[3].max_usecs &&
	     nc.limits.max_vq_pairs == 4;
	report(ok, "reset restores defaults, clears features", "-");

	report(!strcmp(vdpa_net_ctrl_class_name(0), "rx") &&
	       !strcmp(vdpa_net_ctrl_class_name(1), "mac") &&
	       !strcmp(vdpa_net_ctrl_class_name(2), "vlan") &&
	       !strcmp(vdpa_net_ctrl_class_name(3), "announce") &&
	       !strcmp(vdpa_net_ctrl_class_name(4), "mq") &&
	       !strcmp(vdpa_net_ctrl_class_name(5), "guest_offloads") &&
	       !strcmp(vdpa_net_ctrl_class_name(6), "notf_coal") &&
	       !strcmp(vdpa_net_ctrl_class_name(7), "class7") &&
	       !strcmp(vdpa_net_ctrl_class_name(8), "stats") &&
	       !strcmp(vdpa_net_ctrl_class_name(9), "unknown") &&
	       !strcmp(vdpa_net_ctrl_class_name(255), "unknown"),
	       "class names", "-");
}

/* ---- save and restore --------------------------------------------- */

/* A device with every kind of state set through commands. */
static void configure(struct vdpa_net_ctrl *nc, struct mock *m, bool rss)
{
	u8 p[1024];

	must(nc, m, MAC, 1, mac_own, ETH_ALEN);
	must(nc, m, MAC, 0, p, mk_table(p, 2, 2, 1, 1));
	must(nc, m, RX, 0, PL("\x00"));
	must(nc, m, RX, 1, PL("\x01"));
	must(nc, m, RX, 5, PL("\x01"));
	must(nc, m, VLAN, 0, PL("\x00\x00"));
	must(nc, m, VLAN, 0, PL("\x05\x00"));
	must(nc, m, VLAN, 0, PL("\xff\x0f"));
	/* With RSS, the RSS configuration drives the hash report too. */
	if (rss) {
		setup_rss(nc, m);
	} else {
		must(nc, m, MQ, 0, PL("\x02\x00"));
		must(nc, m, MQ, 2, p, mk_hash(p, 0x3, 0, 8));
	}
	must(nc, m, OFFL, 0, PL("\x80\x00\x00\x00\x00\x00\x00\x00"));
	must(nc, m, COAL, 0, PL("\x01\x00\x00\x00\x02\x00\x00\x00"));
	must(nc, m, COAL, 1, PL("\x03\x00\x00\x00\x04\x00\x00\x00"));
	must(nc, m, COAL, 2, PL("\x02\x00\x00\x00" COALPL));
}

/* The i-th invalid variant of a configured state (see test_restore). */
static void mutate(struct vdpa_net_ctrl_state *s, unsigned int i)
{
	switch (i) {
	case 0: s->uc.count = 5; break;
	case 1: s->mc.count = 65; break;
	case 2: s->mc.overflow = true; s->mc.count = 1; break;
	case 3: s->vq_pairs = 0; s->rss_enabled = false; break;
	case 4: s->vq_pairs = 5; s->rss_enabled = false; break;
	case 5: s->vq_pairs = 2; s->rss_enabled = false; break;
	case 6: break;
	case 7: s->rss.indirection_table_mask = 2; break;
	case 8: s->rss.max_tx_vq = 2; break;
	case 9: s->rss.table[3] = 4; break;
	case 10: s->rss.unclassified_queue = 4; break;
	case 11: s->rss.key_len = 41; break;
	case 12: s->rss.hash_types = 0x100; break;
	case 13: break;
	case 14: s->hash.key_len = 53; break;
	case 15: s->hash.hash_types = 0; break;
	case 16: s->guest_offloads |= F(GUEST_UFO); break;
	case 17: s->guest_offloads |= F(HOST_TSO4); break;
	case 18: s->rx_mode |= 0x40; break;
	}
}

static void test_restore(void)
{
	static struct vdpa_net_ctrl a, b;
	static struct vdpa_net_ctrl_state s, t, before;
	struct vdpa_net_ctrl_ops ops;
	struct mock m;
	unsigned int i;
	bool ok;
	int err;

	/* round trip with RSS */
	{
		static const unsigned char want[] = {
			OP_MAC, OP_TABLE, OP_RX, OP_RX, OP_RX, OP_RX, OP_RX,
			OP_RX, OP_VADD, OP_VADD, OP_VADD, OP_RSS, OP_OFFL,
			OP_CTX, OP_CRX, OP_CVQSET, OP_CVQSET, OP_CVQSET,
			OP_CVQSET, OP_CVQSET, OP_CVQSET,
		};

		dev_new(&a, &m, all_features(), 0);
		configure(&a, &m, true);
		vdpa_net_ctrl_save(&a, &s);
		dev_new(&b, &m, all_features(), 0);
		err = vdpa_net_ctrl_restore(&b, &s, &mock_ops, &m);
		ok = !err && mock_state_eq(&b.state, &s) &&
		     m.nlog == sizeof(want) && !memcmp(m.log, want, m.nlog) &&
		     m.pairs == 3 && !memcmp(m.mac, mac_own, ETH_ALEN) &&
		     m.offloads == F(GUEST_TSO4) && m.vq == 5;
		report(ok, "restore round trip with rss, replay order",
		       "err %d nlog %u", err, m.nlog);
	}
	/* round trip with VQ_PAIRS_SET */
	{
		dev_new(&a, &m, all_features(), 0);
		configure(&a, &m, false);
		vdpa_net_ctrl_save(&a, &s);
		dev_new(&b, &m, all_features(), 0);
		err = vdpa_net_ctrl_restore(&b, &s, &mock_ops, &m);
		ok = !err && mock_state_eq(&b.state, &s) &&
		     m.calls[OP_PAIRS] == 1 && m.pairs == 2 &&
		     !m.calls[OP_RSS] && m.calls[OP_CVQSET] == 4;
		report(ok, "restore round trip with vq pairs", "err %d", err);
	}
	/* fresh state: no MAC replay, promisc on, no vlans */
	{
		dev_new(&a, &m, all_features(), 0);
		vdpa_net_ctrl_save(&a, &s);
		dev_new(&b, &m, all_features(), 0);
		err = vdpa_net_ctrl_restore(&b, &s, &mock_ops, &m);
		ok = !err && !m.calls[OP_MAC] && m.calls[OP_RX] == 6 &&
		     !m.calls[OP_VADD] && !m.calls[OP_HASH] &&
		     m.calls[OP_PAIRS] == 1 && m.calls[OP_CVQSET] == 2;
		report(ok, "restore of defaults skips zero mac", "err %d",
		       err);
	}
	/* features limit what is replayed */
	{
		dev_new(&a, &m, all_features(), 0);
		configure(&a, &m, false);
		vdpa_net_ctrl_save(&a, &s);
		s.rx_mode = BIT(1);
		dev_new(&b, &m, F(CTRL_VQ) | F(MQ) | F(CTRL_VLAN), 0);
		s.hash_report = false;
		s.guest_offloads = 0;
		err = vdpa_net_ctrl_restore(&b, &s, &mock_ops, &m);
		ok = !err && !m.calls[OP_MAC] && !m.calls[OP_TABLE] &&
		     !m.calls[OP_RX] && m.calls[OP_VADD] == 3 &&
		     m.calls[OP_PAIRS] == 1 && !m.calls[OP_OFFL] &&
		     !m.calls[OP_CTX] && !m.calls[OP_CVQSET] &&
		     mock_state_eq(&b.state, &s);
		report(ok, "restore replays only negotiated features",
		       "err %d", err);
	}
	/* rx_extra not negotiated: only promisc and allmulti replayed */
	{
		dev_new(&a, &m, all_features() & ~F(CTRL_RX_EXTRA), 0);
		vdpa_net_ctrl_save(&a, &s);
		dev_new(&b, &m, all_features() & ~F(CTRL_RX_EXTRA), 0);
		err = vdpa_net_ctrl_restore(&b, &s, &mock_ops, &m);
		report(!err && m.calls[OP_RX] == 2,
		       "restore without RX_EXTRA replays 2 modes", "rx %u",
		       m.calls[OP_RX]);
	}
	/* NULL ops adopt the state */
	{
		dev_new(&a, &m, all_features(), 0);
		configure(&a, &m, true);
		vdpa_net_ctrl_save(&a, &s);
		dev_new(&b, &m, all_features(), 0);
		err = vdpa_net_ctrl_restore(&b, &s, NULL, NULL);
		report(!err && mock_state_eq(&b.state, &s),
		       "restore with NULL ops adopts state", "err %d", err);
	}
	/* restore of its own state (aliasing) */
	{
		dev_new(&a, &m, all_features(), 0);
		configure(&a, &m, true);
		vdpa_net_ctrl_save(&a, &s);
		err = vdpa_net_ctrl_restore(&a, &a.state, &mock_ops, &m);
		report(!err && mock_state_eq(&a.state, &s),
		       "restore from its own state", "err %d", err);
	}
	/* ops missing: soft parent */
	{
		ops = mock_ops_subset(B(OP_PAIRS));
		dev_new(&a, &m, all_features(), 0);
		configure(&a, &m, false);
		vdpa_net_ctrl_save(&a, &s);
		dev_new(&b, &m, all_features(), 0);
		err = vdpa_net_ctrl_restore(&b, &s, &ops, &m);
		report(!err && m.nlog == 1 && m.calls[OP_PAIRS] == 1 &&
		       mock_state_eq(&b.state, &s),
		       "restore skips absent ops", "err %d nlog %u", err,
		       m.nlog);
	}
	/* each op refusing: error returned, state unchanged, replay stops */
	{
		static const unsigned int refusers[] = {
			OP_MAC, OP_TABLE, OP_RX, OP_VADD, OP_RSS, OP_HASH,
			OP_OFFL, OP_CTX, OP_CRX, OP_CVQSET,
		};

		for (i = 0; i < sizeof(refusers) / sizeof(refusers[0]); i++) {
			char name[96];
			unsigned int j;
			bool stop = true;

			/* HASH_CONFIG is replayed outside RSS mode only. */
			dev_new(&a, &m, all_features(), 0);
			configure(&a, &m, refusers[i] != OP_HASH);
			vdpa_net_ctrl_save(&a, &s);

			dev_new(&b, &m, all_features(), B(refusers[i]));
			vdpa_net_ctrl_save(&b, &before);
			err = vdpa_net_ctrl_restore(&b, &s, &mock_ops, &m);
			for (j = 0; j + 1 < m.nlog; j++)
				if (m.log[j] == refusers[i])
					stop = false;
			snprintf(name, sizeof(name),
				 "restore stops at refusing op %u",
				 refusers[i]);
			report(err == -EIO && mock_state_eq(&b.state, &before) &&
			       stop && m.nlog &&
			       m.log[m.nlog - 1] == refusers[i], name,
			       "err %d nlog %u", err, m.nlog);
		}
	}
	/* invalid states */
	{
		const struct {
			const char *name;
			u64 feat_clear;
		} bad[] = {
			{ "uc count 5 > 4", 0 },
			{ "mc count 65", 0 },
			{ "overflow with count", 0 },
			{ "vq_pairs 0", 0 },
			{ "vq_pairs 5 > max", 0 },
			{ "vq_pairs 2 without MQ", F(MQ) },
			{ "rss without RSS", F(RSS) },
			{ "rss mask 2", 0 },
			{ "rss max_tx_vq != vq_pairs", 0 },
			{ "rss entry >= max_vq_pairs", 0 },
			{ "rss unclassified >= max_vq_pairs", 0 },
			{ "rss key 41", 0 },
			{ "rss unsupported type", 0 },
			{ "hash without HASH_REPORT", F(HASH_REPORT) },
			{ "hash key 53", 0 },
			{ "hash types 0 with report on", 0 },
			{ "offload UFO not negotiated", 0 },
			{ "offload host bit", 0 },
			{ "rx_mode bit 6", 0 },
		};

		dev_new(&a, &m, all_features(), 0);
		configure(&a, &m, true);
		vdpa_net_ctrl_save(&a, &s);
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char name[128];

			t = s;
			mutate(&t, i);
			dev_new(&b, &m, all_features() & ~bad[i].feat_clear,
				0);
			vdpa_net_ctrl_save(&b, &before);
			err = vdpa_net_ctrl_restore(&b, &t, &mock_ops, &m);
			snprintf(name, sizeof(name), "restore rejects %s",
				 bad[i].name);
			report(err == -EINVAL && !m.nlog &&
			       mock_state_eq(&b.state, &before), name,
			       "err %d nlog %u", err, m.nlog);
		}
	}
	/* RSS without MQ: pairs > 1 valid through RSS */
	{
		dev_new(&a, &m, all_features() & ~F(MQ), 0);
		setup_rss(&a, &m);
		vdpa_net_ctrl_save(&a, &s);
		dev_new(&b, &m, all_features() & ~F(MQ), 0);
		err = vdpa_net_ctrl_restore(&b, &s, &mock_ops, &m);
		report(!err && b.state.vq_pairs == 3 && m.calls[OP_RSS] == 1 &&
		       !m.calls[OP_PAIRS] && m.calls[OP_CVQSET] == 6,
		       "restore rss without MQ", "err %d", err);
	}
}

int main(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(exec_cases) / sizeof(exec_cases[0]); i++)
		run_exec_case(&exec_cases[i]);
	test_short_commands();
	test_mac_tables();
	test_rss();
	test_stats();
	test_stats_cvq_counts();
	test_rss_hash();
	test_rx_steer();
	test_result_max();
	test_vq_get_op();
	test_features();
	test_rx_accept();
	test_init();
	test_restore();

	printf("# host unit: %u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
