// SPDX-License-Identifier: GPL-2.0
/*
 * vdpa_nl: the two vdpa netlink requests the guest's iproute2 (Debian 12's
 * 6.1) cannot send, "vdpa dev set ... mac" and "vdpa dev add ...
 * device_features", written out with the uapi headers of the kernel under
 * test.
 *
 *   vdpa_nl set DEV mac XX:XX:XX:XX:XX:XX
 *   vdpa_nl add MGMTDEV DEV features 0xHEX
 *
 * Exit status 0 when the kernel accepted the request; otherwise the
 * kernel's errno is printed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vdpa.h>

#define BUF_SIZE	4096

/* Newer uapi headers have it; Debian 12's (6.1) stop one command short. */
#ifndef VDPA_CMD_DEV_ATTR_SET
#define VDPA_CMD_DEV_ATTR_SET	(VDPA_CMD_DEV_VSTATS_GET + 1)
#endif

struct req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[BUF_SIZE];
};

static void put_attr(struct req *r, unsigned short type, const void *data,
		     size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void put_str(struct req *r, unsigned short type, const char *s)
{
	put_attr(r, type, s, strlen(s) + 1);
}

static void init_req(struct req *r, unsigned short family, unsigned char cmd)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = family;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	r->gh.cmd = cmd;
	r->gh.version = 1;
}

/* Send @r; fill @reply; return the kernel's error (0, or a negative errno). */
static int talk(int fd, struct req *r, char *reply, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nh;
	ssize_t n;

	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, reply, len, 0);
		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)reply; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
		}
	}
}

/* The id of the "vdpa" generic netlink family. */
static int vdpa_family(int fd)
{
	char reply[BUF_SIZE];
	struct nlmsghdr *nh = (struct nlmsghdr *)reply;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlattr *a;
	struct req r;
	ssize_t n;
	int left;

	init_req(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	r.nh.nlmsg_flags = NLM_F_REQUEST;
	put_str(&r, CTRL_ATTR_FAMILY_NAME, VDPA_GENL_NAME);
	if (sendto(fd, &r, r.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(nh, n) || nh->nlmsg_type == NLMSG_ERROR)
		return -ENOENT;
	a = (struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
	left = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= left) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((char *)a + NLA_HDRLEN);
		left -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return -ENOENT;
}

static int usage(void)
{
	fprintf(stderr, "usage: vdpa_nl set DEV mac XX:XX:XX:XX:XX:XX\n"
			"       vdpa_nl add MGMTDEV DEV features 0xHEX\n");
	return 2;
}

int main(int argc, char **argv)
{
	char reply[BUF_SIZE];
	unsigned int m[6];
	unsigned char mac[6];
	uint64_t features;
	int fd, family, err, i;
	struct req r;
	char *end;

	if (argc < 2)
		return usage();
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	family = vdpa_family(fd);
	if (family < 0) {
		fprintf(stderr, "vdpa_nl: no vdpa netlink family: %s\n",
			strerror(-family));
		return 1;
	}
	if (argc == 5 && !strcmp(argv[1], "set") && !strcmp(argv[3], "mac")) {
		if (sscanf(argv[4], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
			   &m[3], &m[4], &m[5]) != 6)
			return usage();
		for (i = 0; i < 6; i++)
			mac[i] = m[i];
		init_req(&r, family, VDPA_CMD_DEV_ATTR_SET);
		put_str(&r, VDPA_ATTR_DEV_NAME, argv[2]);
		put_attr(&r, VDPA_ATTR_DEV_NET_CFG_MACADDR, mac, sizeof(mac));
	} else if (argc == 6 && !strcmp(argv[1], "add") &&
		   !strcmp(argv[4], "features")) {
		errno = 0;
		features = strtoull(argv[5], &end, 0);
		if (errno || *end)
			return usage();
		init_req(&r, family, VDPA_CMD_DEV_NEW);
		put_str(&r, VDPA_ATTR_MGMTDEV_DEV_NAME, argv[2]);
		put_str(&r, VDPA_ATTR_DEV_NAME, argv[3]);
		put_attr(&r, VDPA_ATTR_DEV_FEATURES, &features, sizeof(features));
	} else {
		return usage();
	}
	err = talk(fd, &r, reply, sizeof(reply));
	if (err) {
		fprintf(stderr, "vdpa_nl: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
