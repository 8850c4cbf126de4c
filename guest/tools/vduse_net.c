// SPDX-License-Identifier: GPL-2.0
/*
 * vduse_net: a VDUSE virtio-net device with a loopback data path, whose
 * control virtqueue the kernel holds.
 *
 *   vduse_net [options] NAME
 *     -q PAIRS     queue pairs (default 1); MQ is offered above 1
 *     -m MAC       the config space MAC (default 52:54:00:56:00:01)
 *     -s FILE      write the state and counters to FILE (default
 *                  /run/vduse_net.NAME), rewritten on every change
 *     -a VERSION   VDUSE API version to ask for (default 1)
 *     -x           do not ask for VDUSE_F_NET_CTRL_STATE (an old daemon)
 *     -c           no control virtqueue (no CTRL_VQ, no MQ)
 *     -n           no GUEST_ANNOUNCE (QEMU 10's shadow virtqueue refuses it)
 *     -H MODE      hostile: "noreply" never answers the kernel's
 *                  messages; "badread" reads the state into bad addresses
 *                  first (the errors are printed); "nodriverok" fails
 *                  the driver's DRIVER_OK
 *     -B MODE      declare bad limits, then exit: "vqnum" (no slot for the
 *                  control virtqueue), "rsskey" (RSS with a 200-byte key)
 *
 * It creates the device (or opens it again when it exists: a restarted
 * daemon), answers VDUSE's messages, and once the driver set DRIVER_OK
 * loops every frame a driver transmits on queue pair i back to the
 * receive queue of the same pair, if the receive filter of the control
 * state takes it: the MAC, the receive modes, the MAC tables and the
 * VLAN filter.  It reads that state when the kernel's eventfd says it
 * changed, and writes it to the state file, with per-queue counters:
 *
 *   gen=G features=0x... mac=M rx_mode=0xR uc=N mc=N vlans=N pairs=P
 *   offloads=0x... status=0x.. cvq=num=N,ready=R,desc=0x.. tx=a,b,..
 *   rx=a,b,.. drop=N
 *
 * (cvq= is what VDUSE_VQ_GET_INFO says of the kernel's control virtqueue:
 * no ring, num 0.)
 *
 * A pristine kernel refuses the device at creation when it asks for
 * CTRL_VQ: the exit status is then 2, with the kernel's error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/vduse.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#define MAX_PAIRS	16
#define MAX_VQS		(2 * MAX_PAIRS + 1)
/*
 * QEMU 10 sizes a vhost-vdpa NIC's rings at 1024 entries, whatever its
 * rx_queue_size says, and falls back to its own virtio-net below that.
 */
#define VQ_SIZE		1024
#define HDR_LEN		12	/* struct virtio_net_hdr_mrg_rxbuf, VERSION_1 */
#define FRAME_MAX	(HDR_LEN + 9216)

#ifndef VIRTIO_F_ACCESS_PLATFORM
#define VIRTIO_F_ACCESS_PLATFORM 33
#endif

static const char *name, *state_path;
static int devfd = -1, evfd = -1;
static unsigned int pairs = 1, nvq;
/* What VDUSE_VQ_GET_INFO says of the kernel's CVQ: "num=N,ready=R". */
static char cvq_info[48] = "none";
static int api = 1, want_state = 1, ctrl = 1, announce = 1;
static const char *hostile = "", *bad = "";
static int reconnected;
static uint8_t cfg_mac[6] = { 0x52, 0x54, 0x00, 0x56, 0x00, 0x01 };
static uint64_t features;
static uint8_t status;
static int have_state;
static struct vduse_net_state st;
static unsigned long tx_frames[MAX_PAIRS], rx_frames[MAX_PAIRS], dropped;

/* ---- IOVA -> our address, through VDUSE_IOTLB_GET_FD and mmap ---- */

struct map {
	uint64_t start, last;
	uint8_t *va;
	size_t len;
};
static struct map maps[64];
static unsigned int nmaps;

