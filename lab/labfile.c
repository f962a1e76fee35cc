/*
 * The lab file (aula-lab(5)): an INI file read with Debian's libinih.
 *
 *   [lab]               time include-dir
 *   [host NAME]         cpus quantum ram share sample swap-dir
 *   [machine NAME]      host image ram disk nic mac weight cap console
 *                       console-in max-insns mmu on-brk dump-mem balloon
 *   [switch NAME]       latency pcap uplink vlan.PORT
 *   [migration NAME]    machine to at bandwidth max-rounds threshold
 *                       converge
 *
 * libinih hands us each key with its section; the line reader below counts
 * lines, so that every message names the line, and notes where sections
 * begin (a section without keys must still be checked).  Everything is
 * checked here, once: lab.c builds the lab from a structure known good.
 */
#include "lab/lab.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_NONE, K_LAB, K_HOST, K_MACHINE, K_SWITCH, K_MIGRATION };

struct parse {
	struct lab_cfg *cfg;
	const char *name;	/* the file, for messages */
	FILE *errs;
	int errors;
	/* The reader's position. */
	const char *p, *end;
	int line;
	/* The section being read. */
	enum kind kind;
	int index;		/* into the kind's array; -1: ignored */
	int sections;		/* headers seen */
	/* Keys met so far in that section, to refuse a repeat. */
	char seen[32][24];
	int nseen;
	/* Names given to host = and nic =, resolved at the end. */
	char host_of[LAB_MAX_MACHINES][LAB_NAME_MAX];
	int host_line[LAB_MAX_MACHINES];
	char nic_of[LAB_MAX_MACHINES][LAB_NAME_MAX];
	int nic_line[LAB_MAX_MACHINES];
	/* And to machine = and to = of the migrations. */
	char mig_machine[LAB_MAX_MIGRATIONS][LAB_NAME_MAX];
	char mig_to[LAB_MAX_MIGRATIONS][LAB_NAME_MAX];
	int mig_machine_line[LAB_MAX_MIGRATIONS], mig_to_line[LAB_MAX_MIGRATIONS];
};

static void perr(struct parse *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void perr(struct parse *ps, int line, const char *fmt, ...)
{
	ps->errors++;
	if (!ps->errs)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(ps->errs, "%s:%d: ", ps->name, line);
	vfprintf(ps->errs, fmt, ap);
	fputc('\n', ps->errs);
	va_end(ap);
}

/* ---- values ---------------------------------------------------------- */

/* A number with an optional K, M or G (powers of 1024 when sizes is set,
 * of 1000 otherwise), in decimal or 0x hexadecimal. */
static bool parse_num(const char *s, bool sizes, uint64_t *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno)
		return false;
	uint64_t mul = 1, base = sizes ? 1024 : 1000;
	switch (toupper((unsigned char)*end)) {
	case 'K': mul = base; end++; break;
	case 'M': mul = base * base; end++; break;
	case 'G': mul = base * base * base; end++; break;
	}
	if (*end || (v && mul > UINT64_MAX / v))
		return false;
	*out = v * mul;
	return true;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	uint64_t n;
	if (strchr(s, ':')) {
		for (int i = 0; i < 6; i++) {
			if (!isxdigit((unsigned char)s[0]) ||
			    !isxdigit((unsigned char)s[1]) ||
			    s[2] != (i == 5 ? 0 : ':'))
				return false;
			mac[i] = (uint8_t)strtoul((char[]){ s[0], s[1], 0 },
						  NULL, 16);
			s += 3;
		}
	} else {
		if (!parse_num(s, false, &n) || n == 0 || n > UINT32_MAX)
			return false;
		mac[0] = 0x02;
		mac[1] = 0;
		for (int i = 0; i < 4; i++)
			mac[2 + i] = (uint8_t)(n >> (24 - 8 * i));
	}
	static const uint8_t zero[6];
	return !(mac[0] & 1) && memcmp(mac, zero, 6);
}

