/* aula run's live migration (cli/run_migrate.h): the two sockets and the
 * source's loop of slices. */
#define _GNU_SOURCE	/* accept4 */
#include "cli/run_migrate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"

void run_mig_defaults(struct run_mig_opts *o)
{
	o->policy = MIG_POLICY_DEFAULT;
	o->reply_fd = -1;
}

static int u32_opt(const char *opt, const char *arg, uint32_t lo,
		   uint32_t hi, uint32_t *out)
{
	uint64_t v;
	if (!cmd_parse_u64(arg, &v) || v < lo || v > hi) {
		cmd_error("%s: '%s' is not a number from %u to %u", opt, arg,
			  lo, hi);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int run_mig_opt(struct run_mig_opts *o, int code, const char *arg)
{
	if (code != RUN_MIG_TO && code != RUN_MIG_INCOMING)
		o->given = 1;
	switch (code) {
	case RUN_MIG_TO:
		o->to = arg;
		return run_mig_check_addr("--migrate-to", arg);
	case RUN_MIG_INCOMING:
		o->incoming = arg;
		return run_mig_check_addr("--incoming", arg);
	case RUN_MIG_AT:
		if (!cmd_parse_u64(arg, &o->at)) {
			cmd_error("--migrate-at: bad number '%s'", arg);
			return -1;
		}
		return 0;
	case RUN_MIG_BANDWIDTH:
		return u32_opt("--migrate-bandwidth", arg, 1, 1u << 20,
			       &o->policy.bandwidth);
	case RUN_MIG_ROUNDS:
		return u32_opt("--migrate-max-rounds", arg, 1,
			       MIG_MAX_ROUNDS - 8, &o->policy.max_rounds);
	case RUN_MIG_THRESHOLD:
		return u32_opt("--migrate-threshold", arg, 0,
			       MEM_MAX_SIZE / MEM_PAGE_SIZE,
			       &o->policy.threshold);
	case RUN_MIG_CONVERGE:
		if (!strcmp(arg, "throttle"))
			o->policy.converge = MIG_THROTTLE;
		else if (!strcmp(arg, "give-up"))
			o->policy.converge = MIG_GIVE_UP;
		else {
			cmd_error("--migrate-converge: '%s' is not throttle "
				  "or give-up", arg);
			return -1;
		}
		return 0;
	case RUN_MIG_REPORT:
		if (strcmp(arg, "text") && strcmp(arg, "json")) {
			cmd_error("--migrate-report: '%s' is not text or json",
				  arg);
			return -1;
		}
		o->json = !strcmp(arg, "json");
		return 0;
	}
	return -1;
}

/* unix:PATH or tcp:A.B.C.D:PORT as a socket address. */
static int parse_addr(const char *addr, struct sockaddr_storage *ss,
		      socklen_t *len, char *why, size_t whylen)
{
	memset(ss, 0, sizeof *ss);
	if (!strncmp(addr, "unix:", 5)) {
		struct sockaddr_un *un = (struct sockaddr_un *)ss;
		const char *path = addr + 5;
		if (!*path || strlen(path) >= sizeof un->sun_path) {
			snprintf(why, whylen, "a socket path of 1 to %zu bytes",
				 sizeof un->sun_path - 1);
			return -1;
		}
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, path);
		*len = sizeof *un;
		return 0;
	}
	if (!strncmp(addr, "tcp:", 4)) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		char host[64];
		const char *colon = strrchr(addr + 4, ':');
		char *end;
		if (!colon || (size_t)(colon - addr - 4) >= sizeof host) {
			snprintf(why, whylen, "tcp:HOST:PORT");
			return -1;
		}
		memcpy(host, addr + 4, (size_t)(colon - addr - 4));
		host[colon - addr - 4] = 0;
		unsigned long port = strtoul(colon + 1, &end, 10);
		if (*end || !colon[1] || port == 0 || port > 65535) {
			snprintf(why, whylen, "a port from 1 to 65535");
			return -1;
		}
		if (inet_pton(AF_INET, host, &in->sin_addr) != 1) {
			snprintf(why, whylen, "HOST a numeric IPv4 address");
			return -1;
		}
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		*len = sizeof *in;
		return 0;
	}
	snprintf(why, whylen, "unix:PATH or tcp:HOST:PORT");
	return -1;
}

