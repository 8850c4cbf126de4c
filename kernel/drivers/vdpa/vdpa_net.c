// SPDX-License-Identifier: GPL-2.0-only
/*
 * vdpa_net_device: a vDPA frontend that adds an emulated control
 * virtqueue to a virtio-net parent that has none.
 *
 * The parent's vdpa_device carries the data virtqueues and is never
 * registered; the frontend registers one of its own, with one more
 * virtqueue, group and address space, and forwards every op that does not
 * concern the control virtqueue.  See Documentation/driver-api/vdpa-net.rst.
 */

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vdpa_net.h>
#include <linux/virtio_net.h>
#include <uapi/linux/vdpa.h>
#include <uapi/linux/vhost_types.h>
#include <uapi/linux/virtio_config.h>

/* Control commands handled per run of the worker before it requeues. */
#define VDPA_NET_CVQ_BUDGET	64

static int max_iotlb_entries = 2048;
module_param(max_iotlb_entries, int, 0444);
MODULE_PARM_DESC(max_iotlb_entries,
		 "Maximum number of entries per address space map (default: 2048)");

/* Features that only mean something with a control virtqueue. */
#define VDPA_NET_CTRL_FEATURES	(BIT_ULL(VIRTIO_NET_F_CTRL_VQ) |	\
				 BIT_ULL(VIRTIO_NET_F_CTRL_RX) |	\
				 BIT_ULL(VIRTIO_NET_F_CTRL_VLAN) |	\
				 BIT_ULL(VIRTIO_NET_F_GUEST_ANNOUNCE) |	\
				 BIT_ULL(VIRTIO_NET_F_MQ) |		\
				 BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR) |	\
				 BIT_ULL(VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) | \
				 BIT_ULL(VIRTIO_NET_F_CTRL_RX_EXTRA) |	\
				 BIT_ULL(VIRTIO_NET_F_RSS) |		\
				 BIT_ULL(VIRTIO_NET_F_NOTF_COAL) |	\
				 BIT_ULL(VIRTIO_NET_F_VQ_NOTF_COAL) |	\
				 BIT_ULL(VIRTIO_NET_F_DEVICE_STATS))

/*
 * Features the frontend cannot give its own queue: vringh has no packed
 * ring, and the control virtqueue has no notification data.
 */
#define VDPA_NET_UNSUPPORTED	(BIT_ULL(VIRTIO_F_RING_PACKED) |	\
				 BIT_ULL(VIRTIO_F_NOTIFICATION_DATA))

static struct vdpa_net_device *to_vnd(struct vdpa_device *vdev)
{
	return container_of(vdev, struct vdpa_net_device, vdpa);
}

static u16 vnd_max_pairs(const struct vdpa_net_device *vnd)
{
	return vnd->ctrl.nc.limits.max_vq_pairs;
}

/*
 * The spec's control virtqueue index: 2N with MQ or RSS, else 2.  It
 * depends on the negotiated features, which are final at FEATURES_OK
 * only, and vhost-vdpa sets a virtqueue's callback, size and address
 * before SET_FEATURES.  Until FEATURES_OK the index is 2N, which cannot
 * be a data virtqueue, and index 2 of a multiqueue parent is the data
 * virtqueue it is, shadowed in @low in case it becomes the CVQ.
 */
static u16 vnd_cvq_index(const struct vdpa_net_device *vnd)
{
	if (!vnd->cvq_may_move)
		return 2;
	if (vnd->routed && !(vnd->features & (BIT_ULL(VIRTIO_NET_F_MQ) |
					      BIT_ULL(VIRTIO_NET_F_RSS))))
		return 2;
	return 2 * vnd_max_pairs(vnd);
}

/* Index 2 while it may still become the CVQ. */
static bool vnd_is_low(const struct vdpa_net_device *vnd, u16 idx)
{
	return idx == 2 && !vnd->routed && vnd->cvq_may_move;
}

static bool vnd_is_cvq(const struct vdpa_net_device *vnd, u16 idx)
{
	return idx == vnd_cvq_index(vnd);
}

/* A data virtqueue index the parent has (callers test for the CVQ first). */
static bool vnd_data_idx(const struct vdpa_net_device *vnd, u16 idx)
{
	return idx < 2 * vnd_max_pairs(vnd);
}

/* An index of the device: the CVQ or one of the parent's. */
static bool vnd_valid_idx(const struct vdpa_net_device *vnd, u16 idx)
{
	return vnd_is_cvq(vnd, idx) || vnd_data_idx(vnd, idx);
}

static unsigned int vnd_cvq_group(const struct vdpa_net_device *vnd)
{
	return vnd->parent->ngroups;
}

static unsigned int vnd_own_asid(const struct vdpa_net_device *vnd)
{
	return vnd->parent->nas;
}

static void vnd_publish_filter(struct vdpa_net_device *vnd)
{
	unsigned long flags;

	spin_lock_irqsave(&vnd->filter_lock, flags);
	vnd->filter = vnd->ctrl.nc;
	spin_unlock_irqrestore(&vnd->filter_lock, flags);
}

/* After each command, before its ack: the driver polls the used ring. */
static void vnd_state_changed(struct net_ctrl_vringh *ctx)
{
	vnd_publish_filter(container_of(ctx, struct vdpa_net_device, ctrl));
}

/* ---- the control virtqueue ---- */

/*
 * What the CVQ reads through.  A kernel driver (virtio_vdpa) maps it with
 * the DMA API on the frontend's own device, which has no IOMMU: physical
 * addresses, read through the identity map.  It is the only user of
 * get_vq_map(), which is how the frontend knows.  Anyone else (a
 * vhost-vdpa user) gets the address space the CVQ group is attached to,
 * and that holds only what was mapped into it.
 */
static struct vhost_iotlb *vnd_cvq_iotlb(struct vdpa_net_device *vnd)
{
	return vnd->kernel_map ? &vnd->pt_iotlb : &vnd->iotlb[vnd->cvq.asid];
}

static void vnd_cvq_setup(struct vdpa_net_device *vnd)
{
	struct vdpa_net_cvq *cvq = &vnd->cvq;
	const struct vdpa_net_vq *cfg = &cvq->cfg;

	/* Virtual addresses once an mm is bound (vhost-vdpa), else physical. */
	if (vnd->vdpa.use_va && vnd->mm)
		vringh_init_iotlb_va(&cvq->vring, vnd->features, cfg->num,
				     false, (void *)(uintptr_t)cfg->desc_addr,
				     (void *)(uintptr_t)cfg->driver_addr,
				     (void *)(uintptr_t)cfg->device_addr);
	else
		vringh_init_iotlb(&cvq->vring, vnd->features, cfg->num, false,
				  (void *)(uintptr_t)cfg->desc_addr,
				  (void *)(uintptr_t)cfg->driver_addr,
				  (void *)(uintptr_t)cfg->device_addr);
	vringh_set_iotlb(&cvq->vring, vnd_cvq_iotlb(vnd), &vnd->iotlb_lock);
	cvq->vring.last_avail_idx = cfg->avail_index;
	cvq->vring.last_used_idx = cfg->avail_index;
}

