/*
 * A switch inside the process, for a lab of machines (lab/, aula-lab(5)).
 *
 * Each port is one machine's network card (or the uplink to an `aula
 * hub` socket).  Frames pass in memory: a frame a card sends at virtual
 * time t reaches the cards it is forwarded to at t + latency ticks, so
 * every run of a lab sees the same frames at the same instants.  A lab
 * runs its machines in windows of at most `latency` ticks; a frame sent
 * in one window arrives in a later one, whatever order the machines of a
 * window ran in.
 *
 * Forwarding, per VLAN (802.1q):
 *
 *   ingress  an access port takes untagged frames into its VLAN and drops
 *            tagged ones; a trunk port takes tagged frames of its VLANs
 *            and drops untagged ones and other VLANs'
 *   learn    the source address is learned on the ingress port, in that
 *            VLAN (SWITCH_MAX_MACS entries; the oldest is forgotten)
 *   forward  a known unicast destination goes to its port (nowhere if it
 *            is the ingress port); broadcast, multicast and unknown
 *            destinations are flooded to every other port of the VLAN
 *   egress   untagged on an access port, with the VLAN's tag on a trunk
 *            port (a frame that then exceeds 1514 bytes is dropped)
 *
 * The capture (pcap, as net/pcap.h) records every frame once, as it
 * enters the switch, tagged with its VLAN as a trunk port would carry
 * it, at its virtual time of entry.
 *
 * Frames from the uplink enter at the start of the window in which they
 * are found: the uplink is the one part of a lab that is not
 * deterministic.
 */
#ifndef AULA_SWITCH_H
#define AULA_SWITCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/vm.h"
#include "net/hub.h"

#define SWITCH_MAX_PORTS 64
#define SWITCH_MAX_MACS 256
#define SWITCH_MAX_VLANS 8	/* VLANs a trunk port carries */
#define SWITCH_QUEUE 64		/* frames in flight to one port */
#define SWITCH_VID_MAX 4094
#define SWITCH_TPID 0x8100u
#define SWITCH_DEFAULT_LATENCY 1000	/* ticks: 10 us */

struct switch_port_cfg {
	const char *name;	/* the machine's name, or "uplink" */
	uint16_t vlan;		/* access VLAN (1 by default); 0: trunk */
	uint16_t trunk[SWITCH_MAX_VLANS];	/* a trunk's VLANs */
	unsigned ntrunk;
};

struct switch_port_stats {
	uint64_t rx_frames, tx_frames;	/* into / out of the switch */
	uint64_t rx_bytes, tx_bytes;
	uint64_t dropped;	/* refused at ingress, or the queue was full */
};

struct switch_mac {
	uint8_t mac[6];
	uint16_t vlan;
	uint16_t port;
};

struct lan_switch;

/* A switch; NULL when out of host memory.  capture may be NULL. */
struct lan_switch *switch_create(const char *name, uint64_t latency,
				 FILE *capture);
void switch_destroy(struct lan_switch *s);
/* Add a port: its number, or -1 if the switch is full. */
int switch_add_port(struct lan_switch *s, const struct switch_port_cfg *cfg);
/* The back end of the card on port p (io/nic.c calls it). */
void switch_port_host(struct lan_switch *s, int p, struct vm_nic_host *h);
/* Port p leads to an `aula hub` client (opened by the caller, which keeps
 * it): frames forwarded to p go out on it, and switch_poll_uplink takes
 * what comes in. */
void switch_set_uplink(struct lan_switch *s, int p, struct hub_client *c);
/* Take every frame waiting on the uplink into the switch at time now. */
void switch_poll_uplink(struct lan_switch *s, uint64_t now);

/* For reports and the monitor. */
const char *switch_name(const struct lan_switch *s);
uint64_t switch_latency(const struct lan_switch *s);
int switch_nports(const struct lan_switch *s);
const struct switch_port_cfg *switch_port_cfg(const struct lan_switch *s,
					      int p);
const struct switch_port_stats *switch_port_stats(const struct lan_switch *s,
						  int p);
/* The learning table, oldest first. */
int switch_nmacs(const struct lan_switch *s);
const struct switch_mac *switch_mac_at(const struct lan_switch *s, int i);
/* The switch's state as data, for a snapshot of a whole lab: its
 * learning table, the frames in flight and the counters (its ports and
 * capture are the lab file's).  NULL when out of host memory.
 * switch_restore puts them back in the switch they were taken from. */
struct switch_snap;
struct switch_snap *switch_save(const struct lan_switch *s);
void switch_restore(struct lan_switch *s, const struct switch_snap *snap);
void switch_snap_free(struct switch_snap *snap);

/* Frames flooded, and frames the capture could not write (an error). */
uint64_t switch_flooded(const struct lan_switch *s);
bool switch_capture_failed(const struct lan_switch *s);

#endif
