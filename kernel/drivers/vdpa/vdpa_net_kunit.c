// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for vdpa_net_device.
 *
 * A fake virtio-net parent, allocated with vdpa_net_alloc_device() and
 * never registered, records every op the frontend forwards to it.  The
 * tests call the device's config ops directly and check what the parent
 * saw: the virtqueue
 * index mapping, the group and address space routing, the mirrors of the
 * parent's maps, the feature filtering, reset and suspend.  End to end, a
 * fake driver posts control commands on a split control virtqueue in
 * kernel memory and the frontend's worker answers them.
 */

#include <kunit/device.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/if_ether.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <linux/vdpa_net.h>
#include <linux/vhost_iotlb.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <uapi/linux/vdpa.h>
#include <uapi/linux/virtio_config.h>

#include "vdpa_net_internal.h"

#define F(x)		BIT_ULL(VIRTIO_NET_F_##x)
#define VF(x)		BIT_ULL(VIRTIO_F_##x)

/*
 * What the fake parent offers: data path features (RSS and HASH_REPORT
 * among them: the frontend offers them only with the parent) and ring
 * features its control virtqueue cannot follow.  A parent that lists
 * control features provisions them: see the features cases.
 */
#define FP_FEATURES	(VF(VERSION_1) | VF(ACCESS_PLATFORM) | F(MAC) | \
			 F(CSUM) | F(GUEST_CSUM) | F(MRG_RXBUF) | F(STATUS) | \
			 F(RSS) | F(HASH_REPORT) | \
			 VF(RING_PACKED) | VF(NOTIFICATION_DATA))
/* The part of FP_FEATURES the frontend offers unchanged. */
#define DATA_FEATURES	(VF(VERSION_1) | VF(ACCESS_PLATFORM) | F(MAC) | \
			 F(CSUM) | F(GUEST_CSUM) | F(MRG_RXBUF) | F(STATUS))
/* Every feature that only means something with a control virtqueue. */
#define CTRL_FEATURES	(F(CTRL_VQ) | F(CTRL_RX) | F(CTRL_VLAN) | \
			 F(GUEST_ANNOUNCE) | F(MQ) | F(CTRL_MAC_ADDR) | \
			 F(CTRL_GUEST_OFFLOADS) | F(CTRL_RX_EXTRA) | F(RSS) | \
			 F(NOTF_COAL) | F(VQ_NOTF_COAL) | F(DEVICE_STATS))

#define FP_NUM_MAX	1024
#define FP_NOTIFY_BASE	0xfe000000UL
#define S_FEATURES_OK	(VIRTIO_CONFIG_S_ACKNOWLEDGE | \
			 VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK)

static const u8 fp_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc };

/* ---- the fake parent ---- */

enum fp_op {
	FP_SET_VQ_ADDRESS,
	FP_SET_VQ_NUM,
	FP_KICK_VQ,
	FP_SET_VQ_CB,
	FP_SET_VQ_READY,
	FP_GET_VQ_READY,
	FP_SET_VQ_STATE,
	FP_GET_VQ_STATE,
	FP_GET_VQ_GROUP,
	FP_GET_VQ_NOTIFICATION,
	FP_GET_VQ_SIZE,
	FP_KICK_VQ_WITH_DATA,
	FP_GET_VQ_DESC_GROUP,
	FP_SET_FEATURES,
	FP_SET_STATUS,
	FP_RESET,
	FP_COMPAT_RESET,
	FP_SUSPEND,
	FP_RESUME,
	FP_DMA_MAP,
	FP_DMA_UNMAP,
	FP_SET_MAP,
	FP_RESET_MAP,
	FP_SET_GROUP_ASID,
	FP_MAC_ADDR_SET,
	FP_VQ_PAIRS_SET,
	FP_RSS_SET,
	FP_NUM
};

/* The vq ops: each of them must only ever see the parent's indexes. */
static const enum fp_op fp_vq_ops[] = {
	FP_SET_VQ_ADDRESS, FP_SET_VQ_NUM, FP_KICK_VQ, FP_SET_VQ_CB,
	FP_SET_VQ_READY, FP_GET_VQ_READY, FP_SET_VQ_STATE, FP_GET_VQ_STATE,
	FP_GET_VQ_GROUP, FP_GET_VQ_NOTIFICATION, FP_GET_VQ_SIZE,
};

struct fake_parent {
	struct vdpa_net_device vnd;	/* first: vdpa_net_alloc_device() */
	unsigned int ngroups;		/* its own, without the CVQ's */
	unsigned int group_bias;	/* added to its get_vq_group answers */
	bool refuse_driver_ok;		/* set_status drops DRIVER_OK */
	unsigned int nas;
	u16 pairs;
	u64 features;
	u64 driver_features;
	u8 status;
	struct virtio_net_config config;
	unsigned int calls[FP_NUM];
	u64 vq_seen;		/* the vq indexes the parent was given */
	unsigned int bad_idx;	/* vq ops with an index it does not have */
	u64 ready;		/* set_vq_ready, by index */
	u16 avail[8];		/* set_vq_state, by index */
	int fail;		/* returned by the ops that may fail */
	/* the last map op */
	unsigned int map_asid;
	u64 map_start;
	u64 map_last;
	u64 map_addr;
	u32 map_perm;
	unsigned int map_entries;
	/* the last set_group_asid and compat_reset */
	unsigned int group;
	unsigned int asid;
	u32 reset_flags;
	/* the control callbacks */
	u8 mac[ETH_ALEN];
	u16 vq_pairs;
	unsigned int config_cbs;	/* set_config_cb */
	bool *released;
	/*
	 * A slow reset: it kicks the frontend's CVQ (as a driver on another
	 * CPU could) and takes its time; control callbacks that run
	 * meanwhile are counted.
	 */
	struct vdpa_device *hook_vdev;
	u16 hook_cvq;
	bool slow_reset;
	bool in_reset;
	unsigned int cbs_in_reset;
	/* vq_pairs_set takes its time */
	bool slow_pairs;
};

static struct fake_parent *to_fp(struct vdpa_device *vdev)
{
	return container_of(vdev, struct fake_parent, vnd.vdpa);
}

static void fp_vq(struct fake_parent *fp, enum fp_op op, u16 idx)
{
	fp->calls[op]++;
	if (idx < 2 * fp->pairs)
		fp->vq_seen |= BIT_ULL(idx);
	else
		fp->bad_idx++;
}

static int fp_set_vq_address(struct vdpa_device *vdev, u16 idx, u64 desc,
			     u64 driver, u64 device)
{
	fp_vq(to_fp(vdev), FP_SET_VQ_ADDRESS, idx);
	return 0;
}

static void fp_set_vq_num(struct vdpa_device *vdev, u16 idx, u32 num)
{
	fp_vq(to_fp(vdev), FP_SET_VQ_NUM, idx);
}

static void fp_kick_vq(struct vdpa_device *vdev, u16 idx)
{
	fp_vq(to_fp(vdev), FP_KICK_VQ, idx);
}

static void fp_set_vq_cb(struct vdpa_device *vdev, u16 idx,
			 struct vdpa_callback *cb)
{
	fp_vq(to_fp(vdev), FP_SET_VQ_CB, idx);
}

static void fp_set_vq_ready(struct vdpa_device *vdev, u16 idx, bool ready)
{
	struct fake_parent *fp = to_fp(vdev);

	fp_vq(fp, FP_SET_VQ_READY, idx);
	if (idx < 64 && ready)
		fp->ready |= BIT_ULL(idx);
	else if (idx < 64)
		fp->ready &= ~BIT_ULL(idx);
}

static bool fp_get_vq_ready(struct vdpa_device *vdev, u16 idx)
{
	struct fake_parent *fp = to_fp(vdev);

	fp_vq(fp, FP_GET_VQ_READY, idx);
	return idx < 64 && (fp->ready & BIT_ULL(idx));
}

static int fp_set_vq_state(struct vdpa_device *vdev, u16 idx,
			   const struct vdpa_vq_state *state)
{
	struct fake_parent *fp = to_fp(vdev);

	fp_vq(fp, FP_SET_VQ_STATE, idx);
	if (idx >= ARRAY_SIZE(fp->avail))
		return -EINVAL;
	fp->avail[idx] = state->split.avail_index;
	return 0;
}

static int fp_get_vq_state(struct vdpa_device *vdev, u16 idx,
			   struct vdpa_vq_state *state)
{
	struct fake_parent *fp = to_fp(vdev);

	fp_vq(fp, FP_GET_VQ_STATE, idx);
	if (idx >= ARRAY_SIZE(fp->avail))
		return -EINVAL;
	state->split.avail_index = fp->avail[idx];
	return 0;
}

static u32 fp_get_vq_group(struct vdpa_device *vdev, u16 idx)
{
	fp_vq(to_fp(vdev), FP_GET_VQ_GROUP, idx);
	return idx % to_fp(vdev)->ngroups + to_fp(vdev)->group_bias;
}

static struct vdpa_notification_area
fp_get_vq_notification(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_notification_area area = {
		.addr = FP_NOTIFY_BASE + idx * PAGE_SIZE,
		.size = PAGE_SIZE,
	};

	fp_vq(to_fp(vdev), FP_GET_VQ_NOTIFICATION, idx);
	return area;
}

/* Half the maximum, to tell a forwarded answer from the frontend's own. */
static u16 fp_get_vq_size(struct vdpa_device *vdev, u16 idx)
{
	fp_vq(to_fp(vdev), FP_GET_VQ_SIZE, idx);
	return FP_NUM_MAX / 2;
}

static u32 fp_get_vq_align(struct vdpa_device *vdev)
{
	return PAGE_SIZE;
}

static u64 fp_get_device_features(struct vdpa_device *vdev)
{
	return to_fp(vdev)->features;
}

static int fp_set_driver_features(struct vdpa_device *vdev, u64 features)
{
	struct fake_parent *fp = to_fp(vdev);

	fp->calls[FP_SET_FEATURES]++;
	if (fp->fail)
		return fp->fail;
	fp->driver_features = features;
	return 0;
}

static u64 fp_get_driver_features(struct vdpa_device *vdev)
{
	return to_fp(vdev)->driver_features;
}

static void fp_set_config_cb(struct vdpa_device *vdev,
			     struct vdpa_callback *cb)
{
	to_fp(vdev)->config_cbs++;
}

static u16 fp_get_vq_num_max(struct vdpa_device *vdev)
{
	return FP_NUM_MAX;
}

static u32 fp_get_device_id(struct vdpa_device *vdev)
{
	return VIRTIO_ID_NET;
}

static u32 fp_get_vendor_id(struct vdpa_device *vdev)
{
	return 0;
}

static u8 fp_get_status(struct vdpa_device *vdev)
{
	return READ_ONCE(to_fp(vdev)->status);
}

static void fp_set_status(struct vdpa_device *vdev, u8 status)
{
	struct fake_parent *fp = to_fp(vdev);

	fp->calls[FP_SET_STATUS]++;
	/* A parent that fails DRIVER_OK (a VDUSE daemon refusing it). */
	if (fp->refuse_driver_ok)
		status &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	WRITE_ONCE(fp->status, status);
}

static void fp_do_reset(struct fake_parent *fp)
{
	if (fp->slow_reset) {
		WRITE_ONCE(fp->in_reset, true);
		fp->hook_vdev->config->kick_vq(fp->hook_vdev, fp->hook_cvq);
		msleep(100);
		WRITE_ONCE(fp->in_reset, false);
	}
	WRITE_ONCE(fp->status, 0);
	fp->driver_features = 0;
	fp->ready = 0;
}

static int fp_reset(struct vdpa_device *vdev)
{
	struct fake_parent *fp = to_fp(vdev);

	fp->calls[FP_RESET]++;
	fp_do_reset(fp);
	return 0;
}

static int fp_compat_reset(struct vdpa_device *vdev, u32 flags)
{
	struct fake_parent *fp = to_fp(vdev);

	fp->calls[FP_COMPAT_RESET]++;
	fp->reset_flags = flags;
	fp_do_reset(fp);
	return 0;
}

static int fp_suspend(struct vdpa_device *vdev)
{
	struct fake_parent *fp = to_fp(vdev);

	fp->calls[FP_SUSPEND]++;
	return fp->fail;
}

static int fp_resume(struct vdpa_device *vdev)
{
	struct fake_parent *fp = to_fp(vdev);

	fp->calls[FP_RESUME]++;
	return fp->fail;
}

static size_t fp_get_config_size(struct vdpa_device *vdev)
{
	return sizeof(struct virtio_net_config);
}

static void fp_get_config(struct vdpa_device *vdev, unsigned int offset,
			  void *buf, unsigned int len)
{
	struct fake_parent *fp = to_fp(vdev);

	if (offset + len <= sizeof(fp->config))
		memcpy(buf, (u8 *)&fp->config + offset, len);
}

static void fp_set_config(struct vdpa_device *vdev, unsigned int offset,
			  const void *buf, unsigned int len)
{
}

static int fp_dma_map(struct vdpa_device *vdev, unsigned int asid, u64 iova,
		      u64 size, u64 pa, u32 perm, void *opaque)
{
	struct fake_parent *fp = to_fp(vdev);

	fp->calls[FP_DMA_MAP]++;
	fp->map_asid = asid;
	fp->map_start = iova;
	fp->map_last = iova + size - 1;
	fp->map_addr = pa;
	fp->map_perm = perm;
	return fp->fail;
}

static int fp_dma_unmap(struct vdpa_device *vdev, unsigned int asid,
			u64 iova, u64 size)
{
	struct fake_parent *fp = to_fp(vdev);

	fp->calls[FP_DMA_UNMAP]++;
	fp->map_asid = asid;
	fp->map_start = iova;
	fp->map_last = iova + size - 1;
	return fp->fail;
}

static int fp_set_map(struct vdpa_device *vdev, unsigned int asid,
		      struct vhost_iotlb *iotlb)
{
	struct fake_parent *fp = to_fp(vdev);
	struct vhost_iotlb_map *map;

	fp->calls[FP_SET_MAP]++;
	fp->map_asid = asid;
	fp->map_entries = 0;
	for (map = vhost_iotlb_itree_first(iotlb, 0, ULLONG_MAX); map;
	     map = vhost_iotlb_itree_next(map, 0, ULLONG_MAX)) {
		if (!fp->map_entries++) {
			fp->map_start = map->start;
			fp->map_last = map->last;
			fp->map_addr = map->addr;
			fp->map_perm = map->perm;
		}
	}
	return fp->fail;
}

static int fp_reset_map(struct vdpa_device *vdev, unsigned int asid)
{
	struct fake_parent *fp = to_fp(vdev);

	fp->calls[FP_RESET_MAP]++;
	fp->map_asid = asid;
	return fp->fail;
}

static int fp_set_group_asid(struct vdpa_device *vdev, unsigned int group,
			     unsigned int asid)
{
	struct fake_parent *fp = to_fp(vdev);

	fp->calls[FP_SET_GROUP_ASID]++;
	if (group >= fp->ngroups || asid >= fp->nas)
		return -EINVAL;
	fp->group = group;
	fp->asid = asid;
	return 0;
}

