/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A recording parent device for the host tests and the fuzzer: every
 * callback of struct vdpa_net_ctrl_ops, each of which can be told to refuse.
 */
#ifndef _NET_CTRL_MOCK_H
#define _NET_CTRL_MOCK_H

#include <linux/vdpa_net_ctrl.h>
#include <errno.h>
#include <string.h>

enum mock_op {
	OP_RX, OP_TABLE, OP_MAC, OP_VADD, OP_VDEL, OP_ANN, OP_PAIRS, OP_RSS,
	OP_HASH, OP_OFFL, OP_CTX, OP_CRX, OP_CVQSET, OP_CVQGET, OP_SQUERY,
	OP_SGET, OP_N
};

#define MOCK_LOG_MAX	8192

struct mock {
	unsigned int refuse;		/* BIT(op) of the ops that refuse */
	unsigned int calls[OP_N];
	unsigned char log[MOCK_LOG_MAX]; /* op sequence */
	unsigned int nlog;
	/* last arguments */
	u8 rx_cmd;
	bool rx_on;
	u8 mac[ETH_ALEN];
	u16 vid;
	u16 pairs;
	u16 vq;
	u64 offloads;
	struct vdpa_net_ctrl_coal coal;
	/* answers */
	u64 stats_supported;
	int stats_get_ret;		/* nonzero: stats_get returns this */
	bool vq_get_override;
	struct vdpa_net_ctrl_coal vq_get_value;
};

static inline int mock_hit(struct mock *m, enum mock_op op)
{
	m->calls[op]++;
	if (m->nlog < MOCK_LOG_MAX)
		m->log[m->nlog++] = (unsigned char)op;
	return (m->refuse & (1u << op)) ? -EIO : 0;
}

static inline void mock_clear_calls(struct mock *m)
{
	memset(m->calls, 0, sizeof(m->calls));
	m->nlog = 0;
}

static inline int mock_rx_mode_set(void *priv, u8 cmd, bool on)
{
	struct mock *m = priv;

	m->rx_cmd = cmd;
	m->rx_on = on;
	return mock_hit(m, OP_RX);
}

static inline int mock_mac_table_set(void *priv,
				     const struct vdpa_net_ctrl_mac_table *uc,
				     const struct vdpa_net_ctrl_mac_table *mc)
{
	(void)uc;
	(void)mc;
	return mock_hit(priv, OP_TABLE);
}

static inline int mock_mac_addr_set(void *priv, const u8 *mac)
{
	struct mock *m = priv;

	memcpy(m->mac, mac, ETH_ALEN);
	return mock_hit(m, OP_MAC);
}

static inline int mock_vlan_add(void *priv, u16 vid)
{
	((struct mock *)priv)->vid = vid;
	return mock_hit(priv, OP_VADD);
}

static inline int mock_vlan_del(void *priv, u16 vid)
{
	((struct mock *)priv)->vid = vid;
	return mock_hit(priv, OP_VDEL);
}

static inline int mock_announce_ack(void *priv)
{
	return mock_hit(priv, OP_ANN);
}

static inline int mock_vq_pairs_set(void *priv, u16 pairs)
{
	((struct mock *)priv)->pairs = pairs;
	return mock_hit(priv, OP_PAIRS);
}

static inline int mock_rss_set(void *priv, const struct vdpa_net_ctrl_rss *rss)
{
	((struct mock *)priv)->pairs = rss->max_tx_vq;
	return mock_hit(priv, OP_RSS);
}

static inline int mock_hash_set(void *priv, const struct vdpa_net_ctrl_rss *hash)
{
	(void)hash;
	return mock_hit(priv, OP_HASH);
}

static inline int mock_guest_offloads_set(void *priv, u64 offloads)
{
	((struct mock *)priv)->offloads = offloads;
	return mock_hit(priv, OP_OFFL);
}

static inline int mock_coal_tx_set(void *priv, const struct vdpa_net_ctrl_coal *c)
{
	((struct mock *)priv)->coal = *c;
	return mock_hit(priv, OP_CTX);
}

static inline int mock_coal_rx_set(void *priv, const struct vdpa_net_ctrl_coal *c)
{
	((struct mock *)priv)->coal = *c;
	return mock_hit(priv, OP_CRX);
}

static inline int mock_coal_vq_set(void *priv, u16 vq,
				   const struct vdpa_net_ctrl_coal *c)
{
	struct mock *m = priv;

	m->vq = vq;
	m->coal = *c;
	return mock_hit(m, OP_CVQSET);
}

static inline int mock_coal_vq_get(void *priv, u16 vq,
				   struct vdpa_net_ctrl_coal *c)
{
	struct mock *m = priv;

	m->vq = vq;
	if (m->vq_get_override)
		*c = m->vq_get_value;
	return mock_hit(m, OP_CVQGET);
}

static inline int mock_stats_query(void *priv, u64 *supported)
{
	struct mock *m = priv;

	*supported = m->stats_supported;
	return mock_hit(m, OP_SQUERY);
}

/*
 * One 16-byte reply per requested type: struct virtio_net_stats_reply_hdr
 * (type, reserved, le16 vq_index, le16 reserved1, le16 size) and a le64
 * counter equal to vq * 1000 + type.  -ENOSPC when it does not fit.
 */
