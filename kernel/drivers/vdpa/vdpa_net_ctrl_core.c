// SPDX-License-Identifier: GPL-2.0-only
/*
 * vdpa_net_ctrl_core: the functional core of the virtio-net control virtqueue.
 *
 * Decodes, validates and applies one control command held in a flat
 * buffer, keeps the device-side state and answers receive filtering
 * questions from it.  No allocation, no locking, no logging: the caller
 * serializes, and the same source is built in userspace for unit tests
 * and fuzzing.
 */

#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/export.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/vdpa_net_ctrl.h>

#define NC_GUEST_OFFLOADS	(BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) |	\
				 BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) |	\
				 BIT_ULL(VIRTIO_NET_F_GUEST_TSO6) |	\
				 BIT_ULL(VIRTIO_NET_F_GUEST_ECN) |	\
				 BIT_ULL(VIRTIO_NET_F_GUEST_UFO) |	\
				 BIT_ULL(VIRTIO_NET_F_GUEST_USO4) |	\
				 BIT_ULL(VIRTIO_NET_F_GUEST_USO6))

/* Features a parent may handle from the state alone (soft_features). */
#define NC_SOFT_FEATURES	(BIT_ULL(VIRTIO_NET_F_CTRL_RX) |	\
				 BIT_ULL(VIRTIO_NET_F_CTRL_RX_EXTRA) |	\
				 BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR) |	\
				 BIT_ULL(VIRTIO_NET_F_CTRL_VLAN) |	\
				 BIT_ULL(VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) | \
				 BIT_ULL(VIRTIO_NET_F_MQ) |		\
				 BIT_ULL(VIRTIO_NET_F_RSS) |		\
				 BIT_ULL(VIRTIO_NET_F_HASH_REPORT) |	\
				 BIT_ULL(VIRTIO_NET_F_NOTF_COAL) |	\
				 BIT_ULL(VIRTIO_NET_F_VQ_NOTF_COAL))

#define NC_RX_MODES		6 /* RX_PROMISC..RX_NOBCAST */
#define NC_STATS_RX_TYPES	0x000000000000ffffULL
#define NC_STATS_TX_TYPES	0x00000000ffff0000ULL
#define NC_STATS_ENTRY_LEN	16	/* le16 vq, le16 reserved[3], le64 */
#define NC_COAL_LEN		8	/* struct virtio_net_ctrl_coal */
#define NC_COAL_VQ_LEN		12	/* struct virtio_net_ctrl_coal_vq */
/*
 * Linux (7.3 at least) sends the key of RSS_CONFIG and HASH_CONFIG as
 * the flexible array of struct virtio_net_rss_config_trailer and sizes
 * it with struct_size(), which counts the structure's tail padding: one
 * byte more than the spec's layout.  Accept that byte, no more.
 */
#define NC_RSS_TAIL_PAD		1
/* The spec's minimum limits of a device that offers RSS or HASH_REPORT. */
#define NC_RSS_MIN_KEY_SIZE	40
#define NC_RSS_MIN_TABLE_LEN	128

static const char NC_E_SHORT[] = "command too short";
static const char NC_E_UNKNOWN[] = "unknown command";
static const char NC_E_FEATURE[] = "feature not negotiated";
static const char NC_E_LEN[] = "bad length";
static const char NC_E_REFUSED[] = "refused by device";
static const char NC_E_VID[] = "vlan id out of range";
static const char NC_E_PAIRS[] = "queue pairs out of range";
static const char NC_E_INDIR[] = "bad indirection table";
static const char NC_E_KEY[] = "hash key too long";
static const char NC_E_TYPES[] = "unsupported hash types";
static const char NC_E_QUEUE[] = "queue out of range";
static const char NC_E_OFFLOADS[] = "offloads not negotiated";
static const char NC_E_VQ[] = "vq not enabled";
static const char NC_E_STATS[] = "bad stats request";
static const char NC_E_RESULT[] = "result buffer too small";
static const char NC_E_REPLY[] = "bad stats reply";
static const char NC_E_RESERVED[] = "reserved not zero";

static const struct vdpa_net_ctrl_ops nc_no_ops;

/* One command being executed. */
struct nc_cmd {
	struct vdpa_net_ctrl *nc;
	const struct vdpa_net_ctrl_ops *ops;
	void *priv;
	u8 cmd;
	const u8 *data;		/* payload, after class and command */
	size_t len;		/* payload bytes */
	u8 *result;
	size_t result_cap;
	size_t result_len;
};

typedef const char *(*nc_handler_t)(struct nc_cmd *c);

static bool nc_has(const struct vdpa_net_ctrl *nc, unsigned int bit)
{
	return nc->features & BIT_ULL(bit);
}

/* max_virtqueue_pairs is in effect with MQ or RSS, else one pair. */
static bool nc_multiqueue(const struct vdpa_net_ctrl *nc)
{
	return nc_has(nc, VIRTIO_NET_F_MQ) || nc_has(nc, VIRTIO_NET_F_RSS);
}

/* Data virtqueues of the device; the control virtqueue comes next. */
static u32 nc_data_vqs(const struct vdpa_net_ctrl *nc)
{
	if (nc_multiqueue(nc))
		return 2 * (u32)nc->limits.max_vq_pairs;
	return 2;
}

/* ---- receive mode ------------------------------------------------- */

static const char *nc_rx_mode(struct nc_cmd *c)
{
	bool on;

	if (c->len != 1)
		return NC_E_LEN;
	on = c->data[0] != 0;
	if (c->ops->rx_mode_set && c->ops->rx_mode_set(c->priv, c->cmd, on))
		return NC_E_REFUSED;
	if (on)
		c->nc->state.rx_mode |= BIT(c->cmd);
	else
		c->nc->state.rx_mode &= ~BIT(c->cmd);
	return NULL;
}

/* ---- MAC filter --------------------------------------------------- */

static const char *nc_parse_mac_table(struct nc_cmd *c, size_t *off,
				      struct vdpa_net_ctrl_mac_table *t)
{
	size_t left = c->len - *off;
	u32 n;

	if (left < sizeof(__le32))
		return NC_E_LEN;
	n = get_unaligned_le32(c->data + *off);
	*off += sizeof(__le32);
	left -= sizeof(__le32);
	if (n > left / ETH_ALEN)
		return NC_E_LEN;

	memset(t, 0, sizeof(*t));
	if (n > c->nc->limits.mac_table_entries) {
		/* Too many to filter on: accept all of this kind instead. */
		t->overflow = true;
	} else {
		t->count = n;
		memcpy(t->addr, c->data + *off, (size_t)n * ETH_ALEN);
	}
	*off += (size_t)n * ETH_ALEN;
	return NULL;
}

static const char *nc_mac_table_set(struct nc_cmd *c)
{
	struct vdpa_net_ctrl_mac_table uc, mc;
	const char *err;
	size_t off = 0;

	err = nc_parse_mac_table(c, &off, &uc);
	if (err)
		return err;
	err = nc_parse_mac_table(c, &off, &mc);
	if (err)
		return err;
	if (off != c->len)
		return NC_E_LEN;
	if (c->ops->mac_table_set && c->ops->mac_table_set(c->priv, &uc, &mc))
		return NC_E_REFUSED;
	c->nc->state.uc = uc;
	c->nc->state.mc = mc;
	return NULL;
}

static const char *nc_mac_addr_set(struct nc_cmd *c)
{
	if (c->len != ETH_ALEN)
		return NC_E_LEN;
	if (c->ops->mac_addr_set && c->ops->mac_addr_set(c->priv, c->data))
		return NC_E_REFUSED;
	memcpy(c->nc->state.mac, c->data, ETH_ALEN);
	return NULL;
}

/* ---- VLAN filter -------------------------------------------------- */

