/*
 * A capture of the NIC's wire in a classic pcap file, which tcpdump -r and
 * Wireshark open.  The tap sits between the card and its back end: every
 * frame the card sends and every frame the back end delivers is written,
 * whether or not the card's filter then takes it.
 *
 * The file, all numbers little-endian:
 *
 *   header (24 bytes)   magic 0xa1b2c3d4, version 2.4, zone 0, sigfigs 0,
 *                       snaplen 65535, linktype 1 (Ethernet)
 *   per frame (16 + n)  seconds, microseconds, n = bytes kept, bytes on
 *                       the wire, then the n bytes
 *
 * Timestamps are virtual time since power-on at the nominal 100 MHz (so
 * 1970-01-01 plus the run's time): a run without a hub writes the same
 * file every time.
 */
#ifndef AULA_PCAP_H
#define AULA_PCAP_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/vm.h"

#define PCAP_MAGIC 0xa1b2c3d4u
#define PCAP_SNAPLEN 65535u
#define PCAP_LINKTYPE_ETHERNET 1u
#define PCAP_HEADER_SIZE 24
#define PCAP_RECORD_SIZE 16

struct pcap_tap {
	FILE *f;
	struct vm_nic_host inner;	/* the wire behind the tap, if any */
	uint64_t frames;		/* records written */
	int error;			/* a write to f failed */
	long good;			/* bytes of whole records in f */
};

/* Write the file header to f, and fill out with a back end that records
 * each frame and passes it on to inner (which may have no callbacks: a
 * capture of a cable that leads nowhere, with the link up).  0, or -1 if
 * the header could not be written.  Each record is written whole or not
 * at all: after a failed write (a full disk, ulimit -f) the file is cut
 * back to its last whole record and the tap records nothing more, so the
 * capture stays valid.  f should be unbuffered (setvbuf _IONBF), so that
 * a write fails at the record that does not fit. */
int pcap_tap_init(struct pcap_tap *t, FILE *f, const struct vm_nic_host *inner,
		  struct vm_nic_host *out);

#endif