static void fp_free(struct vdpa_device *vdev)
{
	struct fake_parent *fp = to_fp(vdev);

	if (fp->released)
		*fp->released = true;
}

#define FP_COMMON_OPS							\
	.set_vq_address		= fp_set_vq_address,			\
	.set_vq_num		= fp_set_vq_num,			\
	.kick_vq		= fp_kick_vq,				\
	.set_vq_cb		= fp_set_vq_cb,				\
	.set_vq_ready		= fp_set_vq_ready,			\
	.get_vq_ready		= fp_get_vq_ready,			\
	.set_vq_state		= fp_set_vq_state,			\
	.get_vq_state		= fp_get_vq_state,			\
	.get_vq_group		= fp_get_vq_group,			\
	.get_vq_notification	= fp_get_vq_notification,		\
	.get_vq_size		= fp_get_vq_size,			\
	.get_vq_align		= fp_get_vq_align,			\
	.get_device_features	= fp_get_device_features,		\
	.set_driver_features	= fp_set_driver_features,		\
	.get_driver_features	= fp_get_driver_features,		\
	.set_config_cb		= fp_set_config_cb,			\
	.get_vq_num_max		= fp_get_vq_num_max,			\
	.get_device_id		= fp_get_device_id,			\
	.get_vendor_id		= fp_get_vendor_id,			\
	.get_status		= fp_get_status,			\
	.set_status		= fp_set_status,			\
	.reset			= fp_reset,				\
	.compat_reset		= fp_compat_reset,			\
	.suspend		= fp_suspend,				\
	.resume			= fp_resume,				\
	.get_config_size	= fp_get_config_size,			\
	.get_config		= fp_get_config,			\
	.set_config		= fp_set_config,			\
	.reset_map		= fp_reset_map,				\
	.set_group_asid		= fp_set_group_asid,			\
	.free			= fp_free

/* A parent that takes maps one range at a time... */
static const struct vdpa_config_ops fp_dma_ops = {
	FP_COMMON_OPS,
	.dma_map		= fp_dma_map,
	.dma_unmap		= fp_dma_unmap,
};

/* ... and one that takes a whole IOTLB at once. */
static const struct vdpa_config_ops fp_batch_ops = {
	FP_COMMON_OPS,
	.set_map		= fp_set_map,
};

/* The control callbacks, called from the frontend's worker. */
static int fp_mac_addr_set(void *priv, const u8 *mac)
{
	struct fake_parent *fp = to_fp(priv);

	if (READ_ONCE(fp->in_reset))
		fp->cbs_in_reset++;
	memcpy(fp->mac, mac, ETH_ALEN);
	memcpy(fp->config.mac, mac, ETH_ALEN);
	fp->calls[FP_MAC_ADDR_SET]++;
	return 0;
}

static int fp_vq_pairs_set(void *priv, u16 pairs)
{
	struct fake_parent *fp = to_fp(priv);

	if (fp->slow_pairs)
		msleep(300);
	fp->vq_pairs = pairs;
	fp->calls[FP_VQ_PAIRS_SET]++;
	return 0;
}

static int fp_rss_set(void *priv, const struct vdpa_net_ctrl_rss *rss)
{
	to_fp(priv)->calls[FP_RSS_SET]++;
	return 0;
}

static const struct vdpa_net_ctrl_ops fp_ctrl_ops = {
	.mac_addr_set = fp_mac_addr_set,
	.vq_pairs_set = fp_vq_pairs_set,
	.rss_set = fp_rss_set,
};

/* ---- setting up a frontend ---- */

/* Where the end to end tests put the control virtqueue. */
enum vnd_as {
	AS_PT,		/* a kernel driver's: physical addresses (get_vq_map) */
	AS_NONE,	/* a vhost-vdpa user that maps nothing */
	AS_PARENT,	/* the parent's last address space, mapped */
	AS_OWN,		/* the frontend's own address space, mapped */
};

struct vnd_cfg {
	const char *name;
	u16 pairs;
	u8 ngroups;
	u8 nas;
	bool batch;		/* set_map parent, else dma_map */
	u64 features;		/* driver features the test negotiates */
	u16 cvq;		/* the control virtqueue index they give */
	enum vnd_as as;
};

#define Q_NO_GROUP_ASID		BIT(0)
#define Q_NO_COMPAT_RESET	BIT(1)
#define Q_NO_MAPS		BIT(2)
#define Q_ALL_OPS		BIT(3)	/* every optional op too */
#define Q_FEWEST_OPS		BIT(4)	/* no optional op but a map op */
#define Q_MAP_OPS		BIT(5)	/* map ops of its own (VDUSE) */

/* The optional ops the common ones lack, for Q_ALL_OPS. */
static void fp_kick_vq_with_data(struct vdpa_device *vdev, u32 data)
{
	fp_vq(to_fp(vdev), FP_KICK_VQ_WITH_DATA, data & 0xffff);
}

static int fp_get_vendor_vq_stats(struct vdpa_device *vdev, u16 idx,
				  struct sk_buff *msg,
				  struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

static int fp_get_vq_irq(struct vdpa_device *vdev, u16 idx)
{
	return -EINVAL;
}

static u32 fp_get_vq_desc_group(struct vdpa_device *vdev, u16 idx)
{
	fp_vq(to_fp(vdev), FP_GET_VQ_DESC_GROUP, idx);
	return 0;
}

static u64 fp_get_backend_features(const struct vdpa_device *vdev)
{
	return 0;
}

static u16 fp_get_vq_num_min(struct vdpa_device *vdev)
{
	return 1;
}

static u32 fp_get_generation(struct vdpa_device *vdev)
{
	return 0;
}

static struct vdpa_iova_range fp_get_iova_range(struct vdpa_device *vdev)
{
	struct vdpa_iova_range r = { 0, ULLONG_MAX };

	return r;
}

static int fp_set_vq_affinity(struct vdpa_device *vdev, u16 idx,
			      const struct cpumask *cpu_mask)
{
	return 0;
}

static const struct cpumask *fp_get_vq_affinity(struct vdpa_device *vdev,
						u16 idx)
{
	return cpu_possible_mask;
}

static union virtio_map fp_get_vq_map(struct vdpa_device *vdev, u16 idx)
{
	return vdev->vmap;
}

static int fp_bind_mm(struct vdpa_device *vdev, struct mm_struct *mm)
{
	return 0;
}

static void fp_unbind_mm(struct vdpa_device *vdev)
{
}

KUNIT_DEFINE_ACTION_WRAPPER(put_device_action, put_device, struct device *);

/*
 * Map ops of a parent of its own (Q_MAP_OPS), as VDUSE has: they count
 * their calls and keep the token they were given.  Suites run one test
 * at a time, so one record does.
 */
#define FP_MAP_ADDR	0xfeed0000ULL
static struct {
	unsigned int calls;
	union virtio_map token;
} fp_map_seen;

static void fp_map_saw(union virtio_map m)
{
	fp_map_seen.calls++;
	fp_map_seen.token = m;
}

static dma_addr_t fp_map_page(union virtio_map m, struct page *page,
			      unsigned long offset, size_t size,
			      enum dma_data_direction dir, unsigned long attrs)
{
	fp_map_saw(m);
	return FP_MAP_ADDR;
}

static void fp_unmap_page(union virtio_map m, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir, unsigned long attrs)
{
	fp_map_saw(m);
}

static void fp_map_sync(union virtio_map m, dma_addr_t addr, size_t size,
			enum dma_data_direction dir)
{
	fp_map_saw(m);
}

static void *fp_map_alloc(union virtio_map m, size_t size, dma_addr_t *addr,
			  gfp_t gfp)
{
	fp_map_saw(m);
	*addr = FP_MAP_ADDR;
	return NULL;
}

static void fp_map_free(union virtio_map m, size_t size, void *vaddr,
			dma_addr_t addr, unsigned long attrs)
{
	fp_map_saw(m);
}

static bool fp_map_need_sync(union virtio_map m, dma_addr_t addr)
{
	fp_map_saw(m);
	return true;
}

static int fp_map_error(union virtio_map m, dma_addr_t addr)
{
	fp_map_saw(m);
	return 0;
}

static size_t fp_max_mapping_size(union virtio_map m)
{
	fp_map_saw(m);
	return 4096;
}

static const struct virtio_map_ops fp_map_ops = {
	.map_page		= fp_map_page,
	.unmap_page		= fp_unmap_page,
	.sync_single_for_cpu	= fp_map_sync,
	.sync_single_for_device	= fp_map_sync,
	.alloc			= fp_map_alloc,
	.free			= fp_map_free,
	.need_sync		= fp_map_need_sync,
	.mapping_error		= fp_map_error,
	.max_mapping_size	= fp_max_mapping_size,
};

static void fp_limits(struct vdpa_net_ctrl_limits *limits, u16 pairs)
{
	memset(limits, 0, sizeof(*limits));
	limits->max_vq_pairs = pairs;
	limits->rss_max_key_size = 40;
	limits->rss_max_indirection_table_length = 128;
	limits->supported_hash_types = VIRTIO_NET_RSS_HASH_TYPE_IPv4 |
				       VIRTIO_NET_RSS_HASH_TYPE_TCPv4;
}

/* A parent of shape @c, or an ERR_PTR() from vdpa_net_alloc_device(). */
static struct fake_parent *fp_alloc(struct kunit *test, const struct vnd_cfg *c,
				    unsigned int quirks,
				    const struct vdpa_net_ctrl_limits *limits,
				    const struct vdpa_dev_set_config *dev_config)
{
	struct vdpa_config_ops *ops;
	struct fake_parent *fp;

	/* Freed after the device: kunit resources go in reverse order. */
	ops = kunit_kzalloc(test, sizeof(*ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	*ops = c->batch ? fp_batch_ops : fp_dma_ops;
	if (quirks & Q_NO_GROUP_ASID)
		ops->set_group_asid = NULL;
	if (quirks & Q_NO_COMPAT_RESET)
		ops->compat_reset = NULL;
	if (quirks & Q_NO_MAPS) {
		ops->dma_map = NULL;
		ops->dma_unmap = NULL;
		ops->set_map = NULL;
	}
	if (quirks & Q_ALL_OPS) {
		ops->kick_vq_with_data = fp_kick_vq_with_data;
		ops->get_vendor_vq_stats = fp_get_vendor_vq_stats;
		ops->get_vq_irq = fp_get_vq_irq;
		ops->get_vq_desc_group = fp_get_vq_desc_group;
		ops->get_backend_features = fp_get_backend_features;
		ops->get_vq_num_min = fp_get_vq_num_min;
		ops->get_generation = fp_get_generation;
		ops->get_iova_range = fp_get_iova_range;
		ops->set_vq_affinity = fp_set_vq_affinity;
		ops->get_vq_affinity = fp_get_vq_affinity;
		ops->get_vq_map = fp_get_vq_map;
		ops->bind_mm = fp_bind_mm;
		ops->unbind_mm = fp_unbind_mm;
	}
	if (quirks & Q_FEWEST_OPS) {
		ops->get_vq_notification = NULL;
		ops->get_vq_size = NULL;
		ops->get_vq_group = NULL;
		ops->compat_reset = NULL;
		ops->suspend = NULL;
		ops->resume = NULL;
		ops->reset_map = NULL;
		ops->set_group_asid = NULL;
	}

	fp = vdpa_net_alloc_device(struct fake_parent, vnd, NULL, ops,
				   quirks & Q_MAP_OPS ? &fp_map_ops : NULL,
				   c->ngroups, c->nas, NULL, false,
				   &fp_ctrl_ops, limits, dev_config);
	if (IS_ERR(fp))
		return fp;
	fp->ngroups = c->ngroups;
	fp->nas = c->nas;
	fp->pairs = c->pairs;
	fp->features = FP_FEATURES;
	fp->vnd.vdpa.vmap.dma_dev = &fp->vnd.vdpa.dev;
	memcpy(fp->config.mac, fp_mac, ETH_ALEN);
	fp->config.max_virtqueue_pairs = (__force __virtio16)cpu_to_le16(c->pairs);
	return fp;
}

/* A device of shape @c, set up as a registration would, put at the end. */
static struct vdpa_net_device *vnd_new(struct kunit *test,
				       const struct vnd_cfg *c,
				       unsigned int quirks)
{
	struct vdpa_net_ctrl_limits limits;
	struct fake_parent *fp;

	fp_limits(&limits, c->pairs);
	fp = fp_alloc(test, c, quirks, &limits, NULL);
	if (IS_ERR(fp))
		KUNIT_FAIL_AND_ABORT(test, "vdpa_net_alloc_device: %ld",
				     PTR_ERR(fp));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, put_device_action,
							&fp->vnd.vdpa.dev), 0);
	KUNIT_ASSERT_EQ(test, vdpa_net_device_ready(&fp->vnd), 0);
	return &fp->vnd;
}

static struct fake_parent *vnd_fp(struct vdpa_net_device *vnd)
{
	return container_of(vnd, struct fake_parent, vnd);
}

static const struct vdpa_config_ops *vnd_ops(struct vdpa_net_device *vnd)
{
	return vnd->vdpa.config;
}

/* The IOTLB holds nothing: no address reaches memory through it. */
static bool iotlb_is_empty(struct vdpa_net_device *vnd, unsigned int asid)
{
	return !vhost_iotlb_itree_first(&vnd->net->iotlb[asid], 0, ULLONG_MAX) &&
	       !vnd->net->iotlb[asid].nmaps;
}

struct map_range {
	u64 start;
	u64 last;
	u64 addr;
	u32 perm;
};

/* The IOTLB holds exactly @n ranges, @want in order. */
static void expect_iotlb(struct kunit *test, struct vhost_iotlb *iotlb,
			 const struct map_range *want, unsigned int n)
{
	struct vhost_iotlb_map *map;
	unsigned int i = 0;

	for (map = vhost_iotlb_itree_first(iotlb, 0, ULLONG_MAX); map;
	     map = vhost_iotlb_itree_next(map, 0, ULLONG_MAX), i++) {
		if (i >= n) {
			KUNIT_FAIL(test, "extra range %llx-%llx", map->start,
				   map->last);
			return;
		}
		KUNIT_EXPECT_EQ(test, map->start, want[i].start);
		KUNIT_EXPECT_EQ(test, map->last, want[i].last);
		KUNIT_EXPECT_EQ(test, map->addr, want[i].addr);
		KUNIT_EXPECT_EQ(test, map->perm, want[i].perm);
	}
	KUNIT_EXPECT_EQ(test, i, n);
}

/* Map @n ranges in @asid, through dma_map or one set_map. */
static int vnd_map(struct kunit *test, struct vdpa_net_device *vnd,
		   unsigned int asid, const struct map_range *r, unsigned int n)
{
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct vhost_iotlb *iotlb;
	unsigned int i;
	int err = 0;

	if (ops->dma_map) {
		for (i = 0; i < n && !err; i++)
			err = ops->dma_map(&vnd->vdpa, asid, r[i].start,
					   r[i].last - r[i].start + 1,
					   r[i].addr, r[i].perm, NULL);
		return err;
	}
	iotlb = vhost_iotlb_alloc(16, 0);
	KUNIT_ASSERT_NOT_NULL(test, iotlb);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, vhost_iotlb_add_range(iotlb, r[i].start,
							    r[i].last,
							    r[i].addr,
							    r[i].perm), 0);
	err = ops->set_map(&vnd->vdpa, asid, iotlb);
	vhost_iotlb_free(iotlb);
	return err;
}

