/*
 * The prompt at a terminal: readline with completion from the command
 * table, a history file (~/.aula_history), an empty line that repeats
 * step, next, x and disas, and Ctrl-C that drops the line being typed.
 * The only file that includes readline.
 *
 * readline's callback interface lets us wait in select(): a Ctrl-C
 * interrupts the wait (our handler only sets a flag), and we clear the
 * line ourselves.  Between lines readline gives the terminal back, so a
 * running guest reads typed input and Ctrl-C raises SIGINT as usual.
 *
 * readline is loaded when the first prompt opens (dlopen), not linked:
 * it and libtinfo were half the host instructions of every aula start,
 * prompt or not.  Without it (AULA_READLINE empty, or no library) the
 * prompt reads plain lines.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "monitor/mon_int.h"

#define HISTORY_FILE ".aula_history"
#define HISTORY_KEEP 1000

#ifndef AULA_READLINE_SO
#define AULA_READLINE_SO "libreadline.so.8"
#endif

/* What this file uses of readline, reached through this table once
 * loaded: each name below is a macro for (*rl.name) or rl.name. */
#define RL_FUNCTIONS(X)							\
	X(rl_callback_handler_install) X(rl_callback_handler_remove)	\
	X(rl_callback_read_char) X(rl_callback_sigcleanup)		\
	X(rl_free_line_state) X(rl_replace_line) X(rl_crlf)		\
	X(rl_on_new_line) X(rl_redisplay) X(rl_completion_matches)	\
	X(read_history) X(write_history) X(stifle_history)		\
	X(add_history) X(append_history) X(history_truncate_file)
#define RL_VARIABLES(X)							\
	X(rl_line_buffer) X(rl_point) X(rl_attempted_completion_over)	\
	X(rl_instream) X(rl_readline_name)				\
	X(rl_attempted_completion_function)				\
	X(rl_completer_word_break_characters) X(rl_catch_signals)

static struct {
	int state;	/* 0 not tried, 1 loaded, -1 plain prompt */
#define X(f) __typeof__(f) *f;
	RL_FUNCTIONS(X)
	RL_VARIABLES(X)
#undef X
} rl;

/* true if readline is there; else, once, say why not (unless the user
 * asked for the plain prompt). */
static bool rl_load(FILE *err)
{
	if (rl.state)
		return rl.state > 0;
	rl.state = -1;
	const char *name = getenv("AULA_READLINE");
	if (!name)
		name = AULA_READLINE_SO;
	if (!*name)
		return false;
	void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(err, "aula: cannot load readline (%s): a plain prompt, "
			"with no completion or history\n", dlerror());
		return false;
	}
#define X(f)								\
	if (!(*(void **)&rl.f = dlsym(lib, #f))) {			\
		fprintf(err, "aula: cannot load readline: %s has no %s: a " \
			"plain prompt, with no completion or history\n", \
			name, #f);					\
		dlclose(lib);						\
		return false;						\
	}
	RL_FUNCTIONS(X)
	RL_VARIABLES(X)
#undef X
	rl.state = 1;
	return true;
}

#define rl_callback_handler_install rl.rl_callback_handler_install
#define rl_callback_handler_remove rl.rl_callback_handler_remove
#define rl_callback_read_char rl.rl_callback_read_char
#define rl_callback_sigcleanup rl.rl_callback_sigcleanup
#define rl_free_line_state rl.rl_free_line_state
#define rl_replace_line rl.rl_replace_line
#define rl_crlf rl.rl_crlf
#define rl_on_new_line rl.rl_on_new_line
#define rl_redisplay rl.rl_redisplay
#define rl_completion_matches rl.rl_completion_matches
#define read_history rl.read_history
#define write_history rl.write_history
#define stifle_history rl.stifle_history
#define add_history rl.add_history
#define append_history rl.append_history
#define history_truncate_file rl.history_truncate_file
#define rl_line_buffer (*rl.rl_line_buffer)
#define rl_point (*rl.rl_point)
#define rl_attempted_completion_over (*rl.rl_attempted_completion_over)
#define rl_instream (*rl.rl_instream)
#define rl_readline_name (*rl.rl_readline_name)
#define rl_attempted_completion_function \
	(*rl.rl_attempted_completion_function)
#define rl_completer_word_break_characters \
	(*rl.rl_completer_word_break_characters)
#define rl_catch_signals (*rl.rl_catch_signals)

/* readline's callbacks carry no context. */
static struct mon *term_mon;
static char *term_line;
static bool term_eof;

static void on_line(char *line)
{
	if (!line)
		term_eof = true;
	term_line = line;
	rl_callback_handler_remove();
}

/* Completion candidates, collected from mon_complete. */
struct cands {
	char **v;
	size_t n, cap;
};

static void add_cand(void *ctx, const char *word)
{
	struct cands *c = ctx;
	if (c->n + 2 > c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		char **v = realloc(c->v, cap * sizeof *v);
		if (!v)
			return;
		c->v = v;
		c->cap = cap;
	}
	char *dup = strdup(word);
	if (dup)
		c->v[c->n++] = dup;
}

/* readline's generator: each call returns one candidate, which readline
 * frees. */
static char *next_cand(const char *text, int state)
{
	static struct cands c;
	static size_t i;
	if (!state) {
		for (; i < c.n; i++)
			free(c.v[i]);	/* the ones never handed over */
		c.n = 0;
		i = 0;
		mon_complete(term_mon, rl_line_buffer, (size_t)rl_point -
			     strlen(text), text, add_cand, &c);
	}
	return i < c.n ? c.v[i++] : NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	char first[32] = "";
	const char *p = rl_line_buffer;
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, " /");
	if (p < rl_line_buffer + start && n < sizeof first) {
		memcpy(first, p, n);
		first[n] = 0;
		const struct mon_cmd *cmd;
		if (mon_cmd_lookup(first, n, &cmd) == 1 &&
		    cmd->complete == MON_C_FILE)
			return NULL;	/* readline completes file names */
	}
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, next_cand);
}

