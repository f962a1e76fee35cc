/*
 * aula disk create, commit, rollback, clone and convert: making images
 * and moving data between the layers of a chain (aula(1), aula-qcow2(5)).
 *
 * Commit copies what the overlay holds into its backing image, flushes
 * it, and only then empties the overlay: a crash half-way leaves the
 * overlay whole (what the guest sees through it is unchanged), and a
 * second commit finishes the job.  Emptying (and rollback) writes a new
 * empty overlay beside the old one and renames it over, so the overlay
 * is always either the old one or the empty one.
 */
#define _GNU_SOURCE
#include "cli/disk_chain.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "host/qcow2.h"
#include "state/dump.h"

#define COPY_CHUNK (1u << 20)
#define PROGRESS_MIN (64ull << 20)	/* show progress from this size */

static int open_or_say(const char *what, struct vdisk **vd, const char *path,
		       enum vdisk_format fmt, unsigned flags)
{
	char err[1024];
	if (vdisk_open(vd, path, fmt, flags, err, sizeof err) == 0)
		return 0;
	cmd_error("disk %s: %s", what, err);
	return -1;
}

static int close_or_say(const char *what, struct vdisk *vd)
{
	char err[600];
	if (vdisk_close(vd, err, sizeof err) == 0)
		return 0;
	cmd_error("disk %s: %s", what, err);
	return -1;
}

