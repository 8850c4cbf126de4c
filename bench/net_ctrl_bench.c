// SPDX-License-Identifier: GPL-2.0-only
/*
 * net_ctrl_bench: how much vdpa_net_ctrl costs per control command over
 * the bare vringh calls any emulated control virtqueue has to make.
 *
 * On load, builds a split virtqueue in kernel memory and feeds it the
 * burst a virtio-net driver sends when a migrated device is restored:
 * MAC ADDR_SET, MAC TABLE_SET (64 unicast + 64 multicast entries),
 * MQ VQ_PAIRS_SET, MQ RSS_CONFIG (128-entry table, 40-byte key),
 * GUEST_OFFLOADS SET, RX PROMISC and ALLMULTI, and one VLAN ADD for each
 * of the ids 1..4094.  Chains are laid out as virtio_net does (header,
 * payload, ack, each in its own descriptor), posted in batches that fill
 * the ring, handled, then reaped and their acks checked.
 *
 * The burst goes through two device sides, alternately, @reps times:
 *
 *  - vdpa_net_ctrl: vdpa_net_ctrl_vringh_handle_cvq() with callbacks that
 *    accept every command;
 *  - vringh:   the floor, vringh_getdesc_iotlb(), pull the readable bytes
 *    into a buffer, push a VIRTIO_NET_OK ack, vringh_complete_iotlb().
 *
 * Both read the ring through the same vhost IOTLB, an identity map of
 * physical memory (as vdpa_sim and vdpa_net_device set up for a kernel
 * driver): descriptors carry physical addresses.  Linux 7.3's vringh has
 * no kernel-memory pull and push any more.
 *
 * Only the device side is timed (posting and reaping are the fake
 * driver's work, the same for both).  The figures are printed as
 * "net_ctrl_bench: key=value" lines: median and best nanoseconds per
 * command of each side, and their ratio.
 *
 * Not part of the series: an out-of-tree module built by scripts/bench.sh.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/vdpa_net_ctrl.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/unaligned.h>
#include <linux/vhost_iotlb.h>
#include <linux/virtio_ring.h>
#include <linux/vringh.h>
#include <asm/io.h>
#include <uapi/linux/virtio_config.h>

static unsigned int reps = 15;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "timed bursts per device side (default 15)");

static unsigned int ring_num = 256;
module_param(ring_num, uint, 0444);
MODULE_PARM_DESC(ring_num, "control virtqueue size, a power of 2 (default 256)");

#define F(x)		BIT_ULL(VIRTIO_NET_F_##x)
#define BENCH_FEATURES	(F(CTRL_VQ) | F(CTRL_RX) | F(CTRL_VLAN) | \
			 F(CTRL_MAC_ADDR) | F(MQ) | F(RSS) | \
			 F(CTRL_GUEST_OFFLOADS) | F(GUEST_CSUM) | \
			 F(GUEST_TSO4) | F(GUEST_TSO6) | \
			 BIT_ULL(VIRTIO_F_VERSION_1))
#define BENCH_HASH	(VIRTIO_NET_RSS_HASH_TYPE_IPv4 | \
			 VIRTIO_NET_RSS_HASH_TYPE_TCPv4 | \
			 VIRTIO_NET_RSS_HASH_TYPE_IPv6 | \
			 VIRTIO_NET_RSS_HASH_TYPE_TCPv6)

#define BENCH_PAIRS	4
#define BENCH_MACS	64
#define BENCH_INDIR	128
#define BENCH_KEY	40
#define BENCH_VLANS	4094		/* ids 1..4094 */
#define BENCH_NCMDS	(7 + BENCH_VLANS)
#define BENCH_SLOT	4		/* descriptors per chain, at most */
#define BENCH_BUF_LEN	4096		/* floor's bounce buffer */

static const struct vdpa_net_ctrl_limits bench_limits = {
	.max_vq_pairs = BENCH_PAIRS,
	.mac_table_entries = BENCH_MACS,
	.rss_max_key_size = BENCH_KEY,
	.rss_max_indirection_table_length = BENCH_INDIR,
	.supported_hash_types = BENCH_HASH,
};

/* The payloads of the burst, in the layout of the wire. */
struct bench_payload {
	u8 mac[ETH_ALEN];
	u8 uc[4 + BENCH_MACS * ETH_ALEN];
	u8 mc[4 + BENCH_MACS * ETH_ALEN];
	__le16 pairs;
	u8 rss[8 + 2 * BENCH_INDIR + 3 + BENCH_KEY];
	__le64 offloads;
	u8 on;
	__le16 vid[BENCH_VLANS];
};

