/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vdpa_net_ctrl: the device side of the virtio-net control virtqueue,
 * shared by vDPA parents that emulate the CVQ in software.
 *
 * The library is split in two layers:
 *
 *  - a functional core (struct vdpa_net_ctrl) that decodes, validates and
 *    applies one command held in a flat byte buffer.  It knows nothing
 *    about rings or DMA and is also built in userspace for unit tests
 *    and fuzzing;
 *
 *  - a ring layer (struct vdpa_net_ctrl_vringh) that takes chains off a CVQ
 *    with vringh, feeds them to the core, writes the ack and completes
 *    every chain, counts and traces what happened.
 *
 * The parent driver passes its callbacks (struct vdpa_net_ctrl_ops) as a
 * parameter to every call that may need them.
 */
#ifndef _LINUX_VDPA_NET_CTRL_H
#define _LINUX_VDPA_NET_CTRL_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/mutex.h>
#include <linux/u64_stats_sync.h>
#include <linux/vringh.h>
#include <uapi/linux/virtio_net.h>

struct vringh;
struct dentry;

/* Upper bounds of the state the module keeps for a device. */
#define VDPA_NET_CTRL_MAC_TABLE_MAX	64	/* entries per MAC table */
#define VDPA_NET_CTRL_VLAN_N		4096	/* 802.1Q VLAN ids */
#define VDPA_NET_CTRL_RSS_MAX_KEY_SIZE	52	/* bytes */
#define VDPA_NET_CTRL_RSS_MAX_TABLE_LEN	256	/* indirection entries */
#define VDPA_NET_CTRL_COAL_MAX_VQS	64	/* per-vq coalescing slots */
#define VDPA_NET_CTRL_MAX_CMD_LEN	(64 * 1024) /* readable bytes */
#define VDPA_NET_CTRL_MAX_RESULT_LEN	4096	/* bytes after the ack */
#define VDPA_NET_CTRL_NCLASSES		(VIRTIO_NET_CTRL_STATS + 1)

/**
 * struct vdpa_net_ctrl_mac_table - one MAC filter table (unicast or multicast)
 * @addr: the entries, 2-byte aligned for ether_addr_equal()
 * @count: number of valid entries in @addr
 * @overflow: the driver sent more than the device holds; the device
 *	behaves as if all addresses of this kind were in the table
 *	(all-unicast or all-multicast) and @count is 0
 */
struct vdpa_net_ctrl_mac_table {
	u8 addr[VDPA_NET_CTRL_MAC_TABLE_MAX][ETH_ALEN] __aligned(2);
	u32 count;
	bool overflow;
};

/**
 * struct vdpa_net_ctrl_rss - receive side scaling or hash report configuration
 * @hash_types: VIRTIO_NET_RSS_HASH_TYPE_* bits to hash on
 * @indirection_table_mask: table length minus one (RSS only)
 * @unclassified_queue: receive queue for unhashed packets (RSS only)
 * @max_tx_vq: number of queue pairs in use (RSS only)
 * @key_len: bytes of @key in use
 * @key: the hash key
 * @table: the indirection table, receive queue numbers (RSS only)
 */
struct vdpa_net_ctrl_rss {
	u32 hash_types;
	u16 indirection_table_mask;
	u16 unclassified_queue;
	u16 max_tx_vq;
	u8 key_len;
	u8 key[VDPA_NET_CTRL_RSS_MAX_KEY_SIZE];
	u16 table[VDPA_NET_CTRL_RSS_MAX_TABLE_LEN];
};

/**
 * struct vdpa_net_ctrl_coal - notification coalescing parameters
 * @max_packets: maximum packets per notification
 * @max_usecs: maximum delay of a notification
 *
 * In the order of struct virtio_net_ctrl_coal on the wire.
 */
struct vdpa_net_ctrl_coal {
	u32 max_packets;
	u32 max_usecs;
};