static bool parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "true"))
		*out = true;
	else if (!strcmp(s, "no") || !strcmp(s, "off") ||
		 !strcmp(s, "false"))
		*out = false;
	else
		return false;
	return true;
}

static bool parse_vid(const char *s, uint16_t *vid)
{
	uint64_t v;
	if (!parse_num(s, false, &v) || v < 1 || v > SWITCH_VID_MAX)
		return false;
	*vid = (uint16_t)v;
	return true;
}

/* "10" (an access port) or "trunk:10,20" */
static bool parse_vlan(const char *s, struct switch_port_cfg *v)
{
	memset(v, 0, sizeof *v);
	if (strncmp(s, "trunk:", 6))
		return parse_vid(s, &v->vlan);
	char buf[128];
	snprintf(buf, sizeof buf, "%s", s + 6);
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
		if (v->ntrunk == SWITCH_MAX_VLANS ||
		    !parse_vid(tok, &v->trunk[v->ntrunk]))
			return false;
		v->ntrunk++;
	}
	return v->ntrunk > 0;
}

static bool parse_range(const char *s, struct dump_range *r)
{
	char buf[64];
	uint64_t a, n;
	const char *colon = strchr(s, ':');
	if (!colon || (size_t)(colon - s) >= sizeof buf)
		return false;
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = 0;
	if (!parse_num(buf, false, &a) || !parse_num(colon + 1, true, &n) ||
	    a > UINT32_MAX || n == 0 || n > UINT32_MAX)
		return false;
	r->addr = (uint32_t)a;
	r->len = (uint32_t)n;
	return true;
}

static bool set_path(char *dst, const char *v)
{
	if (!*v || strlen(v) >= LAB_PATH_MAX)
		return false;
	strcpy(dst, v);
	return true;
}

static bool set_name(char *dst, const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n >= LAB_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '-' &&
		    v[i] != '_')
			return false;
	strcpy(dst, v);
	return true;
}

/* ---- sections -------------------------------------------------------- */

static int find_named(const struct lab_cfg *c, enum kind k, const char *name)
{
	int n = k == K_HOST ? c->nhosts : k == K_MACHINE ? c->nmachines
			: k == K_SWITCH ? c->nswitches : c->nmigrations;
	for (int i = 0; i < n; i++) {
		const char *nm = k == K_HOST ? c->hosts[i].name
				 : k == K_MACHINE ? c->machines[i].name
				 : k == K_SWITCH ? c->switches[i].name
						 : c->migrations[i].name;
		if (!strcmp(nm, name))
			return i;
	}
	return -1;
}

static void machine_defaults(struct lab_machine_cfg *m, int index)
{
	m->ram = MEM_DEFAULT_SIZE;
	m->sw = -1;
	m->weight = 1;
	/* 02:00:00:00:00:01 for the first machine, and so on. */
	m->mac[0] = 0x02;
	m->mac[4] = (uint8_t)((index + 1) >> 8);
	m->mac[5] = (uint8_t)(index + 1);
}

static void host_defaults(struct lab_host_cfg *h)
{
	h->cpus = 1;
	h->quantum = LAB_DEFAULT_QUANTUM;
	h->sample = LAB_DEFAULT_SAMPLE;
	snprintf(h->swap_dir, sizeof h->swap_dir, "%s",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
						      : "/tmp");
}

