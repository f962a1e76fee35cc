/*
 * The host back end of a machine's swap file (mem/pool.h): an unnamed
 * temporary file in a folder, written and read a 4 KiB page at a time at
 * the page's number times 4096.  It is removed from the folder as soon as
 * it is open, so nothing is left behind, however the run ends.
 */
#ifndef AULA_SWAPFILE_H
#define AULA_SWAPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "mem/pool.h"

struct swap_file {
	int fd;
	uint64_t errors;	/* host failures */
};

/* Open a swap file in dir and fill its pool host.  0, or -1 with the
 * reason in err. */
int swap_file_open(struct swap_file *f, const char *dir,
		   struct pool_swap_host *h, char *err, size_t errlen);
void swap_file_close(struct swap_file *f);

#endif
