// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for vdpa_net_ctrl, over real split virtqueues in kernel
 * memory: a fake driver posts chains the way virtio_net (or a hostile
 * driver) would, the library handles them, the test reads the used ring,
 * the acks and the device-side state.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/vdpa_net_ctrl.h>
#include <linux/vhost_iotlb.h>
#include <linux/virtio_ring.h>
#include <linux/vringh.h>
#include <uapi/linux/virtio_config.h>

#define RING_NUM	64
#define MAX_SEGS	80

#define F(x)		BIT_ULL(VIRTIO_NET_F_##x)
#define ALL_FEATURES	(F(CTRL_VQ) | F(CTRL_RX) | F(CTRL_RX_EXTRA) | \
			 F(CTRL_VLAN) | F(CTRL_MAC_ADDR) | F(MQ) | F(RSS) | \
			 F(HASH_REPORT) | F(GUEST_ANNOUNCE) | \
			 F(CTRL_GUEST_OFFLOADS) | F(GUEST_CSUM) | \
			 F(GUEST_TSO4) | F(GUEST_TSO6) | F(NOTF_COAL) | \
			 F(VQ_NOTF_COAL) | F(DEVICE_STATS) | \
			 BIT_ULL(VIRTIO_F_VERSION_1))
#define STATS_TYPES	(VIRTIO_NET_STATS_TYPE_RX_BASIC | \
			 VIRTIO_NET_STATS_TYPE_TX_BASIC | \
			 VIRTIO_NET_STATS_TYPE_CVQ)

static const struct vdpa_net_ctrl_limits test_limits = {
	.max_vq_pairs = 4,
	.mac_table_entries = 4,
	.rss_max_key_size = 40,
	.rss_max_indirection_table_length = 128,
	.supported_hash_types = VIRTIO_NET_RSS_HASH_TYPE_IPv4 |
				VIRTIO_NET_RSS_HASH_TYPE_TCPv4 |
				VIRTIO_NET_RSS_HASH_TYPE_IPv6 |
				VIRTIO_NET_RSS_HASH_TYPE_TCPv6,
};

/* The parent side: records calls, refuses when told to. */
struct fake_parent {
	bool refuse;
	unsigned int calls;
};

static int fp_call(void *priv)
{
	struct fake_parent *fp = priv;

	fp->calls++;
	return fp->refuse ? -EIO : 0;
}

static int fp_rx_mode(void *p, u8 cmd, bool on)
{
	return fp_call(p);
}

static int fp_table(void *p, const struct vdpa_net_ctrl_mac_table *uc,
		    const struct vdpa_net_ctrl_mac_table *mc)
{
	return fp_call(p);
}

static int fp_mac(void *p, const u8 *mac)
{
	return fp_call(p);
}

static int fp_vid(void *p, u16 vid)
{
	return fp_call(p);
}

static int fp_void(void *p)
{
	return fp_call(p);
}

static int fp_pairs(void *p, u16 pairs)
{
	return fp_call(p);
}

static int fp_rss(void *p, const struct vdpa_net_ctrl_rss *r)
{
	return fp_call(p);
}

static int fp_offl(void *p, u64 o)
{
	return fp_call(p);
}

static int fp_coal(void *p, const struct vdpa_net_ctrl_coal *c)
{
	return fp_call(p);
}

static int fp_vq_coal(void *p, u16 vq, const struct vdpa_net_ctrl_coal *c)
{
	return fp_call(p);
}

/* A query, not a change: not counted in calls. */
static int fp_stats_query(void *p, u64 *supported)
{
	struct fake_parent *fp = p;

	*supported = STATS_TYPES;
	return fp->refuse ? -EIO : 0;
}

static int fp_stats_get(void *p, u16 vq, u64 types, void *reply, size_t len)
{
	struct virtio_net_stats_reply_hdr hdr = {
		.vq_index = cpu_to_le16(vq),
		.size = cpu_to_le16(sizeof(hdr)),
	};
	int err = fp_call(p);

	if (err)
		return err;
	if (len < sizeof(hdr))
		return -ENOSPC;
	hdr.type = __ffs64(types);
	memcpy(reply, &hdr, sizeof(hdr));
	return sizeof(hdr);
}

static const struct vdpa_net_ctrl_ops fake_ops = {
	.rx_mode_set = fp_rx_mode,
	.mac_table_set = fp_table,
	.mac_addr_set = fp_mac,
	.vlan_add = fp_vid,
	.vlan_del = fp_vid,
	.announce_ack = fp_void,
	.vq_pairs_set = fp_pairs,
	.rss_set = fp_rss,
	.hash_set = fp_rss,
	.guest_offloads_set = fp_offl,
	.coal_tx_set = fp_coal,
	.coal_rx_set = fp_coal,
	.coal_vq_set = fp_vq_coal,
	.stats_query = fp_stats_query,
	.stats_get = fp_stats_get,
};

/* The driver side: a split ring in kernel memory. */
struct fake_cvq {
	struct vring vr;
	void *mem;
	u16 avail_idx;
	u16 used_seen;
	u16 next_desc;
	struct vringh vrh;
	struct vdpa_net_ctrl_vringh ctx;
	struct fake_parent parent;
	void *indirect[RING_NUM];
	struct vhost_iotlb *iotlb;
	spinlock_t iotlb_lock;	/* for vringh_set_iotlb() */
	u64 iova_off;
	struct kunit *test;
	struct list_head bounces;
};

/*
 * The IOTLB maps physical memory, so every buffer the fake driver posts
 * must be in the linear map.  A test's buffer that is not (on a vmapped
 * stack, or static data of the test module) is posted through a kmalloc
 * copy, whose device-written bytes fake_handle() copies back.
 */
struct bounce {
	struct list_head node;
	void *orig;
	void *copy;
	u32 len;
	bool write;
};

static u64 fake_addr(struct fake_cvq *q, void *p)
{
	return virt_to_phys(p) + q->iova_off;
}

struct seg {
	void *buf;
	u32 len;
	bool write;
};

/* Where the driver's addresses start when the IOTLB translates them. */
#define IOVA_OFFSET	BIT_ULL(47)

/*
 * A control virtqueue in kernel memory, reached the way vDPA parents
 * reach theirs: through an IOTLB.  The driver's addresses are the
 * physical ones (an identity map, as for virtio_vdpa on a software
 * parent) or, with @translate, the physical ones moved by IOVA_OFFSET
 * (as with a VMM's IOVAs).
 */
static struct fake_cvq *fake_cvq_new(struct kunit *test, bool translate)
{
	struct fake_cvq *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	size_t size = vring_size(RING_NUM, SMP_CACHE_BYTES);
	int err;

	KUNIT_ASSERT_NOT_NULL(test, q);
	q->test = test;
	INIT_LIST_HEAD(&q->bounces);
	q->mem = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q->mem);
	vring_init(&q->vr, RING_NUM, q->mem, SMP_CACHE_BYTES);
	q->iova_off = translate ? IOVA_OFFSET : 0;
	q->iotlb = vhost_iotlb_alloc(16, 0);
	KUNIT_ASSERT_NOT_NULL(test, q->iotlb);
	err = vhost_iotlb_add_range(q->iotlb, q->iova_off,
				    q->iova_off + (1ULL << 46) - 1, 0,
				    VHOST_MAP_RW);
	KUNIT_ASSERT_EQ(test, err, 0);
	spin_lock_init(&q->iotlb_lock);
	err = vringh_init_iotlb(&q->vrh, BIT_ULL(VIRTIO_F_VERSION_1),
				RING_NUM, false,
				(void *)(uintptr_t)fake_addr(q, q->vr.desc),
				(void *)(uintptr_t)fake_addr(q, q->vr.avail),
				(void *)(uintptr_t)fake_addr(q, q->vr.used));
	KUNIT_ASSERT_EQ(test, err, 0);
	vringh_set_iotlb(&q->vrh, q->iotlb, &q->iotlb_lock);
	KUNIT_ASSERT_EQ(test, vdpa_net_ctrl_vringh_init(&q->ctx, "kunit",
							&test_limits, NULL), 0);
	vdpa_net_ctrl_set_features(&q->ctx.nc, ALL_FEATURES);
	return q;
}

