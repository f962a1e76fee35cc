/* Building a lab from its checked file: machines, consoles, switches. */
#include "lab/lab_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem/mmu.h"

static void say(const struct lab *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(const struct lab *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(l->svc.msg, "aula: %s: ", l->cfg.path);
	vfprintf(l->svc.msg, fmt, ap);
	fputc('\n', l->svc.msg);
	va_end(ap);
}

/* An input named in the lab file is found next to it. */
static void input_path(const struct lab *l, const char *name, char *out,
		       size_t len)
{
	if (name[0] == '/' || !strcmp(l->cfg.dir, "."))
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "%s/%s", l->cfg.dir, name);
}

/* ---- consoles -------------------------------------------------------- */

/* Print the line kept so far, prefixed (an empty one only at a newline). */
static void con_flush_line(struct lab_console *c, bool newline)
{
	if (!c->n && !newline)
		return;
	int r = c->n ? fprintf(c->out, "%s| %.*s\n", c->lv->cfg->name,
			       (int)c->n, c->line)
		     : fprintf(c->out, "%s|\n", c->lv->cfg->name);
	if (r < 0)
		c->error = true;
	c->n = 0;
}

static void con_putc(void *opaque, uint8_t byte)
{
	struct lab_console *c = opaque;
	if (!c->out)
		return;
	if (!c->prefix) {
		if (putc(byte, c->out) == EOF)
			c->error = true;
	} else if (byte == '\n') {
		con_flush_line(c, true);
	} else if (byte != '\r') {
		c->line[c->n++] = (char)byte;
		if (c->n == LAB_LINE_MAX)
			con_flush_line(c, false);
	}
}

static int con_getc(void *opaque)
{
	struct lab_console *c = opaque;
	int ch = c->in ? getc(c->in) : EOF;
	return ch == EOF ? VM_CONSOLE_EOF : ch;
}

static int con_open(struct lab *l, struct lab_vm *lv, struct vm_config *vc)
{
	struct lab_console *c = &lv->con;
	const struct lab_machine_cfg *m = lv->cfg;
	char path[LAB_PATH_MAX * 2];
	c->lv = lv;
	if (m->console == LAB_CONSOLE_PREFIX) {
		c->out = l->svc.out;
		c->prefix = true;
	} else if (m->console == LAB_CONSOLE_FILE) {
		if (!(c->out = fopen(m->console_file, "wb"))) {
			say(l, "machine %s: console %s: %s", m->name,
			    m->console_file, strerror(errno));
			return -1;
		}
		c->own_out = true;
	}
	if (m->console_in[0]) {
		input_path(l, m->console_in, path, sizeof path);
		if (!(c->in = fopen(path, "rb"))) {
			say(l, "machine %s: console-in %s: %s", m->name, path,
			    strerror(errno));
			return -1;
		}
	}
	vc->console = (struct vm_console_host){
		.opaque = c, .getc = con_getc, .putc = con_putc,
	};
	return 0;
}

/* 0, or -1 if the output was lost. */
static int con_close(struct lab_console *c)
{
	if (c->prefix && c->out)
		con_flush_line(c, false);
	if (c->out && (fflush(c->out) != 0 || ferror(c->out)))
		c->error = true;
	if (c->own_out && c->out)
		fclose(c->out);
	if (c->in)
		fclose(c->in);
	c->out = c->in = NULL;
	c->own_out = false;
	return c->error ? -1 : 0;
}

/* ---- switches -------------------------------------------------------- */

static const struct switch_port_cfg *vlan_of(const struct lab_switch_cfg *s,
					     const char *port)
{
	for (int i = 0; i < s->nvlans; i++)
		if (!strcmp(s->vlans[i].port, port))
			return &s->vlans[i].vlan;
	return NULL;
}

static int add_port(struct lab *l, int si, const char *name)
{
	const struct switch_port_cfg *v = vlan_of(&l->cfg.switches[si], name);
	struct switch_port_cfg pc = { .name = name, .vlan = 1 };
	if (v) {
		pc = *v;
		pc.name = name;
	}
	int p = switch_add_port(l->sw[si], &pc);
	if (p < 0)
		say(l, "switch %s: more than %d ports, or out of host memory",
		    l->cfg.switches[si].name, SWITCH_MAX_PORTS);
	return p;
}

