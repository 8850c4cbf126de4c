// SPDX-License-Identifier: GPL-2.0-only
/*
 * vdpa_net_ctrl: the ring layer.  Takes control commands off a
 * virtio-net control virtqueue with vringh, runs them through the
 * functional core (vdpa_net_ctrl_core.c), writes the ack and completes every
 * chain, well-formed or not.
 */

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vdpa_net_ctrl.h>
#include <linux/vringh.h>
#include <net/netlink.h>
#include <uapi/linux/vdpa.h>

#define CREATE_TRACE_POINTS
#include <trace/events/vdpa_net_ctrl.h>

static struct dentry *vdpa_net_ctrl_debugfs_root;

static void vdpa_net_ctrl_count(struct vdpa_net_ctrl_vringh *ctx, int class,
				u8 ack, bool no_ack, bool bad_chain)
{
	unsigned int slot = class >= 0 && class < VDPA_NET_CTRL_NCLASSES ?
			    class : VDPA_NET_CTRL_NCLASSES;

	u64_stats_update_begin(&ctx->syncp);
	u64_stats_inc(&ctx->stats.received[slot]);
	if (ack == VIRTIO_NET_OK)
		u64_stats_inc(&ctx->stats.ok[slot]);
	else
		u64_stats_inc(&ctx->stats.err[slot]);
	if (no_ack)
		u64_stats_inc(&ctx->stats.no_ack);
	if (bad_chain)
		u64_stats_inc(&ctx->stats.bad_chain);
	u64_stats_update_end(&ctx->syncp);
}

/* The ring itself failed: count it and say why in the trace. */
static void vdpa_net_ctrl_ring_error(struct vdpa_net_ctrl_vringh *ctx,
				     const char *why)
{
	u64_stats_update_begin(&ctx->syncp);
	u64_stats_inc(&ctx->stats.ring_errors);
	u64_stats_update_end(&ctx->syncp);
	trace_vdpa_net_ctrl_cmd(ctx->name, -1, -1, 0, VIRTIO_NET_ERR, why);
}

/*
 * The first writable byte of a chain, where the ack goes: zero-length
 * descriptors stay in the iov as empty entries, which the pushes skip.
 */
static struct kvec vdpa_net_ctrl_ack_iov(const struct vringh_kiov *wiov)
{
	unsigned int i;

	for (i = wiov->i; i < wiov->used; i++)
		if (wiov->iov[i].iov_len)
			return wiov->iov[i];
	return (struct kvec){};
}

/* Write VIRTIO_NET_ERR over the first writable byte of a chain. */
static void vdpa_net_ctrl_rewrite_ack(struct vringh *vrh,
				      const struct kvec *first)
{
	struct kvec one = { .iov_base = first->iov_base, .iov_len = 1 };
	struct vringh_kiov kiov = { .iov = &one, .used = 1, .max_num = 1 };
	u8 ack = VIRTIO_NET_ERR;

	if (first->iov_len)
		vringh_iov_push_iotlb(vrh, &kiov, &ack, 1);
}

/*
 * The buffer for a command's result: the context's, or for a STATISTICS
 * GET whose replies may not fit in it, one as large as the driver's room
 * and the request allow.  Should that allocation fail, the context's
 * buffer is used and a reply that does not fit gets VIRTIO_NET_ERR.
 * Returns the room after the ack byte; the caller frees *@result when it
 * is not ctx->result.
 */
static size_t vdpa_net_ctrl_result_room(struct vdpa_net_ctrl_vringh *ctx,
					size_t room, size_t len, u8 **result)
{
	size_t need = min(room, vdpa_net_ctrl_result_max(ctx->buf, len));
	u8 *big;

	*result = ctx->result;
	if (need <= VDPA_NET_CTRL_MAX_RESULT_LEN)
		return min_t(size_t, room, VDPA_NET_CTRL_MAX_RESULT_LEN);
	/* The driver decides the size: charge it, and fail quietly. */
	big = kvmalloc(need + 1, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!big)
		return VDPA_NET_CTRL_MAX_RESULT_LEN;
	*result = big;
	return need;
}

