/*
 * The monitor session: building it, running lines and scripts, and what
 * every command needs -- names in expressions, labels, and guest memory
 * read without side effects.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asm/dis.h"
#include "cpu/isa.h"
#include "monitor/mon_int.h"
#include "state/dump.h"

/* ---- names and memory --------------------------------------------------- */

static int mon_label(struct mon *m, const char *name, uint32_t *v)
{
	const struct image_symbol *s;
	if (!m->img)
		return -1;
	if (name[0] == '.') {
		/* A local label of the function at pc: "main" + ".loop". */
		s = image_symbol_at(m->img, m->vm->cpu.pc);
		if (!s)
			return -1;
		char full[2 * MON_NAME_MAX];
		const char *dot = strchr(s->name + 1, '.');
		int glen = dot ? (int)(dot - s->name) : (int)strlen(s->name);
		snprintf(full, sizeof full, "%.*s%s", glen, s->name, name);
		s = image_symbol_named(m->img, full);
	} else {
		s = image_symbol_named(m->img, name);
		/* A constant (.equ): print USER_STACK. */
		if (!s)
			s = image_constant_named(m->img, name);
	}
	if (!s)
		return -1;
	*v = s->value;
	return 0;
}

/* Registers and labels have 32 bits; the counters 64. */
static int env_name(void *opaque, const char *name, uint64_t *v)
{
	struct mon *m = opaque;
	const struct cpu *c = &m->vm->cpu;
	uint32_t v32;
	if (!strcmp(name, "$insns"))
		*v = c->insns;
	else if (!strcmp(name, "$exceptions"))
		*v = c->exceptions;
	else if (!strcmp(name, "$time"))
		*v = vm_now(m->vm);
	else if (mon_reg_get(m->vm, name, &v32) == 0 ||
		 !strcmp(name, "$stop_code") || mon_label(m, name, &v32) == 0) {
		*v = !strcmp(name, "$stop_code") ? m->vm->stop_code : v32;
		return MON_EXPR_NARROW;
	} else
		return -1;
	return MON_EXPR_WIDE;
}

#define CHECK_NAME_VALUE 0x1000	/* where aula as puts code by default */

/* check_only: any name may be a label of the program to come; the
 * default origin of code keeps "at least 1", "a multiple of 4" and "in RAM"
 * checks of its value quiet. */
static int check_name(void *opaque, const char *name, uint64_t *v)
{
	(void)opaque, (void)name;
	*v = CHECK_NAME_VALUE;
	return 0;
}

static int env_deref(void *opaque, uint32_t addr, uint32_t *v, char *why,
		     size_t whylen)
{
	uint8_t b[4];
	if (mon_read_virt(opaque, addr, b, 4, why, whylen))
		return -1;
	*v = mem_ld32(b);
	return 0;
}

static const char *sym_text(const struct image_symbol *s, uint32_t addr,
			    char *buf, size_t len);

const char *mon_sym(struct mon *m, uint32_t addr, char *buf, size_t len)
{
	const struct image_symbol *s = m->img ? image_symbol_at(m->img, addr)
					      : NULL;
	return sym_text(mon_pick_label(m, addr, s), addr, buf, len);
}

const char *mon_symbolize(const struct image *img, uint32_t addr, char *buf,
			  size_t len)
{
	return sym_text(img ? image_symbol_at(img, addr) : NULL, addr, buf,
			len);
}

static const char *sym_text(const struct image_symbol *s, uint32_t addr,
			    char *buf, size_t len)
{
	/* Far from any label (the stack, say) a label+offset misleads. */
	if (!s || addr - s->value >= 0x10000)
		buf[0] = 0;
	else if (addr == s->value)
		dis_format(buf, len, " <%s>", s->name);
	else
		dis_format(buf, len, " <%s+0x%x>", s->name, addr - s->value);
	return buf;
}

static const char *fault_text(unsigned cause)
{
	if ((cause & 0xff) == CPU_VEC_BUS_ERROR)
		return "no RAM there";
	if (cause & MMU_FAULT_PROT)
		return "page protection";
	return "not mapped";
}

