/* The in-process switch of a lab: VLANs, learning, flooding, latency. */
#include "net/switch.h"

#include <stdlib.h>
#include <string.h>

#include "net/pcap.h"

#define ETH_ADDRS 12		/* destination and source */
#define VLAN_TAG 4
#define MAX_TAGGED (HUB_MAX_FRAME + VLAN_TAG)

/* A frame on its way to one port, kept as the switch sees it: untagged,
 * with its VLAN beside it. */
struct in_flight {
	uint64_t at;		/* virtual time it reaches the port */
	uint64_t seq;		/* ties: the order the switch took them */
	uint16_t vlan;
	uint32_t len;
	uint8_t data[HUB_MAX_FRAME];
};

struct port {
	struct lan_switch *sw;
	struct switch_port_cfg cfg;
	char name[64];
	struct switch_port_stats st;
	struct hub_client *uplink;	/* NULL: a machine's card */
	struct in_flight q[SWITCH_QUEUE];	/* unordered; n used */
	unsigned n;
};

struct lan_switch {
	char name[64];
	uint64_t latency, seq, flooded;
	struct port *port[SWITCH_MAX_PORTS];
	int nports;
	struct switch_mac macs[SWITCH_MAX_MACS];	/* oldest first */
	int nmacs;
	FILE *capture;
	struct pcap_tap tap;
	struct vm_nic_host cap;	/* the tap's recording side */
};

struct lan_switch *switch_create(const char *name, uint64_t latency,
				 FILE *capture)
{
	struct lan_switch *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	snprintf(s->name, sizeof s->name, "%s", name);
	s->latency = latency ? latency : 1;
	if (capture) {
		static const struct vm_nic_host nowhere;
		s->capture = capture;
		pcap_tap_init(&s->tap, capture, &nowhere, &s->cap);
	}
	return s;
}

void switch_destroy(struct lan_switch *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nports; i++)
		free(s->port[i]);
	free(s);
}

static bool carries(const struct port *p, uint16_t vlan)
{
	if (p->cfg.vlan)
		return p->cfg.vlan == vlan;
	for (unsigned i = 0; i < p->cfg.ntrunk; i++)
		if (p->cfg.trunk[i] == vlan)
			return true;
	return false;
}

int switch_add_port(struct lan_switch *s, const struct switch_port_cfg *cfg)
{
	if (s->nports == SWITCH_MAX_PORTS)
		return -1;
	struct port *p = calloc(1, sizeof *p);
	if (!p)
		return -1;
	p->sw = s;
	p->cfg = *cfg;
	snprintf(p->name, sizeof p->name, "%s", cfg->name);
	p->cfg.name = p->name;
	s->port[s->nports] = p;
	return s->nports++;
}

/* ---- learning -------------------------------------------------------- */

static int lookup(const struct lan_switch *s, const uint8_t *mac,
		  uint16_t vlan)
{
	for (int i = 0; i < s->nmacs; i++)
		if (s->macs[i].vlan == vlan && !memcmp(s->macs[i].mac, mac, 6))
			return i;
	return -1;
}

static void learn(struct lan_switch *s, const uint8_t *mac, uint16_t vlan,
		  int port)
{
	if (mac[0] & 1)
		return;		/* a group address is never a source */
	int i = lookup(s, mac, vlan);
	if (i >= 0 && s->macs[i].port == port)
		return;
	if (i < 0 && s->nmacs == SWITCH_MAX_MACS)
		i = 0;		/* forget the oldest */
	if (i >= 0) {
		memmove(&s->macs[i], &s->macs[i + 1],
			(size_t)(s->nmacs - i - 1) * sizeof *s->macs);
		s->nmacs--;
	}
	struct switch_mac *m = &s->macs[s->nmacs++];
	memcpy(m->mac, mac, 6);
	m->vlan = vlan;
	m->port = (uint16_t)port;
}

/* ---- forwarding ------------------------------------------------------ */

/* Write frame (untagged) with its VLAN's tag into out: the tagged
 * length. */
