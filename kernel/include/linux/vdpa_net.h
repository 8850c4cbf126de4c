/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vdpa_net_device: a vDPA frontend that adds an emulated control
 * virtqueue to a virtio-net parent that has none.
 *
 * The parent embeds a struct vdpa_net_device in its own device struct,
 * where it would embed a struct vdpa_device, and allocates it with
 * vdpa_net_alloc_device() instead of vdpa_alloc_device(), with its
 * control command callbacks (struct vdpa_net_ctrl_ops) and limits.  There is
 * one vdpa_device: the parent's ops are called with it, for the data
 * virtqueues, their groups and address spaces, and the frontend installs
 * its own ops over them, with one more virtqueue (the control virtqueue,
 * at the index the spec gives it), one more virtqueue group holding that
 * queue alone and one more address space.  The parent never sees a
 * control virtqueue, a control feature bit or the extra group and
 * address space.  See Documentation/driver-api/vdpa-net.rst.
 */
#ifndef _LINUX_VDPA_NET_H
#define _LINUX_VDPA_NET_H

#include <linux/vdpa.h>
#include <linux/vdpa_net_ctrl.h>

struct vdpa_net;

/**
 * struct vdpa_net_device - a virtio-net vDPA device with an emulated CVQ
 * @vdpa: the vDPA device: the parent's, registered on the vdpa bus
 * @net: the frontend's state; parents do not touch it
 */
struct vdpa_net_device {
	struct vdpa_device vdpa;
	struct vdpa_net *net;
};

struct vdpa_device *
__vdpa_net_alloc_device(struct device *parent,
			const struct vdpa_config_ops *config,
			const struct virtio_map_ops *map,
			unsigned int ngroups, unsigned int nas, size_t size,
			const char *name, bool use_va,
			const struct vdpa_net_ctrl_ops *ctrl_ops,
			const struct vdpa_net_ctrl_limits *limits,
			const struct vdpa_dev_set_config *dev_config);

/**
 * vdpa_net_alloc_device - allocate a net parent's device, with a CVQ
 * @dev_struct: the type of the parent structure
 * @member: the name of struct vdpa_net_device within @dev_struct; it
 *	must be its first member
 * @parent: the parent device
 * @config: the parent's config ops, for its data virtqueues only
 * @map: the parent's map ops, or NULL (it uses the DMA API); called for
 *	its data virtqueues only
 * @ngroups: the parent's virtqueue groups
 * @nas: the parent's address spaces
 * @name: name of the vdpa device
 * @use_va: the parent uses virtual addresses
 * @ctrl_ops: the parent's control command callbacks, called with the
 *	device's struct vdpa_device as their priv argument
 * @limits: what the parent can hold; max_vq_pairs is its number of data
 *	virtqueue pairs, at least 1
 * @dev_config: the attributes the device is added with (the dev_add()
 *	argument), or NULL
 *
 * As vdpa_alloc_device(), with the frontend's ops over @config: the
 * device has one more virtqueue group and address space than @ngroups
 * and @nas.  The parent sets its device up, then registers it with
 * _vdpa_net_register_device().  put_device() releases it, calling
 * @config's free.
 *
 * Return: the parent structure, or an ERR_PTR(): -EOPNOTSUPP for @config
 * without set_map and dma_map, -EINVAL for bad arguments, -ENOMEM.
 */
#define vdpa_net_alloc_device(dev_struct, member, parent, config, map,	\
			      ngroups, nas, name, use_va, ctrl_ops,	\
			      limits, dev_config)			\
	container_of((__vdpa_net_alloc_device((parent), (config), (map), \
					      (ngroups), (nas),		\
					      sizeof(dev_struct) +	\
					      BUILD_BUG_ON_ZERO(offsetof( \
					      dev_struct, member)), (name), \
					      (use_va), (ctrl_ops), (limits), \
					      (dev_config))),		\
		     dev_struct, member.vdpa)

int _vdpa_net_register_device(struct vdpa_net_device *vnd);
u64 vdpa_net_device_features(u64 parent_features,
			     const struct vdpa_net_ctrl_ops *ctrl_ops,
			     const struct vdpa_net_ctrl_limits *limits);
int vdpa_net_set_mac(struct vdpa_net_device *vnd, const u8 *mac);
u64 vdpa_net_driver_features(struct vdpa_net_device *vnd);
u64 vdpa_net_get_state(struct vdpa_net_device *vnd,
		       struct vdpa_net_ctrl_state *state);
bool vdpa_net_rx_accept(struct vdpa_net_device *vnd, const void *frame,
			size_t len);
void vdpa_net_rx_steer(struct vdpa_net_device *vnd, const void *frame,
		       size_t len, struct vdpa_net_ctrl_rx_hash *out);
void vdpa_net_vq_coal(struct vdpa_net_device *vnd, u16 vq,
		      struct vdpa_net_ctrl_coal *coal);

#endif /* _LINUX_VDPA_NET_H */
