/*
 * aula hub PATH [-v]: run the virtual LAN's learning switch (net/hub.c)
 * until SIGINT or SIGTERM.
 */
#define _GNU_SOURCE		/* ppoll's sigset in net/hub.h */
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "net/hub.h"
#include "state/dump.h"

/* Set by the signal handler; the hub checks it with signals blocked. */
static volatile sig_atomic_t hub_stop;

static void on_signal(int sig)
{
	(void)sig;
	hub_stop = 1;
}

static void hub_usage(FILE *f)
{
	fprintf(f,
"usage: aula hub PATH [options]\n"
"  -v, --verbose          print clients, learned addresses and each frame\n"
"      --max-clients N    refuse the client after N (default %d, at most %d)\n"
"  -h, --help             this summary\n"
"A learning switch for aula run --nic hub=PATH, on a Unix datagram socket\n"
"at PATH; it stops on SIGINT or SIGTERM and removes the socket.\n",
		HUB_DEFAULT_CLIENTS, HUB_MAX_CLIENTS);
}

int cmd_hub(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, 0, 'v' },
		{ "max-clients", required_argument, 0, 'm' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	int c, verbose = 0;
	uint64_t max_clients = HUB_DEFAULT_CLIENTS;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': verbose = 1; break;
		case 'm':
			if (!cmd_parse_u64(optarg, &max_clients) ||
			    max_clients == 0 || max_clients > HUB_MAX_CLIENTS) {
				cmd_error("hub: --max-clients %s: from 1 to %d",
					  optarg, HUB_MAX_CLIENTS);
				return DUMP_EXIT_USAGE;
			}
			break;
		case 'h': hub_usage(stdout); return 0;
		default: hub_usage(stderr); return DUMP_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cmd_error(optind == argc ? "hub: which socket path?"
					 : "hub: one socket path");
		hub_usage(stderr);
		return DUMP_EXIT_USAGE;
	}
	const char *path = argv[optind];
	if (!*path || strlen(path) > HUB_PATH_MAX) {
		cmd_error("hub: the socket path must have 1 to %zu bytes, "
			  "leaving room for the clients' names",
			  (size_t)HUB_PATH_MAX);
		return DUMP_EXIT_USAGE;
	}

	/* Line by line, so that a log file follows the hub as it goes. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	char err[256];
	struct hub *h = hub_open(path, verbose, (unsigned)max_clients, err,
				 sizeof err);
	if (!h) {
		cmd_error("hub: %s", err);
		return DUMP_EXIT_USAGE;
	}

	sigset_t block, waitmask;
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	hub_stop = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	int status = 0;
	if (hub_serve(h, &waitmask, &hub_stop, err, sizeof err)) {
		cmd_error("hub: %s", err);
		status = 1;
	}
	hub_close(h);
	return status;
}
