// SPDX-License-Identifier: GPL-2.0-only
/*
 * vdpa_net_device: a vDPA frontend that adds an emulated control
 * virtqueue to a virtio-net parent that has none.
 *
 * One vdpa_device: the parent allocates it with vdpa_net_alloc_device(),
 * which installs the frontend's ops over the parent's.  The frontend adds
 * one virtqueue, group and address space, handles every op that concerns
 * them, and forwards the others to the parent's ops, with the same
 * device.  See Documentation/driver-api/vdpa-net.rst.
 */

#include <kunit/visibility.h>
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

#include "vdpa_net_internal.h"

/* The largest control virtqueue: the largest split ring. */
#define VND_CVQ_NUM_MAX		32768

/* Control commands handled per run of the worker before it requeues. */
#define VDPA_NET_CVQ_BUDGET	64

static int max_iotlb_entries = 2048;
module_param(max_iotlb_entries, int, 0444);
MODULE_PARM_DESC(max_iotlb_entries,
		 "Maximum number of entries per address space map (default: 2048)");

/* Features that only mean something with a control virtqueue. */
#define VND_CVQ_FEATURES	(BIT_ULL(VIRTIO_NET_F_CTRL_VQ) |	\
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

static struct vdpa_net *to_vnd(struct vdpa_device *vdev)
{
	return container_of(vdev, struct vdpa_net_device, vdpa)->net;
}

static u16 vnd_max_pairs(const struct vdpa_net *vnd)
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
static u16 vnd_cvq_index(const struct vdpa_net *vnd)
{
	if (!vnd->cvq_may_move)
		return 2;
	if (vnd->routed && !(vnd->features & (BIT_ULL(VIRTIO_NET_F_MQ) |
					      BIT_ULL(VIRTIO_NET_F_RSS))))
		return 2;
	return 2 * vnd_max_pairs(vnd);
}

/* Index 2 while it may still become the CVQ. */
static bool vnd_is_low(const struct vdpa_net *vnd, u16 idx)
{
	return idx == 2 && !vnd->routed && vnd->cvq_may_move;
}

static bool vnd_is_cvq(const struct vdpa_net *vnd, u16 idx)
{
	return idx == vnd_cvq_index(vnd);
}

/* A data virtqueue index the parent has (callers test for the CVQ first). */
static bool vnd_data_idx(const struct vdpa_net *vnd, u16 idx)
{
	return idx < 2 * vnd_max_pairs(vnd);
}

/* An index of the device: the CVQ or one of the parent's. */
static bool vnd_valid_idx(const struct vdpa_net *vnd, u16 idx)
{
	return vnd_is_cvq(vnd, idx) || vnd_data_idx(vnd, idx);
}

static unsigned int vnd_cvq_group(const struct vdpa_net *vnd)
{
	return vnd->ngroups;
}

static unsigned int vnd_own_asid(const struct vdpa_net *vnd)
{
	return vnd->nas;
}

static void vnd_publish_filter(struct vdpa_net *vnd)
{
	unsigned long flags;

	spin_lock_irqsave(&vnd->filter_lock, flags);
	vnd->filter = vnd->ctrl.nc;
	spin_unlock_irqrestore(&vnd->filter_lock, flags);
}