int mon_read_phys(struct mon *m, uint32_t pa, void *buf, uint32_t len,
		  char *why, size_t whylen)
{
	if (mem_read(&m->vm->mem, pa, buf, len) != 0) {
		snprintf(why, whylen, "no RAM there");
		return -1;
	}
	return 0;
}

int mon_read_virt(struct mon *m, uint32_t va, void *buf, uint32_t len,
		  char *why, size_t whylen)
{
	uint8_t *out = buf;
	while (len) {
		uint32_t pa, n = MEM_PAGE_SIZE - (va & MEM_PAGE_MASK);
		if (n > len)
			n = len;
		unsigned cause = mmu_peek(m->vm, va, MMU_READ, false, &pa);
		if (cause) {
			snprintf(why, whylen, "%s", fault_text(cause));
			return -1;
		}
		if (mon_read_phys(m, pa, out, n, why, whylen))
			return -1;
		out += n, va += n, len -= n;
	}
	return 0;
}

int mon_write_mem(struct mon *m, uint32_t addr, bool phys, const void *buf,
		  uint32_t len, char *why, size_t whylen)
{
	const uint8_t *in = buf;
	while (len) {
		uint32_t pa = addr, n = MEM_PAGE_SIZE - (addr & MEM_PAGE_MASK);
		if (n > len)
			n = len;
		/* A debugger may write read-only pages: translate as a
		 * read. */
		unsigned cause = phys ? 0 : mmu_peek(m->vm, addr, MMU_READ,
						     false, &pa);
		if (cause) {
			snprintf(why, whylen, "%s", fault_text(cause));
			return -1;
		}
		if (mem_write(&m->vm->mem, pa, in, n) != 0) {
			snprintf(why, whylen, "no RAM there");
			return -1;
		}
		in += n, addr += n, len -= n;
	}
	/* The store may have changed code or a page table behind the
	 * TLB's and the shadows' back: start them afresh. */
	mmu_reset(m->vm);
	return 0;
}

int mon_read_insn(struct mon *m, uint32_t va, uint32_t *insn)
{
	uint8_t b[4];
	char why[64];
	if (mon_read_virt(m, va, b, 4, why, sizeof why))
		return -1;
	*insn = mem_ld32(b);
	return 0;
}

void mon_insn_text(struct mon *m, uint32_t va, char *buf, size_t len)
{
	uint8_t b[4];
	char why[64], dis[96];
	if (mon_read_virt(m, va, b, 4, why, sizeof why)) {
		snprintf(buf, len, "(cannot read: %s)", why);
		return;
	}
	uint32_t w = mem_ld32(b);
	dis_format(buf, len, "%08x  %s", w, dis_insn(w, va, m->img, dis,
						      sizeof dis));
}

/* ---- lines and scripts -------------------------------------------------- */

void mon_end_console_line(struct mon *m)
{
	if (m->con.mid_line && m->cfg.console_is_out) {
		fputc('\n', m->out);
		m->con.mid_line = false;
	}
}