static bool vnd_cvq_runnable(struct vdpa_net_device *vnd)
{
	u8 status = vnd->parent_ops->get_status(vnd->parent);

	return vnd->cvq.live &&
	       (status & VIRTIO_CONFIG_S_DRIVER_OK) && !vnd->suspended &&
	       !(vnd->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static void vnd_cvq_notify(struct vdpa_net_device *vnd)
{
	/* The used ring is written: make it visible before the interrupt. */
	smp_wmb();
	local_bh_disable();
	if (vnd->cvq.cfg.cb.callback)
		vnd->cvq.cfg.cb.callback(vnd->cvq.cfg.cb.private);
	local_bh_enable();
}

/*
 * The control callbacks' contract, for lockdep: they may sleep, and they
 * must never take rtnl, because virtio_net waits for the ack with rtnl
 * held.  vnd_kick_vq() records "rtnl, then the CVQ" when it is called
 * with rtnl held; a callback that takes rtnl records the reverse order.
 */
#ifdef CONFIG_LOCKDEP
static struct lock_class_key vdpa_net_cvq_key;
static struct lockdep_map vdpa_net_cvq_map =
	STATIC_LOCKDEP_MAP_INIT("vdpa_net_cvq", &vdpa_net_cvq_key);
#endif

/*
 * One unbound workqueue for every device: a device costs a work item,
 * not a thread.  Its workers are ordinary kthreads: the 1-vCPU guest
 * whose virtio_net busy-waits for an ack still lets them run, since that
 * loop calls cond_resched().
 */
static struct workqueue_struct *vdpa_net_wq;

static void vnd_work(struct work_struct *work)
{
	struct vdpa_net_device *vnd =
		container_of(work, struct vdpa_net_device, work);
	struct mm_struct *mm = NULL;
	int done = 0;

	mutex_lock(&vnd->lock);
	if (!vnd_cvq_runnable(vnd))
		goto out;
	if (vnd->vdpa.use_va && vnd->mm) {
		mm = vnd->mm;
		if (!mmget_not_zero(mm))
			goto out;
		kthread_use_mm(mm);
	}

	lock_map_acquire(&vdpa_net_cvq_map);
	done = net_ctrl_vringh_handle_cvq(&vnd->ctrl, &vnd->cvq.vring,
					  vnd->ctrl_ops, vnd->parent,
					  VDPA_NET_CVQ_BUDGET);
	lock_map_release(&vdpa_net_cvq_map);
	if (mm) {
		kthread_unuse_mm(mm);
		mmput(mm);
	}
	if (done < 0) {
		dev_warn_ratelimited(&vnd->vdpa.dev,
				     "control virtqueue broken (%d): device needs reset\n",
				     done);
		vnd->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
		/* The spec wants a config change notification with it. */
		if (vnd->config_cb.callback)
			vnd->config_cb.callback(vnd->config_cb.private);
		goto out;
	}
	if (done)
		vnd_cvq_notify(vnd);
	/*
	 * Look again: more may be pending past the budget, or a broken head
	 * the library left for its next call, after the chains before it.
	 */
	if (done)
		queue_work(vdpa_net_wq, &vnd->work);
out:
	mutex_unlock(&vnd->lock);
}

static void vnd_kick(struct vdpa_net_device *vnd)
{
	queue_work(vdpa_net_wq, &vnd->work);
}

/* The state of a reset device, with the MAC of the config space. */
static void vnd_reset_state(struct vdpa_net_device *vnd)
{
	u8 mac[ETH_ALEN];

	if (!(vnd->parent_ops->get_device_features(vnd->parent) &
	      BIT_ULL(VIRTIO_NET_F_MAC))) {
		net_ctrl_vringh_reset(&vnd->ctrl, NULL);
		return;
	}
	vnd->parent_ops->get_config(vnd->parent,
				    offsetof(struct virtio_net_config, mac),
				    mac, ETH_ALEN);
	net_ctrl_vringh_reset(&vnd->ctrl, mac);
}

static void vnd_iotlb_clear(struct vdpa_net_device *vnd, unsigned int asid)
{
	vhost_iotlb_reset(&vnd->iotlb[asid]);
}

/* Back to the state of a new device; called with vnd->lock held. */
static void vnd_reset(struct vdpa_net_device *vnd, u32 flags)
{
	unsigned int i;

	lockdep_assert_held(&vnd->lock);
	memset(&vnd->cvq.cfg, 0, sizeof(vnd->cvq.cfg));
	memset(&vnd->low, 0, sizeof(vnd->low));
	vnd->cvq.live = false;
	vnd->routed = false;
	vnd->cvq.asid = 0;
	vnd->features = 0;
	vnd->status = 0;
	vnd->suspended = false;
	vnd_reset_state(vnd);
	spin_lock(&vnd->iotlb_lock);
	if (flags & VDPA_RESET_F_CLEAN_MAP)
		for (i = 0; i <= vnd_own_asid(vnd); i++)
			vnd_iotlb_clear(vnd, i);
	vnd->kernel_map = false;
	spin_unlock(&vnd->iotlb_lock);
}

/* ---- virtqueue ops ---- */

/*
 * The frontend's lock is taken for the CVQ, and for index 2 while it may
 * still become the CVQ.  Any other data index goes to the parent without
 * it, so that setting up the data queues never waits behind a slow
 * control callback.  Routing changes only at FEATURES_OK and at reset,
 * which the bus drivers serialize with queue setup.
 */
static bool vnd_locked_idx(const struct vdpa_net_device *vnd, u16 idx)
{
	return vnd_is_cvq(vnd, idx) || vnd_is_low(vnd, idx);
}

static int vnd_set_vq_address(struct vdpa_device *vdev, u16 idx,
			      u64 desc_area, u64 driver_area, u64 device_area)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	struct vdpa_net_vq *vq = NULL;
	int err = 0;

	if (!vnd_valid_idx(vnd, idx))
		return -EINVAL;
	if (!vnd_locked_idx(vnd, idx))
		return vnd->parent_ops->set_vq_address(vnd->parent, idx,
						       desc_area, driver_area,
						       device_area);
	mutex_lock(&vnd->lock);
	if (vnd_is_cvq(vnd, idx)) {
		vq = &vnd->cvq.cfg;
	} else {
		err = vnd->parent_ops->set_vq_address(vnd->parent, idx,
						      desc_area, driver_area,
						      device_area);
		if (!err)
			vq = &vnd->low;
	}
	if (vq) {
		vq->desc_addr = desc_area;
		vq->driver_addr = driver_area;
		vq->device_addr = device_area;
	}
	mutex_unlock(&vnd->lock);
	return err;
}

static void vnd_set_vq_num(struct vdpa_device *vdev, u16 idx, u32 num)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (!vnd_valid_idx(vnd, idx))
		return;
	if (!vnd_locked_idx(vnd, idx)) {
		vnd->parent_ops->set_vq_num(vnd->parent, idx, num);
		return;
	}
	mutex_lock(&vnd->lock);
	if (vnd_is_cvq(vnd, idx)) {
		vnd->cvq.cfg.num = num;
	} else {
		vnd->parent_ops->set_vq_num(vnd->parent, idx, num);
		vnd->low.num = num;
	}
	mutex_unlock(&vnd->lock);
}