static const char *nc_vlan(struct nc_cmd *c)
{
	bool add = c->cmd == VIRTIO_NET_CTRL_VLAN_ADD;
	u16 vid;
	int err;

	if (c->len != sizeof(__le16))
		return NC_E_LEN;
	vid = get_unaligned_le16(c->data);
	if (vid >= VDPA_NET_CTRL_VLAN_N)
		return NC_E_VID;
	/* Adding a member or removing a stranger changes nothing. */
	if (add == test_bit(vid, c->nc->state.vlans))
		return NULL;
	if (add)
		err = c->ops->vlan_add ? c->ops->vlan_add(c->priv, vid) : 0;
	else
		err = c->ops->vlan_del ? c->ops->vlan_del(c->priv, vid) : 0;
	if (err)
		return NC_E_REFUSED;
	if (add)
		__set_bit(vid, c->nc->state.vlans);
	else
		__clear_bit(vid, c->nc->state.vlans);
	return NULL;
}

/* ---- announce ----------------------------------------------------- */

static const char *nc_announce_ack(struct nc_cmd *c)
{
	if (c->len)
		return NC_E_LEN;
	if (c->ops->announce_ack && c->ops->announce_ack(c->priv))
		return NC_E_REFUSED;
	return NULL;
}

/* ---- multiqueue, RSS, hash report --------------------------------- */

static const char *nc_vq_pairs_set(struct nc_cmd *c)
{
	u16 pairs;

	if (c->len != sizeof(__le16))
		return NC_E_LEN;
	pairs = get_unaligned_le16(c->data);
	if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN ||
	    pairs > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX ||
	    pairs > c->nc->limits.max_vq_pairs)
		return NC_E_PAIRS;
	if (c->ops->vq_pairs_set && c->ops->vq_pairs_set(c->priv, pairs))
		return NC_E_REFUSED;
	c->nc->state.vq_pairs = pairs;
	c->nc->state.rss_enabled = false;
	return NULL;
}

static const char *nc_check_hash(const struct vdpa_net_ctrl_limits *lim,
				 u32 hash_types, u8 key_len)
{
	if (key_len > lim->rss_max_key_size)
		return NC_E_KEY;
	if (hash_types & ~lim->supported_hash_types)
		return NC_E_TYPES;
	return NULL;
}

/* Range checks of an RSS configuration, shared with restore. */
static const char *nc_check_rss(const struct vdpa_net_ctrl_limits *lim,
				const struct vdpa_net_ctrl_rss *rss)
{
	u32 entries = (u32)rss->indirection_table_mask + 1;
	const char *err;
	u32 i;

	if (!is_power_of_2(entries) ||
	    entries > lim->rss_max_indirection_table_length)
		return NC_E_INDIR;
	err = nc_check_hash(lim, rss->hash_types, rss->key_len);
	if (err)
		return err;
	if (!rss->max_tx_vq || rss->max_tx_vq > lim->max_vq_pairs)
		return NC_E_PAIRS;
	/*
	 * The table and unclassified_queue name receive queues; max_tx_vq
	 * counts transmit queues only, so a driver may steer to more
	 * receive queues than it transmits on.  Any receive queue of the
	 * device will do: the module cannot see which ones are enabled.
	 */
	if (rss->unclassified_queue >= lim->max_vq_pairs)
		return NC_E_QUEUE;
	for (i = 0; i < entries; i++)
		if (rss->table[i] >= lim->max_vq_pairs)
			return NC_E_QUEUE;
	return NULL;
}

static const char *nc_rss_config(struct nc_cmd *c)
{
	const struct vdpa_net_ctrl_limits *lim = &c->nc->limits;
	struct vdpa_net_ctrl_rss rss;
	const u8 *p = c->data;
	const char *err;
	size_t off;
	u32 entries, i;

	/* le32 hash_types, le16 mask, le16 unclassified_queue */
	if (c->len < 8)
		return NC_E_LEN;
	memset(&rss, 0, sizeof(rss));
	rss.hash_types = get_unaligned_le32(p);
	rss.indirection_table_mask = get_unaligned_le16(p + 4);
	rss.unclassified_queue = get_unaligned_le16(p + 6);
	entries = (u32)rss.indirection_table_mask + 1;
	off = 8 + 2 * (size_t)entries;
	/* le16 table[entries], le16 max_tx_vq, u8 hash_key_length, key */
	if (c->len < off + 3)
		return NC_E_LEN;
	rss.max_tx_vq = get_unaligned_le16(p + off);
	rss.key_len = p[off + 2];
	/* Bytes after the key are ignored: see NC_RSS_TAIL_PAD. */
	if (c->len < off + 3 + rss.key_len ||
	    c->len > off + 3 + rss.key_len + NC_RSS_TAIL_PAD)
		return NC_E_LEN;
	if (!is_power_of_2(entries) ||
	    entries > lim->rss_max_indirection_table_length)
		return NC_E_INDIR;
	/* Before the copy: @key holds VDPA_NET_CTRL_RSS_MAX_KEY_SIZE bytes. */
	if (rss.key_len > lim->rss_max_key_size)
		return NC_E_KEY;
	for (i = 0; i < entries; i++)
		rss.table[i] = get_unaligned_le16(p + 8 + 2 * i);
	memcpy(rss.key, p + off + 3, rss.key_len);
	err = nc_check_rss(lim, &rss);
	if (err)
		return err;

	if (c->ops->rss_set && c->ops->rss_set(c->priv, &rss))
		return NC_E_REFUSED;
	c->nc->state.rss = rss;
	c->nc->state.rss_enabled = true;
	c->nc->state.vq_pairs = rss.max_tx_vq;
	/*
	 * With RSS negotiated the device hashes with the RSS configuration,
	 * for steering and for the hash report alike; Linux sends no
	 * HASH_CONFIG then.
	 */
	if (nc_has(c->nc, VIRTIO_NET_F_HASH_REPORT)) {
		c->nc->state.hash = rss;
		c->nc->state.hash_report = rss.hash_types != 0;
	}
	return NULL;
}

static const char *nc_hash_config(struct nc_cmd *c)
{
	struct vdpa_net_ctrl_rss hash;
	const u8 *p = c->data;
	const char *err;

	/*
	 * le32 hash_types, le16 reserved[4], u8 hash_key_length, key.
	 * Linux (6.12 to 7.3 at least) sends this command with the
	 * RSS_CONFIG layout and a one-entry table (mask 0, unclassified 0,
	 * table[0] 0, max_tx_vq), so reserved[3] carries its queue pair
	 * count: only reserved[0..2] must be zero.
	 */
	if (c->len < 13)
		return NC_E_LEN;
	memset(&hash, 0, sizeof(hash));
	hash.hash_types = get_unaligned_le32(p);
	hash.key_len = p[12];
	if (c->len < 13 + (size_t)hash.key_len ||
	    c->len > 13 + (size_t)hash.key_len + NC_RSS_TAIL_PAD)
		return NC_E_LEN;
	if (get_unaligned_le16(p + 4) || get_unaligned_le16(p + 6) ||
	    get_unaligned_le16(p + 8))
		return NC_E_RESERVED;
	err = nc_check_hash(&c->nc->limits, hash.hash_types, hash.key_len);
	if (err)
		return err;
	memcpy(hash.key, p + 13, hash.key_len);

	if (c->ops->hash_set && c->ops->hash_set(c->priv, &hash))
		return NC_E_REFUSED;
	c->nc->state.hash = hash;
	c->nc->state.hash_report = hash.hash_types != 0;
	/*
	 * Like VQ_PAIRS_SET, the last command of the class wins: the device
	 * steers automatically again, over one pair unless MQ says more.
	 */
	if (c->nc->state.rss_enabled && !nc_has(c->nc, VIRTIO_NET_F_MQ))
		c->nc->state.vq_pairs = 1;
	c->nc->state.rss_enabled = false;
	return NULL;
}

