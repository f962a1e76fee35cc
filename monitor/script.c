/*
 * Scripting, after SIMH's: send types into the guest's console, expect
 * runs until the console has printed some text, assert checks the state,
 * runlimit bounds every run, quit sets the exit status.
 *
 * The monitor sits between the UART and the console's host back end:
 *
 *   guest UART --getc--> send queue, then the back end (file, terminal)
 *              --putc--> the back end, and the `seen` buffer for expect
 *
 * Without a back end for input (no --console-in, and no terminal), the
 * guest reads only what send queued.  Such a guest asleep in halt waiting
 * for input would never finish a run: when it polls twice with nothing
 * retired between, the run stops ("the guest waits for console input").
 */
#include <stdlib.h>
#include <string.h>

#include "monitor/mon_int.h"

/* A guest halted until someone types at the terminal waits for the user,
 * not for itself: those ticks are not its runlimit's (Ctrl-C ends the
 * wait), while a guest halted for anything else -- a masked line, a
 * forgotten EOI under a ticking timer -- still uses up its budget.  Only
 * a terminal answers "nothing yet"; files and pipes block or end. */
static void note_user_wait(struct mon *m, bool waiting)
{
	struct mon_console *k = &m->con;
	uint64_t now = m->vm->halted_time;
	if (waiting && k->waiting)
		k->user_wait += now - k->wait_mark;
	k->waiting = waiting;
	k->wait_mark = now;
}

static int con_getc(void *opaque)
{
	struct mon *m = opaque;
	struct mon_console *k = &m->con;
	const struct cpu *c = &m->vm->cpu;
	if (mon_interrupted) {
		/* A guest asleep waiting for typed input never ends a
		 * slice: this is where Ctrl-C gets it back. */
		vm_yield(m->vm);
		return VM_CONSOLE_NONE;
	}
	int r;
	/* Back on the timeline, the guest reads what it read then. */
	if (tl_input_replay(&m->tl, m->vm, &r))
		return r;
	if (k->in_pos < k->in_len) {
		r = (unsigned char)k->in[k->in_pos++];
		tl_input_log(&m->tl, m->vm, r);
		return r;
	}
	if (k->back.getc) {
		r = k->back.getc(k->back.opaque);
		note_user_wait(m, r == VM_CONSOLE_NONE && c->halted);
		tl_input_log(&m->tl, m->vm, r);
		return r;
	}
	if (c->halted) {
		if (c->insns == k->idle_insns) {
			k->starved = true;
			vm_yield(m->vm);
		}
		k->idle_insns = c->insns;
	}
	return VM_CONSOLE_NONE;
}

static void con_putc(void *opaque, uint8_t byte)
{
	struct mon *m = opaque;
	struct mon_console *k = &m->con;
	if (tl_output_seen(&m->tl, m->vm))
		return;		/* shown when the guest first printed it */
	if (k->back.putc)
		k->back.putc(k->back.opaque, byte);
	k->mid_line = byte != '\n';
	if (k->seen_len == MON_SEEN_MAX) {
		memmove(k->seen, k->seen + MON_SEEN_MAX / 2, MON_SEEN_MAX / 2);
		k->seen_len -= MON_SEEN_MAX / 2;
	}
	k->seen[k->seen_len++] = (char)byte;
	if (k->want_len && !k->matched && k->seen_len >= k->want_len &&
	    !memcmp(k->seen + k->seen_len - k->want_len, k->want,
		    k->want_len)) {
		/* Stop at this very instruction: the run is deterministic
		 * to the instruction. */
		k->matched = true;
		k->seen_len = 0;
		vm_yield(m->vm);
	}
	if (mon_interrupted)
		vm_yield(m->vm);
}

/* A frame the guest sends again, back on the timeline, went on the wire
 * the first time. */
static void nic_send(void *opaque, const uint8_t *frame, uint32_t len,
		     uint64_t now)
{
	struct mon *m = opaque;
	if (!tl_output_seen(&m->tl, m->vm))
		m->nic_back.send(m->nic_back.opaque, frame, len, now);
}

/* Frames and keys from outside: logged on the timeline the first time,
 * served from it when the run passes there again. */
