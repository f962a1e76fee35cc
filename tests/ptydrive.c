/*
 * ptydrive: run a program on a pseudo-terminal and talk to it, as a person
 * at a terminal would -- a small expect(1) for tests/monitor-tty.sh.
 *
 *   ptydrive SCRIPT PROGRAM [ARGS...]
 *
 * SCRIPT has one command a line (# starts a comment):
 *
 *   send TEXT      type TEXT (C escapes: \r \n \t \\ \xNN; \x03 is Ctrl-C)
 *   expect TEXT    wait until the output since the last match contains TEXT
 *   exit STATUS    wait for the program to end with STATUS
 *
 * Every wait is bounded (TIMEOUT_MS), and event-driven: poll() returns as
 * soon as the program writes, so nothing sleeps.  Exit status 0 when every
 * line matched, 1 otherwise (with what the program printed), 77 when no
 * pseudo-terminal can be had (the test is skipped), 99 on bad usage.
 */
#define _XOPEN_SOURCE 600
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_MS 10000
#define OUT_MAX (1 << 20)

static char out[OUT_MAX];
static size_t out_len, mark;	/* what was printed; where expect looks */
static int master = -1;
static pid_t child;

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read what the program printed, waiting at most ms; -1 at its end. */
static int pump(int ms)
{
	struct pollfd p = { .fd = master, .events = POLLIN };
	int r = poll(&p, 1, ms);
	if (r <= 0)
		return 0;
	ssize_t n = read(master, out + out_len, OUT_MAX - 1 - out_len);
	if (n <= 0)
		return -1;	/* EIO: the slave side is closed */
	out_len += (size_t)n;
	out[out_len] = 0;
	return 1;
}

static void unescape(const char *s, char *buf, size_t *len)
{
	size_t n = 0;
	for (; *s && *s != '\n'; s++) {
		char c = *s;
		if (c == '\\' && s[1]) {
			switch (*++s) {
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'x': {
				char hex[3] = { s[1], s[2], 0 };
				c = (char)strtol(hex, NULL, 16);
				s += 2;
				break;
			}
			default: c = *s; break;
			}
		}
		buf[n++] = c;
	}
	buf[n] = 0;
	*len = n;
}

static int expect(const char *want)
{
	long end = now_ms() + TIMEOUT_MS;
	for (;;) {
		char *hit = strstr(out + mark, want);
		if (hit) {
			mark = (size_t)(hit - out) + strlen(want);
			return 0;
		}
		long left = end - now_ms();
		if (left <= 0 || pump((int)left) < 0) {
			if (strstr(out + mark, want))
				continue;
			return -1;
		}
	}
}

static int wait_exit(int want)
{
	long end = now_ms() + TIMEOUT_MS;
	int status;
	while (now_ms() < end) {
		pid_t r = waitpid(child, &status, WNOHANG);
		if (r == child)
			return WIFEXITED(status) && WEXITSTATUS(status) == want
				       ? 0 : -1;
		if (pump((int)(end - now_ms())) < 0) {
			/* The terminal closed: the program is ending. */
			if (waitpid(child, &status, 0) == child)
				return WIFEXITED(status) &&
				       WEXITSTATUS(status) == want ? 0 : -1;
		}
	}
	return -1;
}

static int spawn(char **argv)
{
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	const char *name = ptsname(master);
	if (!name)
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		setsid();	/* the terminal becomes our controlling one */
		int slave = open(name, O_RDWR);
		if (slave < 0)
			_exit(127);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (slave > 2)
			close(slave);
		close(master);
		setenv("TERM", "dumb", 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ptydrive SCRIPT PROGRAM [ARGS...]\n");
		return 99;
	}
	FILE *script = fopen(argv[1], "r");
	if (!script) {
		perror(argv[1]);
		return 99;
	}
	if (spawn(argv + 2) != 0) {
		fprintf(stderr, "ptydrive: no pseudo-terminal: %s\n",
			strerror(errno));
		return 77;
	}
	char line[1024], text[1024];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, script)) {
		size_t len;
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!strncmp(line, "send ", 5)) {
			unescape(line + 5, text, &len);
			if (write(master, text, len) != (ssize_t)len)
				rc = -1;
		} else if (!strncmp(line, "expect ", 7)) {
			unescape(line + 7, text, &len);
			rc = expect(text);
		} else if (!strncmp(line, "exit ", 5)) {
			rc = wait_exit(atoi(line + 5));
		} else {
			fprintf(stderr, "%s:%d: unknown command\n", argv[1],
				lineno);
			rc = -1;
		}
		if (rc)
			fprintf(stderr, "ptydrive: %s:%d failed: %s", argv[1],
				lineno, line);
	}
	fclose(script);
	if (rc) {
		fprintf(stderr, "---- the program printed:\n%s\n----\n", out);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return 1;
	}
	return 0;
}
