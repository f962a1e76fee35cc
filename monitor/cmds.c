/*
 * The command table.  Dispatch, `help`, `help NAME` and tab completion
 * are all generated from it, so a command exists in all four or in none.
 * `help` must fit an 80x24 terminal (tests/unit/test_mon.c checks it).
 */
#include <ctype.h>
#include <string.h>

#include "cpu/vm.h"
#include "io/dev.h"
#include "monitor/mon_int.h"

const char *const mon_group_names[MON_G_NGROUPS] = {
	[MON_G_RUN] = "running", [MON_G_BREAK] = "breakpoints",
	[MON_G_STATE] = "state", [MON_G_INFO] = "information",
	[MON_G_SCRIPT] = "scripts", [MON_G_BACK] = "going back",
};

#define CMD(n, al, ar, sum, hlp, f, g, c, rep)                             \
	{ .name = n, .alias = al, .args = ar, .summary = sum, .help = hlp, \
	  .fn = f, .group = g, .complete = c, .repeat = rep }

/* help lists the table it stands in. */
static int mon_cmd_help(struct mon *m, struct mon_args *a);

const struct mon_cmd mon_cmds[] = {
	CMD("step", "s", "[N]", "run N instructions (1)",
	    "Runs N instructions one at a time and shows the next one.  An\n"
	    "exception or interrupt entry counts as a step, so stepping into\n"
	    "a trap stops at its handler.  Breakpoints and watchpoints stop\n"
	    "it early.\n",
	    mon_cmd_step, MON_G_RUN, MON_C_EXPR, MON_REPEAT_LINE),
	CMD("next", "n", "[N]", "step over call and trap",
	    "Like step, but a call, callr or trap runs to the instruction\n"
	    "after it (same stack pointer, same mode) before stopping.\n",
	    mon_cmd_next, MON_G_RUN, MON_C_EXPR, MON_REPEAT_LINE),
	CMD("finish", NULL, "", "run until this function ends",
	    "Runs until the current function returns: the first ret (or the\n"
	    "rti of an exception handler) not matched by a call made\n"
	    "meanwhile.  Shows r1, the result by convention.\n",
	    mon_cmd_finish, MON_G_RUN, MON_C_NONE, MON_REPEAT_LINE),
	CMD("continue", "c", "", "run to a breakpoint or stop",
	    "Runs the guest at full speed when no breakpoint or watchpoint is\n"
	    "enabled, else one instruction at a time, checking them.  Ctrl-C\n"
	    "stops it; the guest does not notice.  An empty line at the\n"
	    "prompt continues again (finish, step and next repeat too).\n",
	    mon_cmd_continue, MON_G_RUN, MON_C_NONE, MON_REPEAT_LINE),
	CMD("until", "u", "[ADDR]", "run to ADDR or out of a loop",
	    "With ADDR (an expression: a label, an address), runs until pc\n"
	    "is ADDR.  Without, runs until pc passes the current one in this\n"
	    "function (out of a backward loop), or the function returns.\n",
	    mon_cmd_until, MON_G_RUN, MON_C_EXPR, MON_REPEAT_NO),
	CMD("reverse-step", "rs", "[N]", "back N instructions (1)",
	    "Goes back N steps on the timeline, as step counts them: the\n"
	    "machine is as it was N steps ago, console input included.\n"
	    "Output is not shown again.  info timeline shows how far back\n"
	    "it reaches.\n",
	    mon_cmd_reverse_step, MON_G_BACK, MON_C_EXPR, MON_REPEAT_LINE),
	CMD("reverse-next", NULL, "[N]", "back over calls",
	    "Like reverse-step, but a call made from this function, with\n"
	    "everything it ran, counts as one step: back to the previous\n"
	    "instruction of this function (or the call that entered it).\n",
	    mon_cmd_reverse_next, MON_G_BACK, MON_C_EXPR, MON_REPEAT_LINE),
	CMD("reverse-finish", NULL, "", "back to the call",
	    "Goes back to the call (or the exception entry) that entered the\n"
	    "current function, and stops before it runs.\n",
	    mon_cmd_reverse_finish, MON_G_BACK, MON_C_NONE, MON_REPEAT_NO),
	CMD("reverse-continue", "rc", "", "back to a breakpoint",
	    "Goes back to the previous moment a breakpoint or watchpoint\n"
	    "stopped the guest, or would have: conditions are checked, and\n"
	    "the stop is reported as continue reports it.  Without one, to\n"
	    "the start of the timeline.\n",
	    mon_cmd_reverse_continue, MON_G_BACK, MON_C_NONE, MON_REPEAT_NO),
	CMD("goto", NULL, "#INSN", "to instruction count INSN",
	    "Goes to the moment instruction INSN retired ($insns is INSN),\n"
	    "anywhere on the timeline so far, back or forward.\n",
	    mon_cmd_goto, MON_G_BACK, MON_C_EXPR, MON_REPEAT_NO),
	CMD("vm", NULL, "[NAME]", "focus on a lab's machine",
	    "In aula lab --monitor, the commands apply to one machine of the\n"
	    "lab, and running it runs the whole lab; vm NAME moves the focus\n"
	    "to machine NAME (info vms lists them).\n",
	    mon_cmd_vm, MON_G_RUN, MON_C_NONE, MON_REPEAT_NO),
	CMD("migrate", NULL, "MACHINE HOST", "move a lab's machine live",
	    "In aula lab --monitor, starts a live migration of MACHINE to\n"
	    "HOST by pre-copy, with the defaults of a [migration] section,\n"
	    "at the start of the lab's next window; running the lab runs it.\n"
	    "info migrate follows its rounds (aula-lab(5)).\n",
	    mon_cmd_migrate, MON_G_RUN, MON_C_NONE, MON_REPEAT_NO),
	CMD("run", NULL, "", "restart on a fresh machine",
	    "Powers the machine off and on again: fresh RAM with the program\n"
	    "loaded, reset state, then continue.  Breakpoints are kept.\n",
	    mon_cmd_run, MON_G_RUN, MON_C_NONE, MON_REPEAT_NO),

	CMD("break", "b", "WHERE [if COND]", "set a breakpoint",
	    "  break ADDR [if COND]   at an address or label (an expression)\n"
	    "  break exception [V]    on entering exception vector V (1-15),\n"
	    "                         or any\n"
	    "  break irq [N]          on entering IRQ N's vector, or any IRQ\n"
	    "  break trap [N]         on entering trap N (32-255), or any\n"
	    "  break vector V         on entering vector V (0-255)\n"
	    "  break mode             on a change between user and kernel\n"
	    "COND is an expression checked at each hit (r3 == 5); see also\n"
	    "ignore.  A breakpoint stops before the instruction at ADDR runs.\n",
	    mon_cmd_break, MON_G_BREAK, MON_C_BREAK, MON_REPEAT_NO),
	CMD("tbreak", NULL, "WHERE [if COND]", "a breakpoint, used once",
	    "Like break (the same WHERE), but the breakpoint is deleted when\n"
	    "it first stops a run.\n",
	    mon_cmd_tbreak, MON_G_BREAK, MON_C_BREAK, MON_REPEAT_NO),
	CMD("watch", "w", "[read|write|access] [phys] ADDR [LEN] | REG",
	    "stop on an access or change",
	    "Stops after an instruction writes (read: reads; access: either)\n"
	    "any of the LEN bytes (default 4) at virtual address ADDR, or at\n"
	    "physical address ADDR with phys.  The access is known by\n"
	    "decoding each instruction before it runs; the frame an exception\n"
	    "entry pushes is not watched.  watch REG (a register name alone)\n"
	    "stops when the register changes; watch [REG] watches the memory\n"
	    "it points at.\n",
	    mon_cmd_watch, MON_G_BREAK, MON_C_EXPR, MON_REPEAT_NO),
	CMD("delete", "d", "[N...]", "delete breakpoints (all)",
	    "Deletes breakpoints and watchpoints N..., or all of them.\n",
	    mon_cmd_delete, MON_G_BREAK, MON_C_NONE, MON_REPEAT_NO),
	CMD("disable", NULL, "[N...]", "disable breakpoints (all)",
	    "Disables breakpoints and watchpoints N..., or all of them.\n",
	    mon_cmd_disable, MON_G_BREAK, MON_C_NONE, MON_REPEAT_NO),
	CMD("enable", NULL, "[N...]", "enable breakpoints (all)",
	    "Enables breakpoints and watchpoints N..., or all of them.\n",
	    mon_cmd_enable, MON_G_BREAK, MON_C_NONE, MON_REPEAT_NO),
	CMD("ignore", NULL, "N COUNT", "pass over N COUNT times",
	    "Breakpoint N does not stop the next COUNT times it is hit.\n",
	    mon_cmd_ignore, MON_G_BREAK, MON_C_NONE, MON_REPEAT_NO),

	CMD("regs", NULL, "", "registers (* = changed)",
	    "Shows the registers; * marks those changed since the previous\n"
	    "stop.\n",
	    mon_cmd_regs, MON_G_STATE, MON_C_NONE, MON_REPEAT_NO),
	CMD("set", NULL, "REG VALUE | mem[/bhw] ADDR VALUE",
	    "set a register or memory",
	    "  set REG VALUE          a register: r0-r15, sp, fp, pc, flags,\n"
	    "                         vbr, ptbr, paging, far, cause, usp, ksp,\n"
	    "                         kscratch\n"
	    "  set mem[/b|h|w] A V    store V at virtual address A (word)\n"
	    "  set phys[/b|h|w] A V   the same at a physical address\n"
	    "VALUE is an expression.  Stores bypass page protection and do\n"
	    "not set A/D bits; Aula's translation caches are flushed.\n",
	    mon_cmd_set, MON_G_STATE, MON_C_EXPR, MON_REPEAT_NO),
	CMD("print", "p", "[/F] EXPR", "evaluate an expression",
	    "Prints the value of EXPR in hexadecimal and decimal (help expr),\n"
	    "or in format F, as in gdb: x hex, z zero-padded hex, d signed,\n"
	    "u unsigned, o octal, t binary, c character, a address and label.\n",
	    mon_cmd_print, MON_G_STATE, MON_C_EXPR, MON_REPEAT_NO),
	CMD("display", NULL, "[/F] [EXPR]", "show EXPR at every stop",
	    "Shows EXPR (in format F, as print) now and after every command\n"
	    "that runs the guest; display alone shows them all.\n",
	    mon_cmd_display, MON_G_STATE, MON_C_EXPR, MON_REPEAT_NO),
	CMD("undisplay", NULL, "[N...]", "delete displays (all)",
	    "Deletes displays N..., or all of them.\n",
	    mon_cmd_undisplay, MON_G_STATE, MON_C_NONE, MON_REPEAT_NO),
	CMD("x", NULL, "/NFU ADDR", "examine virtual memory",
	    "x/NFU ADDR shows N units from virtual address ADDR, translated\n"
	    "as kernel mode without side effects.  F: x (hex, default), d, u,\n"
	    "c (characters), s (a string), i (instructions).  U: b, h, w\n"
	    "(default).  An empty line goes on from where it stopped.\n",
	    mon_cmd_x, MON_G_STATE, MON_C_EXPR, MON_REPEAT_GO_ON),
	CMD("xp", NULL, "/NFU ADDR", "examine physical memory",
	    "Like x, at a physical address.\n",
	    mon_cmd_xp, MON_G_STATE, MON_C_EXPR, MON_REPEAT_GO_ON),
	CMD("disas", NULL, "[ADDR [N]]", "disassemble (at pc)",
	    "Disassembles N instructions (10) from ADDR (pc), with labels;\n"
	    "=> marks pc and * a breakpoint.\n",
	    mon_cmd_disas, MON_G_STATE, MON_C_EXPR, MON_REPEAT_GO_ON),
	CMD("list", "l", "[WHERE]", "show the source (around pc)",
	    "Shows ten lines of the program's source around WHERE: a line\n"
	    "LINE of the current file, FILE:LINE, or an address (an\n"
	    "expression: a label, pc).  Without WHERE, around the line of pc,\n"
	    "or on from the last list if the guest has not run since; =>\n"
	    "marks the line of pc.  Needs the image's line table.\n",
	    mon_cmd_list, MON_G_STATE, MON_C_EXPR, MON_REPEAT_GO_ON),
	CMD("bt", NULL, "", "the calls, from the stack",
	    "Follows the stack up from sp: each word that is the return\n"
	    "address of a call to the function of the frame below is a frame.\n"
	    "A guess where code does not follow the convention.\n",
	    mon_cmd_bt, MON_G_STATE, MON_C_NONE, MON_REPEAT_NO),
	CMD("history", NULL, "[N]", "the last N instructions run",
	    "Replays the last N lines (20) from the CPU's history ring: the\n"
	    "instructions run, with the exception entries between them.  The\n"
	    "text is what memory holds now, read as kernel mode.\n",
	    mon_cmd_history, MON_G_STATE, MON_C_NONE, MON_REPEAT_NO),

	CMD("info", "i", "TOPIC", "state of break, mmu, devices",
	    NULL,
	    mon_cmd_info, MON_G_INFO, MON_C_INFO, MON_REPEAT_NO),
	CMD("translate", NULL, "VADDR [read|write|fetch] [user|kernel]",
	    "how the MMU translates VADDR",
	    "Tells the translation of VADDR step by step, without side\n"
	    "effects (default: a read in kernel mode).\n",
	    mon_cmd_translate, MON_G_INFO, MON_C_EXPR, MON_REPEAT_NO),
	CMD("trace", NULL, "CAT on|off [FILE]", "trace insn, int, mmu, io",
	    "  insn   each instruction before it runs (the guest then runs\n"
	    "         one instruction at a time)\n"
	    "  int    exception and interrupt entries\n"
	    "  mmu    TLB misses: translations and faults\n"
	    "  io     port reads and writes\n"
	    "to FILE, or to the monitor's output.  `trace` alone shows them.\n",
	    mon_cmd_trace, MON_G_INFO, MON_C_TRACE, MON_REPEAT_NO),

	CMD("savevm", NULL, "[NAME] | -o FILE | -l [NAME]",
	    "save the machine [as NAME]",
	    "Keeps the whole machine in memory as NAME (snap1, snap2, ...\n"
	    "without one); -o FILE writes it to a checkpoint file instead,\n"
	    "which aula run --restore continues.  info snapshots lists them.\n"
	    "In a lab, -l keeps the whole lab (lab1, ...): every machine,\n"
	    "host, switch and the clock; loadvm -l NAME puts it back.\n",
	    mon_cmd_savevm, MON_G_BACK, MON_C_FILE, MON_REPEAT_NO),
	CMD("loadvm", NULL, "NAME | -l NAME", "back to a saved machine",
	    "Puts the machine back as savevm NAME kept it: registers, RAM,\n"
	    "devices and pending events.  A disk whose contents changed since\n"
	    "is refused.  The timeline starts again there.\n",
	    mon_cmd_loadvm, MON_G_BACK, MON_C_NONE, MON_REPEAT_NO),
	CMD("delvm", NULL, "NAME | -l NAME", "forget a saved machine",
	    "Forgets the machine savevm NAME kept (-l: the lab's).\n",
	    mon_cmd_delvm, MON_G_BACK, MON_C_NONE, MON_REPEAT_NO),

	CMD("source", NULL, "FILE", "run commands from FILE",
	    "Runs the monitor commands in FILE; # starts a comment.  The\n"
	    "first failing command ends it.\n",
	    mon_cmd_source, MON_G_SCRIPT, MON_C_FILE, MON_REPEAT_NO),
	CMD("expect", NULL, "\"TEXT\" [within N]",
	    "run until the console prints",
	    "Runs the guest until its console output contains TEXT (output\n"
	    "since the previous expect counts), at most N instructions\n"
	    "(default: the runlimit).  Fails if the guest stops first.\n",
	    mon_cmd_expect, MON_G_SCRIPT, MON_C_NONE, MON_REPEAT_NO),
	CMD("send", NULL, "\"TEXT\"", "type TEXT into the console",
	    "Queues TEXT as console input; the guest reads it when it next\n"
	    "reads the UART.  Escapes: \\n \\r \\t \\\\ \\\" \\xNN.\n",
	    mon_cmd_send, MON_G_SCRIPT, MON_C_NONE, MON_REPEAT_NO),
	CMD("assert", NULL, "EXPR [\"MESSAGE\"]", "fail unless EXPR is true",
	    "Fails the script when EXPR is 0, naming the expression and the\n"
	    "values of the registers and memory in it.\n",
	    mon_cmd_assert, MON_G_SCRIPT, MON_C_EXPR, MON_REPEAT_NO),
	CMD("runlimit", NULL, "N|off", "stop a run after N insns",
	    "Every command that runs the guest stops after N instructions\n"
	    "(and exception entries); 0 or off: no limit.  Default:\n"
	    "--max-insns.\n",
	    mon_cmd_runlimit, MON_G_SCRIPT, MON_C_NONE, MON_REPEAT_NO),
	CMD("echo", NULL, "TEXT", "print TEXT",
	    "Prints the rest of the line.\n",
	    mon_cmd_echo, MON_G_SCRIPT, MON_C_NONE, MON_REPEAT_NO),
	CMD("quit", "q", "[CODE]", "leave, with exit status CODE",
	    "Leaves the monitor.  With --batch, CODE (0-255, default 0) is\n"
	    "the exit status of aula.\n",
	    mon_cmd_quit, MON_G_SCRIPT, MON_C_NONE, MON_REPEAT_NO),
	CMD("help", "h", "[NAME]", "this list, or one command",
	    "help NAME explains a command; help expr, expressions.\n",
	    mon_cmd_help, MON_G_SCRIPT, MON_C_CMD, MON_REPEAT_NO),
};