/*
 * Copy @len bytes at offset @at of a long command to @dst: from ctx->buf,
 * which holds its first VDPA_NET_CTRL_MAX_CMD_LEN bytes, then from the
 * ring, of which *@pos bytes have been read.  Offsets only grow.
 */
static bool vdpa_net_ctrl_long_read(struct vdpa_net_ctrl_vringh *ctx,
				    struct vringh *vrh, size_t *pos, size_t at,
				    u8 *dst, size_t len)
{
	size_t n;

	if (at < VDPA_NET_CTRL_MAX_CMD_LEN) {
		n = min(len, VDPA_NET_CTRL_MAX_CMD_LEN - at);
		memmove(dst, ctx->buf + at, n);
		at += n;
		dst += n;
		len -= n;
	}
	if (!len)
		return true;
	if (at < *pos)
		return false;
	vringh_kiov_advance(&ctx->riov, at - *pos);
	if (vringh_iov_pull_iotlb(vrh, &ctx->riov, dst, len) != len)
		return false;
	*pos = at + len;
	return true;
}

/*
 * A MAC_TABLE_SET may be longer than VDPA_NET_CTRL_MAX_CMD_LEN: the spec
 * bounds neither table, and a table the device cannot hold means "accept
 * all addresses of this kind".  Walk such a command without keeping what
 * the device would drop, and rewrite ctx->buf into the equivalent short
 * command, where an overflowing table is one entry longer than the
 * limit.  Returns the new length, or 0 for any other long command and for
 * a malformed one (which the core then refuses); sets *@unmapped when the
 * ring could not be read.
 */
static size_t vdpa_net_ctrl_long_mac_table(struct vdpa_net_ctrl_vringh *ctx,
					   struct vringh *vrh, size_t rlen,
					   bool *unmapped)
{
	size_t lim = ctx->nc.limits.mac_table_entries;
	size_t pos = VDPA_NET_CTRL_MAX_CMD_LEN;
	size_t in = 2, out = 2, bytes;
	u8 *b = ctx->buf;
	__le32 raw;
	int t;
	u32 n;

	if (b[0] != VIRTIO_NET_CTRL_MAC ||
	    b[1] != VIRTIO_NET_CTRL_MAC_TABLE_SET)
		return 0;
	for (t = 0; t < 2; t++) {
		if (rlen - in < sizeof(raw))
			return 0;
		if (!vdpa_net_ctrl_long_read(ctx, vrh, &pos, in, (u8 *)&raw,
					     sizeof(raw)))
			goto unreadable;
		in += sizeof(raw);
		n = le32_to_cpu(raw);
		/* Divide: n * ETH_ALEN can wrap a 32-bit size_t. */
		if (n > (rlen - in) / ETH_ALEN)
			return 0;
		bytes = (size_t)n * ETH_ALEN;
		if (n > lim) {
			put_unaligned_le32(lim + 1, b + out);
			memset(b + out + sizeof(raw), 0, (lim + 1) * ETH_ALEN);
			out += sizeof(raw) + (lim + 1) * ETH_ALEN;
		} else {
			put_unaligned_le32(n, b + out);
			if (!vdpa_net_ctrl_long_read(ctx, vrh, &pos, in,
						     b + out + sizeof(raw),
						     bytes))
				goto unreadable;
			out += sizeof(raw) + bytes;
		}
		in += bytes;
	}
	return in == rlen ? out : 0;

unreadable:
	*unmapped = true;
	return 0;
}

/*
 * Handle one chain.  Returns 1 when a chain was completed, 0 when the ring
 * is empty, a negative errno when the ring itself is broken (no head could
 * be read): then nothing can be completed.
 */
