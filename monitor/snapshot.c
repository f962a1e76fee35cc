/*
 * savevm, loadvm, delvm and info snapshots: whole machines kept by name
 * in the monitor's memory (struct ckpt, state/ckpt.h), or written to a
 * checkpoint file with savevm -o (docs/checkpoint-format.md), which
 * aula run --restore continues.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/mon_int.h"

static struct mon_snapshot *find(struct mon *m, const char *name)
{
	for (int i = 0; i < m->nsnaps; i++)
		if (!strcmp(m->snaps[i].name, name))
			return &m->snaps[i];
	return NULL;
}

static void snap_free(struct mon_snapshot *s)
{
	ckpt_free(&s->ck);
	for (int d = 0; d < VM_MAX_DISKS; d++) {
		free(s->frozen[d]);
		s->frozen[d] = NULL;
	}
}

/* Disk unit writes a new overlay on backing from now on (disk_layer):
 * every copy of its name follows. */
static int layer(struct mon *m, unsigned unit, const char *backing,
		 const char *tag, char *err, size_t errlen)
{
	const char *name;
	if (m->cfg.disk_layer(m->cfg.disk_layer_opaque, unit, backing, tag,
			      &name, err, errlen))
		return -1;
	m->vm->cfg.disks[unit].name = name;
	m->cfg.vm.disks[unit].name = name;
	m->tl.disk[unit].name = name;
	return 0;
}

void mon_snapshots_free(struct mon *m)
{
	for (int i = 0; i < m->nsnaps; i++)
		snap_free(&m->snaps[i]);
	free(m->snaps);
	m->snaps = NULL;
	m->nsnaps = 0;
}

/* savevm -l, loadvm -l, delvm -l: the whole lab's snapshots, kept by
 * the lab (lab/snap.c).  op is 's', 'l' or 'd'. */
static int lab_snap(struct mon *m, struct mon_args *a, char op)
{
	static const char *const cmd[] = { "savevm", "loadvm", "delvm" };
	const char *what = cmd[op == 's' ? 0 : op == 'l' ? 1 : 2];
	char name[MON_SNAP_NAME], err[512];
	const char *at;
	if (!m->cfg.lab || !m->cfg.lab->snap)
		return mon_error(m, NULL, "%s -l: there is no lab here (the "
				 "whole lab is aula lab --monitor's)", what);
	if (!mon_args_word(a, name, sizeof name, &at)) {
		if (op != 's')
			return mon_error(m, at, "%s -l which? (info "
					 "snapshots)", what);
		snprintf(name, sizeof name, "lab%d", ++m->lab_snap_seq);
	}
	if (mon_args_end(m, a))
		return -1;
	if (m->cfg.lab->snap(m->cfg.lab->opaque, op, name, err, sizeof err))
		return mon_error(m, at, "%s -l %s: %s", what, name, err);
	if (op == 's') {
		mon_printf(m, "saved the whole lab as %s\n", name);
	} else if (op == 'l') {
		/* Every machine is as it was then, the focus too. */
		mon_focus(m, m->vm);
		mon_printf(m, "loaded the lab's %s: the focus at #%llu\n",
			   name, (unsigned long long)m->vm->cpu.insns);
		mon_show_pc(m);
	}
	return 0;
}