static int open_switches(struct lab *l)
{
	uint64_t window = 1u << 20;
	for (int i = 0; i < l->cfg.nswitches; i++) {
		const struct lab_switch_cfg *s = &l->cfg.switches[i];
		if (s->pcap[0] && !(l->pcap[i] = fopen(s->pcap, "wb"))) {
			say(l, "switch %s: pcap %s: %s", s->name, s->pcap,
			    strerror(errno));
			return -1;
		}
		if (!(l->sw[i] = switch_create(s->name, s->latency,
					       l->pcap[i]))) {
			say(l, "out of host memory");
			return -1;
		}
		if (s->latency < window)
			window = s->latency;
		if (s->uplink[0]) {
			char own[sizeof l->uplink[i].path], err[512];
			snprintf(own, sizeof own, "%s.%ld", s->uplink,
				 (long)getpid());
			if (hub_client_open(&l->uplink[i], s->uplink, own, err,
					    sizeof err)) {
				say(l, "switch %s: uplink %s", s->name, err);
				return -1;
			}
			l->have_uplink[i] = true;
			int p = add_port(l, i, "uplink");
			if (p < 0)
				return -1;
			switch_set_uplink(l->sw[i], p, &l->uplink[i]);
		}
	}
	l->window = window;
	return 0;
}

/* ---- machines -------------------------------------------------------- */

static int open_disks(struct lab *l, struct lab_vm *lv, struct vm_config *vc)
{
	const struct lab_machine_cfg *m = lv->cfg;
	char path[LAB_PATH_MAX * 2];
	for (unsigned i = 0; i < m->ndisks; i++) {
		input_path(l, m->disks[i].spec, path, sizeof path);
		if (disk_file_open(&lv->disks[i], path, i, &vc->disks[i])) {
			say(l, "machine %s: disk %s (line %d) cannot be used",
			    m->name, path, m->disks[i].line);
			return -1;
		}
		vc->ndisks = i + 1;
	}
	return 0;
}

static int build_machine(struct lab *l, struct lab_vm *lv)
{
	const struct lab_machine_cfg *m = lv->cfg;
	char path[LAB_PATH_MAX * 2], err[512];
	struct vm_config vc = {
		.ram_size = m->ram, .mmu = m->mmu, .on_brk = m->on_brk,
		.yield_on_halt = true, .balloon = m->balloon,
	};
	memcpy(vc.mac, m->mac, 6);
	input_path(l, m->image, path, sizeof path);
	if (l->svc.load(path, &lv->img))
		return -1;
	if (con_open(l, lv, &vc) || open_disks(l, lv, &vc))
		return -1;
	if (m->sw >= 0) {
		int p = add_port(l, m->sw, m->name);
		if (p < 0)
			return -1;
		switch_port_host(l->sw[m->sw], p, &vc.nic);
	}
	if (!(lv->vm = vm_create(&vc, err, sizeof err))) {
		say(l, "machine %s: %s", m->name, err);
		return -1;
	}
	struct mem_pool *pool = lv->host->pool;
	if (pool) {
		struct pool_swap_host sh;
		if (swap_file_open(&lv->swap, lv->host->cfg->swap_dir, &sh, err,
				   sizeof err)) {
			say(l, "machine %s: %s", m->name, err);
			return -1;
		}
		if (pool_attach(pool, lv->vm, &sh)) {
			say(l, "out of host memory");
			return -1;
		}
	}
	if (image_load(&lv->img, lv->vm, err, sizeof err)) {
		say(l, "machine %s: %s: %s", m->name, path, err);
		return -1;
	}
	lv->state = LAB_READY;
	return 0;
}

int lab_change_pools(struct lab_vm *lv, struct lab_host *to, char *err,
		     size_t errlen)
{
	struct mem *mm = &lv->vm->mem;
	if (!lv->host->pool && !to->pool)
		return 0;
	/* The swap file first (a swap-dir is tried only when a machine
	 * joins its host): if it fails, nothing has changed. */
	struct swap_file fresh = { .fd = -1 };
	struct pool_swap_host sh;
	if (to->pool && swap_file_open(&fresh, to->cfg->swap_dir, &sh, err,
				       errlen))
		return -1;
	mem_clear(mm);
	mmu_reset(lv->vm);	/* its translations named the freed pages */
	if (mm->pool)
		pool_detach(mm->pool);
	swap_file_close(&lv->swap);
	lv->swap = fresh;
	sh.opaque = &lv->swap;	/* the host's callbacks take the file */
	if (to->pool && pool_attach(to->pool, lv->vm, &sh)) {
		snprintf(err, errlen, "out of host memory");
		return -1;
	}
	return 0;
}