static inline int mock_stats_get(void *priv, u16 vq, u64 types, void *reply,
				 size_t len)
{
	struct mock *m = priv;
	u8 *p = reply;
	size_t off = 0;
	unsigned int t;
	int err;

	err = mock_hit(m, OP_SGET);
	if (err)
		return err;
	if (m->stats_get_ret)
		return m->stats_get_ret;
	for (t = 0; t < 64; t++) {
		u64 v = (u64)vq * 1000 + t;
		unsigned int i;

		if (!(types & (1ULL << t)))
			continue;
		if (len - off < 16)
			return -ENOSPC;
		memset(p + off, 0, 16);
		p[off] = (u8)t;
		p[off + 2] = (u8)vq;
		p[off + 3] = (u8)(vq >> 8);
		p[off + 6] = 16;
		for (i = 0; i < 8; i++)
			p[off + 8 + i] = (u8)(v >> (8 * i));
		off += 16;
	}
	return (int)off;
}

static const struct vdpa_net_ctrl_ops mock_ops = {
	.rx_mode_set = mock_rx_mode_set,
	.mac_table_set = mock_mac_table_set,
	.mac_addr_set = mock_mac_addr_set,
	.vlan_add = mock_vlan_add,
	.vlan_del = mock_vlan_del,
	.announce_ack = mock_announce_ack,
	.vq_pairs_set = mock_vq_pairs_set,
	.rss_set = mock_rss_set,
	.hash_set = mock_hash_set,
	.guest_offloads_set = mock_guest_offloads_set,
	.coal_tx_set = mock_coal_tx_set,
	.coal_rx_set = mock_coal_rx_set,
	.coal_vq_set = mock_coal_vq_set,
	.coal_vq_get = mock_coal_vq_get,
	.stats_query = mock_stats_query,
	.stats_get = mock_stats_get,
};

/* mock_ops with only the members whose BIT(enum mock_op) is in @mask. */
static inline struct vdpa_net_ctrl_ops mock_ops_subset(unsigned int mask)
{
	struct vdpa_net_ctrl_ops o;

	memset(&o, 0, sizeof(o));
#define MOCK_PICK(op, member) \
	do { if (mask & (1u << (op))) o.member = mock_ops.member; } while (0)
	MOCK_PICK(OP_RX, rx_mode_set);
	MOCK_PICK(OP_TABLE, mac_table_set);
	MOCK_PICK(OP_MAC, mac_addr_set);
	MOCK_PICK(OP_VADD, vlan_add);
	MOCK_PICK(OP_VDEL, vlan_del);
	MOCK_PICK(OP_ANN, announce_ack);
	MOCK_PICK(OP_PAIRS, vq_pairs_set);
	MOCK_PICK(OP_RSS, rss_set);
	MOCK_PICK(OP_HASH, hash_set);
	MOCK_PICK(OP_OFFL, guest_offloads_set);
	MOCK_PICK(OP_CTX, coal_tx_set);
	MOCK_PICK(OP_CRX, coal_rx_set);
	MOCK_PICK(OP_CVQSET, coal_vq_set);
	MOCK_PICK(OP_CVQGET, coal_vq_get);
	MOCK_PICK(OP_SQUERY, stats_query);
	MOCK_PICK(OP_SGET, stats_get);
#undef MOCK_PICK
	return o;
}

/* Field-by-field comparison (struct padding is not compared). */
static inline bool mock_table_eq(const struct vdpa_net_ctrl_mac_table *a,
				 const struct vdpa_net_ctrl_mac_table *b)
{
	return a->count == b->count && a->overflow == b->overflow &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static inline bool mock_rss_eq(const struct vdpa_net_ctrl_rss *a,
			       const struct vdpa_net_ctrl_rss *b)
{
	return a->hash_types == b->hash_types &&
	       a->indirection_table_mask == b->indirection_table_mask &&
	       a->unclassified_queue == b->unclassified_queue &&
	       a->max_tx_vq == b->max_tx_vq && a->key_len == b->key_len &&
	       !memcmp(a->key, b->key, sizeof(a->key)) &&
	       !memcmp(a->table, b->table, sizeof(a->table));
}

static inline bool mock_coal_eq(const struct vdpa_net_ctrl_coal *a,
				const struct vdpa_net_ctrl_coal *b)
{
	return a->max_usecs == b->max_usecs &&
	       a->max_packets == b->max_packets;
}

static inline bool mock_state_eq(const struct vdpa_net_ctrl_state *a,
				 const struct vdpa_net_ctrl_state *b)
{
	unsigned int i;

	if (memcmp(a->mac, b->mac, ETH_ALEN) || a->rx_mode != b->rx_mode ||
	    !mock_table_eq(&a->uc, &b->uc) || !mock_table_eq(&a->mc, &b->mc) ||
	    memcmp(a->vlans, b->vlans, sizeof(a->vlans)) ||
	    a->vq_pairs != b->vq_pairs || a->rss_enabled != b->rss_enabled ||
	    a->hash_report != b->hash_report ||
	    !mock_rss_eq(&a->rss, &b->rss) ||
	    !mock_rss_eq(&a->hash, &b->hash) ||
	    a->guest_offloads != b->guest_offloads ||
	    !mock_coal_eq(&a->tx_coal, &b->tx_coal) ||
	    !mock_coal_eq(&a->rx_coal, &b->rx_coal))
		return false;
	for (i = 0; i < VDPA_NET_CTRL_COAL_MAX_VQS; i++)
		if (!mock_coal_eq(&a->vq_coal[i], &b->vq_coal[i]))
			return false;
	return true;
}

#endif