/**
 * struct vdpa_net_ctrl_state - device-side state of the control virtqueue
 * @mac: the device MAC address (the last MAC ADDR_SET)
 * @rx_mode: BIT(VIRTIO_NET_CTRL_RX_*) of the receive modes switched on
 * @uc: unicast filter table
 * @mc: multicast filter table
 * @vlans: VLAN filter, one bit per VLAN id
 * @vq_pairs: queue pairs in use
 * @rss_enabled: an RSS configuration is in effect (@rss is valid)
 * @hash_report: a hash report configuration is in effect (@hash is valid)
 * @rss: the RSS configuration
 * @hash: the hash report configuration (table fields unused)
 * @guest_offloads: VIRTIO_NET_F_GUEST_* offloads switched on
 * @tx_coal: coalescing of all transmit queues
 * @rx_coal: coalescing of all receive queues
 * @vq_coal: per-virtqueue coalescing, by virtqueue index
 *
 * The device has 2 * max_vq_pairs data virtqueues when MQ or RSS is
 * negotiated, 2 otherwise; the control virtqueue follows them.  Commands
 * that name a virtqueue (coalescing, statistics) are checked against
 * this layout, and against @vq_pairs where the queue must be enabled.
 *
 * A plain value without pointers: it may be copied, saved and restored
 * with vdpa_net_ctrl_save() and vdpa_net_ctrl_restore().
 */
struct vdpa_net_ctrl_state {
	u8 mac[ETH_ALEN];
	u8 rx_mode;
	struct vdpa_net_ctrl_mac_table uc;
	struct vdpa_net_ctrl_mac_table mc;
	unsigned long vlans[VDPA_NET_CTRL_VLAN_N / (8 * sizeof(unsigned long))];
	u16 vq_pairs;
	bool rss_enabled;
	bool hash_report;
	struct vdpa_net_ctrl_rss rss;
	struct vdpa_net_ctrl_rss hash;
	u64 guest_offloads;
	struct vdpa_net_ctrl_coal tx_coal;
	struct vdpa_net_ctrl_coal rx_coal;
	struct vdpa_net_ctrl_coal vq_coal[VDPA_NET_CTRL_COAL_MAX_VQS];
};

/**
 * struct vdpa_net_ctrl_limits - what the parent device can hold
 * @max_vq_pairs: max_virtqueue_pairs of the device (at least 1)
 * @mac_table_entries: entries per MAC table the device filters on, at
 *	most VDPA_NET_CTRL_MAC_TABLE_MAX; a longer table sets the overflow
 *	fallback instead of failing, as the spec asks
 * @rss_max_key_size: longest hash key, at most VDPA_NET_CTRL_RSS_MAX_KEY_SIZE
 * @rss_max_indirection_table_length: at most VDPA_NET_CTRL_RSS_MAX_TABLE_LEN
 * @supported_hash_types: VIRTIO_NET_RSS_HASH_TYPE_* the device hashes on
 * @soft_features: VIRTIO_NET_F_* bits whose commands the module handles
 *	from its state alone, with no parent callback: a software device
 *	that filters with vdpa_net_ctrl_rx_accept() sets CTRL_RX, CTRL_RX_EXTRA
 *	and CTRL_VLAN here instead of filling empty callbacks.  Also
 *	accepted: CTRL_GUEST_OFFLOADS, and CTRL_MAC_ADDR for a device
 *	without VIRTIO_NET_F_MAC (with it, the config space must follow:
 *	fill @mac_addr_set instead); MQ, RSS and HASH_REPORT for a device
 *	that steers with vdpa_net_ctrl_rx_steer(), which reads the queue
 *	pairs, the RSS and the hash report configuration from the state;
 *	NOTF_COAL and VQ_NOTF_COAL for a device that coalesces by
 *	&vdpa_net_ctrl_state.vq_coal
 */
struct vdpa_net_ctrl_limits {
	u16 max_vq_pairs;
	u16 mac_table_entries;
	u8 rss_max_key_size;
	u16 rss_max_indirection_table_length;
	u32 supported_hash_types;
	u64 soft_features;
};