static void vnd_kick_vq(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	/* May be called in atomic context: the work does the rest. */
	if (vnd_is_cvq(vnd, idx)) {
		/* virtio_net kicks, then waits, with rtnl held. */
		if (in_task() && lockdep_rtnl_is_held()) {
			lock_map_acquire_read(&vdpa_net_cvq_map);
			lock_map_release(&vdpa_net_cvq_map);
		}
		vnd_kick(vnd);
	} else if (vnd_data_idx(vnd, idx)) {
		vnd->parent_ops->kick_vq(vnd->parent, idx);
	}
}

/* VIRTIO_F_NOTIFICATION_DATA: the low 16 bits are the index. */
static void vnd_kick_vq_with_data(struct vdpa_device *vdev, u32 data)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	u16 idx = data & 0xffff;

	if (vnd_is_cvq(vnd, idx))
		vnd_kick(vnd);
	else if (vnd_data_idx(vnd, idx))
		vnd->parent_ops->kick_vq_with_data(vnd->parent, data);
}

static void vnd_set_vq_cb(struct vdpa_device *vdev, u16 idx,
			  struct vdpa_callback *cb)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (!vnd_valid_idx(vnd, idx))
		return;
	if (!vnd_locked_idx(vnd, idx)) {
		vnd->parent_ops->set_vq_cb(vnd->parent, idx, cb);
		return;
	}
	mutex_lock(&vnd->lock);
	if (vnd_is_cvq(vnd, idx)) {
		vnd->cvq.cfg.cb = *cb;
	} else {
		vnd->parent_ops->set_vq_cb(vnd->parent, idx, cb);
		vnd->low.cb = *cb;
	}
	mutex_unlock(&vnd->lock);
}

/* A size the ring and the parent can have; called with vnd->lock held. */
static bool vnd_cvq_num_ok(struct vdpa_net_device *vnd)
{
	u32 num = vnd->cvq.cfg.num;

	if (is_power_of_2(num) &&
	    num <= vnd->parent_ops->get_vq_num_max(vnd->parent))
		return true;
	dev_warn(&vnd->vdpa.dev, "bad control virtqueue size %u\n", num);
	return false;
}

/* Set the ring up once it is enabled and its index is settled. */
static void vnd_cvq_start(struct vdpa_net_device *vnd)
{
	lockdep_assert_held(&vnd->lock);
	if (vnd->cvq.cfg.ready && vnd->routed && !vnd->cvq.live) {
		vnd_cvq_setup(vnd);
		vnd->cvq.live = true;
	}
}

static void vnd_set_vq_ready(struct vdpa_device *vdev, u16 idx, bool ready)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (!vnd_valid_idx(vnd, idx))
		return;
	if (!vnd_locked_idx(vnd, idx)) {
		vnd->parent_ops->set_vq_ready(vnd->parent, idx, ready);
		return;
	}
	mutex_lock(&vnd->lock);
	if (!vnd_is_cvq(vnd, idx)) {
		vnd->parent_ops->set_vq_ready(vnd->parent, idx, ready);
		vnd->low.ready = ready;
		mutex_unlock(&vnd->lock);
		return;
	}
	if (ready && !vnd->cvq.cfg.ready) {
		if (!vnd_cvq_num_ok(vnd)) {
			mutex_unlock(&vnd->lock);
			return;
		}
		vnd->cvq.cfg.ready = true;
		vnd_cvq_start(vnd);
	} else if (!ready && vnd->cvq.cfg.ready) {
		/* Keep the index for a later get_vq_state. */
		if (vnd->cvq.live)
			vnd->cvq.cfg.avail_index = vnd->cvq.vring.last_avail_idx;
		vnd->cvq.live = false;
		vnd->cvq.cfg.ready = false;
	}
	mutex_unlock(&vnd->lock);
	if (ready)
		vnd_kick(vnd);
}

static bool vnd_get_vq_ready(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (vnd_is_cvq(vnd, idx))
		return vnd->cvq.cfg.ready;
	if (!vnd_data_idx(vnd, idx))
		return false;
	return vnd->parent_ops->get_vq_ready(vnd->parent, idx);
}

static int vnd_set_vq_state(struct vdpa_device *vdev, u16 idx,
			    const struct vdpa_vq_state *state)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	int err = 0;

	if (!vnd_valid_idx(vnd, idx))
		return -EINVAL;
	if (!vnd_locked_idx(vnd, idx))
		return vnd->parent_ops->set_vq_state(vnd->parent, idx, state);
	mutex_lock(&vnd->lock);
	if (vnd_is_cvq(vnd, idx)) {
		vnd->cvq.cfg.avail_index = state->split.avail_index;
		if (vnd->cvq.live) {
			vnd->cvq.vring.last_avail_idx = state->split.avail_index;
			vnd->cvq.vring.last_used_idx = state->split.avail_index;
		}
	} else {
		err = vnd->parent_ops->set_vq_state(vnd->parent, idx, state);
		if (!err)
			vnd->low.avail_index = state->split.avail_index;
	}
	mutex_unlock(&vnd->lock);
	return err;
}

static int vnd_get_vq_state(struct vdpa_device *vdev, u16 idx,
			    struct vdpa_vq_state *state)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (!vnd_is_cvq(vnd, idx)) {
		if (!vnd_data_idx(vnd, idx))
			return -EINVAL;
		return vnd->parent_ops->get_vq_state(vnd->parent, idx, state);
	}
	mutex_lock(&vnd->lock);
	state->split.avail_index = vnd->cvq.live ?
				   vnd->cvq.vring.last_avail_idx :
				   vnd->cvq.cfg.avail_index;
	mutex_unlock(&vnd->lock);
	return 0;
}

static int vnd_get_vendor_vq_stats(struct vdpa_device *vdev, u16 idx,
				   struct sk_buff *msg,
				   struct netlink_ext_ack *extack)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (vnd_is_cvq(vnd, idx))
		return net_ctrl_vringh_fill_vstats(&vnd->ctrl, msg);
	if (!vnd_data_idx(vnd, idx) || !vnd->parent_ops->get_vendor_vq_stats)
		return -EOPNOTSUPP;
	return vnd->parent_ops->get_vendor_vq_stats(vnd->parent, idx, msg,
						    extack);
}

static struct vdpa_notification_area
vnd_get_vq_notification(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	struct vdpa_notification_area none = {};

	/* The control virtqueue has no doorbell to map. */
	if (!vnd_data_idx(vnd, idx) || vnd_is_cvq(vnd, idx) ||
	    !vnd->parent_ops->get_vq_notification)
		return none;
	return vnd->parent_ops->get_vq_notification(vnd->parent, idx);
}

