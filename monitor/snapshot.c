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

void mon_snapshots_free(struct mon *m)
{
	for (int i = 0; i < m->nsnaps; i++)
		ckpt_free(&m->snaps[i].ck);
	free(m->snaps);
	m->snaps = NULL;
	m->nsnaps = 0;
}

int mon_cmd_savevm(struct mon *m, struct mon_args *a)
{
	char name[MON_SNAP_NAME], err[512];
	const char *at;
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
	struct mon_snapshot *s = find(m, name);
	if (s) {
		ckpt_free(&s->ck);
	} else {
		s = realloc(m->snaps, (size_t)(m->nsnaps + 1) * sizeof *s);
		if (!s) {
			ckpt_free(&ck);
			return mon_error(m, NULL, "savevm: out of host memory");
		}
		m->snaps = s;
		s = &m->snaps[m->nsnaps++];
		snprintf(s->name, sizeof s->name, "%s", name);
	}
	s->ck = ck;
	mon_printf(m, "saved the machine at #%llu as %s\n",
		   (unsigned long long)m->vm->cpu.insns, name);
	return 0;
}

int mon_cmd_loadvm(struct mon *m, struct mon_args *a)
{
	char name[MON_SNAP_NAME], err[512];
	const char *at;
	if (!mon_args_word(a, name, sizeof name, &at))
		return mon_error(m, at, "loadvm which? (info snapshots)");
	if (mon_args_end(m, a))
		return -1;
	struct mon_snapshot *s = find(m, name);
	if (!s)
		return mon_error(m, at, "no snapshot '%s' (info snapshots)",
				 name);
	if (ckpt_apply(&s->ck, m->vm, 0, err, sizeof err))
		return mon_error(m, at, "loadvm %s: %s", name, err);
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
	if (!mon_args_word(a, name, sizeof name, &at))
		return mon_error(m, at, "delvm which? (info snapshots)");
	if (mon_args_end(m, a))
		return -1;
	struct mon_snapshot *s = find(m, name);
	if (!s)
		return mon_error(m, at, "no snapshot '%s' (info snapshots)",
				 name);
	ckpt_free(&s->ck);
	memmove(s, s + 1, (size_t)(m->snaps + m->nsnaps - s - 1) * sizeof *s);
	m->nsnaps--;
	return 0;
}

int mon_info_snapshots(struct mon *m, struct mon_args *a)
{
	if (mon_args_end(m, a))
		return -1;
	if (!m->nsnaps) {
		mon_printf(m, "no snapshots (savevm takes one)\n");
		return 0;
	}
	mon_printf(m, "%-16s %12s  %-10s %8s\n", "name", "insns", "pc",
		   "RAM KiB");
	for (int i = 0; i < m->nsnaps; i++) {
		const struct ckpt *ck = &m->snaps[i].ck;
		mon_printf(m, "%-16s %12llu  0x%08x %8u\n", m->snaps[i].name,
			   (unsigned long long)ck->cpu.insns, ck->cpu.pc,
			   ck->nstored * (MEM_PAGE_SIZE / 1024));
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
