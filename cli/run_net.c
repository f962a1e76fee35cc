/* aula run's network options and the NIC's back end they build. */
#include "cli/run_net.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"

/* "02:00:00:00:00:2a", or a number n for 02:00:n (the low 32 bits in the
 * last four bytes, most significant first).  0, or -1 if malformed. */
static int run_net_parse_mac(const char *s, uint8_t mac[6])
{
	if (strchr(s, ':')) {
		for (int i = 0; i < 6; i++) {
			if (!isxdigit((unsigned char)s[0]) ||
			    !isxdigit((unsigned char)s[1]) ||
			    s[2] != (i == 5 ? 0 : ':'))
				return -1;
			mac[i] = (uint8_t)strtoul((char[]){ s[0], s[1], 0 },
						  NULL, 16);
			s += 3;
		}
		return 0;
	}
	uint64_t n;
	if (!cmd_parse_u64(s, &n) || n > UINT32_MAX)
		return -1;
	mac[0] = 0x02;		/* locally administered, unicast */
	mac[1] = 0;
	for (int i = 0; i < 4; i++)
		mac[2 + i] = (uint8_t)(n >> (24 - 8 * i));
	return 0;
}

int run_net_opt_mac(struct run_net_opts *o, const char *arg)
{
	static const uint8_t zero[6];
	if (run_net_parse_mac(arg, o->mac)) {
		cmd_error("--mac: '%s' is not a MAC address (such as "
			  "02:00:00:00:00:02) or a number (2 for that one)",
			  arg);
		return -1;
	}
	if (o->mac[0] & 1) {
		cmd_error("--mac: %s is a group (multicast) address; a card's "
			  "own address has bit 0 of its first byte clear", arg);
		return -1;
	}
	if (!memcmp(o->mac, zero, 6)) {
		cmd_error("--mac: the all-zero address is not a card's "
			  "address; try 02:00:00:00:00:02");
		return -1;
	}
	o->have_mac = 1;
	return 0;
}

int run_net_opt_pcap(struct run_net_opts *o, const char *file)
{
	if (o->pcap) {
		cmd_error("--pcap %s: the capture already goes to %s (one "
			  "file)", file, o->pcap);
		return -1;
	}
	if (!*file) {
		cmd_error("--pcap: which file?");
		return -1;
	}
	o->pcap = file;
	return 0;
}

int run_net_opt_nic(struct run_net_opts *o, const char *arg)
{
	if (!strcmp(arg, "none")) {
		o->none = 1;
		return 0;
	}
	if (!strncmp(arg, "pcap=", 5))
		return run_net_opt_pcap(o, arg + 5);
	if (!strncmp(arg, "hub=", 4)) {
		if (o->hub) {
			cmd_error("--nic %s: the card is already on hub=%s "
				  "(one hub)", arg, o->hub);
			return -1;
		}
		if (!arg[4]) {
			cmd_error("--nic hub=: which socket path?");
			return -1;
		}
		o->hub = arg + 4;
		return 0;
	}
	cmd_error("--nic: '%s' is not none, hub=PATH or pcap=FILE", arg);
	return -1;
}

int run_net_opt_check(const struct run_net_opts *o)
{
	if (o->none && (o->hub || o->pcap)) {
		cmd_error("--nic none unplugs the cable: it cannot go with "
			  "%s", o->hub ? "a hub" : "a capture");
		return -1;
	}
	return 0;
}

/* ---- the back end ------------------------------------------------------ */

/* The hub client's socket, for the signal handler to remove. */
static char net_sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

static void net_on_signal(int sig)
{
	unlink(net_sock_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A run stopped by ^C or kill still removes its socket from the hub's
 * directory (signals the shell made us ignore stay ignored). */
static void net_catch_signals(const char *path)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	strcpy(net_sock_path, path);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		struct sigaction old, sa = { .sa_handler = net_on_signal };
		sigemptyset(&sa.sa_mask);
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
}

int run_net_open(struct run_net_host *n, const struct run_net_opts *o,
	     struct vm_config *cfg)
{
	struct vm_nic_host wire = { 0 };
	char err[512];
	memset(n, 0, sizeof *n);
	n->hub.fd = -1;
	if (o->have_mac)
		memcpy(cfg->mac, o->mac, 6);
	if (o->hub) {
		char own[sizeof n->hub.path];
		snprintf(own, sizeof own, "%s.%ld", o->hub, (long)getpid());
		/* Before joining: once the hub knows us, a signal must find
		 * the socket's remover in place. */
		net_catch_signals(own);
		if (hub_client_open(&n->hub, o->hub, own, err, sizeof err)) {
			cmd_error("--nic %s", err);
			return -1;
		}
		n->have_hub = 1;
		hub_client_host(&n->hub, &wire);
	}
	if (o->pcap) {
		n->pcap_name = o->pcap;
		if (!(n->pcap = fopen(o->pcap, "wb")) ||
		    setvbuf(n->pcap, NULL, _IONBF, 0) != 0) {
			cmd_error("--pcap %s: %m", o->pcap);
			run_net_close(n);
			return -1;
		}
		/* A header that cannot be written is a host error at the
		 * end (run_net_flush), like any later record. */
		pcap_tap_init(&n->tap, n->pcap, &wire, &wire);
	}
	cfg->nic = wire;
	return 0;
}

int run_net_flush(struct run_net_host *n)
{
	if (!n->pcap)
		return 0;
	return fflush(n->pcap) != 0 || ferror(n->pcap) || n->tap.error ? -1
									: 0;
}

void run_net_close(struct run_net_host *n)
{
	if (n->pcap)
		fclose(n->pcap);
	n->pcap = NULL;
	if (n->have_hub)
		hub_client_close(&n->hub);
	n->have_hub = 0;
}