static int vnd_get_vq_irq(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (!vnd_data_idx(vnd, idx) || vnd_is_cvq(vnd, idx) ||
	    !vnd->parent_ops->get_vq_irq)
		return -EOPNOTSUPP;
	return vnd->parent_ops->get_vq_irq(vnd->parent, idx);
}

static u16 vnd_get_vq_num_max(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_vq_num_max(vnd->parent);
}

static u16 vnd_get_vq_size(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (vnd_is_cvq(vnd, idx))
		return vnd_get_vq_num_max(vdev);
	if (!vnd_data_idx(vnd, idx))
		return 0;
	if (vnd->parent_ops->get_vq_size)
		return vnd->parent_ops->get_vq_size(vnd->parent, idx);
	return vnd_get_vq_num_max(vdev);
}

/*
 * Before FEATURES_OK, index 2 answers as the CVQ too: QEMU asks for the
 * group of the CVQ it computed from the guest's features (2 without MQ)
 * before it sets them, to attach that group to its own address space.
 */
static u32 vnd_get_vq_group(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (vnd_is_cvq(vnd, idx) || vnd_is_low(vnd, idx))
		return vnd_cvq_group(vnd);
	if (!vnd_data_idx(vnd, idx) || !vnd->parent_ops->get_vq_group)
		return 0;
	return vnd->parent_ops->get_vq_group(vnd->parent, idx);
}

static u32 vnd_get_vq_desc_group(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (vnd_is_cvq(vnd, idx) || vnd_is_low(vnd, idx))
		return vnd_cvq_group(vnd);
	if (!vnd_data_idx(vnd, idx))
		return 0;
	return vnd->parent_ops->get_vq_desc_group(vnd->parent, idx);
}

static int vnd_set_vq_affinity(struct vdpa_device *vdev, u16 idx,
			       const struct cpumask *cpu_mask)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (!vnd_data_idx(vnd, idx) || vnd_is_cvq(vnd, idx) ||
	    !vnd->parent_ops->set_vq_affinity)
		return 0;
	return vnd->parent_ops->set_vq_affinity(vnd->parent, idx, cpu_mask);
}

static const struct cpumask *vnd_get_vq_affinity(struct vdpa_device *vdev,
						 u16 idx)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (!vnd_data_idx(vnd, idx) || vnd_is_cvq(vnd, idx) ||
	    !vnd->parent_ops->get_vq_affinity)
		return cpu_possible_mask;
	return vnd->parent_ops->get_vq_affinity(vnd->parent, idx);
}

/* ---- device ops ---- */

static u32 vnd_get_vq_align(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_vq_align(vnd->parent);
}

/**
 * vdpa_net_device_features - the features a frontend device offers
 * @parent_features: the parent's device features
 * @ctrl_ops: the parent's control command callbacks
 * @limits: the parent's limits
 *
 * The parent's features without any control virtqueue feature (and
 * without the ring features the emulated queue cannot follow), plus
 * VIRTIO_NET_F_CTRL_VQ and what net_ctrl_features() derives from
 * @ctrl_ops and @limits.  RSS and HASH_REPORT also need the parent's data
 * path, so they are offered only when the parent offers them too.
 *
 * A parent may list control features among its own, typically the
 * features provisioned with "vdpa dev add ... device_features": the
 * frontend then offers only those of the derived ones.  So a management
 * device can advertise this function's result as its supported_features
 * and hand the provisioned mask to its parent unchanged.
 *
 * Return: the VIRTIO_NET_F_* and VIRTIO_F_* bits.
 */
u64 vdpa_net_device_features(u64 parent_features,
			     const struct net_ctrl_ops *ctrl_ops,
			     const struct net_ctrl_limits *limits)
{
	u64 datapath = BIT_ULL(VIRTIO_NET_F_RSS) |
		       BIT_ULL(VIRTIO_NET_F_HASH_REPORT);
	u64 derived = net_ctrl_features(ctrl_ops, limits);

	/* RSS and HASH_REPORT say what the data path can do, not a mask. */
	if (parent_features & VDPA_NET_CTRL_FEATURES & ~datapath)
		derived &= parent_features | datapath;
	/* No control feature means anything without the queue. */
	if (!(derived & BIT_ULL(VIRTIO_NET_F_CTRL_VQ)))
		derived = 0;

	return (parent_features & ~VDPA_NET_CTRL_FEATURES &
		~VDPA_NET_UNSUPPORTED & ~datapath) |
	       (derived & ~datapath) | (derived & parent_features & datapath);
}
EXPORT_SYMBOL_GPL(vdpa_net_device_features);

static u64 vnd_get_device_features(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	u64 f;

	f = vdpa_net_device_features(vnd->parent_ops->get_device_features(vnd->parent),
				     vnd->ctrl_ops, &vnd->ctrl.nc.limits);
	/* "vdpa dev add ... device_features" decides the control bits too. */
	f &= vnd->provisioned;
	if (!(f & BIT_ULL(VIRTIO_NET_F_CTRL_VQ)))
		f &= ~VDPA_NET_CTRL_FEATURES;
	return f;
}

static u64 vnd_get_backend_features(const struct vdpa_device *vdev)
{
	const struct vdpa_net_device *vnd =
		container_of(vdev, struct vdpa_net_device, vdpa);

	if (!vnd->parent_ops->get_backend_features)
		return 0;
	return vnd->parent_ops->get_backend_features(vnd->parent);
}

static int vnd_set_driver_features(struct vdpa_device *vdev, u64 features)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	int err;

	/*
	 * Final from FEATURES_OK to the next reset: the CVQ's index and the
	 * commands depend on them.  (vdpa_get_config() sets them to 0 when
	 * nobody set them, even after a userspace client set FEATURES_OK.)
	 */
	if (vnd->routed)
		return -EBUSY;
	features &= vnd_get_device_features(vdev);
	err = vnd->parent_ops->set_driver_features(vnd->parent, features &
						   ~VDPA_NET_CTRL_FEATURES);
	if (err)
		return err;
	mutex_lock(&vnd->lock);
	vnd->features = features;
	net_ctrl_vringh_set_features(&vnd->ctrl, features);
	mutex_unlock(&vnd->lock);
	return 0;
}

static u64 vnd_get_driver_features(struct vdpa_device *vdev)
{
	return to_vnd(vdev)->features;
}

static void vnd_set_config_cb(struct vdpa_device *vdev,
			      struct vdpa_callback *cb)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	mutex_lock(&vnd->lock);
	vnd->config_cb = *cb;
	mutex_unlock(&vnd->lock);
	vnd->parent_ops->set_config_cb(vnd->parent, cb);
}

static u16 vnd_get_vq_num_min(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (!vnd->parent_ops->get_vq_num_min)
		return 1;
	return vnd->parent_ops->get_vq_num_min(vnd->parent);
}

static u32 vnd_get_device_id(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_device_id(vnd->parent);
}

static u32 vnd_get_vendor_id(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_vendor_id(vnd->parent);
}

static u8 vnd_get_status(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_status(vnd->parent) | vnd->status;
}