/* A section header "[kind name]" as libinih will report it. */
static void begin_section(struct parse *ps, const char *sec)
{
	struct lab_cfg *c = ps->cfg;
	char kind[16] = "", name[64] = "";
	ps->nseen = 0;
	ps->index = -1;
	ps->sections++;
	ps->kind = K_NONE;
	if (sscanf(sec, "%15s %63s", kind, name) < 1) {
		perr(ps, ps->line, "an empty section name: expected [lab], "
		     "[host NAME], [machine NAME], [switch NAME] or "
		     "[migration NAME]");
		return;
	}
	enum kind k = !strcmp(kind, "lab") ? K_LAB
		      : !strcmp(kind, "host") ? K_HOST
		      : !strcmp(kind, "machine") ? K_MACHINE
		      : !strcmp(kind, "switch") ? K_SWITCH
		      : !strcmp(kind, "migration") ? K_MIGRATION : K_NONE;
	if (k == K_NONE) {
		perr(ps, ps->line, "[%s]: unknown section; expected [lab], "
		     "[host NAME], [machine NAME], [switch NAME] or "
		     "[migration NAME]", sec);
		return;
	}
	ps->kind = k;
	if (k == K_LAB) {
		if (*name)
			perr(ps, ps->line, "[lab] takes no name");
		ps->index = 0;
		return;
	}
	char nm[LAB_NAME_MAX];
	if (!set_name(nm, name) || strchr(sec + strlen(kind) + 1 +
					  strlen(name), ' ')) {
		perr(ps, ps->line, "[%s]: a %s needs one name of letters, "
		     "digits, '-' and '_' (at most %d)", sec, kind,
		     LAB_NAME_MAX - 1);
		return;
	}
	if (find_named(c, k, nm) >= 0) {
		perr(ps, ps->line, "[%s]: a second %s named '%s'", sec, kind,
		     nm);
		return;
	}
	if (k == K_HOST) {
		if (c->nhosts == LAB_MAX_HOSTS) {
			perr(ps, ps->line, "more than %d hosts", LAB_MAX_HOSTS);
			return;
		}
		struct lab_host_cfg *h = &c->hosts[c->nhosts];
		host_defaults(h);
		strcpy(h->name, nm);
		h->line = ps->line;
		ps->index = c->nhosts++;
	} else if (k == K_MACHINE) {
		if (c->nmachines == LAB_MAX_MACHINES) {
			perr(ps, ps->line, "more than %d machines",
			     LAB_MAX_MACHINES);
			return;
		}
		struct lab_machine_cfg *m = &c->machines[c->nmachines];
		machine_defaults(m, c->nmachines);
		strcpy(m->name, nm);
		m->line = ps->line;
		ps->index = c->nmachines++;
	} else if (k == K_MIGRATION) {
		if (c->nmigrations == LAB_MAX_MIGRATIONS) {
			perr(ps, ps->line, "more than %d migrations",
			     LAB_MAX_MIGRATIONS);
			return;
		}
		struct lab_migration_cfg *g = &c->migrations[c->nmigrations];
		strcpy(g->name, nm);
		g->line = ps->line;
		g->machine = g->to = -1;
		g->policy = MIG_POLICY_DEFAULT;
		ps->index = c->nmigrations++;
	} else {
		if (c->nswitches == LAB_MAX_SWITCHES) {
			perr(ps, ps->line, "more than %d switches",
			     LAB_MAX_SWITCHES);
			return;
		}
		struct lab_switch_cfg *s = &c->switches[c->nswitches];
		strcpy(s->name, nm);
		s->line = ps->line;
		s->latency = SWITCH_DEFAULT_LATENCY;
		ps->index = c->nswitches++;
	}
}

/* ---- keys ------------------------------------------------------------ */

#define BAD(...) do { perr(ps, ps->line, __VA_ARGS__); return; } while (0)

static void lab_key(struct parse *ps, const char *k, const char *v)
{
	struct lab_cfg *c = ps->cfg;
	if (!strcmp(k, "time")) {
		if (!parse_num(v, false, &c->time) || !c->time)
			BAD("[lab] time: '%s' is not a number of ticks (such "
			    "as 100M)", v);
	} else if (!strcmp(k, "include-dir")) {
		if (c->ninclude == LAB_MAX_INCLUDES)
			BAD("[lab] include-dir: at most %d", LAB_MAX_INCLUDES);
		char *dst = c->include[c->ninclude];
		int n = v[0] == '/' || !strcmp(c->dir, ".")
			? snprintf(dst, LAB_PATH_MAX, "%s", v)
			: snprintf(dst, LAB_PATH_MAX, "%s/%s", c->dir, v);
		if (!*v || n >= LAB_PATH_MAX)
			BAD("[lab] include-dir: a folder, please");
		c->ninclude++;
	} else {
		BAD("[lab]: unknown key '%s' (the keys: time, include-dir)",
		    k);
	}
}

