/*
 * vdisk-io: drive an image through Aula's disk back end (host/vdisk.h),
 * for tests/qcow2.sh.
 *
 *   vdisk-io FILE CMD...        run commands in qemu-io's syntax:
 *                               "write -P BYTE OFF LEN", "flush",
 *                               "read -P BYTE OFF LEN" (exit 1 if the
 *                               bytes differ)
 *   vdisk-io --crash-after N [--drop SEED] FILE crash
 *                               run the crash workload, dying (_exit)
 *                               at the N-th write, pwritev or fsync the
 *                               back end makes; prints "acked K" after
 *                               the K-th FLUSH has returned.  --drop:
 *                               a power loss, which also loses a random
 *                               subset of the writes since the last
 *                               fsync
 *   vdisk-io crashtest FILE BASE [EVERY [TEMPLATE]]
 *                               the crash workload on a fresh overlay
 *                               FILE on BASE (a raw image named relative
 *                               to FILE's directory), killed and power
 *                               lost at every call in turn, each result
 *                               checked and verified; every EVERY-th
 *                               image is kept as FILE.K.  With TEMPLATE
 *                               (an image that reads as BASE does), each
 *                               run starts from a copy of it instead,
 *                               and every other call is tried
 *   vdisk-io FILE fillbase      sector s := base_byte(s), for a base
 *   vdisk-io FILE verify K      check FILE against the crash workload:
 *                               everything of phases 1..K is there, every
 *                               other sector holds its old or new bytes
 *
 * The crash workload overlays a base whose sector s holds bytes
 * base_byte(s); each of its phases writes sectors no other phase
 * touches, then flushes.  --wrap makes the kill deterministic: it counts
 * system calls, not time.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/wait.h>

#include "host/qcow2.h"
#include "host/vdisk.h"

#define SECTOR 512u
#define BLOCK 4096u
#define PHASES 8
#define CHUNK_SECTORS 128	/* verify reads 64 KiB at a time */

static long crash_after = -1, calls;

/* Power loss (--drop SEED): the writes since the last fsync are logged
 * with the bytes they replaced; at the crash the file goes back to its
 * state at that fsync and a random subset of them is written again, as a
 * disk that reorders and loses unflushed writes would leave it. */
struct logged {
	int fd;
	off_t off;
	size_t len;
	uint8_t *old, *new;
};
static struct logged *wlog;
static size_t nlog, caplog;
static bool drop, simulated;
static uint64_t drop_seed;

ssize_t __real_pwrite(int fd, const void *buf, size_t n, off_t off);
int __real_fsync(int fd);

static void power_loss(void)
{
	for (size_t i = nlog; i-- > 0;)
		__real_pwrite(wlog[i].fd, wlog[i].old, wlog[i].len,
			      wlog[i].off);
	for (size_t i = 0; i < nlog; i++) {
		drop_seed = drop_seed * 6364136223846793005ull +
			    1442695040888963407ull;
		if (drop_seed >> 63)
			__real_pwrite(wlog[i].fd, wlog[i].new, wlog[i].len,
				      wlog[i].off);
	}
}

static void count_call(void)
{
	if (crash_after >= 0 && ++calls >= crash_after) {
		if (drop)
			power_loss();
		_exit(137);
	}
}

static void log_write(int fd, const void *buf, size_t n, off_t off)
{
	if (!drop)
		return;
	if (nlog == caplog) {
		caplog = caplog ? 2 * caplog : 64;
		wlog = realloc(wlog, caplog * sizeof *wlog);
	}
	struct logged *l = &wlog[nlog++];
	*l = (struct logged){ fd, off, n, calloc(1, n + 1), malloc(n + 1) };
	ssize_t r = pread(fd, l->old, n, off);	/* past the end: zeros */
	(void)r;
	memcpy(l->new, buf, n);
}

ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	count_call();
	log_write(fd, buf, n, off);
	return __real_pwrite(fd, buf, n, off);
}
ssize_t __wrap_pwritev(int fd, const struct iovec *iov, int cnt, off_t off);
ssize_t __wrap_pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	size_t n = 0;
	count_call();
	for (int i = 0; i < cnt; i++)
		n += iov[i].iov_len;
	uint8_t *flat = malloc(n + 1);
	for (size_t i = 0, at = 0; i < (size_t)cnt; i++) {
		memcpy(flat + at, iov[i].iov_base, iov[i].iov_len);
		at += iov[i].iov_len;
	}
	log_write(fd, flat, n, off);
	ssize_t r = __real_pwrite(fd, flat, n, off);
	free(flat);
	return r;
}
int __wrap_fsync(int fd);
int __wrap_fsync(int fd)
{
	count_call();
	/* The crash test models the medium itself: no need to wait. */
	int r = simulated ? 0 : __real_fsync(fd);
	for (size_t i = 0; i < nlog; i++) {
		free(wlog[i].old);
		free(wlog[i].new);
	}
	nlog = 0;
	return r;
}