static void vnd_cfg_desc(const struct vnd_cfg *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

/* Every parent shape: 1 or 4 queue pairs, 1 or 2 groups and ASes, ops. */
static const struct vnd_cfg parent_cfgs[] = {
	{ "1 pair, 1 group, 1 AS, dma_map", 1, 1, 1, false },
	{ "1 pair, 1 group, 1 AS, set_map", 1, 1, 1, true },
	{ "1 pair, 2 groups, 2 ASes, dma_map", 1, 2, 2, false },
	{ "1 pair, 2 groups, 2 ASes, set_map", 1, 2, 2, true },
	{ "4 pairs, 1 group, 1 AS, dma_map", 4, 1, 1, false },
	{ "4 pairs, 1 group, 1 AS, set_map", 4, 1, 1, true },
	{ "4 pairs, 2 groups, 2 ASes, dma_map", 4, 2, 2, false },
	{ "4 pairs, 2 groups, 2 ASes, set_map", 4, 2, 2, true },
};

KUNIT_ARRAY_PARAM(parent_cfg, parent_cfgs, vnd_cfg_desc);

/* ---- allocation and layout ---- */

static void vnd_test_alloc(struct kunit *test)
{
	static const struct vnd_cfg c = { .pairs = 1, .ngroups = 1, .nas = 1 };
	struct vdpa_net_ctrl_limits limits;
	struct fake_parent *fp;
	bool *released;

	released = kunit_kzalloc(test, sizeof(*released), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, released);
	fp_limits(&limits, 1);

	/* A parent behind the platform IOMMU is refused. */
	fp = fp_alloc(test, &c, Q_NO_MAPS, &limits, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(fp), -EOPNOTSUPP);

	/* No queue pair. */
	limits.max_vq_pairs = 0;
	fp = fp_alloc(test, &c, 0, &limits, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(fp), -EINVAL);

	/*
	 * One device: the parent's struct, with the frontend's ops over the
	 * parent's, one more group and address space, and no driver data
	 * taken.  Its release is the parent's release too.
	 */
	limits.max_vq_pairs = 1;
	fp = fp_alloc(test, &c, 0, &limits, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fp);
	fp->released = released;
	KUNIT_EXPECT_NOT_NULL(test, fp->vnd.net);
	KUNIT_EXPECT_PTR_EQ(test, fp->vnd.net->vdev, &fp->vnd.vdpa);
	KUNIT_EXPECT_PTR_NE(test, fp->vnd.vdpa.config, &fp_dma_ops);
	KUNIT_EXPECT_EQ(test, fp->vnd.vdpa.ngroups, 2);
	KUNIT_EXPECT_EQ(test, fp->vnd.vdpa.nas, 2);
	KUNIT_EXPECT_NULL(test, dev_get_drvdata(&fp->vnd.vdpa.dev));
	KUNIT_EXPECT_EQ(test, vdpa_net_device_ready(&fp->vnd), 0);
	KUNIT_EXPECT_FALSE(test, *released);
	put_device(&fp->vnd.vdpa.dev);
	KUNIT_EXPECT_TRUE(test, *released);
}

/*
 * Every allocation __vdpa_net_alloc_device() makes may fail: each failure
 * gives an error, frees what was allocated and never calls the parent's
 * free (its struct was never set up).  With fail-nth, the n-th slab
 * allocation of this task fails, for n = 1, 2, ... until none does.
 */
static void vnd_test_alloc_nomem(struct kunit *test)
{
#ifdef CONFIG_FAILSLAB
	struct vdpa_net_ctrl_limits limits;
	struct vdpa_config_ops *ops;
	struct fake_parent *fp;
	unsigned int n, map, failed = 0;

	fp_limits(&limits, 2);
	ops = kunit_kzalloc(test, sizeof(*ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	*ops = fp_dma_ops;
	/* Without map ops, then with them: they allocate their tokens. */
	for (map = 0; map < 2; map++) {
		for (n = 1; n < 64; n++) {
			current->fail_nth = n;
			fp = vdpa_net_alloc_device(struct fake_parent, vnd,
						   NULL, ops,
						   map ? &fp_map_ops : NULL,
						   1, 1, NULL, false,
						   &fp_ctrl_ops, &limits, NULL);
			current->fail_nth = 0;
			if (!IS_ERR(fp))
				break;
			KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(fp), -ENOMEM,
					    "allocation %u, map ops %u", n, map);
			failed++;
		}
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(fp),
				       "fails with no injection (map ops %u)",
				       map);
		put_device(&fp->vnd.vdpa.dev);
	}
	if (!failed)
		kunit_skip(test, "no allocation failed (failslab/ignore-gfp-wait)");
	kunit_info(test, "%u allocation failures handled", failed);
#else
	kunit_skip(test, "needs CONFIG_FAILSLAB");
#endif
}

/*
 * "vdpa dev set ... mac": the parent's config space (through its
 * mac_addr_set callback) and the receive filter follow at once.
 */
static void vnd_test_set_mac(struct kunit *test)
{
	static const struct vnd_cfg c = { .pairs = 1, .ngroups = 1, .nas = 1 };
	struct vdpa_net_device *vnd = vnd_new(test, &c, 0);
	struct fake_parent *fp = vnd_fp(vnd);
	static const u8 mac[ETH_ALEN] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

	KUNIT_EXPECT_EQ(test, vdpa_net_set_mac(vnd, mac), 0);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_MAC_ADDR_SET], 1);
	KUNIT_EXPECT_MEMEQ(test, fp->config.mac, mac, ETH_ALEN);
	KUNIT_EXPECT_MEMEQ(test, vnd->net->filter.state.mac, mac, ETH_ALEN);
	KUNIT_EXPECT_MEMEQ(test, vnd->net->ctrl.nc.state.mac, mac, ETH_ALEN);
}

static void vnd_test_layout(struct kunit *test)
{
	const struct vnd_cfg *c = test->param_value;
	struct vdpa_net_device *vnd = vnd_new(test, c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	struct virtio_net_config cfg;
	u8 hi;
	unsigned int asid;

	/* One more group and address space; the parent's stay as they are. */
	KUNIT_EXPECT_EQ(test, vdev->ngroups, c->ngroups + 1);
	KUNIT_EXPECT_EQ(test, vdev->nas, c->nas + 1);
	KUNIT_EXPECT_EQ(test, vnd->net->ngroups, c->ngroups);
	KUNIT_EXPECT_EQ(test, vnd->net->nas, c->nas);

	/* The config fields the CVQ depends on come from the limits. */
	vnd_fp(vnd)->config.max_virtqueue_pairs =
		(__force __virtio16)cpu_to_le16(99);
	ops->get_config(vdev, 0, &cfg, sizeof(cfg));
	KUNIT_EXPECT_EQ(test, le16_to_cpu((__force __le16)cfg.max_virtqueue_pairs),
			c->pairs);
	KUNIT_EXPECT_EQ(test, cfg.rss_max_key_size, 40);
	KUNIT_EXPECT_EQ(test,
			le16_to_cpu((__force __le16)cfg.rss_max_indirection_table_length),
			128);
	KUNIT_EXPECT_MEMEQ(test, cfg.mac, fp_mac, ETH_ALEN);
	ops->get_config(vdev, offsetof(struct virtio_net_config,
				       max_virtqueue_pairs) + 1, &hi, 1);
	KUNIT_EXPECT_EQ(test, hi, c->pairs >> 8);
	KUNIT_EXPECT_FALSE(test, vdev->use_va);

	/* The ops follow the parent's way of taking maps. */
	KUNIT_EXPECT_EQ(test, !!ops->set_map, c->batch);
	KUNIT_EXPECT_EQ(test, !!ops->dma_map, !c->batch);
	KUNIT_EXPECT_EQ(test, !!ops->dma_unmap, !c->batch);
	KUNIT_EXPECT_NOT_NULL(test, ops->reset_map);
	KUNIT_EXPECT_NOT_NULL(test, ops->set_group_asid);

	/* The CVQ is mapped through the frontend's device, 64-bit, direct. */
	KUNIT_EXPECT_PTR_EQ(test, ops->get_vq_map(vdev, 2).dma_dev, &vdev->dev);
	KUNIT_ASSERT_NOT_NULL(test, vdev->dev.dma_mask);
	KUNIT_EXPECT_EQ(test, *vdev->dev.dma_mask, DMA_BIT_MASK(64));
	KUNIT_EXPECT_EQ(test, vdev->dev.coherent_dma_mask, DMA_BIT_MASK(64));
	/* A software parent's data queues too: its device is unregistered. */
	KUNIT_EXPECT_PTR_EQ(test, vdev->vmap.dma_dev, &vdev->dev);
	KUNIT_EXPECT_PTR_EQ(test, ops->get_vq_map(vdev, 0).dma_dev, &vdev->dev);

	/* Every address space starts empty. */
	for (asid = 0; asid <= c->nas; asid++)
		KUNIT_EXPECT_TRUE_MSG(test, iotlb_is_empty(vnd, asid), "AS %u",
				      asid);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.asid, 0);

	/* The state holds the MAC of the config space; nothing negotiated. */
	KUNIT_EXPECT_MEMEQ(test, vnd->net->ctrl.nc.state.mac, fp_mac, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, ops->get_driver_features(vdev), 0);
	KUNIT_EXPECT_EQ(test, ops->get_status(vdev), 0);
	KUNIT_EXPECT_EQ(test, ops->get_device_id(vdev), VIRTIO_ID_NET);
	KUNIT_EXPECT_EQ(test, ops->get_config_size(vdev),
			sizeof(struct virtio_net_config));
}

/* A hardware parent: its DMA device for the data queues, ours for the CVQ. */
static void vnd_test_dma_dev(struct kunit *test)
{
	static const struct vnd_cfg c = { .pairs = 4, .ngroups = 2, .nas = 2 };
	struct vdpa_net_device *vnd;
	struct device *hw;
	u64 features;

	hw = kunit_device_register(test, "vdpa-net-kunit-hw");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hw);
	vnd = vnd_new(test, &c, 0);
	vnd->vdpa.vmap.dma_dev = hw;

	KUNIT_EXPECT_PTR_EQ(test, vnd->vdpa.vmap.dma_dev, hw);
	KUNIT_EXPECT_PTR_EQ(test, vnd_ops(vnd)->get_vq_map(&vnd->vdpa, 0).dma_dev,
			    hw);
	/* Before FEATURES_OK, 2 is a data queue and 2N the CVQ. */
	KUNIT_EXPECT_PTR_EQ(test, vnd_ops(vnd)->get_vq_map(&vnd->vdpa, 2).dma_dev,
			    hw);
	KUNIT_EXPECT_PTR_EQ(test, vnd_ops(vnd)->get_vq_map(&vnd->vdpa, 8).dma_dev,
			    &vnd->vdpa.dev);
	/* Without MQ the CVQ is at 2, and mapped through our device. */
	features = VF(VERSION_1) | F(CTRL_VQ);
	KUNIT_ASSERT_EQ(test, vnd_ops(vnd)->set_driver_features(&vnd->vdpa,
								features), 0);
	vnd_ops(vnd)->set_status(&vnd->vdpa, S_FEATURES_OK);
	KUNIT_EXPECT_PTR_EQ(test, vnd_ops(vnd)->get_vq_map(&vnd->vdpa, 2).dma_dev,
			    &vnd->vdpa.dev);
	/* With MQ it moves to 2N, and so does the device it is mapped with. */
	KUNIT_ASSERT_EQ(test, vnd_ops(vnd)->reset(&vnd->vdpa), 0);
	features = VF(VERSION_1) | F(CTRL_VQ) | F(MQ);
	KUNIT_ASSERT_EQ(test, vnd_ops(vnd)->set_driver_features(&vnd->vdpa,
								features), 0);
	vnd_ops(vnd)->set_status(&vnd->vdpa, S_FEATURES_OK);
	KUNIT_EXPECT_PTR_EQ(test, vnd_ops(vnd)->get_vq_map(&vnd->vdpa, 2).dma_dev,
			    hw);
	KUNIT_EXPECT_PTR_EQ(test, vnd_ops(vnd)->get_vq_map(&vnd->vdpa, 8).dma_dev,
			    &vnd->vdpa.dev);
}

/*
 * A parent with map ops (VDUSE): the device's map ops are the frontend's.
 * A data queue's token goes to the parent's map ops, with the parent's
 * token; the CVQ's never does: it is mapped with the DMA API on our
 * device, at physical addresses, which is what the CVQ is read through.
 */
static void vnd_test_map_ops(struct kunit *test)
{
	static const struct vnd_cfg c = { .pairs = 4, .ngroups = 2, .nas = 2 };
	struct vdpa_net_ctrl_limits limits;
	struct virtio_map_ops bad_map;
	struct vdpa_net_device *vnd;
	struct vdpa_device *vdev;
	const struct virtio_map_ops *m;
	union virtio_map t;
	struct fake_parent *fp;
	struct page *page;
	struct device *hw;
	dma_addr_t addr;
	unsigned int calls;
	void *va;

	/* Every member of the parent's map ops is called: all are needed. */
	fp_limits(&limits, c.pairs);
	bad_map = fp_map_ops;
	bad_map.need_sync = NULL;
	fp = vdpa_net_alloc_device(struct fake_parent, vnd, NULL, &fp_dma_ops,
				   &bad_map, 1, 1, NULL, false, &fp_ctrl_ops,
				   &limits, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(fp), -EINVAL);

	hw = kunit_device_register(test, "vdpa-net-kunit-map");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hw);
	vnd = vnd_new(test, &c, Q_MAP_OPS);
	vdev = &vnd->vdpa;
	m = vdev->map;
	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_EXPECT_PTR_NE(test, m, &fp_map_ops);
	/* The parent's token: what its get_vq_map would say (fp: vmap). */
	vdev->vmap.dma_dev = hw;
	memset(&fp_map_seen, 0, sizeof(fp_map_seen));

	/* A data queue: each op reaches the parent with its token. */
	t = vnd_ops(vnd)->get_vq_map(vdev, 1);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, m->map_page(t, page, 0, 64, DMA_TO_DEVICE, 0),
			FP_MAP_ADDR);
	m->unmap_page(t, FP_MAP_ADDR, 64, DMA_TO_DEVICE, 0);
	m->sync_single_for_cpu(t, FP_MAP_ADDR, 64, DMA_FROM_DEVICE);
	m->sync_single_for_device(t, FP_MAP_ADDR, 64, DMA_TO_DEVICE);
	KUNIT_EXPECT_NULL(test, m->alloc(t, 4096, &addr, GFP_KERNEL));
	m->free(t, 4096, NULL, FP_MAP_ADDR, 0);
	KUNIT_EXPECT_TRUE(test, m->need_sync(t, FP_MAP_ADDR));
	KUNIT_EXPECT_EQ(test, m->mapping_error(t, FP_MAP_ADDR), 0);
	KUNIT_EXPECT_EQ(test, m->max_mapping_size(t), 4096);
	KUNIT_EXPECT_EQ(test, fp_map_seen.calls, 9);
	KUNIT_EXPECT_PTR_EQ(test, fp_map_seen.token.dma_dev, hw);

	/* The CVQ (2N before FEATURES_OK): the parent's ops are not called. */
	calls = fp_map_seen.calls;
	t = vnd_ops(vnd)->get_vq_map(vdev, 2 * c.pairs);
	addr = m->map_page(t, page, 0, 64, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, m->mapping_error(t, addr), 0);
	KUNIT_EXPECT_EQ(test, addr, page_to_phys(page));
	m->unmap_page(t, addr, 64, DMA_TO_DEVICE, 0);
	va = m->alloc(t, 4096, &addr, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_EQ(test, addr, virt_to_phys(va));
	m->free(t, 4096, va, addr, 0);
	KUNIT_EXPECT_GE(test, m->max_mapping_size(t), 4096);
	/* The worker is the CPU: nothing to sync. */
	KUNIT_EXPECT_FALSE(test, m->need_sync(t, addr));
	KUNIT_EXPECT_EQ(test, fp_map_seen.calls, calls);
	/* An index of no queue gets a token that maps nothing. */
	t = vnd_ops(vnd)->get_vq_map(vdev, 2 * c.pairs + 1);
	KUNIT_EXPECT_EQ(test, m->map_page(t, page, 0, 64, DMA_TO_DEVICE, 0),
			DMA_MAPPING_ERROR);
	KUNIT_EXPECT_NE(test, m->mapping_error(t, DMA_MAPPING_ERROR), 0);
	KUNIT_EXPECT_EQ(test, fp_map_seen.calls, calls);
	/* So the CVQ is read through the identity map, as without map ops. */
	KUNIT_EXPECT_TRUE(test, vnd->net->kernel_map);
	__free_page(page);
}