static void host_key(struct parse *ps, struct lab_host_cfg *h, const char *k,
		     const char *v)
{
	uint64_t n;
	if (!strcmp(k, "cpus")) {
		if (!parse_num(v, false, &n) || n < 1 || n > LAB_MAX_CPUS)
			BAD("[host %s] cpus: '%s' is not 1 to %d", h->name, v,
			    LAB_MAX_CPUS);
		h->cpus = (unsigned)n;
	} else if (!strcmp(k, "quantum")) {
		if (!parse_num(v, false, &h->quantum) || !h->quantum)
			BAD("[host %s] quantum: '%s' is not a number of ticks "
			    "(such as 10000)", h->name, v);
	} else if (!strcmp(k, "ram")) {
		if (!parse_num(v, true, &h->ram) || h->ram % MEM_PAGE_SIZE ||
		    h->ram < LAB_MIN_BUDGET)
			BAD("[host %s] ram: '%s' is not a size of whole 4K "
			    "pages, at least 32K (such as 48M)", h->name, v);
	} else if (!strcmp(k, "share")) {
		if (!parse_bool(v, &h->share))
			BAD("[host %s] share: '%s' is not yes or no", h->name,
			    v);
	} else if (!strcmp(k, "sample")) {
		if (!parse_num(v, false, &h->sample) || !h->sample)
			BAD("[host %s] sample: '%s' is not a number of ticks",
			    h->name, v);
	} else if (!strcmp(k, "swap-dir")) {
		if (!set_path(h->swap_dir, v))
			BAD("[host %s] swap-dir: a folder, please", h->name);
	} else {
		BAD("[host %s]: unknown key '%s' (the keys: cpus, quantum, "
		    "ram, share, sample, swap-dir)", h->name, k);
	}
}

