/*
 * net/ is the virtual LAN, outside any one machine: the switch (hub.c),
 * the client a machine's NIC uses to reach it (hub_client.c), and the
 * pcap capture of a card's frames (pcap.c).
 *
 * The virtual LAN: `aula hub PATH` (net/hub.c) is a learning switch on a
 * Unix datagram socket, and each `aula run --nic hub=PATH` is a client
 * (net/hub_client.c).  Nothing here reaches the host's network: only
 * AF_UNIX sockets, on the file system.
 *
 * The protocol is the datagrams themselves:
 *
 *   client                                   hub, bound at PATH
 *   bind PATH.PID, connect to PATH
 *   ""  (an empty datagram) --------------->  join: flood to it from now on
 *   <---------------------------------------  "ok", or "full N" (refused:
 *                                             N clients already)
 *   frame (14..1514 bytes) ----------------->  learn its source address on
 *                                             this client; forward it
 *   <---------------------------------------  frame, one per datagram
 *
 * A datagram from the hub shorter than a frame (14 bytes) is one of its
 * answers, never a frame; an empty one is a probe, and means nothing.
 *
 * A frame is an Ethernet frame without preamble and CRC: destination MAC,
 * source MAC, type, payload.  The hub forwards a frame whose destination it
 * has learned to that client only (or nowhere, if it is the sender's own),
 * and floods broadcast, multicast and unknown destinations to every other
 * client.  A client whose socket is gone is forgotten, with the addresses
 * learned on it, the next time the hub sends to it; so is one that has
 * not read its last HUB_STUCK_DROPS frames.  Neither side ever blocks on
 * the other: a datagram that does not fit is dropped, as on a real
 * Ethernet.
 *
 * The hub trusts no peer (docs/security.md, section 7), but it is a
 * learning switch without port security: any client may send from any
 * source address.
 */
#ifndef AULA_HUB_H
#define AULA_HUB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "cpu/vm.h"

#define HUB_MAX_CLIENTS 256	/* --max-clients at most */
#define HUB_DEFAULT_CLIENTS 32
#define HUB_STUCK_DROPS 64	/* frames a client may leave unread in a row */
#define HUB_ANSWER_MAX 13	/* an answer is shorter than a frame */
#define HUB_MAX_MACS 256	/* the oldest address is forgotten first */
#define HUB_MIN_FRAME 14
#define HUB_MAX_FRAME 1514
/* A client's socket is PATH.PID: room kept in sun_path for ".PID". */
#define HUB_SUFFIX_MAX 12
#define HUB_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1 - \
		      HUB_SUFFIX_MAX)

struct hub_client {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char hub[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int link;		/* the hub took our last datagram */
	int refused;		/* the hub answered "full" */
	unsigned polls;		/* polls since the link went down */
	uint64_t sent, lost;	/* frames sent; frames the hub refused */
};

/* Bind own_path, connect to the hub at hub_path and join.  0, or -1 with
 * a message for the user in err. */
int hub_client_open(struct hub_client *c, const char *hub_path,
		    const char *own_path, char *err, size_t errlen);
/* Close and remove the client's socket. */
void hub_client_close(struct hub_client *c);
/* Send one frame; 0, or -1 if it was lost (the link may then be down). */
int hub_client_send(struct hub_client *c, const uint8_t *frame,
		    uint32_t len);
/* The next frame, waiting up to wait_ns for one: its real length (at most
 * cap bytes of it copied), or 0. */
uint32_t hub_client_recv(struct hub_client *c, uint8_t *buf, uint32_t cap,
			 uint64_t wait_ns);
/* The client as the NIC's back end. */
void hub_client_host(struct hub_client *c, struct vm_nic_host *h);

/* The switch.  hub_open binds PATH (refusing a file that is not a
 * socket, or a live hub's socket): the hub, or NULL with a message for
 * the user in err. */
struct hub *hub_open(const char *path, int verbose, unsigned max_clients,
		     char *err, size_t errlen);
/* A hub on no socket (fd -1), for the fuzzer: it forwards nothing. */
struct hub *hub_create(int verbose, unsigned max_clients);
/* One datagram of len bytes from the peer at from (fromlen bytes, as
 * recvfrom gave them, the name not necessarily terminated). */
void hub_take(struct hub *h, const uint8_t *buf, size_t len,
	      const struct sockaddr_un *from, socklen_t fromlen);
/* Take and forward datagrams until *stop is set; signals are let in only
 * while waiting, through waitmask.  0, or -1 with the reason in err. */
int hub_serve(struct hub *h, const sigset_t *waitmask,
	      volatile sig_atomic_t *stop, char *err, size_t errlen);
/* Close and remove the socket; with verbose, say what was forwarded. */
void hub_close(struct hub *h);
/* The clients the hub holds now. */
int hub_clients(const struct hub *h);

#endif
