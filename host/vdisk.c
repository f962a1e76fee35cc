/*
 * Virtual disks: opening an image of either format with its backing
 * chain, and the raw format itself (a file whose bytes are the disk's).
 *
 * Probing.  With no format given, an image that starts with the qcow2
 * magic is qcow2 and anything else raw.  A raw disk whose guest writes
 * the qcow2 magic into its first sector would be taken for qcow2 by the
 * next run, with a backing file of the guest's choosing: the classic
 * probing hole.  So a raw image opened by probing refuses such a write,
 * and `format=raw` (which the message names) allows it.
 */
#define _GNU_SOURCE
#include "host/vdisk.h"
#include "host/qcow2.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int vdisk_fail(struct vdisk *vd, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(vd->err, sizeof vd->err, "%s: ", vd->path);
	if (n < 0 || (size_t)n >= sizeof vd->err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(vd->err + n, sizeof vd->err - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

int vdisk_pread(struct vdisk *vd, uint64_t off, void *buf, size_t len,
		const char *what)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(vd->fd, (char *)buf + done, len - done,
				  (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vdisk_fail(vd, "%s of %zu bytes at byte %llu "
					  "failed: %s", what, len,
					  (unsigned long long)off,
					  n < 0 ? strerror(errno) :
					  "the file ended early (was it "
					  "truncated?)");
		done += (size_t)n;
	}
	return 0;
}

int vdisk_pwrite(struct vdisk *vd, uint64_t off, const void *buf,
		 size_t len, const char *what)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = pwrite(vd->fd, (const char *)buf + done,
				   len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vdisk_fail(vd, "%s of %zu bytes at byte %llu "
					  "failed: %s", what, len,
					  (unsigned long long)off,
					  n < 0 ? strerror(errno) :
					  "nothing written");
		done += (size_t)n;
	}
	return 0;
}

const char *vdisk_format_name(enum vdisk_format f)
{
	return f == VDISK_QCOW2 ? "qcow2" : f == VDISK_RAW ? "raw" : "auto";
}

bool vdisk_parse_format(const char *s, enum vdisk_format *f)
{
	if (!strcmp(s, "raw"))
		*f = VDISK_RAW;
	else if (!strcmp(s, "qcow2"))
		*f = VDISK_QCOW2;
	else
		return false;
	return true;
}

/* --- raw ----------------------------------------------------------------- */

static int raw_read(struct vdisk *vd, uint64_t off, void *buf, size_t len)
{
	return vdisk_pread(vd, off, buf, len, "read");
}

static int raw_write(struct vdisk *vd, uint64_t off, const void *buf,
		     size_t len)
{
	if (vd->probed && off == 0 && qcow2_probe(buf, len))
		return vdisk_fail(vd, "the guest wrote a qcow2 header into "
				  "the first sector of this raw image, which "
				  "the next run would take for qcow2; refused "
				  "(attach it with format=raw to allow it)");
	return vdisk_pwrite(vd, off, buf, len, "write");
}

static int raw_flush(struct vdisk *vd)
{
	return fsync(vd->fd) ? vdisk_fail(vd, "fsync: %s", strerror(errno))
			     : 0;
}

/* Holes (SEEK_HOLE) read as zeros without being stored. */
static int raw_status(struct vdisk *vd, uint64_t off, uint64_t len,
		      enum vdisk_kind *kind, uint64_t *n, uint64_t *host)
{
	off_t data = lseek(vd->fd, (off_t)off, SEEK_DATA);
	*host = off;
	if (data < 0 && errno != ENXIO) {
		*kind = VDISK_DATA;	/* no SEEK_DATA here: all data */
		*n = len;
		return 0;
	}
	if (data < 0 || (uint64_t)data > off) {
		uint64_t z = data < 0 ? len : (uint64_t)data - off;
		*kind = VDISK_ZERO;
		*n = z < len ? z : len;
		return 0;
	}
	off_t hole = lseek(vd->fd, (off_t)off, SEEK_HOLE);
	uint64_t d = hole < 0 ? len : (uint64_t)hole - off;
	*kind = VDISK_DATA;
	*n = d < len && d ? d : len;
	return 0;
}

static void raw_close(struct vdisk *vd)
{
	(void)vd;
}

static const struct vdisk_ops raw_ops = {
	.read = raw_read,
	.write = raw_write,
	.flush = raw_flush,
	.status = raw_status,
	.close = raw_close,
};

/* --- the chain ----------------------------------------------------------- */

int vdisk_read(struct vdisk *vd, uint64_t off, void *buf, size_t len)
{
	if (off > vd->size || len > vd->size - off)
		return vdisk_fail(vd, "read of %zu bytes at byte %llu is past "
				  "the end", len, (unsigned long long)off);
	return vd->ops->read(vd, off, buf, len);
}

int vdisk_write(struct vdisk *vd, uint64_t off, const void *buf, size_t len)
{
	if (vd->read_only)
		return vdisk_fail(vd, "the image is open read-only");
	if (off > vd->size || len > vd->size - off)
		return vdisk_fail(vd, "write of %zu bytes at byte %llu is past "
				  "the end", len, (unsigned long long)off);
	return vd->ops->write(vd, off, buf, len);
}

int vdisk_flush(struct vdisk *vd)
{
	return vd->read_only ? 0 : vd->ops->flush(vd);
}

int vdisk_status(struct vdisk *vd, uint64_t off, uint64_t len,
		 enum vdisk_kind *kind, uint64_t *n, uint64_t *host)
{
	return vd->ops->status(vd, off, len, kind, n, host);
}

int vdisk_read_below(struct vdisk *vd, struct vdisk *backing, uint64_t off,
		     void *buf, size_t len)
{
	uint64_t have = 0;
	if (backing && off < backing->size)
		have = backing->size - off < len ? backing->size - off : len;
	if (have && vdisk_read(backing, off, buf, have)) {
		snprintf(vd->err, sizeof vd->err, "%s", backing->err);
		return -1;
	}
	memset((char *)buf + have, 0, len - have);
	return 0;
}

int vdisk_chain_status(struct vdisk *vd, uint64_t off, uint64_t len,
		       int *layer, enum vdisk_kind *kind, uint64_t *n)
{
	struct vdisk *top = vd;
	uint64_t host;
	for (int depth = 0; vd && off < vd->size; depth++, vd = vd->backing) {
		if (len > vd->size - off)
			len = vd->size - off;
		if (vdisk_status(vd, off, len, kind, n, &host)) {
			if (vd != top)
				snprintf(top->err, sizeof top->err, "%s",
					 vd->err);
			return -1;
		}
		if (*kind != VDISK_UNALLOCATED) {
			*layer = depth;
			return 0;
		}
		len = *n;
	}
	*layer = -1;
	*kind = VDISK_ZERO;
	*n = len;
	return 0;
}

char *vdisk_resolve_backing(const char *path, const char *name)
{
	char *out = NULL;
	if (name[0] == '/')
		return strdup(name);
	char *copy = strdup(path);
	const char *dir = copy ? dirname(copy) : NULL;
	if (dir && !strcmp(dir, "."))
		out = strdup(name);	/* beside it, in this directory */
	else if (dir && asprintf(&out, "%s/%s", dir, name) < 0)
		out = NULL;
	free(copy);
	return out;
}

char *vdisk_relative_name(const char *path, const char *base, char *err,
			  size_t errlen)
{
	char *pc = strdup(path), *bc = strdup(base), *out = NULL;
	char pdir[PATH_MAX], bdir[PATH_MAX];
	if (!pc || !bc) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	const char *bname = basename(bc);
	char *bc2 = strdup(base);
	const char *bad = !bc2 ? NULL : !realpath(dirname(pc), pdir) ? path
			  : !realpath(dirname(bc2), bdir) ? base : NULL;
	if (!bc2 || bad) {
		snprintf(err, errlen, "the directory of %s: %s",
			 bad ? bad : "?", strerror(bc2 ? errno : ENOMEM));
		free(bc2);
		goto done;
	}
	free(bc2);
	/* The common leading directories, then one ".." per remaining
	 * directory of the overlay's. */
	size_t common = 0;
	for (size_t i = 0;; i++) {
		bool pe = pdir[i] == '/' || !pdir[i],
		     be = bdir[i] == '/' || !bdir[i];
		if (pe && be)
			common = i;
		if (pdir[i] != bdir[i] || !pdir[i])
			break;
	}
	char rel[3 * PATH_MAX] = "";
	for (const char *p = pdir + common; *p; p++)
		if (*p == '/')
			strcat(rel, "../");
	const char *rest = bdir + common;
	if (*rest == '/')
		rest++;
	if (asprintf(&out, "%s%s%s%s", rel, rest, *rest ? "/" : "",
		     bname) < 0)
		out = NULL;
done:
	free(pc);
	free(bc);
	return out;
}

static void free_one(struct vdisk *vd)
{
	if (vd->ops)
		vd->ops->close(vd);
	if (vd->fd >= 0)
		close(vd->fd);
	free(vd->path);
	free(vd->backing_name);
	free(vd->backing_format);
	free(vd);
}

/* Open one image of the chain; depth and the ids above it catch loops. */
static int open_chain(struct vdisk **out, const char *path,
		      enum vdisk_format fmt, unsigned flags,
		      struct stat *above, unsigned depth,
		      char *err, size_t errlen)
{
	bool read_only = flags & VDISK_READ_ONLY;
	struct vdisk *vd = calloc(1, sizeof *vd);
	struct stat st;
	*out = NULL;
	if (!vd || !(vd->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		free(vd);
		return -1;
	}
	vd->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	vd->read_only = read_only;
	vd->repair = flags & VDISK_REPAIR;
	if (vd->fd < 0 || fstat(vd->fd, &st)) {
		int e = errno;
		bool denied = !read_only && (e == EACCES || e == EROFS);
		snprintf(err, errlen, "%s: cannot open%s: %s%s", path,
			 denied ? " for writing" : "", strerror(e),
			 e == ENOENT ? " ('aula disk create FILE SIZE' makes "
			 "one)" : denied ? " (add ,ro to attach it "
			 "read-only)" : "");
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	for (unsigned i = 0; i < depth; i++)
		if (above[i].st_dev == st.st_dev &&
		    above[i].st_ino == st.st_ino) {
			snprintf(err, errlen, "%s: the backing chain loops "
				 "back to this file", path);
			goto fail;
		}
	above[depth] = st;
	uint8_t head[8] = { 0 };
	if (fmt == VDISK_AUTO) {
		vd->probed = true;
		fmt = pread(vd->fd, head, sizeof head, 0) == sizeof head &&
		      qcow2_probe(head, sizeof head) ? VDISK_QCOW2 : VDISK_RAW;
	}
	vd->format = fmt;
	if (fmt == VDISK_RAW) {
		vd->ops = &raw_ops;
		vd->size = (uint64_t)st.st_size;
		*out = vd;
		return 0;
	}
	char why[400];
	int qst = qcow2_open(vd, why, sizeof why);
	if (qst) {
		snprintf(err, errlen, "%s: %s%s", path, why,
			 vd->probed && qst == QCOW2_DAMAGED ?
			 " (if it is a raw image, say format=raw)" : "");
		goto fail;
	}
	if (vd->backing_name && !(flags & VDISK_NO_BACKING)) {
		if (depth + 1 >= VDISK_MAX_DEPTH) {
			snprintf(err, errlen, "%s: the backing chain is deeper "
				 "than %d images", path, VDISK_MAX_DEPTH);
			goto fail;
		}
		enum vdisk_format bf = VDISK_AUTO;
		if (vd->backing_format &&
		    !vdisk_parse_format(vd->backing_format, &bf)) {
			snprintf(err, errlen, "%s: its backing file %s has "
				 "format '%s', which Aula does not read", path,
				 vd->backing_name, vd->backing_format);
			goto fail;
		}
		char *bpath = vdisk_resolve_backing(path, vd->backing_name);
		if (!bpath) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		char berr[1024];
		int st2 = open_chain(&vd->backing, bpath, bf, VDISK_READ_ONLY, above,
				     depth + 1, berr, sizeof berr);
		free(bpath);
		if (st2) {
			snprintf(err, errlen, "%s: its backing file: %s", path,
				 berr);
			goto fail;
		}
	}
	*out = vd;
	return 0;
fail:
	free_one(vd);
	return -1;
}

int vdisk_open(struct vdisk **out, const char *path, enum vdisk_format fmt,
	       unsigned flags, char *err, size_t errlen)
{
	struct stat *above = calloc(VDISK_MAX_DEPTH, sizeof *above);
	if (!above) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int st = open_chain(out, path, fmt, flags, above, 0, err, errlen);
	free(above);
	return st;
}

int vdisk_close(struct vdisk *vd, char *err, size_t errlen)
{
	int status = 0;
	while (vd) {
		struct vdisk *below = vd->backing;
		if (!vd->read_only && vd->ops->flush(vd)) {
			if (err && status == 0)
				snprintf(err, errlen, "%s", vd->err);
			status = -1;
		}
		free_one(vd);
		vd = below;
	}
	return status;
}