const size_t mon_ncmds = sizeof mon_cmds / sizeof *mon_cmds;

/* Whether name (or NULL) is the len bytes at word, exactly: a command
 * is looked up before every line a grader runs, the first byte first. */
static bool same_word(const char *name, const char *word, size_t len)
{
	return name && name[0] == word[0] && !strncmp(name, word, len) &&
	       name[len] == 0;
}

int mon_cmd_lookup(const char *word, size_t len, const struct mon_cmd **cmd)
{
	int n = 0;
	*cmd = NULL;
	if (len == 0)
		return 0;
	for (size_t i = 0; i < mon_ncmds; i++) {
		const struct mon_cmd *c = &mon_cmds[i];
		if (same_word(c->name, word, len) ||
		    same_word(c->alias, word, len)) {
			*cmd = c;
			return 1;
		}
	}
	for (size_t i = 0; i < mon_ncmds; i++)
		if (!strncmp(mon_cmds[i].name, word, len)) {
			if (!n++)
				*cmd = &mon_cmds[i];
		}
	return n;
}

static const char expr_help[] =
	"Expressions (anywhere a command takes an address or a value):\n"
	"  numbers     42, 0x2a, 0b101010, 'a'\n"
	"  registers   r0-r15, sp, fp, at, pc, flags, vbr, ptbr, paging,\n"
	"              far, cause, usp, ksp, kscratch, icount\n"
	"  labels      main, main.loop; .loop is the local label of the\n"
	"              function at pc\n"
	"  variables   $insns (retired), $exceptions, $time (64 bits),\n"
	"              $stop_code\n"
	"  memory      [EXPR] or *EXPR: the word at virtual address EXPR\n"
	"  operators   as in C: ( ) unary - ~ ! *, then * / %, + -, << >>,\n"
	"              < <= > >=, == !=, &, ^, |, &&, ||\n"
	"Arithmetic is 32-bit unsigned, comparisons too, or 64-bit where a\n"
	"64-bit variable or number takes part.  A name that is a\n"
	"register is the register, even if a label has the same name.\n";