int run_mig_check_addr(const char *opt, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char why[128];
	if (parse_addr(addr, &ss, &len, why, sizeof why)) {
		cmd_error("%s %s: the address is %s", opt, addr, why);
		return -1;
	}
	return 0;
}

/* ---- the target ------------------------------------------------------- */

static int listen_at(const char *addr, int *unlinked)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char why[128];
	if (parse_addr(addr, &ss, &len, why, sizeof why))
		return -1;
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (ss.ss_family == AF_UNIX) {
		/* A socket left by an earlier target is replaced; any other
		 * file there is not ours to remove. */
		struct stat st;
		const char *path = ((struct sockaddr_un *)&ss)->sun_path;
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(path);
		*unlinked = 1;
	} else {
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 1)) {
		int e = errno;
		close(fd);
		*unlinked = 0;
		errno = e;
		return -1;
	}
	return fd;
}

struct sock { int fd; int err; };

static int write_sock(void *ctx, const void *buf, size_t len)
{
	struct sock *s = ctx;
	const uint8_t *p = buf;
	while (len) {
		/* send, not write: a target gone away is EPIPE, not SIGPIPE */
		ssize_t n = send(s->fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->err = n < 0 ? errno : EPIPE;
			return -1;
		}
		p += n, len -= (size_t)n;
	}
	return 0;
}

/* Pages go in records of 256 KiB: socket buffers that hold a few of
 * them let the two processes run side by side instead of taking turns
 * (the kernel caps the size; a smaller one still works). */
static void big_buffers(int fd, int which)
{
	int size = 4 << 20;
	setsockopt(fd, SOL_SOCKET, which, &size, sizeof size);
}

int run_mig_receive(struct run_mig_opts *o, struct ckpt *ck)
{
	int unix_path = 0, rc = -1;
	int lfd = listen_at(o->incoming, &unix_path);
	if (lfd < 0) {
		cmd_error("--incoming %s: %m", o->incoming);
		return -1;
	}
	int fd;
	do
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd >= 0)
		big_buffers(fd, SO_RCVBUF);
	else
		cmd_error("--incoming %s: %m", o->incoming);
	close(lfd);
	if (unix_path)	/* one connection: nobody else may come */
		unlink(o->incoming + 5);
	if (fd < 0)
		return -1;
	struct mig_dst *d = malloc(sizeof *d);
	enum { BUFLEN = 1 << 20 };
	uint8_t *buf = malloc(BUFLEN);
	char err[768];
	enum mig_feed f = MIG_DST_MORE;
	if (!d || !buf) {
		free(d);
		free(buf);
		cmd_error("out of host memory");
		close(fd);
		return -1;
	}
	mig_dst_init(d);
	while (f == MIG_DST_MORE) {
		ssize_t n = read(fd, buf, BUFLEN);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cmd_error("--incoming %s: %m", o->incoming);
			goto out;
		}
		if (n == 0) {
			cmd_error("--incoming %s: the stream ended at byte "
				  "%llu, before its END record (the source "
				  "gave up or failed; it says why)",
				  o->incoming,
				  (unsigned long long)d->offset);
			goto out;
		}
		f = mig_dst_feed(d, buf, (size_t)n, err, sizeof err);
	}
	if (f == MIG_DST_BAD) {
		cmd_error("--incoming %s: %s", o->incoming, err);
		goto out;
	}
	/* The source closes once it has sent END: anything more is wrong. */
	ssize_t n;
	do
		n = read(fd, buf, 1);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		cmd_error("--incoming %s: byte %llu: bytes after END",
			  o->incoming, (unsigned long long)d->offset);
		goto out;
	}
	if (mig_dst_take(d, ck)) {
		cmd_error("out of host memory");
		goto out;
	}
	rc = 0;
	o->reply_fd = fd;
	fd = -1;
