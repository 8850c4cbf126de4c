/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vdpa_net_device internals, shared by vdpa_net.c and its KUnit suite
 * only.  Parents use <linux/vdpa_net.h>.
 */
#ifndef _VDPA_NET_INTERNAL_H
#define _VDPA_NET_INTERNAL_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/vdpa.h>
#include <linux/vdpa_net.h>
#include <linux/vdpa_net_ctrl.h>
#include <linux/vhost_iotlb.h>
#include <linux/vringh.h>
#include <linux/workqueue.h>

/**
 * struct vdpa_net_vq - what the driver set on a virtqueue index
 * @desc_addr: descriptor area address
 * @driver_addr: driver area address
 * @device_addr: device area address
 * @num: queue size
 * @avail_index: next available index, as set by set_vq_state
 * @ready: the driver enabled the queue
 * @cb: the driver's used buffer notification
 */
struct vdpa_net_vq {
	u64 desc_addr;
	u64 driver_addr;
	u64 device_addr;
	u32 num;
	u16 avail_index;
	bool ready;
	struct vdpa_callback cb;
};

/**
 * struct vdpa_net_cvq - the emulated control virtqueue
 * @vring: the ring, through vringh
 * @cfg: what the driver set on it
 * @live: @vring is set up from @cfg (enabled, index settled)
 * @asid: the address space the control virtqueue group is attached to
 */
struct vdpa_net_cvq {
	struct vringh vring;
	struct vdpa_net_vq cfg;
	bool live;
	unsigned int asid;
};

/**
 * struct vdpa_net_map - a mapping token, for a parent with map ops
 * @vnd: the frontend
 * @parent: the parent's token of the data virtqueue
 * @cvq: this is the control virtqueue's token: it maps with the DMA API
 *	on the vdpa device, as for a parent without map ops
 *
 * A parent with map ops (VDUSE) gets them called with its own tokens.
 * The control virtqueue is the frontend's, and its memory must not go
 * where the parent's map ops put it (for VDUSE, a bounce buffer that the
 * userspace device maps): so the device's map ops are the frontend's,
 * and every token they get is one of these, which says where to go.
 */
struct vdpa_net_map {
	struct vdpa_net *vnd;
	union virtio_map parent;
	bool cvq;
};

/**
 * struct vdpa_net - the frontend's state of a device
 * @vdev: the device, the parent's and the frontend's
 * @ngroups: the parent's virtqueue groups; the CVQ's group is the next
 * @nas: the parent's address spaces; the frontend's own is the next
 * @parent_ops: the parent's config ops
 * @parent_map: the parent's map ops, or NULL (it uses the DMA API)
 * @maps: with @parent_map, the tokens of the data virtqueues
 * @cvq_map: with @parent_map, the token of the control virtqueue
 * @ops: this device's config ops, built from the parent's
 * @ctrl_ops: the parent's control command callbacks
 * @ctrl: the control virtqueue library context (state and counters)
 * @cvq: the control virtqueue
 * @low: what was set on virtqueue 2 before FEATURES_OK, for a multiqueue
 *	parent: it becomes the control virtqueue's if MQ and RSS are not
 *	negotiated
 * @routed: FEATURES_OK was set: the control virtqueue index is settled
 * @cvq_may_move: the device has several queue pairs and offers MQ or RSS:
 *	the control virtqueue index depends on the features
 * @provisioned: the features "vdpa dev add ... device_features" allows
 * @iotlb: one IOTLB per address space: the mirrors of the parent's
 *	address spaces, then the control virtqueue's own
 * @pt_iotlb: the identity map a kernel driver's CVQ is read through
 * @kernel_map: a kernel driver asked for the CVQ's mapping token (see
 *	vnd_cvq_iotlb() in vdpa_net.c)
 * @iotlb_lock: protects @iotlb against the control virtqueue's reads
 * @lock: serializes the control virtqueue against reset, status, map and
 *	address space changes
 * @work: runs the control virtqueue, on the frontend's workqueue
 * @filter: a copy of @ctrl's state published for vdpa_net_rx_accept(),
 *	vdpa_net_rx_steer() and vdpa_net_vq_coal()
 * @filter_lock: protects @filter
 * @config_cb: the driver's config change notification
 * @mm: the address space bound with bind_mm() (use_va parents)
 * @features: the negotiated features, control features included
 * @status: the device status bits the frontend adds (NEEDS_RESET)
 * @driver_ok: the driver set DRIVER_OK (whether the parent took it or not)
 * @cvq_num_max: the largest CVQ size, the parent's maximum at registration
 * @suspended: the device is suspended
 */
struct vdpa_net {
	struct vdpa_device *vdev;
	unsigned int ngroups;
	unsigned int nas;
	const struct vdpa_config_ops *parent_ops;
	const struct virtio_map_ops *parent_map;
	struct vdpa_net_map *maps;
	struct vdpa_net_map cvq_map;
	struct vdpa_config_ops ops;
	const struct vdpa_net_ctrl_ops *ctrl_ops;
	struct vdpa_net_ctrl_vringh ctrl;
	struct vdpa_net_cvq cvq;
	struct vdpa_net_vq low;
	bool routed;
	bool cvq_may_move;
	u64 provisioned;
	struct vhost_iotlb *iotlb;
	struct vhost_iotlb pt_iotlb;
	bool kernel_map;
	spinlock_t iotlb_lock;	/* the IOTLBs, see above */
	struct mutex lock;	/* the control virtqueue, see above */
	struct work_struct work;
	struct vdpa_net_ctrl filter;
	spinlock_t filter_lock;	/* @filter */
	struct vdpa_callback config_cb;
	struct mm_struct *mm;
	u64 features;
	u8 status;
	bool driver_ok;
	u32 cvq_num_max;
	bool suspended;
};

#if IS_ENABLED(CONFIG_KUNIT)
int vdpa_net_device_ready(struct vdpa_net_device *vnd);
#endif

#endif /* _VDPA_NET_INTERNAL_H */