static void machine_key(struct parse *ps, struct lab_machine_cfg *m,
			int mi, const char *k, const char *v)
{
	uint64_t n;
	if (!strcmp(k, "host")) {
		snprintf(ps->host_of[mi], LAB_NAME_MAX, "%s", v);
		ps->host_line[mi] = ps->line;
	} else if (!strcmp(k, "image")) {
		if (!set_path(m->image, v))
			BAD("[machine %s] image: a file name, please", m->name);
	} else if (!strcmp(k, "ram")) {
		if (!parse_num(v, true, &m->ram) || m->ram < MEM_MIN_SIZE ||
		    m->ram > MEM_MAX_SIZE || m->ram % MEM_PAGE_SIZE)
			BAD("[machine %s] ram: '%s' is not a multiple of 4K "
			    "from 64K to 2G", m->name, v);
	} else if (!strcmp(k, "disk")) {
		if (m->ndisks == VM_MAX_DISKS)
			BAD("[machine %s] disk: a machine has room for %d "
			    "disks", m->name, VM_MAX_DISKS);
		if (!set_path(m->disks[m->ndisks].spec, v))
			BAD("[machine %s] disk: FILE or FILE,ro, please",
			    m->name);
		m->disks[m->ndisks++].line = ps->line;
	} else if (!strcmp(k, "nic")) {
		snprintf(ps->nic_of[mi], LAB_NAME_MAX, "%s", v);
		ps->nic_line[mi] = ps->line;
	} else if (!strcmp(k, "mac")) {
		if (!parse_mac(v, m->mac))
			BAD("[machine %s] mac: '%s' is not a card's address "
			    "(such as 02:00:00:00:00:02, or 2 for that one)",
			    m->name, v);
	} else if (!strcmp(k, "weight")) {
		if (!parse_num(v, false, &n) || n < 1 || n > 100)
			BAD("[machine %s] weight: '%s' is not 1 to 100",
			    m->name, v);
		m->weight = (unsigned)n;
	} else if (!strcmp(k, "cap")) {
		size_t len = strlen(v);
		char buf[16];
		if (len && len < sizeof buf && v[len - 1] == '%') {
			memcpy(buf, v, len - 1);
			buf[len - 1] = 0;
			v = buf;
		}
		if (!parse_num(v, false, &n) || n < 1 || n > 100)
			BAD("[machine %s] cap: '%s' is not 1%% to 100%% of a "
			    "CPU", m->name, v);
		m->cap = (unsigned)n;
	} else if (!strcmp(k, "console")) {
		if (!strcmp(v, "prefix")) {
			m->console = LAB_CONSOLE_PREFIX;
		} else if (!strcmp(v, "none")) {
			m->console = LAB_CONSOLE_NONE;
		} else {
			if (!set_path(m->console_file, v))
				BAD("[machine %s] console: prefix, none or a "
				    "file", m->name);
			m->console = LAB_CONSOLE_FILE;
		}
	} else if (!strcmp(k, "console-in")) {
		if (!set_path(m->console_in, v))
			BAD("[machine %s] console-in: a file, please", m->name);
	} else if (!strcmp(k, "max-insns")) {
		if (!parse_num(v, false, &m->max_insns) || !m->max_insns)
			BAD("[machine %s] max-insns: '%s' is not a number",
			    m->name, v);
	} else if (!strcmp(k, "mmu")) {
		if (!strcmp(v, "shadow"))
			m->mmu = MMU_SHADOW;
		else if (!strcmp(v, "nested"))
			m->mmu = MMU_NESTED;
		else
			BAD("[machine %s] mmu: '%s' is not shadow or nested",
			    m->name, v);
	} else if (!strcmp(k, "on-brk")) {
		if (!strcmp(v, "stop"))
			m->on_brk = VM_BRK_STOP;
		else if (!strcmp(v, "guest"))
			m->on_brk = VM_BRK_GUEST;
		else
			BAD("[machine %s] on-brk: '%s' is not stop or guest",
			    m->name, v);
	} else if (!strcmp(k, "dump-mem")) {
		if (m->nranges == LAB_MAX_RANGES ||
		    !parse_range(v, &m->ranges[m->nranges]))
			BAD("[machine %s] dump-mem: expected ADDR:LEN, such as "
			    "0x2000:64 (at most %d)", m->name, LAB_MAX_RANGES);
		if ((uint64_t)m->ranges[m->nranges].addr +
		    m->ranges[m->nranges].len > m->ram)
			BAD("[machine %s] dump-mem: %s is outside the %llu KiB "
			    "of RAM (set ram first)", m->name, v,
			    (unsigned long long)m->ram / 1024);
		m->nranges++;
	} else if (!strcmp(k, "balloon")) {
		if (!parse_bool(v, &m->balloon))
			BAD("[machine %s] balloon: '%s' is not yes or no",
			    m->name, v);
	} else {
		BAD("[machine %s]: unknown key '%s' (the keys: host, image, "
		    "ram, disk, nic, mac, weight, cap, console, console-in, "
		    "max-insns, mmu, on-brk, dump-mem, balloon)", m->name, k);
	}
}