out:
	mig_dst_free(d);
	free(d);
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * The answer, target to source, once the machine is made (or not):
 *
 *   +------+--------+-----------------+
 *   | tag  | length | message         |   "OKAY", 0: it runs here
 *   +------+--------+-----------------+   "FAIL", n: why not (n <= 1024)
 *     4 B    u32 LE   n bytes of text
 */
#define ANSWER_MAX 1024

int run_mig_answer(struct run_mig_opts *o, const char *why)
{
	if (o->reply_fd < 0)
		return 0;
	uint8_t a[8 + ANSWER_MAX];
	size_t n = why ? strnlen(why, ANSWER_MAX) : 0;
	memcpy(a, why ? "FAIL" : "OKAY", 4);
	for (int i = 0; i < 4; i++)
		a[4 + i] = (uint8_t)(n >> (8 * i));
	memcpy(a + 8, why ? why : "", n);
	struct sock k = { .fd = o->reply_fd };
	int bad = write_sock(&k, a, 8 + n);
	close(o->reply_fd);
	o->reply_fd = -1;
	if (bad && !why) {
		/* The source did not hear that the machine runs here, so it
		 * runs it on there: it must not run twice. */
		cmd_error("--incoming %s: the source went away before it "
			  "heard that the machine runs here (%s): it runs on "
			  "there, not here", o->incoming, strerror(k.err));
		return -1;
	}
	return 0;
}



/* ---- the source -------------------------------------------------------- */

/* Connect, waiting up to 10 s for a target that is still starting (its
 * socket not there yet, or not listening yet). */
static int connect_to(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char why[128];
	if (parse_addr(addr, &ss, &len, why, sizeof why))
		return -1;
	for (int tries = 0;; tries++) {
		int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
			big_buffers(fd, SO_SNDBUF);
			return fd;
		}
		int e = errno;
		close(fd);
		if ((e != ENOENT && e != ECONNREFUSED) || tries == 1000) {
			errno = e;
			return -1;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
}

static void report(const struct run_mig_opts *o, const struct mig_src *s)
{
	mig_stats_print(&s->stats, o->json, stderr);
}

/* Why the migration failed, and the guest runs on. */
static void failed(const struct run_mig_opts *o, struct mig_src *s,
		   const struct sock *k, const char *why)
{
	if (k->err)
		snprintf(s->stats.detail, sizeof s->stats.detail,
			 "writing to %s: %s", o->to, strerror(k->err));
	else if (why)
		snprintf(s->stats.detail, sizeof s->stats.detail, "%s", why);
	mig_src_cancel(s);
	s->stats.status = MIG_FAILED;
	cmd_error("--migrate-to %s: the migration failed: %s; the guest "
		  "runs on here", o->to, s->stats.detail);
	report(o, s);
}

static int stopped(enum vm_stop st)
{
	return st != VM_STOP_BUDGET && st != VM_RUNNING;
}

/* The target's answer (run_mig_answer): 0 for OKAY; -1 with why for a
 * refusal, silence (2 minutes of it) or something that is no answer. */
static int read_answer(int fd, char *why, size_t len)
{
	uint8_t a[8 + ANSWER_MAX];
	size_t have = 0, need = 8;
	/* Two minutes for the whole answer, not for each byte of it. */
	struct timespec now, until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += 120;
	while (have < need) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = (long)(until.tv_sec - now.tv_sec) * 1000 +
			    (until.tv_nsec - now.tv_nsec) / 1000000;
		int r = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			snprintf(why, len, "the target did not answer in 2 "
				 "minutes");
			return -1;
		}
		ssize_t n = r < 0 ? -1 : read(fd, a + have, need - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, len, "the target closed the connection "
				 "without saying that the machine runs there%s%s",
				 n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			return -1;
		}
		have += (size_t)n;
		if (have == 8) {
			uint32_t m = (uint32_t)a[4] | (uint32_t)a[5] << 8 |
				     (uint32_t)a[6] << 16 |
				     (uint32_t)a[7] << 24;
			int ok = !memcmp(a, "OKAY", 4), no = !memcmp(a, "FAIL", 4);
			if ((!ok && !no) || m > ANSWER_MAX || (ok && m)) {
				snprintf(why, len, "the target's answer is not "
					 "OKAY or FAIL");
				return -1;
			}
			need = 8 + m;
		}
	}
	if (!memcmp(a, "OKAY", 4))
		return 0;
	/* A refusal's text is shown: keep it printable. */
	size_t m = need - 8;
	for (size_t i = 0; i < m; i++)
		if (a[8 + i] < 0x20 || a[8 + i] == 0x7f)
			a[8 + i] = '?';
	snprintf(why, len, "the target refused the machine: %.*s", (int)m,
		 (const char *)a + 8);
	return -1;
}

