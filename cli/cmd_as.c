/* aula as and aula dis. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "asm/dis.h"
#include "mem/mem.h"
#include "cli/cmd.h"
#include "cli/outfile.h"
#include "state/dump.h"

static void as_usage(FILE *f)
{
	fprintf(f, "usage: aula as SOURCE [-o IMAGE] [-l LISTING] [-z] "
		"[-I DIR]... [--raw]\n"
		"  -o, --output IMAGE  the image (default: SOURCE with its\n"
		"                      extension replaced by .img, or .bin)\n"
		"  -l, --listing FILE  write a listing (- for standard output)\n"
		"  -z, --compress      compress the image with zlib\n"
		"  -I, --include-dir DIR  .include and .incbin may read DIR\n"
		"  -s, --strip         leave the line table out of the image\n"
		"      --raw, --format=raw  write the bytes alone, from the\n"
		"                      lowest address (--format=image: an image)\n");
}

int cmd_as(int argc, char **argv)
{
	enum { O_RAW = 256, O_FORMAT };
	const char *out = NULL, *list = NULL;
	int compress = 0, raw = 0, strip = 0, c;
	static const struct option longopts[] = {
		{ "output", required_argument, 0, 'o' },
		{ "listing", required_argument, 0, 'l' },
		{ "compress", no_argument, 0, 'z' },
		{ "include-dir", required_argument, 0, 'I' },
		{ "strip", no_argument, 0, 's' },
		{ "raw", no_argument, 0, O_RAW },
		{ "format", required_argument, 0, O_FORMAT },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:l:zI:sh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'l': list = optarg; break;
		case 'z': compress = 1; break;
		case 's': strip = 1; break;
		case 'I':
			if (cmd_add_include_dir(optarg))
				return DUMP_EXIT_USAGE;
			break;
		case O_RAW: raw = 1; break;
		case O_FORMAT:
			if (!strcmp(optarg, "raw") || !strcmp(optarg, "image")) {
				raw = optarg[0] == 'r';
				break;
			}
			cmd_error("--format: '%s' is not image or raw", optarg);
			return DUMP_EXIT_USAGE;
		case 'h': as_usage(stdout); return 0;
		default: as_usage(stderr); return DUMP_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		as_usage(stderr);
		return DUMP_EXIT_USAGE;
	}
	const char *src = argv[optind];
	char defout[4096];
	if (!out) {
		size_t n = strlen(src);
		const char *dot = strrchr(src, '.');
		if (dot && strchr(dot, '/') == NULL)
			n = (size_t)(dot - src);
		if (n + 5 > sizeof defout) {
			cmd_error("%s: name too long", src);
			return DUMP_EXIT_USAGE;
		}
		snprintf(defout, sizeof defout, "%.*s.%s", (int)n, src,
			 raw ? "bin" : "img");
		out = defout;
	}
	/* aula as prog.s -o prog.s must not eat the source. */
	const struct out_input in[] = { { "the source", src } };
	if (out_same_input("-o", out, in, 1) ||
	    (list && strcmp(list, "-") && out_same_input("-l", list, in, 1)))
		return DUMP_EXIT_USAGE;
	/* Both outputs go through temporary files renamed into place. */
	FILE *lf = NULL;
	struct out_temp lt = { 0 }, it;
	if (list && strcmp(list, "-") && out_temp_open(&lt, list) == 0)
		lf = lt.f;
	else if (list && !strcmp(list, "-"))
		lf = stdout;
	if (list && !lf) {
		cmd_error("%s: %m", list);
		return DUMP_EXIT_USAGE;
	}
	if (raw && compress) {
		cmd_error("--compress applies to images, not to --raw output");
		return DUMP_EXIT_USAGE;
	}
	struct image img;
	struct as_options opt = { .listing = lf, .strip = strip };
	cmd_include_dirs(&opt.include_dirs, &opt.ninclude_dirs);
	int errors = as_assemble_opts(src, NULL, &opt, stderr, &img);
	if (lt.f && out_temp_commit(&lt) != 0) {
		cmd_error("%s: %m", list);
		errors++;
	}
	if (errors)
		return DUMP_EXIT_USAGE;
	char err[512];
	if (out_temp_name(&it, out) != 0) {
		cmd_error("%s: %m", out);
		image_free(&img);
		return DUMP_EXIT_USAGE;
	}
	const char *dst = it.tmp[0] ? it.tmp : out;
	uint32_t base;
	int rc = raw ? image_write_raw(&img, dst, &base, err, sizeof err)
		     : image_write(&img, dst, compress, err, sizeof err);
	image_free(&img);
	if (rc) {
		out_temp_abort(&it);
		cmd_error("%s", err);
		return DUMP_EXIT_USAGE;
	}
	if (out_temp_commit(&it) != 0) {
		cmd_error("%s: %m", out);
		return DUMP_EXIT_USAGE;
	}
	return 0;
}