/* After each command, before its ack: the driver polls the used ring. */
static void vnd_state_changed(struct vdpa_net_ctrl_vringh *ctx)
{
	struct vdpa_net *vnd = container_of(ctx, struct vdpa_net, ctrl);

	vnd_publish_filter(vnd);
	if (vnd->ctrl_ops && vnd->ctrl_ops->state_changed)
		vnd->ctrl_ops->state_changed(vnd->vdev);
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
static struct vhost_iotlb *vnd_cvq_iotlb(struct vdpa_net *vnd)
{
	return vnd->kernel_map ? &vnd->pt_iotlb : &vnd->iotlb[vnd->cvq.asid];
}

static void vnd_cvq_setup(struct vdpa_net *vnd)
{
	struct vdpa_net_cvq *cvq = &vnd->cvq;
	const struct vdpa_net_vq *cfg = &cvq->cfg;

	/* Virtual addresses once an mm is bound (vhost-vdpa), else physical. */
	if (vnd->vdev->use_va && vnd->mm)
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

/*
 * DRIVER_OK as the driver set it, not as the parent took it: virtio_net
 * does not read the status back, and then sends commands and waits for
 * them with rtnl held.  A parent that failed DRIVER_OK (a VDUSE daemon
 * that refused it) must not leave them unanswered.
 */
static bool vnd_cvq_runnable(struct vdpa_net *vnd)
{
	return vnd->cvq.live && vnd->driver_ok && !vnd->suspended &&
	       !(vnd->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

/* The CVQ cannot go on: NEEDS_RESET, with the config notification. */
static void vnd_needs_reset(struct vdpa_net *vnd)
{
	lockdep_assert_held(&vnd->lock);
	vnd->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	/* The spec wants a config change notification with it. */
	if (vnd->config_cb.callback)
		vnd->config_cb.callback(vnd->config_cb.private);
}

static void vnd_cvq_notify(struct vdpa_net *vnd)
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
	struct vdpa_net *vnd =
		container_of(work, struct vdpa_net, work);
	struct mm_struct *mm = NULL;
	int done = 0;

	mutex_lock(&vnd->lock);
	if (!vnd_cvq_runnable(vnd))
		goto out;
	if (vnd->vdev->use_va && vnd->mm) {
		mm = vnd->mm;
		if (!mmget_not_zero(mm))
			goto out;
		kthread_use_mm(mm);
	}

	lock_map_acquire(&vdpa_net_cvq_map);
	done = vdpa_net_ctrl_vringh_handle_cvq(&vnd->ctrl, &vnd->cvq.vring,
					       vnd->ctrl_ops, vnd->vdev,
					  VDPA_NET_CVQ_BUDGET);
	lock_map_release(&vdpa_net_cvq_map);
	if (mm) {
		kthread_unuse_mm(mm);
		mmput(mm);
	}
	if (done < 0) {
		dev_warn_ratelimited(&vnd->vdev->dev,
				     "control virtqueue broken (%d): device needs reset\n",
				     done);
		vnd_needs_reset(vnd);
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

static void vnd_kick(struct vdpa_net *vnd)
{
	queue_work(vdpa_net_wq, &vnd->work);
}

/* The state of a reset device, with the MAC of the config space. */
static void vnd_reset_state(struct vdpa_net *vnd)
{
	u8 mac[ETH_ALEN];

	if (!(vnd->parent_ops->get_device_features(vnd->vdev) &
	      BIT_ULL(VIRTIO_NET_F_MAC))) {
		vdpa_net_ctrl_vringh_reset(&vnd->ctrl, NULL);
		return;
	}
	vnd->parent_ops->get_config(vnd->vdev,
				    offsetof(struct virtio_net_config, mac),
				    mac, ETH_ALEN);
	vdpa_net_ctrl_vringh_reset(&vnd->ctrl, mac);
}

static void vnd_iotlb_clear(struct vdpa_net *vnd, unsigned int asid)
{
	vhost_iotlb_reset(&vnd->iotlb[asid]);
}

/* Back to the state of a new device; called with vnd->lock held. */
static void vnd_reset(struct vdpa_net *vnd, u32 flags)
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
	vnd->driver_ok = false;
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
static bool vnd_locked_idx(const struct vdpa_net *vnd, u16 idx)
{
	return vnd_is_cvq(vnd, idx) || vnd_is_low(vnd, idx);
}

static int vnd_set_vq_address(struct vdpa_device *vdev, u16 idx,
			      u64 desc_area, u64 driver_area, u64 device_area)
{
	struct vdpa_net *vnd = to_vnd(vdev);
	struct vdpa_net_vq *vq = NULL;
	int err = 0;

	if (!vnd_valid_idx(vnd, idx))
		return -EINVAL;
	if (!vnd_locked_idx(vnd, idx))
		return vnd->parent_ops->set_vq_address(vnd->vdev, idx,
						       desc_area, driver_area,
						       device_area);
	mutex_lock(&vnd->lock);
	if (vnd_is_cvq(vnd, idx)) {
		vq = &vnd->cvq.cfg;
	} else {
		err = vnd->parent_ops->set_vq_address(vnd->vdev, idx,
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
	struct vdpa_net *vnd = to_vnd(vdev);

	if (!vnd_valid_idx(vnd, idx))
		return;
	if (!vnd_locked_idx(vnd, idx)) {
		vnd->parent_ops->set_vq_num(vnd->vdev, idx, num);
		return;
	}
	mutex_lock(&vnd->lock);
	if (vnd_is_cvq(vnd, idx)) {
		vnd->cvq.cfg.num = num;
	} else {
		vnd->parent_ops->set_vq_num(vnd->vdev, idx, num);
		vnd->low.num = num;
	}
	mutex_unlock(&vnd->lock);
}

static void vnd_kick_vq(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	/* May be called in atomic context: the work does the rest. */
	if (vnd_is_cvq(vnd, idx)) {
		/* virtio_net kicks, then waits, with rtnl held. */
		if (in_task() && lockdep_rtnl_is_held()) {
			lock_map_acquire_read(&vdpa_net_cvq_map);
			lock_map_release(&vdpa_net_cvq_map);
		}
		vnd_kick(vnd);
	} else if (vnd_data_idx(vnd, idx)) {
		vnd->parent_ops->kick_vq(vnd->vdev, idx);
	}
}

/* VIRTIO_F_NOTIFICATION_DATA: the low 16 bits are the index. */
static void vnd_kick_vq_with_data(struct vdpa_device *vdev, u32 data)
{
	struct vdpa_net *vnd = to_vnd(vdev);
	u16 idx = data & 0xffff;

	if (vnd_is_cvq(vnd, idx))
		vnd_kick(vnd);
	else if (vnd_data_idx(vnd, idx))
		vnd->parent_ops->kick_vq_with_data(vnd->vdev, data);
}

static void vnd_set_vq_cb(struct vdpa_device *vdev, u16 idx,
			  struct vdpa_callback *cb)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (!vnd_valid_idx(vnd, idx))
		return;
	if (!vnd_locked_idx(vnd, idx)) {
		vnd->parent_ops->set_vq_cb(vnd->vdev, idx, cb);
		return;
	}
	mutex_lock(&vnd->lock);
	if (vnd_is_cvq(vnd, idx)) {
		vnd->cvq.cfg.cb = *cb;
	} else {
		vnd->parent_ops->set_vq_cb(vnd->vdev, idx, cb);
		vnd->low.cb = *cb;
	}
	mutex_unlock(&vnd->lock);
}

/* A size the ring and the parent can have; called with vnd->lock held. */
/*
 * The CVQ's size is checked against the maximum the parent had when it
 * was registered: a parent's maximum may change later (a VDUSE daemon
 * sets it), and the driver sized the queue from get_vq_size().  A bad
 * size is a broken driver: NEEDS_RESET, not a queue silently left off.
 */
static bool vnd_cvq_num_ok(struct vdpa_net *vnd)
{
	u32 num = vnd->cvq.cfg.num;

	if (is_power_of_2(num) && num <= vnd->cvq_num_max)
		return true;
	dev_warn(&vnd->vdev->dev, "bad control virtqueue size %u (max %u)\n",
		 num, vnd->cvq_num_max);
	vnd_needs_reset(vnd);
	return false;
}

/* Set the ring up once it is enabled and its index is settled. */
static void vnd_cvq_start(struct vdpa_net *vnd)
{
	lockdep_assert_held(&vnd->lock);
	if (vnd->cvq.cfg.ready && vnd->routed && !vnd->cvq.live) {
		vnd_cvq_setup(vnd);
		vnd->cvq.live = true;
	}
}

static void vnd_set_vq_ready(struct vdpa_device *vdev, u16 idx, bool ready)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (!vnd_valid_idx(vnd, idx))
		return;
	if (!vnd_locked_idx(vnd, idx)) {
		vnd->parent_ops->set_vq_ready(vnd->vdev, idx, ready);
		return;
	}
	mutex_lock(&vnd->lock);
	if (!vnd_is_cvq(vnd, idx)) {
		vnd->parent_ops->set_vq_ready(vnd->vdev, idx, ready);
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
	struct vdpa_net *vnd = to_vnd(vdev);

	if (vnd_is_cvq(vnd, idx))
		return vnd->cvq.cfg.ready;
	if (!vnd_data_idx(vnd, idx))
		return false;
	return vnd->parent_ops->get_vq_ready(vnd->vdev, idx);
}

static int vnd_set_vq_state(struct vdpa_device *vdev, u16 idx,
			    const struct vdpa_vq_state *state)
{
	struct vdpa_net *vnd = to_vnd(vdev);
	int err = 0;

	if (!vnd_valid_idx(vnd, idx))
		return -EINVAL;
	if (!vnd_locked_idx(vnd, idx))
		return vnd->parent_ops->set_vq_state(vnd->vdev, idx, state);
	mutex_lock(&vnd->lock);
	if (vnd_is_cvq(vnd, idx)) {
		vnd->cvq.cfg.avail_index = state->split.avail_index;
		if (vnd->cvq.live) {
			vnd->cvq.vring.last_avail_idx = state->split.avail_index;
			vnd->cvq.vring.last_used_idx = state->split.avail_index;
		}
	} else {
		err = vnd->parent_ops->set_vq_state(vnd->vdev, idx, state);
		if (!err)
			vnd->low.avail_index = state->split.avail_index;
	}
	mutex_unlock(&vnd->lock);
	return err;
}

static int vnd_get_vq_state(struct vdpa_device *vdev, u16 idx,
			    struct vdpa_vq_state *state)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (!vnd_is_cvq(vnd, idx)) {
		if (!vnd_data_idx(vnd, idx))
			return -EINVAL;
		return vnd->parent_ops->get_vq_state(vnd->vdev, idx, state);
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
	struct vdpa_net *vnd = to_vnd(vdev);

	if (vnd_is_cvq(vnd, idx))
		return vdpa_net_ctrl_vringh_fill_vstats(&vnd->ctrl, msg);
	if (!vnd_data_idx(vnd, idx) || !vnd->parent_ops->get_vendor_vq_stats)
		return -EOPNOTSUPP;
	return vnd->parent_ops->get_vendor_vq_stats(vnd->vdev, idx, msg,
						    extack);
}

static struct vdpa_notification_area
vnd_get_vq_notification(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net *vnd = to_vnd(vdev);
	struct vdpa_notification_area none = {};

	/* The control virtqueue has no doorbell to map. */
	if (!vnd_data_idx(vnd, idx) || vnd_is_cvq(vnd, idx) ||
	    !vnd->parent_ops->get_vq_notification)
		return none;
	return vnd->parent_ops->get_vq_notification(vnd->vdev, idx);
}

static int vnd_get_vq_irq(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (!vnd_data_idx(vnd, idx) || vnd_is_cvq(vnd, idx) ||
	    !vnd->parent_ops->get_vq_irq)
		return -EOPNOTSUPP;
	return vnd->parent_ops->get_vq_irq(vnd->vdev, idx);
}

static u16 vnd_get_vq_num_max(struct vdpa_device *vdev)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_vq_num_max(vnd->vdev);
}

static u16 vnd_get_vq_size(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (vnd_is_cvq(vnd, idx))
		return vnd->cvq_num_max;
	if (!vnd_data_idx(vnd, idx))
		return 0;
	if (vnd->parent_ops->get_vq_size)
		return vnd->parent_ops->get_vq_size(vnd->vdev, idx);
	return vnd_get_vq_num_max(vdev);
}

/*
 * Before FEATURES_OK, index 2 answers as the CVQ too: QEMU asks for the
 * group of the CVQ it computed from the guest's features (2 without MQ)
 * before it sets them, to attach that group to its own address space.
 */
/*
 * A parent's group is below its ngroups: the next one is the CVQ's, which
 * must hold the CVQ alone (a VMM shadows the CVQ only if no other queue
 * shares its group).  A parent that says otherwise has a bug: say so once
 * and keep the CVQ's group to the CVQ.
 */
static u32 vnd_parent_group(struct vdpa_net *vnd, u16 idx, u32 group)
{
	if (group < vnd->ngroups)
		return group;
	dev_warn_once(&vnd->vdev->dev,
		      "parent put vq %u in group %u of %u: taken as group 0\n",
		      idx, group, vnd->ngroups);
	return 0;
}

static u32 vnd_get_vq_group(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (vnd_is_cvq(vnd, idx) || vnd_is_low(vnd, idx))
		return vnd_cvq_group(vnd);
	if (!vnd_data_idx(vnd, idx) || !vnd->parent_ops->get_vq_group)
		return 0;
	return vnd_parent_group(vnd, idx,
				vnd->parent_ops->get_vq_group(vnd->vdev, idx));
}

static u32 vnd_get_vq_desc_group(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (vnd_is_cvq(vnd, idx) || vnd_is_low(vnd, idx))
		return vnd_cvq_group(vnd);
	if (!vnd_data_idx(vnd, idx))
		return 0;
	return vnd_parent_group(vnd, idx,
				vnd->parent_ops->get_vq_desc_group(vnd->vdev,
								   idx));
}

static int vnd_set_vq_affinity(struct vdpa_device *vdev, u16 idx,
			       const struct cpumask *cpu_mask)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (!vnd_data_idx(vnd, idx) || vnd_is_cvq(vnd, idx) ||
	    !vnd->parent_ops->set_vq_affinity)
		return 0;
	return vnd->parent_ops->set_vq_affinity(vnd->vdev, idx, cpu_mask);
}

static const struct cpumask *vnd_get_vq_affinity(struct vdpa_device *vdev,
						 u16 idx)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (!vnd_data_idx(vnd, idx) || vnd_is_cvq(vnd, idx) ||
	    !vnd->parent_ops->get_vq_affinity)
		return cpu_possible_mask;
	return vnd->parent_ops->get_vq_affinity(vnd->vdev, idx);
}

/* ---- device ops ---- */

static u32 vnd_get_vq_align(struct vdpa_device *vdev)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_vq_align(vnd->vdev);
}

/**
 * vdpa_net_device_features - the features a frontend device offers
 * @parent_features: the parent's device features
 * @ctrl_ops: the parent's control command callbacks
 * @limits: the parent's limits
 *
 * The parent's features without any control virtqueue feature (and
 * without the ring features the emulated queue cannot follow), plus
 * VIRTIO_NET_F_CTRL_VQ and what vdpa_net_ctrl_features() derives from
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
			     const struct vdpa_net_ctrl_ops *ctrl_ops,
			     const struct vdpa_net_ctrl_limits *limits)
{
	u64 datapath = BIT_ULL(VIRTIO_NET_F_RSS) |
		       BIT_ULL(VIRTIO_NET_F_HASH_REPORT);
	u64 derived = vdpa_net_ctrl_features(ctrl_ops, limits);

	/* RSS and HASH_REPORT say what the data path can do, not a mask. */
	if (parent_features & VND_CVQ_FEATURES & ~datapath)
		derived &= parent_features | datapath;
	/* No control feature means anything without the queue. */
	if (!(derived & BIT_ULL(VIRTIO_NET_F_CTRL_VQ)))
		derived = 0;

	return (parent_features & ~VND_CVQ_FEATURES &
		~VDPA_NET_UNSUPPORTED & ~datapath) |
	       (derived & ~datapath) | (derived & parent_features & datapath);
}
EXPORT_SYMBOL_GPL(vdpa_net_device_features);

static u64 vnd_get_device_features(struct vdpa_device *vdev)
{
	struct vdpa_net *vnd = to_vnd(vdev);
	u64 f;

	f = vdpa_net_device_features(vnd->parent_ops->get_device_features(vnd->vdev),
				     vnd->ctrl_ops, &vnd->ctrl.nc.limits);
	/* "vdpa dev add ... device_features" decides the control bits too. */
	f &= vnd->provisioned;
	if (!(f & BIT_ULL(VIRTIO_NET_F_CTRL_VQ)))
		f &= ~VND_CVQ_FEATURES;
	return f;
}

static u64 vnd_get_backend_features(const struct vdpa_device *vdev)
{
	const struct vdpa_net *vnd =
		container_of(vdev, struct vdpa_net_device, vdpa)->net;

	if (!vnd->parent_ops->get_backend_features)
		return 0;
	return vnd->parent_ops->get_backend_features(vnd->vdev);
}

static int vnd_set_driver_features(struct vdpa_device *vdev, u64 features)
{
	struct vdpa_net *vnd = to_vnd(vdev);
	int err;

	/*
	 * Final from FEATURES_OK to the next reset: the CVQ's index and the
	 * commands depend on them.  (vdpa_get_config() sets them to 0 when
	 * nobody set them, even after a userspace client set FEATURES_OK.)
	 */
	if (vnd->routed)
		return -EBUSY;
	features &= vnd_get_device_features(vdev);
	err = vnd->parent_ops->set_driver_features(vnd->vdev, features &
						   ~VND_CVQ_FEATURES);
	if (err)
		return err;
	mutex_lock(&vnd->lock);
	vnd->features = features;
	vdpa_net_ctrl_vringh_set_features(&vnd->ctrl, features);
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
	struct vdpa_net *vnd = to_vnd(vdev);

	mutex_lock(&vnd->lock);
	vnd->config_cb = *cb;
	mutex_unlock(&vnd->lock);
	vnd->parent_ops->set_config_cb(vnd->vdev, cb);
}

static u16 vnd_get_vq_num_min(struct vdpa_device *vdev)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (!vnd->parent_ops->get_vq_num_min)
		return 1;
	return vnd->parent_ops->get_vq_num_min(vnd->vdev);
}