static void help_all(FILE *f)
{
	/* Two columns of 40, filled down, then the commands that go back in
	 * time or save the machine as a paragraph: at most 24 lines in all (summaries have at most 28
	 * characters: test_mon.c). */
	const struct mon_cmd *t[sizeof mon_cmds / sizeof *mon_cmds];
	size_t n = 0;
	for (size_t i = 0; i < mon_ncmds; i++)
		if (mon_cmds[i].group != MON_G_BACK)
			t[n++] = &mon_cmds[i];
	size_t rows = (n + 1) / 2;
	fprintf(f, "Commands (help NAME for one; a unique prefix will do):\n");
	for (size_t r = 0; r < rows; r++) {
		for (size_t col = 0; col < 2; col++) {
			size_t i = r + col * rows;
			char cell[80];
			if (i >= n)
				break;
			snprintf(cell, sizeof cell, "%-9s %s", t[i]->name,
				 t[i]->summary);
			if (col || i + rows >= n)
				fprintf(f, "%s%s", col ? "" : " ", cell);
			else
				fprintf(f, " %-38s ", cell);
		}
		fputc('\n', f);
	}
	size_t col = fprintf(f, "Going back and saved machines:");
	for (size_t i = 0; i < mon_ncmds; i++) {
		const struct mon_cmd *c = &mon_cmds[i];
		char word[64];
		if (c->group != MON_G_BACK)
			continue;
		snprintf(word, sizeof word, " %s%s%s%s", c->name,
			 c->alias ? " (" : "", c->alias ? c->alias : "",
			 c->alias ? ")" : "");
		if (col + strlen(word) > 78) {
			fprintf(f, "\n ");
			col = 1;
		}
		col += (size_t)fprintf(f, "%s", word);
	}
	fprintf(f, "\nExpressions: help expr.  Tab completes; Ctrl-C stops "
		"the guest.\n");
}