uint8_t base_byte(uint64_t sector);
uint8_t base_byte(uint64_t sector)
{
	return (uint8_t)(sector * 31 + 7);
}

/* The crash workload: write w of phase p covers [off, off + len). */
struct cwrite {
	uint64_t off, len;
	uint8_t byte;
	int phase;
};

static unsigned workload(uint64_t size, struct cwrite *w, unsigned max)
{
	uint64_t blocks = size / BLOCK, big = blocks - 96, seed = 12345;
	unsigned n = 0;
	uint32_t *order = malloc(blocks * sizeof *order);
	for (uint32_t i = 0; i < big; i++)
		order[i] = i;
	for (uint32_t i = (uint32_t)big; i-- > 1;) {	/* Fisher-Yates */
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint32_t j = (uint32_t)((seed >> 33) % (i + 1)), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	unsigned next = 0;
	for (int p = 1; p <= PHASES && n < max; p++) {
		for (int k = 0; k < 12 && n < max; k++) {
			seed = seed * 6364136223846793005ull + 1;
			uint64_t secs = 1 + (seed >> 40) % (BLOCK / SECTOR);
			w[n++] = (struct cwrite){
				(uint64_t)order[next++] * BLOCK, secs * SECTOR,
				(uint8_t)(p * 16 + k), p };
		}
		/* And a long write across clusters, in the reserved end. */
		w[n++] = (struct cwrite){ (big + 12 * (uint64_t)(p - 1)) *
					  BLOCK, 11 * BLOCK + 3 * SECTOR,
					  (uint8_t)(p * 16 + 15), p };
	}
	free(order);
	return n;
}

static int run_crash(struct vdisk *vd)
{
	struct cwrite w[PHASES * 13];
	unsigned n = workload(vd->size, w, PHASES * 13);
	uint8_t *buf = malloc(64 * BLOCK);
	int phase = 1;
	for (unsigned i = 0; i <= n; i++) {
		if (i == n || w[i].phase != phase) {
			if (vdisk_flush(vd))
				goto fail;
			printf("acked %d\n", phase);
			fflush(stdout);
			if (i == n)
				break;
			phase = w[i].phase;
		}
		memset(buf, w[i].byte, w[i].len);
		if (vdisk_write(vd, w[i].off, buf, w[i].len))
			goto fail;
	}
	free(buf);
	return 0;
fail:
	fprintf(stderr, "vdisk-io: %s\n", vd->err);
	free(buf);
	return 1;
}

static int verify(struct vdisk *vd, int acked)
{
	struct cwrite w[PHASES * 13];
	unsigned n = workload(vd->size, w, PHASES * 13);
	uint64_t sectors = vd->size / SECTOR;
	int16_t *who = malloc(sectors * sizeof *who);
	static uint8_t chunk[CHUNK_SECTORS * SECTOR];
	int bad = 0;
	memset(who, 0xff, sectors * sizeof *who);
	for (unsigned i = 0; i < n; i++)
		for (uint64_t s = w[i].off / SECTOR;
		     s < (w[i].off + w[i].len) / SECTOR; s++)
			who[s] = (int16_t)i;
	for (uint64_t s = 0; s < sectors; s++) {
		if (s % CHUNK_SECTORS == 0 &&
		    vdisk_read(vd, s * SECTOR, chunk, CHUNK_SECTORS * SECTOR)) {
			fprintf(stderr, "vdisk-io: %s\n", vd->err);
			free(who);
			return 1;
		}
		const uint8_t *sec = chunk + (s % CHUNK_SECTORS) * SECTOR;
		uint8_t old = base_byte(s), new = old;
		bool must_new = false;
		if (who[s] >= 0) {
			new = w[who[s]].byte;
			must_new = w[who[s]].phase <= acked;
		}
		bool all_old = true, all_new = true;
		for (unsigned b = 0; b < SECTOR; b++) {
			all_old &= sec[b] == old;
			all_new &= sec[b] == new;
		}
		if (all_new || (all_old && !must_new))
			continue;
		if (bad++ < 5)
			fprintf(stderr, "vdisk-io: sector %llu holds %#x..., "
				"expected %#x%s\n", (unsigned long long)s, sec[0],
				new, must_new ? " (acknowledged)" : " or old");
	}
	free(who);
	return bad != 0;
}

/* A fresh overlay at path on the raw base named base. */
static int fresh_overlay(const char *path, const char *base, uint64_t size)
{
	char err[256];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || qcow2_create(fd, size, QCOW2_DEFAULT_CLUSTER_BITS, base,
				   "raw", err, sizeof err)) {
		fprintf(stderr, "vdisk-io: %s: cannot create\n", path);
		return -1;
	}
	close(fd);
	return 0;
}

