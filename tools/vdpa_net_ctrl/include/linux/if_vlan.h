/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: 802.1Q constants of the kernel's <linux/if_vlan.h>. */
#ifndef _SHIM_LINUX_IF_VLAN_H
#define _SHIM_LINUX_IF_VLAN_H

#include <linux/types.h>
#include <linux/if_ether.h>	/* ETH_P_8021Q */

#define VLAN_HLEN	4	/* bytes of the 802.1Q tag */
#define VLAN_ETH_HLEN	18	/* Ethernet header with one tag */
#define VLAN_PRIO_MASK	0xe000
#define VLAN_CFI_MASK	0x1000
#define VLAN_VID_MASK	0x0fff
#define VLAN_N_VID	4096

struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

#endif