int mon_cmd_savevm(struct mon *m, struct mon_args *a)
{
	char name[MON_SNAP_NAME], err[512];
	const char *at;
	if (mon_args_keyword(a, "-l"))
		return lab_snap(m, a, 's');
	bool to_file = mon_args_keyword(a, "-o");
	if (!mon_args_word(a, name, sizeof name, &at)) {
		if (to_file)
			return mon_error(m, at, "savevm -o: which file?");
		snprintf(name, sizeof name, "snap%d", ++m->snap_seq);
		while (find(m, name))
			snprintf(name, sizeof name, "snap%d", ++m->snap_seq);
	}
	if (mon_args_end(m, a))
		return -1;
	struct ckpt ck;
	/* Disks by content, so that loadvm can tell if one changed. */
	if (ckpt_capture(&ck, m->vm, CKPT_DISK_CRC, err, sizeof err))
		return mon_error(m, NULL, "savevm: %s", err);
	ck.taken = (uint64_t)time(NULL);
	if (to_file) {
		int rc = ckpt_write_file(&ck, name, err, sizeof err);
		ckpt_free(&ck);
		if (rc)
			return mon_error(m, at, "savevm -o %s", err);
		mon_printf(m, "saved the machine at #%llu to %s\n",
			   (unsigned long long)m->vm->cpu.insns, name);
		return 0;
	}
	/* Its disks freeze: they stay as they are now, and the machine
	 * writes new overlays on them from here on. */
	char *frozen[VM_MAX_DISKS] = { 0 };
	for (unsigned d = 0; m->cfg.disk_layer && d < m->vm->cfg.ndisks;
	     d++) {
		if (m->vm->cfg.disks[d].read_only)
			continue;
		if (!(frozen[d] = strdup(m->vm->cfg.disks[d].name)))
			snprintf(err, sizeof err, "out of host memory");
		if (!frozen[d] || layer(m, d, frozen[d], name, err,
					sizeof err)) {
			for (unsigned k = 0; k <= d; k++)
				free(frozen[k]);
			ckpt_free(&ck);
			return mon_error(m, NULL, "savevm: disk %u: %s", d, err);
		}
	}
	struct mon_snapshot *s = find(m, name);
	if (s) {
		snap_free(s);
	} else {
		s = realloc(m->snaps, (size_t)(m->nsnaps + 1) * sizeof *s);
		if (!s) {
			ckpt_free(&ck);
			for (unsigned d = 0; d < VM_MAX_DISKS; d++)
				free(frozen[d]);
			return mon_error(m, NULL, "savevm: out of host memory "
					 "(the disks write new overlays all "
					 "the same)");
		}
		m->snaps = s;
		s = &m->snaps[m->nsnaps++];
		memset(s, 0, sizeof *s);
		snprintf(s->name, sizeof s->name, "%s", name);
	}
	s->ck = ck;
	memcpy(s->frozen, frozen, sizeof frozen);
	snprintf(s->parent, sizeof s->parent, "%s", m->snap_current);
	snprintf(m->snap_current, sizeof m->snap_current, "%s", name);
	mon_printf(m, "saved the machine at #%llu as %s\n",
		   (unsigned long long)m->vm->cpu.insns, name);
	for (unsigned d = 0; d < VM_MAX_DISKS; d++)
		if (frozen[d])
			mon_printf(m, "disk %u: %s is kept as it is; the machine "
				   "writes %s now\n", d, frozen[d],
				   m->vm->cfg.disks[d].name);
	return 0;
}

int mon_cmd_loadvm(struct mon *m, struct mon_args *a)
{
	char name[MON_SNAP_NAME], err[512];
	const char *at;
	if (mon_args_keyword(a, "-l"))
		return lab_snap(m, a, 'l');
	if (!mon_args_word(a, name, sizeof name, &at))
		return mon_error(m, at, "loadvm which? (info snapshots)");
	if (mon_args_end(m, a))
		return -1;
	struct mon_snapshot *s = find(m, name);
	if (!s)
		return mon_error(m, at, "no snapshot '%s' (info snapshots)",
				 name);
	/* Its disks as they were: a new overlay on each frozen image, so
	 * that new work starts a branch and leaves the snapshot as it is --
	 * once the state is known to apply (the frozen images are the
	 * snapshot's disks by construction: their CRC is checked after). */
	bool frozen = false;
	for (unsigned d = 0; d < VM_MAX_DISKS; d++)
		frozen |= s->frozen[d] != NULL;
	if (frozen && ckpt_check(&s->ck, m->vm, CKPT_CHANGED_DISKS, err,
				 sizeof err))
		return mon_error(m, at, "loadvm %s: %s", name, err);
	for (unsigned d = 0; d < VM_MAX_DISKS && m->cfg.disk_layer; d++)
		if (s->frozen[d] && d < m->vm->cfg.ndisks &&
		    layer(m, d, s->frozen[d], name, err, sizeof err))
			return mon_error(m, at, "loadvm %s: disk %u: %s", name,
					 d, err);
	if (ckpt_apply(&s->ck, m->vm, 0, err, sizeof err))
		return mon_error(m, at, "loadvm %s: %s", name, err);
	snprintf(m->snap_current, sizeof m->snap_current, "%s", name);
	for (unsigned d = 0; d < VM_MAX_DISKS; d++)
		if (s->frozen[d] && d < m->vm->cfg.ndisks)
			mon_printf(m, "disk %u: as saved in %s (%s); the machine "
				   "writes %s now\n", d, name, s->frozen[d],
				   m->vm->cfg.disks[d].name);
	/* Another present: the timeline starts again from it. */
	if (mon_timeline_begin(m))
		mon_printf(m, "warning: no timeline: %s\n", m->tl.why_off);
	m->prev = m->now;
	mon_snap_take(m->vm, &m->now);
	m->dis_next = m->x_next = m->vm->cpu.pc;
	mon_printf(m, "loaded %s: the machine at #%llu\n", name,
		   (unsigned long long)m->vm->cpu.insns);
	mon_show_pc(m);
	return 0;
}