/* Write an empty image to fd (an empty file). */
static int make_on_fd(int fd, uint64_t size, enum vdisk_format fmt,
		      unsigned cluster_bits, const char *bname,
		      enum vdisk_format bfmt, char *err, size_t errlen)
{
	if (fmt == VDISK_RAW) {
		/* Extending with ftruncate writes nothing: the image is
		 * sparse, and reads as zeros. */
		if (ftruncate(fd, (off_t)size) == 0 && fsync(fd) == 0)
			return 0;
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	return qcow2_create(fd, size, cluster_bits ? cluster_bits :
			    QCOW2_DEFAULT_CLUSTER_BITS, bname,
			    bname ? vdisk_format_name(bfmt) : NULL, err,
			    errlen);
}

int disk_make(const char *what, const char *path, uint64_t size,
	      enum vdisk_format fmt, unsigned cluster_bits,
	      const char *backing, enum vdisk_format bfmt, bool force,
	      const struct vdisk *keep)
{
	char err[512];
	char *bname = NULL;
	struct stat ps, ks;
	for (const struct vdisk *v = keep; v && stat(path, &ps) == 0;
	     v = v->backing)
		if (fstat(v->fd, &ks) == 0 && ks.st_dev == ps.st_dev &&
		    ks.st_ino == ps.st_ino) {
			cmd_error("disk %s: %s is %s: replacing it would lose "
				  "what the new image is made from", what,
				  path, v == keep ? "the source" :
				  "in the source's backing chain");
			return DUMP_EXIT_USAGE;
		}
	if (backing && !(bname = vdisk_relative_name(path, backing, err,
						     sizeof err))) {
		cmd_error("disk %s: %s", what, err);
		return DUMP_EXIT_USAGE;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
		      (force ? O_TRUNC : O_EXCL), 0666);
	if (fd < 0) {
		if (errno == EEXIST)
			cmd_error("disk %s: %s exists; --force replaces it "
				  "(its contents are lost)", what, path);
		else
			cmd_error("disk %s: %s: %m", what, path);
		free(bname);
		return DUMP_EXIT_USAGE;
	}
	int st = make_on_fd(fd, size, fmt, cluster_bits, bname, bfmt, err,
			    sizeof err);
	free(bname);
	if (st == 0 && close(fd) == 0)
		return 0;
	cmd_error("disk %s: %s: %s", what, path, st ? err : strerror(errno));
	if (st)
		close(fd);
	unlink(path);
	return DUMP_EXIT_USAGE;
}

static void progress(const char *what, uint64_t done, uint64_t total)
{
	if (total < PROGRESS_MIN || !isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\r%s: %3llu%%", what,
		(unsigned long long)(done * 100 / total));
	if (done == total)
		fputc('\n', stderr);
}

/* Copy what layer 0 of src holds (only_top) or what the whole chain
 * reads as (!only_top) into dst, skipping zeros.  0 or -1 after saying
 * why. */
static int copy_image(const char *what, struct vdisk *src, struct vdisk *dst,
		      bool only_top)
{
	uint8_t *buf = malloc(COPY_CHUNK), *zero = calloc(1, COPY_CHUNK);
	int status = -1;
	uint64_t size = src->size < dst->size ? src->size : dst->size;
	if (!buf || !zero) {
		cmd_error("disk %s: out of memory", what);
		goto done;
	}
	for (uint64_t off = 0; off < size;) {
		uint64_t n, want = size - off < COPY_CHUNK ? size - off
			       : COPY_CHUNK;
		enum vdisk_kind kind;
		int layer;
		if (vdisk_chain_status(src, off, want, &layer, &kind, &n)) {
			cmd_error("disk %s: %s", what, src->err);
			goto done;
		}
		bool skip = only_top ? layer != 0 : kind == VDISK_ZERO;
		if (!skip && kind == VDISK_ZERO) {
			if (vdisk_write(dst, off, zero, n))
				goto write_failed;
		} else if (!skip) {
			if (vdisk_read(src, off, buf, n)) {
				cmd_error("disk %s: %s", what, src->err);
				goto done;
			}
			/* Keep the copy sparse: all-zero 4 KiB blocks are
			 * not written (a new image reads them as zeros). */
			for (uint64_t a = 0; a < n;) {
				uint64_t b = a + 4096 < n ? a + 4096 : n;
				bool z = !memcmp(buf + a, zero, b - a);
				uint64_t e = b;
				while (e < n) {
					uint64_t f = e + 4096 < n ? e + 4096 : n;
					if (!memcmp(buf + e, zero, f - e) != z)
						break;
					e = f;
				}
				if ((!z || only_top) &&
				    vdisk_write(dst, off + a, buf + a, e - a))
					goto write_failed;
				a = e;
			}
		}
		off += n;
		progress(what, off, size);
	}
	if (vdisk_flush(dst))
		goto write_failed;
	status = 0;
	goto done;
write_failed:
	cmd_error("disk %s: %s", what, dst->err);
done:
	free(buf);
	free(zero);
	return status;
}

/* Replace the overlay at path with an empty one on the same backing:
 * written beside it, made durable, renamed over it. */
static int empty_overlay(const char *what, struct vdisk *ov)
{
	struct qcow2_info qi;
	struct stat st;
	char *tmp = NULL, err[512];
	qcow2_get_info(ov, &qi);
	if (fstat(ov->fd, &st) || asprintf(&tmp, "%s.aula-XXXXXX",
					   ov->path) < 0) {
		cmd_error("disk %s: %s: %m", what, ov->path);
		return -1;
	}
	int fd = mkstemp(tmp);
	unsigned bits = 0;
	while ((1ull << bits) < qi.cluster_size)
		bits++;
	enum vdisk_format bfmt = ov->backing ? ov->backing->format : VDISK_RAW;
	if (fd < 0 || fchmod(fd, st.st_mode & 07777) ||
	    make_on_fd(fd, ov->size, VDISK_QCOW2, bits, ov->backing_name,
		       bfmt, err, sizeof err) ||
	    close(fd) || rename(tmp, ov->path)) {
		if (fd >= 0) {
			snprintf(err, sizeof err, "%s", strerror(errno));
			unlink(tmp);
		}
		cmd_error("disk %s: cannot empty %s: %s", what, ov->path, err);
		free(tmp);
		return -1;
	}
	free(tmp);
	char *copy = strdup(ov->path);
	int dfd = copy ? open(dirname(copy), O_RDONLY | O_DIRECTORY) : -1;
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(copy);
	return 0;
}

/* Other qcow2 images in dir whose backing file is base (not skip). */
static int scan_users(const char *dir, const struct stat *base,
		      const struct stat *skip, char *first, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int users = 0;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *p = NULL;
		struct stat st;
		uint8_t h[8];
		if (!strcmp(dir, ".") ? !(p = strdup(e->d_name))
		    : asprintf(&p, "%s/%s", dir, e->d_name) < 0)
			break;
		int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		bool cand = fd >= 0 && fstat(fd, &st) == 0 &&
			    S_ISREG(st.st_mode) &&
			    !(st.st_dev == skip->st_dev &&
			      st.st_ino == skip->st_ino) &&
			    pread(fd, h, 8, 0) == 8 && qcow2_probe(h, 8);
		if (fd >= 0)
			close(fd);
		struct vdisk *vd;
		char err[256];
		if (cand && vdisk_open(&vd, p, VDISK_QCOW2, VDISK_READ_ONLY,
				       err, sizeof err) == 0) {
			struct stat bs;
			if (vd->backing && fstat(vd->backing->fd, &bs) == 0 &&
			    bs.st_dev == base->st_dev &&
			    bs.st_ino == base->st_ino && users++ == 0)
				snprintf(first, len, "%s", p);
			vdisk_close(vd, NULL, 0);
		}
		free(p);
	}
	closedir(d);
	return users;
}

