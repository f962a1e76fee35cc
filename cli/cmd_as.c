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
	fprintf(f, "usage: aula as SOURCE [-o IMAGE] [-l LISTING] [-z]\n"
		"  -o, --output IMAGE  the image (default: SOURCE with its\n"
		"                      extension replaced by .img)\n"
		"  -l, --listing FILE  write a listing (- for standard output)\n"
		"  -z, --compress      compress the image with zlib\n");
}

int cmd_as(int argc, char **argv)
{
	const char *out = NULL, *list = NULL;
	int compress = 0, c;
	static const struct option longopts[] = {
		{ "output", required_argument, 0, 'o' },
		{ "listing", required_argument, 0, 'l' },
		{ "compress", no_argument, 0, 'z' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:l:zh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'l': list = optarg; break;
		case 'z': compress = 1; break;
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
		snprintf(defout, sizeof defout, "%.*s.img", (int)n, src);
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
	struct image img;
	int errors = as_assemble(src, NULL, lf, stderr, &img);
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
	int rc = image_write(&img, it.tmp[0] ? it.tmp : out, compress, err,
			     sizeof err);
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

static void dis_range(const uint8_t *data, uint32_t addr, uint32_t size,
		      const struct image *syms)
{
	char buf[128];
	for (uint32_t off = 0; off + 4 <= size; off += 4) {
		uint32_t pc = addr + off, w = mem_ld32(data + off);
		for (uint32_t i = 0; syms && i < syms->nsym; i++)
			if (syms->sym[i].value == pc)
				printf("%s:\n", syms->sym[i].name);
		printf("  %08x:  %08x  %s\n", pc, w,
		       dis_insn(w, pc, syms, buf, sizeof buf));
	}
	if (size % 4)
		printf("  %08x:  (%u trailing bytes)\n", addr + size - size % 4,
		       size % 4);
}

int cmd_dis(int argc, char **argv)
{
	uint64_t base = 0;
	int raw = 0, c;
	static const struct option longopts[] = {
		{ "raw", no_argument, 0, 'r' },
		{ "base", required_argument, 0, 'b' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	optind = 1;
	while ((c = getopt_long(argc, argv, "rb:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': raw = 1; break;
		case 'b':
			if (!cmd_parse_u64(optarg, &base) || base > UINT32_MAX ||
			    base % 4) {
				cmd_error("--base: expected a multiple of 4, "
					  "not '%s'", optarg);
				return DUMP_EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: aula dis IMAGE\n"
			       "       aula dis --raw [--base ADDR] FILE\n");
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
			dis_range(buf, addr, (uint32_t)n, NULL);
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
		printf("; segment 0x%08x, %u bytes\n", img.seg[i].addr,
		       img.seg[i].size);
		dis_range(img.seg[i].data, img.seg[i].addr, img.seg[i].size,
			  &img);
	}
	image_free(&img);
	return 0;
}
