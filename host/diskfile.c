/*
 * A machine's disks, on images opened through vdisk.h.  A raw image's
 * writes go straight to the file (in the host's page cache once a WRITE
 * completes); a qcow2 image keeps its table updates until the next FLUSH
 * (qcow2.c says in which order).  FLUSH, and closing at the end of the
 * run, make everything durable.
 */
#define _GNU_SOURCE		/* strndup */
#include "host/diskfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/ports.h"

/* A guest that retries a failing disk in a loop would bury the terminal:
 * the first few failures are told in full, then only the total. */
#define DISK_FILE_MAX_MESSAGES 5

/* Tell the user that an I/O the guest asked for failed, and why (the
 * back end's message, which starts with the file's name). */
static void io_failed(struct disk_file *f, const char *why)
{
	f->io_errors++;
	if (f->io_errors > DISK_FILE_MAX_MESSAGES)
		return;
	size_t n = strlen(f->path);
	if (!strncmp(why, f->path, n) && !strncmp(why + n, ": ", 2))
		why += n + 2;	/* the top image: named once */
	fprintf(stderr, "aula: disk %u (%s): %s; the guest gets an I/O "
		"error\n", f->unit, f->path, why);
	if (f->io_errors == DISK_FILE_MAX_MESSAGES)
		fprintf(stderr, "aula: disk %u (%s): further I/O errors are "
			"counted, not shown\n", f->unit, f->path);
}

/* A failed call of more than one sector is not told: io/disk.c goes
 * again sector by sector to learn how far the transfer got, and the
 * failing sector is told then (vm.h). */
static int vd_failed(struct disk_file *f, size_t len)
{
	if (len <= DISK_SECTOR_SIZE)
		io_failed(f, f->vd->err);
	return -1;
}

static int file_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	struct disk_file *f = opaque;
	return vdisk_read(f->vd, off, buf, len) ? vd_failed(f, len) : 0;
}

static int file_write(void *opaque, uint64_t off, const void *buf,
		      size_t len)
{
	struct disk_file *f = opaque;
	return vdisk_write(f->vd, off, buf, len) ? vd_failed(f, len) : 0;
}

static int file_flush(void *opaque)
{
	struct disk_file *f = opaque;
	if (vdisk_flush(f->vd) == 0)
		return 0;
	io_failed(f, f->vd->err);
	return -1;
}

bool disk_file_size_ok(uint64_t size, char *why, size_t len)
{
	if (size == 0)
		snprintf(why, len, "it is empty");
	else if (size % DISK_SECTOR_SIZE)
		snprintf(why, len, "its size, %llu bytes, is not a multiple "
			 "of the %u-byte sector (%llu would be)",
			 (unsigned long long)size, DISK_SECTOR_SIZE,
			 (unsigned long long)(size / DISK_SECTOR_SIZE + 1) *
			 DISK_SECTOR_SIZE);
	else if (size / DISK_SECTOR_SIZE > DISK_MAX_SECTORS)
		snprintf(why, len, "it is larger than %u sectors (1 TiB)",
			 DISK_MAX_SECTORS);
	else
		return true;
	return false;
}

/* FILE[,ro][,format=raw|qcow2]: the path, and what the flags say.  A
 * file whose name has a comma is taken whole when it exists. */
static char *parse_spec(const char *spec, bool *ro, enum vdisk_format *fmt)
{
	*ro = false;
	*fmt = VDISK_AUTO;
	const char *comma = strchr(spec, ',');
	if (!comma || access(spec, F_OK) == 0)
		comma = spec + strlen(spec);
	for (const char *p = comma; *p;) {
		const char *q = strchr(p + 1, ',');
		size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
		if (n == 2 && !strncmp(p + 1, "ro", 2)) {
			*ro = true;
		} else if (n > 7 && !strncmp(p + 1, "format=", 7)) {
			char name[16];
			snprintf(name, sizeof name, "%.*s", (int)(n - 7), p + 8);
			if (!vdisk_parse_format(name, fmt)) {
				fprintf(stderr, "aula: --disk %s: format '%s' "
					"is neither raw nor qcow2\n", spec,
					name);
				return NULL;
			}
		} else {
			fprintf(stderr, "aula: --disk %s: the only flags after "
				"the file name are ',ro' (read-only) and "
				"',format=raw' or ',format=qcow2'\n", spec);
			return NULL;
		}
		p = q ? q : p + 1 + n;
	}
	char *path = strndup(spec, (size_t)(comma - spec));
	if (!path)
		fprintf(stderr, "aula: out of memory\n");
	return path;
}

int disk_file_open(struct disk_file *f, const char *spec, unsigned unit,
		   struct vm_disk_host *h)
{
	char why[1024];
	enum vdisk_format fmt;
	memset(f, 0, sizeof *f);
	f->fd = -1;
	f->unit = unit;
	if (!(f->path = parse_spec(spec, &f->read_only, &fmt)))
		return -1;
	if (vdisk_open(&f->vd, f->path, fmt,
		       f->read_only ? VDISK_READ_ONLY : 0, why, sizeof why)) {
		fprintf(stderr, "aula: --disk %s\n", why);
		goto fail;
	}
	f->size = f->vd->size;
	if (!disk_file_size_ok(f->size, why, sizeof why)) {
		fprintf(stderr, "aula: --disk %s: cannot be a disk: %s\n",
			f->path, why);
		goto fail;
	}
	f->fd = f->vd->fd;
	*h = (struct vm_disk_host){
		.opaque = f,
		.name = f->path,
		.size = f->size,
		.read_only = f->read_only,
		.read = file_read,
		.write = file_write,
		.flush = file_flush,
	};
	return 0;
fail:
	if (f->vd)
		vdisk_close(f->vd, NULL, 0);
	f->vd = NULL;
	free(f->path);
	f->path = NULL;
	return -1;
}

static bool in_chain(const struct vdisk *top, const struct stat *s)
{
	struct stat st;
	for (const struct vdisk *v = top; v; v = v->backing)
		if (fstat(v->fd, &st) == 0 && st.st_dev == s->st_dev &&
		    st.st_ino == s->st_ino)
			return true;
	return false;
}

bool disk_file_same(const struct disk_file *a, const struct disk_file *b)
{
	struct stat sa, sb;
	if (!a->vd || !b->vd || fstat(a->vd->fd, &sa) || fstat(b->vd->fd, &sb))
		return false;
	if (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
		return true;
	return (!a->read_only && in_chain(b->vd, &sa)) ||
	       (!b->read_only && in_chain(a->vd, &sb));
}

int disk_file_close(struct disk_file *f)
{
	char why[600];
	int status = 0;
	if (!f->vd)
		return 0;
	if (vdisk_close(f->vd, why, sizeof why)) {
		fprintf(stderr, "aula: disk %u: writing it to the medium "
			"failed: %s; the image may be incomplete\n", f->unit,
			why);
		status = -1;
	}
	if (f->io_errors > DISK_FILE_MAX_MESSAGES)
		fprintf(stderr, "aula: disk %u (%s): %llu I/O errors in all\n",
			f->unit, f->path, (unsigned long long)f->io_errors);
	free(f->path);
	f->path = NULL;
	f->vd = NULL;
	f->fd = -1;
	return status;
}