static void switch_key(struct parse *ps, struct lab_switch_cfg *s,
		       const char *k, const char *v)
{
	if (!strcmp(k, "latency")) {
		if (!parse_num(v, false, &s->latency) || !s->latency ||
		    s->latency > 100000000)
			BAD("[switch %s] latency: '%s' is not 1 to 100M ticks",
			    s->name, v);
	} else if (!strcmp(k, "pcap")) {
		if (!set_path(s->pcap, v))
			BAD("[switch %s] pcap: a file, please", s->name);
	} else if (!strcmp(k, "uplink")) {
		if (!set_path(s->uplink, v) || strlen(v) > HUB_PATH_MAX)
			BAD("[switch %s] uplink: the path of an aula hub's "
			    "socket (at most %zu bytes)", s->name,
			    (size_t)HUB_PATH_MAX);
	} else if (!strncmp(k, "vlan.", 5)) {
		if (s->nvlans == SWITCH_MAX_PORTS)
			BAD("[switch %s]: more than %d ports", s->name,
			    SWITCH_MAX_PORTS);
		struct lab_vlan_cfg *vc = &s->vlans[s->nvlans];
		if (!set_name(vc->port, k + 5))
			BAD("[switch %s] %s: vlan.PORT names a machine or "
			    "the uplink", s->name, k);
		if (!parse_vlan(v, &vc->vlan))
			BAD("[switch %s] %s: '%s' is not a VLAN 1 to %d or "
			    "trunk:VLAN,VLAN...", s->name, k, v,
			    SWITCH_VID_MAX);
		vc->line = ps->line;
		s->nvlans++;
	} else {
		BAD("[switch %s]: unknown key '%s' (the keys: latency, pcap, "
		    "uplink, vlan.PORT)", s->name, k);
	}
}

static void migration_key(struct parse *ps, int gi, const char *k,
			  const char *v)
{
	struct lab_migration_cfg *g = &ps->cfg->migrations[gi];
	uint64_t n;
	if (!strcmp(k, "machine") || !strcmp(k, "to")) {
		bool to = k[0] == 't';
		if (!set_name(to ? ps->mig_to[gi] : ps->mig_machine[gi], v))
			BAD("[migration %s] %s: the name of a %s", g->name, k,
			    to ? "host" : "machine");
		*(to ? &ps->mig_to_line[gi] : &ps->mig_machine_line[gi]) =
			ps->line;
	} else if (!strcmp(k, "at")) {
		if (!parse_num(v, false, &g->at))
			BAD("[migration %s] at: '%s' is not a number of ticks",
			    g->name, v);
	} else if (!strcmp(k, "bandwidth")) {
		if (!parse_num(v, false, &n) || n < 1 || n > (1u << 20))
			BAD("[migration %s] bandwidth: '%s' is not 1 to 1M "
			    "pages per 1000 ticks", g->name, v);
		g->policy.bandwidth = (uint32_t)n;
	} else if (!strcmp(k, "max-rounds")) {
		if (!parse_num(v, false, &n) || n < 1 ||
		    n > MIG_MAX_ROUNDS - 8)
			BAD("[migration %s] max-rounds: '%s' is not 1 to %d",
			    g->name, v, MIG_MAX_ROUNDS - 8);
		g->policy.max_rounds = (uint32_t)n;
	} else if (!strcmp(k, "threshold")) {
		if (!parse_num(v, false, &n) || n > UINT32_MAX)
			BAD("[migration %s] threshold: '%s' is not a number "
			    "of pages", g->name, v);
		g->policy.threshold = (uint32_t)n;
	} else if (!strcmp(k, "converge")) {
		if (!strcmp(v, "throttle"))
			g->policy.converge = MIG_THROTTLE;
		else if (!strcmp(v, "give-up"))
			g->policy.converge = MIG_GIVE_UP;
		else
			BAD("[migration %s] converge: '%s' is not throttle or "
			    "give-up", g->name, v);
	} else {
		BAD("[migration %s]: unknown key '%s' (the keys: machine, to, "
		    "at, bandwidth, max-rounds, threshold, converge)",
		    g->name, k);
	}
}