static void unmap_range(uint64_t start, uint64_t last)
{
	unsigned int i;

	for (i = 0; i < nmaps;) {
		if (maps[i].start <= last && maps[i].last >= start) {
			munmap(maps[i].va, maps[i].len);
			maps[i] = maps[--nmaps];
		} else {
			i++;
		}
	}
}

/* The address of [iova, iova + len), or NULL (the driver gave a bad one). */
static void *iova_va(uint64_t iova, uint64_t len)
{
	struct vduse_iotlb_entry e;
	unsigned int i;
	void *va;
	int fd;

	if (!len || iova + len - 1 < iova)
		return NULL;
	for (i = 0; i < nmaps; i++)
		if (iova >= maps[i].start && iova + len - 1 <= maps[i].last)
			return maps[i].va + (iova - maps[i].start);
	memset(&e, 0, sizeof(e));
	e.start = iova;
	e.last = iova + len - 1;
	fd = ioctl(devfd, VDUSE_IOTLB_GET_FD, &e);
	if (fd < 0)
		return NULL;
	if (iova < e.start || iova + len - 1 > e.last || nmaps == 64) {
		close(fd);
		return NULL;
	}
	va = mmap(NULL, e.last - e.start + 1,
		  e.perm == VDUSE_ACCESS_RO ? PROT_READ : PROT_READ | PROT_WRITE,
		  MAP_SHARED, fd, e.offset);
	close(fd);
	if (va == MAP_FAILED)
		return NULL;
	maps[nmaps].start = e.start;
	maps[nmaps].last = e.last;
	maps[nmaps].va = va;
	maps[nmaps].len = e.last - e.start + 1;
	nmaps++;
	return (uint8_t *)va + (iova - e.start);
}

/* ---- split virtqueues ---- */

struct vq {
	int ready, kickfd;
	int failed;		/* enabled, but its rings could not be set up */
	unsigned int num;
	uint16_t last_avail;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
};
static struct vq vqs[MAX_VQS];

static void vq_stop(unsigned int i)
{
	struct vduse_vq_eventfd e = { .index = i, .fd = VDUSE_EVENTFD_DEASSIGN };

	if (vqs[i].kickfd >= 0) {
		ioctl(devfd, VDUSE_VQ_SETUP_KICKFD, &e);
		close(vqs[i].kickfd);
	}
	memset(&vqs[i], 0, sizeof(vqs[i]));
	vqs[i].kickfd = -1;
}

static void vq_start(unsigned int i)
{
	struct vduse_vq_info info = { .index = i };
	struct vduse_vq_eventfd e = { .index = i };
	struct vq *q = &vqs[i];

	vq_stop(i);
	if (ioctl(devfd, VDUSE_VQ_GET_INFO, &info) || !info.ready || !info.num)
		return;
	q->num = info.num;
	q->last_avail = info.split.avail_index;
	q->desc = iova_va(info.desc_addr, 16ULL * q->num);
	q->avail = iova_va(info.driver_addr, 4 + 2ULL * q->num);
	q->used = iova_va(info.device_addr, 4 + 8ULL * q->num);
	if (!q->desc || !q->avail || !q->used) {
		fprintf(stderr, "vduse_net: vq %u: rings not mapped\n", i);
		q->failed = 1;
		return;
	}
	q->kickfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	e.fd = q->kickfd;
	if (q->kickfd < 0 || ioctl(devfd, VDUSE_VQ_SETUP_KICKFD, &e)) {
		perror("vduse_net: VDUSE_VQ_SETUP_KICKFD");
		q->failed = 1;
		return;
	}
	q->ready = 1;
}

/*
 * Take the next chain: its readable bytes into @buf (at most @cap), and
 * the writable descriptors' places.  Returns the head, or -1 when the
 * queue is empty or broken.
 */
struct wbuf {
	uint8_t *va;
	uint32_t len;
};