/*
 * FEATURES_OK: the features are final, and so is the CVQ index.  If it is
 * 2 on a multiqueue parent, the CVQ takes what was set on index 2 until
 * now; if 2N, it has it already.
 */
static void vnd_route(struct vdpa_net_device *vnd)
{
	struct vdpa_callback none = {};

	lockdep_assert_held(&vnd->lock);
	if (vnd->routed)
		return;
	vnd->routed = true;
	if (vnd->cvq_may_move && vnd_cvq_index(vnd) == 2) {
		/* Queue 2 is the CVQ: the parent's queue 2 gives it up. */
		vnd->cvq.cfg = vnd->low;
		if (vnd->low.ready)
			vnd->parent_ops->set_vq_ready(vnd->parent, 2, false);
		if (vnd->low.cb.callback)
			vnd->parent_ops->set_vq_cb(vnd->parent, 2, &none);
	}
	memset(&vnd->low, 0, sizeof(vnd->low));
	if (vnd->cvq.cfg.ready && !vnd_cvq_num_ok(vnd))
		vnd->cvq.cfg.ready = false;
	vnd_cvq_start(vnd);
}

static void vnd_set_status(struct vdpa_device *vdev, u8 status)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	vnd->parent_ops->set_status(vnd->parent,
				    status & ~VIRTIO_CONFIG_S_NEEDS_RESET);
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    (vnd->parent_ops->get_status(vnd->parent) &
	     VIRTIO_CONFIG_S_FEATURES_OK)) {
		mutex_lock(&vnd->lock);
		vnd_route(vnd);
		mutex_unlock(&vnd->lock);
	}
	/* Kicks may have come before DRIVER_OK. */
	if (status & VIRTIO_CONFIG_S_DRIVER_OK)
		vnd_kick(vnd);
}

static int vnd_compat_reset(struct vdpa_device *vdev, u32 flags)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	int err;

	/*
	 * Hold the CVQ off the parent while it resets: the work waits for
	 * the lock, then finds the CVQ disabled.
	 */
	mutex_lock(&vnd->lock);
	if (vnd->parent_ops->compat_reset)
		err = vnd->parent_ops->compat_reset(vnd->parent, flags);
	else
		err = vnd->parent_ops->reset(vnd->parent);
	vnd_reset(vnd, flags);
	mutex_unlock(&vnd->lock);
	return err;
}

static int vnd_reset_op(struct vdpa_device *vdev)
{
	return vnd_compat_reset(vdev, 0);
}

static int vnd_suspend(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	int err;

	if (!vnd->parent_ops->suspend)
		return -EOPNOTSUPP;
	mutex_lock(&vnd->lock);
	vnd->suspended = true;
	mutex_unlock(&vnd->lock);
	flush_work(&vnd->work);
	err = vnd->parent_ops->suspend(vnd->parent);
	if (err) {
		mutex_lock(&vnd->lock);
		vnd->suspended = false;
		mutex_unlock(&vnd->lock);
		/* Kicks that came meanwhile found the CVQ suspended. */
		vnd_kick(vnd);
	}
	return err;
}

static int vnd_resume(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	int err;

	if (!vnd->parent_ops->resume)
		return -EOPNOTSUPP;
	/*
	 * A suspended parent keeps its state: nothing to replay.  (A parent
	 * that lost it was reset, and its driver sets it again through the
	 * CVQ, as a VMM does on a migration destination.)
	 */
	err = vnd->parent_ops->resume(vnd->parent);
	if (err)
		return err;
	mutex_lock(&vnd->lock);
	vnd->suspended = false;
	mutex_unlock(&vnd->lock);
	vnd_kick(vnd);
	return 0;
}

static size_t vnd_get_config_size(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_config_size(vnd->parent);
}

static void vnd_get_config(struct vdpa_device *vdev, unsigned int offset,
			   void *buf, unsigned int len)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	vnd->parent_ops->get_config(vnd->parent, offset, buf, len);
}

static void vnd_set_config(struct vdpa_device *vdev, unsigned int offset,
			   const void *buf, unsigned int len)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	vnd->parent_ops->set_config(vnd->parent, offset, buf, len);
}

static u32 vnd_get_generation(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (!vnd->parent_ops->get_generation)
		return 0;
	return vnd->parent_ops->get_generation(vnd->parent);
}

static struct vdpa_iova_range vnd_get_iova_range(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	struct vdpa_iova_range all = { .first = 0, .last = ULLONG_MAX };

	if (!vnd->parent_ops->get_iova_range)
		return all;
	return vnd->parent_ops->get_iova_range(vnd->parent);
}

/* ---- DMA ops: routed per address space ---- */

/*
 * Drop from the mirror what @to does not map the same way: vhost-vdpa
 * has dropped it (an unmap), whether or not the parent took the new map.
 */
static void __vnd_iotlb_trim(struct vhost_iotlb *mirror, struct vhost_iotlb *to)
{
	struct vhost_iotlb_map *map, *next, *m;

	for (map = vhost_iotlb_itree_first(mirror, 0, ULLONG_MAX); map;
	     map = next) {
		next = vhost_iotlb_itree_next(map, 0, ULLONG_MAX);
		m = vhost_iotlb_itree_first(to, map->start, map->last);
		if (m && m->start <= map->start && m->last >= map->last &&
		    m->addr + (map->start - m->start) == map->addr &&
		    (m->perm & map->perm) == map->perm)
			continue;
		vhost_iotlb_map_free(mirror, map);
	}
}

/*
 * Make the mirror @iotlb: what it lacks goes first, then what it adds.
 * On failure the mirror holds part of @iotlb, never more.
 */
static int vnd_iotlb_update(struct vdpa_net_device *vnd, unsigned int asid,
			    struct vhost_iotlb *iotlb)
{
	struct vhost_iotlb *mirror = &vnd->iotlb[asid];
	struct vhost_iotlb_map *map;
	int err = 0;

	spin_lock(&vnd->iotlb_lock);
	__vnd_iotlb_trim(mirror, iotlb);
	for (map = vhost_iotlb_itree_first(iotlb, 0, ULLONG_MAX); map;
	     map = vhost_iotlb_itree_next(map, 0, ULLONG_MAX)) {
		vhost_iotlb_del_range(mirror, map->start, map->last);
		err = vhost_iotlb_add_range(mirror, map->start, map->last,
					    map->addr, map->perm);
		if (err)
			break;
	}
	spin_unlock(&vnd->iotlb_lock);
	return err;
}