static uint32_t nic_recv(void *opaque, uint8_t *buf, uint32_t cap,
			 uint64_t now, uint64_t wait)
{
	struct mon *m = opaque;
	uint32_t len;
	int key;
	if (tl_ext_replay(&m->tl, m->vm, TL_EXT_FRAME, &key, buf, cap, &len))
		return len;
	len = m->nic_back.recv(m->nic_back.opaque, buf, cap, now, wait);
	tl_ext_log(&m->tl, m->vm, TL_EXT_FRAME, VM_KEY_NONE, buf, len);
	return len;
}

static int next_key(void *opaque, uint64_t now)
{
	struct mon *m = opaque;
	uint32_t len;
	int key;
	if (tl_ext_replay(&m->tl, m->vm, TL_EXT_KEY, &key, NULL, 0, &len))
		return key;
	key = m->kbd_back.next_key(m->kbd_back.opaque, now);
	tl_ext_log(&m->tl, m->vm, TL_EXT_KEY, key, NULL, 0);
	return key;
}

static int nic_link(void *opaque)
{
	struct mon *m = opaque;
	return m->nic_back.link ? m->nic_back.link(m->nic_back.opaque) : 1;
}

/* The disks' calls, through the timeline, which logs each write so that
 * going back undoes it. */
static int disk_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	const struct mon_disk *d = opaque;
	const struct vm_disk_host *h = &d->m->tl.disk[d->unit];
	return h->read(h->opaque, off, buf, len);
}

static int disk_write(void *opaque, uint64_t off, const void *buf,
		      size_t len)
{
	const struct mon_disk *d = opaque;
	return tl_disk_write(&d->m->tl, d->unit, off, buf, len);
}

static int disk_flush(void *opaque)
{
	const struct mon_disk *d = opaque;
	const struct vm_disk_host *h = &d->m->tl.disk[d->unit];
	return h->flush ? h->flush(h->opaque) : 0;
}

void mon_console_attach(struct mon *m)
{
	tl_disk_hosts(&m->tl, m->cfg.vm.disks, m->cfg.vm.ndisks);
	for (unsigned i = 0; i < m->cfg.vm.ndisks; i++) {
		struct vm_disk_host *h = &m->cfg.vm.disks[i];
		m->disk[i] = (struct mon_disk){ .m = m, .unit = i };
		h->opaque = &m->disk[i];
		h->read = disk_read;
		h->write = disk_write;
		h->flush = disk_flush;
	}
	m->nic_back = m->cfg.vm.nic;
	if (m->nic_back.send)
		m->cfg.vm.nic = (struct vm_nic_host){
			.opaque = m, .send = nic_send,
			.recv = m->nic_back.recv ? nic_recv : NULL,
			.link = nic_link };
	m->kbd_back = m->cfg.vm.keyboard;
	if (m->kbd_back.next_key) {
		m->cfg.vm.keyboard.opaque = m;
		m->cfg.vm.keyboard.next_key = next_key;
	}
	m->con.back = m->cfg.vm.console;
	m->cfg.vm.console = (struct vm_console_host){
		.opaque = m, .getc = con_getc, .putc = con_putc };
}

int mon_cmd_send(struct mon *m, struct mon_args *a)
{
	char text[MON_LINE_MAX];
	size_t len;
	struct mon_console *k = &m->con;
	if (mon_args_string(m, a, text, sizeof text, &len) ||
	    mon_args_end(m, a))
		return -1;
	if (k->in_pos == k->in_len)
		k->in_pos = k->in_len = 0;
	if (k->in_len + len > k->in_cap) {
		size_t cap = 2 * (k->in_len + len);
		char *p = realloc(k->in, cap);
		if (!p)
			return mon_error(m, NULL, "out of host memory");
		k->in = p;
		k->in_cap = cap;
	}
	memcpy(k->in + k->in_len, text, len);
	k->in_len += len;
	/* Typed now, it makes the moments after now another future. */
	tl_diverge(&m->tl, m->vm);
	return 0;
}

