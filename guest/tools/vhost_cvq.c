// SPDX-License-Identifier: GPL-2.0
/*
 * vhost_cvq: drive the control virtqueue of a vhost-vdpa virtio-net device
 * from userspace, the way a VMM with a shadow CVQ does (QEMU's vhost-vdpa
 * net client), and check the answers and the device-side state.
 *
 *   vhost_cvq [-m] [-t TIMEOUT_MS] [-s STATE_DIR] [-x CMD] /dev/vhost-vdpa-N
 *
 * -m negotiates MQ and RSS as well (a multiqueue device: the CVQ is at
 * 2 * max_virtqueue_pairs) and runs the commands only, with
 * VQ_PAIRS_SET and RSS_CONFIG as QEMU restores them; no hostile driver.
 *
 * -x CMD runs CMD (sh -c) at the end while the device is still at
 * DRIVER_OK (vdpa dev vstats needs FEATURES_OK; closing the fd resets
 * the device): a check "live-hook" reports its exit status.
 *
 * Set-up: SET_OWNER, features, backend features (IOTLB_MSG_V2, IOTLB_BATCH,
 * IOTLB_ASID), FEATURES_OK, the CVQ's virtqueue group moved to address
 * space 1, the ring and the command buffers mapped there with batched
 * IOTLB v2 updates, the CVQ (vq 2) enabled, DRIVER_OK.  The data queues
 * stay disabled (vdpa_sim does not need them for DRIVER_OK).
 *
 * Every command is one descriptor chain (header, payload: readable; ack:
 * writable), a kick through the kick eventfd, then a poll of the used
 * index with a deadline: a timeout is a failure, never a hang.
 *
 * Then a hostile driver: a descriptor loop, a `next` out of range, a
 * nested indirect table, an avail ring head out of range (NEEDS_RESET,
 * then reset and set-up again), a burst of 200 commands on a 256 entry
 * ring (more than the frontend's budget per run pending at once) and
 * MAC tables whose entry counts exceed the buffer.
 *
 * Output: one "PASS name", "FAIL name: detail" or "SKIP name: reason"
 * line per check and "INFO text" lines, on stdout.  Exit status: the
 * number of failures (at most 100).
 *
 * Memory is MAP_SHARED|MAP_ANONYMOUS: with a vDPA parent that works on
 * user virtual addresses (vdpa_sim's use_va, the default), vhost-vdpa
 * maps only shared file-backed vmas (drivers/vhost/vdpa.c
 * vhost_vdpa_va_map() silently skips private anonymous memory).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/vhost.h>
#include <linux/vhost_types.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

/*
 * Values from the Linux uapi headers (7.3), for older system headers.
 * include/uapi/linux/vhost_types.h
 */
/* Debian 12's headers predate per-virtqueue coalescing. */
#ifndef VIRTIO_NET_F_VQ_NOTF_COAL
#define VIRTIO_NET_F_VQ_NOTF_COAL 52
#endif
#ifndef VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET
#define VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET 2
#endif
#ifndef VHOST_BACKEND_F_IOTLB_MSG_V2
#define VHOST_BACKEND_F_IOTLB_MSG_V2 0x1
#endif
#ifndef VHOST_BACKEND_F_IOTLB_BATCH
#define VHOST_BACKEND_F_IOTLB_BATCH 0x2
#endif
#ifndef VHOST_BACKEND_F_IOTLB_ASID
#define VHOST_BACKEND_F_IOTLB_ASID 0x3
#endif
#ifndef VHOST_IOTLB_MSG_V2
#define VHOST_IOTLB_MSG_V2 0x2
#endif
#ifndef VHOST_IOTLB_BATCH_BEGIN
#define VHOST_IOTLB_BATCH_BEGIN 5
#define VHOST_IOTLB_BATCH_END 6
#endif
/* include/uapi/linux/vhost.h */
#ifndef VHOST_SET_BACKEND_FEATURES
#define VHOST_SET_BACKEND_FEATURES _IOW(VHOST_VIRTIO, 0x25, __u64)
#define VHOST_GET_BACKEND_FEATURES _IOR(VHOST_VIRTIO, 0x26, __u64)
#endif
#ifndef VHOST_VDPA_SET_VRING_ENABLE
#define VHOST_VDPA_SET_VRING_ENABLE _IOW(VHOST_VIRTIO, 0x75, struct vhost_vring_state)
#endif
#ifndef VHOST_VDPA_GET_VRING_NUM
#define VHOST_VDPA_GET_VRING_NUM _IOR(VHOST_VIRTIO, 0x76, __u16)
#endif
#ifndef VHOST_VDPA_GET_AS_NUM
#define VHOST_VDPA_GET_AS_NUM _IOR(VHOST_VIRTIO, 0x7A, unsigned int)
#endif
#ifndef VHOST_VDPA_GET_VRING_GROUP
#define VHOST_VDPA_GET_VRING_GROUP _IOWR(VHOST_VIRTIO, 0x7B, struct vhost_vring_state)
#endif
#ifndef VHOST_VDPA_SET_GROUP_ASID
#define VHOST_VDPA_SET_GROUP_ASID _IOW(VHOST_VIRTIO, 0x7C, struct vhost_vring_state)
#endif
#ifndef VHOST_VDPA_GET_GROUP_NUM
#define VHOST_VDPA_GET_GROUP_NUM _IOR(VHOST_VIRTIO, 0x81, __u32)
#endif
/* include/uapi/linux/virtio_config.h, virtio_net.h */
#ifndef VIRTIO_CONFIG_S_NEEDS_RESET
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40
#endif
#ifndef VIRTIO_F_ACCESS_PLATFORM
#define VIRTIO_F_ACCESS_PLATFORM 33
#endif
#ifndef VIRTIO_NET_F_CTRL_RX_EXTRA
#define VIRTIO_NET_F_CTRL_RX_EXTRA 20
#endif
#ifndef VIRTIO_NET_F_GUEST_ANNOUNCE
#define VIRTIO_NET_F_GUEST_ANNOUNCE 21
#endif
#ifndef VIRTIO_NET_CTRL_GUEST_OFFLOADS
#define VIRTIO_NET_CTRL_GUEST_OFFLOADS 5
#define VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET 0
#endif
/* include/uapi/linux/virtio_ring.h */
#ifndef VIRTIO_RING_F_INDIRECT_DESC
#define VIRTIO_RING_F_INDIRECT_DESC 28
#endif
#ifndef VHOST_VDPA_SET_CONFIG_CALL
#define VHOST_VDPA_SET_CONFIG_CALL _IOW(VHOST_VIRTIO, 0x77, int)
#endif

/* The split ring, little endian (virtio 1.x). */
#define DESC_F_NEXT	1
#define DESC_F_WRITE	2
#define DESC_F_INDIRECT	4

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct used_elem {
	uint32_t id;
	uint32_t len;
};

struct used {
	uint16_t flags;
	uint16_t idx;
	struct used_elem ring[];
};

#define RING_NUM	64	/* the ring size of every check but the burst */
#define RING_NUM_MAX	256	/* what RING_SIZE's layout holds */
#define PAGE		4096UL

/*
 * I/O virtual addresses.  The ring and the command buffers live in the
 * CVQ's address space; ISO is a page mapped in AS 0 only; XL is one IOVA
 * mapped in both address spaces, to different pages.
 */
#define RING_IOVA	0x10000000ULL
#define RING_SIZE	(4 * PAGE)
#define BUF_IOVA	0x10100000ULL
#define BUF_SIZE	(16 * PAGE)
#define ISO_IOVA	0x10200000ULL
#define XL_IOVA		0x10300000ULL

#define ACK_FILL	0xee

static unsigned int timeout_ms = 2000;
/* 2, or 2 * max_virtqueue_pairs with MQ negotiated (-m) */
static unsigned int cvq_idx = 2;
static int mq_mode;
static int failures, passes, skips;

static void pass(const char *name)
{
	printf("PASS %s\n", name);
	fflush(stdout);
	passes++;
}

static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures++;
}

static void skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("SKIP %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	skips++;
}