/* path := a copy of the image template. */
static int copy_of(const char *path, const char *template)
{
	static uint8_t buf[1 << 16];
	int in = open(template, O_RDONLY), out = open(path, O_WRONLY |
						       O_CREAT | O_TRUNC, 0644);
	ssize_t n = 0;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return in < 0 || out < 0 || n < 0 ? -1 : 0;
}

/* One crash at call k (a power loss when drop), then its checks: 0 if
 * the image is sound, and *done when the workload ran to its end.  The
 * image is a fresh overlay on base, or a copy of template. */
static int crash_once(const char *path, const char *base, uint64_t size,
		      const char *template, long k, bool power, bool *done,
		      bool *leaked)
{
	int pipefd[2], wst;
	char acks[256] = "";
	if ((template ? copy_of(path, template)
	     : fresh_overlay(path, base, size)) || pipe(pipefd))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		struct vdisk *vd;
		char err[512];
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		crash_after = k;
		drop = power;
		drop_seed = (uint64_t)k;
		if (vdisk_open(&vd, path, VDISK_QCOW2, 0, err, sizeof err))
			_exit(2);
		int st = run_crash(vd);
		_exit(st | vdisk_close(vd, NULL, 0) ? 1 : 0);
	}
	close(pipefd[1]);
	size_t got = 0;
	ssize_t r;
	while ((r = read(pipefd[0], acks + got, sizeof acks - 1 - got)) > 0)
		got += (size_t)r;
	close(pipefd[0]);
	waitpid(pid, &wst, 0);
	*done = WIFEXITED(wst) && WEXITSTATUS(wst) == 0;
	int acked = 0;
	for (char *p = acks; (p = strstr(p, "acked ")); p++)
		acked = atoi(p + 6);
	struct vdisk *vd;
	char err[512];
	if (vdisk_open(&vd, path, VDISK_QCOW2, VDISK_READ_ONLY, err,
		       sizeof err)) {
		fprintf(stderr, "vdisk-io: call %ld: %s\n", k, err);
		return -1;
	}
	struct qcow2_check c;
	int bad = qcow2_check(vd, false, NULL, &c) || c.errors;
	if (bad)
		fprintf(stderr, "vdisk-io: %s at call %ld: %llu errors\n",
			power ? "power lost" : "killed", k,
			(unsigned long long)c.errors);
	*leaked = c.leaks > 0;
	if (verify(vd, acked)) {
		fprintf(stderr, "vdisk-io: %s at call %ld: acknowledged "
			"data lost (phase %d acked)\n",
			power ? "power lost" : "killed", k, acked);
		bad = 1;
	}
	vdisk_close(vd, NULL, 0);
	return bad ? -1 : 0;
}

/* Crash the workload at every call, killed and by power loss; keep a
 * copy of every every-th image as PATH.N for qemu-img check. */