int mon_help(FILE *f, const char *topic)
{
	if (!topic || !*topic) {
		help_all(f);
		return 0;
	}
	if (!strcmp(topic, "expr") || !strcmp(topic, "expressions")) {
		fputs(expr_help, f);
		return 0;
	}
	const struct mon_cmd *c;
	if (mon_cmd_lookup(topic, strlen(topic), &c) != 1)
		return -1;
	fprintf(f, "%s%s%s", c->name,
		c->args[0] == '/' || !c->args[0] ? "" : " ", c->args);
	if (c->alias)
		fprintf(f, "    (or %s)", c->alias);
	fputc('\n', f);
	fprintf(f, "%c%s.\n", toupper((unsigned char)c->summary[0]),
		c->summary + 1);
	if (c->help) {
		fputs(c->help, f);
	} else if (c->fn == mon_cmd_info) {
		for (size_t i = 0; i < mon_ninfo_topics; i++)
			fprintf(f, "  info %-10s %s\n", mon_info_topics[i].name,
				mon_info_topics[i].summary);
		fprintf(f, "  info DEVICE     a device's state, from its field "
			"table (info devices)\n");
	}
	return 0;
}

/* ---- completion --------------------------------------------------------- */

struct completer {
	const char *text;
	size_t len;
	void (*add)(void *ctx, const char *word);
	void *ctx;
};