static void fake_cvq_free(struct fake_cvq *q)
{
	unsigned int i;

	for (i = 0; i < RING_NUM; i++)
		kfree(q->indirect[i]);
	vdpa_net_ctrl_vringh_cleanup(&q->ctx);
	vhost_iotlb_free(q->iotlb);
}

static void *fake_dma_buf(struct fake_cvq *q, const struct seg *s)
{
	struct bounce *b;

	if (!s->len || virt_addr_valid(s->buf))
		return s->buf;
	b = kunit_kzalloc(q->test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(q->test, b);
	b->copy = kunit_kmalloc(q->test, s->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(q->test, b->copy);
	memcpy(b->copy, s->buf, s->len);
	b->orig = s->buf;
	b->len = s->len;
	b->write = s->write;
	list_add_tail(&b->node, &q->bounces);
	return b->copy;
}

static void fill_desc(struct fake_cvq *q, struct vring_desc *d,
		      const struct seg *s, bool last, u16 next)
{
	u16 flags = (s->write ? VRING_DESC_F_WRITE : 0) |
		    (last ? 0 : VRING_DESC_F_NEXT);

	d->addr = (__force __virtio64)cpu_to_le64(fake_addr(q,
							fake_dma_buf(q, s)));
	d->len = (__force __virtio32)cpu_to_le32(s->len);
	d->flags = (__force __virtio16)cpu_to_le16(flags);
	d->next = (__force __virtio16)cpu_to_le16(next);
}

/* Post a chain of @n segments; returns its head. */
static u16 fake_post(struct fake_cvq *q, const struct seg *segs,
		     unsigned int n, bool indirect)
{
	u16 head = q->next_desc % RING_NUM, i;

	if (indirect) {
		struct vring_desc *table = kcalloc(n, sizeof(*table),
						   GFP_KERNEL);
		struct seg ind = {
			.buf = table,
			.len = n * sizeof(*table),
		};

		for (i = 0; i < n; i++)
			fill_desc(q, &table[i], &segs[i], i == n - 1, i + 1);
		kfree(q->indirect[head]);
		q->indirect[head] = table;
		fill_desc(q, &q->vr.desc[head], &ind, true, 0);
		q->vr.desc[head].flags =
			(__force __virtio16)cpu_to_le16(VRING_DESC_F_INDIRECT);
		q->next_desc++;
	} else {
		for (i = 0; i < n; i++) {
			u16 d = (head + i) % RING_NUM;

			fill_desc(q, &q->vr.desc[d], &segs[i], i == n - 1,
				  (d + 1) % RING_NUM);
		}
		q->next_desc += n;
	}
	q->vr.avail->ring[q->avail_idx % RING_NUM] =
		(__force __virtio16)cpu_to_le16(head);
	q->avail_idx++;
	q->vr.avail->idx = (__force __virtio16)cpu_to_le16(q->avail_idx);
	return head;
}

static int fake_handle(struct fake_cvq *q, unsigned int budget)
{
	struct bounce *b;
	int ret;

	ret = vdpa_net_ctrl_vringh_handle_cvq(&q->ctx, &q->vrh, &fake_ops,
					      &q->parent, budget);
	list_for_each_entry(b, &q->bounces, node)
		if (b->write)
			memcpy(b->orig, b->copy, b->len);
	return ret;
}

/* Pop the next used entry; false when there is none. */
static bool fake_used(struct fake_cvq *q, u16 *id, u32 *len)
{
	struct vring_used_elem *e;

	if (le16_to_cpu((__force __le16)q->vr.used->idx) == q->used_seen)
		return false;
	e = &q->vr.used->ring[q->used_seen % RING_NUM];
	*id = le32_to_cpu((__force __le32)e->id);
	*len = le32_to_cpu((__force __le32)e->len);
	q->used_seen++;
	return true;
}

enum layout {
	LAYOUT_FLAT,		/* one readable, one writable descriptor */
	LAYOUT_LINUX,		/* header, payload, ack: as virtio_net does */
	LAYOUT_BYTES,		/* one descriptor per readable byte */
	LAYOUT_ZERO,		/* zero-length descriptors in between */
	LAYOUT_INDIRECT,	/* header, payload, ack in an indirect table */
	LAYOUT_NUM,
};

static const char * const layout_names[] = {
	"flat", "linux", "bytes", "zero-length", "indirect",
};

/*
 * Send @cmd (class, command, payload) with @layout; returns the used
 * length, sets *ack (0xff when not written) and copies the result bytes.
 */
static u32 fake_send(struct kunit *test, struct fake_cvq *q, const u8 *cmd,
		     size_t len, enum layout layout, u8 *ack, u8 *result,
		     size_t result_len)
{
	static u8 zero[1];
	unsigned int n = 0, i;
	struct seg *segs;
	u8 *rbuf, *wbuf;
	u16 head, id;
	u32 used;

	segs = kunit_kcalloc(test, MAX_SEGS, sizeof(*segs), GFP_KERNEL);
	rbuf = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);
	wbuf = kunit_kmalloc(test, 1 + result_len, GFP_KERNEL);
	memcpy(rbuf, cmd, len);
	memset(wbuf, 0xff, 1 + result_len);

	switch (layout) {
	case LAYOUT_FLAT:
		segs[n++] = (struct seg){ rbuf, len };
		break;
	case LAYOUT_LINUX:
	case LAYOUT_INDIRECT:
		segs[n++] = (struct seg){ rbuf, min_t(size_t, len, 2) };
		if (len > 2)
			segs[n++] = (struct seg){ rbuf + 2, len - 2 };
		break;
	case LAYOUT_BYTES:
		for (i = 0; i < len && n < MAX_SEGS - 2; i++)
			segs[n++] = (struct seg){ rbuf + i, 1 };
		if (i < len)
			segs[n++] = (struct seg){ rbuf + i, len - i };
		break;
	case LAYOUT_ZERO:
		segs[n++] = (struct seg){ zero, 0 };
		segs[n++] = (struct seg){ rbuf, min_t(size_t, len, 1) };
		segs[n++] = (struct seg){ zero, 0 };
		if (len > 1)
			segs[n++] = (struct seg){ rbuf + 1, len - 1 };
		segs[n++] = (struct seg){ zero, 0, true };
		break;
	default:
		break;
	}
	segs[n++] = (struct seg){ wbuf, 1 + result_len, true };

	head = fake_post(q, segs, n, layout == LAYOUT_INDIRECT);
	KUNIT_EXPECT_EQ(test, fake_handle(q, 16), 1);
	KUNIT_ASSERT_TRUE(test, fake_used(q, &id, &used));
	KUNIT_EXPECT_EQ(test, id, head);
	*ack = wbuf[0];
	if (result)
		memcpy(result, wbuf + 1, result_len);
	return used;
}

/* ---- the command matrix ---- */

/* MAC ADDR_SET 02:11:22:33:44:55 */
static const u8 cmd_mac_a[] = { 1, 1, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* MAC TABLE_SET, unicast 02:00:00:00:00:01, multicast 01:00:5e:00:00:01 */
static const u8 cmd_tables[] = {
	1, 0, 1, 0, 0, 0, 0x02, 0, 0, 0, 0, 1,
	1, 0, 0, 0, 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01,
};

struct cmd_case {
	const char *name;
	const u8 *cmd;
	size_t len;
	u64 features;		/* 0: ALL_FEATURES */
	u8 ack;
	size_t result_len;	/* result bytes after the ack on success */
	void (*check)(struct kunit *test, const struct vdpa_net_ctrl_state *st);
};

#define CMD(...)	.cmd = (const u8[]){ __VA_ARGS__ }, \
			.len = sizeof((const u8[]){ __VA_ARGS__ })
#define OK		.ack = VIRTIO_NET_OK
#define ERR		.ack = VIRTIO_NET_ERR

static void chk_promisc_off(struct kunit *test,
			    const struct vdpa_net_ctrl_state *st)
{
	KUNIT_EXPECT_FALSE(test, st->rx_mode & BIT(VIRTIO_NET_CTRL_RX_PROMISC));
}

static void chk_nobcast(struct kunit *test,
			const struct vdpa_net_ctrl_state *st)
{
	KUNIT_EXPECT_TRUE(test, st->rx_mode & BIT(VIRTIO_NET_CTRL_RX_NOBCAST));
}

static void chk_mac(struct kunit *test, const struct vdpa_net_ctrl_state *st)
{
	static const u8 a[] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	KUNIT_EXPECT_MEMEQ(test, st->mac, a, ETH_ALEN);
}

static void chk_tables(struct kunit *test, const struct vdpa_net_ctrl_state *st)
{
	static const u8 m[] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

	KUNIT_EXPECT_EQ(test, st->uc.count, 1);
	KUNIT_EXPECT_EQ(test, st->mc.count, 1);
	KUNIT_EXPECT_MEMEQ(test, st->mc.addr[0], m, ETH_ALEN);
	KUNIT_EXPECT_FALSE(test, st->uc.overflow || st->mc.overflow);
}

static void chk_mc_overflow(struct kunit *test,
			    const struct vdpa_net_ctrl_state *st)
{
	KUNIT_EXPECT_TRUE(test, st->mc.overflow);
	KUNIT_EXPECT_FALSE(test, st->uc.overflow);
}

static void chk_vlan(struct kunit *test, const struct vdpa_net_ctrl_state *st)
{
	KUNIT_EXPECT_TRUE(test, test_bit(4095, st->vlans));
}

static void chk_pairs(struct kunit *test, const struct vdpa_net_ctrl_state *st)
{
	KUNIT_EXPECT_EQ(test, st->vq_pairs, 4);
	KUNIT_EXPECT_FALSE(test, st->rss_enabled);
}

static void chk_rss(struct kunit *test, const struct vdpa_net_ctrl_state *st)
{
	KUNIT_EXPECT_TRUE(test, st->rss_enabled);
	KUNIT_EXPECT_EQ(test, st->vq_pairs, 2);
	KUNIT_EXPECT_EQ(test, st->rss.indirection_table_mask, 3);
	KUNIT_EXPECT_EQ(test, st->rss.table[3], 1);
	KUNIT_EXPECT_EQ(test, st->rss.key_len, 40);
}

static void chk_hash(struct kunit *test, const struct vdpa_net_ctrl_state *st)
{
	KUNIT_EXPECT_TRUE(test, st->hash_report);
	KUNIT_EXPECT_EQ(test, st->hash.hash_types, 1);
}

static void chk_offloads(struct kunit *test,
			 const struct vdpa_net_ctrl_state *st)
{
	KUNIT_EXPECT_EQ(test, st->guest_offloads, F(GUEST_CSUM));
}

static void chk_coal_tx(struct kunit *test,
			const struct vdpa_net_ctrl_state *st)
{
	KUNIT_EXPECT_EQ(test, st->tx_coal.max_packets, 16);
	KUNIT_EXPECT_EQ(test, st->tx_coal.max_usecs, 100);
}

static void chk_coal_vq(struct kunit *test,
			const struct vdpa_net_ctrl_state *st)
{
	KUNIT_EXPECT_EQ(test, st->vq_coal[1].max_packets, 8);
	KUNIT_EXPECT_EQ(test, st->vq_coal[1].max_usecs, 50);
}

static const struct cmd_case cmd_cases[] = {
	/* class 0: rx */
	{ "rx-promisc-off", CMD(0, 0, 0), OK, .check = chk_promisc_off },
	{ "rx-allmulti-on", CMD(0, 1, 1), OK },
	{ "rx-nobcast-on", CMD(0, 5, 1), OK, .check = chk_nobcast },
	{ "rx-unknown-cmd", CMD(0, 6, 1), ERR },
	{ "rx-short", CMD(0, 0), ERR },
	{ "rx-long", CMD(0, 0, 1, 1), ERR },
	{ "rx-not-negotiated", CMD(0, 0, 1), ERR,
	  .features = BIT_ULL(VIRTIO_F_VERSION_1) | F(CTRL_VQ) },
	{ "rx-extra-not-negotiated", CMD(0, 2, 1), ERR,
	  .features = BIT_ULL(VIRTIO_F_VERSION_1) | F(CTRL_VQ) | F(CTRL_RX) },
	/* class 1: mac */
	{ "mac-addr-set", CMD(1, 1, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55), OK,
	  .check = chk_mac },
	{ "mac-addr-short", CMD(1, 1, 1, 2, 3, 4, 5), ERR },
	{ "mac-addr-not-negotiated", CMD(1, 1, 0x02, 0x11, 0x22, 0x33, 0x44,
					 0x55), ERR,
	  .features = BIT_ULL(VIRTIO_F_VERSION_1) | F(CTRL_VQ) },
	{ "mac-table-set", CMD(1, 0, 1, 0, 0, 0, 0x02, 0x11, 0x22, 0x33, 0x44,
			       0x55, 1, 0, 0, 0, 0x01, 0x00, 0x5e, 0x00, 0x00,
			       0x01), OK,
	  .check = chk_tables },
	{ "mac-table-empty", CMD(1, 0, 0, 0, 0, 0, 0, 0, 0, 0), OK },
	{ "mac-table-overflow", CMD(1, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0x01, 0x00,
				    0x5e, 0x00, 0x00, 0x01, 0x01, 0x00, 0x5e,
				    0x00, 0x00, 0x01,
				    0x01, 0x00, 0x5e, 0x00, 0x00, 0x01, 0x01,
				    0x00, 0x5e, 0x00, 0x00, 0x01, 0x01, 0x00,
				    0x5e, 0x00, 0x00, 0x01), OK,
	  .check = chk_mc_overflow },
	{ "mac-table-count-too-big", CMD(1, 0, 0, 0, 0, 64, 0x02, 0x11, 0x22,
					 0x33, 0x44, 0x55,
					 0, 0, 0, 0), ERR },
	{ "mac-table-trailing", CMD(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), ERR },
	{ "mac-table-truncated", CMD(1, 0, 1, 0, 0, 0, 0x02, 0x11, 0x22, 0x33,
				     0x44, 0x55), ERR },
	{ "mac-unknown-cmd", CMD(1, 2), ERR },
	/* class 2: vlan */
	{ "vlan-add-4095", CMD(2, 0, 255, 15), OK, .check = chk_vlan },
	{ "vlan-add-4096", CMD(2, 0, 0, 16), ERR },
	{ "vlan-del", CMD(2, 1, 7, 0), OK },
	{ "vlan-short", CMD(2, 0, 1), ERR },
	{ "vlan-not-negotiated", CMD(2, 0, 1, 0), ERR,
	  .features = BIT_ULL(VIRTIO_F_VERSION_1) | F(CTRL_VQ) },
	/* class 3: announce */
	{ "announce-ack", CMD(3, 0), OK },
	{ "announce-ack-payload", CMD(3, 0, 0), ERR },
	{ "announce-not-negotiated", CMD(3, 0), ERR,
	  .features = BIT_ULL(VIRTIO_F_VERSION_1) | F(CTRL_VQ) },
	/* class 4: mq */
	{ "mq-pairs-4", CMD(4, 0, 4, 0), OK, .check = chk_pairs },
	{ "mq-pairs-0", CMD(4, 0, 0, 0), ERR },
	{ "mq-pairs-5", CMD(4, 0, 5, 0), ERR },
	{ "mq-pairs-0x8001", CMD(4, 0, 1, 128), ERR },
	{ "mq-rss", CMD(4, 1, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 1, 0,
			0, 0, 1, 0, 2, 0, 40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1,
			2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9,
			10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), OK,
	  .check = chk_rss },
	{ "mq-rss-mask-not-pow2", CMD(4, 1, 1, 0, 0, 0, 2, 0, 0, 0,
				      0, 0, 1, 0, 0, 0, 2, 0, 0),
	  ERR },
	/* receive queue ids: any of the device's, whatever max_tx_vq says */
	{ "mq-rss-entry-above-max-tx-vq", CMD(4, 1, 1, 0, 0, 0, 1, 0, 0, 0,
					      0, 0, 3, 0, 2, 0, 0),
	  OK },
	{ "mq-rss-entry-beyond-device", CMD(4, 1, 1, 0, 0, 0, 1, 0, 0, 0,
					    0, 0, 4, 0, 2, 0, 0),
	  ERR },
	{ "mq-rss-key-too-long", CMD(4, 1, 1, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 1, 0, 41, 1, 2, 3, 4, 5, 6, 7, 8, 9,
				     10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3,
				     4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7,
				     8, 9, 10, 0), ERR },
	{ "mq-rss-bad-hash-type", CMD(4, 1, 0, 1, 0, 0, 0, 0, 0, 0,
				      0, 0, 1, 0, 0), ERR },
	{ "mq-hash-config", CMD(4, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
	  OK, .check = chk_hash },
	{ "mq-hash-reserved", CMD(4, 2, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
	  ERR },
	{ "mq-not-negotiated", CMD(4, 0, 1, 0), ERR,
	  .features = BIT_ULL(VIRTIO_F_VERSION_1) | F(CTRL_VQ) },
	/* class 5: guest offloads */
	{ "offloads-csum", CMD(5, 0, 2, 0, 0, 0,
			       0, 0, 0, 0), OK, .check = chk_offloads },
	{ "offloads-not-negotiated-bit", CMD(5, 0, 0, 4, 0, 0, 0, 0, 0, 0),
	  ERR },
	{ "offloads-short", CMD(5, 0, 0, 0, 0, 0), ERR },
	/* class 6: notification coalescing */
	{ "coal-tx", CMD(6, 0, 16, 0, 0, 0, 100, 0, 0, 0), OK,
	  .check = chk_coal_tx },
	{ "coal-rx", CMD(6, 1, 16, 0, 0, 0, 100, 0, 0, 0), OK },
	{ "coal-vq-set", CMD(6, 2, 1, 0, 0, 0, 8, 0, 0, 0, 50, 0, 0, 0), OK,
	  .check = chk_coal_vq },
	/* every data queue of the device, not just the pairs in use */
	{ "coal-vq-set-beyond-pairs-in-use", CMD(6, 2, 7, 0, 0, 0, 8, 0, 0,
						 0, 50, 0, 0, 0), OK },
	{ "coal-vq-set-cvq", CMD(6, 2, 8, 0, 0, 0, 8, 0, 0, 0,
				 50, 0, 0, 0), ERR },
	{ "coal-vq-get", CMD(6, 3, 0, 0, 0, 0), OK, .result_len = 8 },
	{ "coal-vq-get-cvq", CMD(6, 3, 8, 0, 0, 0), ERR, .result_len = 8 },
	{ "coal-short", CMD(6, 0, 16, 0, 0, 0), ERR },
	/* class 7: not defined (Linux 7.3 has no class 7) */
	{ "class-7", CMD(7, 0, 0, 0, 0, 0), ERR },
	/* class 8: stats */
	{ "stats-query", CMD(8, 0), OK, .result_len = 8 },
	{ "stats-get", CMD(8, 1, 0, 0, 0, 0, 0, 0, 0, 0,
			   1, 0, 0, 0, 0, 0, 0, 0), OK,
	  .result_len = sizeof(struct virtio_net_stats_reply_hdr) },
	{ "stats-get-bad-vq", CMD(8, 1, 100, 0, 0, 0, 0, 0, 0, 0,
				  1, 0, 0, 0,
				  0, 0, 0, 0), ERR },
	{ "stats-get-unsupported-type", CMD(8, 1, 0, 0, 0, 0, 0, 0, 0, 0,
					    4, 0, 0, 0,
					    0, 0, 0, 0), ERR },
	/* unknown */
	{ "class-200", CMD(200, 0), ERR },
	{ "header-only-class", CMD(0), ERR },
	{ "empty", .cmd = (const u8[]){ 0 }, .len = 0, ERR },
};

static void cmd_case_desc(const struct cmd_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cmd, cmd_cases, cmd_case_desc);

static void run_cmd_case(struct kunit *test, const struct cmd_case *c,
			 enum layout layout, bool refuse, bool translate)
{
	struct fake_cvq *q = fake_cvq_new(test, translate);
	struct vdpa_net_ctrl_state *before;
	u8 ack, result[64];
	u32 used;

	before = kunit_kmalloc(test, sizeof(*before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);

	if (c->features)
		vdpa_net_ctrl_set_features(&q->ctx.nc, c->features);
	q->parent.refuse = refuse;
	vdpa_net_ctrl_save(&q->ctx.nc, before);
	used = fake_send(test, q, c->cmd, c->len, layout, &ack, result,
			 c->result_len ? c->result_len : 1);
	if (c->ack == VIRTIO_NET_OK && !refuse) {
		KUNIT_EXPECT_EQ_MSG(test, ack, VIRTIO_NET_OK, "layout %s",
				    layout_names[layout]);
		KUNIT_EXPECT_EQ_MSG(test, used, 1 + c->result_len, "layout %s",
				    layout_names[layout]);
		if (c->check)
			c->check(test, &q->ctx.nc.state);
	} else if (c->ack == VIRTIO_NET_OK && refuse && q->parent.calls) {
		/* Refused by the parent: ERR and nothing changed. */
		KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_ERR);
		KUNIT_EXPECT_EQ(test, used, 1);
		KUNIT_EXPECT_MEMEQ(test, &q->ctx.nc.state, before,
				   sizeof(*before));
	} else if (c->ack == VIRTIO_NET_ERR) {
		KUNIT_EXPECT_EQ_MSG(test, ack, VIRTIO_NET_ERR, "layout %s",
				    layout_names[layout]);
		KUNIT_EXPECT_EQ(test, used, 1);
		KUNIT_EXPECT_MEMEQ(test, &q->ctx.nc.state, before,
				   sizeof(*before));
		KUNIT_EXPECT_EQ(test, q->parent.calls, 0);
	}
	/* Whatever happened, the next valid command works. */
	q->parent.refuse = false;
	vdpa_net_ctrl_set_features(&q->ctx.nc, ALL_FEATURES);
	used = fake_send(test, q, (const u8[]){ 3, 0 }, 2, LAYOUT_LINUX, &ack,
			 NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_OK);
	fake_cvq_free(q);
}

static void vdpa_net_ctrl_test_cmd(struct kunit *test)
{
	const struct cmd_case *c = test->param_value;
	enum layout l;

	for (l = 0; l < LAYOUT_NUM; l++)
		run_cmd_case(test, c, l, false, false);
	run_cmd_case(test, c, LAYOUT_LINUX, true, false);
	run_cmd_case(test, c, LAYOUT_LINUX, false, true);
}

/* ---- chains that are malformed as chains ---- */

static void vdpa_net_ctrl_test_no_ack(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	u8 cmd[] = { 0, 0, 0 };
	struct seg s = { cmd, sizeof(cmd) };
	u16 head, id;
	u32 len;
	u8 ack;

	head = fake_post(q, &s, 1, false);
	KUNIT_EXPECT_EQ(test, fake_handle(q, 16), 1);
	KUNIT_ASSERT_TRUE(test, fake_used(q, &id, &len));
	KUNIT_EXPECT_EQ(test, id, head);
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&q->ctx.stats.no_ack), 1);
	/* Not applied: the driver could not have learnt the outcome. */
	KUNIT_EXPECT_TRUE(test, q->ctx.nc.state.rx_mode &
				BIT(VIRTIO_NET_CTRL_RX_PROMISC));
	fake_send(test, q, cmd, sizeof(cmd), LAYOUT_LINUX, &ack, NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_OK);
	fake_cvq_free(q);
}

static void vdpa_net_ctrl_test_misplaced_ack(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	u8 cmd[] = { 0, 0, 0 }, status = 0xff;
	struct seg s[] = { { &status, 1, true }, { cmd, sizeof(cmd) } };
	u16 head, id;
	u32 len;
	u8 ack;

	head = fake_post(q, s, ARRAY_SIZE(s), false);
	KUNIT_EXPECT_EQ(test, fake_handle(q, 16), 1);
	KUNIT_ASSERT_TRUE(test, fake_used(q, &id, &len));
	KUNIT_EXPECT_EQ(test, id, head);
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_EQ(test, status, 0xff);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&q->ctx.stats.bad_chain), 1);
	fake_send(test, q, cmd, sizeof(cmd), LAYOUT_FLAT, &ack, NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_OK);
	fake_cvq_free(q);
}