/* ---- the ops a device has ---- */

enum op_rule {
	OP_OWN,		/* always: the frontend's own, or needed for the CVQ */
	OP_PARENTS,	/* exactly when the parent has it */
	OP_MAP,		/* the parent's way of taking maps */
	OP_MM,		/* the parent's, or needed by a use_va CVQ */
};

struct op_rule_entry {
	const char *name;
	size_t off;
	enum op_rule rule;
};

#define OPR(m, r)	{ #m, offsetof(struct vdpa_config_ops, m), r }

/*
 * Every member of struct vdpa_config_ops, with what the frontend does
 * with it.  A member added to the struct and not here fails the test:
 * decide whether the frontend forwards it or handles it.
 */
static const struct op_rule_entry op_rules[] = {
	OPR(set_vq_address, OP_OWN),
	OPR(set_vq_num, OP_OWN),
	OPR(kick_vq, OP_OWN),
	OPR(kick_vq_with_data, OP_PARENTS),
	OPR(set_vq_cb, OP_OWN),
	OPR(set_vq_ready, OP_OWN),
	OPR(get_vq_ready, OP_OWN),
	OPR(set_vq_state, OP_OWN),
	OPR(get_vq_state, OP_OWN),
	OPR(get_vendor_vq_stats, OP_OWN),	/* the CVQ's counters */
	OPR(get_vq_notification, OP_PARENTS),
	OPR(get_vq_irq, OP_PARENTS),
	OPR(get_vq_size, OP_OWN),
	OPR(get_vq_align, OP_OWN),
	OPR(get_vq_group, OP_OWN),		/* the CVQ's group */
	OPR(get_vq_desc_group, OP_PARENTS),
	OPR(get_device_features, OP_OWN),
	OPR(get_backend_features, OP_PARENTS),
	OPR(set_driver_features, OP_OWN),
	OPR(get_driver_features, OP_OWN),
	OPR(set_config_cb, OP_OWN),
	OPR(get_vq_num_max, OP_OWN),
	OPR(get_vq_num_min, OP_PARENTS),
	OPR(get_device_id, OP_OWN),
	OPR(get_vendor_id, OP_OWN),
	OPR(get_status, OP_OWN),
	OPR(set_status, OP_OWN),
	OPR(reset, OP_OWN),
	OPR(compat_reset, OP_OWN),		/* the CVQ's maps */
	OPR(suspend, OP_PARENTS),
	OPR(resume, OP_PARENTS),
	OPR(get_config_size, OP_OWN),
	OPR(get_config, OP_OWN),
	OPR(set_config, OP_OWN),
	OPR(get_generation, OP_PARENTS),
	OPR(get_iova_range, OP_PARENTS),
	OPR(set_vq_affinity, OP_PARENTS),
	OPR(get_vq_affinity, OP_PARENTS),
	OPR(set_map, OP_MAP),
	OPR(dma_map, OP_MAP),
	OPR(dma_unmap, OP_MAP),
	OPR(reset_map, OP_PARENTS),
	OPR(set_group_asid, OP_OWN),		/* the CVQ's group */
	OPR(get_vq_map, OP_OWN),		/* the CVQ's mapping */
	OPR(bind_mm, OP_MM),
	OPR(unbind_mm, OP_MM),
	OPR(free, OP_OWN),
};

static bool op_present(const struct vdpa_config_ops *ops, size_t off)
{
	const void * const *slot = (const void *)((const u8 *)ops + off);

	return *slot;
}

struct ops_case {
	const char *name;
	unsigned int quirks;
	bool batch;
};

static const struct ops_case ops_cases[] = {
	{ "every op, dma_map", Q_ALL_OPS, false },
	{ "every op, set_map", Q_ALL_OPS, true },
	{ "mandatory ops, dma_map", Q_FEWEST_OPS, false },
	{ "mandatory ops, set_map", Q_FEWEST_OPS, true },
};

static void ops_case_desc(const struct ops_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ops_case, ops_cases, ops_case_desc);

static void vnd_test_ops(struct kunit *test)
{
	const struct ops_case *oc = test->param_value;
	struct vnd_cfg c = { .pairs = 2, .ngroups = 1, .nas = 1,
			     .batch = oc->batch };
	const struct vdpa_config_ops *ops, *pops;
	struct vdpa_net_device *vnd;
	struct fake_parent *fp;
	unsigned int i, j;
	bool want;

	/* The table names every member, once. */
	KUNIT_ASSERT_EQ_MSG(test, ARRAY_SIZE(op_rules),
			    sizeof(struct vdpa_config_ops) / sizeof(void *),
			    "struct vdpa_config_ops changed: update op_rules and the frontend");
	for (i = 0; i < ARRAY_SIZE(op_rules); i++)
		for (j = i + 1; j < ARRAY_SIZE(op_rules); j++)
			KUNIT_EXPECT_NE(test, op_rules[i].off, op_rules[j].off);

	vnd = vnd_new(test, &c, oc->quirks);
	ops = vnd_ops(vnd);
	pops = vnd->net->parent_ops;
	for (i = 0; i < ARRAY_SIZE(op_rules); i++) {
		const struct op_rule_entry *r = &op_rules[i];
		bool parents = op_present(pops, r->off);

		switch (r->rule) {
		case OP_OWN:
			want = true;
			break;
		case OP_PARENTS:
			want = parents;
			break;
		case OP_MAP:
			want = parents && (pops->dma_map ?
					   r->off != offsetof(struct vdpa_config_ops, set_map) :
					   true);
			break;
		case OP_MM:
			want = parents || vnd->vdpa.use_va;
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, op_present(ops, r->off), want,
				    "%s: parent %s it", r->name,
				    parents ? "has" : "lacks");
	}

	/* What is forwarded reaches the parent, for its indexes only. */
	fp = vnd_fp(vnd);
	if (ops->kick_vq_with_data) {
		ops->kick_vq_with_data(&vnd->vdpa, 0x50003);
		ops->kick_vq_with_data(&vnd->vdpa, 4);	/* the CVQ */
		ops->kick_vq_with_data(&vnd->vdpa, 5);
		KUNIT_EXPECT_EQ(test, fp->calls[FP_KICK_VQ_WITH_DATA], 1);
	}
	if (ops->get_vq_desc_group) {
		KUNIT_EXPECT_EQ(test, ops->get_vq_desc_group(&vnd->vdpa, 1), 0);
		KUNIT_EXPECT_EQ(test, ops->get_vq_desc_group(&vnd->vdpa, 4), 1);
		KUNIT_EXPECT_EQ(test, fp->calls[FP_GET_VQ_DESC_GROUP], 1);
	}
	KUNIT_EXPECT_EQ(test, fp->bad_idx, 0);
}

/* ---- virtqueue index mapping ---- */

static const struct vnd_cfg vq_cfgs[] = {
	{ "1 pair", 1, 1, 1, false, 0, 2 },
	{ "1 pair, MQ asked but not offered", 1, 1, 1, false, F(MQ), 2 },
	{ "1 pair, 2 groups, set_map", 1, 2, 2, true, 0, 2 },
	{ "4 pairs, no MQ", 4, 1, 1, false, 0, 2 },
	{ "4 pairs, MQ", 4, 1, 1, true, F(MQ), 8 },
	{ "4 pairs, RSS without MQ", 4, 1, 1, false, F(RSS), 8 },
	{ "4 pairs, MQ and RSS, 2 groups", 4, 2, 2, false, F(MQ) | F(RSS), 8 },
};

KUNIT_ARRAY_PARAM(vq_cfg, vq_cfgs, vnd_cfg_desc);

/* Every vq op on @idx; those that return an errno must return @want. */
static void vq_ops_all(struct kunit *test, struct vdpa_net_device *vnd,
		       u16 idx, int want)
{
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	struct vdpa_callback cb = {};
	struct vdpa_vq_state st = { .split.avail_index = 5 };

	KUNIT_EXPECT_EQ_MSG(test, ops->set_vq_address(vdev, idx, 0x1000,
						      0x2000, 0x3000), want,
			    "set_vq_address(%u)", idx);
	ops->set_vq_num(vdev, idx, 64);
	ops->set_vq_cb(vdev, idx, &cb);
	KUNIT_EXPECT_EQ_MSG(test, ops->set_vq_state(vdev, idx, &st), want,
			    "set_vq_state(%u)", idx);
	ops->set_vq_ready(vdev, idx, true);
	KUNIT_EXPECT_EQ_MSG(test, ops->get_vq_ready(vdev, idx), !want,
			    "get_vq_ready(%u)", idx);
	st.split.avail_index = 0;
	KUNIT_EXPECT_EQ_MSG(test, ops->get_vq_state(vdev, idx, &st), want,
			    "get_vq_state(%u)", idx);
	if (!want)
		KUNIT_EXPECT_EQ_MSG(test, st.split.avail_index, 5,
				    "get_vq_state(%u)", idx);
	ops->kick_vq(vdev, idx);
	ops->get_vq_notification(vdev, idx);
	ops->get_vq_size(vdev, idx);
}

static void vnd_test_vq_index(struct kunit *test)
{
	const struct vnd_cfg *c = test->param_value;
	struct vdpa_net_device *vnd = vnd_new(test, c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	u16 nparent = 2 * c->pairs, idx;
	struct vdpa_notification_area area;
	u64 want_seen = 0;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, ops->set_driver_features(vdev, VF(VERSION_1) |
						       F(CTRL_VQ) |
						       c->features), 0);
	ops->set_status(vdev, S_FEATURES_OK);
	KUNIT_EXPECT_EQ(test, !!(ops->get_driver_features(vdev) &
				 (F(MQ) | F(RSS))), c->cvq != 2);

	/* The CVQ, every index the parent has, and two beyond. */
	for (idx = 0; idx <= nparent + 1; idx++) {
		bool data = idx != c->cvq && idx < nparent;

		vq_ops_all(test, vnd, idx, data || idx == c->cvq ? 0 : -EINVAL);
		if (data)
			want_seen |= BIT_ULL(idx);
	}
	vq_ops_all(test, vnd, 0xffff, -EINVAL);

	/* The parent saw every data index it has, and nothing else. */
	KUNIT_EXPECT_EQ(test, fp->vq_seen, want_seen);
	KUNIT_EXPECT_EQ(test, fp->bad_idx, 0);
	for (i = 0; i < ARRAY_SIZE(fp_vq_ops); i++) {
		if (fp_vq_ops[i] == FP_GET_VQ_GROUP)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, fp->calls[fp_vq_ops[i]],
				    hweight64(want_seen), "op %d", fp_vq_ops[i]);
	}

	/* The CVQ's settings stayed in the frontend. */
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.cfg.desc_addr, 0x1000);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.cfg.driver_addr, 0x2000);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.cfg.device_addr, 0x3000);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.cfg.num, 64);
	KUNIT_EXPECT_TRUE(test, vnd->net->cvq.cfg.ready);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.vring.last_avail_idx, 5);

	/* Groups: the parent's for its queues, the extra one for the CVQ. */
	for (idx = 0; idx < nparent; idx++) {
		if (idx == c->cvq)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, ops->get_vq_group(vdev, idx),
				    idx % c->ngroups, "vq %u", idx);
	}
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(vdev, c->cvq), c->ngroups);
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(vdev, nparent + 1), 0);
	KUNIT_EXPECT_EQ(test, fp->bad_idx, 0);

	/* Sizes, doorbells, DMA devices. */
	KUNIT_EXPECT_EQ(test, ops->get_vq_size(vdev, c->cvq), FP_NUM_MAX);
	KUNIT_EXPECT_EQ(test, ops->get_vq_size(vdev, 0), FP_NUM_MAX / 2);
	KUNIT_EXPECT_EQ(test, ops->get_vq_size(vdev, nparent + 1), 0);
	area = ops->get_vq_notification(vdev, c->cvq);
	KUNIT_EXPECT_EQ(test, area.addr, 0);
	KUNIT_EXPECT_EQ(test, area.size, 0);
	area = ops->get_vq_notification(vdev, 1);
	KUNIT_EXPECT_EQ(test, area.addr, FP_NOTIFY_BASE + PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, ops->get_vq_map(vdev, c->cvq).dma_dev,
			    &vdev->dev);
	KUNIT_EXPECT_EQ(test, fp->bad_idx, 0);

	/* Not ready: the CVQ keeps its index for get_vq_state. */
	ops->set_vq_ready(vdev, c->cvq, false);
	KUNIT_EXPECT_FALSE(test, ops->get_vq_ready(vdev, c->cvq));
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.cfg.avail_index, 5);
	KUNIT_EXPECT_EQ(test, fp->bad_idx, 0);
}

