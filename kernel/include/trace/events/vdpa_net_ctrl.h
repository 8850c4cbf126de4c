/* SPDX-License-Identifier: GPL-2.0-only */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vdpa_net_ctrl

#if !defined(_TRACE_VDPA_NET_CTRL_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_VDPA_NET_CTRL_H

#include <linux/tracepoint.h>

/**
 * vdpa_net_ctrl_cmd - a control virtqueue chain was completed
 * @dev: device name
 * @class: command class, -1 when the chain held no readable byte
 * @cmd: command, -1 when the chain held fewer than two readable bytes
 * @len: readable bytes of the chain
 * @ack: VIRTIO_NET_OK (0) or VIRTIO_NET_ERR (1)
 * @reason: why the command got VIRTIO_NET_ERR, NULL for VIRTIO_NET_OK
 */
TRACE_EVENT(vdpa_net_ctrl_cmd,
	TP_PROTO(const char *dev, int class, int cmd, u32 len, u8 ack,
		 const char *reason),
	TP_ARGS(dev, class, cmd, len, ack, reason),
	TP_STRUCT__entry(
		__string(dev, dev)
		__field(int, class)
		__field(int, cmd)
		__field(u32, len)
		__field(u8, ack)
		__string(reason, reason ? reason : "")
	),
	TP_fast_assign(
		__assign_str(dev);
		__entry->class = class;
		__entry->cmd = cmd;
		__entry->len = len;
		__entry->ack = ack;
		__assign_str(reason);
	),
	TP_printk("%s class=%d cmd=%d len=%u ack=%s%s%s",
		  __get_str(dev), __entry->class, __entry->cmd, __entry->len,
		  __entry->ack ? "ERR" : "OK",
		  __entry->ack ? " reason=" : "", __get_str(reason))
);

#endif /* _TRACE_VDPA_NET_CTRL_H */

#include <trace/define_trace.h>