/* INDIRECT with NEXT pointing back at itself: a loop vringh must catch. */
static void vdpa_net_ctrl_test_indirect_loop(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	struct vring_desc *table;
	u8 cmd[] = { VIRTIO_NET_CTRL_ANNOUNCE, VIRTIO_NET_CTRL_ANNOUNCE_ACK };
	struct seg s = { cmd, sizeof(cmd) };
	u16 id;
	u32 len;
	u8 ack;

	table = kunit_kzalloc(test, sizeof(*table), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, table);
	fill_desc(q, table, &s, true, 0);
	s = (struct seg){ table, sizeof(*table) };
	/* Descriptor 1 (vringh reads next == 0 after a table as "done"). */
	fill_desc(q, &q->vr.desc[1], &s, false, 1);
	q->vr.desc[1].flags = (__force __virtio16)
		cpu_to_le16(VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT);
	q->vr.avail->ring[0] = (__force __virtio16)cpu_to_le16(1);
	q->avail_idx = 1;
	q->next_desc = 2;
	q->vr.avail->idx = (__force __virtio16)cpu_to_le16(1);

	KUNIT_EXPECT_EQ(test, fake_handle(q, 16), 1);
	KUNIT_ASSERT_TRUE(test, fake_used(q, &id, &len));
	KUNIT_EXPECT_EQ(test, id, 1);
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&q->ctx.stats.bad_chain), 1);
	fake_send(test, q, cmd, sizeof(cmd), LAYOUT_LINUX, &ack, NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_OK);
	fake_cvq_free(q);
}

