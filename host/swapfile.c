/* A machine's swap file: pages at their page number, in an unnamed file. */
#include "host/swapfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem/mem.h"

static int swap_write(void *opaque, uint32_t pn, const void *page)
{
	struct swap_file *f = opaque;
	off_t at = (off_t)pn * MEM_PAGE_SIZE;
	if (pwrite(f->fd, page, MEM_PAGE_SIZE, at) != MEM_PAGE_SIZE) {
		f->errors++;
		return -1;
	}
	return 0;
}

static int swap_read(void *opaque, uint32_t pn, void *page)
{
	struct swap_file *f = opaque;
	off_t at = (off_t)pn * MEM_PAGE_SIZE;
	if (pread(f->fd, page, MEM_PAGE_SIZE, at) != MEM_PAGE_SIZE) {
		f->errors++;
		return -1;
	}
	return 0;
}

int swap_file_open(struct swap_file *f, const char *dir,
		   struct pool_swap_host *h, char *err, size_t errlen)
{
	char path[4096];
	f->errors = 0;
	if (snprintf(path, sizeof path, "%s/aula-swap.XXXXXX", dir) >=
	    (int)sizeof path) {
		snprintf(err, errlen, "swap-dir %s: too long", dir);
		return -1;
	}
	if ((f->fd = mkstemp(path)) < 0) {
		snprintf(err, errlen, "cannot make a swap file in %s: %s", dir,
			 strerror(errno));
		return -1;
	}
	unlink(path);
	*h = (struct pool_swap_host){
		.opaque = f, .write = swap_write, .read = swap_read,
	};
	return 0;
}

void swap_file_close(struct swap_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