static void info(const char *fmt, ...)
{
	va_list ap;

	printf("INFO ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		pass(name);
		return;
	}
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures++;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the device -------------------------------------------------- */

struct dev {
	const char *path;
	int fd;
	int kick;
	int call;
	int owned;
	uint64_t dev_features;
	uint64_t features;
	uint64_t backend;
	uint32_t ngroups;
	uint32_t nas;
	uint32_t cvq_group;
	uint32_t cvq_asid;
	/* memory */
	uint8_t *ring;
	uint8_t *buf;
	uint8_t *iso;		/* ISO_IOVA in AS 0 */
	uint8_t *xl0;		/* XL_IOVA in AS 0 */
	uint8_t *xl1;		/* XL_IOVA in AS 1 */
	/* what is mapped, by address space: bit 0 ring, 1 buf, 2 iso, 3 xl */
	unsigned int mapped[2];
	/* the split ring */
	struct desc *desc;
	struct avail *avail;
	struct used *used;
	uint16_t num;		/* the CVQ's size, set up by dev_start() */
	uint16_t vmax;		/* the largest the device takes */
	uint16_t avail_idx;
	uint16_t last_used;
	uint16_t next_desc;
	size_t buf_off;
	/* debugfs */
	char dbg[512];
};

enum { M_RING = 1, M_BUF = 2, M_ISO = 4, M_XL = 8 };

/* Run an ioctl; on error report "FAIL name: ioctl X: strerror". */
#define IOC(d, req, arg, name)						\
	({								\
		int __r = ioctl((d)->fd, (req), (arg));			\
		if (__r < 0)						\
			fail((name), "ioctl %s: %s", #req,		\
			     strerror(errno));				\
		__r;							\
	})

static int iotlb_msg(struct dev *d, uint32_t asid, uint8_t type, uint64_t iova,
		     uint64_t size, void *uaddr, const char *name)
{
	struct vhost_msg_v2 m;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.type = VHOST_IOTLB_MSG_V2;
	m.asid = asid;
	m.iotlb.type = type;
	m.iotlb.iova = iova;
	m.iotlb.size = size;
	m.iotlb.uaddr = (uint64_t)(uintptr_t)uaddr;
	m.iotlb.perm = VHOST_ACCESS_RW;
	n = write(d->fd, &m, sizeof(m));
	if (n != (ssize_t)sizeof(m)) {
		fail(name, "IOTLB v2 message type %u asid %u iova %#llx: %s",
		     type, asid, (unsigned long long)iova,
		     n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

/* Map (or with inval, unmap) the regions in @what into @asid, batched. */
static int map_regions(struct dev *d, uint32_t asid, unsigned int what,
		       int inval, const char *name)
{
	uint8_t type = inval ? VHOST_IOTLB_INVALIDATE : VHOST_IOTLB_UPDATE;
	int r = 0;

	if (!what)
		return 0;
	if (iotlb_msg(d, asid, VHOST_IOTLB_BATCH_BEGIN, 0, 0, NULL, name))
		return -1;
	if (!r && (what & M_RING))
		r = iotlb_msg(d, asid, type, RING_IOVA, RING_SIZE, d->ring, name);
	if (!r && (what & M_BUF))
		r = iotlb_msg(d, asid, type, BUF_IOVA, BUF_SIZE, d->buf, name);
	if (!r && (what & M_ISO))
		r = iotlb_msg(d, asid, type, ISO_IOVA, PAGE, d->iso, name);
	if (!r && (what & M_XL))
		r = iotlb_msg(d, asid, type, XL_IOVA, PAGE,
			      asid ? d->xl1 : d->xl0, name);
	if (iotlb_msg(d, asid, VHOST_IOTLB_BATCH_END, 0, 0, NULL, name))
		r = -1;
	if (!r) {
		if (inval)
			d->mapped[asid] &= ~what;
		else
			d->mapped[asid] |= what;
	}
	return r;
}

static int get_status(struct dev *d, uint8_t *st, const char *name)
{
	return IOC(d, VHOST_VDPA_GET_STATUS, st, name);
}

static int set_status(struct dev *d, uint8_t st, const char *name)
{
	return IOC(d, VHOST_VDPA_SET_STATUS, &st, name);
}

static int set_group_asid(struct dev *d, uint32_t group, uint32_t asid,
			  const char *name)
{
	struct vhost_vring_state s = { .index = group, .num = asid };

	if (IOC(d, VHOST_VDPA_SET_GROUP_ASID, &s, name) < 0)
		return -1;
	d->cvq_asid = asid;
	return 0;
}

static void *alloc_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		fail("alloc", "mmap %zu bytes: %s", len, strerror(errno));
		return NULL;
	}
	return p;
}

/* Find the debugfs directory of the vdpa device behind @path. */
static void find_debugfs(struct dev *d)
{
	const char *base = strrchr(d->path, '/');
	char p[512];
	struct dirent *e;
	struct stat sb;
	DIR *dir;

	base = base ? base + 1 : d->path;
	if (d->dbg[0])
		return;
	dir = opendir("/sys/bus/vdpa/devices");
	while (dir && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/bus/vdpa/devices/%s/%s",
			 e->d_name, base);
		if (stat(p, &sb) == 0) {
			snprintf(d->dbg, sizeof(d->dbg),
				 "/sys/kernel/debug/vdpa_net_ctrl/%s",
				 e->d_name);
			break;
		}
	}
	if (dir)
		closedir(dir);
}

/* The value of "key: value" in the state file, or "" when absent. */
static const char *state(struct dev *d, const char *key)
{
	static char val[4096];
	char path[600], line[512];
	size_t kl = strlen(key);
	FILE *f;

	val[0] = 0;
	snprintf(path, sizeof(path), "%s/state", d->dbg);
	f = fopen(path, "r");
	if (!f) {
		snprintf(val, sizeof(val), "<%s: %s>", path, strerror(errno));
		return val;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, kl) && line[kl] == ':' &&
		    line[kl + 1] == ' ') {
			snprintf(val, sizeof(val), "%s", line + kl + 2);
			val[strcspn(val, "\n")] = 0;
			break;
		}
	}
	fclose(f);
	return val;
}

/* Is @word one of the space separated words of @list? */
static int has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') && (p[wl] == 0 || p[wl] == ' '))
			return 1;
		p += wl;
	}
	return 0;
}

/* Is VLAN @vid in a "vlan_ids:" list such as "0 42 100-200"? */
static int vlan_listed(const char *list, unsigned int vid)
{
	const char *p = list;

	while (*p) {
		unsigned long a, b;
		char *end;

		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		a = strtoul(p, &end, 10);
		b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (vid >= a && vid <= b)
			return 1;
		p = end;
	}
	return 0;
}

/* Is @s a number (any base prefix) equal to @v? */
static int num_is(const char *s, uint64_t v)
{
	char *end;
	uint64_t x;

	if (!*s)
		return 0;
	errno = 0;
	x = strtoull(s, &end, 0);
	return !errno && !*end && x == v;
}

static void fmt_mac(char *out, const uint8_t *m)
{
	sprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		m[4], m[5]);
}

/* One "name: received=.. ok=.. err=.." style line of the stats file. */
static void stats_info(struct dev *d, const char *when)
{
	char path[600], line[256], all[2048] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/stats", d->dbg);
	f = fopen(path, "r");
	if (!f) {
		info("stats %s: %s: %s", when, path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strstr(line, "received=0 ok=0 err=0"))
			continue;
		if (strlen(all) + strlen(line) + 3 < sizeof(all)) {
			strcat(all, line);
			strcat(all, "; ");
		}
	}
	fclose(f);
	info("stats %s: %s", when, all);
}

static uint64_t stat_val(struct dev *d, const char *key)
{
	char path[600], line[256];
	size_t kl = strlen(key);
	uint64_t v = ~0ULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stats", d->dbg);
	f = fopen(path, "r");
	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			v = strtoull(line + kl + 1, NULL, 10);
	fclose(f);
	return v;
}

/* ---- set-up ------------------------------------------------------- */

static const struct {
	unsigned int bit;
	const char *name;
	int required;	/* 1: always, 2: with -m only (then required) */
} wanted[] = {
	{ VIRTIO_F_VERSION_1, "VERSION_1", 1 },
	{ VIRTIO_F_ACCESS_PLATFORM, "ACCESS_PLATFORM", 1 },
	{ VIRTIO_NET_F_CTRL_VQ, "CTRL_VQ", 1 },
	{ VIRTIO_NET_F_CTRL_RX, "CTRL_RX", 1 },
	{ VIRTIO_NET_F_CTRL_VLAN, "CTRL_VLAN", 1 },
	{ VIRTIO_NET_F_CTRL_MAC_ADDR, "CTRL_MAC_ADDR", 1 },
	{ VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, "CTRL_GUEST_OFFLOADS", 1 },
	{ VIRTIO_NET_F_GUEST_CSUM, "GUEST_CSUM", 1 },
	{ VIRTIO_NET_F_CTRL_RX_EXTRA, "CTRL_RX_EXTRA", 0 },
	{ VIRTIO_NET_F_GUEST_ANNOUNCE, "GUEST_ANNOUNCE", 0 },
	{ VIRTIO_NET_F_MAC, "MAC", 0 },
	{ VIRTIO_NET_F_STATUS, "STATUS", 0 },
	{ VIRTIO_RING_F_INDIRECT_DESC, "INDIRECT_DESC", 0 },
	{ VIRTIO_NET_F_HASH_REPORT, "HASH_REPORT", 0 },
	{ VIRTIO_NET_F_NOTF_COAL, "NOTF_COAL", 0 },
	{ VIRTIO_NET_F_VQ_NOTF_COAL, "VQ_NOTF_COAL", 0 },
	/* -m only: the CVQ moves to 2 * max_virtqueue_pairs */
	{ VIRTIO_NET_F_MQ, "MQ", 2 },
	{ VIRTIO_NET_F_RSS, "RSS", 2 },
};

static void ring_layout(struct dev *d)
{
	memset(d->ring, 0, RING_SIZE);
	d->desc = (struct desc *)d->ring;
	d->avail = (struct avail *)(d->ring + PAGE);
	d->used = (struct used *)(d->ring + 2 * PAGE);
	d->avail_idx = 0;
	d->last_used = 0;
	d->next_desc = 0;
}

/*
 * Bring the device from reset to DRIVER_OK with the CVQ group in
 * @cvq_asid.  @pfx names the checks ("setup", "resetup").
 */