static void offer(struct completer *c, const char *word)
{
	if (!strncmp(word, c->text, c->len))
		c->add(c->ctx, word);
}

static void offer_values(struct mon *m, struct completer *c)
{
	static const char *const vars[] = { "$insns", "$exceptions",
					    "$time", "$stop_code" };
	for (size_t i = 0; mon_reg_names[i]; i++)
		offer(c, mon_reg_names[i]);
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
		offer(c, vars[i]);
	if (m && m->img)
		for (uint32_t i = 0; i < m->img->nsym; i++)
			offer(c, m->img->sym[i].name);
}

/* The words before the one being completed. */
static int words_before(const char *line, size_t start, char first[32])
{
	int n = 0;
	const char *p = line, *end = line + start;
	first[0] = 0;
	while (p < end) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end)
			break;
		const char *w = p;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		if (p >= end)
			break;	/* the word being completed */
		if (n++ == 0) {
			size_t len = (size_t)(p - w);
			const char *slash = memchr(w, '/', len);
			if (slash)
				len = (size_t)(slash - w);
			if (len > 31)
				len = 31;
			memcpy(first, w, len);
			first[len] = 0;
		}
	}
	return n;
}

void mon_complete(struct mon *m, const char *line, size_t start,
		  const char *text, void (*add)(void *ctx, const char *word),
		  void *ctx)
{
	struct completer c = { text, strlen(text), add, ctx };
	char first[32];
	int nwords = words_before(line, start, first);
	if (nwords == 0) {
		for (size_t i = 0; i < mon_ncmds; i++)
			offer(&c, mon_cmds[i].name);
		return;
	}
	const struct mon_cmd *cmd;
	if (mon_cmd_lookup(first, strlen(first), &cmd) != 1)
		return;
	switch (cmd->complete) {
	case MON_C_NONE:
	case MON_C_FILE:
		return;
	case MON_C_CMD:
		if (nwords == 1) {
			for (size_t i = 0; i < mon_ncmds; i++)
				offer(&c, mon_cmds[i].name);
			offer(&c, "expr");
		}
		return;
	case MON_C_INFO:
		if (nwords != 1)
			return;
		for (size_t i = 0; i < mon_ninfo_topics; i++)
			offer(&c, mon_info_topics[i].name);
		if (m && m->vm)
			for (int i = 0; i < m->vm->ndev; i++) {
				char name[64];
				offer(&c, mon_dev_name(m->vm, &m->vm->dev[i],
						       name, sizeof name));
			}
		return;
	case MON_C_TRACE:
		if (nwords == 1)
			for (int i = 0; i < MON_TRACE_NCAT; i++)
				offer(&c, mon_trace_names[i]);
		else if (nwords == 2) {
			offer(&c, "on");
			offer(&c, "off");
		}
		return;
	case MON_C_BREAK:
		if (nwords == 1) {
			static const char *const kinds[] = {
				"exception", "irq", "trap", "vector", "mode" };
			for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
				offer(&c, kinds[i]);
		} else {
			offer(&c, "if");
		}
		offer_values(m, &c);
		return;
	case MON_C_EXPR:
		offer_values(m, &c);
		return;
	}
}

static int mon_cmd_help(struct mon *m, struct mon_args *a)
{
	char topic[64];
	const char *at;
	if (!mon_args_word(a, topic, sizeof topic, &at))
		topic[0] = 0;
	if (mon_args_end(m, a))
		return -1;
	if (mon_help(m->out, topic) != 0)
		return mon_error(m, at, "no command '%s' (help lists them)",
				 topic);
	return 0;
}

bool mon_line_goes_back(const char *line)
{
	const struct mon_cmd *c;
	line += strspn(line, " \t");
	size_t n = strcspn(line, " \t/");
	if (mon_cmd_lookup(line, n, &c) != 1)
		return false;
	return !strncmp(c->name, "reverse-", 8) || !strcmp(c->name, "goto");
}
