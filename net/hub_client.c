/* A client of aula hub: the NIC's back end on the virtual LAN (hub.h). */
#define _GNU_SOURCE		/* ppoll */
#include "net/hub.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "io/ports.h"

/* While the hub is gone, look for a new one every this many polls. */
#define HUB_RECONNECT_POLLS 64
/* How long hub_client_open waits for the hub's answer to its join. */
#define HUB_ANSWER_MS 5000

static int set_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof a->sun_path)
		return -1;
	strcpy(a->sun_path, path);
	return 0;
}

/* Connect to the hub and say hello: it floods to us from now on. */
static int join(struct hub_client *c)
{
	struct sockaddr_un a;
	set_addr(&a, c->hub);
	c->link = connect(c->fd, (struct sockaddr *)&a, sizeof a) == 0 &&
		  send(c->fd, "", 0, MSG_DONTWAIT) == 0;
	c->polls = 0;
	return c->link ? 0 : -1;
}

int hub_client_open(struct hub_client *c, const char *hub_path,
		    const char *own_path, char *err, size_t errlen)
{
	struct sockaddr_un a;
	memset(c, 0, sizeof *c);
	c->fd = -1;
	if (strlen(hub_path) > HUB_PATH_MAX) {
		snprintf(err, errlen, "hub=%s: the path is too long (at most "
			 "%zu bytes; use a shorter one)", hub_path,
			 (size_t)HUB_PATH_MAX);
		return -1;
	}
	if (set_addr(&a, own_path)) {
		snprintf(err, errlen, "%s: the path is too long", own_path);
		return -1;
	}
	strcpy(c->hub, hub_path);
	strcpy(c->path, own_path);
	c->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		snprintf(err, errlen, "cannot make a socket: %s",
			 strerror(errno));
		return -1;
	}
	/* A socket left by a process that died with our pid. */
	unlink(own_path);
	if (bind(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
		snprintf(err, errlen, "cannot bind %s: %s", own_path,
			 strerror(errno));
		close(c->fd);
		c->fd = -1;
		c->path[0] = 0;
		return -1;
	}
	if (join(c) != 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			snprintf(err, errlen, "hub=%s: the hub is there but its "
				 "queue is full (it is busy or stuck); try again",
				 hub_path);
		else
			snprintf(err, errlen, "hub=%s: no hub answers there "
				 "(%s); start one with 'aula hub %s'", hub_path,
				 strerror(errno), hub_path);
		hub_client_close(c);
		return -1;
	}
	/* The hub answers a join: "ok", or "full N". */
	char ans[HUB_ANSWER_MAX + 1];
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	ssize_t n = -1;
	if (poll(&p, 1, HUB_ANSWER_MS) > 0)
		n = recv(c->fd, ans, sizeof ans - 1, MSG_DONTWAIT);
	if (n >= 0)
		ans[n] = 0;
	if (n >= 0 && !strncmp(ans, "full", 4)) {
		snprintf(err, errlen, "hub=%s: the hub is full (%s clients); "
			 "'aula hub --max-clients N' takes more", hub_path,
			 ans[4] ? ans + 5 : "all its");
		hub_client_close(c);
		return -1;
	}
	if (n < 0 || strcmp(ans, "ok")) {
		snprintf(err, errlen, "hub=%s: the hub did not answer within "
			 "%d s (is it stuck?)", hub_path, HUB_ANSWER_MS / 1000);
		hub_client_close(c);
		return -1;
	}
	return 0;
}

void hub_client_close(struct hub_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->path[0])
		unlink(c->path);
	c->fd = -1;
	c->path[0] = 0;
}

static int gone(int e)
{
	return e == ECONNREFUSED || e == ENOENT || e == ENOTCONN;
}

int hub_client_send(struct hub_client *c, const uint8_t *frame,
		    uint32_t len)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (send(c->fd, frame, len, MSG_DONTWAIT) == (ssize_t)len) {
			c->link = 1;
			c->sent++;
			return 0;
		}
		/* The hub was restarted: join the new one and try again;
		 * any other failure (it is busy) loses the frame. */
		if (!gone(errno) || attempt || join(c) != 0)
			break;
	}
	if (gone(errno))
		c->link = 0;
	c->lost++;
	return -1;
}

uint32_t hub_client_recv(struct hub_client *c, uint8_t *buf, uint32_t cap,
			 uint64_t wait_ns)
{
	if (!c->link && ++c->polls % HUB_RECONNECT_POLLS == 0)
		join(c);
	if (wait_ns) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		struct timespec ts = {
			.tv_sec = (time_t)(wait_ns / 1000000000),
			.tv_nsec = (long)(wait_ns % 1000000000),
		};
		if (ppoll(&p, 1, &ts, NULL) <= 0)
			return 0;
	}
	/* MSG_TRUNC: the real length, even of a datagram longer than cap. */
	ssize_t n = recv(c->fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC);
	if (n >= HUB_MIN_FRAME)
		return (uint32_t)n;
	/* Shorter than a frame: the hub's answer to a join, or a probe. */
	if (n >= 4 && cap >= 4 && !memcmp(buf, "full", 4)) {
		c->link = 0;
		c->refused = 1;
	} else if (n == 2 && cap >= 2 && !memcmp(buf, "ok", 2)) {
		c->link = 1;
		c->refused = 0;
	}
	return 0;
}

/* ---- as the NIC's back end -------------------------------------------- */

static void host_send(void *opaque, const uint8_t *frame, uint32_t len,
		      uint64_t now)
{
	(void)now;
	hub_client_send(opaque, frame, len);
}

static uint32_t host_recv(void *opaque, uint8_t *buf, uint32_t cap,
			  uint64_t now, uint64_t wait_ticks)
{
	(void)now;
	return hub_client_recv(opaque, buf, cap,
			       wait_ticks * (1000000000u / TIMER_HZ));
}

static int host_link(void *opaque)
{
	return ((struct hub_client *)opaque)->link;
}

void hub_client_host(struct hub_client *c, struct vm_nic_host *h)
{
	*h = (struct vm_nic_host){ .opaque = c, .send = host_send,
				   .recv = host_recv, .link = host_link };
}