static int crash_test(const char *path, const char *base, long every,
		      const char *template)
{
	char err[512], copy[4096];
	struct vdisk *b;
	if (vdisk_open(&b, base, VDISK_RAW, VDISK_READ_ONLY, err, sizeof err)) {
		fprintf(stderr, "vdisk-io: %s\n", err);
		return 2;
	}
	uint64_t size = b->size;
	vdisk_close(b, NULL, 0);
	long points = 0, bad = 0, leaky = 0;
	bool done = false;
	simulated = true;
	/* From a template, every other call: each run inflates it. */
	for (long k = 1; !done; k += template ? 2 : 1) {
		for (int power = 0; power < 2; power++) {
			bool leaked = false, d = false;
			if (crash_once(path, base, size, template, k, power,
				       &d, &leaked))
				bad++;
			done |= d;
			leaky += leaked;
			points++;
			if (every > 0 && k % every == 0 && power) {
				snprintf(copy, sizeof copy, "%s.%ld", path, k);
				if (rename(path, copy))
					bad++;
			}
		}
	}
	printf("points %ld bad %ld leaky %ld\n", points, bad, leaky);
	return bad != 0;
}

static int command(struct vdisk *vd, const char *cmd, uint8_t **buf,
		   size_t *cap)
{
	char op[16];
	unsigned byte;
	unsigned long long off, len;
	if (!strcmp(cmd, "flush"))
		return vdisk_flush(vd) ? -1 : 0;
	if (!strcmp(cmd, "fillbase")) {	/* sector s := base_byte(s) */
		uint8_t sec[SECTOR];
		for (uint64_t s = 0; s < vd->size / SECTOR; s++) {
			memset(sec, base_byte(s), SECTOR);
			if (vdisk_write(vd, s * SECTOR, sec, SECTOR))
				return -1;
		}
		return 0;
	}
	if (sscanf(cmd, "%15s -P %i %lli %lli", op, &byte, &off, &len) != 4 ||
	    (strcmp(op, "write") && strcmp(op, "read"))) {
		fprintf(stderr, "vdisk-io: bad command '%s'\n", cmd);
		return 2;
	}
	if (len > *cap) {
		free(*buf);
		*cap = len;
		*buf = malloc(len);
	}
	if (op[0] == 'w') {
		memset(*buf, (int)byte, len);
		return vdisk_write(vd, off, *buf, len) ? -1 : 0;
	}
	if (vdisk_read(vd, off, *buf, len))
		return -1;
	for (size_t i = 0; i < len; i++)
		if ((*buf)[i] != (uint8_t)byte) {
			fprintf(stderr, "vdisk-io: byte %llu is %#x, not %#x\n",
				off + i, (*buf)[i], byte);
			return 1;
		}
	return 0;
}

int main(int argc, char **argv)
{
	int a = 1;
	if (argc > 2 && !strcmp(argv[1], "--crash-after")) {
		crash_after = atol(argv[2]);
		a = 3;
	}
	if (argc > a + 1 && !strcmp(argv[a], "--drop")) {
		drop = true;
		drop_seed = strtoull(argv[a + 1], NULL, 0);
		a += 2;
	}
	if (argc - a < 2) {
		fprintf(stderr, "usage: vdisk-io [--crash-after N [--drop SEED]] FILE "
			"CMD...\n");
		return 2;
	}
	if (!strcmp(argv[a], "crashtest") && argc - a >= 3)
		return crash_test(argv[a + 1], argv[a + 2],
				  argc - a > 3 ? atol(argv[a + 3]) : 0,
				  argc - a > 4 ? argv[a + 4] : NULL);
	bool ro = !strcmp(argv[a + 1], "verify");
	struct vdisk *vd;
	char err[1024];
	if (vdisk_open(&vd, argv[a], VDISK_AUTO, ro ? VDISK_READ_ONLY : 0,
		       err, sizeof err)) {
		fprintf(stderr, "vdisk-io: %s\n", err);
		return 2;
	}
	int status = 0;
	if (!strcmp(argv[a + 1], "crash")) {
		status = run_crash(vd);
	} else if (ro) {
		status = argc - a < 3 ? 2 : verify(vd, atoi(argv[a + 2]));
	} else {
		uint8_t *buf = NULL;
		size_t cap = 0;
		for (int i = a + 1; i < argc && !status; i++)
			if ((status = command(vd, argv[i], &buf, &cap)) < 0) {
				fprintf(stderr, "vdisk-io: %s\n", vd->err);
				status = 1;
			}
		free(buf);
	}
	if (vdisk_close(vd, err, sizeof err)) {
		fprintf(stderr, "vdisk-io: %s\n", err);
		status = 1;
	}
	return status;
}