/* ---- guest offloads ----------------------------------------------- */

static const char *nc_guest_offloads_set(struct nc_cmd *c)
{
	u64 offloads;

	if (c->len != sizeof(__le64))
		return NC_E_LEN;
	offloads = get_unaligned_le64(c->data);
	if (offloads & ~(c->nc->features & NC_GUEST_OFFLOADS))
		return NC_E_OFFLOADS;
	if (c->ops->guest_offloads_set &&
	    c->ops->guest_offloads_set(c->priv, offloads))
		return NC_E_REFUSED;
	c->nc->state.guest_offloads = offloads;
	return NULL;
}

/* ---- notification coalescing -------------------------------------- */

/* struct virtio_net_ctrl_coal: le32 max_packets, le32 max_usecs */
static void nc_get_coal(const u8 *p, struct vdpa_net_ctrl_coal *coal)
{
	coal->max_packets = get_unaligned_le32(p);
	coal->max_usecs = get_unaligned_le32(p + 4);
}

static const char *nc_coal_set(struct nc_cmd *c)
{
	bool tx = c->cmd == VIRTIO_NET_CTRL_NOTF_COAL_TX_SET;
	struct vdpa_net_ctrl_state *s = &c->nc->state;
	struct vdpa_net_ctrl_coal coal;
	u32 vq, nvqs;
	int err;

	if (c->len != NC_COAL_LEN)
		return NC_E_LEN;
	nc_get_coal(c->data, &coal);
	if (tx)
		err = c->ops->coal_tx_set ?
		      c->ops->coal_tx_set(c->priv, &coal) : 0;
	else
		err = c->ops->coal_rx_set ?
		      c->ops->coal_rx_set(c->priv, &coal) : 0;
	if (err)
		return NC_E_REFUSED;
	if (tx)
		s->tx_coal = coal;
	else
		s->rx_coal = coal;
	/* TX_SET and RX_SET apply to every queue of their direction. */
	nvqs = nc_data_vqs(c->nc);
	for (vq = tx ? 1 : 0; vq < nvqs && vq < VDPA_NET_CTRL_COAL_MAX_VQS;
	     vq += 2)
		s->vq_coal[vq] = coal;
	return NULL;
}

/*
 * The spec's "enabled" is the transport's queue enable, which the module
 * cannot see; a driver enables every queue it sets up (Linux: all of
 * max_virtqueue_pairs, whatever VQ_PAIRS_SET says), and it sends VQ_SET for
 * each of them after a ring resize.  So every data virtqueue of the device
 * counts as enabled.
 */
static bool nc_vq_enabled(const struct vdpa_net_ctrl *nc, u16 vq)
{
	return vq < nc_data_vqs(nc) && vq < VDPA_NET_CTRL_COAL_MAX_VQS;
}

static const char *nc_coal_vq_set(struct nc_cmd *c)
{
	struct vdpa_net_ctrl_coal coal;
	u16 vq;

	/* le16 vqn, le16 reserved (ignored), struct virtio_net_ctrl_coal */
	if (c->len != NC_COAL_VQ_LEN)
		return NC_E_LEN;
	vq = get_unaligned_le16(c->data);
	if (!nc_vq_enabled(c->nc, vq))
		return NC_E_VQ;
	nc_get_coal(c->data + 4, &coal);
	if (c->ops->coal_vq_set && c->ops->coal_vq_set(c->priv, vq, &coal))
		return NC_E_REFUSED;
	c->nc->state.vq_coal[vq] = coal;
	return NULL;
}

static const char *nc_coal_vq_get(struct nc_cmd *c)
{
	struct vdpa_net_ctrl_coal coal;
	u16 vq;

	/* le16 vqn, le16 reserved (ignored) */
	if (c->len != 4)
		return NC_E_LEN;
	vq = get_unaligned_le16(c->data);
	if (!nc_vq_enabled(c->nc, vq))
		return NC_E_VQ;
	if (c->result_cap < NC_COAL_LEN)
		return NC_E_RESULT;
	coal = c->nc->state.vq_coal[vq];
	if (c->ops->coal_vq_get && c->ops->coal_vq_get(c->priv, vq, &coal))
		return NC_E_REFUSED;
	put_unaligned_le32(coal.max_packets, c->result);
	put_unaligned_le32(coal.max_usecs, c->result + 4);
	c->result_len = NC_COAL_LEN;
	return NULL;
}

/* ---- device statistics -------------------------------------------- */

/* Statistics types whose feature was negotiated (virtio 1.4, 5.1.6.5.11). */
static u64 nc_stats_allowed(const struct vdpa_net_ctrl *nc)
{
	u64 t = VIRTIO_NET_STATS_TYPE_CVQ | VIRTIO_NET_STATS_TYPE_RX_BASIC |
		VIRTIO_NET_STATS_TYPE_RX_SPEED | VIRTIO_NET_STATS_TYPE_TX_BASIC |
		VIRTIO_NET_STATS_TYPE_TX_SPEED;

	if (nc_has(nc, VIRTIO_NET_F_GUEST_CSUM))
		t |= VIRTIO_NET_STATS_TYPE_RX_CSUM;
	if (nc_has(nc, VIRTIO_NET_F_GUEST_TSO4) ||
	    nc_has(nc, VIRTIO_NET_F_GUEST_TSO6))
		t |= VIRTIO_NET_STATS_TYPE_RX_GSO;
	if (nc_has(nc, VIRTIO_NET_F_CSUM))
		t |= VIRTIO_NET_STATS_TYPE_TX_CSUM;
	if (nc_has(nc, VIRTIO_NET_F_HOST_TSO4) ||
	    nc_has(nc, VIRTIO_NET_F_HOST_TSO6) ||
	    nc_has(nc, VIRTIO_NET_F_HOST_USO))
		t |= VIRTIO_NET_STATS_TYPE_TX_GSO;
	return t;
}

/*
 * The types the device reports: the parent's, plus the control queue's,
 * which the module counts itself, less those whose feature is off.
 */
static int nc_stats_supported(struct nc_cmd *c, u64 *supported)
{
	int err;

	*supported = 0;
	if (c->ops->stats_query) {
		err = c->ops->stats_query(c->priv, supported);
		if (err)
			return err;
	}
	*supported |= VIRTIO_NET_STATS_TYPE_CVQ;
	*supported &= nc_stats_allowed(c->nc);
	return 0;
}

/* The control queue's reply; the counts include the current command. */
static size_t nc_stats_cvq(struct nc_cmd *c, u16 vq, u8 *p, size_t room)
{
	struct virtio_net_stats_cvq r = {
		.hdr.type = VIRTIO_NET_STATS_TYPE_REPLY_CVQ,
		.hdr.vq_index = cpu_to_le16(vq),
		.hdr.size = cpu_to_le16(sizeof(r)),
		.command_num = cpu_to_le64(c->nc->cvq_commands),
		.ok_num = cpu_to_le64(c->nc->cvq_ok + 1),
	};

	if (room < sizeof(r))
		return 0;
	memcpy(p, &r, sizeof(r));
	return sizeof(r);
}

static const char *nc_stats_query(struct nc_cmd *c)
{
	u64 supported;

	if (c->len)
		return NC_E_LEN;
	if (c->result_cap < sizeof(__le64))
		return NC_E_RESULT;
	if (nc_stats_supported(c, &supported))
		return NC_E_REFUSED;
	put_unaligned_le64(supported, c->result);
	c->result_len = sizeof(__le64);
	return NULL;
}

