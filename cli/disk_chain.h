/* aula disk: the actions that copy between images of a chain
 * (cli/disk_chain.c), for cli/cmd_disk.c. */
#ifndef AULA_DISK_CHAIN_H
#define AULA_DISK_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "host/vdisk.h"

/* What create, clone and convert were told. */
struct disk_opts {
	enum vdisk_format format;	/* VDISK_AUTO: not given */
	unsigned cluster_bits;		/* 0: the default */
	const char *backing;
	bool force;
};

/* Make an empty image at path (refusing an existing one unless force,
 * and always one that is in the chain of keep, the image it is made
 * from): raw of size bytes, or qcow2 on backing (a path as the user gave
 * it, of format bfmt).  0, or an exit status after printing why. */
int disk_make(const char *what, const char *path, uint64_t size,
	      enum vdisk_format fmt, unsigned cluster_bits,
	      const char *backing, enum vdisk_format bfmt, bool force,
	      const struct vdisk *keep);

int disk_commit(const char *path, bool force);
int disk_rollback(const char *path);
int disk_clone(const char *src, const char *dst, bool linked,
	       const struct disk_opts *o);
int disk_convert(const char *src, const char *dst,
		 const struct disk_opts *o);

#endif