/* A CVQ size the ring or the parent cannot have leaves it disabled. */
static void vnd_test_cvq_bad_num(struct kunit *test)
{
	static const struct vnd_cfg c = { .pairs = 1, .ngroups = 1, .nas = 1 };
	struct vdpa_net_device *vnd = vnd_new(test, &c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	static const u32 bad[] = { 0, 3, 100, 2 * FP_NUM_MAX, 65536 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ops->set_vq_num(&vnd->vdpa, 2, bad[i]);
		ops->set_vq_ready(&vnd->vdpa, 2, true);
		KUNIT_EXPECT_FALSE_MSG(test, ops->get_vq_ready(&vnd->vdpa, 2),
				       "num %u", bad[i]);
	}
	ops->set_vq_num(&vnd->vdpa, 2, FP_NUM_MAX);
	ops->set_vq_ready(&vnd->vdpa, 2, true);
	KUNIT_EXPECT_TRUE(test, ops->get_vq_ready(&vnd->vdpa, 2));
	KUNIT_EXPECT_EQ(test, vnd_fp(vnd)->calls[FP_SET_VQ_READY], 0);
}

/* ---- groups and address spaces ---- */

static void vnd_test_group_asid(struct kunit *test)
{
	const struct vnd_cfg *c = test->param_value;
	struct vdpa_net_device *vnd = vnd_new(test, c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	unsigned int cvq_group = c->ngroups, own = c->nas;
	unsigned int group, asid, n;

	/* The CVQ group goes anywhere, and the parent is not told. */
	for (asid = 0; asid <= own; asid++) {
		KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, cvq_group,
							  asid), 0);
		KUNIT_EXPECT_EQ(test, vnd->net->cvq.asid, asid);
		KUNIT_EXPECT_PTR_EQ(test, vnd->net->cvq.vring.iotlb,
				    &vnd->net->iotlb[asid]);
	}
	KUNIT_EXPECT_EQ(test, fp->calls[FP_SET_GROUP_ASID], 0);

	/* A data group to one of the parent's address spaces: forwarded. */
	n = 0;
	for (group = 0; group < c->ngroups; group++) {
		for (asid = 0; asid < c->nas; asid++) {
			KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, group,
								  asid), 0);
			KUNIT_EXPECT_EQ(test, fp->calls[FP_SET_GROUP_ASID], ++n);
			KUNIT_EXPECT_EQ(test, fp->group, group);
			KUNIT_EXPECT_EQ(test, fp->asid, asid);
		}
	}
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.asid, own);

	/* A data group to the frontend's own address space: refused. */
	for (group = 0; group < c->ngroups; group++)
		KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, group, own),
				-EINVAL);
	/* Out of range. */
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, cvq_group + 1, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, cvq_group, own + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, 0, own + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, UINT_MAX, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_SET_GROUP_ASID], n);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.asid, own);

	/* A reset puts the CVQ group back in address space 0. */
	KUNIT_EXPECT_EQ(test, ops->reset(vdev), 0);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.asid, 0);
}

/* A parent without set_group_asid has every group in address space 0. */
static void vnd_test_group_asid_no_parent_op(struct kunit *test)
{
	static const struct vnd_cfg c = { .pairs = 1, .ngroups = 2, .nas = 2 };
	struct vdpa_net_device *vnd = vnd_new(test, &c, Q_NO_GROUP_ASID);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;

	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, 1, 0), 0);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, 0, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, 1, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, 2, 1), 0);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.asid, 1);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, 2, 2), 0);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.asid, 2);
}

/*
 * A parent whose get_vq_group answers a group it does not have (the
 * number of the CVQ's group, say): the CVQ's group keeps the CVQ alone,
 * which is what a VMM's isolation probe asks, and the parent's queue is
 * taken as group 0.
 */
static void vnd_test_bad_parent_group(struct kunit *test)
{
	static const struct vnd_cfg c = { .pairs = 2, .ngroups = 1, .nas = 1 };
	struct vdpa_net_device *vnd = vnd_new(test, &c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	u16 idx;

	vnd_fp(vnd)->group_bias = c.ngroups;
	for (idx = 0; idx < 2 * c.pairs; idx++) {
		if (idx == 2)	/* before FEATURES_OK: kept aside, see routing */
			continue;
		KUNIT_EXPECT_EQ_MSG(test, ops->get_vq_group(&vnd->vdpa, idx), 0,
				    "vq %u", idx);
	}
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(&vnd->vdpa, 2 * c.pairs),
			c.ngroups);
}

/* ---- maps: routed per address space, mirrored ---- */

static const struct map_range map_a[] = {
	{ 0x1000, 0x2fff, 0x40000, VHOST_MAP_RW },
	{ 0x10000, 0x10fff, 0x80000, VHOST_MAP_RO },
};

static void vnd_test_maps(struct kunit *test)
{
	const struct vnd_cfg *c = test->param_value;
	struct vdpa_net_device *vnd = vnd_new(test, c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	enum fp_op map_op = c->batch ? FP_SET_MAP : FP_DMA_MAP;
	unsigned int own = c->nas, asid, a, maps, unmaps, resets;

	for (asid = 0; asid <= own; asid++) {
		bool parent = asid < own;

		maps = fp->calls[map_op];
		unmaps = fp->calls[FP_DMA_UNMAP];
		resets = fp->calls[FP_RESET_MAP];

		KUNIT_EXPECT_TRUE(test, iotlb_is_empty(vnd, asid));
		KUNIT_EXPECT_EQ(test, vnd_map(test, vnd, asid, map_a, 2), 0);
		expect_iotlb(test, &vnd->net->iotlb[asid], map_a, 2);
		/* The parent got it for its own address spaces only. */
		KUNIT_EXPECT_EQ_MSG(test, fp->calls[map_op],
				    maps + (parent ? (c->batch ? 1 : 2) : 0),
				    "AS %u", asid);
		if (parent) {
			KUNIT_EXPECT_EQ(test, fp->map_asid, asid);
			if (c->batch) {
				KUNIT_EXPECT_EQ(test, fp->map_entries, 2);
				KUNIT_EXPECT_EQ(test, fp->map_start, 0x1000);
				KUNIT_EXPECT_EQ(test, fp->map_addr, 0x40000);
			} else {
				KUNIT_EXPECT_EQ(test, fp->map_start, 0x10000);
				KUNIT_EXPECT_EQ(test, fp->map_last, 0x10fff);
				KUNIT_EXPECT_EQ(test, fp->map_addr, 0x80000);
				KUNIT_EXPECT_EQ(test, fp->map_perm,
						VHOST_MAP_RO);
			}
		}
		/* No other address space moved. */
		for (a = 0; a <= own; a++)
			if (a != asid)
				KUNIT_EXPECT_TRUE_MSG(test, iotlb_is_empty(vnd, a),
						      "AS %u after AS %u", a,
						      asid);

		/* Take the first range away. */
		if (c->batch) {
			KUNIT_EXPECT_EQ(test, vnd_map(test, vnd, asid,
						      &map_a[1], 1), 0);
			KUNIT_EXPECT_EQ(test, fp->calls[map_op],
					maps + (parent ? 2 : 0));
		} else {
			KUNIT_EXPECT_EQ(test, ops->dma_unmap(vdev, asid, 0x1000,
							     0x2000), 0);
			KUNIT_EXPECT_EQ(test, fp->calls[FP_DMA_UNMAP],
					unmaps + parent);
			if (parent) {
				KUNIT_EXPECT_EQ(test, fp->map_start, 0x1000);
				KUNIT_EXPECT_EQ(test, fp->map_last, 0x2fff);
			}
		}
		expect_iotlb(test, &vnd->net->iotlb[asid], &map_a[1], 1);
		if (parent)
			KUNIT_EXPECT_EQ(test, fp->map_asid, asid);

		/* reset_map empties it, here and in the parent. */
		KUNIT_EXPECT_EQ(test, ops->reset_map(vdev, asid), 0);
		KUNIT_EXPECT_TRUE(test, iotlb_is_empty(vnd, asid));
		KUNIT_EXPECT_EQ(test, fp->calls[FP_RESET_MAP], resets + parent);
		if (parent)
			KUNIT_EXPECT_EQ(test, fp->map_asid, asid);
	}

	/* Address spaces that do not exist. */
	KUNIT_EXPECT_EQ(test, vnd_map(test, vnd, own + 1, map_a, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->reset_map(vdev, own + 1), -EINVAL);
	if (!c->batch) {
		KUNIT_EXPECT_EQ(test, ops->dma_unmap(vdev, own + 1, 0, 4096),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, ops->dma_map(vdev, 0, 0x1000, 0, 0,
						   VHOST_MAP_RW, NULL),
				-EINVAL);
	}
	KUNIT_EXPECT_EQ(test, fp->calls[map_op], 2 * c->nas);
	for (asid = 0; asid <= own; asid++)
		KUNIT_EXPECT_TRUE(test, iotlb_is_empty(vnd, asid));
}

/*
 * A set_map the mirror cannot hold: the parent still takes it, the
 * mirror keeps part of it; one that just fits goes through.
 */
static void check_set_map_limit(struct kunit *test,
				struct vdpa_net_device *vnd)
{
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	unsigned int limit = vnd->net->iotlb[0].limit, i, maps;
	struct vhost_iotlb *big;
	u64 iova;

	big = vhost_iotlb_alloc(limit + 1, 0);
	KUNIT_ASSERT_NOT_NULL(test, big);
	for (i = 0; i < limit; i++) {
		iova = 0x100000ULL + i * PAGE_SIZE;
		KUNIT_ASSERT_EQ(test, vhost_iotlb_add_range(big, iova,
							    iova + PAGE_SIZE - 1,
							    i * PAGE_SIZE,
							    VHOST_MAP_RW), 0);
	}
	maps = fp->calls[FP_SET_MAP];
	KUNIT_EXPECT_EQ(test, ops->set_map(&vnd->vdpa, 0, big), 0);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_SET_MAP], maps + 1);
	KUNIT_EXPECT_EQ(test, fp->map_entries, limit);
	KUNIT_EXPECT_EQ(test, vnd->net->iotlb[0].nmaps, limit);

	KUNIT_ASSERT_EQ(test, vhost_iotlb_add_range(big, 0x1000, 0x1fff, 0,
						    VHOST_MAP_RW), 0);
	/*
	 * One more: the parent takes it (vhost-vdpa ignores set_map errors
	 * at the end of a batch, so refusing would leave the parent with a
	 * map vhost-vdpa unpinned); the copy keeps what it can hold of it.
	 */
	KUNIT_EXPECT_EQ(test, ops->set_map(&vnd->vdpa, 0, big), 0);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_SET_MAP], maps + 2);
	KUNIT_EXPECT_EQ(test, fp->map_entries, limit + 1);
	KUNIT_EXPECT_EQ(test, vnd->net->iotlb[0].nmaps, limit);
	KUNIT_EXPECT_NULL(test, vhost_iotlb_itree_first(&vnd->net->iotlb[0], 0x1000,
							0x1fff));
	/* The frontend's own address space: refused, and nothing kept. */
	KUNIT_EXPECT_EQ(test, ops->set_map(&vnd->vdpa, vnd->vdpa.nas - 1, big),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_SET_MAP], maps + 2);
	KUNIT_EXPECT_TRUE(test, iotlb_is_empty(vnd, vnd->vdpa.nas - 1));
	vhost_iotlb_free(big);
}