/**
 * struct vdpa_net_ctrl_ops - parent callbacks, one per state-changing command
 *
 * Every member is optional: a NULL member means the parent cannot do the
 * command, and vdpa_net_ctrl_features() does not offer the feature that gates
 * it (unless the feature is in &vdpa_net_ctrl_limits.soft_features).
 *
 * A callback is called after the command was decoded and validated, and
 * before the module's state changes.  It returns 0 to accept, or a
 * negative errno to refuse: the driver then gets VIRTIO_NET_ERR and the
 * module's state stays unchanged.
 *
 * Context: callbacks run in the context of the caller of
 * vdpa_net_ctrl_vringh_handle_cvq() or vdpa_net_ctrl_restore(), with whatever
 * locks it holds; the module takes no lock of its own.  They may sleep
 * when that caller may sleep (the in-tree users call from a kthread
 * worker or a workqueue, holding the parent's own mutex).
 *
 * @rx_mode_set: switch receive mode @cmd (VIRTIO_NET_CTRL_RX_*) on or
 *	off.  Gates CTRL_RX with @mac_table_set; with CTRL_RX_EXTRA it
 *	also gets ALLUNI, NOMULTI, NOUNI and NOBCAST.
 * @mac_table_set: replace both MAC filter tables.  A table with
 *	overflow set means "accept all addresses of this kind".
 * @mac_addr_set: set the device MAC address; the parent also updates
 *	config space @mac when it offers VIRTIO_NET_F_MAC.  Gates
 *	CTRL_MAC_ADDR.
 * @vlan_add: add @vid (0..4095) to the VLAN filter.  Gates CTRL_VLAN
 *	with @vlan_del.
 * @vlan_del: remove @vid from the VLAN filter.
 * @announce_ack: clear VIRTIO_NET_S_ANNOUNCE in config space status.
 *	Gates GUEST_ANNOUNCE.
 * @vq_pairs_set: use @pairs queue pairs (1..max_vq_pairs), RSS off.
 *	Gates MQ (with max_vq_pairs > 1).  With RSS and HASH_REPORT
 *	negotiated, the hash report keeps the last RSS configuration.
 * @rss_set: apply an RSS configuration, which also sets the number of
 *	queue pairs to @rss->max_tx_vq and, with HASH_REPORT negotiated,
 *	the hash report (types and key).  Gates RSS.
 * @hash_set: apply a hash report configuration and turn RSS off (one
 *	queue pair without MQ).  Gates HASH_REPORT.
 * @guest_offloads_set: switch on exactly the VIRTIO_NET_F_GUEST_*
 *	offloads in @offloads.  Gates CTRL_GUEST_OFFLOADS.
 * @coal_tx_set: coalescing for all transmit queues.  Gates NOTF_COAL
 *	with @coal_rx_set.
 * @coal_rx_set: coalescing for all receive queues.
 * @coal_vq_set: coalescing of data virtqueue @vq.  Gates VQ_NOTF_COAL.
 * @coal_vq_get: read back the coalescing of @vq into @coal; when NULL
 *	the module answers from its state.
 * @stats_query: report the VIRTIO_NET_STATS_TYPE_* the device supports
 *	in @supported.  Gates DEVICE_STATS with @stats_get.
 * @stats_get: write the replies (each with its struct
 *	virtio_net_stats_reply_hdr) for virtqueue @vq and the types in
 *	@types into @reply, at most @len bytes.  Returns the bytes
 *	written or a negative errno.  Not state-changing, but a parent
 *	callback because only the parent has the counters.
 * @state_changed: not a command and gates nothing; only vdpa_net_device
 *	calls it, after each command answered VIRTIO_NET_OK and after a
 *	reset, once vdpa_net_rx_accept(), vdpa_net_rx_steer() and
 *	vdpa_net_vq_coal() answer from the new state.  A parent whose data
 *	path reads that state re-checks what depends on it: the spec asks
 *	a device to re-check its coalescing conditions at once when the
 *	parameters change.  Called with the frontend's lock held: it must
 *	not wait for the frontend.
 */
struct vdpa_net_ctrl_ops {
	int (*rx_mode_set)(void *priv, u8 cmd, bool on);
	int (*mac_table_set)(void *priv,
			     const struct vdpa_net_ctrl_mac_table *uc,
			     const struct vdpa_net_ctrl_mac_table *mc);
	int (*mac_addr_set)(void *priv, const u8 *mac);
	int (*vlan_add)(void *priv, u16 vid);
	int (*vlan_del)(void *priv, u16 vid);
	int (*announce_ack)(void *priv);
	int (*vq_pairs_set)(void *priv, u16 pairs);
	int (*rss_set)(void *priv, const struct vdpa_net_ctrl_rss *rss);
	int (*hash_set)(void *priv, const struct vdpa_net_ctrl_rss *hash);
	int (*guest_offloads_set)(void *priv, u64 offloads);
	int (*coal_tx_set)(void *priv, const struct vdpa_net_ctrl_coal *coal);
	int (*coal_rx_set)(void *priv, const struct vdpa_net_ctrl_coal *coal);
	int (*coal_vq_set)(void *priv, u16 vq,
			   const struct vdpa_net_ctrl_coal *coal);
	int (*coal_vq_get)(void *priv, u16 vq, struct vdpa_net_ctrl_coal *coal);
	int (*stats_query)(void *priv, u64 *supported);
	int (*stats_get)(void *priv, u16 vq, u64 types, void *reply,
			 size_t len);
	void (*state_changed)(void *priv);
};