static int dev_start(struct dev *d, uint32_t cvq_asid, const char *pfx)
{
	struct vhost_vring_state s;
	struct vhost_vring_addr a;
	struct vhost_vring_file f;
	uint64_t want = 0, bf;
	char n[64], missing[256] = "";
	uint8_t st;
	uint16_t vmax;
	unsigned int i;

#define NM(x) (snprintf(n, sizeof(n), "%s-%s", pfx, x), n)
	if (!d->owned) {
		if (IOC(d, VHOST_SET_OWNER, NULL, NM("owner")) < 0)
			return -1;
		d->owned = 1;
	}
	if (IOC(d, VHOST_GET_FEATURES, &d->dev_features, NM("get-features")) < 0)
		return -1;
	if (IOC(d, VHOST_GET_BACKEND_FEATURES, &bf, NM("backend-features")) < 0)
		return -1;
	d->backend = (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) |
		     (1ULL << VHOST_BACKEND_F_IOTLB_BATCH) |
		     (1ULL << VHOST_BACKEND_F_IOTLB_ASID);
	if ((bf & d->backend) != d->backend) {
		fail(NM("backend-features"), "offered %#llx lacks %#llx",
		     (unsigned long long)bf,
		     (unsigned long long)(d->backend & ~bf));
		return -1;
	}
	if (IOC(d, VHOST_SET_BACKEND_FEATURES, &d->backend,
		NM("backend-features")) < 0)
		return -1;

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (wanted[i].required == 2 && !mq_mode)
			continue;
		if (d->dev_features & (1ULL << wanted[i].bit))
			want |= 1ULL << wanted[i].bit;
		else if (wanted[i].required) {
			strcat(missing, " ");
			strcat(missing, wanted[i].name);
		}
	}
	if (missing[0]) {
		fail(NM("features"), "device %#llx does not offer%s",
		     (unsigned long long)d->dev_features, missing);
		return -1;
	}
	d->features = want;
	if (IOC(d, VHOST_SET_FEATURES, &d->features, NM("features")) < 0)
		return -1;
	if (set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		       VIRTIO_CONFIG_S_FEATURES_OK, NM("features-ok")) < 0)
		return -1;
	if (get_status(d, &st, NM("features-ok")) < 0)
		return -1;
	if (!(st & VIRTIO_CONFIG_S_FEATURES_OK)) {
		fail(NM("features-ok"), "status %#x after FEATURES_OK", st);
		return -1;
	}

	cvq_idx = 2;
	if (d->features & (1ULL << VIRTIO_NET_F_MQ)) {
		struct {
			struct vhost_vdpa_config c;
			uint8_t b[2];
		} cfg = { .c = { .off = 8, .len = 2 } };	/* max_vq_pairs */

		if (IOC(d, VHOST_VDPA_GET_CONFIG, &cfg, NM("config")) < 0)
			return -1;
		cvq_idx = 2 * (cfg.b[0] | cfg.b[1] << 8);
	}
	if (IOC(d, VHOST_VDPA_GET_GROUP_NUM, &d->ngroups, NM("groups")) < 0 ||
	    IOC(d, VHOST_VDPA_GET_AS_NUM, &d->nas, NM("as")) < 0)
		return -1;
	s.index = cvq_idx;
	s.num = ~0u;
	if (IOC(d, VHOST_VDPA_GET_VRING_GROUP, &s, NM("cvq-group")) < 0)
		return -1;
	d->cvq_group = s.num;
	if (IOC(d, VHOST_VDPA_GET_VRING_NUM, &vmax, NM("vring-num")) < 0)
		return -1;
	d->vmax = vmax;
	if (!d->num)
		d->num = RING_NUM;
	if (vmax < d->num || d->num > RING_NUM_MAX) {
		fail(NM("vring-num"), "max %u, want %u (at most %u)", vmax,
		     d->num, RING_NUM_MAX);
		return -1;
	}
	if (d->nas < 2 || d->ngroups < 2) {
		fail(NM("groups"), "%u groups, %u address spaces: need 2 each",
		     d->ngroups, d->nas);
		return -1;
	}
	if (set_group_asid(d, d->cvq_group, cvq_asid, NM("group-asid")) < 0)
		return -1;

	/* The CVQ's memory in its address space, the rest in AS 0. */
	ring_layout(d);
	if (map_regions(d, cvq_asid, M_RING | M_BUF | M_XL, 0, NM("map")) ||
	    (cvq_asid && map_regions(d, 0, M_ISO | M_XL, 0, NM("map"))))
		return -1;

	s.index = cvq_idx;
	s.num = d->num;
	if (IOC(d, VHOST_SET_VRING_NUM, &s, NM("vring")) < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.index = cvq_idx;
	a.desc_user_addr = RING_IOVA;
	a.avail_user_addr = RING_IOVA + PAGE;
	a.used_user_addr = RING_IOVA + 2 * PAGE;
	if (IOC(d, VHOST_SET_VRING_ADDR, &a, NM("vring")) < 0)
		return -1;
	s.index = cvq_idx;
	s.num = 0;
	if (IOC(d, VHOST_SET_VRING_BASE, &s, NM("vring")) < 0)
		return -1;
	f.index = cvq_idx;
	f.fd = d->kick;
	if (IOC(d, VHOST_SET_VRING_KICK, &f, NM("vring")) < 0)
		return -1;
	f.fd = d->call;
	if (IOC(d, VHOST_SET_VRING_CALL, &f, NM("vring")) < 0)
		return -1;
	s.index = cvq_idx;
	s.num = 1;
	if (IOC(d, VHOST_VDPA_SET_VRING_ENABLE, &s, NM("vring")) < 0)
		return -1;

	if (set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		       VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK,
		       NM("driver-ok")) < 0)
		return -1;
	if (get_status(d, &st, NM("driver-ok")) < 0)
		return -1;
	if (!(st & VIRTIO_CONFIG_S_DRIVER_OK) ||
	    (st & (VIRTIO_CONFIG_S_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED))) {
		fail(NM("driver-ok"), "status %#x", st);
		return -1;
	}
	return 0;
#undef NM
}

/*
 * Reset the device (status 0), then unmap everything.  In that order: at
 * DRIVER_OK the device may read the ring at any time (a kick is delivered
 * asynchronously and may run the CVQ worker after the command it was for
 * completed), so the ring must stay mapped until the device is stopped.
 */
static int dev_reset(struct dev *d, const char *name)
{
	int r = 0;
	uint32_t as;

	if (set_status(d, 0, name) < 0)
		r = -1;
	for (as = 0; as < 2; as++)
		if (map_regions(d, as, d->mapped[as], 1, name))
			r = -1;
	d->cvq_asid = 0;
	return r;
}

/* ---- commands ----------------------------------------------------- */

struct seg {
	uint64_t iova;
	uint32_t len;
	int write;
};

/* Bump allocation in the command buffer area, reset per command. */
static uint8_t *balloc(struct dev *d, size_t len, uint64_t *iova)
{
	uint8_t *p;

	len = (len + 15) & ~15UL;
	if (d->buf_off + len > BUF_SIZE)
		d->buf_off = 0;
	p = d->buf + d->buf_off;
	*iova = BUF_IOVA + d->buf_off;
	d->buf_off += len;
	return p;
}

/*
 * Post one chain, kick, wait for it in the used ring.  Returns 0 with
 * *used_len set, -ETIMEDOUT when the deadline passed, -EPROTO when the
 * used entry names another head.
 */
static int post(struct dev *d, const struct seg *sg, unsigned int n,
		uint32_t *used_len)
{
	uint16_t head = d->next_desc, i, idx;
	uint64_t one = 1, deadline;
	struct used_elem e;
	ssize_t w;

	for (i = 0; i < n; i++) {
		uint16_t di = (head + i) % d->num;
		struct desc *ds = &d->desc[di];

		ds->addr = htole64(sg[i].iova);
		ds->len = htole32(sg[i].len);
		ds->flags = htole16((sg[i].write ? DESC_F_WRITE : 0) |
				    (i + 1u < n ? DESC_F_NEXT : 0));
		ds->next = htole16((di + 1) % d->num);
	}
	d->next_desc = (head + n) % d->num;
	d->avail->ring[d->avail_idx % d->num] = htole16(head);
	d->avail_idx++;
	__atomic_store_n(&d->avail->idx, htole16(d->avail_idx),
			 __ATOMIC_RELEASE);
	__sync_synchronize();
	w = write(d->kick, &one, sizeof(one));
	if (w != sizeof(one))
		info("kick eventfd write: %s", strerror(errno));

	deadline = now_ms() + timeout_ms;
	for (;;) {
		idx = le16toh(__atomic_load_n(&d->used->idx, __ATOMIC_ACQUIRE));
		if (idx != d->last_used)
			break;
		if (now_ms() > deadline)
			return -ETIMEDOUT;
		usleep(200);
	}
	if ((uint16_t)(idx - d->last_used) != 1)
		info("used idx moved by %u for one chain",
		     (uint16_t)(idx - d->last_used));
	e = d->used->ring[d->last_used % d->num];
	d->last_used++;
	*used_len = le32toh(e.len);
	if (le32toh(e.id) != head) {
		info("used id %u, posted head %u", le32toh(e.id), head);
		return -EPROTO;
	}
	return 0;
}

struct res {
	int rc;		/* 0 or -errno of post() */
	uint32_t len;	/* used length */
	uint8_t ack;	/* the ack byte as found after completion */
};

/* A command as Linux sends it: header, payload, ack in 3 descriptors. */
static struct res cmd(struct dev *d, uint8_t class, uint8_t code,
		      const void *data, size_t len)
{
	struct seg sg[3];
	unsigned int n = 0;
	struct res r;
	uint8_t *hdr, *pl = NULL, *ack;
	uint64_t iova;

	d->buf_off = 0;
	hdr = balloc(d, 2, &iova);
	hdr[0] = class;
	hdr[1] = code;
	sg[n++] = (struct seg){ iova, 2, 0 };
	if (len) {
		pl = balloc(d, len, &iova);
		memcpy(pl, data, len);
		sg[n++] = (struct seg){ iova, (uint32_t)len, 0 };
	}
	ack = balloc(d, 1, &iova);
	*ack = ACK_FILL;
	sg[n++] = (struct seg){ iova, 1, 1 };
	r.rc = post(d, sg, n, &r.len);
	r.ack = *(volatile uint8_t *)ack;
	return r;
}

static const char *res_str(struct res r)
{
	static char s[96];

	if (r.rc == -ETIMEDOUT)
		snprintf(s, sizeof(s), "no completion within %u ms", timeout_ms);
	else if (r.rc)
		snprintf(s, sizeof(s), "completion error %s", strerror(-r.rc));
	else
		snprintf(s, sizeof(s), "used len %u ack %#x", r.len, r.ack);
	return s;
}

static int ok(struct res r)
{
	return !r.rc && r.len == 1 && r.ack == VIRTIO_NET_OK;
}

static int err(struct res r)
{
	return !r.rc && r.len == 1 && r.ack == VIRTIO_NET_ERR;
}


/*
 * After a timeout the ring state is unknown: reset and start again so
 * the following checks are independent.
 */
static void recover(struct dev *d, struct res r, const char *name)
{
	uint8_t st = 0;

	if (r.rc != -ETIMEDOUT && r.rc != -EPROTO)
		return;
	ioctl(d->fd, VHOST_VDPA_GET_STATUS, &st);
	info("%s: %s, status %#x: resetting the device", name, res_str(r), st);
	if (dev_reset(d, "recover") == 0)
		dev_start(d, 1, "recover");
}

/* Send a command, expect @want_ok (OK) or ERR; returns the result. */
static struct res expect_cmd(struct dev *d, const char *name, int want_ok,
			     uint8_t class, uint8_t code, const void *data,
			     size_t len)
{
	struct res r = cmd(d, class, code, data, len);

	if (want_ok ? ok(r) : err(r))
		pass(name);
	else
		fail(name, "class %u cmd %u: %s, expected %s", class, code,
		     res_str(r), want_ok ? "len 1 ack OK" : "len 1 ack ERR");
	recover(d, r, name);
	return r;
}

/* ---- the checks --------------------------------------------------- */