/* Statistics types virtqueue @vq can report, 0 for a bad index. */
static u64 nc_stats_kind(const struct vdpa_net_ctrl *nc, u16 vq)
{
	u32 data_vqs = nc_data_vqs(nc);

	if (vq < data_vqs)
		return (vq & 1) ? NC_STATS_TX_TYPES : NC_STATS_RX_TYPES;
	if (vq == data_vqs)
		return VIRTIO_NET_STATS_TYPE_CVQ;
	return 0;
}

static const char *nc_stats_get(struct nc_cmd *c)
{
	u64 supported, types;
	const u8 *e;
	size_t i, n;
	u16 vq;
	int ret;

	if (c->len % NC_STATS_ENTRY_LEN)
		return NC_E_LEN;
	n = c->len / NC_STATS_ENTRY_LEN;
	if (nc_stats_supported(c, &supported))
		return NC_E_REFUSED;

	/* The whole command fails on any bad entry: check them all first. */
	for (i = 0; i < n; i++) {
		e = c->data + i * NC_STATS_ENTRY_LEN;
		vq = get_unaligned_le16(e);
		types = get_unaligned_le64(e + 8);
		if (!types || types & ~(supported & nc_stats_kind(c->nc, vq)))
			return NC_E_STATS;
	}
	c->result_len = 0;
	for (i = 0; i < n; i++) {
		e = c->data + i * NC_STATS_ENTRY_LEN;
		vq = get_unaligned_le16(e);
		types = get_unaligned_le64(e + 8);
		if (types == VIRTIO_NET_STATS_TYPE_CVQ) {
			ret = nc_stats_cvq(c, vq, c->result + c->result_len,
					   c->result_cap - c->result_len);
			if (!ret) {
				c->result_len = 0;
				return NC_E_RESULT;
			}
			c->result_len += ret;
			continue;
		}
		if (!c->ops->stats_get) {
			c->result_len = 0;
			return NC_E_REFUSED;
		}
		ret = c->ops->stats_get(c->priv, vq, types,
					c->result + c->result_len,
					c->result_cap - c->result_len);
		if (ret < 0) {
			c->result_len = 0;
			return NC_E_REFUSED;
		}
		if ((size_t)ret > c->result_cap - c->result_len) {
			c->result_len = 0;
			return NC_E_REPLY;
		}
		c->result_len += ret;
	}
	return NULL;
}

/* ---- dispatch ----------------------------------------------------- */

struct nc_cmd_desc {
	u8 feature;		/* VIRTIO_NET_F_* that gates the command */
	nc_handler_t handler;
};

#define NC_CMD(feat, fn)	{ VIRTIO_NET_F_##feat, fn }

static const struct nc_cmd_desc nc_rx_cmds[] = {
	[VIRTIO_NET_CTRL_RX_PROMISC] = NC_CMD(CTRL_RX, nc_rx_mode),
	[VIRTIO_NET_CTRL_RX_ALLMULTI] = NC_CMD(CTRL_RX, nc_rx_mode),
	[VIRTIO_NET_CTRL_RX_ALLUNI] = NC_CMD(CTRL_RX_EXTRA, nc_rx_mode),
	[VIRTIO_NET_CTRL_RX_NOMULTI] = NC_CMD(CTRL_RX_EXTRA, nc_rx_mode),
	[VIRTIO_NET_CTRL_RX_NOUNI] = NC_CMD(CTRL_RX_EXTRA, nc_rx_mode),
	[VIRTIO_NET_CTRL_RX_NOBCAST] = NC_CMD(CTRL_RX_EXTRA, nc_rx_mode),
};

static const struct nc_cmd_desc nc_mac_cmds[] = {
	[VIRTIO_NET_CTRL_MAC_TABLE_SET] = NC_CMD(CTRL_RX, nc_mac_table_set),
	[VIRTIO_NET_CTRL_MAC_ADDR_SET] = NC_CMD(CTRL_MAC_ADDR, nc_mac_addr_set),
};

static const struct nc_cmd_desc nc_vlan_cmds[] = {
	[VIRTIO_NET_CTRL_VLAN_ADD] = NC_CMD(CTRL_VLAN, nc_vlan),
	[VIRTIO_NET_CTRL_VLAN_DEL] = NC_CMD(CTRL_VLAN, nc_vlan),
};

static const struct nc_cmd_desc nc_announce_cmds[] = {
	[VIRTIO_NET_CTRL_ANNOUNCE_ACK] =
		NC_CMD(GUEST_ANNOUNCE, nc_announce_ack),
};

static const struct nc_cmd_desc nc_mq_cmds[] = {
	[VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET] = NC_CMD(MQ, nc_vq_pairs_set),
	[VIRTIO_NET_CTRL_MQ_RSS_CONFIG] = NC_CMD(RSS, nc_rss_config),
	[VIRTIO_NET_CTRL_MQ_HASH_CONFIG] = NC_CMD(HASH_REPORT, nc_hash_config),
};

static const struct nc_cmd_desc nc_offloads_cmds[] = {
	[VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET] =
		NC_CMD(CTRL_GUEST_OFFLOADS, nc_guest_offloads_set),
};

static const struct nc_cmd_desc nc_coal_cmds[] = {
	[VIRTIO_NET_CTRL_NOTF_COAL_TX_SET] = NC_CMD(NOTF_COAL, nc_coal_set),
	[VIRTIO_NET_CTRL_NOTF_COAL_RX_SET] = NC_CMD(NOTF_COAL, nc_coal_set),
	[VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET] =
		NC_CMD(VQ_NOTF_COAL, nc_coal_vq_set),
	[VIRTIO_NET_CTRL_NOTF_COAL_VQ_GET] =
		NC_CMD(VQ_NOTF_COAL, nc_coal_vq_get),
};

static const struct nc_cmd_desc nc_stats_cmds[] = {
	[VIRTIO_NET_CTRL_STATS_QUERY] = NC_CMD(DEVICE_STATS, nc_stats_query),
	[VIRTIO_NET_CTRL_STATS_GET] = NC_CMD(DEVICE_STATS, nc_stats_get),
};

static const struct {
	const struct nc_cmd_desc *cmds;
	u8 ncmds;
} nc_classes[VDPA_NET_CTRL_NCLASSES] = {
	[VIRTIO_NET_CTRL_RX] = { nc_rx_cmds, ARRAY_SIZE(nc_rx_cmds) },
	[VIRTIO_NET_CTRL_MAC] = { nc_mac_cmds, ARRAY_SIZE(nc_mac_cmds) },
	[VIRTIO_NET_CTRL_VLAN] = { nc_vlan_cmds, ARRAY_SIZE(nc_vlan_cmds) },
	[VIRTIO_NET_CTRL_ANNOUNCE] = {
		nc_announce_cmds, ARRAY_SIZE(nc_announce_cmds) },
	[VIRTIO_NET_CTRL_MQ] = { nc_mq_cmds, ARRAY_SIZE(nc_mq_cmds) },
	[VIRTIO_NET_CTRL_GUEST_OFFLOADS] = {
		nc_offloads_cmds, ARRAY_SIZE(nc_offloads_cmds) },
	[VIRTIO_NET_CTRL_NOTF_COAL] = {
		nc_coal_cmds, ARRAY_SIZE(nc_coal_cmds) },
	[VIRTIO_NET_CTRL_STATS] = { nc_stats_cmds, ARRAY_SIZE(nc_stats_cmds) },
};

static const char *nc_dispatch(struct nc_cmd *c, u8 class)
{
	const struct nc_cmd_desc *d;

	if (class >= VDPA_NET_CTRL_NCLASSES ||
	    c->cmd >= nc_classes[class].ncmds)
		return NC_E_UNKNOWN;
	d = &nc_classes[class].cmds[c->cmd];
	if (!d->handler)
		return NC_E_UNKNOWN;
	if (!nc_has(c->nc, d->feature))
		return NC_E_FEATURE;
	return d->handler(c);
}