static int vq_pop(struct vq *q, uint8_t *buf, size_t cap, size_t *rlen,
		  struct wbuf *w, unsigned int *nw)
{
	uint16_t head, i, n = 0;

	if (!q->ready || q->last_avail == __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE))
		return -1;
	head = q->avail->ring[q->last_avail % q->num];
	q->last_avail++;
	*rlen = 0;
	*nw = 0;
	for (i = head; n++ < q->num; i = q->desc[i].next) {
		struct vring_desc *d;
		uint8_t *va;

		if (i >= q->num)
			return -1;
		d = &q->desc[i];
		va = iova_va(d->addr, d->len);
		if (!va)
			return -1;
		if (d->flags & VRING_DESC_F_WRITE) {
			if (*nw < 8) {
				w[*nw].va = va;
				w[*nw].len = d->len;
				(*nw)++;
			}
		} else if (*rlen + d->len <= cap) {
			memcpy(buf + *rlen, va, d->len);
			*rlen += d->len;
		}
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
	}
	return head;
}

static void vq_push(struct vq *q, unsigned int idx, int head, uint32_t len)
{
	uint16_t u = q->used->idx;

	q->used->ring[u % q->num].id = head;
	q->used->ring[u % q->num].len = len;
	__atomic_store_n(&q->used->idx, (uint16_t)(u + 1), __ATOMIC_RELEASE);
	ioctl(devfd, VDUSE_VQ_INJECT_IRQ, &idx);
}

/* ---- the receive filter, from the kernel's state ---- */

static int mac_in(const struct vduse_net_mac_table *t, const uint8_t *a)
{
	uint32_t i;

	for (i = 0; i < t->count && i < VDUSE_NET_MAC_TABLE_MAX; i++)
		if (!memcmp(t->addr[i], a, 6))
			return 1;
	return 0;
}

static int rx_accept(const uint8_t *f, size_t len)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned int m = st.rx_mode;

	if (len < 14)
		return 0;
	if (!have_state || (m & (1 << VIRTIO_NET_CTRL_RX_PROMISC)))
		return 1;
	/* A VLAN-tagged frame must carry a VLAN the driver added. */
	if ((features & (1ULL << VIRTIO_NET_F_CTRL_VLAN)) && len >= 18 &&
	    f[12] == 0x81 && f[13] == 0x00) {
		unsigned int vid = ((f[14] << 8) | f[15]) & 0xfff;

		if (!(st.vlans[vid / 64] & (1ULL << (vid % 64))))
			return 0;
	}
	if (!memcmp(f, bcast, 6))
		return !(m & (1 << VIRTIO_NET_CTRL_RX_NOBCAST));
	if (f[0] & 1)
		return !(m & (1 << VIRTIO_NET_CTRL_RX_NOMULTI)) &&
		       ((m & (1 << VIRTIO_NET_CTRL_RX_ALLMULTI)) || st.mc.overflow ||
			mac_in(&st.mc, f));
	if (m & (1 << VIRTIO_NET_CTRL_RX_NOUNI))
		return 0;
	return (m & (1 << VIRTIO_NET_CTRL_RX_ALLUNI)) || st.uc.overflow ||
	       !memcmp(f, st.mac, 6) || mac_in(&st.uc, f);
}

/* ---- the state file ---- */