static int vdpa_net_ctrl_vringh_one(struct vdpa_net_ctrl_vringh *ctx,
				    struct vringh *vrh,
				    const struct vdpa_net_ctrl_ops *ops,
				    void *priv)
{
	struct vdpa_net_ctrl_result res = {
		.ack = VIRTIO_NET_ERR,
	};
	size_t rlen, wlen, want, out, len, cap;
	u8 *result = ctx->result;
	u16 head = vrh->vring.num;
	bool executed = false;
	bool unmapped;
	int class = -1, cmd = -1;
	ssize_t got;
	int err;

	err = vringh_getdesc_iotlb(vrh, &ctx->riov, &ctx->wiov, &head,
				   GFP_KERNEL);
	if (!err)
		return 0;
	if (err < 0) {
		if (head >= vrh->vring.num) {
			vdpa_net_ctrl_ring_error(ctx, "broken ring");
			return err;
		}
		/*
		 * The head is valid but its descriptors are not: give the
		 * chain back unread so the driver is not left waiting.
		 */
		ctx->nc.cvq_commands++;
		vdpa_net_ctrl_count(ctx, -1, VIRTIO_NET_ERR, true, true);
		err = vringh_complete_iotlb(vrh, head, 0);
		if (err) {
			ctx->ring_err = err;
			vdpa_net_ctrl_ring_error(ctx, "used ring not writable");
			return err;
		}
		trace_vdpa_net_ctrl_cmd(ctx->name, -1, -1, 0, VIRTIO_NET_ERR,
					"unmappable chain");
		return 1;
	}

	rlen = vringh_kiov_length(&ctx->riov);
	wlen = vringh_kiov_length(&ctx->wiov);
	want = min_t(size_t, rlen, VDPA_NET_CTRL_MAX_CMD_LEN);
	got = vringh_iov_pull_iotlb(vrh, &ctx->riov, ctx->buf, want);
	if (got >= 1)
		class = ctx->buf[0];
	if (got >= 2)
		cmd = ctx->buf[1];

	/* A buffer vringh cannot translate shows up as a short read. */
	unmapped = got < 0 || got != want;
	len = want;
	if (!unmapped && rlen > VDPA_NET_CTRL_MAX_CMD_LEN)
		len = vdpa_net_ctrl_long_mac_table(ctx, vrh, rlen, &unmapped);
	if (unmapped) {
		res.reason = "unreadable command";
	} else if (rlen > VDPA_NET_CTRL_MAX_CMD_LEN && !len) {
		res.reason = "command too long";
	} else if (!wlen) {
		res.reason = "no room for the ack";
	} else {
		cap = vdpa_net_ctrl_result_room(ctx, wlen - 1, len, &result);
		vdpa_net_ctrl_execute(&ctx->nc, ops, priv, ctx->buf, len,
				      result + 1, cap, &res);
		executed = true;
	}
	/* Chains the core did not see are commands received all the same. */
	if (!executed)
		ctx->nc.cvq_commands++;
	/* The data path follows before the driver can see the ack. */
	if (res.ack == VIRTIO_NET_OK && ctx->state_changed)
		ctx->state_changed(ctx);

	out = 0;
	if (wlen) {
		/* Where the ack goes, should it have to be written again. */
		struct kvec ack_iov = vdpa_net_ctrl_ack_iov(&ctx->wiov);

		result[0] = res.ack;
		got = vringh_iov_push_iotlb(vrh, &ctx->wiov, result,
					    1 + res.len);
		if (got > 0)
			out = got;
		if (got != 1 + res.len)
			unmapped = true;
		if (got != 1 + res.len && res.ack == VIRTIO_NET_OK) {
			/*
			 * The state changed but the driver cannot know: its
			 * buffer may hold the OK already, without the result.
			 * Overwrite it, so that it reads ERR.
			 */
			vdpa_net_ctrl_rewrite_ack(vrh, &ack_iov);
			ctx->nc.cvq_ok--;
			res.ack = VIRTIO_NET_ERR;
			res.reason = "ack not writable";
		}
	}
	if (result != ctx->result)
		kvfree(result);
	err = vringh_complete_iotlb(vrh, head, out);

	vdpa_net_ctrl_count(ctx, class, res.ack, !wlen, unmapped);
	if (err) {
		/* The head is consumed: remember, the next call reports it. */
		ctx->ring_err = err;
		vdpa_net_ctrl_ring_error(ctx, "used ring not writable");
		return err;
	}
	trace_vdpa_net_ctrl_cmd(ctx->name, class, cmd, rlen, res.ack,
				res.reason);
	return 1;
}