static void on_sigint(int sig)
{
	(void)sig;
	mon_interrupted = 1;
}

/* One line from the terminal: NULL at end of input (Ctrl-D).
 *
 * SIGINT stays blocked except inside pselect(), so a Ctrl-C that lands
 * after the flag test and before the wait still ends the wait; with plain
 * select() it would be lost (the terminal flushes the typed line on
 * Ctrl-C, so no input would wake us) and the prompt would hang. */
static char *read_line(const char *prompt)
{
	sigset_t block, orig;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	term_line = NULL;
	term_eof = false;
	rl_callback_handler_install(prompt, on_line);
	while (!term_line && !term_eof) {
		if (mon_interrupted) {
			/* Ctrl-C at the prompt drops the line. */
			mon_interrupted = 0;
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_replace_line("", 0);
			rl_crlf();
			rl_on_new_line();
			rl_redisplay();
			continue;
		}
		fd_set fds;
		FD_ZERO(&fds);
		FD_SET(fileno(rl_instream), &fds);
		int r = pselect(fileno(rl_instream) + 1, &fds, NULL, NULL, NULL,
				&orig);
		if (r < 0 && errno != EINTR) {
			rl_callback_handler_remove();
			break;
		}
		if (r > 0)
			rl_callback_read_char();
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return term_line;
}

/* One line from standard input without readline, as the terminal edits
 * it; NULL at end of input.  Ctrl-C drops the line, as above. */
static char *read_plain(const char *prompt)
{
	sigset_t block, orig;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	size_t n = 0, cap = 128;
	char *line = malloc(cap);
	fputs(prompt, stdout);
	fflush(stdout);
	while (line) {
		if (mon_interrupted) {
			mon_interrupted = 0;
			n = 0;
			printf("\n%s", prompt);
			fflush(stdout);
			continue;
		}
		fd_set fds;
		FD_ZERO(&fds);
		FD_SET(STDIN_FILENO, &fds);
		int r = pselect(STDIN_FILENO + 1, &fds, NULL, NULL, NULL, &orig);
		if (r < 0 && errno == EINTR)
			continue;
		char ch;
		if (r < 0 || read(STDIN_FILENO, &ch, 1) != 1) {
			if (n == 0) {
				free(line);
				line = NULL;
			}
			break;	/* end of input: the line so far, if any */
		}
		if (ch == '\n')
			break;
		if (n + 2 > cap) {
			char *l = realloc(line, cap *= 2);
			if (!l)
				free(line);
			line = l;
		}
		if (line)
			line[n++] = ch;
	}
	if (line)
		line[n] = 0;
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return line;
}

int mon_prompt_loop(struct mon *m)
{
	char path[4096] = "";
	const char *home = getenv("HOME");
	char last[MON_LINE_MAX] = "";
	term_mon = m;
	bool editing = rl_load(stderr);
	if (editing) {
		rl_readline_name = "aula";
		rl_attempted_completion_function = complete;
		rl_completer_word_break_characters =
			" \t\n\"'[]()+-*/%&|^<>=!~,";
		rl_catch_signals = 0;
		if (home && *home) {
			snprintf(path, sizeof path, "%s/%s", home,
				 HISTORY_FILE);
			if (read_history(path) != 0)
				write_history(path); /* append_history needs it */
		}
		stifle_history(HISTORY_KEEP);
	}

	/* Ctrl-C only sets a flag, for the whole session: between reading
	 * a line and running it the default action would end the monitor. */
	struct sigaction sa = { .sa_handler = on_sigint }, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	while (!m->quit) {
		mon_end_console_line(m);
		fflush(m->out);
		mon_interrupted = 0;
		char *line = editing ? read_line("(aula) ")
				     : read_plain("(aula) ");
		if (!line) {
			fputc('\n', m->out);
			break;
		}
		const char *p = line + strspn(line, " \t");
		if (*p) {
			if (editing)
				add_history(line);
			if (path[0])
				append_history(1, path);
			snprintf(last, sizeof last, "%s", line);
			m->repeating = false;
			mon_run_line(m, line);
		} else if (last[0]) {
			/* An empty line repeats step and next, and makes x
			 * and disas go on. */
			const struct mon_cmd *cmd;
			const char *w = last + strspn(last, " \t");
			size_t n = strcspn(w, " \t/");
			if (mon_cmd_lookup(w, n, &cmd) == 1 &&
			    cmd->repeat != MON_REPEAT_NO) {
				m->repeating = cmd->repeat == MON_REPEAT_GO_ON;
				mon_run_line(m, last);
				m->repeating = false;
			}
		}
		free(line);
	}
	sigaction(SIGINT, &old, NULL);
	if (path[0])
		history_truncate_file(path, HISTORY_KEEP);
	return m->quit ? m->exit_code : MON_EXIT_OK;
}