/**
 * struct vdpa_net_ctrl - the functional core: limits, features and state
 * @limits: what the device can hold
 * @features: the negotiated VIRTIO_NET_F_* and VIRTIO_F_* bits
 * @state: the device-side state
 * @cvq_commands: commands received, for VIRTIO_NET_STATS_TYPE_CVQ
 * @cvq_ok: commands answered VIRTIO_NET_OK, for VIRTIO_NET_STATS_TYPE_CVQ
 *
 * The two counts live from init to cleanup, across device resets, and
 * wrap around as the spec asks.
 */
struct vdpa_net_ctrl {
	struct vdpa_net_ctrl_limits limits;
	u64 features;
	struct vdpa_net_ctrl_state state;
	u64 cvq_commands;
	u64 cvq_ok;
};

/**
 * struct vdpa_net_ctrl_result - outcome of one command
 * @ack: VIRTIO_NET_OK or VIRTIO_NET_ERR
 * @reason: for VIRTIO_NET_ERR, a short constant string saying why
 * @len: bytes of command-specific result (after the ack) in the
 *	result buffer
 */
struct vdpa_net_ctrl_result {
	u8 ack;
	const char *reason;
	size_t len;
};

/* &vdpa_net_ctrl_rx_hash.queue when RSS is off: the device picks. */
#define VDPA_NET_CTRL_RX_QUEUE_ANY	0xffff

/**
 * struct vdpa_net_ctrl_rx_hash - where a received frame goes, and its hash
 * @value: the hash for the hash_value of struct virtio_net_hdr_v1_hash
 *	(0 with VIRTIO_NET_HASH_REPORT_NONE)
 * @report: VIRTIO_NET_HASH_REPORT_* for its hash_report: what the hash
 *	was calculated over; NONE when no hash report configuration is in
 *	effect or none of its hash types applies to the frame
 * @queue: the receive queue RSS picks (0 is receiveq1), or
 *	VDPA_NET_CTRL_RX_QUEUE_ANY when RSS is off: the device then picks
 *	one of the first @vq_pairs itself
 * @vq_pairs: the queue pairs in use
 */
struct vdpa_net_ctrl_rx_hash {
	u32 value;
	u16 report;
	u16 queue;
	u16 vq_pairs;
};

int vdpa_net_ctrl_init(struct vdpa_net_ctrl *nc,
		       const struct vdpa_net_ctrl_limits *limits);
void vdpa_net_ctrl_reset(struct vdpa_net_ctrl *nc);
void vdpa_net_ctrl_set_features(struct vdpa_net_ctrl *nc, u64 features);
u64 vdpa_net_ctrl_features(const struct vdpa_net_ctrl_ops *ops,
			   const struct vdpa_net_ctrl_limits *limits);
size_t vdpa_net_ctrl_result_max(const u8 *cmd, size_t len);
void vdpa_net_ctrl_execute(struct vdpa_net_ctrl *nc,
			   const struct vdpa_net_ctrl_ops *ops, void *priv,
			   const void *cmd, size_t len, void *result,
			   size_t result_cap, struct vdpa_net_ctrl_result *res);
bool vdpa_net_ctrl_rx_accept(const struct vdpa_net_ctrl *nc, const void *frame,
			     size_t len);
void vdpa_net_ctrl_rx_steer(const struct vdpa_net_ctrl *nc, const void *frame,
			    size_t len, struct vdpa_net_ctrl_rx_hash *out);
void vdpa_net_ctrl_save(const struct vdpa_net_ctrl *nc,
			struct vdpa_net_ctrl_state *out);
int vdpa_net_ctrl_restore(struct vdpa_net_ctrl *nc,
			  const struct vdpa_net_ctrl_state *in,
			  const struct vdpa_net_ctrl_ops *ops, void *priv);
const char *vdpa_net_ctrl_class_name(u8 class);

struct sk_buff;

/**
 * struct vdpa_net_ctrl_stats - control virtqueue counters
 * @received: chains taken off the ring, by command class (the last slot,
 *	"unknown", counts unknown classes, chains with no readable byte and
 *	chains vringh could not map)
 * @ok: commands answered VIRTIO_NET_OK, by class
 * @err: commands answered VIRTIO_NET_ERR, by class
 * @no_ack: chains completed without an ack, as they had no writable byte
 * @bad_chain: chains vringh could not map (completed with length 0) or
 *	whose buffers it could not translate
 * @ring_errors: times the ring itself was found broken
 */