static void vdpa_net_ctrl_test_short_result(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	u8 ack;

	/* VQ_GET with room for the ack only: ERR, not a partial result. */
	fake_send(test, q, (const u8[]){ 6, 3, 0, 0, 0, 0 }, 6, LAYOUT_LINUX,
		  &ack, NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_ERR);
	fake_cvq_free(q);
}

static void vdpa_net_ctrl_test_oversize(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	size_t n = 1000, len = 2 + 4 + 4 + n * ETH_ALEN;
	u8 *cmd =
		kunit_kzalloc(test, VDPA_NET_CTRL_MAX_CMD_LEN + 16, GFP_KERNEL);
	u8 ack;

	/* 1000 multicast entries: accepted, with the all-multicast fallback. */
	cmd[0] = VIRTIO_NET_CTRL_MAC;
	cmd[1] = VIRTIO_NET_CTRL_MAC_TABLE_SET;
	put_unaligned_le32(n, cmd + 6);
	fake_send(test, q, cmd, len, LAYOUT_LINUX, &ack, NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_OK);
	KUNIT_EXPECT_TRUE(test, q->ctx.nc.state.mc.overflow);
	/* Longer than the bounce buffer: ERR, and the queue goes on. */
	fake_send(test, q, cmd, VDPA_NET_CTRL_MAX_CMD_LEN + 16, LAYOUT_FLAT,
		  &ack, NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_ERR);
	fake_send(test, q, (const u8[]){ 3, 0 }, 2, LAYOUT_LINUX, &ack,
		  NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_OK);
	fake_cvq_free(q);
}