/* One command: header, then one or two payload descriptors. */
struct bench_cmd {
	struct virtio_net_ctrl_hdr hdr;
	unsigned int nseg;
	const void *seg[2];
	u32 len[2];
};

struct bench {
	/* The driver side: the ring and the commands it posts. */
	void *ring_mem;
	struct vring vr;
	u16 avail_idx;
	u16 used_seen;
	unsigned int nslots;		/* chains per batch */
	u8 *acks;			/* one per slot */
	struct bench_payload *pl;
	struct bench_cmd *cmds;
	unsigned int ncmds;
	unsigned int errors;		/* chains not acked VIRTIO_NET_OK */

	/* The device side. */
	struct vhost_iotlb iotlb;	/* identity map of physical memory */
	spinlock_t iotlb_lock;		/* for vringh */
	struct vringh vrh;
	struct vdpa_net_ctrl_vringh ctx;	/* vdpa_net_ctrl */
	unsigned long calls;		/* callbacks made */
	struct vringh_kiov riov;	/* floor */
	struct vringh_kiov wiov;
	struct kvec rkvec[BENCH_SLOT];
	struct kvec wkvec[BENCH_SLOT];
	u8 *buf;
};

/* ---- parent callbacks: accept everything ---------------------------- */

static int bench_accept(void *priv)
{
	struct bench *b = priv;

	b->calls++;
	return 0;
}

static int bench_rx_mode(void *p, u8 cmd, bool on)
{
	return bench_accept(p);
}

static int bench_table(void *p, const struct vdpa_net_ctrl_mac_table *uc,
		       const struct vdpa_net_ctrl_mac_table *mc)
{
	return bench_accept(p);
}

static int bench_mac(void *p, const u8 *mac)
{
	return bench_accept(p);
}

static int bench_vid(void *p, u16 vid)
{
	return bench_accept(p);
}

static int bench_pairs(void *p, u16 pairs)
{
	return bench_accept(p);
}

static int bench_rss(void *p, const struct vdpa_net_ctrl_rss *rss)
{
	return bench_accept(p);
}

static int bench_offloads(void *p, u64 offloads)
{
	return bench_accept(p);
}

static const struct vdpa_net_ctrl_ops bench_ops = {
	.rx_mode_set = bench_rx_mode,
	.mac_table_set = bench_table,
	.mac_addr_set = bench_mac,
	.vlan_add = bench_vid,
	.vlan_del = bench_vid,
	.vq_pairs_set = bench_pairs,
	.rss_set = bench_rss,
	.guest_offloads_set = bench_offloads,
};

/* ---- the burst ------------------------------------------------------ */

static void bench_mac_table(u8 *t, u8 kind)
{
	unsigned int i;

	put_unaligned_le32(BENCH_MACS, t);
	for (i = 0; i < BENCH_MACS; i++) {
		u8 *a = t + 4 + i * ETH_ALEN;

		/* 02:... locally administered unicast, 01:00:5e:... multicast */
		a[0] = kind ? 0x01 : 0x02;
		a[1] = 0x00;
		a[2] = kind ? 0x5e : 0x00;
		a[3] = 0x00;
		a[4] = kind;
		a[5] = i;
	}
}

static void bench_add(struct bench *b, u8 class, u8 cmd, const void *p0,
		      u32 len0, const void *p1, u32 len1)
{
	struct bench_cmd *c = &b->cmds[b->ncmds++];

	c->hdr.class = class;
	c->hdr.cmd = cmd;
	c->seg[0] = p0;
	c->len[0] = len0;
	c->seg[1] = p1;
	c->len[1] = len1;
	c->nseg = p1 ? 2 : 1;
}