/**
 * vdpa_net_ctrl_vringh_handle_cvq - handle the available chains of an iotlb CVQ
 * @ctx: the device's context
 * @vrh: the control virtqueue, set up with vringh_init_iotlb()
 * @ops: the parent's callbacks
 * @priv: passed to every callback
 * @budget: the most chains to handle in this call
 *
 * Takes chains off @vrh, decodes, validates and applies each command,
 * writes the ack (and a command's result) and completes the chain.  Every
 * chain taken off the ring is completed: a malformed one with
 * VIRTIO_NET_ERR when it has a writable byte, or with used length 0 when
 * vringh cannot map it.  The caller notifies the driver when the return
 * value is not 0.  When the ring runs empty, notifications are enabled
 * again (avail_event is published with VIRTIO_RING_F_EVENT_IDX), so the
 * driver kicks for its next chain.
 *
 * Context: process context; may sleep, and calls @ops in this context.
 * The caller serializes calls for one @ctx and @vrh against each other
 * and against reset and map changes of the queue.
 *
 * Return: the number of chains completed; when it equals @budget more
 * chains may be pending, and the caller should call again later (after
 * letting the driver's CPU run).  A negative errno when the ring is broken
 * beyond one chain (a head index out of range, a used ring that cannot be
 * written) and no chain was completed before it in this call, or in any
 * call after a used ring write failed, until the next
 * vdpa_net_ctrl_vringh_reset(): nothing more can be consumed, and the
 * parent should set DEVICE_NEEDS_RESET.
 */
int vdpa_net_ctrl_vringh_handle_cvq(struct vdpa_net_ctrl_vringh *ctx,
				    struct vringh *vrh,
				    const struct vdpa_net_ctrl_ops *ops,
				    void *priv, unsigned int budget)
{
	unsigned int done = 0;
	bool rechecked = false;
	int err;

	/* A used ring that could not be written stays broken until reset. */
	if (ctx->ring_err)
		return ctx->ring_err;
	while (done < budget) {
		err = vdpa_net_ctrl_vringh_one(ctx, vrh, ops, priv);
		/*
		 * Report the chains completed first: the next call finds the
		 * broken head again, or returns @ctx->ring_err.
		 */
		if (err < 0)
			return done ? done : err;
		if (err) {
			done++;
			rechecked = false;
			continue;
		}
		/*
		 * The ring is empty: ask for the next kick.  With
		 * VIRTIO_RING_F_EVENT_IDX this publishes avail_event, without
		 * which the driver never kicks again.  A chain made available
		 * meanwhile is taken in this call; look only once per chain,
		 * so that a driver that keeps moving its index cannot hold us
		 * here beyond the budget.
		 */
		if (rechecked || vringh_notify_enable_iotlb(vrh))
			break;
		rechecked = true;
	}
	return done;
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_vringh_handle_cvq);

/**
 * vdpa_net_ctrl_vringh_stats_read - a consistent copy of the counters
 * @ctx: the device's context
 * @out: where to copy them
 *
 * Context: any context; does not take @ctx->lock.
 */
static void vdpa_net_ctrl_vringh_stats_read(struct vdpa_net_ctrl_vringh *ctx,
					    struct vdpa_net_ctrl_stats *out)
{
	const struct vdpa_net_ctrl_counters *c = &ctx->stats;
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(&ctx->syncp);
		for (i = 0; i <= VDPA_NET_CTRL_NCLASSES; i++) {
			out->received[i] = u64_stats_read(&c->received[i]);
			out->ok[i] = u64_stats_read(&c->ok[i]);
			out->err[i] = u64_stats_read(&c->err[i]);
		}
		out->no_ack = u64_stats_read(&c->no_ack);
		out->bad_chain = u64_stats_read(&c->bad_chain);
		out->ring_errors = u64_stats_read(&c->ring_errors);
	} while (u64_stats_fetch_retry(&ctx->syncp, start));
}

