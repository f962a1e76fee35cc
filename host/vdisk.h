/*
 * Virtual disk images, independent of their format: a raw file (vdisk.c)
 * or a qcow2 image (qcow2.c, QEMU's docs/interop/qcow2.txt, version 3)
 * that may sit on a chain of backing images.  A vdisk is a byte range of
 * size bytes read and written at any offset and length; each format moves
 * a range in as few host calls as its layout allows.
 *
 * Backing images are always opened read-only: only the top of a chain is
 * ever written by a run.  Errors are returned as -1 with the reason, which
 * names the file, in vd->err (I/O) or in the caller's buffer (open).
 */
#ifndef AULA_VDISK_H
#define AULA_VDISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Images in one backing chain, at most (a loop is caught before). */
#define VDISK_MAX_DEPTH 256

enum vdisk_format {
	VDISK_AUTO,		/* probe the first bytes */
	VDISK_RAW,
	VDISK_QCOW2,
};

/* What one layer holds for a range (vdisk_status). */
enum vdisk_kind {
	VDISK_UNALLOCATED,	/* not here: read from the backing image */
	VDISK_DATA,		/* here, at host offset *host */
	VDISK_ZERO,		/* here, and reads as zeros */
};

struct vdisk;
struct vdisk_ops {
	int (*read)(struct vdisk *vd, uint64_t off, void *buf, size_t len);
	int (*write)(struct vdisk *vd, uint64_t off, const void *buf,
		     size_t len);
	int (*flush)(struct vdisk *vd);
	/* The kind of the bytes from off, and in *n how many of the len
	 * bytes from off share it (contiguous on the host for DATA). */
	int (*status)(struct vdisk *vd, uint64_t off, uint64_t len,
		      enum vdisk_kind *kind, uint64_t *n, uint64_t *host);
	void (*close)(struct vdisk *vd);	/* frees the format's state */
};

struct vdisk {
	const struct vdisk_ops *ops;
	char *path;		/* as opened */
	enum vdisk_format format;
	uint64_t size;		/* virtual size in bytes */
	bool read_only;
	bool probed;		/* the format was guessed, not given */
	bool repair;		/* opened writable to repair it */
	int fd;
	struct vdisk *backing;	/* the next image down the chain, or NULL */
	char *backing_name;	/* the name recorded in the image, or NULL */
	char *backing_format;	/* its format as recorded, or NULL */
	void *priv;		/* the format's state */
	char err[512];		/* why the last call failed */
};

const char *vdisk_format_name(enum vdisk_format f);
/* "raw" or "qcow2" into *f; false for anything else. */
bool vdisk_parse_format(const char *s, enum vdisk_format *f);

/* Open path as format (VDISK_AUTO probes it), with its backing chain.
 * 0 with *out set, or -1 with the reason in err. */
enum {
	VDISK_READ_ONLY = 1,
	VDISK_REPAIR = 2,	/* writable even when marked dirty/corrupt */
	VDISK_NO_BACKING = 4,	/* leave the backing file closed: what
				 * falls through reads as zeros */
};
int vdisk_open(struct vdisk **out, const char *path, enum vdisk_format fmt,
	       unsigned flags, char *err, size_t errlen);
/* Flush (when writable) and close the whole chain: 0, or -1 with the
 * reason in err (when err is not NULL). */
int vdisk_close(struct vdisk *vd, char *err, size_t errlen);

int vdisk_read(struct vdisk *vd, uint64_t off, void *buf, size_t len);
int vdisk_write(struct vdisk *vd, uint64_t off, const void *buf, size_t len);
int vdisk_flush(struct vdisk *vd);
int vdisk_status(struct vdisk *vd, uint64_t off, uint64_t len,
		 enum vdisk_kind *kind, uint64_t *n, uint64_t *host);

/* Read from a backing image that may be shorter than its overlay: bytes
 * past its end read as zeros; a NULL backing reads as zeros. */
int vdisk_read_below(struct vdisk *vd, struct vdisk *backing, uint64_t off,
		     void *buf, size_t len);

/* Where the bytes from off come from in the whole chain: the image
 * (*layer: 0 the top, 1 its backing, ...; -1 none: zeros past the chain's
 * bottom) and its kind (VDISK_DATA or VDISK_ZERO), for *n of the len
 * bytes. */
int vdisk_chain_status(struct vdisk *vd, uint64_t off, uint64_t len,
		       int *layer, enum vdisk_kind *kind, uint64_t *n);

/* The backing path as the file system sees it: name resolved against
 * the directory of the overlay at path (a new string, or NULL). */
char *vdisk_resolve_backing(const char *path, const char *name);
/* The name an overlay at path should record for base: base's path
 * relative to path's directory (a new string, or NULL with err). */
char *vdisk_relative_name(const char *path, const char *base, char *err,
			  size_t errlen);

/* Store an error message in vd->err: "FILE: ...". Returns -1. */
int vdisk_fail(struct vdisk *vd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* pread/pwrite all of len bytes, retrying short transfers; 0 or -1 with
 * vd->err set naming what. */
int vdisk_pread(struct vdisk *vd, uint64_t off, void *buf, size_t len,
		const char *what);
int vdisk_pwrite(struct vdisk *vd, uint64_t off, const void *buf,
		 size_t len, const char *what);

#endif