static u32 vnd_get_device_id(struct vdpa_device *vdev)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_device_id(vnd->vdev);
}

static u32 vnd_get_vendor_id(struct vdpa_device *vdev)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_vendor_id(vnd->vdev);
}

static u8 vnd_get_status(struct vdpa_device *vdev)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_status(vnd->vdev) | vnd->status;
}

/*
 * FEATURES_OK: the features are final, and so is the CVQ index.  If it is
 * 2 on a multiqueue parent, the CVQ takes what was set on index 2 until
 * now; if 2N, it has it already.
 */
static void vnd_route(struct vdpa_net *vnd)
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
			vnd->parent_ops->set_vq_ready(vnd->vdev, 2, false);
		if (vnd->low.cb.callback)
			vnd->parent_ops->set_vq_cb(vnd->vdev, 2, &none);
		/* Nor its ring addresses, which are the CVQ's now. */
		if (vnd->low.desc_addr || vnd->low.driver_addr ||
		    vnd->low.device_addr)
			vnd->parent_ops->set_vq_address(vnd->vdev, 2, 0, 0, 0);
	}
	memset(&vnd->low, 0, sizeof(vnd->low));
	if (vnd->cvq.cfg.ready && !vnd_cvq_num_ok(vnd))
		vnd->cvq.cfg.ready = false;
	vnd_cvq_start(vnd);
}