/* The parent refuses: the mirror does not change. */
static void vnd_test_map_errors(struct kunit *test)
{
	const struct vnd_cfg *c = test->param_value;
	struct vdpa_net_device *vnd = vnd_new(test, c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	unsigned int own = c->nas, limit;

	fp->fail = -ENOMEM;
	KUNIT_EXPECT_EQ(test, vnd_map(test, vnd, 0, map_a, 1), -ENOMEM);
	KUNIT_EXPECT_TRUE(test, iotlb_is_empty(vnd, 0));
	/* The frontend's own address space does not depend on the parent. */
	KUNIT_EXPECT_EQ(test, vnd_map(test, vnd, own, map_a, 1), 0);
	expect_iotlb(test, &vnd->net->iotlb[own], map_a, 1);
	KUNIT_EXPECT_EQ(test, ops->reset_map(vdev, own), 0);
	KUNIT_EXPECT_TRUE(test, iotlb_is_empty(vnd, own));

	fp->fail = 0;
	KUNIT_EXPECT_EQ(test, vnd_map(test, vnd, 0, map_a, 2), 0);
	fp->fail = -EIO;
	KUNIT_EXPECT_EQ(test, ops->reset_map(vdev, 0), -EIO);
	expect_iotlb(test, &vnd->net->iotlb[0], map_a, 2);
	/*
	 * An unmap the parent fails: vhost-vdpa has dropped the range all
	 * the same, and so must the mirror, or the CVQ would still reach
	 * memory its owner unmapped.
	 */
	if (c->batch)
		KUNIT_EXPECT_EQ(test, vnd_map(test, vnd, 0, &map_a[1], 1),
				-EIO);
	else
		KUNIT_EXPECT_EQ(test, ops->dma_unmap(vdev, 0, 0x1000, 0x2000),
				-EIO);
	expect_iotlb(test, &vnd->net->iotlb[0], &map_a[1], 1);
	fp->fail = 0;
	/* Map the range again: a set_map carries the whole map. */
	KUNIT_EXPECT_EQ(test, vnd_map(test, vnd, 0, map_a, c->batch ? 2 : 1),
			0);
	expect_iotlb(test, &vnd->net->iotlb[0], map_a, 2);

	if (c->batch) {
		check_set_map_limit(test, vnd);
		return;
	}
	/* The mirror is full: the parent's map is taken back. */
	limit = vnd->net->iotlb[0].limit;
	vnd->net->iotlb[0].limit = 2;
	KUNIT_EXPECT_EQ(test, ops->dma_map(vdev, 0, 0x100000, 0x1000, 0x1000,
					   VHOST_MAP_RW, NULL), -ENOSPC);
	vnd->net->iotlb[0].limit = limit;
	KUNIT_EXPECT_EQ(test, fp->calls[FP_DMA_UNMAP], 2);
	KUNIT_EXPECT_EQ(test, fp->map_start, 0x100000);
	KUNIT_EXPECT_EQ(test, fp->map_last, 0x100fff);
	expect_iotlb(test, &vnd->net->iotlb[0], map_a, 2);
}

static const struct vnd_cfg map_err_cfgs[] = {
	{ "dma_map", 1, 2, 2, false },
	{ "set_map", 1, 2, 2, true },
};

KUNIT_ARRAY_PARAM(map_err_cfg, map_err_cfgs, vnd_cfg_desc);

/* Maps outlive a reset, unless it cleans them. */
static void vnd_test_maps_reset(struct kunit *test)
{
	const struct vnd_cfg *c = test->param_value;
	struct vdpa_net_device *vnd = vnd_new(test, c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	unsigned int asid;

	for (asid = 0; asid <= c->nas; asid++)
		KUNIT_EXPECT_EQ(test, vnd_map(test, vnd, asid, map_a, 2), 0);
	KUNIT_EXPECT_EQ(test, ops->compat_reset(vdev, 0), 0);
	KUNIT_EXPECT_EQ(test, fp->reset_flags, 0);
	for (asid = 0; asid <= c->nas; asid++)
		expect_iotlb(test, &vnd->net->iotlb[asid], map_a, 2);
	KUNIT_EXPECT_EQ(test, ops->compat_reset(vdev, VDPA_RESET_F_CLEAN_MAP),
			0);
	KUNIT_EXPECT_EQ(test, fp->reset_flags, VDPA_RESET_F_CLEAN_MAP);
	for (asid = 0; asid <= c->nas; asid++)
		KUNIT_EXPECT_TRUE_MSG(test, iotlb_is_empty(vnd, asid), "AS %u",
				      asid);
}

/* ---- features ---- */

struct features_case {
	const char *name;
	u64 parent;
	const struct vdpa_net_ctrl_ops *ops;
	u16 pairs;
	u64 soft;
	u64 want;
};

static const struct vdpa_net_ctrl_ops ops_mac_only = {
	.mac_addr_set = fp_mac_addr_set,
};

static const struct vdpa_net_ctrl_ops ops_mq_hash = {
	.vq_pairs_set = fp_vq_pairs_set,
	.rss_set = fp_rss_set,
	.hash_set = fp_rss_set,
};

static const struct features_case features_cases[] = {
	{ "no callbacks", FP_FEATURES, NULL, 4, 0,
	  DATA_FEATURES | F(CTRL_VQ) },
	{ "MAC callback, 1 pair", FP_FEATURES, &fp_ctrl_ops, 1, 0,
	  DATA_FEATURES | F(CTRL_VQ) | F(CTRL_MAC_ADDR) },
	{ "MAC, MQ, RSS callbacks, 4 pairs", FP_FEATURES, &fp_ctrl_ops, 4, 0,
	  DATA_FEATURES | F(CTRL_VQ) | F(CTRL_MAC_ADDR) | F(MQ) | F(RSS) },
	{ "RSS callback, parent without RSS", FP_FEATURES & ~F(RSS),
	  &fp_ctrl_ops, 4, 0,
	  DATA_FEATURES | F(CTRL_VQ) | F(CTRL_MAC_ADDR) | F(MQ) },
	{ "hash report offered by both", FP_FEATURES, &ops_mq_hash, 4, 0,
	  DATA_FEATURES | F(CTRL_VQ) | F(MQ) | F(RSS) | F(HASH_REPORT) },
	{ "hash report, parent without it", FP_FEATURES & ~F(HASH_REPORT),
	  &ops_mq_hash, 4, 0, DATA_FEATURES | F(CTRL_VQ) | F(MQ) | F(RSS) },
	{ "parent control bits are not passed through", CTRL_FEATURES,
	  &ops_mac_only, 4, 0, F(CTRL_VQ) | F(CTRL_MAC_ADDR) },
	{ "provisioned control bits mask the derived ones",
	  DATA_FEATURES | F(CTRL_VQ) | F(CTRL_MAC_ADDR), &fp_ctrl_ops, 4, 0,
	  DATA_FEATURES | F(CTRL_VQ) | F(CTRL_MAC_ADDR) },
	{ "provisioned without CTRL_VQ: no control feature",
	  DATA_FEATURES | F(CTRL_RX), &fp_ctrl_ops, 4, 0, DATA_FEATURES },
	{ "soft RX and VLAN", VF(VERSION_1), NULL, 1,
	  F(CTRL_RX) | F(CTRL_VLAN),
	  VF(VERSION_1) | F(CTRL_VQ) | F(CTRL_RX) | F(CTRL_VLAN) },
	{ "packed ring and notification data", VF(VERSION_1) |
	  VF(RING_PACKED) | VF(NOTIFICATION_DATA) | VF(IN_ORDER), NULL, 1, 0,
	  VF(VERSION_1) | VF(IN_ORDER) | F(CTRL_VQ) },
};

static void features_case_desc(const struct features_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(features_case, features_cases, features_case_desc);

static void vnd_test_device_features(struct kunit *test)
{
	const struct features_case *c = test->param_value;
	struct vdpa_net_ctrl_limits limits;

	fp_limits(&limits, c->pairs);
	limits.soft_features = c->soft;
	KUNIT_EXPECT_EQ(test, vdpa_net_device_features(c->parent, c->ops,
						       &limits), c->want);
}

static void vnd_test_driver_features(struct kunit *test)
{
	const struct vnd_cfg *c = test->param_value;
	struct vdpa_net_device *vnd = vnd_new(test, c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	u64 want = DATA_FEATURES | F(CTRL_VQ) | F(CTRL_MAC_ADDR);
	u64 dev;

	if (c->pairs > 1)
		want |= F(MQ) | F(RSS);
	dev = ops->get_device_features(vdev);
	KUNIT_EXPECT_EQ(test, dev, want);
	KUNIT_EXPECT_FALSE(test, dev & (VF(RING_PACKED) |
					VF(NOTIFICATION_DATA)));

	/* The driver asks for everything, offered or not. */
	KUNIT_EXPECT_EQ(test, ops->set_driver_features(vdev, ~0ULL), 0);
	KUNIT_EXPECT_EQ(test, ops->get_driver_features(vdev), dev);
	KUNIT_EXPECT_EQ(test, fp->driver_features, dev & ~CTRL_FEATURES);
	KUNIT_EXPECT_EQ(test, fp->driver_features, DATA_FEATURES);
	KUNIT_EXPECT_EQ(test, vnd->net->ctrl.nc.features, dev);
	/* The parent reads the control bits through the frontend. */
	KUNIT_EXPECT_EQ(test, vdpa_net_driver_features(vnd), dev);

	/* A subset goes through as it is, minus the control bits. */
	KUNIT_EXPECT_EQ(test, ops->set_driver_features(vdev, VF(VERSION_1) |
						       F(CTRL_VQ) | F(MAC)),
			0);
	KUNIT_EXPECT_EQ(test, fp->driver_features, VF(VERSION_1) | F(MAC));
	KUNIT_EXPECT_EQ(test, ops->get_driver_features(vdev),
			VF(VERSION_1) | F(CTRL_VQ) | F(MAC));

	/* The parent refuses: nothing changes. */
	fp->fail = -EINVAL;
	KUNIT_EXPECT_EQ(test, ops->set_driver_features(vdev, dev), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->get_driver_features(vdev),
			VF(VERSION_1) | F(CTRL_VQ) | F(MAC));
	fp->fail = 0;

	/* A reset forgets them. */
	KUNIT_EXPECT_EQ(test, ops->reset(vdev), 0);
	KUNIT_EXPECT_EQ(test, ops->get_driver_features(vdev), 0);
}

static const struct vnd_cfg features_cfgs[] = {
	{ "1 pair", 1, 1, 1, false },
	{ "4 pairs", 4, 2, 2, true },
};

KUNIT_ARRAY_PARAM(features_cfg, features_cfgs, vnd_cfg_desc);

/* ---- status, reset, suspend ---- */

static void vnd_test_status_reset(struct kunit *test)
{
	bool compat = *(const bool *)test->param_value;
	static const struct vnd_cfg c = { .pairs = 4, .ngroups = 2, .nas = 2 };
	struct vdpa_net_device *vnd;
	const struct vdpa_config_ops *ops;
	struct fake_parent *fp;
	struct vdpa_device *vdev;
	static const u8 mac_b[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0b };

	vnd = vnd_new(test, &c, compat ? 0 : Q_NO_COMPAT_RESET);
	ops = vnd_ops(vnd);
	fp = vnd_fp(vnd);
	vdev = &vnd->vdpa;

	/* Some state, then a reset. */
	KUNIT_ASSERT_EQ(test, ops->set_driver_features(vdev, VF(VERSION_1) |
						       F(CTRL_VQ) | F(MQ)), 0);
	/* NEEDS_RESET is the frontend's: never written to the parent. */
	ops->set_status(vdev, S_FEATURES_OK | VIRTIO_CONFIG_S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, fp->status, S_FEATURES_OK);
	KUNIT_EXPECT_EQ(test, ops->get_status(vdev), S_FEATURES_OK);
	/* From FEATURES_OK the features are final. */
	KUNIT_EXPECT_EQ(test, ops->set_driver_features(vdev, VF(VERSION_1)),
			-EBUSY);
	ops->set_vq_num(vdev, 8, 64);
	KUNIT_EXPECT_EQ(test, ops->set_vq_address(vdev, 8, 0x1000, 0x2000,
						  0x3000), 0);
	ops->set_vq_ready(vdev, 8, true);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(vdev, 2, 2), 0);
	memcpy(fp->config.mac, mac_b, ETH_ALEN);

	KUNIT_EXPECT_EQ(test, ops->reset(vdev), 0);
	if (compat) {
		KUNIT_EXPECT_EQ(test, fp->calls[FP_COMPAT_RESET], 1);
		KUNIT_EXPECT_EQ(test, fp->reset_flags, 0);
		KUNIT_EXPECT_EQ(test, fp->calls[FP_RESET], 0);
	} else {
		KUNIT_EXPECT_EQ(test, fp->calls[FP_RESET], 1);
	}
	KUNIT_EXPECT_EQ(test, ops->get_status(vdev), 0);
	KUNIT_EXPECT_EQ(test, ops->get_driver_features(vdev), 0);
	KUNIT_EXPECT_FALSE(test, vnd->net->cvq.cfg.ready);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.cfg.num, 0);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.cfg.desc_addr, 0);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.asid, 0);
	/* Until FEATURES_OK, 2 and 2N both answer as the CVQ's group. */
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(vdev, 2), 2);
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(vdev, 8), 2);
	/* The MAC is the config space's again. */
	KUNIT_EXPECT_MEMEQ(test, vnd->net->ctrl.nc.state.mac, mac_b, ETH_ALEN);

	KUNIT_EXPECT_EQ(test, ops->compat_reset(vdev, VDPA_RESET_F_CLEAN_MAP),
			0);
	if (compat) {
		KUNIT_EXPECT_EQ(test, fp->calls[FP_COMPAT_RESET], 2);
		KUNIT_EXPECT_EQ(test, fp->reset_flags, VDPA_RESET_F_CLEAN_MAP);
	} else {
		KUNIT_EXPECT_EQ(test, fp->calls[FP_RESET], 2);
	}
}

static void vnd_test_suspend_resume(struct kunit *test)
{
	static const struct vnd_cfg c = { .pairs = 1, .ngroups = 1, .nas = 1 };
	struct vdpa_net_device *vnd = vnd_new(test, &c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;

	fp->fail = -EBUSY;
	KUNIT_EXPECT_EQ(test, ops->suspend(vdev), -EBUSY);
	KUNIT_EXPECT_FALSE(test, vnd->net->suspended);
	fp->fail = 0;
	KUNIT_EXPECT_EQ(test, ops->suspend(vdev), 0);
	KUNIT_EXPECT_TRUE(test, vnd->net->suspended);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_SUSPEND], 2);
	KUNIT_EXPECT_EQ(test, ops->resume(vdev), 0);
	KUNIT_EXPECT_FALSE(test, vnd->net->suspended);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_RESUME], 1);
	/* Nothing negotiated: nothing to replay. */
	KUNIT_EXPECT_EQ(test, fp->calls[FP_MAC_ADDR_SET], 0);
	/* A reset resumes too. */
	KUNIT_EXPECT_EQ(test, ops->suspend(vdev), 0);
	KUNIT_EXPECT_EQ(test, ops->reset(vdev), 0);
	KUNIT_EXPECT_FALSE(test, vnd->net->suspended);
}

/* ---- end to end, through a control virtqueue in kernel memory ---- */

#define RING_NUM	64
#define RING_MEM	8192
#define BUF_OFF		4096
#define SLOT_SIZE	64
#define ACK_OFF		48
#define IOVA_BASE	0x40000000ULL

struct drv_ring {
	u8 *mem;
	u64 dma;		/* the device's address of @mem */
	struct vring vr;
	u16 avail;
	atomic_t cbs;
	atomic_t config_cbs;
};

static irqreturn_t drv_cb(void *data)
{
	struct drv_ring *r = data;

	atomic_inc(&r->cbs);
	return IRQ_HANDLED;
}

static irqreturn_t drv_config_cb(void *data)
{
	struct drv_ring *r = data;

	atomic_inc(&r->config_cbs);
	return IRQ_HANDLED;
}

/* Allocate before the device, so that it is freed after the device. */
static struct drv_ring *drv_ring_new(struct kunit *test)
{
	struct drv_ring *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	/* kmalloc: physically contiguous, naturally aligned. */
	r->mem = kunit_kzalloc(test, RING_MEM, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->mem);
	KUNIT_ASSERT_LE(test, vring_size(RING_NUM, SMP_CACHE_BYTES),
			BUF_OFF);
	vring_init(&r->vr, RING_NUM, r->mem, SMP_CACHE_BYTES);
	return r;
}

static u64 drv_addr(struct drv_ring *r, const void *p)
{
	return r->dma + ((const u8 *)p - r->mem);
}

static u16 drv_used_idx(struct drv_ring *r)
{
	return le16_to_cpu((__force __le16)READ_ONCE(r->vr.used->idx));
}

/* Post @cmd with a one-byte ack; returns the slot of its buffers. */
static unsigned int drv_post(struct drv_ring *r, const u8 *cmd, size_t len)
{
	unsigned int slot = r->avail % (RING_NUM / 2), head = 2 * slot;
	u8 *buf = r->mem + BUF_OFF + slot * SLOT_SIZE;
	struct vring_desc *d = r->vr.desc;

	memcpy(buf, cmd, len);
	buf[ACK_OFF] = 0xff;
	d[head].addr = (__force __virtio64)cpu_to_le64(drv_addr(r, buf));
	d[head].len = (__force __virtio32)cpu_to_le32(len);
	d[head].flags = (__force __virtio16)cpu_to_le16(VRING_DESC_F_NEXT);
	d[head].next = (__force __virtio16)cpu_to_le16(head + 1);
	d[head + 1].addr =
		(__force __virtio64)cpu_to_le64(drv_addr(r, buf + ACK_OFF));
	d[head + 1].len = (__force __virtio32)cpu_to_le32(1);
	d[head + 1].flags = (__force __virtio16)cpu_to_le16(VRING_DESC_F_WRITE);
	r->vr.avail->ring[r->avail % RING_NUM] =
		(__force __virtio16)cpu_to_le16(head);
	r->avail++;
	/* The descriptors before the index. */
	smp_wmb();
	WRITE_ONCE(r->vr.avail->idx, (__force __virtio16)cpu_to_le16(r->avail));
	return slot;
}

/* Make a head beyond the ring available: nothing can be completed. */
static void drv_post_broken(struct drv_ring *r)
{
	r->vr.avail->ring[r->avail % RING_NUM] =
		(__force __virtio16)cpu_to_le16(RING_NUM + 1);
	r->avail++;
	/* The ring entry before the index. */
	smp_wmb();
	WRITE_ONCE(r->vr.avail->idx, (__force __virtio16)cpu_to_le16(r->avail));
}

/* Poll, for up to 2 s, for the used index to reach @want. */
static bool drv_wait_used(struct drv_ring *r, u16 want)
{
	unsigned long end = jiffies + msecs_to_jiffies(2000);

	while (drv_used_idx(r) != want) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(1000, 2000);
	}
	/* The ack and the parent's state after the index. */
	smp_rmb();
	return true;
}

/* The used index is published before the interrupt: wait for it too. */
static int drv_wait_cbs(struct drv_ring *r, int want)
{
	unsigned long end = jiffies + msecs_to_jiffies(2000);

	while (atomic_read(&r->cbs) < want && time_before(jiffies, end))
		usleep_range(1000, 2000);
	return atomic_read(&r->cbs);
}