static void bench_build(struct bench *b)
{
	struct bench_payload *pl = b->pl;
	u8 *rss = pl->rss;
	unsigned int i;

	/* MAC ADDR_SET */
	memcpy(pl->mac, "\x02\x00\x00\x00\xbe\x01", ETH_ALEN);
	bench_add(b, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET,
		  pl->mac, ETH_ALEN, NULL, 0);

	/* MAC TABLE_SET: unicast and multicast tables, one descriptor each */
	bench_mac_table(pl->uc, 0);
	bench_mac_table(pl->mc, 1);
	bench_add(b, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET,
		  pl->uc, sizeof(pl->uc), pl->mc, sizeof(pl->mc));

	/* MQ VQ_PAIRS_SET */
	pl->pairs = cpu_to_le16(BENCH_PAIRS);
	bench_add(b, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET,
		  &pl->pairs, sizeof(pl->pairs), NULL, 0);

	/*
	 * MQ RSS_CONFIG: le32 hash_types, le16 mask, le16 unclassified,
	 * le16 table[128], le16 max_tx_vq, u8 key_len, key[40].
	 */
	put_unaligned_le32(BENCH_HASH, rss);
	put_unaligned_le16(BENCH_INDIR - 1, rss + 4);
	put_unaligned_le16(0, rss + 6);
	for (i = 0; i < BENCH_INDIR; i++)
		put_unaligned_le16(i % BENCH_PAIRS, rss + 8 + 2 * i);
	put_unaligned_le16(BENCH_PAIRS, rss + 8 + 2 * BENCH_INDIR);
	rss[8 + 2 * BENCH_INDIR + 2] = BENCH_KEY;
	for (i = 0; i < BENCH_KEY; i++)
		rss[8 + 2 * BENCH_INDIR + 3 + i] = 0x6d + i;
	bench_add(b, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_RSS_CONFIG,
		  rss, sizeof(pl->rss), NULL, 0);

	/* GUEST_OFFLOADS SET */
	pl->offloads = cpu_to_le64(F(GUEST_CSUM) | F(GUEST_TSO4) |
				   F(GUEST_TSO6));
	bench_add(b, VIRTIO_NET_CTRL_GUEST_OFFLOADS,
		  VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET,
		  &pl->offloads, sizeof(pl->offloads), NULL, 0);

	/* RX PROMISC and ALLMULTI on */
	pl->on = 1;
	bench_add(b, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC,
		  &pl->on, 1, NULL, 0);
	bench_add(b, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_ALLMULTI,
		  &pl->on, 1, NULL, 0);

	/* VLAN ADD 1..4094 */
	for (i = 0; i < BENCH_VLANS; i++) {
		pl->vid[i] = cpu_to_le16(i + 1);
		bench_add(b, VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD,
			  &pl->vid[i], sizeof(pl->vid[i]), NULL, 0);
	}
	WARN_ON(b->ncmds != BENCH_NCMDS);
}

/* ---- the fake driver ------------------------------------------------ */

static void bench_desc(struct vring_desc *d, const void *addr, u32 len,
		       u16 flags, u16 next)
{
	d->addr = (__force __virtio64)cpu_to_le64(virt_to_phys((void *)addr));
	d->len = (__force __virtio32)cpu_to_le32(len);
	d->flags = (__force __virtio16)cpu_to_le16(flags);
	d->next = (__force __virtio16)cpu_to_le16(next);
}

/* Post commands @first..@first + @n - 1, chain i in slot i. */
static void bench_post(struct bench *b, unsigned int first, unsigned int n)
{
	unsigned int i, s;

	for (i = 0; i < n; i++) {
		const struct bench_cmd *c = &b->cmds[first + i];
		u16 d = i * BENCH_SLOT, head = d;

		bench_desc(&b->vr.desc[d], &c->hdr, sizeof(c->hdr),
			   VRING_DESC_F_NEXT, d + 1);
		d++;
		for (s = 0; s < c->nseg; s++, d++)
			bench_desc(&b->vr.desc[d], c->seg[s], c->len[s],
				   VRING_DESC_F_NEXT, d + 1);
		b->acks[i] = 0xff;
		bench_desc(&b->vr.desc[d], &b->acks[i], 1,
			   VRING_DESC_F_WRITE, 0);
		b->vr.avail->ring[b->avail_idx++ % ring_num] =
			(__force __virtio16)cpu_to_le16(head);
	}
	/* Descriptors and ring entries before the index. */
	virtio_wmb(false);
	b->vr.avail->idx = (__force __virtio16)cpu_to_le16(b->avail_idx);
}

/* Take the used entries; returns how many, counts the failed ones. */
static unsigned int bench_reap(struct bench *b)
{
	u16 used_idx = le16_to_cpu((__force __le16)b->vr.used->idx);
	unsigned int n = 0;

	/* The used index before the entries it covers. */
	virtio_rmb(false);
	while (b->used_seen != used_idx) {
		struct vring_used_elem *e;
		u32 id, len;

		e = &b->vr.used->ring[b->used_seen++ % ring_num];
		id = le32_to_cpu((__force __le32)e->id);
		len = le32_to_cpu((__force __le32)e->len);
		if (id % BENCH_SLOT || id / BENCH_SLOT >= b->nslots ||
		    len != 1 || b->acks[id / BENCH_SLOT] != VIRTIO_NET_OK)
			b->errors++;
		n++;
	}
	return n;
}

