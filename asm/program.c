/* A program from a file: an Aula image, known by its first bytes, or a
 * source to assemble -- the file read once (asm/as.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "asm/as_int.h"
#include "asm/image_int.h"

enum as_program as_load_program(const char *path, uint64_t ram,
				const struct as_options *opt, FILE *errs,
				struct image *img, int *nerrors, char *err,
				size_t errlen)
{
	size_t len = 0;
	*nerrors = 0;
	memset(img, 0, sizeof *img);
	char *text = as_read_file(path, AS_MAX_FILE_SIZE, &len);
	/* Larger than a source may be: perhaps a large image, read as a
	 * stream.  Not a regular file (a FIFO would wait for a writer): the
	 * assembler refuses it, saying so. */
	bool large = !text && errno == EFBIG;
	if (!text && !large && errno != EINVAL) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return AS_PROGRAM_UNREADABLE;
	}
	if (large ? image_sniff(path)
		  : text && image_sniff_bytes((const uint8_t *)text, len)) {
		int rc;
		if (large) {
			/* Its message begins with the path; err does not. */
			char full[512];
			size_t n = strlen(path);
			rc = image_read_limit(path, ram, img, full, sizeof full);
			if (rc)
				snprintf(err, errlen, "%s",
					 !strncmp(full, path, n) &&
					 full[n] == ':' ? full + n + 2 : full);
		} else {
			rc = image_decode_limit((const uint8_t *)text, len, ram,
						img, err, errlen);
		}
		free(text);
		return rc ? AS_PROGRAM_BAD_IMAGE : AS_PROGRAM_OK;
	}
	*nerrors = as_assemble_opts(path, text, opt, errs, img);
	free(text);
	return *nerrors ? AS_PROGRAM_ASSEMBLY : AS_PROGRAM_OK;
}