static int vnd_set_map(struct vdpa_device *vdev, unsigned int asid,
		       struct vhost_iotlb *iotlb)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	int err;

	if (asid > vnd_own_asid(vnd))
		return -EINVAL;
	if (asid == vnd_own_asid(vnd)) {
		err = vnd_iotlb_update(vnd, asid, iotlb);
		if (err) {
			/* vhost-vdpa unpins the new range: keep none of it. */
			spin_lock(&vnd->iotlb_lock);
			vnd_iotlb_clear(vnd, asid);
			spin_unlock(&vnd->iotlb_lock);
		}
		return err;
	}
	err = vnd->parent_ops->set_map(vnd->parent, asid, iotlb);
	if (err) {
		spin_lock(&vnd->iotlb_lock);
		__vnd_iotlb_trim(&vnd->iotlb[asid], iotlb);
		spin_unlock(&vnd->iotlb_lock);
		return err;
	}
	/*
	 * The parent took it, and vhost-vdpa keeps it pinned as long as we
	 * say so.  A mirror that could not take all of it (more entries than
	 * max_iotlb_entries) holds part of it: the CVQ may fail to read
	 * there, but never reads beyond the map.
	 */
	if (vnd_iotlb_update(vnd, asid, iotlb))
		dev_warn_ratelimited(&vdev->dev,
				     "address space %u: map too large for the control virtqueue's copy\n",
				     asid);
	return 0;
}

static int vnd_dma_map(struct vdpa_device *vdev, unsigned int asid, u64 iova,
		       u64 size, u64 pa, u32 perm, void *opaque)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	int err;

	if (asid > vnd_own_asid(vnd) || !size)
		return -EINVAL;
	if (asid < vnd_own_asid(vnd)) {
		err = vnd->parent_ops->dma_map(vnd->parent, asid, iova, size,
					       pa, perm, opaque);
		if (err)
			return err;
	}
	spin_lock(&vnd->iotlb_lock);
	err = vhost_iotlb_add_range(&vnd->iotlb[asid], iova, iova + size - 1,
				    pa, perm);
	spin_unlock(&vnd->iotlb_lock);
	if (err && asid < vnd_own_asid(vnd))
		vnd->parent_ops->dma_unmap(vnd->parent, asid, iova, size);
	return err;
}

static int vnd_dma_unmap(struct vdpa_device *vdev, unsigned int asid,
			 u64 iova, u64 size)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	int err = 0;

	if (asid > vnd_own_asid(vnd) || !size)
		return -EINVAL;
	if (asid < vnd_own_asid(vnd))
		err = vnd->parent_ops->dma_unmap(vnd->parent, asid, iova, size);
	/*
	 * Even when the parent failed: vhost-vdpa dropped the range, and
	 * the CVQ must not reach memory its owner unmapped.
	 */
	spin_lock(&vnd->iotlb_lock);
	vhost_iotlb_del_range(&vnd->iotlb[asid], iova, iova + size - 1);
	spin_unlock(&vnd->iotlb_lock);
	return err;
}

static int vnd_reset_map(struct vdpa_device *vdev, unsigned int asid)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	int err;

	if (asid > vnd_own_asid(vnd))
		return -EINVAL;
	if (asid < vnd_own_asid(vnd) && vnd->parent_ops->reset_map) {
		err = vnd->parent_ops->reset_map(vnd->parent, asid);
		if (err)
			return err;
	}
	spin_lock(&vnd->iotlb_lock);
	vnd_iotlb_clear(vnd, asid);
	spin_unlock(&vnd->iotlb_lock);
	return 0;
}

static int vnd_set_group_asid(struct vdpa_device *vdev, unsigned int group,
			      unsigned int asid)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (group > vnd_cvq_group(vnd) || asid > vnd_own_asid(vnd))
		return -EINVAL;
	if (group == vnd_cvq_group(vnd)) {
		mutex_lock(&vnd->lock);
		vnd->cvq.asid = asid;
		spin_lock(&vnd->iotlb_lock);
		vringh_set_iotlb(&vnd->cvq.vring, vnd_cvq_iotlb(vnd),
				 &vnd->iotlb_lock);
		spin_unlock(&vnd->iotlb_lock);
		mutex_unlock(&vnd->lock);
		return 0;
	}
	/* The frontend's own address space is for the control group only. */
	if (asid == vnd_own_asid(vnd))
		return -EINVAL;
	if (!vnd->parent_ops->set_group_asid)
		return asid ? -EINVAL : 0;
	return vnd->parent_ops->set_group_asid(vnd->parent, group, asid);
}

/*
 * The mapping token of a virtqueue (Linux 6.18 map model).  The frontend
 * only takes parents that use the DMA API (no map ops, see
 * vdpa_net_device_alloc()), so a token is a DMA device.  The control
 * virtqueue's is the frontend's own device, which has no IOMMU: what the
 * driver maps there is a physical address, that the frontend translates
 * through the control virtqueue's address space.  The data virtqueues
 * keep the parent's.
 */
static union virtio_map vnd_get_vq_map(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	union virtio_map map = { .dma_dev = &vdev->dev };

	if (vnd_is_cvq(vnd, idx)) {
		/* A kernel driver: see vnd_cvq_iotlb(). */
		mutex_lock(&vnd->lock);
		spin_lock(&vnd->iotlb_lock);
		vnd->kernel_map = true;
		vringh_set_iotlb(&vnd->cvq.vring, vnd_cvq_iotlb(vnd),
				 &vnd->iotlb_lock);
		spin_unlock(&vnd->iotlb_lock);
		mutex_unlock(&vnd->lock);
		return map;
	}
	if (vnd_data_idx(vnd, idx) && vnd->parent_ops->get_vq_map)
		return vnd->parent_ops->get_vq_map(vnd->parent, idx);
	return vdev->vmap;
}

static int vnd_bind_mm(struct vdpa_device *vdev, struct mm_struct *mm)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	int err = 0;

	if (vnd->parent_ops->bind_mm)
		err = vnd->parent_ops->bind_mm(vnd->parent, mm);
	if (err)
		return err;
	mutex_lock(&vnd->lock);
	if (vnd->mm)
		mmdrop(vnd->mm);
	mmgrab(mm);
	vnd->mm = mm;
	mutex_unlock(&vnd->lock);
	return 0;
}

static void vnd_unbind_mm(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	if (vnd->parent_ops->unbind_mm)
		vnd->parent_ops->unbind_mm(vnd->parent);
	mutex_lock(&vnd->lock);
	if (vnd->mm)
		mmdrop(vnd->mm);
	vnd->mm = NULL;
	mutex_unlock(&vnd->lock);
}

static void vnd_free(struct vdpa_device *vdev)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);
	unsigned int i;

	cancel_work_sync(&vnd->work);
	if (vnd->mm)
		mmdrop(vnd->mm);
	if (vnd->iotlb) {
		for (i = 0; i <= vnd_own_asid(vnd); i++)
			vhost_iotlb_reset(&vnd->iotlb[i]);
		kfree(vnd->iotlb);
	}
	vhost_iotlb_reset(&vnd->pt_iotlb);
	net_ctrl_vringh_cleanup(&vnd->ctrl);
	dev_set_drvdata(&vnd->parent->dev, NULL);
	put_device(&vnd->parent->dev);
	/* The last use of the ops: the vdpa core only kfree()s the device. */
	kfree(vnd->ops);
}

/*
 * Every op the frontend has.  vnd_build_ops() keeps, for each device, the
 * ones its parent can back: vhost-vdpa derives backend features from
 * which ops exist (SUSPEND, RESUME, IOTLB_PERSIST), so an op the parent
 * lacks must be missing here too.
 */