int mon_run_line(struct mon *m, const char *text)
{
	char line[MON_LINE_MAX];
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		n--;
	if (n >= sizeof line) {
		m->line = NULL;
		return mon_error(m, NULL, "line too long (at most %d bytes)",
				 MON_LINE_MAX - 1);
	}
	memcpy(line, text, n);
	line[n] = 0;
	const char *prev_line = m->line;
	m->line = line;

	struct mon_args a = { .line = line, .p = line };
	mon_skip_blanks(&a);
	int rc = 0;
	if (!*a.p || *a.p == '#')
		goto out;
	const char *word = a.p;
	while (*a.p && !isspace((unsigned char)*a.p) && *a.p != '/')
		a.p++;
	size_t len = (size_t)(a.p - word);
	if (*a.p == '/') {
		a.fmt = ++a.p;
		while (*a.p && !isspace((unsigned char)*a.p))
			a.p++;
		a.fmtlen = (size_t)(a.p - a.fmt);
	}
	const struct mon_cmd *cmd;
	int found = mon_cmd_lookup(word, len, &cmd);
	if (found == 0) {
		rc = mon_error(m, word, "no command '%.*s' (help lists them)",
			       (int)len, word);
	} else if (found > 1) {
		char names[256] = "";
		size_t used = 0;
		for (size_t i = 0; i < mon_ncmds && used < sizeof names; i++)
			if (!strncmp(mon_cmds[i].name, word, len))
				used += (size_t)snprintf(names + used,
							 sizeof names - used,
							 " %s",
							 mon_cmds[i].name);
		rc = mon_error(m, word, "'%.*s' is ambiguous:%s", (int)len,
			       word, names);
	} else if (a.fmt && cmd->fn != mon_cmd_x && cmd->fn != mon_cmd_xp &&
		   cmd->fn != mon_cmd_print && cmd->fn != mon_cmd_display) {
		rc = mon_error(m, a.fmt - 1, "%s takes no /format", cmd->name);
	} else {
		rc = cmd->fn(m, &a);
	}
out:
	fflush(m->out);
	m->line = prev_line;
	return rc;
}

int mon_exec(struct mon *m, const char *line)
{
	return mon_run_line(m, line);
}

int mon_check(struct mon *m, const char *line, char *err, size_t errlen,
	      int *col)
{
	m->check_err[0] = 0;
	m->check_col = 0;
	m->quit = false;
	if (mon_run_line(m, line) == 0)
		return 0;
	snprintf(err, errlen, "%s", m->check_err[0] ? m->check_err
		 : "the command fails");
	*col = m->check_col;
	return -1;
}

static int run_stream(struct mon *m, FILE *f, const char *name)
{
	char line[MON_LINE_MAX + 2];
	int rc = 0;
	const char *saved_src = m->src;
	int saved_no = m->lineno, no = 0;
	while (!m->quit && fgets(line, sizeof line, f)) {
		no++;
		m->src = name;
		m->lineno = no;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = mon_error(m, NULL, "line too long");
			break;
		}
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (m->echo && *p && *p != '\n' && *p != '#') {
			mon_end_console_line(m);
			fprintf(m->out, "(aula) %s%s", line,
				strchr(line, '\n') ? "" : "\n");
		}
		/* "-command" may fail, and the script goes on (as in
		 * make); tests use it to show error messages. */
		bool may_fail = *p == '-';
		if ((rc = mon_run_line(m, may_fail ? p + 1 : line)) != 0 &&
		    !may_fail)
			break;
		rc = 0;
	}
	m->src = saved_src;
	m->lineno = saved_no;
	return rc;
}

static int mon_source(struct mon *m, const char *path)
{
	if (m->depth >= MON_SOURCE_DEPTH)
		return mon_error(m, NULL, "source: nested more than %d deep",
				 MON_SOURCE_DEPTH);
	FILE *f = fopen(path, "r");
	if (!f)
		return mon_error(m, NULL, "%s: %s", path, strerror(errno));
	m->depth++;
	int rc = run_stream(m, f, path);
	m->depth--;
	fclose(f);
	return rc;
}

int mon_cmd_source(struct mon *m, struct mon_args *a)
{
	mon_skip_blanks(a);
	if (!*a->p)
		return mon_error(m, a->p, "source which file?");
	char path[MON_LINE_MAX];
	snprintf(path, sizeof path, "%s", a->p);
	size_t n = strlen(path);
	while (n && isspace((unsigned char)path[n - 1]))
		path[--n] = 0;
	return mon_source(m, path);
}

/* ---- the session -------------------------------------------------------- */