static const uint8_t MAC_A[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t MAC_ISO[6] = { 0x02, 0x15, 0x0a, 0x5e, 0x00, 0x01 };
static const uint8_t MAC_XL0[6] = { 0x02, 0xa5, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t MAC_XL1[6] = { 0x02, 0xa5, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC_AS0[6] = { 0x02, 0xa5, 0x00, 0x00, 0x00, 0x02 };

static void check_mac(struct dev *d, const char *name, const uint8_t *want)
{
	char m[20];

	fmt_mac(m, want);
	check(!strcmp(state(d, "mac"), m), name, "state mac [%s], expected %s",
	      state(d, "mac"), m);
}

static void check_rx_mode(struct dev *d, const char *name, const char *mode,
			  int on)
{
	const char *v = state(d, "rx_mode");

	check(has_word(v, mode) == on, name, "rx_mode [%s], expected %s %s", v,
	      mode, on ? "on" : "off");
}

static void basic_commands(struct dev *d)
{
	uint8_t tbl[4 + 2 * 6 + 4 + 3 * 6], *p = tbl;
	static const uint8_t uc[2][6] = {
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },
	};
	static const uint8_t mc[3][6] = {
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		{ 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 },
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0xfb },
	};
	uint8_t on = 1, off = 0;
	uint16_t vid;
	uint64_t offl;
	char want[64], line[80];
	uint64_t t0;
	struct res r;
	int i;

	/* The first command also shows the call eventfd fires. */
	{
		uint64_t cnt;
		struct pollfd pfd = { .fd = d->call, .events = POLLIN };

		while (read(d->call, &cnt, sizeof(cnt)) > 0)
			;
		t0 = now_ms();
		r = expect_cmd(d, "mac-addr-set", 1, VIRTIO_NET_CTRL_MAC,
			       VIRTIO_NET_CTRL_MAC_ADDR_SET, MAC_A, 6);
		info("first command completed in %llu ms",
		     (unsigned long long)(now_ms() - t0));
		if (!r.rc) {
			int pr = poll(&pfd, 1, timeout_ms);

			check(pr == 1, "call-eventfd",
			      "no call notification within %u ms (%s)",
			      timeout_ms, pr < 0 ? strerror(errno) : "timeout");
			while (read(d->call, &cnt, sizeof(cnt)) > 0)
				;
		}
	}
	check_mac(d, "mac-addr-set-state", MAC_A);
	snprintf(want, sizeof(want), "%#llx", (unsigned long long)d->features);
	check(num_is(state(d, "features"), d->features), "state-features",
	      "state features [%s], negotiated %s", state(d, "features"), want);

	/* Receive mode: the device starts promiscuous. */
	check_rx_mode(d, "rx-default-promisc", "promisc", 1);
	expect_cmd(d, "rx-promisc-off", 1, VIRTIO_NET_CTRL_RX,
		   VIRTIO_NET_CTRL_RX_PROMISC, &off, 1);
	check_rx_mode(d, "rx-promisc-off-state", "promisc", 0);
	expect_cmd(d, "rx-promisc-on", 1, VIRTIO_NET_CTRL_RX,
		   VIRTIO_NET_CTRL_RX_PROMISC, &on, 1);
	check_rx_mode(d, "rx-promisc-on-state", "promisc", 1);
	if (d->features & (1ULL << VIRTIO_NET_F_CTRL_RX_EXTRA)) {
		expect_cmd(d, "rx-alluni-on", 1, VIRTIO_NET_CTRL_RX,
			   VIRTIO_NET_CTRL_RX_ALLUNI, &on, 1);
		check_rx_mode(d, "rx-alluni-on-state", "alluni", 1);
		expect_cmd(d, "rx-alluni-off", 1, VIRTIO_NET_CTRL_RX,
			   VIRTIO_NET_CTRL_RX_ALLUNI, &off, 1);
	}

	/* MAC table: 2 unicast, 3 multicast. */
	*(uint32_t *)p = htole32(2);
	p += 4;
	memcpy(p, uc, sizeof(uc));
	p += sizeof(uc);
	*(uint32_t *)p = htole32(3);
	p += 4;
	memcpy(p, mc, sizeof(mc));
	expect_cmd(d, "mac-table-set", 1, VIRTIO_NET_CTRL_MAC,
		   VIRTIO_NET_CTRL_MAC_TABLE_SET, tbl, sizeof(tbl));
	check(!strcmp(state(d, "uc"), "count=2 overflow=0") &&
	      !strcmp(state(d, "mc"), "count=3 overflow=0"),
	      "mac-table-set-counts", "uc [%s] mc [%s]", state(d, "uc"),
	      state(d, "mc"));
	{
		int good = 1;
		char k[16], m[20], bad[160] = "";

		for (i = 0; i < 2; i++) {
			snprintf(k, sizeof(k), "uc[%d]", i);
			fmt_mac(m, uc[i]);
			if (strcmp(state(d, k), m)) {
				good = 0;
				snprintf(bad, sizeof(bad), "%s [%s] want %s", k,
					 state(d, k), m);
			}
		}
		for (i = 0; i < 3; i++) {
			snprintf(k, sizeof(k), "mc[%d]", i);
			fmt_mac(m, mc[i]);
			if (strcmp(state(d, k), m)) {
				good = 0;
				snprintf(bad, sizeof(bad), "%s [%s] want %s", k,
					 state(d, k), m);
			}
		}
		check(good, "mac-table-set-entries", "%s", bad);
	}

	/* VLAN filter. */
	vid = htole16(42);
	expect_cmd(d, "vlan-add-42", 1, VIRTIO_NET_CTRL_VLAN,
		   VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2);
	snprintf(line, sizeof(line), "%s", state(d, "vlan_ids"));
	check(vlan_listed(line, 42) && !strcmp(state(d, "vlans"), "count=1"),
	      "vlan-add-42-state", "vlans [%s] vlan_ids [%s]",
	      state(d, "vlans"), line);
	expect_cmd(d, "vlan-del-42", 1, VIRTIO_NET_CTRL_VLAN,
		   VIRTIO_NET_CTRL_VLAN_DEL, &vid, 2);
	snprintf(line, sizeof(line), "%s", state(d, "vlan_ids"));
	check(!vlan_listed(line, 42) && !strcmp(state(d, "vlans"), "count=0"),
	      "vlan-del-42-state", "vlans [%s] vlan_ids [%s]",
	      state(d, "vlans"), line);
	vid = htole16(4096);
	expect_cmd(d, "vlan-add-4096-err", 0, VIRTIO_NET_CTRL_VLAN,
		   VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2);
	check(!strcmp(state(d, "vlans"), "count=0"), "vlan-add-4096-state",
	      "vlans [%s]", state(d, "vlans"));

	/* Guest offloads: only negotiated ones (GUEST_CSUM). */
	offl = htole64(0);
	expect_cmd(d, "guest-offloads-set-0", 1, VIRTIO_NET_CTRL_GUEST_OFFLOADS,
		   VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET, &offl, 8);
	check(num_is(state(d, "guest_offloads"), 0),
	      "guest-offloads-set-0-state", "guest_offloads [%s]",
	      state(d, "guest_offloads"));
	offl = htole64(1ULL << VIRTIO_NET_F_GUEST_CSUM);
	expect_cmd(d, "guest-offloads-set-csum", 1,
		   VIRTIO_NET_CTRL_GUEST_OFFLOADS,
		   VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET, &offl, 8);
	check(num_is(state(d, "guest_offloads"),
		     1ULL << VIRTIO_NET_F_GUEST_CSUM),
	      "guest-offloads-set-csum-state", "guest_offloads [%s]",
	      state(d, "guest_offloads"));
	if (!(d->features & (1ULL << VIRTIO_NET_F_GUEST_TSO4))) {
		offl = htole64(1ULL << VIRTIO_NET_F_GUEST_TSO4);
		expect_cmd(d, "guest-offloads-unnegotiated-err", 0,
			   VIRTIO_NET_CTRL_GUEST_OFFLOADS,
			   VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET, &offl, 8);
	}

	if (d->features & (1ULL << VIRTIO_NET_F_GUEST_ANNOUNCE))
		expect_cmd(d, "announce-ack", 1, VIRTIO_NET_CTRL_ANNOUNCE,
			   VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0);

	/*
	 * What QEMU's vhost-vdpa net client restores besides: the hash
	 * report (HASH_CONFIG in the spec's layout, as QEMU sends it) and
	 * notification coalescing, when the device offers them.
	 */
	if (d->features & (1ULL << VIRTIO_NET_F_HASH_REPORT)) {
		uint8_t h[13 + 40];

		memset(h, 0, sizeof(h));
		h[0] = 0x3f;		/* IPv4 .. UDPv6, little endian */
		h[12] = 40;
		for (i = 0; i < 40; i++)
			h[13 + i] = 0x6d + i;
		expect_cmd(d, "hash-config", 1, VIRTIO_NET_CTRL_MQ,
			   VIRTIO_NET_CTRL_MQ_HASH_CONFIG, h, sizeof(h));
		check(!strcmp(state(d, "hash_report"),
			      "hash_types=0x3f key_len=40"),
		      "hash-config-state", "hash_report [%s]",
		      state(d, "hash_report"));
		h[0] = 0x40;		/* IP_EX: not supported */
		expect_cmd(d, "hash-config-ex-err", 0, VIRTIO_NET_CTRL_MQ,
			   VIRTIO_NET_CTRL_MQ_HASH_CONFIG, h, sizeof(h));
		check(!strcmp(state(d, "hash_report"),
			      "hash_types=0x3f key_len=40"),
		      "hash-config-ex-state", "hash_report [%s]",
		      state(d, "hash_report"));
	} else {
		skip("hash-config", "HASH_REPORT not offered");
	}
	if (d->features & (1ULL << VIRTIO_NET_F_NOTF_COAL)) {
		uint32_t c[2] = { htole32(8), htole32(100) };

		expect_cmd(d, "coal-rx-set", 1, VIRTIO_NET_CTRL_NOTF_COAL,
			   VIRTIO_NET_CTRL_NOTF_COAL_RX_SET, c, sizeof(c));
		check(!strcmp(state(d, "coal_rx"), "usecs=100 packets=8"),
		      "coal-rx-set-state", "coal_rx [%s]", state(d, "coal_rx"));
	} else {
		skip("coal-rx-set", "NOTF_COAL not offered");
	}
	if (d->features & (1ULL << VIRTIO_NET_F_VQ_NOTF_COAL)) {
		/* le16 vqn, le16 reserved, le32 max_packets, le32 max_usecs */
		uint8_t v[12] = { 1, 0, 0, 0, 4, 0, 0, 0, 50, 0, 0, 0 };

		expect_cmd(d, "coal-vq-set-tx0", 1, VIRTIO_NET_CTRL_NOTF_COAL,
			   VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET, v, sizeof(v));
		check(!strcmp(state(d, "coal_vq[1]"), "usecs=50 packets=4"),
		      "coal-vq-set-tx0-state", "coal_vq[1] [%s]",
		      state(d, "coal_vq[1]"));
		v[0] = cvq_idx;		/* the CVQ itself */
		expect_cmd(d, "coal-vq-set-cvq-err", 0,
			   VIRTIO_NET_CTRL_NOTF_COAL,
			   VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET, v, sizeof(v));
	} else {
		skip("coal-vq-set-tx0", "VQ_NOTF_COAL not offered");
	}

	/* -m: what QEMU restores on a multiqueue device. */
	if (d->features & (1ULL << VIRTIO_NET_F_MQ)) {
		uint16_t pairs = htole16(cvq_idx / 2);

		expect_cmd(d, "mq-pairs-set-max", 1, VIRTIO_NET_CTRL_MQ,
			   VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2);
		check(num_is(state(d, "vq_pairs"), cvq_idx / 2),
		      "mq-pairs-set-max-state", "vq_pairs [%s]",
		      state(d, "vq_pairs"));
		pairs = htole16(cvq_idx / 2 + 1);
		expect_cmd(d, "mq-pairs-set-over-err", 0, VIRTIO_NET_CTRL_MQ,
			   VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2);
		check(num_is(state(d, "vq_pairs"), cvq_idx / 2),
		      "mq-pairs-set-over-state", "vq_pairs [%s]",
		      state(d, "vq_pairs"));
	}
	if (d->features & (1ULL << VIRTIO_NET_F_RSS)) {
		/* le32 types, le16 mask, le16 unclassified, le16 table[128],
		 * le16 max_tx_vq, u8 key_len, key[40]: the spec's layout */
		uint8_t r[8 + 256 + 3 + 40];
		unsigned int q = cvq_idx / 2;
		char want_rss[128];

		memset(r, 0, sizeof(r));
		r[0] = 0x3f;
		r[4] = 127;
		for (i = 0; i < 128; i++)
			r[8 + 2 * i] = i % q;
		r[264] = q;
		r[266] = 40;
		for (i = 0; i < 40; i++)
			r[267 + i] = 0x6d + i;
		expect_cmd(d, "rss-config", 1, VIRTIO_NET_CTRL_MQ,
			   VIRTIO_NET_CTRL_MQ_RSS_CONFIG, r, sizeof(r));
		snprintf(want_rss, sizeof(want_rss),
			 "hash_types=0x3f key_len=40 table_len=128 unclassified=0 max_tx_vq=%u",
			 q);
		check(!strcmp(state(d, "rss"), want_rss), "rss-config-state",
		      "rss [%s]", state(d, "rss"));
		r[8] = q;	/* table[0]: no such receive queue */
		expect_cmd(d, "rss-config-queue-err", 0, VIRTIO_NET_CTRL_MQ,
			   VIRTIO_NET_CTRL_MQ_RSS_CONFIG, r, sizeof(r));
		check(!strcmp(state(d, "rss"), want_rss),
		      "rss-config-queue-state", "rss [%s]", state(d, "rss"));
	}

	/* Malformed commands. */
	expect_cmd(d, "unknown-class-err", 0, 0x7f, 0, &on, 1);
	expect_cmd(d, "unknown-command-err", 0, VIRTIO_NET_CTRL_MAC, 0x55,
		   MAC_ISO, 6);
	expect_cmd(d, "wrong-length-err", 0, VIRTIO_NET_CTRL_MAC,
		   VIRTIO_NET_CTRL_MAC_ADDR_SET, MAC_ISO, 5);
	check_mac(d, "wrong-length-state", MAC_A);
	expect_cmd(d, "header-only-err", 0, VIRTIO_NET_CTRL_RX,
		   VIRTIO_NET_CTRL_RX_PROMISC, NULL, 0);

	/* A field split over two descriptors (allowed without a layout). */
	{
		struct seg sg[4];
		uint8_t *h, *a, *b, *ack;
		uint64_t ih, ia, ib, ik;

		d->buf_off = 0;
		h = balloc(d, 2, &ih);
		a = balloc(d, 3, &ia);
		b = balloc(d, 3, &ib);
		ack = balloc(d, 1, &ik);
		h[0] = VIRTIO_NET_CTRL_MAC;
		h[1] = VIRTIO_NET_CTRL_MAC_ADDR_SET;
		memcpy(a, MAC_XL1, 3);
		memcpy(b, MAC_XL1 + 3, 3);
		*ack = ACK_FILL;
		sg[0] = (struct seg){ ih, 2, 0 };
		sg[1] = (struct seg){ ia, 3, 0 };
		sg[2] = (struct seg){ ib, 3, 0 };
		sg[3] = (struct seg){ ik, 1, 1 };
		r.rc = post(d, sg, 4, &r.len);
		r.ack = *(volatile uint8_t *)ack;
		check(ok(r), "split-payload", "%s", res_str(r));
		recover(d, r, "split-payload");
		check_mac(d, "split-payload-state", MAC_XL1);
	}

	/* No writable descriptor: completed with used len 0. */
	{
		struct seg sg[2];
		uint8_t *h, *pl;
		uint64_t ih, ip, na0 = stat_val(d, "no_ack");

		d->buf_off = 0;
		h = balloc(d, 2, &ih);
		pl = balloc(d, 2, &ip);
		h[0] = VIRTIO_NET_CTRL_VLAN;
		h[1] = VIRTIO_NET_CTRL_VLAN_ADD;
		pl[0] = 7;
		pl[1] = 0;
		sg[0] = (struct seg){ ih, 2, 0 };
		sg[1] = (struct seg){ ip, 2, 0 };
		r.rc = post(d, sg, 2, &r.len);
		check(!r.rc && r.len == 0, "no-writable-completed",
		      "%s, expected used len 0",
		      r.rc ? res_str(r) : (snprintf(line, sizeof(line),
						    "used len %u", r.len),
					   line));
		recover(d, r, "no-writable-completed");
		snprintf(line, sizeof(line), "%s", state(d, "vlan_ids"));
		info("no-writable chain (VLAN ADD 7): %s by the device; no_ack %llu -> %llu",
		     vlan_listed(line, 7) ? "applied" : "not applied",
		     (unsigned long long)na0,
		     (unsigned long long)stat_val(d, "no_ack"));
		expect_cmd(d, "no-writable-next-works", 1, VIRTIO_NET_CTRL_RX,
			   VIRTIO_NET_CTRL_RX_PROMISC, &off, 1);
		check_rx_mode(d, "no-writable-next-state", "promisc", 0);
	}
}

/*
 * The CVQ group is in AS 1: a chain whose buffers are mapped only in
 * AS 0 must not reach them.  Returns 1 when the device had to be reset.
 */
static int isolation(struct dev *d)
{
	struct seg sg[3];
	struct res r;
	uint8_t st = 0, *ack;
	uint64_t ik;
	char m0[32];
	int reset = 0;

	snprintf(m0, sizeof(m0), "%s", state(d, "mac"));

	/* Header, payload and ack all in the AS-0-only page. */
	memset(d->iso, 0, PAGE);
	d->iso[0] = VIRTIO_NET_CTRL_MAC;
	d->iso[1] = VIRTIO_NET_CTRL_MAC_ADDR_SET;
	memcpy(d->iso + 16, MAC_ISO, 6);
	d->iso[64] = ACK_FILL;
	sg[0] = (struct seg){ ISO_IOVA, 2, 0 };
	sg[1] = (struct seg){ ISO_IOVA + 16, 6, 0 };
	sg[2] = (struct seg){ ISO_IOVA + 64, 1, 1 };
	r.rc = post(d, sg, 3, &r.len);
	r.ack = d->iso[64];
	get_status(d, &st, "isolation-status");
	if (!r.rc && r.len == 0 && !(st & VIRTIO_CONFIG_S_NEEDS_RESET)) {
		pass("isolation-as0-buffer");
		info("isolation outcome: completed with used len 0 (status %#x)",
		     st);
	} else if (!r.rc && r.len == 1 && d->iso[64] == VIRTIO_NET_ERR) {
		fail("isolation-as0-buffer",
		     "the ack was written to an AS 0 only page");
	} else if (!r.rc && r.len == 1 && r.ack == ACK_FILL) {
		pass("isolation-as0-buffer");
		info("isolation outcome: completed with used len 1, ack not in AS 0 (status %#x)",
		     st);
	} else if (st & VIRTIO_CONFIG_S_NEEDS_RESET) {
		pass("isolation-as0-buffer");
		info("isolation outcome: device set NEEDS_RESET (status %#x, %s)",
		     st, res_str(r));
		reset = 1;
	} else {
		fail("isolation-as0-buffer", "%s, status %#x", res_str(r), st);
		recover(d, r, "isolation-as0-buffer");
	}
	check(d->iso[64] == ACK_FILL, "isolation-as0-untouched",
	      "ack byte in the AS 0 page is %#x", d->iso[64]);
	check(!strcmp(state(d, "mac"), m0), "isolation-state-unchanged",
	      "state mac [%s], was %s", state(d, "mac"), m0);

	if (reset) {
		if (dev_reset(d, "isolation-reset") == 0 &&
		    dev_start(d, 1, "isolation-resetup") == 0)
			pass("isolation-reset-resetup");
		else
			return reset;
	}
	expect_cmd(d, "isolation-next-works", 1, VIRTIO_NET_CTRL_RX,
		   VIRTIO_NET_CTRL_RX_PROMISC, (uint8_t[]){ 1 }, 1);
	check_rx_mode(d, "isolation-next-state", "promisc", 1);

	/* Command in the AS-0-only page, ack in AS 1: an ERR is expected. */
	d->iso[64] = ACK_FILL;
	d->buf_off = 0;
	ack = balloc(d, 1, &ik);
	*ack = ACK_FILL;
	sg[2] = (struct seg){ ik, 1, 1 };
	r.rc = post(d, sg, 3, &r.len);
	r.ack = *ack;
	get_status(d, &st, "isolation-status");
	if (err(r) || (!r.rc && r.len == 0))
		pass("isolation-as0-cmd-as1-ack");
	else
		fail("isolation-as0-cmd-as1-ack", "%s, status %#x", res_str(r),
		     st);
	if (r.rc || (st & VIRTIO_CONFIG_S_NEEDS_RESET)) {
		recover(d, (struct res){ .rc = -ETIMEDOUT }, "isolation");
		reset = 1;
	}
	check(!strcmp(state(d, "mac"), m0), "isolation-as0-cmd-state",
	      "state mac [%s], was %s", state(d, "mac"), m0);

	/* One IOVA, two address spaces: the device must read AS 1's page. */
	memset(d->xl0, 0, PAGE);
	memset(d->xl1, 0, PAGE);
	d->xl0[0] = d->xl1[0] = VIRTIO_NET_CTRL_MAC;
	d->xl0[1] = d->xl1[1] = VIRTIO_NET_CTRL_MAC_ADDR_SET;
	memcpy(d->xl0 + 2, MAC_XL0, 6);
	memcpy(d->xl1 + 2, MAC_XL1, 6);
	/* A known MAC first, so the check below sees the change. */
	expect_cmd(d, "xlate-prepare", 1, VIRTIO_NET_CTRL_MAC,
		   VIRTIO_NET_CTRL_MAC_ADDR_SET, MAC_A, 6);
	d->xl0[64] = d->xl1[64] = ACK_FILL;
	sg[0] = (struct seg){ XL_IOVA, 8, 0 };
	sg[1] = (struct seg){ XL_IOVA + 64, 1, 1 };
	r.rc = post(d, sg, 2, &r.len);
	r.ack = d->xl1[64];
	check(ok(r) && d->xl0[64] == ACK_FILL, "xlate-as1",
	      "%s, AS 0 ack byte %#x", res_str(r), d->xl0[64]);
	recover(d, r, "xlate-as1");
	check_mac(d, "xlate-as1-state", MAC_XL1);
	return reset;
}

/*
 * Move the CVQ group back to AS 0 and use it there.  Since Linux 7.0
 * vhost-vdpa refuses to change a group's address space once the device is
 * at DRIVER_OK (-EBUSY), so a VMM chooses it at setup: check the refusal,
 * then reset and start again with the group in AS 0.
 */
static void back_to_as0(struct dev *d)
{
	struct vhost_vring_state s = { .index = d->cvq_group, .num = 0 };
	struct seg sg[3];
	struct res r;

	errno = 0;
	check(ioctl(d->fd, VHOST_VDPA_SET_GROUP_ASID, &s) < 0 && errno == EBUSY,
	      "group-asid-busy-at-driver-ok", "SET_GROUP_ASID at DRIVER_OK: %s",
	      errno ? strerror(errno) : "accepted");
	if (dev_reset(d, "as0-reset") || dev_start(d, 0, "as0-start"))
		return;
	if (map_regions(d, 0, M_ISO, 0, "as0-map"))
		return;
	if (d->cvq_asid != 0) {
		fail("as0-group-asid", "CVQ group in AS %u", d->cvq_asid);
		return;
	}
	pass("as0-group-asid");
	expect_cmd(d, "as0-cmd", 1, VIRTIO_NET_CTRL_MAC,
		   VIRTIO_NET_CTRL_MAC_ADDR_SET, MAC_AS0, 6);
	check_mac(d, "as0-cmd-state", MAC_AS0);

	/* The page that was out of reach is now the CVQ's memory. */
	memset(d->iso, 0, PAGE);
	d->iso[0] = VIRTIO_NET_CTRL_MAC;
	d->iso[1] = VIRTIO_NET_CTRL_MAC_ADDR_SET;
	memcpy(d->iso + 16, MAC_ISO, 6);
	d->iso[64] = ACK_FILL;
	sg[0] = (struct seg){ ISO_IOVA, 2, 0 };
	sg[1] = (struct seg){ ISO_IOVA + 16, 6, 0 };
	sg[2] = (struct seg){ ISO_IOVA + 64, 1, 1 };
	r.rc = post(d, sg, 3, &r.len);
	r.ack = d->iso[64];
	check(ok(r), "as0-iso-page-reachable", "%s", res_str(r));
	recover(d, r, "as0-iso-page-reachable");
	check_mac(d, "as0-iso-page-state", MAC_ISO);

	/* The shared IOVA now resolves to AS 0's page. */
	d->xl0[64] = d->xl1[64] = ACK_FILL;
	sg[0] = (struct seg){ XL_IOVA, 8, 0 };
	sg[1] = (struct seg){ XL_IOVA + 64, 1, 1 };
	r.rc = post(d, sg, 2, &r.len);
	r.ack = d->xl0[64];
	check(ok(r) && d->xl1[64] == ACK_FILL, "xlate-as0",
	      "%s, AS 1 ack byte %#x", res_str(r), d->xl1[64]);
	recover(d, r, "xlate-as0");
	check_mac(d, "xlate-as0-state", MAC_XL0);
}

/* A reset brings the state back to the spec's defaults. */
static void reset_defaults(struct dev *d)
{
	char u[64], m[64], v[64], rx[64];

	if (dev_reset(d, "reset"))
		return;
	snprintf(rx, sizeof(rx), "%s", state(d, "rx_mode"));
	snprintf(u, sizeof(u), "%s", state(d, "uc"));
	snprintf(m, sizeof(m), "%s", state(d, "mc"));
	snprintf(v, sizeof(v), "%s", state(d, "vlans"));
	check(!strcmp(rx, "promisc") && !strcmp(u, "count=0 overflow=0") &&
	      !strcmp(m, "count=0 overflow=0") && !strcmp(v, "count=0"),
	      "reset-defaults", "rx_mode [%s] uc [%s] mc [%s] vlans [%s]", rx, u,
	      m, v);
	if (dev_start(d, 1, "reset-setup"))
		return;
	pass("reset-setup");
	expect_cmd(d, "reset-cmd-works", 1, VIRTIO_NET_CTRL_RX,
		   VIRTIO_NET_CTRL_RX_PROMISC, (uint8_t[]){ 0 }, 1);
	check_rx_mode(d, "reset-cmd-state", "promisc", 0);
}

/* ---- a hostile driver --------------------------------------------- */

static const uint8_t MAC_H[6] = { 0x02, 0xbd, 0x00, 0x00, 0x00, 0x00 };

static void set_desc(struct dev *d, uint16_t i, uint64_t iova, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct desc *ds = &d->desc[i];

	ds->addr = htole64(iova);
	ds->len = htole32(len);
	ds->flags = htole16(flags);
	ds->next = htole16(next);
}

/* Take @n descriptors off the table for a hand-made chain; the first. */
static uint16_t take_desc(struct dev *d, unsigned int n)
{
	uint16_t first = d->next_desc;

	d->next_desc = (first + n) % d->num;
	return first;
}

/*
 * Put @head (in range or not) into the avail ring, kick, and wait for a
 * used entry or NEEDS_RESET, whichever comes first, within timeout_ms.
 * Returns 0 with *e (cpu order) and *st (the status after it), 1 when the
 * status has NEEDS_RESET (*st) and nothing was used, -ETIMEDOUT.
 */
static int post_raw(struct dev *d, uint16_t head, struct used_elem *e,
		    uint8_t *st)
{
	uint64_t one = 1, deadline;
	uint16_t idx;

	d->avail->ring[d->avail_idx % d->num] = htole16(head);
	d->avail_idx++;
	__atomic_store_n(&d->avail->idx, htole16(d->avail_idx),
			 __ATOMIC_RELEASE);
	__sync_synchronize();
	if (write(d->kick, &one, sizeof(one)) != sizeof(one))
		info("kick eventfd write: %s", strerror(errno));

	deadline = now_ms() + timeout_ms;
	for (;;) {
		idx = le16toh(__atomic_load_n(&d->used->idx, __ATOMIC_ACQUIRE));
		if (idx != d->last_used) {
			*e = d->used->ring[d->last_used % d->num];
			e->id = le32toh(e->id);
			e->len = le32toh(e->len);
			d->last_used++;
			*st = 0;
			ioctl(d->fd, VHOST_VDPA_GET_STATUS, st);
			return 0;
		}
		*st = 0;
		if (ioctl(d->fd, VHOST_VDPA_GET_STATUS, st) == 0 &&
		    (*st & VIRTIO_CONFIG_S_NEEDS_RESET))
			return 1;
		if (now_ms() > deadline)
			return -ETIMEDOUT;
		usleep(200);
	}
}

/* Reset and set up again after NEEDS_RESET; 0 when the device is back. */
static int resetup(struct dev *d, const char *name)
{
	uint8_t st = 0xff;

	if (dev_reset(d, name))
		return -1;
	get_status(d, &st, name);
	if (st) {
		fail(name, "status %#x after SET_STATUS 0", st);
		return -1;
	}
	if (dev_start(d, 1, name))
		return -1;
	pass(name);
	return 0;
}

/* A valid command after a hostile one: the device still works. */
static void next_works(struct dev *d, const char *pfx, uint8_t tag)
{
	uint8_t mac[6];
	char n[80];

	memcpy(mac, MAC_H, 6);
	mac[5] = tag;
	snprintf(n, sizeof(n), "%s-next-works", pfx);
	expect_cmd(d, n, 1, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET,
		   mac, 6);
	snprintf(n, sizeof(n), "%s-next-state", pfx);
	check_mac(d, n, mac);
}

/*
 * The chain at @head cannot be walked: it must be completed with used
 * len 0 (the device goes on) or the device must set NEEDS_RESET; either
 * way its command is not applied and @ack (when not NULL) not written.
 * Then the device must work again, after a reset for NEEDS_RESET.
 */
static void bad_chain(struct dev *d, const char *name, uint16_t head,
		      volatile uint8_t *ack, uint8_t tag)
{
	uint64_t bc0 = stat_val(d, "bad_chain"), re0 = stat_val(d, "ring_errors");
	struct used_elem e = { 0, 0 };
	char m0[32], n[80];
	int rc, reset = 0;
	uint8_t st = 0;

	snprintf(m0, sizeof(m0), "%s", state(d, "mac"));
	rc = post_raw(d, head, &e, &st);
	if (rc == 0 && e.id == head && e.len == 0) {
		pass(name);
		reset = !!(st & VIRTIO_CONFIG_S_NEEDS_RESET);
		info("%s outcome: completed with used len 0, status %#x; bad_chain %llu -> %llu",
		     name, st, (unsigned long long)bc0,
		     (unsigned long long)stat_val(d, "bad_chain"));
	} else if (rc == 1) {
		pass(name);
		reset = 1;
		info("%s outcome: NEEDS_RESET, status %#x; ring_errors %llu -> %llu",
		     name, st, (unsigned long long)re0,
		     (unsigned long long)stat_val(d, "ring_errors"));
	} else if (rc == 0) {
		fail(name, "used id %u len %u (posted head %u), status %#x; expected used len 0 or NEEDS_RESET",
		     e.id, e.len, head, st);
		reset = 1;
	} else {
		fail(name, "neither completed nor NEEDS_RESET within %u ms (status %#x)",
		     timeout_ms, st);
		reset = 1;
	}
	snprintf(n, sizeof(n), "%s-not-applied", name);
	check(!strcmp(state(d, "mac"), m0) && (!ack || *ack == ACK_FILL), n,
	      "state mac [%s], was %s; ack byte %#x", state(d, "mac"), m0,
	      ack ? *ack : ACK_FILL);
	if (reset) {
		snprintf(n, sizeof(n), "%s-resetup", name);
		if (resetup(d, n))
			return;
	}
	next_works(d, name, tag);
}

/* 1: desc A -> B -> A, both readable with NEXT. */
static void chain_loop(struct dev *d)
{
	uint16_t a = take_desc(d, 2), b = (a + 1) % d->num;
	uint8_t *h, *pl;
	uint64_t ih, ip;

	d->buf_off = 0;
	h = balloc(d, 2, &ih);
	pl = balloc(d, 6, &ip);
	h[0] = VIRTIO_NET_CTRL_MAC;
	h[1] = VIRTIO_NET_CTRL_MAC_ADDR_SET;
	memcpy(pl, MAC_ISO, 6);
	set_desc(d, a, ih, 2, DESC_F_NEXT, b);
	set_desc(d, b, ip, 6, DESC_F_NEXT, a);
	bad_chain(d, "chain-loop", a, NULL, 1);
}

/* 2: header+payload, then the ack whose `next` is num (out of range). */
static void chain_next_out_of_range(struct dev *d)
{
	uint16_t a = take_desc(d, 2), b = (a + 1) % d->num;
	uint8_t *c, *ack;
	uint64_t ic, ik;

	d->buf_off = 0;
	c = balloc(d, 8, &ic);
	ack = balloc(d, 1, &ik);
	c[0] = VIRTIO_NET_CTRL_MAC;
	c[1] = VIRTIO_NET_CTRL_MAC_ADDR_SET;
	memcpy(c + 2, MAC_ISO, 6);
	*ack = ACK_FILL;
	set_desc(d, a, ic, 8, DESC_F_NEXT, b);
	set_desc(d, b, ik, 1, DESC_F_WRITE | DESC_F_NEXT, d->num);
	bad_chain(d, "chain-next-out-of-range", a, ack, 2);
}

/* 3: an indirect table whose descriptor is itself indirect. */
static void chain_nested_indirect(struct dev *d)
{
	struct desc *t1, *t2;
	uint8_t *c, *ack;
	uint64_t it1, it2, ic, ik;
	uint16_t head;
	struct used_elem e = { 0, 0 };
	uint8_t st = 0;
	int rc;

	if (!(d->dev_features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC))) {
		skip("chain-nested-indirect",
		     "VIRTIO_RING_F_INDIRECT_DESC not offered (device features %#llx)",
		     (unsigned long long)d->dev_features);
		return;
	}
	if (!(d->features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC))) {
		fail("chain-nested-indirect", "INDIRECT_DESC offered, not negotiated (%#llx)",
		     (unsigned long long)d->features);
		return;
	}

	/* One level first: a valid indirect command. */
	d->buf_off = 0;
	t2 = (struct desc *)balloc(d, 2 * sizeof(*t2), &it2);
	c = balloc(d, 8, &ic);
	ack = balloc(d, 1, &ik);
	c[0] = VIRTIO_NET_CTRL_MAC;
	c[1] = VIRTIO_NET_CTRL_MAC_ADDR_SET;
	memcpy(c + 2, MAC_XL0, 6);
	*ack = ACK_FILL;
	t2[0] = (struct desc){ htole64(ic), htole32(8), htole16(DESC_F_NEXT),
			       htole16(1) };
	t2[1] = (struct desc){ htole64(ik), htole32(1), htole16(DESC_F_WRITE),
			       0 };
	head = take_desc(d, 1);
	set_desc(d, head, it2, 2 * sizeof(*t2), DESC_F_INDIRECT, 0);
	rc = post_raw(d, head, &e, &st);
	check(rc == 0 && e.id == head && e.len == 1 && *ack == VIRTIO_NET_OK,
	      "chain-indirect-valid", "rc %d used id %u len %u ack %#x status %#x",
	      rc, e.id, e.len, *ack, st);
	if (rc) {
		recover(d, (struct res){ .rc = -ETIMEDOUT }, "chain-indirect-valid");
	} else {
		check_mac(d, "chain-indirect-valid-state", MAC_XL0);
	}

	/* The same table behind an indirect descriptor in an indirect table. */
	d->buf_off = 0;
	t1 = (struct desc *)balloc(d, sizeof(*t1), &it1);
	t2 = (struct desc *)balloc(d, 2 * sizeof(*t2), &it2);
	c = balloc(d, 8, &ic);
	ack = balloc(d, 1, &ik);
	c[0] = VIRTIO_NET_CTRL_MAC;
	c[1] = VIRTIO_NET_CTRL_MAC_ADDR_SET;
	memcpy(c + 2, MAC_ISO, 6);
	*ack = ACK_FILL;
	t2[0] = (struct desc){ htole64(ic), htole32(8), htole16(DESC_F_NEXT),
			       htole16(1) };
	t2[1] = (struct desc){ htole64(ik), htole32(1), htole16(DESC_F_WRITE),
			       0 };
	t1[0] = (struct desc){ htole64(it2), htole32(2 * sizeof(*t2)),
			       htole16(DESC_F_INDIRECT), 0 };
	head = take_desc(d, 1);
	set_desc(d, head, it1, sizeof(*t1), DESC_F_INDIRECT, 0);
	bad_chain(d, "chain-nested-indirect", head, ack, 3);
}

