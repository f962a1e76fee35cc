/*
 * host/ holds the back ends a running machine's struct vm_config points
 * at: the console (console.c), disk files (here), the SDL window
 * (sdl_display.c), screen drawing (screen.c) and console fonts (font.c).
 * It is the only place that opens host files for a running machine; the
 * core reaches the host only through these callback structs.
 *
 * The host back end of a disk: an image file of any format vdisk.h opens
 * (raw or qcow2, with its backing chain), read and written by byte
 * ranges, made durable by a flush.  Failures are told to the user on
 * stderr, naming the file, and reach the guest as an error status.
 */
#ifndef AULA_DISKFILE_H
#define AULA_DISKFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/vm.h"
#include "host/vdisk.h"

struct disk_file {
	char *path;
	int fd;			/* of the top image; -1 when closed */
	struct vdisk *vd;
	unsigned unit;
	bool read_only;
	uint64_t size;
	uint64_t io_errors;	/* host failures the guest was told of */
};

/* Open the image of --disk SPEC, which is FILE[,ro][,format=raw|qcow2],
 * as disk unit, and fill its vm host.  0, or -1 after printing why (the
 * file is not there, cannot be opened for writing, its size is not a
 * whole number of sectors, a qcow2 image is damaged, ...). */
int disk_file_open(struct disk_file *f, const char *spec, unsigned unit,
		   struct vm_disk_host *h);
/* Make every write durable and close: 0, or -1 after printing why. */
int disk_file_close(struct disk_file *f);
/* Would the two disks share a file one of them writes: the same top
 * image, or a writable top that is in the other's backing chain? */
bool disk_file_same(const struct disk_file *a, const struct disk_file *b);

/* Can an image of size bytes be a disk?  If not, why, in why. */
bool disk_file_size_ok(uint64_t size, char *why, size_t len);

#endif