/*
 * Map [@p, @p + @len) of the driver's memory with @perm instead of
 * read-write (0: not at all), as a hostile or buggy driver's IOTLB might.
 */
static void fake_remap(struct fake_cvq *q, void *p, size_t len, u32 perm)
{
	u64 lo = q->iova_off, hi = q->iova_off + (1ULL << 46) - 1;
	u64 start = fake_addr(q, p), last = start + len - 1;

	vhost_iotlb_del_range(q->iotlb, lo, hi);
	KUNIT_ASSERT_EQ(q->test, vhost_iotlb_add_range(q->iotlb, lo, start - 1,
						       0, VHOST_MAP_RW), 0);
	if (perm)
		KUNIT_ASSERT_EQ(q->test,
				vhost_iotlb_add_range(q->iotlb, start, last,
						      start - lo, perm), 0);
	KUNIT_ASSERT_EQ(q->test, vhost_iotlb_add_range(q->iotlb, last + 1, hi,
						       last + 1 - lo,
						       VHOST_MAP_RW), 0);
}

/* A used ring the device cannot write is a broken ring, not a success. */
static void vdpa_net_ctrl_test_used_unwritable(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	u8 *cmd = kunit_kzalloc(test, 2, GFP_KERNEL);
	u8 *ack = kunit_kzalloc(test, 1, GFP_KERNEL);
	struct seg s[2] = { { cmd, 2 }, { ack, 1, true } };
	u16 id;
	u32 len;

	cmd[0] = VIRTIO_NET_CTRL_ANNOUNCE;
	cmd[1] = VIRTIO_NET_CTRL_ANNOUNCE_ACK;
	fake_remap(q, q->vr.used, vring_size(RING_NUM, SMP_CACHE_BYTES) -
		   ((u8 *)q->vr.used - (u8 *)q->mem), VHOST_MAP_RO);
	fake_post(q, s, 2, false);
	KUNIT_EXPECT_LT(test, fake_handle(q, 4), 0);
	KUNIT_EXPECT_FALSE(test, fake_used(q, &id, &len));
	KUNIT_EXPECT_EQ(test, u64_stats_read(&q->ctx.stats.ring_errors), 1);
	fake_cvq_free(q);
}