/* With an image: labels before their word, and the source line (when
 * the image has a line table) before the first word it made. */
static void dis_range(const uint8_t *data, uint32_t addr, uint32_t load,
		      uint32_t size, const struct image *img, int source)
{
	char buf[128];
	const struct image_line *shown = NULL;
	for (uint32_t off = 0; off + 4 <= size; off += 4) {
		uint32_t pc = addr + off, w = mem_ld32(data + off);
		const struct image_symbol *at[16];
		uint32_t n = img ? image_symbols_equal(img, pc, at, 16) : 0;
		for (uint32_t i = 0; i < n && i < 16; i++)
			printf("%s:\n", at[i]->name);
		const struct image_line *l =
			img && source ? image_line_at(img, load + off) : NULL;
		if (l && l != shown) {
			const char *t = l->text;
			while (*t == ' ' || *t == '\t')
				t++;
			printf("; %s:%u: %s\n", l->file, l->line, t);
			shown = l;
		}
		printf("  %08x:  %08x  %s\n", pc, w,
		       dis_insn(w, pc, img, buf, sizeof buf));
	}
	if (size % 4)
		printf("  %08x:  (%u trailing bytes)\n", addr + size - size % 4,
		       size % 4);
}

int cmd_dis(int argc, char **argv)
{
	enum { O_NO_SOURCE = 256 };
	uint64_t base = 0;
	int raw = 0, source = 1, c;
	static const struct option longopts[] = {
		{ "raw", no_argument, 0, 'r' },
		{ "base", required_argument, 0, 'b' },
		{ "no-source", no_argument, 0, O_NO_SOURCE },
		{ "include-dir", required_argument, 0, 'I' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	optind = 1;
	while ((c = getopt_long(argc, argv, "rb:I:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': raw = 1; break;
		case O_NO_SOURCE: source = 0; break;
		case 'I':
			if (cmd_add_include_dir(optarg))
				return DUMP_EXIT_USAGE;
			break;
		case 'b':
			if (!cmd_parse_u64(optarg, &base) || base > UINT32_MAX ||
			    base % 4) {
				cmd_error("--base: expected a multiple of 4, "
					  "not '%s'", optarg);
				return DUMP_EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: aula dis [--no-source] [-I DIR]... "
			       "IMAGE|SOURCE\n"
			       "       aula dis --raw [--base ADDR] FILE\n"
			       "  --no-source  leave out the source lines of "
			       "the line table\n");
			return 0;
		default: return DUMP_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cmd_error("dis: which file?");
		return DUMP_EXIT_USAGE;
	}
	const char *path = argv[optind];
	if (raw) {
		FILE *f = fopen(path, "rb");
		if (!f) {
			cmd_error("%s: %m", path);
			return DUMP_EXIT_USAGE;
		}
		uint8_t buf[4096];
		size_t n;
		uint32_t addr = (uint32_t)base;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
			dis_range(buf, addr, addr, (uint32_t)n, NULL, 0);
			addr += (uint32_t)n;
		}
		fclose(f);
		return 0;
	}
	struct image img;
	if (cmd_load_program(path, &img))
		return DUMP_EXIT_USAGE;
	printf("; entry 0x%08x\n", img.entry);
	for (uint32_t i = 0; i < img.nseg; i++) {
		const struct image_segment *sg = &img.seg[i];
		printf("; segment 0x%08x, %u bytes", sg->addr, sg->size);
		if (sg->load != sg->addr)
			printf(", loaded at 0x%08x", sg->load);
		if (!sg->data) {
			printf(", zero-filled\n");
			continue;
		}
		printf("\n");
		dis_range(sg->data, sg->addr, sg->load, sg->size, &img, source);
	}
	image_free(&img);
	return 0;
}