int mon_cmd_delvm(struct mon *m, struct mon_args *a)
{
	char name[MON_SNAP_NAME];
	const char *at;
	if (mon_args_keyword(a, "-l"))
		return lab_snap(m, a, 'd');
	if (!mon_args_word(a, name, sizeof name, &at))
		return mon_error(m, at, "delvm which? (info snapshots)");
	if (mon_args_end(m, a))
		return -1;
	struct mon_snapshot *s = find(m, name);
	if (!s)
		return mon_error(m, at, "no snapshot '%s' (info snapshots)",
				 name);
	/* Its frozen images stay: later overlays may stand on them. */
	snap_free(s);
	for (int i = 0; i < m->nsnaps; i++)
		if (!strcmp(m->snaps[i].parent, name))
			snprintf(m->snaps[i].parent, sizeof m->snaps[i].parent,
				 "%s", s->parent);
	if (!strcmp(m->snap_current, name))
		snprintf(m->snap_current, sizeof m->snap_current, "%s",
			 s->parent);
	memmove(s, s + 1, (size_t)(m->snaps + m->nsnaps - s - 1) * sizeof *s);
	m->nsnaps--;
	return 0;
}

int mon_info_snapshots(struct mon *m, struct mon_args *a)
{
	if (mon_args_end(m, a))
		return -1;
	if (m->cfg.lab && m->cfg.lab->snap_list) {
		fflush(m->out);
		m->cfg.lab->snap_list(m->cfg.lab->opaque, m->out);
	}
	if (!m->nsnaps) {
		mon_printf(m, "no snapshots (savevm takes one)\n");
		return 0;
	}
	mon_printf(m, "%-16s %12s  %-10s %8s  %s\n", "name", "insns", "pc",
		   "RAM KiB", "from");
	for (int i = 0; i < m->nsnaps; i++) {
		const struct mon_snapshot *s = &m->snaps[i];
		const struct ckpt *ck = &s->ck;
		mon_printf(m, "%-16s %12llu  0x%08x %8u  %s%s\n", s->name,
			   (unsigned long long)ck->cpu.insns, ck->cpu.pc,
			   ck->nstored * (MEM_PAGE_SIZE / 1024),
			   s->parent[0] ? s->parent : "-",
			   !strcmp(s->name, m->snap_current) ? "  (now)" : "");
		for (unsigned d = 0; d < VM_MAX_DISKS; d++)
			if (s->frozen[d])
				mon_printf(m, "  disk %u: %s\n", d, s->frozen[d]);
	}
	return 0;
}

int mon_load_state(struct mon *m, const struct ckpt *ck, char *err,
		   size_t errlen)
{
	if (ckpt_apply(ck, m->vm, 0, err, errlen))
		return -1;
	mon_focus(m, m->vm);
	return 0;
}

void mon_forget(struct mon *m)
{
	m->nbp = m->next_bp = 0;
	m->next_bp_temporary = false;
	m->ndisp = m->next_disp = 0;
	mon_snapshots_free(m);
	m->snap_seq = 0;
	/* The console as mon_console_attach leaves it: only the back end
	 * and the buffers stay. */
	struct mon_console *k = &m->con;
	k->in_len = k->in_pos = 0;
	k->want_len = 0;
	k->mid_line = k->starved = k->waiting = false;
	k->idle_insns = k->user_wait = k->wait_mark = 0;
	m->x_fmt = 'x';
	m->x_size = 4;
	m->x_count = 0;
	m->quit = false;
	m->exit_code = 0;
	mon_focus(m, m->vm);
}