static int on_key(void *user, const char *section, const char *k,
		  const char *v)
{
	struct parse *ps = user;
	(void)section;		/* the reader saw it first */
	if (!ps->sections) {
		perr(ps, ps->line, "%s: a key before any section", k);
		return 1;
	}
	if (ps->kind == K_NONE || ps->index < 0)
		return 1;	/* the section's header was refused */
	for (int i = 0; i < ps->nseen; i++)
		if (!strcmp(ps->seen[i], k) && strcmp(k, "disk") &&
		    strcmp(k, "dump-mem") && strcmp(k, "include-dir")) {
			perr(ps, ps->line, "[%s]: '%s' a second time",
			     section, k);
			return 1;
		}
	if (ps->nseen < 32)
		snprintf(ps->seen[ps->nseen++], sizeof ps->seen[0], "%s", k);
	switch (ps->kind) {
	case K_LAB: lab_key(ps, k, v); break;
	case K_HOST: host_key(ps, &ps->cfg->hosts[ps->index], k, v); break;
	case K_MACHINE:
		machine_key(ps, &ps->cfg->machines[ps->index], ps->index, k,
			    v);
		break;
	case K_SWITCH:
		switch_key(ps, &ps->cfg->switches[ps->index], k, v);
		break;
	case K_MIGRATION: migration_key(ps, ps->index, k, v); break;
	case K_NONE: break;
	}
	return 1;
}

/* libinih's line reader: one line per call, as fgets, counted; a section
 * header is noted before libinih parses the line. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse *ps = stream;
	if (ps->p >= ps->end)
		return NULL;
	const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
	size_t len = nl ? (size_t)(nl - ps->p) + 1 : (size_t)(ps->end - ps->p);
	ps->line++;
	if (len + 1 > (size_t)num || memchr(ps->p, 0, len)) {
		perr(ps, ps->line, memchr(ps->p, 0, len) ?
			 "a NUL byte: this is not a text file" :
			 "a line longer than %d characters", num - 2);
		str[0] = '\n';
		str[1] = 0;
		ps->p += len;
		return str;
	}
	memcpy(str, ps->p, len);
	str[len] = 0;
	ps->p += len;
	const char *s = str;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '[') {
		const char *close = strchr(s, ']');
		char sec[128];
		size_t n = close ? (size_t)(close - s - 1) : 0;
		if (close && n < sizeof sec) {
			memcpy(sec, s + 1, n);
			sec[n] = 0;
			begin_section(ps, sec);
		}
	}
	return str;
}

/* ---- the checks across sections -------------------------------------- */

/* A migration names a machine and a host. */
static void check_migrations(struct parse *ps)
{
	struct lab_cfg *c = ps->cfg;
	for (int i = 0; i < c->nmigrations; i++) {
		struct lab_migration_cfg *g = &c->migrations[i];
		if (!ps->mig_machine[i][0] || !ps->mig_to[i][0]) {
			perr(ps, g->line, "[migration %s]: %s is missing",
			     g->name, ps->mig_machine[i][0] ? "to = HOST"
							 : "machine = NAME");
			continue;
		}
		g->machine = find_named(c, K_MACHINE, ps->mig_machine[i]);
		g->to = find_named(c, K_HOST, ps->mig_to[i]);
		if (g->machine < 0)
			perr(ps, ps->mig_machine_line[i], "[migration %s] "
			     "machine: no [machine %s] in this lab", g->name,
			     ps->mig_machine[i]);
		if (g->to < 0)
			perr(ps, ps->mig_to_line[i], "[migration %s] to: no "
			     "[host %s] in this lab", g->name, ps->mig_to[i]);
	}
}