struct mon *mon_create(const struct mon_config *cfg, char *err,
		       size_t errlen)
{
	struct mon *m = calloc(1, sizeof *m);
	if (m && !(m->con.seen = malloc(MON_SEEN_MAX))) {
		free(m);
		m = NULL;
	}
	if (!m) {
		snprintf(err, errlen, "out of host memory");
		return NULL;
	}
	m->cfg = *cfg;
	m->cfg.vm.history = true;	/* history, vector breakpoints */
	m->img = cfg->img;
	m->out = cfg->out ? cfg->out : stdout;
	m->runlimit = cfg->runlimit;
	m->echo = true;
	m->x_fmt = 'x';
	m->x_size = 4;
	m->env = (struct mon_expr_env){ .opaque = m, .name = env_name,
					.deref = env_deref };
	if (cfg->check_only)
		m->env = (struct mon_expr_env){ .name = check_name,
						.parse_only = true };
	m->trace.img = m->img;
	if (cfg->console_is_out) {
		m->trace.console = m->out;
		m->trace.console_mid_line = &m->con.mid_line;
	}
	for (int i = 0; i < MON_TRACE_NCAT; i++)
		if (cfg->trace & (1u << i))
			m->trace.f[i] = cfg->trace_file;
	if (cfg->lab) {
		mon_focus(m, cfg->lab_vm);
		return m;
	}
	mon_console_attach(m);
	if (mon_new_machine(m, err, errlen) != 0) {
		mon_destroy(m);
		return NULL;
	}
	return m;
}

void mon_destroy(struct mon *m)
{
	if (!m)
		return;
	mon_trace_close(&m->trace);
	mon_sources_free(m);
	tl_free(&m->tl);
	mon_snapshots_free(m);
	if (!m->cfg.lab)
		vm_destroy(m->vm);
	free(m->con.in);
	free(m->con.seen);
	free(m->bp);
	free(m->disp);
	free(m);
}

struct vm *mon_vm(struct mon *m)
{
	return m->vm;
}

int mon_main(struct mon *m)
{
	char sym[160];
	if (m->cfg.run_first) {
		/* Like aula run, unless the guest crashes or hangs. */
		struct mon_go g = { .goal = MON_GO_CONTINUE,
				    .quiet_poweroff = true };
		m->interactive = isatty(STDIN_FILENO);
		mon_go(m, &g);
		if (m->vm->stop == VM_STOP_POWEROFF)
			return dump_exit_status(m->vm);
		mon_printf(m, "aula debug: the guest did not power off; the "
			   "monitor takes over (help lists the commands).\n");
	} else if (!m->cfg.quiet && m->cfg.restored_from) {
		mon_printf(m, "aula debug: the machine saved in %s, at #%llu; "
			   "help lists the commands.\n", m->cfg.restored_from,
			   (unsigned long long)m->vm->cpu.insns);
		mon_show_pc(m);
	} else if (!m->cfg.quiet) {
		mon_printf(m, "aula debug: %s, entry 0x%08x%s; help lists "
			   "the commands.\n", m->cfg.program ? m->cfg.program
							      : "(program)",
			   m->vm->entry, mon_sym(m, m->vm->entry, sym,
						 sizeof sym));
		mon_show_pc(m);
	}
	for (int i = 0; i < m->cfg.nscripts && !m->quit; i++) {
		if (mon_source(m, m->cfg.scripts[i]) == 0)
			continue;
		if (m->cfg.batch || m->quit)
			return m->quit ? m->exit_code : MON_EXIT_SCRIPT;
		mon_printf(m, "(script %s stopped; the prompt takes over)\n",
			   m->cfg.scripts[i]);
		break;
	}
	/* Without quit, --monitor=crash exits as aula run would have. */
	int status = m->cfg.run_first ? dump_exit_status(m->vm) : MON_EXIT_OK;
	if (m->quit || m->cfg.batch)
		return m->quit ? m->exit_code : status;
	if (isatty(STDIN_FILENO)) {
		m->interactive = true;
		m->echo = false;
		int rc = mon_prompt_loop(m);
		return m->quit ? rc : status;
	}
	/* Commands on a pipe: a script that is standard input. */
	if (run_stream(m, stdin, "<stdin>") != 0 && !m->quit)
		return MON_EXIT_SCRIPT;
	return m->quit ? m->exit_code : status;
}