static u8 drv_ack(struct drv_ring *r, unsigned int slot)
{
	return r->mem[BUF_OFF + slot * SLOT_SIZE + ACK_OFF];
}

static u32 drv_used_len(struct drv_ring *r, u16 n)
{
	return le32_to_cpu((__force __le32)r->vr.used->ring[n % RING_NUM].len);
}

/*
 * Negotiate, put the CVQ where @c says and set it up, up to FEATURES_OK.
 * Returns the CVQ index.
 */
static u16 cvq_start(struct kunit *test, struct vdpa_net_device *vnd,
		     const struct vnd_cfg *c, struct drv_ring *r)
{
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	struct vdpa_callback cb = { .callback = drv_cb, .private = r };
	u64 want = VF(VERSION_1) | F(MAC) | F(CTRL_VQ) | F(CTRL_MAC_ADDR) |
		   c->features;
	struct map_range map = {
		IOVA_BASE, IOVA_BASE + RING_MEM - 1, virt_to_phys(r->mem),
		VHOST_MAP_RW
	};
	unsigned int asid = 0;
	u16 cvq;

	KUNIT_ASSERT_EQ(test, ops->set_driver_features(vdev, want), 0);
	KUNIT_ASSERT_EQ(test, ops->get_driver_features(vdev), want);
	ops->set_status(vdev, S_FEATURES_OK);
	cvq = (want & (F(MQ) | F(RSS))) ? 2 * c->pairs : 2;
	KUNIT_ASSERT_EQ(test, cvq, c->cvq);

	switch (c->as) {
	case AS_PT:
		/* As virtio_vdpa does before it sets the queue up. */
		KUNIT_EXPECT_PTR_EQ(test, ops->get_vq_map(vdev, cvq).dma_dev,
				    &vdev->dev);
		fallthrough;
	case AS_NONE:
		r->dma = virt_to_phys(r->mem);
		break;
	case AS_PARENT:
	case AS_OWN:
		asid = c->as == AS_OWN ? c->nas : c->nas - 1;
		r->dma = IOVA_BASE;
		KUNIT_ASSERT_EQ(test, vnd_map(test, vnd, asid, &map, 1), 0);
		KUNIT_ASSERT_EQ(test, ops->set_group_asid(vdev, c->ngroups,
							  asid), 0);
		break;
	}
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.asid, asid);
	ops->set_vq_num(vdev, cvq, RING_NUM);
	KUNIT_ASSERT_EQ(test, ops->set_vq_address(vdev, cvq,
						  drv_addr(r, r->vr.desc),
						  drv_addr(r, r->vr.avail),
						  drv_addr(r, r->vr.used)), 0);
	ops->set_vq_cb(vdev, cvq, &cb);
	ops->set_vq_ready(vdev, cvq, true);
	KUNIT_ASSERT_TRUE(test, ops->get_vq_ready(vdev, cvq));
	return cvq;
}

static const struct vnd_cfg e2e_cfgs[] = {
	{ "1 pair, kernel driver, dma_map", 1, 1, 1, false, 0, 2, AS_PT },
	{ "1 pair, kernel driver, set_map", 1, 1, 1, true, 0, 2, AS_PT },
	{ "4 pairs, MQ, kernel driver", 4, 1, 1, true, F(MQ), 8, AS_PT },
	{ "1 pair, parent AS 0 mapped, dma_map", 1, 1, 1, false, 0, 2,
	  AS_PARENT },
	{ "4 pairs, MQ, parent AS 1 mapped, set_map", 4, 2, 2, true, F(MQ), 8,
	  AS_PARENT },
	{ "4 pairs, MQ, parent AS 1 mapped, dma_map", 4, 2, 2, false, F(MQ),
	  8, AS_PARENT },
	{ "1 pair, own AS, dma_map", 1, 1, 1, false, 0, 2, AS_OWN },
	{ "4 pairs, no MQ, own AS, set_map", 4, 1, 1, true, 0, 2, AS_OWN },
	{ "4 pairs, MQ, own AS, dma_map, 2 ASes", 4, 2, 2, false, F(MQ), 8,
	  AS_OWN },
};

KUNIT_ARRAY_PARAM(e2e_cfg, e2e_cfgs, vnd_cfg_desc);

static const u8 cmd_mac1[] = {
	VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET,
	0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
};

static const u8 cmd_mac2[] = {
	VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET,
	0x02, 0x66, 0x77, 0x88, 0x99, 0xaa,
};

static const u8 cmd_pairs2[] = {
	VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, 2, 0,
};

static void vnd_test_cvq_e2e(struct kunit *test)
{
	const struct vnd_cfg *c = test->param_value;
	struct drv_ring *r = drv_ring_new(test);
	struct vdpa_net_device *vnd = vnd_new(test, c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	bool mq = c->features & F(MQ);
	struct vdpa_vq_state st = {};
	unsigned int slot, maps;
	struct vdpa_net_ctrl_rx_hash h;
	struct vdpa_net_ctrl_state *state;
	struct vdpa_net_ctrl_coal coal;
	u8 frame[ETH_ZLEN] = {};
	u16 cvq, done = 0;

	maps = fp->calls[FP_DMA_MAP] + fp->calls[FP_SET_MAP];
	cvq = cvq_start(test, vnd, c, r);
	/* The map reached the parent for its own address space only. */
	KUNIT_EXPECT_EQ(test, fp->calls[FP_DMA_MAP] + fp->calls[FP_SET_MAP],
			maps + (c->as == AS_PARENT));

	/* Before DRIVER_OK a kick does nothing... */
	slot = drv_post(r, cmd_mac1, sizeof(cmd_mac1));
	ops->kick_vq(vdev, cvq);
	msleep(50);
	KUNIT_EXPECT_EQ(test, drv_used_idx(r), 0);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_MAC_ADDR_SET], 0);

	/* ... DRIVER_OK runs what was posted. */
	ops->set_status(vdev, S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	KUNIT_ASSERT_TRUE(test, drv_wait_used(r, ++done));
	KUNIT_EXPECT_EQ(test, drv_ack(r, slot), VIRTIO_NET_OK);
	KUNIT_EXPECT_EQ(test, drv_used_len(r, 0), 1);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_MAC_ADDR_SET], 1);
	KUNIT_EXPECT_MEMEQ(test, fp->mac, &cmd_mac1[2], ETH_ALEN);
	KUNIT_EXPECT_MEMEQ(test, vnd->net->ctrl.nc.state.mac, &cmd_mac1[2],
			   ETH_ALEN);
	KUNIT_EXPECT_GE(test, drv_wait_cbs(r, 1), 1);

	if (mq) {
		slot = drv_post(r, cmd_pairs2, sizeof(cmd_pairs2));
		ops->kick_vq(vdev, cvq);
		KUNIT_ASSERT_TRUE(test, drv_wait_used(r, ++done));
		KUNIT_EXPECT_EQ(test, drv_ack(r, slot), VIRTIO_NET_OK);
		KUNIT_EXPECT_EQ(test, fp->calls[FP_VQ_PAIRS_SET], 1);
		KUNIT_EXPECT_EQ(test, fp->vq_pairs, 2);
	}
	KUNIT_EXPECT_EQ(test, ops->get_vq_state(vdev, cvq, &st), 0);
	KUNIT_EXPECT_EQ(test, st.split.avail_index, done);
	/* The data queues never saw the CVQ index. */
	KUNIT_EXPECT_EQ(test, fp->bad_idx, 0);
	KUNIT_EXPECT_EQ(test, fp->vq_seen, 0);

	/*
	 * Suspended, the CVQ waits; resumed, it runs what waited.  A parent
	 * that was only paused kept its state: nothing is replayed into it.
	 */
	KUNIT_ASSERT_EQ(test, ops->suspend(vdev), 0);
	slot = drv_post(r, cmd_mac2, sizeof(cmd_mac2));
	ops->kick_vq(vdev, cvq);
	msleep(50);
	KUNIT_EXPECT_EQ(test, drv_used_idx(r), done);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_MAC_ADDR_SET], 1);
	KUNIT_ASSERT_EQ(test, ops->resume(vdev), 0);
	KUNIT_ASSERT_TRUE(test, drv_wait_used(r, ++done));
	KUNIT_EXPECT_EQ(test, drv_ack(r, slot), VIRTIO_NET_OK);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_MAC_ADDR_SET], 2);
	KUNIT_EXPECT_MEMEQ(test, fp->mac, &cmd_mac2[2], ETH_ALEN);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_VQ_PAIRS_SET], mq ? 1 : 0);
	if (mq)
		KUNIT_EXPECT_EQ(test, fp->vq_pairs, 2);

	/* The receive filter follows: the new MAC is ours. */
	memcpy(frame, &cmd_mac2[2], ETH_ALEN);
	frame[12] = 0x08;
	KUNIT_EXPECT_TRUE(test, vdpa_net_rx_accept(&fp->vnd, frame,
						   sizeof(frame)));
	/* So does the steering: the pairs in use, no RSS, no hash. */
	vdpa_net_rx_steer(&fp->vnd, frame, sizeof(frame), &h);
	KUNIT_EXPECT_EQ(test, h.vq_pairs, mq ? 2 : 1);
	KUNIT_EXPECT_EQ(test, h.queue, VDPA_NET_CTRL_RX_QUEUE_ANY);
	KUNIT_EXPECT_EQ(test, h.report, VIRTIO_NET_HASH_REPORT_NONE);
	/* No coalescing was set; a queue beyond the slots reads none. */
	coal.max_usecs = 1;
	vdpa_net_vq_coal(&fp->vnd, 0, &coal);
	KUNIT_EXPECT_EQ(test, coal.max_usecs + coal.max_packets, 0);
	coal.max_packets = 1;
	vdpa_net_vq_coal(&fp->vnd, VDPA_NET_CTRL_COAL_MAX_VQS, &coal);
	KUNIT_EXPECT_EQ(test, coal.max_usecs + coal.max_packets, 0);

	/* A parent that hands the state on reads the same copy. */
	state = kunit_kzalloc(test, sizeof(*state), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, state);
	KUNIT_EXPECT_EQ(test, vdpa_net_get_state(&fp->vnd, state),
			ops->get_driver_features(vdev));
	KUNIT_EXPECT_MEMEQ(test, state->mac, &cmd_mac2[2], ETH_ALEN);
	KUNIT_EXPECT_EQ(test, state->vq_pairs, mq ? 2 : 1);

	/* After a reset the CVQ is gone until it is set up again. */
	KUNIT_EXPECT_EQ(test, ops->reset(vdev), 0);
	KUNIT_EXPECT_FALSE(test, ops->get_vq_ready(vdev, cvq));
	/* ... and the data path sees the defaults again. */
	vdpa_net_rx_steer(&fp->vnd, frame, sizeof(frame), &h);
	KUNIT_EXPECT_EQ(test, h.vq_pairs, 1);
	KUNIT_EXPECT_EQ(test, vdpa_net_get_state(&fp->vnd, state), 0);
	KUNIT_EXPECT_EQ(test, state->vq_pairs, 1);
}

/*
 * The parent does not take DRIVER_OK (a VDUSE daemon that fails it): the
 * driver does not read the status back, sends commands and waits for
 * them with rtnl held.  The CVQ answers them all the same.
 */
