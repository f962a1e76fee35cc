/*
 * aula hub PATH: the virtual LAN's learning switch (the protocol is in
 * net/hub.h).  One Unix datagram socket, one loop: take a datagram,
 * learn where its source address lives, forward it.  It stops on SIGINT
 * or SIGTERM and removes its socket.
 */
#define _GNU_SOURCE		/* ppoll */
#include "net/hub.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>


/* Datagrams taken per wake-up, so that a flood cannot hold off a signal. */
#define HUB_BURST 64

struct hub_port {
	struct sockaddr_un addr;	/* sun_path NUL-terminated here */
	socklen_t addrlen;
	unsigned id;		/* numbered from 1 in order of joining */
	int dead;		/* its socket is gone: drop it */
	unsigned full;		/* frames dropped in a row: its queue full */
};

struct hub_mac {
	uint8_t mac[6];
	unsigned port_id;
	uint64_t seen;		/* when learned: the oldest goes first */
};

struct hub {
	int fd, verbose;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct hub_port port[HUB_MAX_CLIENTS];
	int nports, max_ports;
	unsigned next_id;
	struct hub_mac mac[HUB_MAX_MACS];
	int nmacs;
	uint64_t clock;
	uint64_t frames, dropped;
};

static void say(const struct hub *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(const struct hub *h, const char *fmt, ...)
{
	va_list ap;
	if (!h->verbose)
		return;
	va_start(ap, fmt);
	fputs("hub: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

static const char *mac_str(const uint8_t *m, char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
	return buf;
}

static struct hub_port *find_port(struct hub *h, const struct sockaddr_un *a)
{
	for (int i = 0; i < h->nports; i++)
		if (!strcmp(h->port[i].addr.sun_path, a->sun_path))
			return &h->port[i];
	return NULL;
}

static void send_to(struct hub *h, struct hub_port *p, const uint8_t *buf,
		    size_t len);
static void drop_dead(struct hub *h);

/* An answer to a peer that is not (or no longer) a client. */
static void answer(struct hub *h, const struct sockaddr_un *a,
		   socklen_t len, const char *text)
{
	sendto(h->fd, text, strlen(text), MSG_DONTWAIT,
	       (const struct sockaddr *)a, len);
}

static struct hub_port *port_by_id(struct hub *h, unsigned id)
{
	for (int i = 0; i < h->nports; i++)
		if (h->port[i].id == id)
			return &h->port[i];
	return NULL;
}

static struct hub_port *add_port(struct hub *h, const struct sockaddr_un *a,
				 socklen_t len)
{
	if (h->nports == h->max_ports) {
		/* Clients that died without a word may hold the slots: an
		 * empty datagram finds them. */
		for (int i = 0; i < h->nports; i++)
			send_to(h, &h->port[i], (const uint8_t *)"", 0);
		drop_dead(h);
	}
	if (h->nports == h->max_ports) {
		char text[HUB_ANSWER_MAX + 1];
		say(h, "full (%d clients): refusing %s", h->max_ports,
		    a->sun_path);
		snprintf(text, sizeof text, "full %d", h->max_ports);
		answer(h, a, len, text);
		return NULL;
	}
	struct hub_port *p = &h->port[h->nports++];
	p->addr = *a;
	p->addrlen = len;
	p->id = ++h->next_id;
	p->dead = 0;
	p->full = 0;
	say(h, "client %u joined: %s", p->id, a->sun_path);
	answer(h, a, len, "ok");
	return p;
}

/* Forget the clients whose sockets are gone, and what was learned on
 * them. */
static void drop_dead(struct hub *h)
{
	int j = 0;
	for (int i = 0; i < h->nports; i++) {
		if (!h->port[i].dead) {
			h->port[j++] = h->port[i];
			continue;
		}
		unsigned id = h->port[i].id;
		int k = 0;
		for (int m = 0; m < h->nmacs; m++)
			if (h->mac[m].port_id != id)
				h->mac[k++] = h->mac[m];
		h->nmacs = k;
		if (h->port[i].dead > 1)
			say(h, "client %u dropped: it left its last %d frames "
			    "unread", id, HUB_STUCK_DROPS);
		else
			say(h, "client %u left", id);
	}
	h->nports = j;
}

static struct hub_mac *find_mac(struct hub *h, const uint8_t *mac)
{
	for (int i = 0; i < h->nmacs; i++)
		if (!memcmp(h->mac[i].mac, mac, 6))
			return &h->mac[i];
	return NULL;
}

static void learn(struct hub *h, const uint8_t *src, const struct hub_port *p)
{
	char s[18];
	if (src[0] & 1)
		return;		/* a group address is never a source */
	struct hub_mac *m = find_mac(h, src);
	if (m && m->port_id == p->id)
		return;
	if (m) {
		say(h, "client %u: %s moved here from client %u", p->id,
		    mac_str(src, s), m->port_id);
	} else {
		if (h->nmacs < HUB_MAX_MACS) {
			m = &h->mac[h->nmacs++];
		} else {
			m = &h->mac[0];
			for (int i = 1; i < h->nmacs; i++)
				if (h->mac[i].seen < m->seen)
					m = &h->mac[i];
		}
		memcpy(m->mac, src, 6);
		say(h, "client %u: learned %s", p->id, mac_str(src, s));
	}
	m->port_id = p->id;
	m->seen = ++h->clock;
}

static void send_to(struct hub *h, struct hub_port *p, const uint8_t *buf,
		    size_t len)
{
	if (sendto(h->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&p->addr,
		   p->addrlen) == (ssize_t)len) {
		p->full = 0;
		return;
	}
	if (errno == ECONNREFUSED || errno == ENOENT) {
		p->dead = 1;
	} else if (len) {
		h->dropped++;	/* its queue is full: as on a real wire */
		/* A client that never reads would hold its slot for ever. */
		if (++p->full >= HUB_STUCK_DROPS)
			p->dead = 2;
	}
}

static void forward(struct hub *h, struct hub_port *from, const uint8_t *buf,
		    size_t len)
{
	char s[18], d[18];
	const uint8_t *dst = buf, *src = buf + 6;
	learn(h, src, from);
	h->frames++;
	struct hub_mac *m = (dst[0] & 1) ? NULL : find_mac(h, dst);
	struct hub_port *to = m ? port_by_id(h, m->port_id) : NULL;
	mac_str(src, s);
	mac_str(dst, d);
	if (to == from) {
		say(h, "%s > %s, %zu bytes, from client %u: filtered (same "
		    "client)", s, d, len, from->id);
	} else if (to) {
		say(h, "%s > %s, %zu bytes, from client %u: to client %u", s,
		    d, len, from->id, to->id);
		send_to(h, to, buf, len);
	} else {
		say(h, "%s > %s, %zu bytes, from client %u: flooded to %d "
		    "client%s", s, d, len, from->id, h->nports - 1,
		    h->nports == 2 ? "" : "s");
		for (int i = 0; i < h->nports; i++)
			if (&h->port[i] != from)
				send_to(h, &h->port[i], buf, len);
	}
	drop_dead(h);
}

void hub_take(struct hub *h, const uint8_t *buf, size_t len,
	      const struct sockaddr_un *from, socklen_t alen)
{
	/* An unbound or abstract sender has no name to answer to. */
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (alen <= off || alen > sizeof *from || from->sun_family != AF_UNIX ||
	    !from->sun_path[0]) {
		say(h, "ignoring a datagram from an unnamed socket");
		return;
	}
	/* The kernel need not terminate a name that fills sun_path. */
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strnlen(from->sun_path, alen - off);
	if (n >= sizeof a.sun_path) {
		say(h, "ignoring a datagram from a socket whose name fills "
		    "sun_path");
		return;
	}
	memcpy(a.sun_path, from->sun_path, n);
	alen = (socklen_t)(off + n + 1);
	struct hub_port *p = find_port(h, &a);
	if (!p) {
		if (!(p = add_port(h, &a, alen)))
			return;
	} else if (len == 0) {
		answer(h, &a, alen, "ok");	/* a client joining again */
	}
	if (len == 0)
		return;		/* a join */
	if (len < HUB_MIN_FRAME || len > HUB_MAX_FRAME) {
		say(h, "client %u: dropped a datagram of %zu bytes (a frame "
		    "has %d to %d)", p->id, len, HUB_MIN_FRAME,
		    HUB_MAX_FRAME);
		h->dropped++;
		return;
	}
	forward(h, p, buf, len);
}

/* Refuse to take over a live hub's socket or any other file; remove a
 * socket a dead hub left behind. */
static int claim(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket; choose "
			 "another path", path);
		return -1;
	}
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int live = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (fd >= 0)
		close(fd);
	if (live) {
		snprintf(err, errlen, "a hub is already running at %s", path);
		return -1;
	}
	unlink(path);
	return 0;
}

int hub_serve(struct hub *h, const sigset_t *waitmask,
	      volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	static uint8_t buf[HUB_MAX_FRAME + 1];
	while (!*stop) {
		struct pollfd pfd = { .fd = h->fd, .events = POLLIN };
		/* Signals are let in only while waiting, so none is lost
		 * between the check of the stop flag and the wait. */
		if (ppoll(&pfd, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; i < HUB_BURST && !*stop; i++) {
			struct sockaddr_un a;
			socklen_t alen = sizeof a;
			memset(&a, 0, sizeof a);
			ssize_t n = recvfrom(h->fd, buf, sizeof buf,
					     MSG_DONTWAIT | MSG_TRUNC,
					     (struct sockaddr *)&a, &alen);
			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK ||
				    errno == EINTR)
					break;
				snprintf(err, errlen, "receive: %s",
					 strerror(errno));
				return -1;
			}
			hub_take(h, buf, (size_t)n, &a, alen);
		}
	}
	return 0;
}