static void vnd_set_status(struct vdpa_device *vdev, u8 status)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	vnd->parent_ops->set_status(vnd->vdev,
				    status & ~VIRTIO_CONFIG_S_NEEDS_RESET);
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    (vnd->parent_ops->get_status(vnd->vdev) &
	     VIRTIO_CONFIG_S_FEATURES_OK)) {
		mutex_lock(&vnd->lock);
		vnd_route(vnd);
		mutex_unlock(&vnd->lock);
	}
	mutex_lock(&vnd->lock);
	vnd->driver_ok = status & VIRTIO_CONFIG_S_DRIVER_OK;
	mutex_unlock(&vnd->lock);
	/* Kicks may have come before DRIVER_OK. */
	if (status & VIRTIO_CONFIG_S_DRIVER_OK)
		vnd_kick(vnd);
}

static int vnd_compat_reset(struct vdpa_device *vdev, u32 flags)
{
	struct vdpa_net *vnd = to_vnd(vdev);
	int err;

	/*
	 * Hold the CVQ off the parent while it resets: the work waits for
	 * the lock, then finds the CVQ disabled.
	 */
	mutex_lock(&vnd->lock);
	if (vnd->parent_ops->compat_reset)
		err = vnd->parent_ops->compat_reset(vnd->vdev, flags);
	else
		err = vnd->parent_ops->reset(vnd->vdev);
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
	struct vdpa_net *vnd = to_vnd(vdev);
	int err;

	if (!vnd->parent_ops->suspend)
		return -EOPNOTSUPP;
	mutex_lock(&vnd->lock);
	vnd->suspended = true;
	mutex_unlock(&vnd->lock);
	flush_work(&vnd->work);
	err = vnd->parent_ops->suspend(vnd->vdev);
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
	struct vdpa_net *vnd = to_vnd(vdev);
	int err;

	if (!vnd->parent_ops->resume)
		return -EOPNOTSUPP;
	/*
	 * A suspended parent keeps its state: nothing to replay.  (A parent
	 * that lost it was reset, and its driver sets it again through the
	 * CVQ, as a VMM does on a migration destination.)
	 */
	err = vnd->parent_ops->resume(vnd->vdev);
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
	struct vdpa_net *vnd = to_vnd(vdev);

	return vnd->parent_ops->get_config_size(vnd->vdev);
}

/* The config fields the frontend fills in, from the parent's limits. */
static const struct {
	u8 off;
	u8 len;
} vnd_config_fields[] = {
#define VND_CONFIG_FIELD(f) { offsetof(struct virtio_net_config, f),	\
			      sizeof_field(struct virtio_net_config, f) }
	VND_CONFIG_FIELD(max_virtqueue_pairs),
	VND_CONFIG_FIELD(rss_max_key_size),
	VND_CONFIG_FIELD(rss_max_indirection_table_length),
	VND_CONFIG_FIELD(supported_hash_types),
#undef VND_CONFIG_FIELD
};

/*
 * The fields that describe what the CVQ's commands may ask come from the
 * limits the parent declared, not from its config space: the driver
 * computes the CVQ index from max_virtqueue_pairs, and the library checks
 * RSS commands against the limits.  So they always agree.
 */