static uint32_t tag(const uint8_t *frame, uint32_t len, uint16_t vlan,
		    uint8_t *out)
{
	memcpy(out, frame, ETH_ADDRS);
	out[12] = SWITCH_TPID >> 8;
	out[13] = SWITCH_TPID & 0xff;
	out[14] = (uint8_t)(vlan >> 8);
	out[15] = (uint8_t)vlan;
	memcpy(out + 16, frame + ETH_ADDRS, len - ETH_ADDRS);
	return len + VLAN_TAG;
}

static void deliver(struct port *p, const uint8_t *frame, uint32_t len,
		    uint16_t vlan, uint64_t at)
{
	struct lan_switch *s = p->sw;
	if (p->uplink) {
		/* The hub's clients speak untagged Ethernet. */
		p->st.tx_frames++;
		p->st.tx_bytes += len;
		if (hub_client_send(p->uplink, frame, len))
			p->st.dropped++;
		return;
	}
	if (p->n == SWITCH_QUEUE || (!p->cfg.vlan && len + VLAN_TAG >
				     HUB_MAX_FRAME)) {
		p->st.dropped++;
		return;
	}
	struct in_flight *f = &p->q[p->n++];
	f->at = at;
	f->seq = s->seq++;
	f->vlan = vlan;
	f->len = len;
	memcpy(f->data, frame, len);
}

/* A frame enters on port in at time now: learn, then forward. */
static void ingress(struct lan_switch *s, int in, const uint8_t *frame,
		    uint32_t len, uint64_t now)
{
	struct port *p = s->port[in];
	uint8_t plain[HUB_MAX_FRAME], tagged[MAX_TAGGED];
	uint16_t vlan;
	bool is_tagged = len >= ETH_ADDRS + VLAN_TAG + 2 &&
			 (frame[12] << 8 | frame[13]) == SWITCH_TPID;

	p->st.rx_frames++;
	p->st.rx_bytes += len;
	if (len < HUB_MIN_FRAME || len > MAX_TAGGED) {
		p->st.dropped++;
		return;
	}
	if (p->cfg.vlan) {
		if (is_tagged) {
			p->st.dropped++;
			return;
		}
		vlan = p->cfg.vlan;
		memcpy(plain, frame, len);
	} else {
		if (!is_tagged) {
			p->st.dropped++;
			return;
		}
		vlan = (uint16_t)((frame[14] << 8 | frame[15]) & 0x0fff);
		if (!carries(p, vlan)) {
			p->st.dropped++;
			return;
		}
		memcpy(plain, frame, ETH_ADDRS);
		memcpy(plain + ETH_ADDRS, frame + 16, len - 16);
		len -= VLAN_TAG;
	}
	if (len > HUB_MAX_FRAME) {
		p->st.dropped++;
		return;
	}
	if (s->capture)
		s->cap.send(s->cap.opaque, tagged,
			    tag(plain, len, vlan, tagged), now);
	learn(s, plain + 6, vlan, in);
	uint64_t at = now + s->latency;
	int known = plain[0] & 1 ? -1 : lookup(s, plain, vlan);
	if (known >= 0) {
		int out = s->macs[known].port;
		if (out != in)
			deliver(s->port[out], plain, len, vlan, at);
		return;
	}
	s->flooded++;
	for (int i = 0; i < s->nports; i++)
		if (i != in && carries(s->port[i], vlan))
			deliver(s->port[i], plain, len, vlan, at);
}

/* ---- the card's back end --------------------------------------------- */

static int port_index(const struct port *p)
{
	for (int i = 0; i < p->sw->nports; i++)
		if (p->sw->port[i] == p)
			return i;
	return -1;
}

static void port_send(void *opaque, const uint8_t *frame, uint32_t len,
		      uint64_t now)
{
	struct port *p = opaque;
	ingress(p->sw, port_index(p), frame, len, now);
}

static uint32_t port_recv(void *opaque, uint8_t *buf, uint32_t cap,
			  uint64_t now, uint64_t wait_ticks)
{
	struct port *p = opaque;
	(void)wait_ticks;	/* the lab's clock never waits for the host */
	int first = -1;
	for (unsigned i = 0; i < p->n; i++)
		if (p->q[i].at <= now &&
		    (first < 0 || p->q[i].at < p->q[first].at ||
		     (p->q[i].at == p->q[first].at &&
		      p->q[i].seq < p->q[first].seq)))
			first = (int)i;
	if (first < 0)
		return 0;
	struct in_flight *f = &p->q[first];
	uint8_t tagged[MAX_TAGGED];
	const uint8_t *out = f->data;
	uint32_t len = f->len;
	if (!p->cfg.vlan) {
		len = tag(f->data, f->len, f->vlan, tagged);
		out = tagged;
	}
	memcpy(buf, out, len < cap ? len : cap);
	p->st.tx_frames++;
	p->st.tx_bytes += len;
	p->q[first] = p->q[--p->n];
	return len;
}