int mon_cmd_expect(struct mon *m, struct mon_args *a)
{
	struct mon_console *k = &m->con;
	char text[MON_LINE_MAX];
	size_t len;
	struct mon_go g = { .goal = MON_GO_EXPECT };
	if (mon_args_string(m, a, text, sizeof text, &len))
		return -1;
	if (len == 0)
		return mon_error(m, NULL, "expect \"\": expect some text");
	if (mon_args_keyword(a, "within")) {
		uint32_t n;
		const char *at = (mon_skip_blanks(a), a->p);
		if (mon_args_expr(m, a, &n, NULL))
			return -1;
		if (n == 0)
			return mon_error(m, at, "within at least 1");
		g.within = n;
		if (!mon_args_keyword(a, "insns"))
			mon_args_keyword(a, "instructions");
	}
	if (mon_args_end(m, a))
		return -1;
	/* Printed already, since the previous expect? */
	for (size_t i = 0; i + len <= k->seen_len; i++)
		if (!memcmp(k->seen + i, text, len)) {
			memmove(k->seen, k->seen + i + len,
				k->seen_len - i - len);
			k->seen_len -= i + len;
			return 0;
		}
	memcpy(k->want, text, len);
	k->want[len] = 0;
	k->want_len = len;
	k->matched = false;
	int rc = mon_go(m, &g);
	k->want_len = 0;
	return rc;
}

int mon_cmd_assert(struct mon *m, struct mon_args *a)
{
	struct mon_expr r;
	uint32_t v;
	char msg[MON_LINE_MAX];
	size_t len = 0;
	const char *start = (mon_skip_blanks(a), a->p);
	if (mon_at_end(a))
		return mon_error(m, start, "assert what? (an expression)");
	if (mon_args_expr(m, a, &v, &r))
		return -1;
	int n = (int)(r.end - start);
	while (n && (start[n - 1] == ' ' || start[n - 1] == '\t'))
		n--;
	msg[0] = 0;
	if (!mon_at_end(a) && mon_args_string(m, a, msg, sizeof msg, &len))
		return -1;
	if (mon_args_end(m, a))
		return -1;
	if ((r.wide ? r.value64 != 0 : v != 0) || m->cfg.check_only)
		return 0;
	mon_error(m, NULL, "assert failed: %.*s%s%s", n, start,
		  msg[0] ? ": " : "", msg);
	for (int i = 0; i < r.nterm; i++)
		mon_printf(m, r.term[i].wide ? "  %.*s = 0x%016llx (%llu)\n"
					     : "  %.*s = 0x%08llx (%llu)\n",
			   r.term[i].len, r.term[i].text,
			   (unsigned long long)r.term[i].value,
			   (unsigned long long)r.term[i].value);
	return -1;
}

int mon_cmd_runlimit(struct mon *m, struct mon_args *a)
{
	uint32_t n;
	if (mon_at_end(a)) {
		if (m->runlimit)
			mon_printf(m, "runlimit: %llu instructions per run\n",
				   (unsigned long long)m->runlimit);
		else
			mon_printf(m, "runlimit: off\n");
		return 0;
	}
	if (mon_args_keyword(a, "off")) {
		m->runlimit = 0;
		return mon_args_end(m, a);
	}
	/* What --max-insns takes: any 64-bit count. */
	struct mon_expr r;
	const char *at = (mon_skip_blanks(a), a->p);
	if (*at == '-')
		return mon_error(m, at, "runlimit takes a count of "
				 "instructions, or off");
	if (mon_args_expr(m, a, &n, &r) || mon_args_end(m, a))
		return -1;
	m->runlimit = r.wide ? r.value64 : n;
	return 0;
}

void mon_set_runlimit(struct mon *m, uint64_t n)
{
	m->runlimit = n;
}

int mon_cmd_echo(struct mon *m, struct mon_args *a)
{
	mon_skip_blanks(a);
	mon_printf(m, "%s\n", a->p);
	return 0;
}

int mon_cmd_quit(struct mon *m, struct mon_args *a)
{
	uint32_t code;
	const char *at = (mon_skip_blanks(a), a->p);
	if (mon_args_opt_expr(m, a, 0, &code) || mon_args_end(m, a))
		return -1;
	if (code > 255)
		return mon_error(m, at, "an exit status is from 0 to 255");
	m->quit = true;
	m->exit_code = (int)code;
	return 0;
}