/*
 * The ack is written, the result after it is not: the driver must not
 * read VIRTIO_NET_OK for a command whose answer it did not get.
 */
static void vdpa_net_ctrl_test_result_unwritable(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	u8 *cmd = kunit_kzalloc(test, 6, GFP_KERNEL);
	u8 *ack = kunit_kzalloc(test, 1, GFP_KERNEL);
	u8 *result = kunit_kzalloc(test, 8, GFP_KERNEL);
	struct seg s[3] = { { cmd, 6 }, { ack, 1, true }, { result, 8, true } };
	u16 id;
	u32 len;

	cmd[0] = VIRTIO_NET_CTRL_NOTF_COAL;
	cmd[1] = VIRTIO_NET_CTRL_NOTF_COAL_VQ_GET;
	*ack = 0xff;
	fake_remap(q, result, 8, 0);
	fake_post(q, s, 3, false);
	KUNIT_EXPECT_EQ(test, fake_handle(q, 4), 1);
	KUNIT_ASSERT_TRUE(test, fake_used(q, &id, &len));
	KUNIT_EXPECT_EQ(test, *ack, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, q->ctx.nc.cvq_ok, 0);
	fake_cvq_free(q);
}

/*
 * An empty writable descriptor before the ack: the ack is the first
 * writable byte, and the one overwritten when the result cannot be
 * written; the empty descriptor's address is never written.
 */
static void vdpa_net_ctrl_test_empty_before_ack(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	u8 *cmd = kunit_kzalloc(test, 6, GFP_KERNEL);
	u8 *empty = kunit_kzalloc(test, 1, GFP_KERNEL);
	u8 *ack = kunit_kzalloc(test, 1, GFP_KERNEL);
	u8 *result = kunit_kzalloc(test, 8, GFP_KERNEL);
	struct seg s[4] = {
		{ cmd, 6 }, { empty, 0, true }, { ack, 1, true },
		{ result, 8, true },
	};
	u16 id;
	u32 len;

	cmd[0] = VIRTIO_NET_CTRL_NOTF_COAL;
	cmd[1] = VIRTIO_NET_CTRL_NOTF_COAL_VQ_GET;
	*empty = 0x5a;
	*ack = 0xff;
	fake_remap(q, result, 8, 0);
	fake_post(q, s, 4, false);
	KUNIT_EXPECT_EQ(test, fake_handle(q, 4), 1);
	KUNIT_ASSERT_TRUE(test, fake_used(q, &id, &len));
	KUNIT_EXPECT_EQ(test, *ack, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, *empty, 0x5a);
	fake_cvq_free(q);
}

/*
 * The used ring fails for the second chain of a batch: the first is
 * reported, and the next call reports the broken ring, until a reset.
 */
static void vdpa_net_ctrl_test_used_unwritable_later(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	u8 *cmd = kunit_kzalloc(test, 2, GFP_KERNEL);
	u8 *ack = kunit_kzalloc(test, 2, GFP_KERNEL);
	struct seg s0[2] = { { cmd, 2 }, { ack, 1, true } };
	struct seg s1[2] = { { cmd, 2 }, { ack + 1, 1, true } };

	cmd[0] = VIRTIO_NET_CTRL_ANNOUNCE;
	cmd[1] = VIRTIO_NET_CTRL_ANNOUNCE_ACK;
	/* used->ring[1]: after le16 flags, le16 idx and ring[0] */
	fake_remap(q, (u8 *)q->vr.used + 4 + sizeof(struct vring_used_elem),
		   sizeof(struct vring_used_elem), VHOST_MAP_RO);
	fake_post(q, s0, 2, false);
	fake_post(q, s1, 2, false);
	KUNIT_EXPECT_EQ(test, fake_handle(q, 4), 1);
	KUNIT_EXPECT_LT(test, fake_handle(q, 4), 0);
	KUNIT_EXPECT_LT(test, fake_handle(q, 4), 0);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&q->ctx.stats.ring_errors), 1);
	vdpa_net_ctrl_vringh_reset(&q->ctx, NULL);
	KUNIT_EXPECT_GE(test, fake_handle(q, 4), 0);
	fake_cvq_free(q);
}

/*
 * virtio_net reads every queue's counters with one STATISTICS GET: above
 * a dozen queue pairs the replies no longer fit in 4 KiB.
 */
static void vdpa_net_ctrl_test_stats_big(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	const size_t hdr = sizeof(struct virtio_net_stats_reply_hdr);
	const size_t n = 600, rlen = n * hdr;
	u8 *cmd = kunit_kzalloc(test, 2 + 16 * n, GFP_KERNEL);
	u8 *result = kunit_kzalloc(test, rlen, GFP_KERNEL);
	size_t i;
	u32 used;
	u8 ack;

	KUNIT_ASSERT_NOT_NULL(test, cmd);
	KUNIT_ASSERT_NOT_NULL(test, result);
	cmd[0] = VIRTIO_NET_CTRL_STATS;
	cmd[1] = VIRTIO_NET_CTRL_STATS_GET;
	for (i = 0; i < n; i++)
		put_unaligned_le64(VIRTIO_NET_STATS_TYPE_RX_BASIC,
				   cmd + 2 + 16 * i + 8);
	used = fake_send(test, q, cmd, 2 + 16 * n, LAYOUT_LINUX, &ack, result,
			 rlen);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_OK);
	KUNIT_EXPECT_EQ(test, used, 1 + rlen);
	KUNIT_EXPECT_EQ(test, result[rlen - 2], hdr);
	fake_cvq_free(q);
}

/*
 * MAC tables have no length limit in the spec; a table the device cannot
 * hold means all addresses of its kind, however long the command is.
 */