static void write_state(void)
{
	char tmp[256], line[1024];
	unsigned int i, nv = 0, n;
	FILE *f;

	for (i = 0; i < VDUSE_NET_VLAN_N; i++)
		nv += !!(st.vlans[i / 64] & (1ULL << (i % 64)));
	n = snprintf(line, sizeof(line),
		     "gen=%llu features=0x%llx mac=%02x:%02x:%02x:%02x:%02x:%02x rx_mode=0x%x uc=%u mc=%u vlans=%u pairs=%u offloads=0x%llx status=0x%x cvq=%s tx=",
		     (unsigned long long)st.generation,
		     (unsigned long long)st.features, st.mac[0], st.mac[1],
		     st.mac[2], st.mac[3], st.mac[4], st.mac[5], st.rx_mode,
		     st.uc.count, st.mc.count, nv, st.vq_pairs,
		     (unsigned long long)st.guest_offloads, status, cvq_info);
	for (i = 0; i < pairs && n < sizeof(line) - 32; i++)
		n += snprintf(line + n, sizeof(line) - n, "%s%lu", i ? "," : "",
			      tx_frames[i]);
	n += snprintf(line + n, sizeof(line) - n, " rx=");
	for (i = 0; i < pairs && n < sizeof(line) - 32; i++)
		n += snprintf(line + n, sizeof(line) - n, "%s%lu", i ? "," : "",
			      rx_frames[i]);
	snprintf(line + n, sizeof(line) - n, " drop=%lu\n", dropped);
	snprintf(tmp, sizeof(tmp), "%s.tmp", state_path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fputs(line, f);
	fclose(f);
	rename(tmp, state_path);
}

static void read_state(void)
{
	uint64_t v;

	if (evfd >= 0 && read(evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	if (ioctl(devfd, VDUSE_NET_GET_STATE, &st)) {
		perror("vduse_net: VDUSE_NET_GET_STATE");
		return;
	}
	have_state = 1;
	if (st.features)
		features = st.features;
	printf("vduse_net: state gen=%llu pairs=%u rx_mode=0x%x\n",
	       (unsigned long long)st.generation, st.vq_pairs, st.rx_mode);
	fflush(stdout);
	write_state();
}

/* ---- the data path: pair i's transmit queue loops to its receive queue ---- */

static void run_pair(unsigned int p)
{
	static uint8_t frame[FRAME_MAX];
	struct vq *tx = &vqs[2 * p + 1], *rx = &vqs[2 * p];
	struct wbuf w[8];
	unsigned int nw, rxw, i, idx;
	size_t len, off;
	int head, rhead;

	while ((head = vq_pop(tx, frame, sizeof(frame), &len, w, &nw)) >= 0) {
		vq_push(tx, 2 * p + 1, head, 0);
		tx_frames[p]++;
		if (len <= HDR_LEN || !rx_accept(frame + HDR_LEN, len - HDR_LEN)) {
			dropped++;
			continue;
		}
		rhead = vq_pop(rx, NULL, 0, &off, w, &rxw);
		if (rhead < 0) {
			dropped++;
			continue;
		}
		/* A plain header (no offload) and the frame, scattered. */
		memset(frame, 0, HDR_LEN);
		for (i = 0, off = 0; i < rxw && off < len; i++) {
			size_t c = len - off < w[i].len ? len - off : w[i].len;

			memcpy(w[i].va, frame + off, c);
			off += c;
		}
		idx = 2 * p;
		vq_push(rx, idx, rhead, off);
		rx_frames[p]++;
	}
}

/* ---- VDUSE's messages ---- */

/* What VDUSE_VQ_GET_INFO says of the kernel's CVQ, into the state file. */
static void cvq_probe(void)
{
	struct vduse_vq_info info = { .index = nvq - 1 };
	char was[sizeof(cvq_info)];

	if (nvq <= 2 * pairs)
		return;
	memcpy(was, cvq_info, sizeof(was));
	if (ioctl(devfd, VDUSE_VQ_GET_INFO, &info))
		snprintf(cvq_info, sizeof(cvq_info), "errno%d", errno);
	else
		snprintf(cvq_info, sizeof(cvq_info), "num=%u,ready=%u,desc=0x%llx",
			 info.num, info.ready, (unsigned long long)info.desc_addr);
	if (strcmp(was, cvq_info))
		write_state();
}

static void device_start(void)
{
	unsigned int i;

	if (ioctl(devfd, VDUSE_DEV_GET_FEATURES, &features))
		perror("vduse_net: VDUSE_DEV_GET_FEATURES");
	/* The control virtqueue, the last, is the kernel's: not ours. */
	for (i = 0; i < 2 * pairs; i++)
		vq_start(i);
	cvq_probe();
	printf("vduse_net: started, features 0x%llx\n",
	       (unsigned long long)features);
	fflush(stdout);
}

/*
 * A driver may enable queues after DRIVER_OK (QEMU does: it first
 * restores the device state through the CVQ).  Without
 * VDUSE_F_QUEUE_READY, which this daemon does not ask for yet, VDUSE
 * says nothing of it: poll, as DPDK does.
 */
static void late_start(void)
{
	unsigned int i;

	for (i = 0; i < 2 * pairs; i++)
		if (!vqs[i].ready && !vqs[i].failed) {
			vq_start(i);
			if (vqs[i].ready)
				printf("vduse_net: vq %u enabled after DRIVER_OK\n", i);
		}
	if (strstr(cvq_info, "ready=0"))
		cvq_probe();
}

static void device_stop(void)
{
	unsigned int i;

	for (i = 0; i < nvq; i++)
		vq_stop(i);
	unmap_range(0, UINT64_MAX);
}

static void handle_msg(void)
{
	struct vduse_dev_request req;
	struct vduse_dev_response resp;

	if (read(devfd, &req, sizeof(req)) != sizeof(req))
		return;
	if (!strcmp(hostile, "noreply"))
		return;
	memset(&resp, 0, sizeof(resp));
	resp.request_id = req.request_id;
	resp.result = VDUSE_REQ_RESULT_OK;
	switch (req.type) {
	case VDUSE_GET_VQ_STATE:
		resp.vq_state.index = req.vq_state.index;
		if (req.vq_state.index < nvq)
			resp.vq_state.split.avail_index =
				vqs[req.vq_state.index].last_avail;
		break;
	case VDUSE_SET_STATUS:
		if (!strcmp(hostile, "nodriverok") &&
		    (req.s.status & VIRTIO_CONFIG_S_DRIVER_OK)) {
			resp.result = VDUSE_REQ_RESULT_FAILED;
			break;
		}
		if ((req.s.status & VIRTIO_CONFIG_S_DRIVER_OK) &&
		    !(status & VIRTIO_CONFIG_S_DRIVER_OK))
			device_start();
		else if (!req.s.status)
			device_stop();
		status = req.s.status;
		break;
	case VDUSE_UPDATE_IOTLB:
		unmap_range(req.iova.start, req.iova.last);
		break;
	default:
		/* VDUSE_SET_VQ_GROUP_ASID and the rest: nothing to do. */
		break;
	}
	if (write(devfd, &resp, sizeof(resp)) != sizeof(resp))
		perror("vduse_net: write response");
}

/* ---- creation ---- */

static int create(void)
{
	size_t size = sizeof(struct vduse_dev_config) + sizeof(struct virtio_net_config);
	struct vduse_dev_config *c = calloc(1, size);
	struct virtio_net_config *nc = (void *)c->config;
	uint64_t v = api, vf = 1ULL << VDUSE_F_NET_CTRL_STATE;
	int fd, ret = 0;

	fd = open("/dev/vduse/control", O_RDWR);
	if (fd < 0) {
		perror("vduse_net: /dev/vduse/control");
		return 1;
	}
	if (ioctl(fd, VDUSE_SET_API_VERSION, &v))
		perror("vduse_net: VDUSE_SET_API_VERSION");
	if (want_state && ctrl && ioctl(fd, VDUSE_SET_FEATURES, &vf)) {
		fprintf(stderr, "vduse_net: no VDUSE_F_NET_CTRL_STATE: %s\n",
			strerror(errno));
		want_state = 0;
	}
	strncpy(c->name, name, VDUSE_NAME_MAX - 1);
	c->device_id = VIRTIO_ID_NET;
	c->features = (1ULL << VIRTIO_F_VERSION_1) |
		      (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
		      (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |
		      (1ULL << VIRTIO_NET_F_MTU) |
		      /* It never sends a partial checksum, but may be told. */
		      (1ULL << VIRTIO_NET_F_GUEST_CSUM);
	if (ctrl) {
		c->features |= (1ULL << VIRTIO_NET_F_CTRL_VQ) |
			       (1ULL << VIRTIO_NET_F_CTRL_RX) |
			       (1ULL << VIRTIO_NET_F_CTRL_RX_EXTRA) |
			       (1ULL << VIRTIO_NET_F_CTRL_VLAN) |
			       (1ULL << VIRTIO_NET_F_CTRL_MAC_ADDR) |
			       (1ULL << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS);
		if (announce)
			c->features |= 1ULL << VIRTIO_NET_F_GUEST_ANNOUNCE;
		if (pairs > 1)
			c->features |= 1ULL << VIRTIO_NET_F_MQ;
	}
	c->vq_num = nvq;
	if (!strcmp(bad, "vqnum"))
		c->vq_num = 2 * pairs;
	if (!strcmp(bad, "rsskey")) {
		c->features |= (1ULL << VIRTIO_NET_F_RSS) | (1ULL << VIRTIO_NET_F_MQ);
		nc->rss_max_key_size = 200;
		nc->rss_max_indirection_table_length = 128;
		nc->supported_hash_types = VIRTIO_NET_RSS_HASH_TYPE_IPv4;
	}
	c->vq_align = 4096;
	if (api >= 1) {
		c->ngroups = 1;
		c->nas = 1;
	}
	c->config_size = sizeof(*nc);
	memcpy(nc->mac, cfg_mac, 6);
	nc->status = VIRTIO_NET_S_LINK_UP;
	nc->max_virtqueue_pairs = pairs;
	nc->mtu = 1500;
	if (ioctl(fd, VDUSE_CREATE_DEV, c)) {
		if (errno == EEXIST && !*bad) {
			printf("vduse_net: %s exists: reconnecting\n", name);
			reconnected = 1;
		} else {
			fprintf(stderr, "vduse_net: VDUSE_CREATE_DEV %s (features 0x%llx, %u vqs): %s\n",
				name, (unsigned long long)c->features, nvq,
				strerror(errno));
			ret = 2;
		}
	} else if (*bad) {
		/* Accepted: say so, and leave nothing behind. */
		fprintf(stderr, "vduse_net: bad limits '%s' accepted\n", bad);
		ioctl(fd, VDUSE_DESTROY_DEV, c->name);
		ret = 3;
	}
	close(fd);
	free(c);
	return ret;
}

static int open_dev(void)
{
	char path[300];
	unsigned int i;

	snprintf(path, sizeof(path), "/dev/vduse/%s", name);
	for (i = 0; i < 50; i++) {
		devfd = open(path, O_RDWR);
		if (devfd >= 0)
			break;
		usleep(100000);
	}
	if (devfd < 0) {
		perror(path);
		return 1;
	}
	for (i = 0; i < nvq; i++) {
		struct vduse_vq_config vc = { .index = i, .max_size = VQ_SIZE };

		vqs[i].kickfd = -1;
		/* Refused once the driver runs: a reconnection keeps them. */
		if (ioctl(devfd, VDUSE_VQ_SETUP, &vc) && !reconnected) {
			perror("vduse_net: VDUSE_VQ_SETUP");
			return 1;
		}
	}
	if (want_state && ctrl) {
		evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (evfd < 0 || ioctl(devfd, VDUSE_NET_SETUP_EVENTFD, &evfd)) {
			perror("vduse_net: VDUSE_NET_SETUP_EVENTFD");
			close(evfd);
			evfd = -1;
		}
	}
	return 0;
}

static int parse_mac(const char *s, uint8_t *m)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2],
		      &m[3], &m[4], &m[5]) == 6 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static char default_state[300];
	struct pollfd pfd[MAX_VQS + 2];
	unsigned int i, n;
	int opt, ret;

	while ((opt = getopt(argc, argv, "q:m:s:a:xcnH:B:")) != -1) {
		switch (opt) {
		case 'q': pairs = atoi(optarg); break;
		case 'm': if (parse_mac(optarg, cfg_mac)) return 1; break;
		case 's': state_path = optarg; break;
		case 'a': api = atoi(optarg); break;
		case 'x': want_state = 0; break;
		case 'c': ctrl = 0; break;
		case 'n': announce = 0; break;
		case 'H': hostile = optarg; break;
		case 'B': bad = optarg; break;
		default: return 1;
		}
	}
	if (optind != argc - 1 || pairs < 1 || pairs > MAX_PAIRS ||
	    (!ctrl && pairs > 1)) {
		fprintf(stderr, "usage: vduse_net [-q PAIRS] [-m MAC] [-s FILE] [-a API] [-x] [-c] [-n] [-H MODE] NAME\n");
		return 1;
	}
	name = argv[optind];
	if (!state_path) {
		snprintf(default_state, sizeof(default_state), "/run/vduse_net.%s", name);
		state_path = default_state;
	}
	nvq = 2 * pairs + (ctrl ? 1 : 0);
	signal(SIGPIPE, SIG_IGN);
	ret = create();
	if (ret || *bad)
		return ret;
	if (open_dev())
		return 1;
	if (!strcmp(hostile, "badread")) {
		errno = 0;
		printf("vduse_net: badread: state into NULL: %s\n",
		       ioctl(devfd, VDUSE_NET_GET_STATE, NULL) ? strerror(errno) : "accepted");
		printf("vduse_net: badread: state into 0x8: %s\n",
		       ioctl(devfd, VDUSE_NET_GET_STATE, (void *)8) ? strerror(errno) : "accepted");
		printf("vduse_net: badread: eventfd 999: %s\n",
		       ioctl(devfd, VDUSE_NET_SETUP_EVENTFD, &(int){ 999 }) ? strerror(errno) : "accepted");
	}
	/*
	 * A restarted daemon: the driver may be running already, and no
	 * SET_STATUS comes.  The state says (features are set from
	 * FEATURES_OK on); the rings start from the indexes the kernel
	 * last saw set, which is all a daemon without a log can do.
	 */
	if (reconnected && evfd >= 0) {
		read_state();
		if (st.features) {
			status = VIRTIO_CONFIG_S_DRIVER_OK;
			device_start();
		}
	}
	printf("vduse_net: %s ready (%u queue pairs, %u vqs, state %s)\n", name,
	       pairs, nvq, want_state && ctrl ? "read from the kernel" : "not read");
	fflush(stdout);
	write_state();
	for (;;) {
		n = 0;
		pfd[n].fd = devfd;
		pfd[n++].events = POLLIN;
		if (evfd >= 0) {
			pfd[n].fd = evfd;
			pfd[n++].events = POLLIN;
		}
		for (i = 0; i < 2 * pairs; i++) {
			if (vqs[i].ready && i % 2) {
				pfd[n].fd = vqs[i].kickfd;
				pfd[n++].events = POLLIN;
			}
		}
		/* Receive buffers come without a kick we wait for: poll. */
		if (poll(pfd, n, 100) < 0 && errno != EINTR)
			return 1;
		if (pfd[0].revents & POLLIN)
			handle_msg();
		if (evfd >= 0 && (pfd[1].revents & POLLIN))
			read_state();
		for (i = 0; i < n; i++) {
			uint64_t v;

			if (i >= (evfd >= 0 ? 2U : 1U) && (pfd[i].revents & POLLIN))
				if (read(pfd[i].fd, &v, sizeof(v)) < 0)
					continue;
		}
		if (status & VIRTIO_CONFIG_S_DRIVER_OK) {
			unsigned long before = 0, after = 0;

			late_start();
			for (i = 0; i < pairs; i++)
				before += tx_frames[i];
			for (i = 0; i < pairs; i++)
				run_pair(i);
			for (i = 0; i < pairs; i++)
				after += tx_frames[i];
			if (after != before)
				write_state();
		}
	}
}