int run_mig_send(const struct run_mig_opts *o, struct vm *vm,
		 uint64_t budget, enum vm_stop (*run)(void *ctx, uint64_t n),
		 void *ctx, void (*release)(void *rctx), void *rctx)
{
	uint64_t start = vm_units(vm);
	struct sock k = { .fd = connect_to(o->to) };
	if (k.fd < 0) {
		cmd_error("--migrate-to %s: %m; the guest runs here", o->to);
		return 0;
	}
	if (o->at > budget) {
		cmd_error("warning: --migrate-at %llu is past the budget of "
			  "%llu: the guest stays here",
			  (unsigned long long)o->at,
			  (unsigned long long)budget);
		close(k.fd);
		return 0;
	}
	if (o->at && stopped(run(ctx, o->at))) {
		cmd_error("warning: --migrate-at %llu: the run ended first; "
			  "the guest stays here", (unsigned long long)o->at);
		close(k.fd);
		return 0;
	}
	struct mig_src *s = calloc(1, sizeof *s);
	char err[8 + 1200];
	int rc = 0;
	if (!s) {
		cmd_error("out of host memory");
		close(k.fd);
		return 0;
	}
	if (mig_src_start(s, vm, &o->policy, write_sock, &k, err,
			  sizeof err)) {
		failed(o, s, &k, err);
		goto out;
	}
	for (;;) {
		uint64_t n = mig_src_slice(s), spent = vm_units(vm) - start;
		if (n > budget - spent)
			n = budget - spent;
		enum vm_stop st = n ? run(ctx, n) : VM_RUNNING;
		if (stopped(st)) {
			snprintf(err, sizeof err, "the guest stopped before "
				 "the switchover");
			failed(o, s, &k, err);
			goto out;
		}
		if (vm_units(vm) - start >= budget) {
			snprintf(err, sizeof err, "the budget of --max-insns "
				 "ran out before the switchover");
			failed(o, s, &k, err);
			goto out;
		}
		enum mig_step step = mig_src_step(s);
		if (step == MIG_STEP_FAILED) {
			failed(o, s, &k, NULL);
			goto out;
		}
		if (step == MIG_STEP_SWITCHOVER)
			break;
	}
	if (mig_src_finish(s, err, sizeof err)) {
		failed(o, s, &k, err);
		goto out;
	}
	/* Everything has gone: the target answers once the machine runs
	 * there, or says why it could not make it. */
	shutdown(k.fd, SHUT_WR);
	if (read_answer(k.fd, err, sizeof err) == 0) {
		if (release)
			release(rctx);
		report(o, s);
		rc = 1;
		goto out;
	}
	failed(o, s, &k, err);
out:
	mig_src_free(s);
	free(s);
	close(k.fd);
	return rc;
}
