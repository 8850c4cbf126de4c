// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the vdpa_net_ctrl functional core.
 *
 * Input: le64 negotiated features, one byte saying which groups of
 * parent callbacks refuse, then the command (class, cmd, payload) as the
 * ring layer would pass it.  Bits 24..33 of the features (transport bits
 * the core ignores) also give the result buffer capacity, clamped to
 * VDPA_NET_CTRL_MAX_RESULT_LEN.
 *
 * After the command, invariants are checked and any violation aborts:
 * ack/reason/len consistency, result within capacity, state unchanged on
 * VIRTIO_NET_ERR, state within limits, the receive filter and the RSS
 * steering on frames made of the input, and restore(save()) accepted and
 * lossless.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock.h"

#define GUEST_OFFLOADS	((1ULL << VIRTIO_NET_F_GUEST_CSUM) |	\
			 (1ULL << VIRTIO_NET_F_GUEST_TSO4) |	\
			 (1ULL << VIRTIO_NET_F_GUEST_TSO6) |	\
			 (1ULL << VIRTIO_NET_F_GUEST_ECN) |	\
			 (1ULL << VIRTIO_NET_F_GUEST_UFO) |	\
			 (1ULL << VIRTIO_NET_F_GUEST_USO4) |	\
			 (1ULL << VIRTIO_NET_F_GUEST_USO6))

static const struct vdpa_net_ctrl_limits fuzz_limits = {
	.max_vq_pairs = 4,
	.mac_table_entries = 4,
	.rss_max_key_size = 40,
	.rss_max_indirection_table_length = 128,
	.supported_hash_types = 0x3f,
};

/* refuse byte bit -> the mock ops that refuse */
static const unsigned int refuse_groups[8] = {
	1u << OP_RX | 1u << OP_TABLE,
	1u << OP_MAC,
	1u << OP_VADD | 1u << OP_VDEL,
	1u << OP_ANN | 1u << OP_PAIRS,
	1u << OP_RSS | 1u << OP_HASH,
	1u << OP_OFFL,
	1u << OP_CTX | 1u << OP_CRX | 1u << OP_CVQSET | 1u << OP_CVQGET,
	1u << OP_SQUERY | 1u << OP_SGET,
};

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant violated: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);		\
			abort();					\
		}							\
	} while (0)

static void check_table(const struct vdpa_net_ctrl *nc,
			const struct vdpa_net_ctrl_mac_table *t)
{
	CHECK(t->count <= nc->limits.mac_table_entries);
	CHECK(!t->overflow || t->count == 0);
}

