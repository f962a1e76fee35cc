/* aula run's network: the options --nic, --pcap and --mac (aula(1)), and
 * the back end they build for the NIC (io/nic.c). */
#ifndef AULA_NET_H
#define AULA_NET_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/vm.h"
#include "tools/hub.h"
#include "tools/pcap.h"

struct net_opts {
	int none;		/* --nic none */
	const char *hub;	/* --nic hub=PATH */
	const char *pcap;	/* --nic pcap=FILE, --pcap FILE */
	int have_mac;
	uint8_t mac[6];		/* --mac */
};

/* Each takes one option's argument: 0, or -1 after printing why. */
int net_opt_nic(struct net_opts *o, const char *arg);
int net_opt_pcap(struct net_opts *o, const char *file);
int net_opt_mac(struct net_opts *o, const char *arg);
/* After all options: refuse combinations that make no sense. */
int net_opt_check(const struct net_opts *o);

/* "02:00:00:00:00:2a", or a number n for 02:00:n (the low 32 bits in the
 * last four bytes, most significant first).  0, or -1 if malformed. */
int net_parse_mac(const char *s, uint8_t mac[6]);

struct net_host {
	struct hub_client hub;
	int have_hub;
	struct pcap_tap tap;
	FILE *pcap;
	const char *pcap_name;
};

/* Open what the options ask for and fill cfg->nic and cfg->mac.  0, or -1
 * after printing why. */
int net_open(struct net_host *n, const struct net_opts *o,
	     struct vm_config *cfg);
/* Flush the capture: 0, or -1 if writing it failed. */
int net_flush(struct net_host *n);
/* Close everything and remove the hub client's socket. */
void net_close(struct net_host *n);

#endif