static int vdpa_net_ctrl_put(struct sk_buff *msg, const char *name, u64 val)
{
	if (nla_put_string(msg, VDPA_ATTR_DEV_VENDOR_ATTR_NAME, name) ||
	    nla_put_u64_64bit(msg, VDPA_ATTR_DEV_VENDOR_ATTR_VALUE, val,
			      VDPA_ATTR_PAD))
		return -EMSGSIZE;
	return 0;
}

/**
 * vdpa_net_ctrl_vringh_fill_vstats - put the CVQ counters into a vstats reply
 * @ctx: the device's context
 * @msg: the netlink message of a vdpa get_vendor_vq_stats() call
 *
 * Puts "cvq requests", "cvq successes" and "cvq errors" (the names
 * vdpa_sim_net always used) followed by per-class and per-failure
 * counters, as vendor attribute name/value pairs.
 *
 * Context: process context.
 * Return: 0, or -EMSGSIZE when @msg is full.
 */
int vdpa_net_ctrl_vringh_fill_vstats(struct vdpa_net_ctrl_vringh *ctx,
				     struct sk_buff *msg)
{
	u64 req = 0, ok = 0, err = 0;
	struct vdpa_net_ctrl_stats s;
	char name[40];
	unsigned int i;

	vdpa_net_ctrl_vringh_stats_read(ctx, &s);
	for (i = 0; i <= VDPA_NET_CTRL_NCLASSES; i++) {
		req += s.received[i];
		ok += s.ok[i];
		err += s.err[i];
	}
	if (vdpa_net_ctrl_put(msg, "cvq requests", req) ||
	    vdpa_net_ctrl_put(msg, "cvq successes", ok) ||
	    vdpa_net_ctrl_put(msg, "cvq errors", err))
		return -EMSGSIZE;
	for (i = 0; i <= VDPA_NET_CTRL_NCLASSES; i++) {
		if (!s.received[i])
			continue;
		snprintf(name, sizeof(name), "cvq %s errors",
			 vdpa_net_ctrl_class_name(i));
		if (vdpa_net_ctrl_put(msg, name, s.err[i]))
			return -EMSGSIZE;
	}
	if (vdpa_net_ctrl_put(msg, "cvq no ack", s.no_ack) ||
	    vdpa_net_ctrl_put(msg, "cvq bad chains", s.bad_chain) ||
	    vdpa_net_ctrl_put(msg, "cvq ring errors", s.ring_errors))
		return -EMSGSIZE;
	return 0;
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_vringh_fill_vstats);

static const char * const vdpa_net_ctrl_rx_mode_names[] = {
	[VIRTIO_NET_CTRL_RX_PROMISC] = "promisc",
	[VIRTIO_NET_CTRL_RX_ALLMULTI] = "allmulti",
	[VIRTIO_NET_CTRL_RX_ALLUNI] = "alluni",
	[VIRTIO_NET_CTRL_RX_NOMULTI] = "nomulti",
	[VIRTIO_NET_CTRL_RX_NOUNI] = "nouni",
	[VIRTIO_NET_CTRL_RX_NOBCAST] = "nobcast",
};

static void vdpa_net_ctrl_show_table(struct seq_file *s, const char *name,
				     const struct vdpa_net_ctrl_mac_table *t)
{
	u32 i;

	seq_printf(s, "%s: count=%u overflow=%d\n", name, t->count,
		   t->overflow);
	for (i = 0; i < t->count && i < VDPA_NET_CTRL_MAC_TABLE_MAX; i++)
		seq_printf(s, "%s[%u]: %pM\n", name, i, t->addr[i]);
}