static void check_state(const struct vdpa_net_ctrl *nc)
{
	const struct vdpa_net_ctrl_state *s = &nc->state;
	u32 i;

	CHECK(!(s->rx_mode & ~0x3f));
	check_table(nc, &s->uc);
	check_table(nc, &s->mc);
	CHECK(s->vq_pairs >= 1 && s->vq_pairs <= nc->limits.max_vq_pairs);
	CHECK(!(s->guest_offloads & ~(nc->features & GUEST_OFFLOADS)));
	if (s->rss_enabled) {
		u32 n = (u32)s->rss.indirection_table_mask + 1;

		CHECK(n <= nc->limits.rss_max_indirection_table_length);
		CHECK((n & (n - 1)) == 0);
		CHECK(s->rss.max_tx_vq == s->vq_pairs);
		/* receive queues: any of the device's, not max_tx_vq */
		CHECK(s->rss.unclassified_queue < nc->limits.max_vq_pairs);
		for (i = 0; i < n; i++)
			CHECK(s->rss.table[i] < nc->limits.max_vq_pairs);
		CHECK(s->rss.key_len <= nc->limits.rss_max_key_size);
		CHECK(!(s->rss.hash_types &
			~nc->limits.supported_hash_types));
	}
	if (s->hash_report) {
		CHECK(s->hash.hash_types);
		CHECK(s->hash.key_len <= nc->limits.rss_max_key_size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vdpa_net_ctrl nc, nc2;
	static struct vdpa_net_ctrl_state before, saved;
	struct vdpa_net_ctrl_result res;
	unsigned int refuse = 0, i;
	const u8 *cmd;
	u64 features = 0;
	struct mock m;
	size_t len, cap;
	u8 *result;
	int err;

	if (size < 9)
		return 0;
	for (i = 0; i < 8; i++)
		features |= (u64)data[i] << (8 * i);
	for (i = 0; i < 8; i++)
		if (data[8] & (1u << i))
			refuse |= refuse_groups[i];
	cmd = data + 9;
	len = size - 9;
	cap = (features >> 24) & 0x3ff;
	if (cap > VDPA_NET_CTRL_MAX_RESULT_LEN)
		cap = VDPA_NET_CTRL_MAX_RESULT_LEN;

	if (vdpa_net_ctrl_init(&nc, &fuzz_limits))
		abort();
	vdpa_net_ctrl_set_features(&nc, features);
	memset(&m, 0, sizeof(m));
	m.refuse = refuse;
	m.stats_supported = VIRTIO_NET_STATS_TYPE_RX_BASIC |
			    VIRTIO_NET_STATS_TYPE_RX_CSUM |
			    VIRTIO_NET_STATS_TYPE_TX_BASIC |
			    VIRTIO_NET_STATS_TYPE_CVQ;
	check_state(&nc);
	vdpa_net_ctrl_save(&nc, &before);

	result = malloc(cap ? cap : 1);	/* exact size: ASan sees overruns */
	if (!result)
		abort();
	vdpa_net_ctrl_execute(&nc, &mock_ops, &m, cmd, len, result, cap, &res);
	free(result);

	CHECK(res.ack == VIRTIO_NET_OK || res.ack == VIRTIO_NET_ERR);
	CHECK((res.ack == VIRTIO_NET_ERR) == (res.reason != NULL));
	CHECK(res.len <= cap);
	CHECK(res.ack == VIRTIO_NET_OK || res.len == 0);
	if (res.ack == VIRTIO_NET_ERR)
		CHECK(mock_state_eq(&before, &nc.state));
	CHECK(nc.features == features);
	check_state(&nc);

	/* the receive filter on frames taken from the input */
	(void)vdpa_net_ctrl_rx_accept(&nc, cmd, len);
	(void)vdpa_net_ctrl_rx_accept(&nc, data, size);
	if (len > 2)
		(void)vdpa_net_ctrl_rx_accept(&nc, cmd + 2, len - 2);

	/* RSS steering of the same frames stays within the device */
	{
		struct vdpa_net_ctrl_rx_hash h;

		vdpa_net_ctrl_rx_steer(&nc, data, size, &h);
		CHECK(h.vq_pairs == nc.state.vq_pairs);
		CHECK((h.queue == VDPA_NET_CTRL_RX_QUEUE_ANY) ==
		      !nc.state.rss_enabled);
		CHECK(!nc.state.rss_enabled ||
		      h.queue < nc.limits.max_vq_pairs);
		CHECK(h.report <= VIRTIO_NET_HASH_REPORT_UDPv6);
		CHECK(h.report || !h.value);
		CHECK(nc.state.hash_report || !h.report);
		if (len > 2) {
			vdpa_net_ctrl_rx_steer(&nc, cmd + 2, len - 2, &h);
			CHECK(!nc.state.rss_enabled ||
			      h.queue < nc.limits.max_vq_pairs);
		}
	}

	/* a state the core produced must restore, into a fresh device */
	vdpa_net_ctrl_save(&nc, &saved);
	if (vdpa_net_ctrl_init(&nc2, &fuzz_limits))
		abort();
	vdpa_net_ctrl_set_features(&nc2, features);
	vdpa_net_ctrl_save(&nc2, &before);
	mock_clear_calls(&m);
	err = vdpa_net_ctrl_restore(&nc2, &saved, &mock_ops, &m);
	if (!refuse)
		CHECK(err == 0);
	CHECK(err == 0 || err == -EIO);
	if (err)
		CHECK(mock_state_eq(&before, &nc2.state));
	else
		CHECK(mock_state_eq(&saved, &nc2.state));
	return 0;
}
