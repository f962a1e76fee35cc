/*
 * Disk images as raw files.  Writes go straight to the file with pwrite
 * (no buffering of our own), so once a guest's WRITE completes the data is
 * in the host's page cache; FLUSH, and closing at the end of the run, call
 * fsync so that it is on the medium too.
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

/* Tell the user that an I/O the guest asked for failed: "what" failed
 * because "why". */
static void io_failed(struct disk_file *f, const char *what, const char *why)
{
	f->io_errors++;
	if (f->io_errors > DISK_FILE_MAX_MESSAGES)
		return;
	fprintf(stderr, "aula: disk %u (%s): %s failed: %s; the guest gets "
		"an I/O error\n", f->unit, f->path, what, why);
	if (f->io_errors == DISK_FILE_MAX_MESSAGES)
		fprintf(stderr, "aula: disk %u (%s): further I/O errors are "
			"counted, not shown\n", f->unit, f->path);
}

static void rw_failed(struct disk_file *f, const char *op, uint64_t off,
		      size_t len, const char *why)
{
	char what[96];
	snprintf(what, sizeof what, "%s of %zu bytes at byte %llu", op, len,
		 (unsigned long long)off);
	io_failed(f, what, why);
}

static int file_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	struct disk_file *f = opaque;
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(f->fd, (char *)buf + done, len - done,
				  (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* 0: the file is shorter than when it was opened. */
			rw_failed(f, "read", off, len, n < 0 ? strerror(errno)
				  : "the file ended early (was it truncated?)");
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int file_write(void *opaque, uint64_t off, const void *buf,
		      size_t len)
{
	struct disk_file *f = opaque;
	for (size_t done = 0; done < len;) {
		ssize_t n = pwrite(f->fd, (const char *)buf + done,
				   len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rw_failed(f, "write", off, len,
				  n < 0 ? strerror(errno) : "nothing written");
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int file_flush(void *opaque)
{
	struct disk_file *f = opaque;
	if (fsync(f->fd) == 0)
		return 0;
	io_failed(f, "flush (fsync)", strerror(errno));
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

/* FILE or FILE,ro: the path, and whether ",ro" was given. */
static char *parse_spec(const char *spec, bool *ro)
{
	size_t n = strlen(spec);
	*ro = n > 3 && strcmp(spec + n - 3, ",ro") == 0;
	if (*ro)
		n -= 3;
	else if (strchr(spec, ',') && access(spec, F_OK) != 0) {
		fprintf(stderr, "aula: --disk %s: the only flag after the "
			"file name is ',ro' (read-only)\n", spec);
		return NULL;
	}
	char *path = strndup(spec, n);
	if (!path)
		fprintf(stderr, "aula: out of memory\n");
	return path;
}

int disk_file_open(struct disk_file *f, const char *spec, unsigned unit,
		   struct vm_disk_host *h)
{
	struct stat st;
	char why[128];
	memset(f, 0, sizeof *f);
	f->fd = -1;
	f->unit = unit;
	if (!(f->path = parse_spec(spec, &f->read_only)))
		return -1;
	f->fd = open(f->path, (f->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (f->fd < 0) {
		int e = errno;
		bool denied = !f->read_only && (e == EACCES || e == EROFS);
		fprintf(stderr, "aula: --disk %s: cannot open%s: %s%s\n",
			f->path, denied ? " for writing" : "",
			strerror(e), e == ENOENT ?
			" ('aula disk create FILE SIZE' makes one)" :
			denied ? " (add ,ro to attach it read-only)" : "");
		goto fail;
	}
	if (fstat(f->fd, &st) != 0) {
		fprintf(stderr, "aula: --disk %s: %s\n", f->path,
			strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "aula: --disk %s: not a regular file (a disk "
			"is a raw image file)\n", f->path);
		goto fail;
	}
	f->size = (uint64_t)st.st_size;
	if (!disk_file_size_ok(f->size, why, sizeof why)) {
		fprintf(stderr, "aula: --disk %s: cannot be a disk: %s\n",
			f->path, why);
		goto fail;
	}
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
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	f->path = NULL;
	f->fd = -1;
	return -1;
}

bool disk_file_same(const struct disk_file *a, const struct disk_file *b)
{
	struct stat sa, sb;
	return fstat(a->fd, &sa) == 0 && fstat(b->fd, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int disk_file_close(struct disk_file *f)
{
	int status = 0;
	if (f->fd < 0)
		return 0;
	if (!f->read_only && fsync(f->fd) != 0) {
		fprintf(stderr, "aula: disk %u (%s): writing it to the medium "
			"failed: %s; the image may be incomplete\n", f->unit,
			f->path, strerror(errno));
		status = -1;
	}
	if (close(f->fd) != 0 && status == 0) {
		fprintf(stderr, "aula: disk %u (%s): %s\n", f->unit, f->path,
			strerror(errno));
		status = -1;
	}
	if (f->io_errors > DISK_FILE_MAX_MESSAGES)
		fprintf(stderr, "aula: disk %u (%s): %llu I/O errors in all\n",
			f->unit, f->path, (unsigned long long)f->io_errors);
	free(f->path);
	f->path = NULL;
	f->fd = -1;
	return status;
}