struct lab *lab_create(const struct lab_cfg *cfg,
		       const struct lab_services *svc)
{
	struct lab *l = calloc(1, sizeof *l);
	if (!l) {
		fprintf(svc->msg, "aula: out of host memory\n");
		return NULL;
	}
	l->cfg = *cfg;
	l->svc = *svc;
	for (int i = 0; i < LAB_MAX_SWITCHES; i++)
		l->uplink[i].fd = -1;
	l->vms = calloc((size_t)cfg->nmachines, sizeof *l->vms);
	if (!l->vms) {
		say(l, "out of host memory");
		free(l);
		return NULL;
	}
	l->nvms = cfg->nmachines;
	/* Nothing is open yet: lab_destroy must know, whenever it comes. */
	for (int i = 0; i < l->nvms; i++) {
		for (unsigned d = 0; d < VM_MAX_DISKS; d++)
			l->vms[i].disks[d].fd = -1;
		l->vms[i].swap.fd = -1;
	}
	for (int i = 0; i < l->cfg.nhosts; i++) {
		struct lab_host *h = &l->hosts[i];
		h->lab = l;
		h->cfg = &l->cfg.hosts[i];
		h->index = i;
		h->vms = calloc((size_t)cfg->nmachines, sizeof *h->vms);
		h->next_sample = h->cfg->sample;
		if (h->cfg->ram || h->cfg->share)
			h->pool = pool_create(h->cfg->ram, h->cfg->share);
		if (!h->vms || ((h->cfg->ram || h->cfg->share) && !h->pool)) {
			say(l, "out of host memory");
			lab_destroy(l);
			return NULL;
		}
	}
	if (open_switches(l)) {
		lab_destroy(l);
		return NULL;
	}
	for (int i = 0; i < l->nvms; i++) {
		struct lab_vm *lv = &l->vms[i];
		lv->cfg = &l->cfg.machines[i];
		lv->index = i;
		lv->host = &l->hosts[lv->cfg->host];
		lv->host->vms[lv->host->nvms++] = lv;
		if (build_machine(l, lv)) {
			lab_destroy(l);
			return NULL;
		}
		lv->seq = lv->host->seq++;
	}
	for (int i = 0; i < cfg->nmigrations; i++) {
		const struct lab_migration_cfg *g = &l->cfg.migrations[i];
		struct lab_mig *m = &l->mig[l->nmig++];
		memcpy(m->name, g->name, sizeof m->name);	/* both LAB_NAME_MAX */
		m->lv = &l->vms[g->machine];
		m->to = g->to;
		m->at = g->at;
		m->policy = g->policy;
	}
	return l;
}

int lab_finish(struct lab *l)
{
	int status = 0;
	for (int i = 0; i < l->nvms; i++) {
		struct lab_vm *lv = &l->vms[i];
		if (con_close(&lv->con)) {
			say(l, "machine %s: writing its console failed",
			    lv->cfg->name);
			status = -1;
		}
		for (unsigned d = 0; d < VM_MAX_DISKS; d++)
			if (lv->disks[d].fd >= 0 &&
			    disk_file_close(&lv->disks[d]))
				status = -1;
	}
	for (int i = 0; i < l->cfg.nswitches; i++) {
		if (!l->pcap[i])
			continue;
		if (fflush(l->pcap[i]) != 0 || switch_capture_failed(l->sw[i])) {
			say(l, "switch %s: writing the capture %s failed",
			    l->cfg.switches[i].name, l->cfg.switches[i].pcap);
			status = -1;
		}
		fclose(l->pcap[i]);
		l->pcap[i] = NULL;
	}
	return status;
}

void lab_destroy(struct lab *l)
{
	if (!l)
		return;
	lab_mig_free(l);
	lab_snap_free_all(l);
	lab_finish(l);
	for (int i = 0; i < l->nvms; i++) {
		vm_destroy(l->vms[i].vm);
		image_free(&l->vms[i].img);
		swap_file_close(&l->vms[i].swap);
	}
	for (int i = 0; i < LAB_MAX_SWITCHES; i++) {
		switch_destroy(l->sw[i]);
		if (l->have_uplink[i])
			hub_client_close(&l->uplink[i]);
	}
	for (int i = 0; i < LAB_MAX_HOSTS; i++) {
		free(l->hosts[i].vms);
		pool_destroy(l->hosts[i].pool);
	}
	free(l->vms);
	free(l);
}

uint64_t lab_now(const struct lab *l)
{
	return l->now;
}

bool lab_done(const struct lab *l)
{
	return l->done;
}

struct vm *lab_find(const struct lab *l, const char *name)
{
	for (int i = 0; i < l->nvms; i++)
		if (!strcmp(l->vms[i].cfg->name, name))
			return l->vms[i].vm;
	return NULL;
}

const char *lab_name_of(const struct lab *l, const struct vm *vm)
{
	for (int i = 0; i < l->nvms; i++)
		if (l->vms[i].vm == vm)
			return l->vms[i].cfg->name;
	return "?";
}

struct vm *lab_vm_at(const struct lab *l, int i)
{
	return i >= 0 && i < l->nvms ? l->vms[i].vm : NULL;
}