static void vdpa_net_ctrl_show_vlans(struct seq_file *s,
				     const unsigned long *vlans)
{
	unsigned int first, last;

	seq_printf(s, "vlans: count=%u\n",
		   bitmap_weight(vlans, VDPA_NET_CTRL_VLAN_N));
	seq_puts(s, "vlan_ids:");
	for_each_set_bitrange(first, last, vlans, VDPA_NET_CTRL_VLAN_N) {
		if (last - first > 1)
			seq_printf(s, " %u-%u", first, last - 1);
		else
			seq_printf(s, " %u", first);
	}
	seq_putc(s, '\n');
}

static void vdpa_net_ctrl_show_rss(struct seq_file *s, const char *name,
				   bool on, const struct vdpa_net_ctrl_rss *r,
				   bool table)
{
	unsigned int i;

	if (!on) {
		seq_printf(s, "%s: off\n", name);
		return;
	}
	seq_printf(s, "%s: hash_types=%#x key_len=%u", name, r->hash_types,
		   r->key_len);
	if (table)
		seq_printf(s, " table_len=%u unclassified=%u max_tx_vq=%u",
			   r->indirection_table_mask + 1,
			   r->unclassified_queue, r->max_tx_vq);
	seq_printf(s, "\n%s_key: %*phN\n", name, r->key_len, r->key);
	if (!table)
		return;
	seq_printf(s, "%s_table:", name);
	for (i = 0; i <= r->indirection_table_mask; i++)
		seq_printf(s, " %u", r->table[i]);
	seq_putc(s, '\n');
}