/* ---- public API --------------------------------------------------- */

/**
 * vdpa_net_ctrl_init() - initialize the functional core of a device
 * @nc: the core to initialize
 * @limits: what the parent device can hold
 *
 * Copies @limits, clears the negotiated features and the control queue's
 * counters and resets the state to the device defaults.
 *
 * Context: any context.
 * Return: 0, or -EINVAL when a limit is beyond what the module can hold:
 * max_vq_pairs outside 1..VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX, or a table or
 * key larger than its VDPA_NET_CTRL_* maximum.
 */
int vdpa_net_ctrl_init(struct vdpa_net_ctrl *nc,
		       const struct vdpa_net_ctrl_limits *limits)
{
	if (!limits->max_vq_pairs ||
	    limits->max_vq_pairs > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX ||
	    limits->mac_table_entries > VDPA_NET_CTRL_MAC_TABLE_MAX ||
	    limits->rss_max_key_size > VDPA_NET_CTRL_RSS_MAX_KEY_SIZE ||
	    limits->rss_max_indirection_table_length >
	    VDPA_NET_CTRL_RSS_MAX_TABLE_LEN)
		return -EINVAL;
	nc->limits = *limits;
	nc->cvq_commands = 0;
	nc->cvq_ok = 0;
	vdpa_net_ctrl_reset(nc);
	return 0;
}

/**
 * vdpa_net_ctrl_reset() - reset the state to the device defaults
 * @nc: the core
 *
 * After a device reset: zero MAC, promiscuous mode on and every other
 * receive mode off, empty MAC and VLAN filters, one queue pair, RSS and
 * hash report off, no guest offloads, coalescing 0.  The negotiated
 * features are cleared too; vdpa_net_ctrl_set_features() sets them again.
 *
 * Context: any context.
 */
void vdpa_net_ctrl_reset(struct vdpa_net_ctrl *nc)
{
	memset(&nc->state, 0, sizeof(nc->state));
	nc->state.rx_mode = BIT(VIRTIO_NET_CTRL_RX_PROMISC);
	nc->state.vq_pairs = 1;
	nc->features = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vdpa_net_ctrl_reset);

/**
 * vdpa_net_ctrl_set_features() - record the features the driver accepted
 * @nc: the core
 * @features: the negotiated VIRTIO_NET_F_* and VIRTIO_F_* bits
 *
 * Commands are gated by these bits.  Every negotiated guest offload is
 * switched on, as the specification asks after FEATURES_OK.
 *
 * Context: any context.
 */
void vdpa_net_ctrl_set_features(struct vdpa_net_ctrl *nc, u64 features)
{
	nc->features = features;
	nc->state.guest_offloads = features & NC_GUEST_OFFLOADS;
}
EXPORT_SYMBOL_IF_KUNIT(vdpa_net_ctrl_set_features);

/**
 * vdpa_net_ctrl_features() - the control features a parent can offer
 * @ops: the parent callbacks (may be NULL)
 * @limits: what the parent can hold
 *
 * Derives the VIRTIO_NET_F_* bits whose commands the module can answer
 * with these callbacks and limits; &vdpa_net_ctrl_limits.soft_features stands
 * in for missing callbacks of CTRL_RX, CTRL_RX_EXTRA, CTRL_MAC_ADDR,
 * CTRL_VLAN, CTRL_GUEST_OFFLOADS, MQ, RSS, HASH_REPORT, NOTF_COAL and
 * VQ_NOTF_COAL only.  The limits still apply to those.  VIRTIO_NET_F_CTRL_VQ is always included.
 *
 * Context: any context.
 * Return: the feature bits to offer.
 */
u64 vdpa_net_ctrl_features(const struct vdpa_net_ctrl_ops *ops,
			   const struct vdpa_net_ctrl_limits *limits)
{
	u64 soft = limits->soft_features & NC_SOFT_FEATURES;
	u64 f = BIT_ULL(VIRTIO_NET_F_CTRL_VQ);
	bool mq;

	if (!ops)
		ops = &nc_no_ops;

	if ((ops->rx_mode_set && ops->mac_table_set) ||
	    (soft & BIT_ULL(VIRTIO_NET_F_CTRL_RX))) {
		f |= BIT_ULL(VIRTIO_NET_F_CTRL_RX);
		if (ops->rx_mode_set ||
		    (soft & BIT_ULL(VIRTIO_NET_F_CTRL_RX_EXTRA)))
			f |= BIT_ULL(VIRTIO_NET_F_CTRL_RX_EXTRA);
	}
	if (ops->mac_addr_set || (soft & BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR)))
		f |= BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR);
	if ((ops->vlan_add && ops->vlan_del) ||
	    (soft & BIT_ULL(VIRTIO_NET_F_CTRL_VLAN)))
		f |= BIT_ULL(VIRTIO_NET_F_CTRL_VLAN);
	if (ops->announce_ack)
		f |= BIT_ULL(VIRTIO_NET_F_GUEST_ANNOUNCE);

	mq = (ops->vq_pairs_set || (soft & BIT_ULL(VIRTIO_NET_F_MQ))) &&
	     limits->max_vq_pairs > 1;
	if (mq)
		f |= BIT_ULL(VIRTIO_NET_F_MQ);
	/* The spec's minimums for a device that offers the feature. */
	if ((ops->rss_set || (soft & BIT_ULL(VIRTIO_NET_F_RSS))) && mq &&
	    limits->rss_max_key_size >= NC_RSS_MIN_KEY_SIZE &&
	    limits->rss_max_indirection_table_length >= NC_RSS_MIN_TABLE_LEN &&
	    limits->supported_hash_types)
		f |= BIT_ULL(VIRTIO_NET_F_RSS);
	if ((ops->hash_set || (soft & BIT_ULL(VIRTIO_NET_F_HASH_REPORT))) &&
	    limits->supported_hash_types &&
	    limits->rss_max_key_size >= NC_RSS_MIN_KEY_SIZE)
		f |= BIT_ULL(VIRTIO_NET_F_HASH_REPORT);

	if (ops->guest_offloads_set ||
	    (soft & BIT_ULL(VIRTIO_NET_F_CTRL_GUEST_OFFLOADS)))
		f |= BIT_ULL(VIRTIO_NET_F_CTRL_GUEST_OFFLOADS);
	if ((ops->coal_tx_set && ops->coal_rx_set) ||
	    (soft & BIT_ULL(VIRTIO_NET_F_NOTF_COAL)))
		f |= BIT_ULL(VIRTIO_NET_F_NOTF_COAL);
	if ((ops->coal_vq_set ||
	     (soft & BIT_ULL(VIRTIO_NET_F_VQ_NOTF_COAL))) &&
	    2 * (u32)limits->max_vq_pairs <= VDPA_NET_CTRL_COAL_MAX_VQS)
		f |= BIT_ULL(VIRTIO_NET_F_VQ_NOTF_COAL);
	if (ops->stats_query && ops->stats_get)
		f |= BIT_ULL(VIRTIO_NET_F_DEVICE_STATS);
	return f;
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_features);

/* The longest reply one STATISTICS GET entry can ask for: every type. */
#define NC_STATS_MAX_REPLY	(sizeof(struct virtio_net_stats_rx_basic) + \
				 sizeof(struct virtio_net_stats_rx_csum) + \
				 sizeof(struct virtio_net_stats_rx_gso) + \
				 sizeof(struct virtio_net_stats_rx_speed) + \
				 sizeof(struct virtio_net_stats_tx_basic) + \
				 sizeof(struct virtio_net_stats_tx_csum) + \
				 sizeof(struct virtio_net_stats_tx_gso) + \
				 sizeof(struct virtio_net_stats_tx_speed) + \
				 sizeof(struct virtio_net_stats_cvq))