/* 4: an avail ring entry naming head num: NEEDS_RESET, then a reset. */
static void avail_head_out_of_range(struct dev *d)
{
	const char *name = "avail-head-out-of-range";
	uint64_t re0 = stat_val(d, "ring_errors"), t0, cnt;
	struct used_elem e = { 0, 0 };
	struct pollfd pfd;
	uint16_t used0;
	uint8_t st = 0;
	int rc, cfd, unbind = -1;

	/* Does the device send a config change notification too? */
	cfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (cfd >= 0 && ioctl(d->fd, VHOST_VDPA_SET_CONFIG_CALL, &cfd) < 0) {
		info("%s: VHOST_VDPA_SET_CONFIG_CALL: %s", name, strerror(errno));
		close(cfd);
		cfd = -1;
	}
	while (cfd >= 0 && read(cfd, &cnt, sizeof(cnt)) > 0)
		;

	used0 = le16toh(__atomic_load_n(&d->used->idx, __ATOMIC_ACQUIRE));
	t0 = now_ms();
	rc = post_raw(d, d->num, &e, &st);
	if (rc == 1) {
		pass(name);
		info("%s: NEEDS_RESET after %llu ms, status %#x; ring_errors %llu -> %llu",
		     name, (unsigned long long)(now_ms() - t0), st,
		     (unsigned long long)re0,
		     (unsigned long long)stat_val(d, "ring_errors"));
	} else if (rc == 0) {
		fail(name, "used id %u len %u, status %#x: expected NEEDS_RESET",
		     e.id, e.len, st);
	} else {
		fail(name, "no NEEDS_RESET within %u ms (status %#x)",
		     timeout_ms, st);
	}
	check(le16toh(__atomic_load_n(&d->used->idx, __ATOMIC_ACQUIRE)) == used0,
	      "avail-head-out-of-range-nothing-used", "used idx %u, was %u",
	      le16toh(d->used->idx), used0);
	if (cfd >= 0) {
		pfd = (struct pollfd){ .fd = cfd, .events = POLLIN };
		info("%s: config change notification %s", name,
		     poll(&pfd, 1, 200) == 1 ? "sent" : "not sent (within 200 ms)");
		ioctl(d->fd, VHOST_VDPA_SET_CONFIG_CALL, &unbind);
		close(cfd);
	}
	if (resetup(d, "avail-head-out-of-range-resetup"))
		return;
	next_works(d, name, 4);
}