/* ---- the floor: what any emulated CVQ does per chain ---------------- */

static int bench_vringh(struct bench *b, unsigned int budget)
{
	unsigned int done;
	u8 ack;

	for (done = 0; done < budget; done++) {
		ssize_t got;
		u16 head;
		int err;

		err = vringh_getdesc_iotlb(&b->vrh, &b->riov, &b->wiov, &head,
					   GFP_KERNEL);
		if (err <= 0)
			return err < 0 ? err : done;
		got = vringh_iov_pull_iotlb(&b->vrh, &b->riov, b->buf,
					    BENCH_BUF_LEN);
		ack = got >= (ssize_t)sizeof(struct virtio_net_ctrl_hdr) ?
		      VIRTIO_NET_OK : VIRTIO_NET_ERR;
		got = vringh_iov_push_iotlb(&b->vrh, &b->wiov, &ack, 1);
		err = vringh_complete_iotlb(&b->vrh, head, got > 0 ? got : 0);
		if (err)
			return err;
	}
	return done;
}

/* ---- the runs ------------------------------------------------------- */

/* One burst through one device side; *ns is the time on the device side. */
static int bench_burst(struct bench *b, bool lib, u64 *ns)
{
	unsigned int first, n;
	u64 total = 0, t0;
	int done;

	if (lib) {
		/* As after a device reset and feature negotiation. */
		vdpa_net_ctrl_vringh_reset(&b->ctx, NULL);
		vdpa_net_ctrl_vringh_set_features(&b->ctx, BENCH_FEATURES);
	}
	for (first = 0; first < b->ncmds; first += n) {
		n = min(b->nslots, b->ncmds - first);
		bench_post(b, first, n);
		t0 = ktime_get_ns();
		if (lib)
			done = vdpa_net_ctrl_vringh_handle_cvq(&b->ctx, &b->vrh,
							       &bench_ops, b, n);
		else
			done = bench_vringh(b, n);
		total += ktime_get_ns() - t0;
		if (done < 0)
			return done;
		if (done != n || bench_reap(b) != n)
			return -EIO;
		cond_resched();
	}
	*ns = total;
	return 0;
}