static const struct vdpa_config_ops vdpa_net_ops = {
	/* Routed: the CVQ here, the data virtqueues to the parent. */
	.set_vq_address		= vnd_set_vq_address,
	.set_vq_num		= vnd_set_vq_num,
	.kick_vq		= vnd_kick_vq,
	.kick_vq_with_data	= vnd_kick_vq_with_data,	/* parent's */
	.set_vq_cb		= vnd_set_vq_cb,
	.set_vq_ready		= vnd_set_vq_ready,
	.get_vq_ready		= vnd_get_vq_ready,
	.set_vq_state		= vnd_set_vq_state,
	.get_vq_state		= vnd_get_vq_state,
	.get_vendor_vq_stats	= vnd_get_vendor_vq_stats,
	.get_vq_notification	= vnd_get_vq_notification,	/* parent's */
	.get_vq_irq		= vnd_get_vq_irq,		/* parent's */
	.get_vq_size		= vnd_get_vq_size,
	.get_vq_group		= vnd_get_vq_group,
	.get_vq_desc_group	= vnd_get_vq_desc_group,	/* parent's */
	.set_vq_affinity	= vnd_set_vq_affinity,		/* parent's */
	.get_vq_affinity	= vnd_get_vq_affinity,		/* parent's */
	.get_vq_map		= vnd_get_vq_map,
	/* Device: forwarded, with the CVQ's features and status added. */
	.get_vq_align		= vnd_get_vq_align,
	.get_device_features	= vnd_get_device_features,
	.get_backend_features	= vnd_get_backend_features,	/* parent's */
	.set_driver_features	= vnd_set_driver_features,
	.get_driver_features	= vnd_get_driver_features,
	.set_config_cb		= vnd_set_config_cb,
	.get_vq_num_max		= vnd_get_vq_num_max,
	.get_vq_num_min		= vnd_get_vq_num_min,		/* parent's */
	.get_device_id		= vnd_get_device_id,
	.get_vendor_id		= vnd_get_vendor_id,
	.get_status		= vnd_get_status,
	.set_status		= vnd_set_status,
	.reset			= vnd_reset_op,
	.compat_reset		= vnd_compat_reset,
	.suspend		= vnd_suspend,			/* parent's */
	.resume			= vnd_resume,			/* parent's */
	.get_config_size	= vnd_get_config_size,
	.get_config		= vnd_get_config,
	.set_config		= vnd_set_config,
	.get_generation		= vnd_get_generation,		/* parent's */
	.get_iova_range		= vnd_get_iova_range,		/* parent's */
	/* Address spaces: the parent's mirrored, plus the frontend's own. */
	.set_map		= vnd_set_map,			/* parent's */
	.dma_map		= vnd_dma_map,			/* parent's */
	.dma_unmap		= vnd_dma_unmap,		/* parent's */
	.reset_map		= vnd_reset_map,		/* parent's */
	.set_group_asid		= vnd_set_group_asid,
	.bind_mm		= vnd_bind_mm,			/* see below */
	.unbind_mm		= vnd_unbind_mm,
	.free			= vnd_free,
};

#define VND_PARENTS(ops, p, member)					\
	do {								\
		if (!(p)->member)					\
			(ops)->member = NULL;				\
	} while (0)

/* The ops of a device on @parent; kfree() them after the device. */
static struct vdpa_config_ops *vnd_build_ops(const struct vdpa_device *parent)
{
	const struct vdpa_config_ops *p = parent->config;
	struct vdpa_config_ops *ops;