/*
 * 5: 200 commands, posted as many at once as the ring holds (on a ring
 * as big as the device takes, so more than the frontend's budget of 64
 * per run are pending at once), one kick per batch.  Each is VLAN ADD
 * of its number: all completed in order with OK, all applied.
 */
#define BURST		200
static void burst(struct dev *d)
{
	const char *name = "burst-200";
	uint16_t heads[RING_NUM_MAX / 2];
	volatile uint8_t *acks[RING_NUM_MAX / 2];
	unsigned int done = 0, n, k, per, batches = 0, bad = 0;
	uint64_t t0, deadline, one = 1;
	char what[160] = "", vl[64];
	uint16_t num, idx, seen;

	num = d->vmax >= RING_NUM_MAX ? RING_NUM_MAX : RING_NUM;
	if (dev_reset(d, "burst-setup"))
		return;
	d->num = num;
	if (dev_start(d, 1, "burst-setup")) {
		d->num = RING_NUM;
		return;
	}
	per = num / 2;		/* two descriptors a command */
	info("%s: ring of %u, up to %u commands per batch", name, num, per);

	t0 = now_ms();
	while (done < BURST) {
		n = BURST - done < per ? BURST - done : per;
		d->buf_off = 0;
		for (k = 0; k < n; k++) {
			uint16_t h = take_desc(d, 2);
			uint8_t *c, *a;
			uint64_t ic, ia;

			c = balloc(d, 4, &ic);
			a = balloc(d, 1, &ia);
			c[0] = VIRTIO_NET_CTRL_VLAN;
			c[1] = VIRTIO_NET_CTRL_VLAN_ADD;
			c[2] = (done + k) & 0xff;
			c[3] = (done + k) >> 8;
			*a = ACK_FILL;
			set_desc(d, h, ic, 4, DESC_F_NEXT, (h + 1) % num);
			set_desc(d, (h + 1) % num, ia, 1, DESC_F_WRITE, 0);
			heads[k] = h;
			acks[k] = a;
			d->avail->ring[(uint16_t)(d->avail_idx + k) % num] =
				htole16(h);
		}
		d->avail_idx += n;
		__atomic_store_n(&d->avail->idx, htole16(d->avail_idx),
				 __ATOMIC_RELEASE);
		__sync_synchronize();
		if (write(d->kick, &one, sizeof(one)) != sizeof(one))
			info("kick eventfd write: %s", strerror(errno));
		batches++;

		/* The deadline moves on with every completion. */
		seen = 0;
		deadline = now_ms() + timeout_ms;
		for (;;) {
			idx = le16toh(__atomic_load_n(&d->used->idx,
						      __ATOMIC_ACQUIRE));
			if ((uint16_t)(idx - d->last_used) != seen) {
				seen = idx - d->last_used;
				deadline = now_ms() + timeout_ms;
			}
			if (seen >= n || now_ms() > deadline)
				break;
			usleep(200);
		}
		if (seen != n) {
			uint8_t st = 0;

			ioctl(d->fd, VHOST_VDPA_GET_STATUS, &st);
			fail(name, "batch %u: %u of %u commands completed (%u before), no progress for %u ms, status %#x",
			     batches, seen, n, done, timeout_ms, st);
			recover(d, (struct res){ .rc = -ETIMEDOUT }, name);
			goto out;
		}
		for (k = 0; k < n; k++) {
			struct used_elem e = d->used->ring[(uint16_t)(d->last_used + k) % num];

			if (le32toh(e.id) != heads[k] || le32toh(e.len) != 1 ||
			    *acks[k] != VIRTIO_NET_OK) {
				if (!bad++)
					snprintf(what, sizeof(what),
						 "command %u: used id %u (head %u) len %u ack %#x",
						 done + k, le32toh(e.id), heads[k],
						 le32toh(e.len), *acks[k]);
			}
		}
		d->last_used += n;
		done += n;
	}
	check(!bad, name, "%u of %u not completed with OK, first %s", bad,
	      BURST, what);
	info("%s: %u commands in %u batches in %llu ms", name, done, batches,
	     (unsigned long long)(now_ms() - t0));
	snprintf(vl, sizeof(vl), "%s", state(d, "vlan_ids"));
	check(!strcmp(state(d, "vlans"), "count=200") && vlan_listed(vl, 0) &&
	      vlan_listed(vl, 199) && !vlan_listed(vl, 200), "burst-200-state",
	      "vlans [%s] vlan_ids [%s], expected 0-199", state(d, "vlans"), vl);
out:
	/* Back to the ring size of the other checks. */
	if (dev_reset(d, "burst-restore") == 0) {
		d->num = RING_NUM;
		dev_start(d, 1, "burst-restore");
	}
	d->num = RING_NUM;
}