struct hub *hub_create(int verbose, unsigned max_clients)
{
	struct hub *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->fd = -1;
	h->verbose = verbose;
	h->max_ports = max_clients && max_clients <= HUB_MAX_CLIENTS
		       ? (int)max_clients : HUB_DEFAULT_CLIENTS;
	return h;
}

int hub_clients(const struct hub *h)
{
	return h->nports;
}

struct hub *hub_open(const char *path, int verbose, unsigned max_clients,
		     char *err, size_t errlen)
{
	if (claim(path, err, errlen))
		return NULL;
	struct hub *h = hub_create(verbose, max_clients);
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	strcpy(a.sun_path, path);
	h->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0 || bind(h->fd, (struct sockaddr *)&a, sizeof a) != 0) {
		snprintf(err, errlen, "cannot bind %s: %s", path,
			 strerror(errno));
		if (h->fd >= 0)
			close(h->fd);
		free(h);
		return NULL;
	}
	snprintf(h->path, sizeof h->path, "%s", path);
	say(h, "listening on %s", path);
	return h;
}

void hub_close(struct hub *h)
{
	if (h->fd >= 0)
		close(h->fd);
	if (h->path[0])
		unlink(h->path);
	say(h, "stopped: %llu frames forwarded, %llu dropped",
	    (unsigned long long)h->frames, (unsigned long long)h->dropped);
	free(h);
}