static void vdpa_net_ctrl_test_long_mac_table(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	static const u8 mc[2][ETH_ALEN] = {
		{ 0x01, 0x00, 0x5e, 0, 0, 1 }, { 0x33, 0x33, 0, 0, 0, 1 },
	};
	const size_t n = 11000, len = 2 + 4 + n * ETH_ALEN + 4 + 2 * ETH_ALEN;
	u8 *cmd = kunit_kzalloc(test, len + 4, GFP_KERNEL);
	u8 ack;

	KUNIT_ASSERT_NOT_NULL(test, cmd);
	KUNIT_ASSERT_GT(test, len, VDPA_NET_CTRL_MAX_CMD_LEN);
	cmd[0] = VIRTIO_NET_CTRL_MAC;
	cmd[1] = VIRTIO_NET_CTRL_MAC_TABLE_SET;
	put_unaligned_le32(n, cmd + 2);
	put_unaligned_le32(2, cmd + 6 + n * ETH_ALEN);
	memcpy(cmd + 10 + n * ETH_ALEN, mc, sizeof(mc));
	fake_send(test, q, cmd, len, LAYOUT_LINUX, &ack, NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_OK);
	KUNIT_EXPECT_TRUE(test, q->ctx.nc.state.uc.overflow);
	KUNIT_EXPECT_EQ(test, q->ctx.nc.state.uc.count, 0);
	KUNIT_EXPECT_FALSE(test, q->ctx.nc.state.mc.overflow);
	KUNIT_EXPECT_EQ(test, q->ctx.nc.state.mc.count, 2);
	KUNIT_EXPECT_MEMEQ(test, q->ctx.nc.state.mc.addr, mc, sizeof(mc));

	/* One byte too many, or a count past the end: bad length. */
	fake_send(test, q, cmd, len + 1, LAYOUT_LINUX, &ack, NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_ERR);
	put_unaligned_le32(3, cmd + 6 + n * ETH_ALEN);
	fake_send(test, q, cmd, len, LAYOUT_LINUX, &ack, NULL, 0);
	KUNIT_EXPECT_EQ(test, ack, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, q->ctx.nc.state.mc.count, 2);
	fake_cvq_free(q);
}

static void vdpa_net_ctrl_test_budget(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	u8 cmd[10][2], acks[10];
	struct seg s[2];
	unsigned int i;
	u64 ok;
	u16 id;
	u32 len;

	for (i = 0; i < 10; i++) {
		cmd[i][0] = VIRTIO_NET_CTRL_ANNOUNCE;
		cmd[i][1] = VIRTIO_NET_CTRL_ANNOUNCE_ACK;
		acks[i] = 0xff;
		s[0] = (struct seg){ cmd[i], 2 };
		s[1] = (struct seg){ &acks[i], 1, true };
		fake_post(q, s, 2, false);
	}
	KUNIT_EXPECT_EQ(test, fake_handle(q, 4), 4);
	KUNIT_EXPECT_EQ(test, fake_handle(q, 4), 4);
	KUNIT_EXPECT_EQ(test, fake_handle(q, 4), 2);
	KUNIT_EXPECT_EQ(test, fake_handle(q, 4), 0);
	for (i = 0; i < 10; i++) {
		KUNIT_EXPECT_TRUE(test, fake_used(q, &id, &len));
		KUNIT_EXPECT_EQ(test, acks[i], VIRTIO_NET_OK);
	}
	ok = u64_stats_read(&q->ctx.stats.ok[VIRTIO_NET_CTRL_ANNOUNCE]);
	KUNIT_EXPECT_EQ(test, ok, 10);
	fake_cvq_free(q);
}

static void vdpa_net_ctrl_test_broken_ring(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);

	/* A head index beyond the ring: nothing can be completed. */
	q->vr.avail->ring[0] = (__force __virtio16)cpu_to_le16(RING_NUM + 3);
	q->vr.avail->idx = (__force __virtio16)cpu_to_le16(1);
	KUNIT_EXPECT_LT(test, fake_handle(q, 16), 0);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&q->ctx.stats.ring_errors), 1);
	fake_cvq_free(q);
}

static void vdpa_net_ctrl_test_reset(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	const struct vdpa_net_ctrl_state *st = &q->ctx.nc.state;
	u8 ack;

	fake_send(test, q, (const u8[]){ 2, 0, 5, 0 }, 4, LAYOUT_LINUX,
		  &ack, NULL, 0);
	fake_send(test, q, (const u8[]){ 0, 0, 0 }, 3, LAYOUT_LINUX, &ack,
		  NULL, 0);
	fake_send(test, q, (const u8[]){ 4, 0, 3, 0 }, 4, LAYOUT_LINUX,
		  &ack, NULL, 0);
	vdpa_net_ctrl_reset(&q->ctx.nc);
	KUNIT_EXPECT_EQ(test, st->rx_mode, BIT(VIRTIO_NET_CTRL_RX_PROMISC));
	KUNIT_EXPECT_EQ(test, bitmap_weight(st->vlans, VDPA_NET_CTRL_VLAN_N),
			0);
	KUNIT_EXPECT_EQ(test, st->vq_pairs, 1);
	KUNIT_EXPECT_EQ(test, st->uc.count + st->mc.count, 0);
	KUNIT_EXPECT_FALSE(test, st->rss_enabled);
	fake_cvq_free(q);
}

static void vdpa_net_ctrl_test_save_restore(struct kunit *test)
{
	struct fake_cvq *q = fake_cvq_new(test, false);
	struct vdpa_net_ctrl_state *saved;
	unsigned int calls;
	u8 ack;

	saved = kunit_kmalloc(test, sizeof(*saved), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, saved);

	fake_send(test, q, cmd_mac_a, sizeof(cmd_mac_a), LAYOUT_LINUX, &ack,
		  NULL, 0);
	fake_send(test, q, (const u8[]){ 2, 0, 100, 0 }, 4, LAYOUT_LINUX,
		  &ack, NULL, 0);
	fake_send(test, q, (const u8[]){ 4, 0, 2, 0 }, 4, LAYOUT_LINUX,
		  &ack, NULL, 0);
	fake_send(test, q, (const u8[]){ 0, 1, 1 }, 3, LAYOUT_LINUX, &ack,
		  NULL, 0);
	vdpa_net_ctrl_save(&q->ctx.nc, saved);
	vdpa_net_ctrl_reset(&q->ctx.nc);
	vdpa_net_ctrl_set_features(&q->ctx.nc, ALL_FEATURES);
	calls = q->parent.calls;
	KUNIT_EXPECT_EQ(test,
			vdpa_net_ctrl_restore(&q->ctx.nc, saved, &fake_ops,
					      &q->parent),
			0);
	KUNIT_EXPECT_GT(test, q->parent.calls, calls);
	KUNIT_EXPECT_MEMEQ(test, &q->ctx.nc.state, saved, sizeof(*saved));

	/* A state the device cannot hold is refused as a whole. */
	saved->vq_pairs = 9;
	KUNIT_EXPECT_EQ(test,
			vdpa_net_ctrl_restore(&q->ctx.nc, saved, &fake_ops,
					      &q->parent),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, q->ctx.nc.state.vq_pairs, 2);
	fake_cvq_free(q);
}

/* ---- the receive filter ---- */

struct rx_case {
	const char *name;
	u8 rx_mode;
	const u8 dst[ETH_ALEN];
	u16 vid;		/* 0: untagged */
	bool accept;
};

