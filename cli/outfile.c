/* Outputs that never destroy inputs: see cli/outfile.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/outfile.h"

int out_same_input(const char *opt, const char *path,
		   const struct out_input *in, int n)
{
	struct stat o, s;
	if (!path || stat(path, &o) != 0)
		return 0;
	for (int i = 0; i < n; i++) {
		if (!in[i].path || stat(in[i].path, &s) != 0)
			continue;
		if (o.st_dev == s.st_dev && o.st_ino == s.st_ino) {
			cmd_error("%s %s: that is %s %s; refusing to "
				  "overwrite an input", opt, path, in[i].what,
				  in[i].path);
			return -1;
		}
	}
	return 0;
}

/* Whether path is written through a temporary file: it is a regular
 * file, or does not exist yet. */
static bool via_temp(const char *path)
{
	struct stat st;
	return stat(path, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode);
}

static int make_temp(struct out_temp *o, const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	const char *base = slash ? slash + 1 : path;
	int n = snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.XXXXXX", dirlen,
			 path, base);
	if (n < 0 || (size_t)n >= sizeof o->tmp) {
		o->tmp[0] = 0;
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		o->tmp[0] = 0;
		return -1;
	}
	/* mkstemp makes it 0600; the file is what open(2) would make. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	return fd;
}

int out_temp_open(struct out_temp *o, const char *path)
{
	memset(o, 0, sizeof *o);
	o->path = path;
	if (!via_temp(path)) {
		o->f = fopen(path, "w");
		return o->f ? 0 : -1;
	}
	int fd = make_temp(o, path);
	if (fd < 0)
		return -1;
	if (!(o->f = fdopen(fd, "w"))) {
		int e = errno;
		close(fd);
		out_temp_abort(o);
		errno = e;
		return -1;
	}
	return 0;
}

int out_temp_name(struct out_temp *o, const char *path)
{
	memset(o, 0, sizeof *o);
	o->path = path;
	if (!via_temp(path))
		return 0;	/* written in place: tmp stays "" */
	int fd = make_temp(o, path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int out_temp_commit(struct out_temp *o)
{
	int rc = 0;
	if (o->f && fclose(o->f) != 0)
		rc = -1;
	o->f = NULL;
	if (rc == 0 && o->tmp[0] && rename(o->tmp, o->path) != 0)
		rc = -1;
	if (rc) {
		int e = errno;
		out_temp_abort(o);
		errno = e;
	}
	o->tmp[0] = 0;
	return rc;
}

void out_temp_abort(struct out_temp *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = 0;
}