/**
 * vdpa_net_ctrl_result_max() - the most result bytes a command can produce
 * @cmd: the readable bytes of the chain: u8 class, u8 command, payload
 * @len: bytes at @cmd
 *
 * For the caller of vdpa_net_ctrl_execute() that sizes the result buffer:
 * a STATISTICS GET replies to each of its entries (virtio_net reads every
 * queue's counters at once), every other command fits in
 * VDPA_NET_CTRL_MAX_RESULT_LEN.
 *
 * Context: any context.
 * Return: a bound on the result bytes, at least VDPA_NET_CTRL_MAX_RESULT_LEN.
 */
size_t vdpa_net_ctrl_result_max(const u8 *cmd, size_t len)
{
	size_t entries;

	if (len < 2 || cmd[0] != VIRTIO_NET_CTRL_STATS ||
	    cmd[1] != VIRTIO_NET_CTRL_STATS_GET)
		return VDPA_NET_CTRL_MAX_RESULT_LEN;
	entries = (len - 2) / NC_STATS_ENTRY_LEN;
	return max_t(size_t, VDPA_NET_CTRL_MAX_RESULT_LEN,
		     entries * NC_STATS_MAX_REPLY);
}

/**
 * vdpa_net_ctrl_execute() - decode, validate and apply one control command
 * @nc: the core
 * @ops: the parent callbacks (may be NULL)
 * @priv: passed to every callback
 * @cmd: the readable bytes of the chain: u8 class, u8 command, payload
 * @len: bytes at @cmd
 * @result: buffer for the command-specific result after the ack
 * @result_cap: bytes available at @result
 * @res: the outcome
 *
 * The command must be known, its gating feature negotiated and its
 * payload exactly as long and in range as the specification says;
 * otherwise the answer is VIRTIO_NET_ERR with a reason and nothing
 * changes.  The parent callback of the command (if any) is called after
 * validation and before the state changes; when it refuses, the answer
 * is VIRTIO_NET_ERR and the state is unchanged.  Never reads beyond @len
 * bytes of @cmd nor writes beyond @result_cap bytes of @result.
 *
 * Context: the context the callbacks need; the caller serializes.
 */
void vdpa_net_ctrl_execute(struct vdpa_net_ctrl *nc,
			   const struct vdpa_net_ctrl_ops *ops, void *priv,
			   const void *cmd, size_t len, void *result,
			   size_t result_cap, struct vdpa_net_ctrl_result *res)
{
	const u8 *p = cmd;
	struct nc_cmd c = {
		.nc = nc,
		.ops = ops ? ops : &nc_no_ops,
		.priv = priv,
		.result = result,
		.result_cap = result ? result_cap : 0,
	};
	const char *reason;

	nc->cvq_commands++;
	if (len < 2) {
		reason = NC_E_SHORT;
	} else {
		c.cmd = p[1];
		c.data = p + 2;
		c.len = len - 2;
		reason = nc_dispatch(&c, p[0]);
	}

	res->ack = reason ? VIRTIO_NET_ERR : VIRTIO_NET_OK;
	res->reason = reason;
	res->len = reason ? 0 : c.result_len;
	if (!reason)
		nc->cvq_ok++;
}

static bool nc_table_has(const struct vdpa_net_ctrl_mac_table *t,
			 const u8 *addr)
{
	u32 i;

	for (i = 0; i < t->count && i < VDPA_NET_CTRL_MAC_TABLE_MAX; i++)
		if (ether_addr_equal_unaligned(t->addr[i], addr))
			return true;
	return false;
}

/**
 * vdpa_net_ctrl_rx_accept() - whether the receive filter lets a frame through
 * @nc: the core
 * @frame: the frame, from its Ethernet header (no virtio-net header)
 * @len: bytes at @frame
 *
 * Applies the receive modes, the VLAN filter (when CTRL_VLAN is
 * negotiated) and the MAC filter to the destination of @frame, as a
 * software device filtering on the driver's settings would.
 *
 * Context: any context.
 * Return: true to deliver the frame, false to drop it.
 */
bool vdpa_net_ctrl_rx_accept(const struct vdpa_net_ctrl *nc, const void *frame,
			     size_t len)
{
	const struct vdpa_net_ctrl_state *s = &nc->state;
	u16 dest[ETH_ALEN / 2];	/* u16-aligned copy of the destination */
	const u8 *da = (const u8 *)dest;
	const u8 *eth = frame;
	u16 vid;

	if (len < ETH_HLEN)
		return false;
	if (s->rx_mode & BIT(VIRTIO_NET_CTRL_RX_PROMISC))
		return true;

	if (nc_has(nc, VIRTIO_NET_F_CTRL_VLAN) &&
	    get_unaligned_be16(eth + 2 * ETH_ALEN) == ETH_P_8021Q) {
		if (len < ETH_HLEN + VLAN_HLEN)
			return false;
		vid = get_unaligned_be16(eth + ETH_HLEN) & VLAN_VID_MASK;
		if (!test_bit(vid, s->vlans))
			return false;
	}

	memcpy(dest, eth, ETH_ALEN);
	if (is_broadcast_ether_addr(da))
		return !(s->rx_mode & BIT(VIRTIO_NET_CTRL_RX_NOBCAST));
	if (is_multicast_ether_addr(da)) {
		if (s->rx_mode & BIT(VIRTIO_NET_CTRL_RX_NOMULTI))
			return false;
		if ((s->rx_mode & BIT(VIRTIO_NET_CTRL_RX_ALLMULTI)) ||
		    s->mc.overflow)
			return true;
		return nc_table_has(&s->mc, da);
	}
	if (s->rx_mode & BIT(VIRTIO_NET_CTRL_RX_NOUNI))
		return false;
	if ((s->rx_mode & BIT(VIRTIO_NET_CTRL_RX_ALLUNI)) || s->uc.overflow)
		return true;
	if (ether_addr_equal_unaligned(s->mac, da))
		return true;
	return nc_table_has(&s->uc, da);
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_rx_accept);

/* ---- receive side scaling and hash report ------------------------- */

/*
 * The Toeplitz hash of the spec's "Hash calculation for incoming
 * packets": for every set bit of @in, XOR in the 32 key bits that start at
 * that bit position.  Key bits past @key_len read as zero.
 */
static u32 nc_toeplitz(const u8 *key, size_t key_len, const u8 *in,
		       size_t len)
{
	u32 hash = 0, window = 0;
	size_t i;
	int b;

	for (i = 0; i < 4; i++)
		window = (window << 8) | (i < key_len ? key[i] : 0);
	for (i = 0; i < len; i++) {
		u8 next = i + 4 < key_len ? key[i + 4] : 0;

		for (b = 7; b >= 0; b--) {
			if (in[i] & BIT(b))
				hash ^= window;
			window = (window << 1) | ((next >> b) & 1);
		}
	}
	return hash;
}

/* What the hash of a frame is calculated over, from its headers. */
struct nc_flow {
	u8 tuple[36];		/* source, destination address, then ports */
	u8 addr_len;		/* 4 or 16; 0 when neither IPv4 nor IPv6 */
	u8 l4;			/* IPPROTO_TCP or IPPROTO_UDP with ports */
};

/*
 * The upper-layer header after the IPv6 extension headers at @off (first
 * one @nh), or 0 when there is none to hash: a fragment other than an
 * unfragmented one, a header cut short, or more than NC_IPV6_MAX_EXT.
 * The _EX types would hash on addresses from these headers; without
 * them the spec hashes the fixed header's addresses and the ports.
 */
#define NC_IPV6_MAX_EXT	8