int disk_commit(const char *path, bool force)
{
	struct vdisk *ov, *base;
	struct stat bs, os;
	if (open_or_say("commit", &ov, path, VDISK_AUTO, VDISK_READ_ONLY))
		return DUMP_EXIT_USAGE;
	if (!ov->backing) {
		cmd_error("disk commit: %s has no backing file: there is "
			  "nothing to commit it into", path);
		vdisk_close(ov, NULL, 0);
		return DUMP_EXIT_USAGE;
	}
	const char *bpath = ov->backing->path;
	fstat(ov->backing->fd, &bs);
	fstat(ov->fd, &os);
	char other[PATH_MAX + 256] = "";
	char *c1 = strdup(bpath), *c2 = strdup(path);
	int users = c1 && c2 ? scan_users(dirname(c1), &bs, &os, other,
					  sizeof other) : 0;
	if (c1 && c2 && strcmp(c1, c2) && !users)
		users = scan_users(dirname(c2), &bs, &os, other, sizeof other);
	free(c1);
	free(c2);
	if (users && !force) {
		cmd_error("disk commit: %s is also the backing file of %s%s: "
			  "committing would change what that overlay reads; "
			  "--force commits anyway", bpath, other,
			  users > 1 ? " and others" : "");
		vdisk_close(ov, NULL, 0);
		return DUMP_EXIT_USAGE;
	}
	if (ov->size > ov->backing->size) {
		cmd_error("disk commit: %s (%llu bytes) is larger than its "
			  "backing file %s (%llu bytes)", path,
			  (unsigned long long)ov->size, bpath,
			  (unsigned long long)ov->backing->size);
		vdisk_close(ov, NULL, 0);
		return DUMP_EXIT_USAGE;
	}
	if (open_or_say("commit", &base, bpath, ov->backing->format, 0)) {
		vdisk_close(ov, NULL, 0);
		return DUMP_EXIT_USAGE;
	}
	int st = copy_image("commit", ov, base, true);
	if (close_or_say("commit", base))
		st = -1;
	if (st == 0)
		st = empty_overlay("commit", ov);
	if (st == 0)
		printf("committed %s into %s; %s is empty again\n", path,
		       bpath, path);
	vdisk_close(ov, NULL, 0);
	return st ? DUMP_EXIT_USAGE : 0;
}

int disk_rollback(const char *path)
{
	struct vdisk *ov;
	if (open_or_say("rollback", &ov, path, VDISK_AUTO, VDISK_READ_ONLY))
		return DUMP_EXIT_USAGE;
	if (ov->format != VDISK_QCOW2 || !ov->backing) {
		cmd_error("disk rollback: %s is not an overlay (a qcow2 image "
			  "with a backing file): there is no earlier state to "
			  "go back to", path);
		vdisk_close(ov, NULL, 0);
		return DUMP_EXIT_USAGE;
	}
	int st = empty_overlay("rollback", ov);
	vdisk_close(ov, NULL, 0);
	return st ? DUMP_EXIT_USAGE : 0;
}

int disk_convert(const char *src, const char *dst, const struct disk_opts *o)
{
	struct vdisk *in, *out;
	if (open_or_say("convert", &in, src, VDISK_AUTO, VDISK_READ_ONLY))
		return DUMP_EXIT_USAGE;
	enum vdisk_format fmt = o->format != VDISK_AUTO ? o->format
				: in->format;
	int st = disk_make("convert", dst, in->size, fmt, o->cluster_bits,
			   NULL, VDISK_RAW, o->force, in);
	if (st == 0 && open_or_say("convert", &out, dst, fmt, 0) == 0) {
		if (copy_image("convert", in, out, false))
			st = DUMP_EXIT_USAGE;
		if (close_or_say("convert", out))
			st = DUMP_EXIT_USAGE;
		if (st)
			unlink(dst);	/* half a copy is no copy */
	} else if (st == 0) {
		st = DUMP_EXIT_USAGE;
	}
	vdisk_close(in, NULL, 0);
	return st;
}

int disk_clone(const char *src, const char *dst, bool linked,
	       const struct disk_opts *o)
{
	if (!linked)
		return disk_convert(src, dst, o);
	struct vdisk *in;
	if (open_or_say("clone", &in, src, VDISK_AUTO, VDISK_READ_ONLY))
		return DUMP_EXIT_USAGE;
	if (o->format == VDISK_RAW) {
		cmd_error("disk clone --linked: a linked clone is a qcow2 "
			  "overlay; it cannot be raw");
		vdisk_close(in, NULL, 0);
		return DUMP_EXIT_USAGE;
	}
	int st = disk_make("clone", dst, in->size, VDISK_QCOW2,
			   o->cluster_bits, src, in->format, o->force, in);
	vdisk_close(in, NULL, 0);
	return st;
}