static void vnd_config_overlay(struct vdpa_net *vnd, unsigned int offset,
			       void *buf, unsigned int len)
{
	const struct vdpa_net_ctrl_limits *l = &vnd->ctrl.nc.limits;
	bool le = virtio_legacy_is_little_endian() ||
		  (vnd->features & BIT_ULL(VIRTIO_F_VERSION_1));
	struct virtio_net_config c = {
		.max_virtqueue_pairs = __cpu_to_virtio16(le, l->max_vq_pairs),
		.rss_max_key_size = l->rss_max_key_size,
		/* Only in modern devices: little endian. */
		.rss_max_indirection_table_length =
			cpu_to_le16(l->rss_max_indirection_table_length),
		.supported_hash_types = cpu_to_le32(l->supported_hash_types),
	};
	unsigned int i, lo, hi;

	for (i = 0; i < ARRAY_SIZE(vnd_config_fields); i++) {
		lo = max_t(unsigned int, offset, vnd_config_fields[i].off);
		hi = min_t(unsigned int, offset + len,
			   vnd_config_fields[i].off + vnd_config_fields[i].len);
		if (lo < hi)
			memcpy(buf + lo - offset, (u8 *)&c + lo, hi - lo);
	}
}

static void vnd_get_config(struct vdpa_device *vdev, unsigned int offset,
			   void *buf, unsigned int len)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	vnd->parent_ops->get_config(vnd->vdev, offset, buf, len);
	vnd_config_overlay(vnd, offset, buf, len);
}

static void vnd_set_config(struct vdpa_device *vdev, unsigned int offset,
			   const void *buf, unsigned int len)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	vnd->parent_ops->set_config(vnd->vdev, offset, buf, len);
}

static u32 vnd_get_generation(struct vdpa_device *vdev)
{
	struct vdpa_net *vnd = to_vnd(vdev);

	if (!vnd->parent_ops->get_generation)
		return 0;
	return vnd->parent_ops->get_generation(vnd->vdev);
}

static struct vdpa_iova_range vnd_get_iova_range(struct vdpa_device *vdev)
{
	struct vdpa_net *vnd = to_vnd(vdev);
	struct vdpa_iova_range all = { .first = 0, .last = ULLONG_MAX };