	ops = kmemdup(&vdpa_net_ops, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return NULL;
	VND_PARENTS(ops, p, kick_vq_with_data);
	VND_PARENTS(ops, p, get_vq_notification);
	VND_PARENTS(ops, p, get_vq_irq);
	VND_PARENTS(ops, p, get_vq_desc_group);
	VND_PARENTS(ops, p, set_vq_affinity);
	VND_PARENTS(ops, p, get_vq_affinity);
	VND_PARENTS(ops, p, get_backend_features);
	VND_PARENTS(ops, p, get_vq_num_min);
	VND_PARENTS(ops, p, suspend);
	VND_PARENTS(ops, p, resume);
	VND_PARENTS(ops, p, get_generation);
	VND_PARENTS(ops, p, get_iova_range);
	/*
	 * reset_map also resets the frontend's own address space: keep it
	 * for a parent that keeps its maps across resets without it.
	 */
	if (!p->reset_map &&
	    !(p->get_backend_features &&
	      (p->get_backend_features(parent) &
	       BIT_ULL(VHOST_BACKEND_F_IOTLB_PERSIST))))
		ops->reset_map = NULL;
	/* One way of taking maps: the parent's (dma_map wins, as in vhost). */
	if (p->dma_map) {
		ops->set_map = NULL;
	} else {
		ops->dma_map = NULL;
		ops->dma_unmap = NULL;
		VND_PARENTS(ops, p, set_map);
	}
	/* The CVQ needs the mm of a use_va device even if the parent does not. */
	if (!p->bind_mm && !parent->use_va) {
		ops->bind_mm = NULL;
		ops->unbind_mm = NULL;
	}
	return ops;
}

/**
 * vdpa_net_device_alloc - wrap a net parent into a device with a CVQ
 * @parent: the parent's vdpa_device, allocated with vdpa_alloc_device()
 *	and set up, with the data virtqueues only; not registered
 * @ctrl_ops: the parent's control command callbacks, called with @parent
 *	as their priv argument; see struct net_ctrl_ops
 * @limits: what the parent can hold (max_vq_pairs: its data virtqueue
 *	pairs)
 * @config: the attributes the device was added with (the dev_add()
 *	argument), or NULL
 * @name: the device name, as for vdpa_alloc_device()
 *
 * Allocates the frontend device.  It takes over the reference to @parent,
 * which it drops when it is released; on error the caller keeps it.  The
 * parent's config space must be set up: the frontend reads the MAC from
 * it at every reset.  The parent must translate its
 * addresses itself, with set_map or dma_map (an on-chip IOMMU, or a
 * software one): parents behind the platform IOMMU are not supported.
 *
 * Context: process context; may sleep.
 * Return: the device, or an ERR_PTR(): -EOPNOTSUPP for a parent without
 * set_map and dma_map or with map ops of its own, -EINVAL for bad limits,
 * -ENOMEM.
 */
struct vdpa_net_device *
vdpa_net_device_alloc(struct vdpa_device *parent,
		      const struct net_ctrl_ops *ctrl_ops,
		      const struct net_ctrl_limits *limits,
		      const struct vdpa_dev_set_config *config, const char *name)
{
	const struct vdpa_config_ops *pops = parent->config;
	struct vdpa_config_ops *ops;
	struct vdpa_net_device *vnd;
	struct vdpa_device *vdev;
	unsigned int i;
	int err;

	/*
	 * A parent with map ops of its own (VDUSE) gives the driver mapping
	 * tokens only it understands; the control virtqueue would need one
	 * of the frontend's.  Not supported yet.
	 */
	if (parent->map)
		return ERR_PTR(-EOPNOTSUPP);
	if (!pops->dma_map && !pops->set_map)
		return ERR_PTR(-EOPNOTSUPP);
	if (!limits->max_vq_pairs)
		return ERR_PTR(-EINVAL);

	ops = vnd_build_ops(parent);
	if (!ops)
		return ERR_PTR(-ENOMEM);
	vdev = __vdpa_alloc_device(parent->dev.parent, ops, NULL,
				   parent->ngroups + 1, parent->nas + 1,
				   sizeof(*vnd), name, parent->use_va);
	if (IS_ERR(vdev)) {
		kfree(ops);
		return ERR_CAST(vdev);
	}
	vnd = to_vnd(vdev);
	vnd->ops = ops;
	vnd->parent = parent;
	vnd->parent_ops = pops;
	vnd->ctrl_ops = ctrl_ops;
	mutex_init(&vnd->lock);
	spin_lock_init(&vnd->iotlb_lock);
	spin_lock_init(&vnd->filter_lock);
	INIT_WORK(&vnd->work, vnd_work);
	dev_set_drvdata(&parent->dev, vnd);

	/*
	 * The control virtqueue is mapped through the frontend's device,
	 * which has no IOMMU: the driver's DMA addresses are physical.
	 */
	vdev->dev.dma_mask = &vdev->dev.coherent_dma_mask;
	err = dma_set_mask_and_coherent(&vdev->dev, DMA_BIT_MASK(64));
	if (err)
		goto err;
	/* A software parent's DMA device is its own, unregistered, device. */
	vdev->vmap.dma_dev = parent->vmap.dma_dev == &parent->dev ?
			     &vdev->dev : parent->vmap.dma_dev;
	vdev->mdev = parent->mdev;

	err = -ENOMEM;
	vnd->iotlb = kcalloc(parent->nas + 1, sizeof(*vnd->iotlb), GFP_KERNEL);
	if (!vnd->iotlb)
		goto err;
	for (i = 0; i <= parent->nas; i++)
		vhost_iotlb_init(&vnd->iotlb[i], max_iotlb_entries, 0);
	vhost_iotlb_init(&vnd->pt_iotlb, 2, 0);
	err = vhost_iotlb_add_range(&vnd->pt_iotlb, 0, ULONG_MAX, 0,
				    VHOST_MAP_RW);
	if (err)
		goto err;

	err = net_ctrl_vringh_init(&vnd->ctrl, name ? name : dev_name(&vdev->dev),
				   limits, &vnd->lock);
	if (err)
		goto err;
	vnd->ctrl.state_changed = vnd_state_changed;
	vnd->provisioned = ~0ULL;
	if (config && (config->mask & BIT_ULL(VDPA_ATTR_DEV_FEATURES)))
		vnd->provisioned = config->device_features;
	vnd->cvq_may_move = vnd_max_pairs(vnd) > 1 &&
			    (vnd_get_device_features(vdev) &
			     (BIT_ULL(VIRTIO_NET_F_MQ) | BIT_ULL(VIRTIO_NET_F_RSS)));

	mutex_lock(&vnd->lock);
	vnd_reset(vnd, 0);
	mutex_unlock(&vnd->lock);
	return vnd;

err:
	/* The release drops a reference to the parent: the caller keeps its. */
	get_device(&parent->dev);
	put_device(&vdev->dev);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(vdpa_net_device_alloc);

/**
 * _vdpa_net_register_device - register a frontend device on the vdpa bus
 * @vnd: the device from vdpa_net_device_alloc()
 *
 * As _vdpa_register_device(), from a management device's dev_add(): the
 * device gets the parent's data virtqueues plus the control virtqueue.
 * The management device's dev_del() unregisters it with
 * _vdpa_unregister_device() like any vdpa device.
 *
 * Context: process context, with the vdpa device lock held by the vdpa
 * netlink core (the dev_add() callback).
 * Return: 0 or a negative errno.
 */
int _vdpa_net_register_device(struct vdpa_net_device *vnd)
{
	return _vdpa_register_device(&vnd->vdpa, 2 * vnd_max_pairs(vnd) + 1);
}
EXPORT_SYMBOL_GPL(_vdpa_net_register_device);

/**
 * vdpa_net_parent - the parent device behind a frontend device
 * @vdev: a device registered with _vdpa_net_register_device()
 *
 * For management device callbacks, which are given the registered device.
 *
 * Return: the parent's vdpa_device.
 */
struct vdpa_device *vdpa_net_parent(struct vdpa_device *vdev)
{
	return to_vnd(vdev)->parent;
}
EXPORT_SYMBOL_GPL(vdpa_net_parent);

/**
 * vdpa_net_set_mac - the management interface changed the device's MAC
 * @vdev: a device registered with _vdpa_net_register_device()
 * @mac: the new address, already in the parent's config space
 *
 * For a management device's dev_set_attr() ("vdpa dev set ... mac"): the
 * receive filter takes the new address at once, not at the next reset.
 *
 * Context: process context; takes the frontend's lock, which the control
 * callbacks run under: do not call it with a lock those callbacks take.
 */
void vdpa_net_set_mac(struct vdpa_device *vdev, const u8 *mac)
{
	struct vdpa_net_device *vnd = to_vnd(vdev);

	mutex_lock(&vnd->lock);
	net_ctrl_vringh_set_mac(&vnd->ctrl, mac);
	mutex_unlock(&vnd->lock);
}
EXPORT_SYMBOL_GPL(vdpa_net_set_mac);

/**
 * vdpa_net_rx_accept - whether the device's receive filter takes a frame
 * @parent: the parent's vdpa_device
 * @frame: the frame, from its Ethernet header
 * @len: bytes at @frame
 *
 * For software parents that filter in their data path: answers from the
 * receive modes, MAC tables and VLAN filter the driver set, as of the
 * last completed control command.  See net_ctrl_rx_accept().
 *
 * Context: any context; takes a spinlock.
 * Return: true to deliver the frame.
 */
bool vdpa_net_rx_accept(struct vdpa_device *parent, const void *frame,
			size_t len)
{
	struct vdpa_net_device *vnd = dev_get_drvdata(&parent->dev);
	unsigned long flags;
	bool ok;

	if (!vnd)
		return true;
	spin_lock_irqsave(&vnd->filter_lock, flags);
	ok = net_ctrl_rx_accept(&vnd->filter, frame, len);
	spin_unlock_irqrestore(&vnd->filter_lock, flags);
	return ok;
}
EXPORT_SYMBOL_GPL(vdpa_net_rx_accept);

static int __init vdpa_net_init(void)
{
	vdpa_net_wq = alloc_workqueue("vdpa_net_cvq", WQ_UNBOUND, 0);
	return vdpa_net_wq ? 0 : -ENOMEM;
}

static void __exit vdpa_net_exit(void)
{
	destroy_workqueue(vdpa_net_wq);
}

/* Before the parents that use it when all are built in. */
subsys_initcall(vdpa_net_init);
module_exit(vdpa_net_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vDPA net frontend with an emulated control virtqueue");