/* 6: MAC TABLE_SET with entry counts far beyond the buffer: ERR. */
static void mac_table_huge(struct dev *d)
{
	static const uint8_t uc[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
	static const uint8_t mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x0a };
	uint8_t t[4 + 6 + 4 + 6], h[4 + 4 + 12];
	char u0[64], m0[64];
	uint32_t v;

	/* A known table first, so a wrong update shows. */
	v = htole32(1);
	memcpy(t, &v, 4);
	memcpy(t + 4, uc, 6);
	memcpy(t + 10, &v, 4);
	memcpy(t + 14, mc, 6);
	expect_cmd(d, "mac-table-huge-prepare", 1, VIRTIO_NET_CTRL_MAC,
		   VIRTIO_NET_CTRL_MAC_TABLE_SET, t, sizeof(t));
	snprintf(u0, sizeof(u0), "%s", state(d, "uc"));
	snprintf(m0, sizeof(m0), "%s", state(d, "mc"));

	/* 0 unicast, 0x10000000 multicast, 12 bytes of addresses. */
	memset(h, 0, sizeof(h));
	v = htole32(0x10000000);
	memcpy(h + 4, &v, 4);
	memcpy(h + 8, mc, 6);
	memcpy(h + 14, mc, 6);
	expect_cmd(d, "mac-table-huge-mc-err", 0, VIRTIO_NET_CTRL_MAC,
		   VIRTIO_NET_CTRL_MAC_TABLE_SET, h, sizeof(h));
	check(!strcmp(state(d, "uc"), u0) && !strcmp(state(d, "mc"), m0),
	      "mac-table-huge-mc-state", "uc [%s] mc [%s], were [%s] [%s]",
	      state(d, "uc"), state(d, "mc"), u0, m0);

	/* 0xffffffff unicast (n * 6 wraps in 32 bits), then 0 multicast. */
	v = htole32(0xffffffff);
	memcpy(h, &v, 4);
	memset(h + 4, 0, 4);
	expect_cmd(d, "mac-table-huge-uc-err", 0, VIRTIO_NET_CTRL_MAC,
		   VIRTIO_NET_CTRL_MAC_TABLE_SET, h, sizeof(h));
	check(!strcmp(state(d, "uc"), u0) && !strcmp(state(d, "mc"), m0),
	      "mac-table-huge-uc-state", "uc [%s] mc [%s], were [%s] [%s]",
	      state(d, "uc"), state(d, "mc"), u0, m0);
}