	if (!vnd->parent_ops->get_iova_range)
		return all;
	return vnd->parent_ops->get_iova_range(vnd->vdev);
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
static int vnd_iotlb_update(struct vdpa_net *vnd, unsigned int asid,
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
	struct vdpa_net *vnd = to_vnd(vdev);
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
	err = vnd->parent_ops->set_map(vnd->vdev, asid, iotlb);
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
	struct vdpa_net *vnd = to_vnd(vdev);
	int err;

	if (asid > vnd_own_asid(vnd) || !size)
		return -EINVAL;
	if (asid < vnd_own_asid(vnd)) {
		err = vnd->parent_ops->dma_map(vnd->vdev, asid, iova, size,
					       pa, perm, opaque);
		if (err)
			return err;
	}
	spin_lock(&vnd->iotlb_lock);
	err = vhost_iotlb_add_range(&vnd->iotlb[asid], iova, iova + size - 1,
				    pa, perm);
	spin_unlock(&vnd->iotlb_lock);
	if (err && asid < vnd_own_asid(vnd))
		vnd->parent_ops->dma_unmap(vnd->vdev, asid, iova, size);
	return err;
}

static int vnd_dma_unmap(struct vdpa_device *vdev, unsigned int asid,
			 u64 iova, u64 size)
{
	struct vdpa_net *vnd = to_vnd(vdev);
	int err = 0;

	if (asid > vnd_own_asid(vnd) || !size)
		return -EINVAL;
	if (asid < vnd_own_asid(vnd))
		err = vnd->parent_ops->dma_unmap(vnd->vdev, asid, iova, size);
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
	struct vdpa_net *vnd = to_vnd(vdev);
	int err;

	if (asid > vnd_own_asid(vnd))
		return -EINVAL;
	if (asid < vnd_own_asid(vnd) && vnd->parent_ops->reset_map) {
		err = vnd->parent_ops->reset_map(vnd->vdev, asid);
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
	struct vdpa_net *vnd = to_vnd(vdev);

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
	return vnd->parent_ops->set_group_asid(vnd->vdev, group, asid);
}

/*
 * The mapping token of a virtqueue (Linux 6.18 map model).  For a parent
 * that uses the DMA API a token is a DMA device.  The control virtqueue's
 * is the vdpa device itself, which has no IOMMU: what a kernel driver
 * maps there is a physical address, read through the identity map.  The
 * data virtqueues keep the parent's tokens: its get_vq_map, or the vmap
 * it set.  A parent with map ops gets the same, through the frontend's
 * map ops and tokens (struct vdpa_net_map).
 */
static union virtio_map vnd_get_vq_map(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_net *vnd = to_vnd(vdev);
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
		if (vnd->parent_map)
			map = (union virtio_map){ .net = &vnd->cvq_map };
		return map;
	}
	if (vnd_data_idx(vnd, idx) && vnd->parent_ops->get_vq_map)
		map = vnd->parent_ops->get_vq_map(vnd->vdev, idx);
	else
		map = vdev->vmap;
	if (!vnd->parent_map)
		return map;
	/* Every token the frontend's map ops get is one of its own. */
	if (!vnd_data_idx(vnd, idx))
		return (union virtio_map){ .net = NULL };
	vnd->maps[idx].parent = map;
	return (union virtio_map){ .net = &vnd->maps[idx] };
}

/*
 * The map ops of a parent with map ops.  A data virtqueue's token goes to
 * the parent's map ops with the parent's token.  The CVQ's memory is the
 * kernel's own and so is its reader, the frontend's worker: it is mapped
 * at its physical address, which the CVQ is read through (vnd->pt_iotlb),
 * with nothing to bounce or to sync, whatever the platform's DMA
 * coherence or memory encryption.  A token of no queue (none is handed
 * out) maps nothing.
 */
static bool vnd_map_cvq(union virtio_map m)
{
	return !m.net || m.net->cvq;
}

/* The parent's map ops, for a data virtqueue's token. */
static const struct virtio_map_ops *vnd_pmap(union virtio_map m)
{
	return m.net->vnd->parent_map;
}

static dma_addr_t vnd_map_page(union virtio_map m, struct page *page,
			       unsigned long offset, size_t size,
			       enum dma_data_direction dir, unsigned long attrs)
{
	if (!m.net)
		return DMA_MAPPING_ERROR;
	if (m.net->cvq)
		return page_to_phys(page) + offset;
	return vnd_pmap(m)->map_page(m.net->parent, page, offset, size, dir,
				     attrs);
}

static void vnd_unmap_page(union virtio_map m, dma_addr_t addr, size_t size,
			   enum dma_data_direction dir, unsigned long attrs)
{
	if (!vnd_map_cvq(m))
		vnd_pmap(m)->unmap_page(m.net->parent, addr, size, dir, attrs);
}

static void vnd_sync_single_for_cpu(union virtio_map m, dma_addr_t addr,
				    size_t size, enum dma_data_direction dir)
{
	if (!vnd_map_cvq(m))
		vnd_pmap(m)->sync_single_for_cpu(m.net->parent, addr, size,
						 dir);
}

static void vnd_sync_single_for_device(union virtio_map m, dma_addr_t addr,
				       size_t size,
				       enum dma_data_direction dir)
{
	if (!vnd_map_cvq(m))
		vnd_pmap(m)->sync_single_for_device(m.net->parent, addr, size,
						    dir);
}

static void *vnd_map_alloc(union virtio_map m, size_t size,
			   dma_addr_t *addr, gfp_t gfp)
{
	void *va;

	*addr = DMA_MAPPING_ERROR;
	if (!m.net)
		return NULL;
	if (!m.net->cvq)
		return vnd_pmap(m)->alloc(m.net->parent, size, addr, gfp);
	va = alloc_pages_exact(size, gfp | __GFP_ZERO);
	if (va)
		*addr = virt_to_phys(va);
	return va;
}

static void vnd_map_free(union virtio_map m, size_t size, void *vaddr,
			 dma_addr_t addr, unsigned long attrs)
{
	if (!m.net)
		return;
	if (m.net->cvq)
		free_pages_exact(vaddr, size);
	else
		vnd_pmap(m)->free(m.net->parent, size, vaddr, addr, attrs);
}

static bool vnd_map_need_sync(union virtio_map m, dma_addr_t addr)
{
	if (vnd_map_cvq(m))
		return false;
	return vnd_pmap(m)->need_sync(m.net->parent, addr);
}

static int vnd_map_error(union virtio_map m, dma_addr_t addr)
{
	if (vnd_map_cvq(m))
		return addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
	return vnd_pmap(m)->mapping_error(m.net->parent, addr);
}

static size_t vnd_max_mapping_size(union virtio_map m)
{
	if (!m.net)
		return 0;
	if (m.net->cvq)
		return SIZE_MAX;
	return vnd_pmap(m)->max_mapping_size(m.net->parent);
}

static const struct virtio_map_ops vnd_map_ops = {
	.map_page		= vnd_map_page,
	.unmap_page		= vnd_unmap_page,
	.sync_single_for_cpu	= vnd_sync_single_for_cpu,
	.sync_single_for_device	= vnd_sync_single_for_device,
	.alloc			= vnd_map_alloc,
	.free			= vnd_map_free,
	.need_sync		= vnd_map_need_sync,
	.mapping_error		= vnd_map_error,
	.max_mapping_size	= vnd_max_mapping_size,
};

static int vnd_bind_mm(struct vdpa_device *vdev, struct mm_struct *mm)
{
	struct vdpa_net *vnd = to_vnd(vdev);
	int err = 0;

	if (vnd->parent_ops->bind_mm)
		err = vnd->parent_ops->bind_mm(vnd->vdev, mm);
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
	struct vdpa_net *vnd = to_vnd(vdev);

	if (vnd->parent_ops->unbind_mm)
		vnd->parent_ops->unbind_mm(vnd->vdev);
	mutex_lock(&vnd->lock);
	if (vnd->mm)
		mmdrop(vnd->mm);
	vnd->mm = NULL;
	mutex_unlock(&vnd->lock);
}

static void vnd_free(struct vdpa_device *vdev)
{
	struct vdpa_net *vnd = to_vnd(vdev);
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
	kvfree(vnd->maps);
	vdpa_net_ctrl_vringh_cleanup(&vnd->ctrl);
	/*
	 * The CVQ no longer runs: the parent's turn, unless the allocation
	 * failed before the parent had a device to free.
	 */
	if (vnd->parent_ops && vnd->parent_ops->free)
		vnd->parent_ops->free(vdev);
	/* The last use of the ops: the vdpa core only kfree()s the device. */
	kfree(vnd);
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

/* The ops of a device whose parent has @p. */
static void vnd_build_ops(struct vdpa_config_ops *ops,
			  const struct vdpa_config_ops *p, bool use_va)
{
	*ops = vdpa_net_ops;
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
	/* One way of taking maps: the parent's (dma_map wins, as in vhost). */
	if (p->dma_map) {
		ops->set_map = NULL;
	} else {
		ops->dma_map = NULL;
		ops->dma_unmap = NULL;
		VND_PARENTS(ops, p, set_map);
	}
	/* The CVQ needs the mm of a use_va device even if the parent does not. */
	if (!p->bind_mm && !use_va) {
		ops->bind_mm = NULL;
		ops->unbind_mm = NULL;
	}
}

/**
 * __vdpa_net_alloc_device - allocate a net parent's device, with a CVQ
 * @parent: the parent device, as for __vdpa_alloc_device()
 * @config: the parent's config ops, for its data virtqueues only
 * @map: the parent's map ops, as for __vdpa_alloc_device(), or NULL; all
 *	of their members are mandatory
 * @ngroups: the parent's virtqueue groups
 * @nas: the parent's address spaces
 * @size: the size of the parent structure, which starts with a struct
 *	vdpa_net_device
 * @name: name of the vdpa device
 * @use_va: the parent uses virtual addresses
 * @ctrl_ops: the parent's control command callbacks; see struct
 *	vdpa_net_ctrl_ops
 * @limits: what the parent can hold (max_vq_pairs: its data virtqueue
 *	pairs)
 * @dev_config: the attributes the device is added with (the dev_add()
 *	argument), or NULL
 *
 * Drivers use vdpa_net_alloc_device().  The parent must translate its
 * addresses itself, with set_map or dma_map (an on-chip IOMMU, or a
 * software one): parents behind the platform IOMMU are not supported.  A
 * parent with map ops of its own (VDUSE) gets them called for its data
 * virtqueues only: the control virtqueue's memory is mapped with the DMA
 * API on the vdpa device, which has no IOMMU, so that it never goes
 * where the parent's map ops would put it (struct vdpa_net_map).
 *
 * Context: process context; may sleep.
 * Return: the device, or an ERR_PTR(): -EOPNOTSUPP for @config without
 * set_map and dma_map, -EINVAL for bad arguments, -ENOMEM.
 */
struct vdpa_device *
__vdpa_net_alloc_device(struct device *parent,
			const struct vdpa_config_ops *config,
			const struct virtio_map_ops *map,
			unsigned int ngroups, unsigned int nas, size_t size,
			const char *name, bool use_va,
			const struct vdpa_net_ctrl_ops *ctrl_ops,
			const struct vdpa_net_ctrl_limits *limits,
			const struct vdpa_dev_set_config *dev_config)
{
	struct vdpa_device *vdev;
	struct vdpa_net *vnd;
	unsigned int i;
	int err;

	if (!config || !limits || !limits->max_vq_pairs || !ngroups || !nas ||
	    size < sizeof(struct vdpa_net_device))
		return ERR_PTR(-EINVAL);
	/* __vdpa_alloc_device() checks the frontend's ops, not these. */
	if (!!config->dma_map != !!config->dma_unmap)
		return ERR_PTR(-EINVAL);
	if (!config->dma_map && !config->set_map)
		return ERR_PTR(-EOPNOTSUPP);
	if (map && (!map->map_page || !map->unmap_page ||
		    !map->sync_single_for_cpu || !map->sync_single_for_device ||
		    !map->alloc || !map->free || !map->need_sync ||
		    !map->mapping_error || !map->max_mapping_size))
		return ERR_PTR(-EINVAL);

	vnd = kzalloc_obj(*vnd, GFP_KERNEL);
	if (!vnd)
		return ERR_PTR(-ENOMEM);
	vnd_build_ops(&vnd->ops, config, use_va);
	vdev = __vdpa_alloc_device(parent, &vnd->ops, map ? &vnd_map_ops : NULL,
				   ngroups + 1, nas + 1, size, name, use_va);
	if (IS_ERR(vdev)) {
		kfree(vnd);
		return vdev;
	}
	container_of(vdev, struct vdpa_net_device, vdpa)->net = vnd;
	vnd->vdev = vdev;
	vnd->ngroups = ngroups;
	vnd->nas = nas;
	vnd->ctrl_ops = ctrl_ops;
	mutex_init(&vnd->lock);
	spin_lock_init(&vnd->iotlb_lock);
	spin_lock_init(&vnd->filter_lock);
	INIT_WORK(&vnd->work, vnd_work);

	err = -ENOMEM;
	vnd->iotlb = kcalloc(nas + 1, sizeof(*vnd->iotlb), GFP_KERNEL);
	if (!vnd->iotlb)
		goto err;
	for (i = 0; i <= nas; i++)
		vhost_iotlb_init(&vnd->iotlb[i], max_iotlb_entries, 0);
	vhost_iotlb_init(&vnd->pt_iotlb, 2, 0);
	err = vhost_iotlb_add_range(&vnd->pt_iotlb, 0, ULONG_MAX, 0,
				    VHOST_MAP_RW);
	if (err)
		goto err;

	if (map) {
		vnd->maps = kvcalloc(2 * limits->max_vq_pairs,
				     sizeof(*vnd->maps), GFP_KERNEL);
		if (!vnd->maps)
			goto err;
		for (i = 0; i < 2 * limits->max_vq_pairs; i++)
			vnd->maps[i].vnd = vnd;
		vnd->cvq_map.vnd = vnd;
		vnd->cvq_map.cvq = true;
		vnd->parent_map = map;
	}

	err = vdpa_net_ctrl_vringh_init(&vnd->ctrl, name ? name : dev_name(&vdev->dev),
					limits, &vnd->lock);
	if (err)
		goto err;
	vnd->ctrl.state_changed = vnd_state_changed;
	vnd->provisioned = ~0ULL;
	if (dev_config && (dev_config->mask & BIT_ULL(VDPA_ATTR_DEV_FEATURES)))
		vnd->provisioned = dev_config->device_features;
	/* From here on the release is the parent's too. */
	vnd->parent_ops = config;
	return vdev;

err:
	put_device(&vdev->dev);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(__vdpa_net_alloc_device);

/*
 * What needs the parent set up: its features, its config space, its
 * backend features.  Called when the device is registered (and by the
 * KUnit suite, which does not register its devices).
 */
VISIBLE_IF_KUNIT int vdpa_net_device_ready(struct vdpa_net_device *vnd_dev)
{
	struct vdpa_device *vdev = &vnd_dev->vdpa;
	struct vdpa_net *vnd = vnd_dev->net;
	const struct vdpa_config_ops *p = vnd->parent_ops;
	int err;

	/*
	 * The CVQ's mapping token is the device itself (see vnd_get_vq_map()):
	 * it has no IOMMU, so a kernel driver maps the CVQ at physical
	 * addresses.  A software parent may have set its DMA mask already.
	 */
	if (!vdev->dev.dma_mask) {
		vdev->dev.dma_mask = &vdev->dev.coherent_dma_mask;
		err = dma_set_mask_and_coherent(&vdev->dev, DMA_BIT_MASK(64));
		if (err)
			return err;
	}
	/*
	 * reset_map also resets the frontend's own address space: keep it
	 * for a parent that keeps its maps across resets without it.
	 */
	if (!p->reset_map &&
	    !(p->get_backend_features &&
	      (p->get_backend_features(vdev) &
	       BIT_ULL(VHOST_BACKEND_F_IOTLB_PERSIST))))
		vnd->ops.reset_map = NULL;
	vnd->cvq_num_max = min_t(u32, p->get_vq_num_max(vdev), VND_CVQ_NUM_MAX);
	if (!vnd->cvq_num_max)
		return -EINVAL;
	vnd->cvq_may_move = vnd_max_pairs(vnd) > 1 &&
			    (vnd_get_device_features(vdev) &
			     (BIT_ULL(VIRTIO_NET_F_MQ) | BIT_ULL(VIRTIO_NET_F_RSS)));
	mutex_lock(&vnd->lock);
	vnd_reset(vnd, 0);
	mutex_unlock(&vnd->lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vdpa_net_device_ready);

/**
 * _vdpa_net_register_device - register a net parent's device
 * @vnd: the device from vdpa_net_alloc_device(), set up
 *
 * As _vdpa_register_device(), from a management device's dev_add(): the
 * device gets the parent's data virtqueues plus the control virtqueue.
 * The parent's features, config space (the MAC) and backend features
 * must be set up: the frontend reads them here.  The management device's
 * dev_del() unregisters it with _vdpa_unregister_device() like any vdpa
 * device.
 *
 * Context: process context, with the vdpa device lock held by the vdpa
 * netlink core (the dev_add() callback).
 * Return: 0 or a negative errno.
 */
int _vdpa_net_register_device(struct vdpa_net_device *vnd)
{
	int err;

	err = vdpa_net_device_ready(vnd);
	if (err)
		return err;
	return _vdpa_register_device(&vnd->vdpa,
				     2 * vnd_max_pairs(vnd->net) + 1);
}
EXPORT_SYMBOL_GPL(_vdpa_net_register_device);

/**
 * vdpa_net_set_mac - the management interface sets the device's MAC
 * @vnd_dev: the device
 * @mac: the new address
 *
 * For a management device's dev_set_attr() ("vdpa dev set ... mac"):
 * calls the parent's mac_addr_set callback, which updates its config
 * space as for a MAC ADDR_SET command, and the receive filter takes the
 * new address, both under the frontend's lock, so that no control
 * command comes in between.  A parent without mac_addr_set updates its
 * config space itself before calling this.
 *
 * Context: process context; takes the frontend's lock, which the control
 * callbacks run under: do not call it with a lock those callbacks take.
 * Return: 0, or the callback's error (the filter is then unchanged).
 */
int vdpa_net_set_mac(struct vdpa_net_device *vnd_dev, const u8 *mac)
{
	struct vdpa_net *vnd = vnd_dev->net;
	int err = 0;

	mutex_lock(&vnd->lock);
	if (vnd->ctrl_ops && vnd->ctrl_ops->mac_addr_set)
		err = vnd->ctrl_ops->mac_addr_set(vnd->vdev, mac);
	if (!err)
		vdpa_net_ctrl_vringh_set_mac(&vnd->ctrl, mac);
	mutex_unlock(&vnd->lock);
	return err;
}
EXPORT_SYMBOL_GPL(vdpa_net_set_mac);

/**
 * vdpa_net_driver_features - the features the driver negotiated
 * @vnd_dev: the device
 *
 * The parent's set_driver_features() gets the driver's features without
 * the control ones, which the frontend handles.  A parent that needs one
 * of them anyway, such as VIRTIO_NET_F_GUEST_ANNOUNCE before it sets
 * VIRTIO_NET_S_ANNOUNCE, reads them here.
 *
 * Context: process context; takes the frontend's lock, which the control
 * callbacks run under: do not call it with a lock those callbacks take.
 * Return: the VIRTIO_NET_F_* and VIRTIO_F_* bits negotiated at
 * FEATURES_OK, 0 before it and after a reset.
 */
u64 vdpa_net_driver_features(struct vdpa_net_device *vnd_dev)
{
	struct vdpa_net *vnd = vnd_dev->net;
	u64 features;

	mutex_lock(&vnd->lock);
	features = vdpa_net_ctrl_vringh_features(&vnd->ctrl);
	mutex_unlock(&vnd->lock);
	return features;
}
EXPORT_SYMBOL_GPL(vdpa_net_driver_features);

/**
 * vdpa_net_get_state - the control state, as the driver last saw it acked
 * @vnd_dev: the device
 * @state: where to copy the device-side state, or NULL for the
 *	features alone
 *
 * For a parent that applies the state somewhere else (VDUSE hands it to
 * its userspace device): a copy of the state as of the last completed
 * control command, reset, FEATURES_OK or vdpa_net_set_mac(), the copy
 * vdpa_net_rx_accept() answers from.  The parent's state_changed
 * callback says when it changed.
 *
 * Context: any context; takes a spinlock.
 * Return: the negotiated features of that copy, control features
 * included; 0 before FEATURES_OK.
 */
u64 vdpa_net_get_state(struct vdpa_net_device *vnd_dev,
		       struct vdpa_net_ctrl_state *state)
{
	struct vdpa_net *vnd = vnd_dev->net;
	unsigned long flags;
	u64 features;

	spin_lock_irqsave(&vnd->filter_lock, flags);
	if (state)
		*state = vnd->filter.state;
	features = vnd->filter.features;
	spin_unlock_irqrestore(&vnd->filter_lock, flags);
	return features;
}
EXPORT_SYMBOL_GPL(vdpa_net_get_state);

/**
 * vdpa_net_rx_accept - whether the device's receive filter takes a frame
 * @vnd_dev: the device
 * @frame: the frame, from its Ethernet header
 * @len: bytes at @frame
 *
 * For software parents that filter in their data path: answers from the
 * receive modes, MAC tables and VLAN filter the driver set, as of the
 * last completed control command.  See vdpa_net_ctrl_rx_accept().
 *
 * Context: any context; takes a spinlock.
 * Return: true to deliver the frame.
 */
bool vdpa_net_rx_accept(struct vdpa_net_device *vnd_dev, const void *frame,
			size_t len)
{
	struct vdpa_net *vnd = vnd_dev->net;
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&vnd->filter_lock, flags);
	ok = vdpa_net_ctrl_rx_accept(&vnd->filter, frame, len);
	spin_unlock_irqrestore(&vnd->filter_lock, flags);
	return ok;
}
EXPORT_SYMBOL_GPL(vdpa_net_rx_accept);

/**
 * vdpa_net_rx_steer - the receive queue and the hash of a frame
 * @vnd_dev: the device
 * @frame: the frame, from its Ethernet header
 * @len: bytes at @frame
 * @out: the receive queue RSS picks, the hash report and the queue pairs
 *	in use
 *
 * For software parents that steer in their data path, and that offer
 * MQ, RSS and HASH_REPORT through &vdpa_net_ctrl_limits.soft_features:
 * answers from the queue pairs, the RSS and the hash report
 * configuration the driver set, as of the last completed control
 * command.  See vdpa_net_ctrl_rx_steer().
 *
 * Context: any context; takes a spinlock.
 */
void vdpa_net_rx_steer(struct vdpa_net_device *vnd_dev, const void *frame,
		       size_t len, struct vdpa_net_ctrl_rx_hash *out)
{
	struct vdpa_net *vnd = vnd_dev->net;
	unsigned long flags;

	spin_lock_irqsave(&vnd->filter_lock, flags);
	vdpa_net_ctrl_rx_steer(&vnd->filter, frame, len, out);
	spin_unlock_irqrestore(&vnd->filter_lock, flags);
}
EXPORT_SYMBOL_GPL(vdpa_net_rx_steer);

/**
 * vdpa_net_vq_coal - the notification coalescing of a data virtqueue
 * @vnd_dev: the device
 * @vq: the data virtqueue index
 * @coal: the parameters in effect; both zero when @vq does not coalesce
 *
 * For software parents that coalesce used buffer notifications in their
 * data path, and that offer NOTF_COAL and VQ_NOTF_COAL through
 * &vdpa_net_ctrl_limits.soft_features: the last of NOTF_COAL_TX_SET,
 * NOTF_COAL_RX_SET and NOTF_COAL_VQ_SET that named @vq, as of the last
 * completed control command.  The spec coalesces only when both
 * parameters are non-zero.
 *
 * Context: any context; takes a spinlock.
 */
void vdpa_net_vq_coal(struct vdpa_net_device *vnd_dev, u16 vq,
		      struct vdpa_net_ctrl_coal *coal)
{
	struct vdpa_net *vnd = vnd_dev->net;
	unsigned long flags;

	if (vq >= VDPA_NET_CTRL_COAL_MAX_VQS) {
		*coal = (struct vdpa_net_ctrl_coal){};
		return;
	}
	spin_lock_irqsave(&vnd->filter_lock, flags);
	*coal = vnd->filter.state.vq_coal[vq];
	spin_unlock_irqrestore(&vnd->filter_lock, flags);
}
EXPORT_SYMBOL_GPL(vdpa_net_vq_coal);

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
