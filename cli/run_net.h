/* aula run's network: the options --nic, --pcap and --mac (aula(1)), and
 * the back end they build for the NIC (io/nic.c). */
#ifndef AULA_RUN_NET_H
#define AULA_RUN_NET_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/vm.h"
#include "net/hub.h"
#include "net/pcap.h"

struct run_net_opts {
	int none;		/* --nic none */
	const char *hub;	/* --nic hub=PATH */
	const char *pcap;	/* --nic pcap=FILE, --pcap FILE */
	int have_mac;
	uint8_t mac[6];		/* --mac */
};

/* Each takes one option's argument: 0, or -1 after printing why. */
int run_net_opt_nic(struct run_net_opts *o, const char *arg);
int run_net_opt_pcap(struct run_net_opts *o, const char *file);
int run_net_opt_mac(struct run_net_opts *o, const char *arg);
/* After all options: refuse combinations that make no sense. */
int run_net_opt_check(const struct run_net_opts *o);


struct run_net_host {
	struct hub_client hub;
	int have_hub;
	struct pcap_tap tap;
	FILE *pcap;
	const char *pcap_name;
};

/* Open what the options ask for and fill cfg->nic and cfg->mac.  0, or -1
 * after printing why. */
int run_net_open(struct run_net_host *n, const struct run_net_opts *o,
	     struct vm_config *cfg);
/* Flush the capture: 0, or -1 if writing it failed. */
int run_net_flush(struct run_net_host *n);
/* Close everything and remove the hub client's socket. */
void run_net_close(struct run_net_host *n);

#endif