static void hostile(struct dev *d)
{
	mac_table_huge(d);
	chain_loop(d);
	chain_next_out_of_range(d);
	chain_nested_indirect(d);
	avail_head_out_of_range(d);
	burst(d);
	stats_info(d, "after the hostile checks");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vhost_cvq [-m] [-t TIMEOUT_MS] [-s DEBUGFS_DIR] [-x CMD] /dev/vhost-vdpa-N\n");
	exit(100);
}

int main(int argc, char **argv)
{
	struct dev dev = { .fd = -1 }, *d = &dev;
	const char *hook = NULL;
	int o;

	while ((o = getopt(argc, argv, "mt:s:x:")) != -1) {
		switch (o) {
		case 'm':
			mq_mode = 1;
			break;
		case 't':
			timeout_ms = strtoul(optarg, NULL, 0);
			break;
		case 's':
			snprintf(d->dbg, sizeof(d->dbg), "%s", optarg);
			break;
		case 'x':
			hook = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	d->path = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);

	d->fd = open(d->path, O_RDWR);
	if (d->fd < 0) {
		fail("open", "%s: %s", d->path, strerror(errno));
		return 1;
	}
	pass("open");
	d->kick = eventfd(0, EFD_CLOEXEC);
	d->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->kick < 0 || d->call < 0) {
		fail("eventfd", "%s", strerror(errno));
		return 1;
	}
	d->ring = alloc_shared(RING_SIZE);
	d->buf = alloc_shared(BUF_SIZE);
	d->iso = alloc_shared(PAGE);
	d->xl0 = alloc_shared(PAGE);
	d->xl1 = alloc_shared(PAGE);
	if (!d->ring || !d->buf || !d->iso || !d->xl0 || !d->xl1)
		return 1;
	find_debugfs(d);
	info("device %s, debugfs %s", d->path, d->dbg[0] ? d->dbg : "(none)");

	if (dev_start(d, 1, "setup")) {
		close(d->fd);
		return failures ? failures : 1;
	}
	pass("setup");
	info("device features %#llx, negotiated %#llx, backend %#llx",
	     (unsigned long long)d->dev_features,
	     (unsigned long long)d->features, (unsigned long long)d->backend);
	info("%u groups, %u address spaces, cvq (vq %u) in group %u -> AS 1",
	     d->ngroups, d->nas, cvq_idx, d->cvq_group);
	/*
	 * The CVQ alone in its group: QEMU's isolation probe asks every
	 * virtqueue below the CVQ's index (with MQ, the data queues of every
	 * pair) and shadows the CVQ only if none shares its group.
	 */
	{
		struct vhost_vring_state s;
		unsigned int i, shared = cvq_idx, ok = 1;

		for (i = 0; i < cvq_idx && ok; i++) {
			s.index = i;
			s.num = 0;
			if (IOC(d, VHOST_VDPA_GET_VRING_GROUP, &s, "cvq-own-group") < 0)
				ok = 0;
			else if (s.num == d->cvq_group && shared == cvq_idx)
				shared = i;
		}
		if (ok)
			check(shared == cvq_idx, "cvq-own-group",
			      "vq %u is in the CVQ's group %u too (cvq vq %u)",
			      shared, d->cvq_group, cvq_idx);
	}
	/* Out of range group / address space: refused. */
	{
		struct vhost_vring_state s = { .index = d->cvq_group,
					       .num = d->nas };

		errno = 0;
		check(ioctl(d->fd, VHOST_VDPA_SET_GROUP_ASID, &s) < 0 &&
		      errno == EINVAL, "group-asid-out-of-range",
		      "SET_GROUP_ASID asid %u: %s", d->nas,
		      errno ? strerror(errno) : "accepted");
	}

	stats_info(d, "before");
	basic_commands(d);
	if (!mq_mode) {
		isolation(d);
		back_to_as0(d);
		stats_info(d, "after");
		reset_defaults(d);
		hostile(d);
	}

	if (hook) {
		uint8_t st = 0;
		int rc;

		get_status(d, &st, "live-hook");
		fflush(stdout);
		rc = system(hook);
		check(rc == 0, "live-hook", "`%s` (status %#x): rc %d", hook,
		      st, rc);
	}
	close(d->fd);
	info("%d passed, %d failed, %d skipped", passes, failures, skips);
	return failures > 100 ? 100 : failures;
}