struct vdpa_net_ctrl_stats {
	u64 received[VDPA_NET_CTRL_NCLASSES + 1];
	u64 ok[VDPA_NET_CTRL_NCLASSES + 1];
	u64 err[VDPA_NET_CTRL_NCLASSES + 1];
	u64 no_ack;
	u64 bad_chain;
	u64 ring_errors;
};

/**
 * struct vdpa_net_ctrl_counters - live counters behind vdpa_net_ctrl_stats
 * @received: see struct vdpa_net_ctrl_stats
 * @ok: see struct vdpa_net_ctrl_stats
 * @err: see struct vdpa_net_ctrl_stats
 * @no_ack: see struct vdpa_net_ctrl_stats
 * @bad_chain: see struct vdpa_net_ctrl_stats
 * @ring_errors: see struct vdpa_net_ctrl_stats
 *
 * The vstats and debugfs code read them through u64_stats, with no lock.
 */
struct vdpa_net_ctrl_counters {
	u64_stats_t received[VDPA_NET_CTRL_NCLASSES + 1];
	u64_stats_t ok[VDPA_NET_CTRL_NCLASSES + 1];
	u64_stats_t err[VDPA_NET_CTRL_NCLASSES + 1];
	u64_stats_t no_ack;
	u64_stats_t bad_chain;
	u64_stats_t ring_errors;
};

/**
 * struct vdpa_net_ctrl_vringh - per-device context of the ring layer
 * @nc: the functional core
 * @stats: counters, written under @syncp
 * @name: device name, used by tracepoints and debugfs
 * @buf: bounce buffer for the readable part of a chain
 * @result: bounce buffer for the ack and the command result
 * @riov: readable iov of the chain being handled
 * @wiov: writable iov of the chain being handled
 * @debugfs: the device's debugfs directory
 * @ring_err: the used ring could not be written: the error the handling
 *	calls return until the next reset
 * @lock: the parent's lock that serializes calls into this context, taken
 *	by the debugfs readers; may be NULL
 * @syncp: protects @stats for readers that do not hold @lock
 * @state_changed: optional; called by vdpa_net_ctrl_vringh_handle_cvq() after
 *	a command changed @nc and before its chain is completed, so that a
 *	user can publish the new state to its data path before the driver,
 *	which polls the used ring, can see the ack.  Set it after
 *	vdpa_net_ctrl_vringh_init().
 */
struct vdpa_net_ctrl_vringh {
	struct vdpa_net_ctrl nc;
	struct vdpa_net_ctrl_counters stats;
	struct u64_stats_sync syncp;
	struct mutex *lock;	/* the parent's, see above */
	char name[32];
	u8 *buf;
	u8 *result;
	struct vringh_kiov riov;
	struct vringh_kiov wiov;
	struct dentry *debugfs;
	int ring_err;
	void (*state_changed)(struct vdpa_net_ctrl_vringh *ctx);
};

int vdpa_net_ctrl_vringh_init(struct vdpa_net_ctrl_vringh *ctx,
			      const char *name,
			      const struct vdpa_net_ctrl_limits *limits, struct mutex *lock);
void vdpa_net_ctrl_vringh_cleanup(struct vdpa_net_ctrl_vringh *ctx);
void vdpa_net_ctrl_vringh_reset(struct vdpa_net_ctrl_vringh *ctx,
				const u8 *mac);
void vdpa_net_ctrl_vringh_set_features(struct vdpa_net_ctrl_vringh *ctx,
				       u64 features);
u64 vdpa_net_ctrl_vringh_features(const struct vdpa_net_ctrl_vringh *ctx);
void vdpa_net_ctrl_vringh_set_mac(struct vdpa_net_ctrl_vringh *ctx,
				  const u8 *mac);
bool vdpa_net_ctrl_vringh_rx_accept(const struct vdpa_net_ctrl_vringh *ctx,
				    const void *frame, size_t len);
int vdpa_net_ctrl_vringh_fill_vstats(struct vdpa_net_ctrl_vringh *ctx,
				     struct sk_buff *msg);
int vdpa_net_ctrl_vringh_handle_cvq(struct vdpa_net_ctrl_vringh *ctx,
				    struct vringh *vrh,
				    const struct vdpa_net_ctrl_ops *ops,
				    void *priv, unsigned int budget);
#endif /* _LINUX_VDPA_NET_CTRL_H */