/* The library must have applied the whole burst. */
static int bench_check_state(struct bench *b)
{
	const struct vdpa_net_ctrl_state *st = &b->ctx.nc.state;

	if (bitmap_weight(st->vlans, VDPA_NET_CTRL_VLAN_N) != BENCH_VLANS ||
	    st->uc.count != BENCH_MACS || st->mc.count != BENCH_MACS ||
	    !st->rss_enabled || st->vq_pairs != BENCH_PAIRS ||
	    !(st->rx_mode & BIT(VIRTIO_NET_CTRL_RX_ALLMULTI))) {
		pr_err("device state after the burst is not what was sent\n");
		return -EINVAL;
	}
	return 0;
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void bench_put_ratio(const char *key, u64 num, u64 den)
{
	u64 r = den ? div64_u64(num * 1000, den) : 0;

	pr_info("%s=%llu.%03llu\n", key, div_u64(r, 1000), r % 1000);
}

static int bench_run(struct bench *b)
{
	u64 *lib_ns, *bare_ns, warm;
	unsigned int i;
	int err;

	lib_ns = kcalloc(reps, sizeof(*lib_ns), GFP_KERNEL);
	bare_ns = kcalloc(reps, sizeof(*bare_ns), GFP_KERNEL);
	if (!lib_ns || !bare_ns) {
		err = -ENOMEM;
		goto out;
	}

	/* Warm caches and grow the library's iovs: not counted. */
	err = bench_burst(b, true, &warm) ?: bench_burst(b, false, &warm);
	if (err)
		goto out;
	/* Alternate the sides so that drifts hit both alike. */
	for (i = 0; i < reps; i++) {
		err = bench_burst(b, true, &lib_ns[i]);
		if (!err)
			err = bench_check_state(b);
		if (!err)
			err = bench_burst(b, false, &bare_ns[i]);
		if (err)
			goto out;
	}
	sort(lib_ns, reps, sizeof(*lib_ns), bench_cmp_u64, NULL);
	sort(bare_ns, reps, sizeof(*bare_ns), bench_cmp_u64, NULL);

	pr_info("inkernel_cmds_per_burst=%u\n", b->ncmds);
	pr_info("inkernel_reps=%u\n", reps);
	pr_info("inkernel_ring_entries=%u\n", ring_num);
	pr_info("inkernel_chains_per_batch=%u\n", b->nslots);
	pr_info("inkernel_net_ctrl_ns_per_cmd=%llu\n",
		div_u64(lib_ns[reps / 2], b->ncmds));
	pr_info("inkernel_net_ctrl_best_ns_per_cmd=%llu\n",
		div_u64(lib_ns[0], b->ncmds));
	pr_info("inkernel_vringh_ns_per_cmd=%llu\n",
		div_u64(bare_ns[reps / 2], b->ncmds));
	pr_info("inkernel_vringh_best_ns_per_cmd=%llu\n",
		div_u64(bare_ns[0], b->ncmds));
	pr_info("inkernel_net_ctrl_burst_us=%llu\n",
		div_u64(lib_ns[reps / 2], NSEC_PER_USEC));
	pr_info("inkernel_vringh_burst_us=%llu\n",
		div_u64(bare_ns[reps / 2], NSEC_PER_USEC));
	bench_put_ratio("inkernel_overhead_ratio", lib_ns[reps / 2],
			bare_ns[reps / 2]);
	bench_put_ratio("inkernel_best_overhead_ratio", lib_ns[0], bare_ns[0]);
	pr_info("inkernel_errors=%u\n", b->errors);
out:
	kfree(lib_ns);
	kfree(bare_ns);
	return err;
}

static int __init net_ctrl_bench_init(void)
{
	struct bench *b;
	int err;

	if (!reps || ring_num < 2 * BENCH_SLOT || ring_num > 32768 ||
	    !is_power_of_2(ring_num)) {
		pr_err("reps must be > 0, ring_num a power of 2 in 8..32768\n");
		return -EINVAL;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->nslots = ring_num / BENCH_SLOT;
	b->ring_mem = kzalloc(vring_size(ring_num, SMP_CACHE_BYTES),
			      GFP_KERNEL);
	b->acks = kzalloc(b->nslots, GFP_KERNEL);
	b->pl = kzalloc(sizeof(*b->pl), GFP_KERNEL);
	b->cmds = kcalloc(BENCH_NCMDS, sizeof(*b->cmds), GFP_KERNEL);
	b->buf = kmalloc(BENCH_BUF_LEN, GFP_KERNEL);
	err = -ENOMEM;
	if (!b->ring_mem || !b->acks || !b->pl || !b->cmds || !b->buf)
		goto out_free;

	vring_init(&b->vr, ring_num, b->ring_mem, SMP_CACHE_BYTES);
	spin_lock_init(&b->iotlb_lock);
	vhost_iotlb_init(&b->iotlb, 2, 0);
	err = vhost_iotlb_add_range(&b->iotlb, 0, ULONG_MAX, 0, VHOST_MAP_RW);
	if (err) {
		pr_err("identity IOTLB: %d\n", err);
		goto out_free;
	}
	/* vringh reads the ring itself through the IOTLB too. */
	err = vringh_init_iotlb(&b->vrh, BIT_ULL(VIRTIO_F_VERSION_1), ring_num,
				false,
				(void *)(uintptr_t)virt_to_phys(b->vr.desc),
				(void *)(uintptr_t)virt_to_phys(b->vr.avail),
				(void *)(uintptr_t)virt_to_phys(b->vr.used));
	if (err) {
		pr_err("vringh_init_iotlb: %d\n", err);
		goto out_free;
	}
	vringh_set_iotlb(&b->vrh, &b->iotlb, &b->iotlb_lock);
	vringh_kiov_init(&b->riov, b->rkvec, ARRAY_SIZE(b->rkvec));
	vringh_kiov_init(&b->wiov, b->wkvec, ARRAY_SIZE(b->wkvec));
	err = vdpa_net_ctrl_vringh_init(&b->ctx, "net_ctrl_bench", &bench_limits,
				   NULL);
	if (err) {
		pr_err("vdpa_net_ctrl_vringh_init: %d\n", err);
		goto out_free;
	}

	bench_build(b);
	err = bench_run(b);
	if (err)
		pr_err("failed: %d\n", err);

	vdpa_net_ctrl_vringh_cleanup(&b->ctx);
out_free:
	vhost_iotlb_reset(&b->iotlb);
	kfree(b->buf);
	kfree(b->cmds);
	kfree(b->pl);
	kfree(b->acks);
	kfree(b->ring_mem);
	kfree(b);
	return err;
}

static void __exit net_ctrl_bench_exit(void)
{
}

module_init(net_ctrl_bench_init);
module_exit(net_ctrl_bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Benchmark of vdpa_net_ctrl against bare vringh");