static int vdpa_net_ctrl_state_show(struct seq_file *s, void *unused)
{
	struct vdpa_net_ctrl_vringh *ctx = s->private;
	const struct vdpa_net_ctrl_state *st = &ctx->nc.state;
	unsigned int i;

	if (ctx->lock)
		mutex_lock(ctx->lock);
	seq_printf(s, "features: %#llx\n", ctx->nc.features);
	seq_printf(s, "mac: %pM\n", st->mac);
	seq_puts(s, "rx_mode:");
	for (i = 0; i < ARRAY_SIZE(vdpa_net_ctrl_rx_mode_names); i++)
		if (st->rx_mode & BIT(i))
			seq_printf(s, " %s", vdpa_net_ctrl_rx_mode_names[i]);
	seq_puts(s, st->rx_mode ? "\n" : " none\n");
	vdpa_net_ctrl_show_table(s, "uc", &st->uc);
	vdpa_net_ctrl_show_table(s, "mc", &st->mc);
	vdpa_net_ctrl_show_vlans(s, st->vlans);
	seq_printf(s, "vq_pairs: %u\n", st->vq_pairs);
	vdpa_net_ctrl_show_rss(s, "rss", st->rss_enabled, &st->rss, true);
	vdpa_net_ctrl_show_rss(s, "hash_report", st->hash_report, &st->hash,
			       false);
	seq_printf(s, "guest_offloads: %#llx\n", st->guest_offloads);
	seq_printf(s, "coal_tx: usecs=%u packets=%u\n", st->tx_coal.max_usecs,
		   st->tx_coal.max_packets);
	seq_printf(s, "coal_rx: usecs=%u packets=%u\n", st->rx_coal.max_usecs,
		   st->rx_coal.max_packets);
	for (i = 0; i < VDPA_NET_CTRL_COAL_MAX_VQS; i++)
		if (st->vq_coal[i].max_usecs || st->vq_coal[i].max_packets)
			seq_printf(s, "coal_vq[%u]: usecs=%u packets=%u\n", i,
				   st->vq_coal[i].max_usecs,
				   st->vq_coal[i].max_packets);
	if (ctx->lock)
		mutex_unlock(ctx->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vdpa_net_ctrl_state);

static int vdpa_net_ctrl_stats_show(struct seq_file *s, void *unused)
{
	struct vdpa_net_ctrl_vringh *ctx = s->private;
	struct vdpa_net_ctrl_stats st;
	unsigned int i;

	vdpa_net_ctrl_vringh_stats_read(ctx, &st);
	for (i = 0; i <= VDPA_NET_CTRL_NCLASSES; i++)
		seq_printf(s, "%s: received=%llu ok=%llu err=%llu\n",
			   vdpa_net_ctrl_class_name(i), st.received[i],
			   st.ok[i], st.err[i]);
	seq_printf(s, "no_ack: %llu\nbad_chain: %llu\nring_errors: %llu\n",
		   st.no_ack, st.bad_chain, st.ring_errors);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vdpa_net_ctrl_stats);

/**
 * vdpa_net_ctrl_vringh_init - set up a device's context
 * @ctx: the context, zeroed or not
 * @name: the device name, for tracepoints and the debugfs directory
 *	vdpa_net_ctrl/@name
 * @limits: what the device can hold
 * @lock: the parent's lock that serializes calls into @ctx, taken by the
 *	debugfs readers; may be NULL
 *
 * The state starts at the spec's reset values.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL when @limits are beyond what the module can hold
 * (see vdpa_net_ctrl_init()), or -ENOMEM.
 */
int vdpa_net_ctrl_vringh_init(struct vdpa_net_ctrl_vringh *ctx,
			      const char *name,
			      const struct vdpa_net_ctrl_limits *limits,
			      struct mutex *lock)
{
	int err;

	memset(ctx, 0, sizeof(*ctx));
	strscpy(ctx->name, name, sizeof(ctx->name));
	ctx->lock = lock;
	u64_stats_init(&ctx->syncp);
	err = vdpa_net_ctrl_init(&ctx->nc, limits);
	if (err) {
		pr_err("vdpa_net_ctrl: %s: limits out of range\n", ctx->name);
		return err;
	}
	vringh_kiov_init(&ctx->riov, NULL, 0);
	vringh_kiov_init(&ctx->wiov, NULL, 0);
	ctx->buf = kvmalloc(VDPA_NET_CTRL_MAX_CMD_LEN, GFP_KERNEL);
	ctx->result = kmalloc(VDPA_NET_CTRL_MAX_RESULT_LEN + 1, GFP_KERNEL);
	if (!ctx->buf || !ctx->result) {
		/* Leave nothing for vdpa_net_ctrl_vringh_cleanup() to free. */
		kvfree(ctx->buf);
		kfree(ctx->result);
		ctx->buf = NULL;
		ctx->result = NULL;
		return -ENOMEM;
	}
	if (vdpa_net_ctrl_debugfs_root) {
		ctx->debugfs = debugfs_create_dir(ctx->name,
						  vdpa_net_ctrl_debugfs_root);
		debugfs_create_file("state", 0400, ctx->debugfs, ctx,
				    &vdpa_net_ctrl_state_fops);
		debugfs_create_file("stats", 0400, ctx->debugfs, ctx,
				    &vdpa_net_ctrl_stats_fops);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_vringh_init);

/**
 * vdpa_net_ctrl_vringh_cleanup - release what vdpa_net_ctrl_vringh_init() took
 * @ctx: the context
 *
 * Context: process context; may sleep.
 */
void vdpa_net_ctrl_vringh_cleanup(struct vdpa_net_ctrl_vringh *ctx)
{
	debugfs_remove(ctx->debugfs);
	ctx->debugfs = NULL;
	vringh_kiov_cleanup(&ctx->riov);
	vringh_kiov_cleanup(&ctx->wiov);
	kvfree(ctx->buf);
	kfree(ctx->result);
	ctx->buf = NULL;
	ctx->result = NULL;
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_vringh_cleanup);

/**
 * vdpa_net_ctrl_vringh_reset - back to the state of a reset device
 * @ctx: the context
 * @mac: the device's MAC (its config space's), or NULL for none
 *
 * For a parent's device reset: the receive modes, tables, VLANs, queue
 * pairs, RSS, offloads and coalescing go back to the spec's defaults and
 * the negotiated features are forgotten.  Counters are kept.  Callers
 * hold the lock they gave vdpa_net_ctrl_vringh_init(), if any.
 */
void vdpa_net_ctrl_vringh_reset(struct vdpa_net_ctrl_vringh *ctx, const u8 *mac)
{
	ctx->ring_err = 0;
	vdpa_net_ctrl_reset(&ctx->nc);
	if (mac)
		ether_addr_copy(ctx->nc.state.mac, mac);
	if (ctx->state_changed)
		ctx->state_changed(ctx);
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_vringh_reset);

/**
 * vdpa_net_ctrl_vringh_set_features - the driver's features are final
 * @ctx: the context
 * @features: the negotiated features, control features included
 *
 * For a parent's FEATURES_OK: the commands and the receive filter follow
 * what was negotiated.  Callers hold the lock they gave
 * vdpa_net_ctrl_vringh_init(), if any.
 */
void vdpa_net_ctrl_vringh_set_features(struct vdpa_net_ctrl_vringh *ctx,
				       u64 features)
{
	vdpa_net_ctrl_set_features(&ctx->nc, features);
	if (ctx->state_changed)
		ctx->state_changed(ctx);
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_vringh_set_features);

/**
 * vdpa_net_ctrl_vringh_features - the features last given to the context
 * @ctx: the context
 *
 * Return: what vdpa_net_ctrl_vringh_set_features() was last called with, 0
 * after a reset.
 */
u64 vdpa_net_ctrl_vringh_features(const struct vdpa_net_ctrl_vringh *ctx)
{
	return ctx->nc.features;
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_vringh_features);

/**
 * vdpa_net_ctrl_vringh_rx_accept - whether the receive filter takes a frame
 * @ctx: the context
 * @frame: the frame, from its Ethernet header
 * @len: bytes at @frame
 *
 * For software parents that filter in their data path, from the state
 * the driver set; see vdpa_net_ctrl_rx_accept().  Callers hold the lock they
 * gave vdpa_net_ctrl_vringh_init(), if any, or otherwise keep the state from
 * changing under them.
 *
 * Return: true to deliver the frame.
 */
bool vdpa_net_ctrl_vringh_rx_accept(const struct vdpa_net_ctrl_vringh *ctx,
				    const void *frame, size_t len)
{
	return vdpa_net_ctrl_rx_accept(&ctx->nc, frame, len);
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_vringh_rx_accept);

/**
 * vdpa_net_ctrl_vringh_set_mac - the device's MAC changed outside the CVQ
 * @ctx: the context
 * @mac: the new address
 *
 * For a MAC the management interface sets ("vdpa dev set ... mac"): the
 * state, and with it the receive filter, follows at once.  Callers hold
 * the lock they gave vdpa_net_ctrl_vringh_init(), if any, as for
 * vdpa_net_ctrl_vringh_handle_cvq().
 */
void vdpa_net_ctrl_vringh_set_mac(struct vdpa_net_ctrl_vringh *ctx,
				  const u8 *mac)
{
	ether_addr_copy(ctx->nc.state.mac, mac);
	if (ctx->state_changed)
		ctx->state_changed(ctx);
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_vringh_set_mac);

static int __init vdpa_net_ctrl_vringh_mod_init(void)
{
	vdpa_net_ctrl_debugfs_root = debugfs_create_dir("vdpa_net_ctrl", NULL);
	if (IS_ERR(vdpa_net_ctrl_debugfs_root))
		vdpa_net_ctrl_debugfs_root = NULL;
	return 0;
}

static void __exit vdpa_net_ctrl_vringh_mod_exit(void)
{
	debugfs_remove(vdpa_net_ctrl_debugfs_root);
}

/* Before the parents that use it when all are built in. */
subsys_initcall(vdpa_net_ctrl_vringh_mod_init);
module_exit(vdpa_net_ctrl_vringh_mod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Emulated virtio-net control virtqueue for vDPA parents");