static void check(struct parse *ps)
{
	struct lab_cfg *c = ps->cfg;
	if (c->nmachines == 0)
		perr(ps, ps->line, "no [machine NAME] section: a lab needs at "
		     "least one machine");
	if (c->nhosts == 0) {
		/* One host with one CPU and no memory budget. */
		host_defaults(&c->hosts[0]);
		strcpy(c->hosts[0].name, "host");
		c->nhosts = 1;
	}
	for (int i = 0; i < c->nmachines; i++) {
		struct lab_machine_cfg *m = &c->machines[i];
		if (!m->image[0])
			perr(ps, m->line, "[machine %s]: image is missing "
			     "(image = FILE, an image or a .s source)",
			     m->name);
		m->host = 0;
		if (ps->host_of[i][0] &&
		    (m->host = find_named(c, K_HOST, ps->host_of[i])) < 0) {
			perr(ps, ps->host_line[i], "[machine %s] host: no "
			     "[host %s] in this lab", m->name, ps->host_of[i]);
			m->host = 0;
		}
		m->sw = -1;
		if (ps->nic_of[i][0] &&
		    (m->sw = find_named(c, K_SWITCH, ps->nic_of[i])) < 0)
			perr(ps, ps->nic_line[i], "[machine %s] nic: no "
			     "[switch %s] in this lab", m->name, ps->nic_of[i]);
		for (int j = 0; j < i; j++)
			if (m->sw >= 0 && c->machines[j].sw == m->sw &&
			    !memcmp(c->machines[j].mac, m->mac, 6))
				perr(ps, m->line, "[machine %s]: the same MAC "
				     "address as machine %s on switch %s",
				     m->name, c->machines[j].name,
				     c->switches[m->sw].name);
	}
	check_migrations(ps);
	for (int i = 0; i < c->nswitches; i++) {
		struct lab_switch_cfg *s = &c->switches[i];
		for (int v = 0; v < s->nvlans; v++) {
			struct lab_vlan_cfg *vc = &s->vlans[v];
			int m = find_named(c, K_MACHINE, vc->port);
			bool up = !strcmp(vc->port, "uplink");
			if (up ? !s->uplink[0] : m < 0 || c->machines[m].sw != i)
				perr(ps, vc->line, "[switch %s] vlan.%s: %s",
				     s->name, vc->port, up ?
				     "this switch has no uplink" :
				     "no machine of that name has nic = this "
				     "switch");
			for (int w = 0; w < v; w++)
				if (!strcmp(s->vlans[w].port, vc->port))
					perr(ps, vc->line, "[switch %s] vlan.%s "
					     "a second time", s->name, vc->port);
		}
	}
}

int lab_parse(const char *text, size_t len, const char *name,
	      const char *dir, struct lab_cfg *cfg, FILE *errs)
{
	struct parse *ps = calloc(1, sizeof *ps);
	if (!ps) {
		if (errs)
			fprintf(errs, "%s: out of host memory\n", name);
		return 1;
	}
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->path, sizeof cfg->path, "%s", name);
	snprintf(cfg->dir, sizeof cfg->dir, "%s", dir);
	cfg->time = LAB_DEFAULT_TIME;
	ps->cfg = cfg;
	ps->name = name;
	ps->errs = errs;
	ps->p = text;
	ps->end = text + len;
	ps->index = -1;
	/* The file's format is ours to fix: no continuation lines (a
	 * value is one line), comments with ; or # at the start of a line
	 * and ; after a value. */
	ini_allow_multiline = false;
	int bad = ini_parse_stream(read_line, ps, on_key, ps);
	if (bad > 0)
		perr(ps, bad, "expected [SECTION NAME] or KEY = VALUE");
	check(ps);
	int errors = ps->errors;
	free(ps);
	return errors;
}

int lab_parse_file(const char *path, struct lab_cfg *cfg, FILE *errs)
{
	FILE *f = fopen(path, "rb");
	char dir[LAB_PATH_MAX];
	if (!f) {
		if (errs)
			fprintf(errs, "%s: cannot open: %s\n", path,
				strerror(errno));
		return 1;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			if (cap >= (1u << 24))
				break;
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	int err = ferror(f) || !buf || len >= (1u << 24);
	fclose(f);
	if (err) {
		if (errs)
			fprintf(errs, "%s: cannot read it (or it is over "
				"16 MiB)\n", path);
		free(buf);
		return 1;
	}
	const char *slash = strrchr(path, '/');
	if (!slash)
		strcpy(dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	if (!dir[0])
		strcpy(dir, "/");
	int errors = lab_parse(buf, len, path, dir, cfg, errs);
	free(buf);
	return errors;
}