static const struct rx_case rx_cases[] = {
	{ "own-mac", 0, { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }, 0, true },
	{ "other-unicast", 0, { 0x02, 0, 0, 0, 0, 9 }, 0, false },
	{ "table-unicast", 0, { 0x02, 0, 0, 0, 0, 1 }, 0, true },
	{ "other-unicast-promisc", BIT(VIRTIO_NET_CTRL_RX_PROMISC),
	  { 0x02, 0, 0, 0, 0, 9 }, 0, true },
	{ "other-unicast-alluni", BIT(VIRTIO_NET_CTRL_RX_ALLUNI),
	  { 0x02, 0, 0, 0, 0, 9 }, 0, true },
	{ "own-mac-nouni", BIT(VIRTIO_NET_CTRL_RX_NOUNI), { 0x02, 0x11, 0x22,
							   0x33, 0x44, 0x55 },
							   0, false },
	{ "broadcast", 0, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0, true },
	{ "broadcast-nobcast", BIT(VIRTIO_NET_CTRL_RX_NOBCAST),
	  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0, false },
	{ "table-multicast", 0, { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, 0,
	 true },
	{ "other-multicast", 0, { 0x01, 0, 0x5e, 0, 0, 9 }, 0, false },
	{ "other-multicast-allmulti", BIT(VIRTIO_NET_CTRL_RX_ALLMULTI),
	  { 0x01, 0, 0x5e, 0, 0, 9 }, 0, true },
	{ "table-multicast-nomulti", BIT(VIRTIO_NET_CTRL_RX_NOMULTI),
	  { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, 0, false },
	{ "vlan-member", 0, { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }, 100, true },
	{ "vlan-not-member", 0, { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }, 101,
	 false },
};

static void rx_case_desc(const struct rx_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rx, rx_cases, rx_case_desc);

static void vdpa_net_ctrl_test_rx_accept(struct kunit *test)
{
	const struct rx_case *c = test->param_value;
	struct fake_cvq *q = fake_cvq_new(test, false);
	u8 frame[64] = { 0 };
	u8 ack;

	fake_send(test, q, cmd_mac_a, sizeof(cmd_mac_a), LAYOUT_LINUX, &ack,
		  NULL, 0);
	fake_send(test, q, cmd_tables, sizeof(cmd_tables), LAYOUT_LINUX, &ack,
		  NULL, 0);
	fake_send(test, q, (const u8[]){ 2, 0, 100, 0 }, 4, LAYOUT_LINUX,
		  &ack, NULL, 0);
	q->ctx.nc.state.rx_mode = c->rx_mode;
	memcpy(frame, c->dst, ETH_ALEN);
	memcpy(frame + ETH_ALEN, (const u8[]){ 0x02, 0, 0, 0, 0, 0x42 },
	       ETH_ALEN);
	if (c->vid) {
		put_unaligned_be16(ETH_P_8021Q, frame + 12);
		put_unaligned_be16(c->vid, frame + 14);
		put_unaligned_be16(ETH_P_IP, frame + 16);
	} else {
		put_unaligned_be16(ETH_P_IP, frame + 12);
	}
	KUNIT_EXPECT_EQ(test,
			vdpa_net_ctrl_rx_accept(&q->ctx.nc, frame, sizeof(frame)),
			c->accept);
	KUNIT_EXPECT_FALSE(test,
			   vdpa_net_ctrl_rx_accept(&q->ctx.nc, frame, 10));
	fake_cvq_free(q);
}

/* ---- feature derivation ---- */

static void vdpa_net_ctrl_test_features(struct kunit *test)
{
	struct vdpa_net_ctrl_ops ops = {};
	struct vdpa_net_ctrl_limits lim = test_limits;
	u64 f;

	f = vdpa_net_ctrl_features(&ops, &lim);
	KUNIT_EXPECT_EQ(test, f, F(CTRL_VQ));

	ops.vlan_add = fp_vid;
	KUNIT_EXPECT_FALSE(test,
			   vdpa_net_ctrl_features(&ops, &lim) & F(CTRL_VLAN));
	ops.vlan_del = fp_vid;
	KUNIT_EXPECT_TRUE(test,
			  vdpa_net_ctrl_features(&ops, &lim) & F(CTRL_VLAN));

	f = vdpa_net_ctrl_features(&fake_ops, &lim);
	KUNIT_EXPECT_EQ(test, f & ALL_FEATURES & ~(F(GUEST_CSUM) |
		F(GUEST_TSO4) | F(GUEST_TSO6) | BIT_ULL(VIRTIO_F_VERSION_1)),
		f);
	KUNIT_EXPECT_TRUE(test, f & F(RSS));
	lim.max_vq_pairs = 1;
	f = vdpa_net_ctrl_features(&fake_ops, &lim);
	KUNIT_EXPECT_FALSE(test, f & (F(MQ) | F(RSS)));

	memset(&ops, 0, sizeof(ops));
	lim.soft_features = F(CTRL_RX) | F(CTRL_VLAN);
	f = vdpa_net_ctrl_features(&ops, &lim);
	KUNIT_EXPECT_EQ(test, f, F(CTRL_VQ) | F(CTRL_RX) | F(CTRL_VLAN));
}

/*
 * An allocation failure in vdpa_net_ctrl_vringh_init() leaves nothing behind:
 * a caller that cleans up after it (as a device release does) must not
 * free the buffers a second time.
 */
static void vdpa_net_ctrl_test_init_nomem(struct kunit *test)
{
#ifdef CONFIG_FAILSLAB
	struct vdpa_net_ctrl_limits limits = { .max_vq_pairs = 1 };
	struct vdpa_net_ctrl_vringh *ctx;
	int err;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	/* The first slab allocation of this task fails (fail-nth). */
	current->fail_nth = 1;
	err = vdpa_net_ctrl_vringh_init(ctx, "kunit-nomem", &limits, NULL);
	current->fail_nth = 0;
	if (!err) {
		vdpa_net_ctrl_vringh_cleanup(ctx);
		/* failslab ignores GFP_KERNEL unless ignore-gfp-wait is N. */
		kunit_skip(test,
			   "no allocation failed (failslab/ignore-gfp-wait)");
	}
	KUNIT_ASSERT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_NULL(test, ctx->buf);
	KUNIT_EXPECT_NULL(test, ctx->result);
	/* As a release after the failure would. */
	vdpa_net_ctrl_vringh_cleanup(ctx);
#else
	kunit_skip(test, "needs CONFIG_FAILSLAB");
#endif
}

static struct kunit_case vdpa_net_ctrl_vringh_cases[] = {
	KUNIT_CASE_PARAM(vdpa_net_ctrl_test_cmd, cmd_gen_params),
	KUNIT_CASE(vdpa_net_ctrl_test_no_ack),
	KUNIT_CASE(vdpa_net_ctrl_test_misplaced_ack),
	KUNIT_CASE(vdpa_net_ctrl_test_indirect_loop),
	KUNIT_CASE(vdpa_net_ctrl_test_short_result),
	KUNIT_CASE(vdpa_net_ctrl_test_oversize),
	KUNIT_CASE(vdpa_net_ctrl_test_long_mac_table),
	KUNIT_CASE(vdpa_net_ctrl_test_used_unwritable),
	KUNIT_CASE(vdpa_net_ctrl_test_result_unwritable),
	KUNIT_CASE(vdpa_net_ctrl_test_empty_before_ack),
	KUNIT_CASE(vdpa_net_ctrl_test_used_unwritable_later),
	KUNIT_CASE(vdpa_net_ctrl_test_stats_big),
	KUNIT_CASE(vdpa_net_ctrl_test_budget),
	KUNIT_CASE(vdpa_net_ctrl_test_broken_ring),
	KUNIT_CASE(vdpa_net_ctrl_test_reset),
	KUNIT_CASE(vdpa_net_ctrl_test_save_restore),
	KUNIT_CASE_PARAM(vdpa_net_ctrl_test_rx_accept, rx_gen_params),
	KUNIT_CASE(vdpa_net_ctrl_test_features),
	KUNIT_CASE(vdpa_net_ctrl_test_init_nomem),
	{}
};

static struct kunit_suite vdpa_net_ctrl_vringh_suite = {
	.name = "vdpa_net_ctrl",
	.test_cases = vdpa_net_ctrl_vringh_cases,
};

kunit_test_suite(vdpa_net_ctrl_vringh_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for vdpa_net_ctrl");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