static size_t nc_ipv6_skip_ext(const u8 *frame, size_t len, size_t off,
			       u8 *nh)
{
	unsigned int i;
	size_t hlen;

	for (i = 0; i < NC_IPV6_MAX_EXT; i++) {
		switch (*nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (len < off + 8)
				return 0;
			hlen = 8 * ((size_t)frame[off + 1] + 1);
			break;
		case IPPROTO_FRAGMENT:
			/* Only an atomic fragment carries the ports. */
			if (len < off + 8 ||
			    get_unaligned_be16(frame + off + 2) & 0xfff9)
				return 0;
			hlen = 8;
			break;
		case IPPROTO_AH:
			if (len < off + 8)
				return 0;
			hlen = 4 * ((size_t)frame[off + 1] + 2);
			break;
		default:
			return off;
		}
		*nh = frame[off];
		off += hlen;
	}
	return 0;
}

static void nc_flow_parse(const u8 *frame, size_t len, struct nc_flow *f)
{
	size_t off = ETH_HLEN, l4 = 0;
	u16 proto;
	u8 nh;

	f->addr_len = 0;
	f->l4 = 0;
	if (len < ETH_HLEN)
		return;
	proto = get_unaligned_be16(frame + 2 * ETH_ALEN);
	if (proto == ETH_P_8021Q) {
		if (len < ETH_HLEN + VLAN_HLEN)
			return;
		proto = get_unaligned_be16(frame + ETH_HLEN + 2);
		off += VLAN_HLEN;
	}

	if (proto == ETH_P_IP && len >= off + 20 &&
	    frame[off] >> 4 == 4 && (frame[off] & 0xf) >= 5 &&
	    len >= off + 4 * (frame[off] & 0xf)) {
		memcpy(f->tuple, frame + off + 12, 8);
		f->addr_len = 4;
		/* Fragments hash on the addresses: only one has the ports. */
		if (!(get_unaligned_be16(frame + off + 6) & 0x3fff)) {
			f->l4 = frame[off + 9];
			l4 = off + 4 * (frame[off] & 0xf);
		}
	} else if (proto == ETH_P_IPV6 && len >= off + 40 &&
		   frame[off] >> 4 == 6) {
		memcpy(f->tuple, frame + off + 8, 32);
		f->addr_len = 16;
		nh = frame[off + 6];
		l4 = nc_ipv6_skip_ext(frame, len, off + 40, &nh);
		if (l4)
			f->l4 = nh;
	}
	/* A whole TCP or UDP header, as the spec's "has a TCP header". */
	if ((f->l4 == IPPROTO_TCP && len >= l4 + 20) ||
	    (f->l4 == IPPROTO_UDP && len >= l4 + 8))
		memcpy(f->tuple + 2 * f->addr_len, frame + l4, 4);
	else
		f->l4 = 0;
}

/*
 * The spec's choice of hash for @types: TCP, then UDP, then the
 * addresses alone.  Returns VIRTIO_NET_HASH_REPORT_NONE when none of
 * the enabled types applies; then @hash is 0.
 */
static u8 nc_flow_hash(const struct nc_flow *f,
		       const struct vdpa_net_ctrl_rss *cfg, u32 *hash)
{
	bool v4 = f->addr_len == 4;
	size_t n = 2 * f->addr_len;
	u8 report;

	*hash = 0;
	if (!f->addr_len)
		return VIRTIO_NET_HASH_REPORT_NONE;
	if (f->l4 == IPPROTO_TCP &&
	    (cfg->hash_types & (v4 ? VIRTIO_NET_RSS_HASH_TYPE_TCPv4 :
				     VIRTIO_NET_RSS_HASH_TYPE_TCPv6))) {
		report = v4 ? VIRTIO_NET_HASH_REPORT_TCPv4 :
			      VIRTIO_NET_HASH_REPORT_TCPv6;
		n += 4;
	} else if (f->l4 == IPPROTO_UDP &&
		   (cfg->hash_types & (v4 ? VIRTIO_NET_RSS_HASH_TYPE_UDPv4 :
					    VIRTIO_NET_RSS_HASH_TYPE_UDPv6))) {
		report = v4 ? VIRTIO_NET_HASH_REPORT_UDPv4 :
			      VIRTIO_NET_HASH_REPORT_UDPv6;
		n += 4;
	} else if (cfg->hash_types & (v4 ? VIRTIO_NET_RSS_HASH_TYPE_IPv4 :
					   VIRTIO_NET_RSS_HASH_TYPE_IPv6)) {
		report = v4 ? VIRTIO_NET_HASH_REPORT_IPv4 :
			      VIRTIO_NET_HASH_REPORT_IPv6;
	} else {
		return VIRTIO_NET_HASH_REPORT_NONE;
	}
	*hash = nc_toeplitz(cfg->key, cfg->key_len, f->tuple, n);
	return report;
}

/**
 * vdpa_net_ctrl_rx_steer() - the receive queue and the hash of a frame
 * @nc: the core
 * @frame: the frame, from its Ethernet header (no virtio-net header)
 * @len: bytes at @frame
 * @out: the answer
 *
 * Calculates the hash of @frame as the spec's "Hash calculation for
 * incoming packets" says, with the RSS configuration to pick the receive
 * queue when RSS is in effect, and with the hash report configuration
 * for the hash report when that is in effect.  The frame is hashed over
 * IPv4 or IPv6 (after at most one 802.1Q tag, and for IPv6 after up to 8
 * extension headers) and the TCP or UDP ports; the _EX hash types are
 * not implemented, so a parent that steers with this function offers
 * none of them in &vdpa_net_ctrl_limits.supported_hash_types.
 *
 * Context: any context.
 */
void vdpa_net_ctrl_rx_steer(const struct vdpa_net_ctrl *nc, const void *frame,
			    size_t len, struct vdpa_net_ctrl_rx_hash *out)
{
	const struct vdpa_net_ctrl_state *s = &nc->state;
	struct nc_flow f;
	u32 hash;

	out->vq_pairs = s->vq_pairs;
	out->queue = VDPA_NET_CTRL_RX_QUEUE_ANY;
	out->value = 0;
	out->report = VIRTIO_NET_HASH_REPORT_NONE;
	if (!s->rss_enabled && !s->hash_report)
		return;

	nc_flow_parse(frame, len, &f);
	if (s->rss_enabled) {
		if (nc_flow_hash(&f, &s->rss, &hash) ==
		    VIRTIO_NET_HASH_REPORT_NONE)
			out->queue = s->rss.unclassified_queue;
		else
			out->queue = s->rss.table[hash &
						  s->rss.indirection_table_mask];
	}
	if (s->hash_report)
		out->report = nc_flow_hash(&f, &s->hash, &out->value);
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_rx_steer);

/**
 * vdpa_net_ctrl_save() - copy the device-side state
 * @nc: the core
 * @out: where to copy it
 *
 * Context: any context.
 */
void vdpa_net_ctrl_save(const struct vdpa_net_ctrl *nc,
			struct vdpa_net_ctrl_state *out)
{
	*out = nc->state;
}
EXPORT_SYMBOL_IF_KUNIT(vdpa_net_ctrl_save);

static bool nc_table_ok(const struct vdpa_net_ctrl *nc,
			const struct vdpa_net_ctrl_mac_table *t)
{
	if (t->overflow)
		return !t->count;
	return t->count <= nc->limits.mac_table_entries;
}