static void vnd_test_cvq_parent_refuses_driver_ok(struct kunit *test)
{
	const struct vnd_cfg *c = &e2e_cfgs[0];
	struct drv_ring *r = drv_ring_new(test);
	struct vdpa_net_device *vnd = vnd_new(test, c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	unsigned int slot;
	u16 cvq;

	vnd_fp(vnd)->refuse_driver_ok = true;
	cvq = cvq_start(test, vnd, c, r);
	ops->set_status(vdev, S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	KUNIT_EXPECT_FALSE(test, ops->get_status(vdev) &
			   VIRTIO_CONFIG_S_DRIVER_OK);
	slot = drv_post(r, cmd_mac1, sizeof(cmd_mac1));
	ops->kick_vq(vdev, cvq);
	KUNIT_ASSERT_TRUE(test, drv_wait_used(r, 1));
	KUNIT_EXPECT_EQ(test, drv_ack(r, slot), VIRTIO_NET_OK);
	/* Until the next reset, which stops it again. */
	KUNIT_EXPECT_EQ(test, ops->reset(vdev), 0);
	KUNIT_EXPECT_FALSE(test, vnd->net->driver_ok);
}

/*
 * A ring the driver broke: NEEDS_RESET with a config notification, until a
 * reset; the commands before the broken head are still answered.  The
 * control virtqueue library reports those commands first and leaves the
 * broken head for its next call: the frontend must make that call without
 * waiting for another kick.
 */
static void vnd_test_cvq_broken(struct kunit *test)
{
	bool good_first = *(const bool *)test->param_value;
	static const struct vnd_cfg c = {
		"", 1, 1, 1, false, 0, 2, AS_OWN
	};
	struct drv_ring *r = drv_ring_new(test);
	struct vdpa_net_device *vnd = vnd_new(test, &c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct vdpa_callback ccb = { .callback = drv_config_cb, .private = r };
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	unsigned int slot = 0;
	unsigned long end;
	u16 cvq;

	cvq = cvq_start(test, vnd, &c, r);
	ops->set_config_cb(vdev, &ccb);
	KUNIT_EXPECT_EQ(test, fp->config_cbs, 1);
	ops->set_status(vdev, S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	if (good_first)
		slot = drv_post(r, cmd_mac1, sizeof(cmd_mac1));
	drv_post_broken(r);
	ops->kick_vq(vdev, cvq);
	end = jiffies + msecs_to_jiffies(2000);
	/* The status is set before the notification: wait for both. */
	while ((!(ops->get_status(vdev) & VIRTIO_CONFIG_S_NEEDS_RESET) ||
		!atomic_read(&r->config_cbs)) && time_before(jiffies, end))
		usleep_range(1000, 2000);
	KUNIT_EXPECT_TRUE_MSG(test, ops->get_status(vdev) &
				    VIRTIO_CONFIG_S_NEEDS_RESET,
			      "no NEEDS_RESET %s the broken head", good_first ?
			      "for a batch that ends with" : "for");
	KUNIT_EXPECT_EQ(test, atomic_read(&r->config_cbs), 1);
	KUNIT_EXPECT_FALSE(test, fp->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, drv_used_idx(r), good_first);
	if (good_first) {
		/* The ack after the index. */
		smp_rmb();
		KUNIT_EXPECT_EQ(test, drv_ack(r, slot), VIRTIO_NET_OK);
		KUNIT_EXPECT_EQ(test, fp->calls[FP_MAC_ADDR_SET], 1);
	}
	/* Writing the status back does not clear it, nor reach the parent. */
	ops->set_status(vdev, ops->get_status(vdev));
	KUNIT_EXPECT_FALSE(test, fp->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	KUNIT_EXPECT_TRUE(test, ops->get_status(vdev) &
				VIRTIO_CONFIG_S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, ops->reset(vdev), 0);
	KUNIT_EXPECT_EQ(test, ops->get_status(vdev), 0);
}

/* The driver's view of avail_event (VIRTIO_RING_F_EVENT_IDX). */
static u16 drv_avail_event(struct drv_ring *r)
{
	return le16_to_cpu((__force __le16)READ_ONCE(vring_avail_event(&r->vr)));
}

/*
 * A parent that offers EVENT_IDX: the driver kicks only when the
 * avail_event the device published asks for it (as
 * virtqueue_kick_prepare_split() does), so the control virtqueue must
 * publish it, or the second command waits forever, with rtnl held.
 */
static void vnd_test_cvq_event_idx(struct kunit *test)
{
	static const struct vnd_cfg c = {
		"", 1, 1, 1, false, BIT_ULL(VIRTIO_RING_F_EVENT_IDX), 2, AS_PT
	};
	struct drv_ring *r = drv_ring_new(test);
	struct vdpa_net_device *vnd = vnd_new(test, &c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	unsigned int slot, i;
	u16 cvq, old;

	vnd_fp(vnd)->features |= BIT_ULL(VIRTIO_RING_F_EVENT_IDX);
	cvq = cvq_start(test, vnd, &c, r);
	ops->set_status(&vnd->vdpa, S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	for (i = 0; i < 4; i++) {
		old = r->avail;
		slot = drv_post(r, i & 1 ? cmd_mac2 : cmd_mac1,
				sizeof(cmd_mac1));
		/* The new index before reading the event index. */
		smp_mb();
		if (vring_need_event(drv_avail_event(r), r->avail, old))
			ops->kick_vq(&vnd->vdpa, cvq);
		KUNIT_ASSERT_TRUE_MSG(test, drv_wait_used(r, i + 1),
				      "command %u: no kick asked (avail_event %u), none answered",
				      i, drv_avail_event(r));
		KUNIT_EXPECT_EQ(test, drv_ack(r, slot), VIRTIO_NET_OK);
		/* Let the worker finish its pass before the next command. */
		msleep(20);
	}
}

/*
 * vhost-vdpa (and QEMU) set a virtqueue's callback, size and address
 * before SET_FEATURES: until FEATURES_OK, virtqueue 2 of a multiqueue
 * parent is its data queue, and 2N the control virtqueue it may become.
 */
static void vnd_test_routing_before_features_ok(struct kunit *test)
{
	bool mq = *(const bool *)test->param_value;
	static const struct vnd_cfg c = { .pairs = 2, .ngroups = 1, .nas = 1 };
	struct vdpa_net_device *vnd = vnd_new(test, &c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	struct vdpa_callback cbs[5];
	u16 idx, cvq = mq ? 4 : 2;

	for (idx = 0; idx <= 4; idx++) {
		cbs[idx].callback = drv_cb;
		cbs[idx].private = &cbs[idx];
		ops->set_vq_cb(vdev, idx, &cbs[idx]);
		ops->set_vq_num(vdev, idx, 64);
		KUNIT_EXPECT_EQ(test, ops->set_vq_address(vdev, idx,
							  0x1000 * (idx + 1),
							  0x100000, 0x200000),
				0);
	}
	/* QEMU asks for the CVQ's group before SET_FEATURES: either index. */
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(vdev, 4), 1);
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(vdev, 2), 1);
	ops->set_vq_ready(vdev, 2, true);
	KUNIT_ASSERT_EQ(test, ops->set_driver_features(vdev, VF(VERSION_1) |
						       F(CTRL_VQ) |
						       (mq ? F(MQ) : 0)), 0);
	ops->set_status(vdev, S_FEATURES_OK);

	/* Every data index reached the parent, and nothing else. */
	KUNIT_EXPECT_EQ(test, fp->bad_idx, 0);
	KUNIT_EXPECT_EQ(test, fp->vq_seen, 0xf);
	/*
	 * Without MQ, queue 2 is the CVQ: the parent's gives it up, its
	 * callback and its ring addresses (cleared).
	 */
	KUNIT_EXPECT_EQ(test, fp->calls[FP_SET_VQ_ADDRESS], mq ? 4 : 5);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_SET_VQ_CB], mq ? 4 : 5);
	KUNIT_EXPECT_EQ(test, !!(fp->ready & BIT_ULL(2)), mq);
	KUNIT_EXPECT_EQ(test, ops->get_vq_ready(vdev, cvq), !mq);
	/* The CVQ has what was set on its index. */
	KUNIT_EXPECT_PTR_EQ(test, vnd->net->cvq.cfg.cb.private, (void *)&cbs[cvq]);
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.cfg.desc_addr, 0x1000 * (cvq + 1));
	KUNIT_EXPECT_EQ(test, vnd->net->cvq.cfg.num, 64);
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(vdev, cvq), 1);

	/* From FEATURES_OK on, the index is settled. */
	ops->set_vq_cb(vdev, 2, &cbs[0]);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_SET_VQ_CB], 5);
	KUNIT_EXPECT_PTR_EQ(test, vnd->net->cvq.cfg.cb.private,
			    (void *)(mq ? &cbs[4] : &cbs[0]));
	KUNIT_EXPECT_EQ(test, fp->bad_idx, 0);
}

static void mq_desc(const bool *b, char *desc)
{
	strscpy(desc, *b ? "MQ negotiated" : "no MQ", KUNIT_PARAM_DESC_SIZE);
}

static const bool mq_params[] = { true, false };

KUNIT_ARRAY_PARAM(mq, mq_params, mq_desc);

/*
 * A reset stops the control virtqueue before the parent resets: no
 * control callback runs while the parent resets, nor after it, even when
 * a kick comes in meanwhile.
 */
static void vnd_test_reset_stops_worker(struct kunit *test)
{
	static const struct vnd_cfg c = { "", 1, 1, 1, false, 0, 2, AS_PT };
	struct drv_ring *r = drv_ring_new(test);
	struct vdpa_net_device *vnd = vnd_new(test, &c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	struct vdpa_device *vdev = &vnd->vdpa;
	u16 cvq;

	cvq = cvq_start(test, vnd, &c, r);
	ops->set_status(vdev, S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	drv_post(r, cmd_mac1, sizeof(cmd_mac1));
	ops->kick_vq(vdev, cvq);
	KUNIT_ASSERT_TRUE(test, drv_wait_used(r, 1));
	/*
	 * After a batch the work looks again: let that run end first, or
	 * it may find the next command before the reset does.
	 */
	flush_work(&vnd->net->work);
	flush_work(&vnd->net->work);

	/* Posted, not kicked: the parent's reset kicks while it runs. */
	drv_post(r, cmd_mac2, sizeof(cmd_mac2));
	fp->hook_vdev = vdev;
	fp->hook_cvq = cvq;
	fp->slow_reset = true;
	KUNIT_EXPECT_EQ(test, ops->reset(vdev), 0);
	fp->slow_reset = false;
	msleep(50);
	KUNIT_EXPECT_EQ(test, fp->cbs_in_reset, 0);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_MAC_ADDR_SET], 1);
	KUNIT_EXPECT_EQ(test, drv_used_idx(r), 1);
}

/*
 * The driver polls the used ring, not the interrupt: once it sees a
 * command completed, the data path filters with what that command set,
 * even while a later command of the same batch is still running.
 */
static void vnd_test_cvq_filter_before_ack(struct kunit *test)
{
	static const struct vnd_cfg c = { "", 2, 1, 1, false, F(MQ), 4, AS_PT };
	struct drv_ring *r = drv_ring_new(test);
	struct vdpa_net_device *vnd = vnd_new(test, &c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	unsigned long flags;
	u8 mac[ETH_ALEN];
	u16 cvq;

	cvq = cvq_start(test, vnd, &c, r);
	ops->set_status(&vnd->vdpa, S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	fp->slow_pairs = true;
	drv_post(r, cmd_mac1, sizeof(cmd_mac1));
	drv_post(r, cmd_pairs2, sizeof(cmd_pairs2));
	ops->kick_vq(&vnd->vdpa, cvq);
	KUNIT_ASSERT_TRUE(test, drv_wait_used(r, 1));
	spin_lock_irqsave(&vnd->net->filter_lock, flags);
	ether_addr_copy(mac, vnd->net->filter.state.mac);
	spin_unlock_irqrestore(&vnd->net->filter_lock, flags);
	KUNIT_EXPECT_MEMEQ(test, mac, &cmd_mac1[2], ETH_ALEN);
	KUNIT_ASSERT_TRUE(test, drv_wait_used(r, 2));
}

/*
 * "vdpa dev add ... device_features": the provisioned mask decides the
 * control features too, even when it has none of them.
 */
static void vnd_test_provisioned_features(struct kunit *test)
{
	static const struct vnd_cfg c = { .pairs = 4, .ngroups = 1, .nas = 1 };
	struct vdpa_dev_set_config cfg = {
		.mask = BIT_ULL(VDPA_ATTR_DEV_FEATURES),
		.device_features = DATA_FEATURES,
	};
	static const struct {
		u64 mask;
		u64 want;
	} cases[] = {
		{ DATA_FEATURES, DATA_FEATURES },
		{ DATA_FEATURES | F(CTRL_VQ), DATA_FEATURES | F(CTRL_VQ) },
		{ DATA_FEATURES | F(CTRL_VQ) | F(MQ) | F(CTRL_RX),
		  DATA_FEATURES | F(CTRL_VQ) | F(MQ) },
		{ DATA_FEATURES | F(MQ), DATA_FEATURES },
	};
	struct vdpa_net_ctrl_limits limits;
	struct vdpa_device *vdev;
	struct fake_parent *fp;
	unsigned int i;

	fp_limits(&limits, c.pairs);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cfg.device_features = cases[i].mask;
		fp = fp_alloc(test, &c, 0, &limits, &cfg);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fp);
		/* The parent applies the mask to its own features. */
		fp->features = FP_FEATURES & cases[i].mask;
		vdev = &fp->vnd.vdpa;
		KUNIT_EXPECT_EQ(test, vdpa_net_device_ready(&fp->vnd), 0);
		KUNIT_EXPECT_EQ_MSG(test, vdev->config->get_device_features(vdev),
				    cases[i].want, "mask %#llx", cases[i].mask);
		put_device(&vdev->dev);
	}
}

/*
 * A vhost-vdpa user that maps nothing and points the CVQ at physical
 * addresses: the frontend must not read or write kernel memory for it.
 * Only a kernel driver (which asks for the CVQ's mapping token) gets the
 * identity map.
 */
static void vnd_test_cvq_no_map(struct kunit *test)
{
	static const struct vnd_cfg c = { "", 1, 1, 1, false, 0, 2, AS_NONE };
	struct drv_ring *r = drv_ring_new(test);
	struct vdpa_net_device *vnd = vnd_new(test, &c, 0);
	const struct vdpa_config_ops *ops = vnd_ops(vnd);
	struct fake_parent *fp = vnd_fp(vnd);
	unsigned int slot;
	u16 cvq;

	cvq = cvq_start(test, vnd, &c, r);
	ops->set_status(&vnd->vdpa, S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	slot = drv_post(r, cmd_mac1, sizeof(cmd_mac1));
	ops->kick_vq(&vnd->vdpa, cvq);
	msleep(100);
	KUNIT_EXPECT_EQ(test, drv_used_idx(r), 0);
	KUNIT_EXPECT_EQ(test, drv_ack(r, slot), 0xff);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_MAC_ADDR_SET], 0);
	/* Nor after a reset that cleans the maps (vhost-vdpa's open). */
	KUNIT_EXPECT_EQ(test, ops->compat_reset(&vnd->vdpa,
						VDPA_RESET_F_CLEAN_MAP), 0);
	cvq_start(test, vnd, &c, r);
	ops->set_status(&vnd->vdpa, S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	ops->kick_vq(&vnd->vdpa, cvq);
	msleep(100);
	KUNIT_EXPECT_EQ(test, drv_used_idx(r), 0);
	KUNIT_EXPECT_EQ(test, fp->calls[FP_MAC_ADDR_SET], 0);
}

static void broken_desc(const bool *b, char *desc)
{
	strscpy(desc, *b ? "after a good command" : "first",
		KUNIT_PARAM_DESC_SIZE);
}

static const bool broken_params[] = { false, true };

KUNIT_ARRAY_PARAM(broken, broken_params, broken_desc);

static void vnd_param_bool_desc(const bool *b, char *desc)
{
	strscpy(desc, *b ? "compat_reset" : "reset only",
		KUNIT_PARAM_DESC_SIZE);
}

static const bool compat_params[] = { true, false };

KUNIT_ARRAY_PARAM(compat, compat_params, vnd_param_bool_desc);

static struct kunit_case vdpa_net_device_cases[] = {
	KUNIT_CASE(vnd_test_alloc),
	KUNIT_CASE(vnd_test_alloc_nomem),
	KUNIT_CASE(vnd_test_set_mac),
	KUNIT_CASE_PARAM(vnd_test_layout, parent_cfg_gen_params),
	KUNIT_CASE(vnd_test_dma_dev),
	KUNIT_CASE(vnd_test_map_ops),
	KUNIT_CASE_PARAM(vnd_test_ops, ops_case_gen_params),
	KUNIT_CASE_PARAM(vnd_test_vq_index, vq_cfg_gen_params),
	KUNIT_CASE(vnd_test_cvq_bad_num),
	KUNIT_CASE_PARAM(vnd_test_group_asid, parent_cfg_gen_params),
	KUNIT_CASE(vnd_test_group_asid_no_parent_op),
	KUNIT_CASE(vnd_test_bad_parent_group),
	KUNIT_CASE_PARAM(vnd_test_maps, parent_cfg_gen_params),
	KUNIT_CASE_PARAM(vnd_test_map_errors, map_err_cfg_gen_params),
	KUNIT_CASE_PARAM(vnd_test_maps_reset, parent_cfg_gen_params),
	KUNIT_CASE_PARAM(vnd_test_device_features, features_case_gen_params),
	KUNIT_CASE_PARAM(vnd_test_driver_features, features_cfg_gen_params),
	KUNIT_CASE_PARAM(vnd_test_status_reset, compat_gen_params),
	KUNIT_CASE(vnd_test_suspend_resume),
	KUNIT_CASE_PARAM(vnd_test_cvq_e2e, e2e_cfg_gen_params),
	KUNIT_CASE(vnd_test_cvq_parent_refuses_driver_ok),
	KUNIT_CASE_PARAM(vnd_test_cvq_broken, broken_gen_params),
	KUNIT_CASE(vnd_test_cvq_event_idx),
	KUNIT_CASE_PARAM(vnd_test_routing_before_features_ok, mq_gen_params),
	KUNIT_CASE(vnd_test_reset_stops_worker),
	KUNIT_CASE(vnd_test_cvq_filter_before_ack),
	KUNIT_CASE(vnd_test_provisioned_features),
	KUNIT_CASE(vnd_test_cvq_no_map),
	{}
};

static struct kunit_suite vdpa_net_device_suite = {
	.name = "vdpa_net_device",
	.test_cases = vdpa_net_device_cases,
};

kunit_test_suite(vdpa_net_device_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for vdpa_net_device");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