void switch_port_host(struct lan_switch *s, int p, struct vm_nic_host *h)
{
	*h = (struct vm_nic_host){
		.opaque = s->port[p], .send = port_send, .recv = port_recv,
	};
}

void switch_set_uplink(struct lan_switch *s, int p, struct hub_client *c)
{
	s->port[p]->uplink = c;
}

void switch_poll_uplink(struct lan_switch *s, uint64_t now)
{
	uint8_t buf[MAX_TAGGED];
	for (int i = 0; i < s->nports; i++) {
		struct hub_client *c = s->port[i]->uplink;
		if (!c)
			continue;
		uint32_t len;
		while ((len = hub_client_recv(c, buf, sizeof buf, 0)) != 0)
			ingress(s, i, buf, len < sizeof buf ? len : 0, now);
	}
}

/* ---- reading it ------------------------------------------------------ */

const char *switch_name(const struct lan_switch *s) { return s->name; }
uint64_t switch_latency(const struct lan_switch *s) { return s->latency; }
int switch_nports(const struct lan_switch *s) { return s->nports; }
int switch_nmacs(const struct lan_switch *s) { return s->nmacs; }
uint64_t switch_flooded(const struct lan_switch *s) { return s->flooded; }

const struct switch_port_cfg *switch_port_cfg(const struct lan_switch *s,
					      int p)
{
	return &s->port[p]->cfg;
}

const struct switch_port_stats *switch_port_stats(const struct lan_switch *s,
						  int p)
{
	return &s->port[p]->st;
}

const struct switch_mac *switch_mac_at(const struct lan_switch *s, int i)
{
	return &s->macs[i];
}

bool switch_capture_failed(const struct lan_switch *s)
{
	return s->capture && (s->tap.error || ferror(s->capture));
}

/* ---- snapshots ------------------------------------------------------- */

struct switch_snap {
	uint64_t seq, flooded;
	struct switch_mac macs[SWITCH_MAX_MACS];
	int nmacs, nports;
	struct {
		struct switch_port_stats st;
		unsigned n;
		struct in_flight *q;	/* n frames */
	} port[SWITCH_MAX_PORTS];
};

void switch_snap_free(struct switch_snap *snap)
{
	if (!snap)
		return;
	for (int i = 0; i < snap->nports; i++)
		free(snap->port[i].q);
	free(snap);
}

struct switch_snap *switch_save(const struct lan_switch *s)
{
	struct switch_snap *snap = calloc(1, sizeof *snap);
	if (!snap)
		return NULL;
	snap->seq = s->seq;
	snap->flooded = s->flooded;
	memcpy(snap->macs, s->macs, sizeof snap->macs);
	snap->nmacs = s->nmacs;
	snap->nports = s->nports;
	for (int i = 0; i < s->nports; i++) {
		const struct port *p = s->port[i];
		snap->port[i].st = p->st;
		snap->port[i].n = p->n;
		if (!p->n)
			continue;
		snap->port[i].q = malloc(p->n * sizeof *p->q);
		if (!snap->port[i].q) {
			switch_snap_free(snap);
			return NULL;
		}
		memcpy(snap->port[i].q, p->q, p->n * sizeof *p->q);
	}
	return snap;
}

void switch_restore(struct lan_switch *s, const struct switch_snap *snap)
{
	s->seq = snap->seq;
	s->flooded = snap->flooded;
	memcpy(s->macs, snap->macs, sizeof s->macs);
	s->nmacs = snap->nmacs;
	for (int i = 0; i < s->nports && i < snap->nports; i++) {
		struct port *p = s->port[i];
		p->st = snap->port[i].st;
		p->n = snap->port[i].n;
		if (p->n)
			memcpy(p->q, snap->port[i].q, p->n * sizeof *p->q);
	}
}