static int nc_check_state(const struct vdpa_net_ctrl *nc,
			  const struct vdpa_net_ctrl_state *in)
{
	const struct vdpa_net_ctrl_limits *lim = &nc->limits;

	if (in->rx_mode & ~(BIT(NC_RX_MODES) - 1))
		return -EINVAL;
	if (!nc_table_ok(nc, &in->uc) || !nc_table_ok(nc, &in->mc))
		return -EINVAL;
	if (in->vq_pairs < 1 || in->vq_pairs > lim->max_vq_pairs)
		return -EINVAL;
	/* Only VQ_PAIRS_SET (MQ) or RSS_CONFIG (RSS) select more pairs. */
	if (in->vq_pairs > 1 && !nc_has(nc, VIRTIO_NET_F_MQ) &&
	    !in->rss_enabled)
		return -EINVAL;
	if (in->rss_enabled &&
	    (!nc_has(nc, VIRTIO_NET_F_RSS) || nc_check_rss(lim, &in->rss) ||
	     in->rss.max_tx_vq != in->vq_pairs))
		return -EINVAL;
	if (in->hash_report &&
	    (!nc_has(nc, VIRTIO_NET_F_HASH_REPORT) || !in->hash.hash_types ||
	     nc_check_hash(lim, in->hash.hash_types, in->hash.key_len)))
		return -EINVAL;
	if (in->guest_offloads & ~(nc->features & NC_GUEST_OFFLOADS))
		return -EINVAL;
	return 0;
}

static int nc_replay_rx(const struct vdpa_net_ctrl *nc,
			const struct vdpa_net_ctrl_state *in,
			const struct vdpa_net_ctrl_ops *ops, void *priv)
{
	u8 mode, last = VIRTIO_NET_CTRL_RX_ALLMULTI;
	int err;

	if (!ops->rx_mode_set)
		return 0;
	if (nc_has(nc, VIRTIO_NET_F_CTRL_RX_EXTRA))
		last = VIRTIO_NET_CTRL_RX_NOBCAST;
	for (mode = VIRTIO_NET_CTRL_RX_PROMISC; mode <= last; mode++) {
		err = ops->rx_mode_set(priv, mode, in->rx_mode & BIT(mode));
		if (err)
			return err;
	}
	return 0;
}

static int nc_replay_mq(const struct vdpa_net_ctrl *nc,
			const struct vdpa_net_ctrl_state *in,
			const struct vdpa_net_ctrl_ops *ops, void *priv)
{
	int err;

	if (in->rss_enabled) {
		if (ops->rss_set) {
			err = ops->rss_set(priv, &in->rss);
			if (err)
				return err;
		}
	} else if (nc_has(nc, VIRTIO_NET_F_MQ) && ops->vq_pairs_set) {
		err = ops->vq_pairs_set(priv, in->vq_pairs);
		if (err)
			return err;
	}
	/* In RSS mode the RSS configuration carries the hash report. */
	if (in->hash_report && !in->rss_enabled && ops->hash_set)
		return ops->hash_set(priv, &in->hash);
	return 0;
}

static int nc_replay_coal(const struct vdpa_net_ctrl *nc,
			  const struct vdpa_net_ctrl_state *in,
			  const struct vdpa_net_ctrl_ops *ops, void *priv)
{
	u32 vq, nvqs;
	int err;

	if (nc_has(nc, VIRTIO_NET_F_NOTF_COAL)) {
		if (ops->coal_tx_set) {
			err = ops->coal_tx_set(priv, &in->tx_coal);
			if (err)
				return err;
		}
		if (ops->coal_rx_set) {
			err = ops->coal_rx_set(priv, &in->rx_coal);
			if (err)
				return err;
		}
	}
	if (!nc_has(nc, VIRTIO_NET_F_VQ_NOTF_COAL) || !ops->coal_vq_set)
		return 0;
	nvqs = 2 * (u32)in->vq_pairs;
	for (vq = 0; vq < nvqs && vq < VDPA_NET_CTRL_COAL_MAX_VQS; vq++) {
		err = ops->coal_vq_set(priv, vq, &in->vq_coal[vq]);
		if (err)
			return err;
	}
	return 0;
}

static int nc_replay(const struct vdpa_net_ctrl *nc,
		     const struct vdpa_net_ctrl_state *in,
		     const struct vdpa_net_ctrl_ops *ops, void *priv)
{
	u32 vid;
	int err;

	if (nc_has(nc, VIRTIO_NET_F_CTRL_MAC_ADDR) && ops->mac_addr_set &&
	    !is_zero_ether_addr(in->mac)) {
		err = ops->mac_addr_set(priv, in->mac);
		if (err)
			return err;
	}
	if (nc_has(nc, VIRTIO_NET_F_CTRL_RX)) {
		if (ops->mac_table_set) {
			err = ops->mac_table_set(priv, &in->uc, &in->mc);
			if (err)
				return err;
		}
		err = nc_replay_rx(nc, in, ops, priv);
		if (err)
			return err;
	}
	if (nc_has(nc, VIRTIO_NET_F_CTRL_VLAN) && ops->vlan_add) {
		for (vid = 0; vid < VDPA_NET_CTRL_VLAN_N; vid++) {
			if (!test_bit(vid, in->vlans))
				continue;
			err = ops->vlan_add(priv, vid);
			if (err)
				return err;
		}
	}
	err = nc_replay_mq(nc, in, ops, priv);
	if (err)
		return err;
	if (nc_has(nc, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) &&
	    ops->guest_offloads_set) {
		err = ops->guest_offloads_set(priv, in->guest_offloads);
		if (err)
			return err;
	}
	return nc_replay_coal(nc, in, ops, priv);
}

/**
 * vdpa_net_ctrl_restore() - load a saved state and replay it into the parent
 * @nc: the core, with its features already negotiated
 * @in: the state to load, as saved by vdpa_net_ctrl_save()
 * @ops: the parent callbacks (may be NULL)
 * @priv: passed to every callback
 *
 * Checks @in against the limits and the negotiated features, then
 * replays it through the callbacks that exist and whose feature is
 * negotiated, in this order: MAC address (unless all-zero), MAC tables,
 * every receive mode on or off, every VLAN in the filter, queue pairs or
 * RSS, hash report (when on), guest offloads, transmit and receive
 * coalescing, then the coalescing of every enabled data virtqueue.  The
 * parent is expected to be freshly reset, so nothing is switched off.
 * @in is adopted only when every callback succeeded.  Replay is not
 * undone on failure: the parent may be left partly configured.
 *
 * Context: the context the callbacks need; the caller serializes.
 * Return: 0, -EINVAL if @in is out of range, or the first callback error.
 */
int vdpa_net_ctrl_restore(struct vdpa_net_ctrl *nc,
			  const struct vdpa_net_ctrl_state *in,
			  const struct vdpa_net_ctrl_ops *ops, void *priv)
{
	int err;

	err = nc_check_state(nc, in);
	if (err)
		return err;
	err = nc_replay(nc, in, ops ? ops : &nc_no_ops, priv);
	if (err)
		return err;
	if (in != &nc->state)
		nc->state = *in;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vdpa_net_ctrl_restore);

/**
 * vdpa_net_ctrl_class_name() - short name of a command class, for tracing
 * @class: VIRTIO_NET_CTRL_* class number
 *
 * Context: any context.
 * Return: a constant string, "unknown" for a class the module lacks.
 */
const char *vdpa_net_ctrl_class_name(u8 class)
{
	static const char * const names[VDPA_NET_CTRL_NCLASSES] = {
		[VIRTIO_NET_CTRL_RX] = "rx",
		[VIRTIO_NET_CTRL_MAC] = "mac",
		[VIRTIO_NET_CTRL_VLAN] = "vlan",
		[VIRTIO_NET_CTRL_ANNOUNCE] = "announce",
		[VIRTIO_NET_CTRL_MQ] = "mq",
		[VIRTIO_NET_CTRL_GUEST_OFFLOADS] = "guest_offloads",
		[VIRTIO_NET_CTRL_NOTF_COAL] = "notf_coal",
		[7] = "class7",	/* HASH_TUNNEL (virtio 1.4), not in uapi */
		[VIRTIO_NET_CTRL_STATS] = "stats",
	};

	if (class >= VDPA_NET_CTRL_NCLASSES || !names[class])
		return "unknown";
	return names[class];
}
