/*
 * aula disk: make, inspect, check and map disk images, raw or qcow2
 * (aula(1), aula-qcow2(5)); the actions that copy between images are in
 * disk_chain.c.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/ports.h"
#include "cli/cmd.h"
#include "cli/disk_chain.h"
#include "host/diskfile.h"
#include "host/qcow2.h"
#include "state/dump.h"

/* aula disk check's exit statuses (aula(1)). */
enum {
	CHECK_EXIT_ERRORS = 1,	/* corruption found (and left) */
	CHECK_EXIT_LEAKS = 3,	/* only leaked clusters found (and left) */
};

static void disk_usage(FILE *f)
{
	fprintf(f,
"usage: aula disk create FILE [SIZE] [--format raw|qcow2] [--backing BASE]\n"
"                        [--cluster-size N] [--force]\n"
"       aula disk info FILE [--format raw|qcow2]\n"
"       aula disk check FILE [--repair]\n"
"       aula disk map FILE\n"
"       aula disk commit OVERLAY [--force]\n"
"       aula disk rollback OVERLAY\n"
"       aula disk clone --linked|--full SRC DST [--format F] [--force]\n"
"       aula disk convert SRC DST [--format F] [--cluster-size N] [--force]\n"
"  create     a sparse raw image of SIZE bytes (16M; a multiple of 512), or\n"
"             a qcow2 image; with --backing, an empty qcow2 overlay on BASE\n"
"             (a linked clone; SIZE defaults to BASE's)\n"
"  info       format, virtual size, allocated bytes, the backing chain\n"
"  check      check a qcow2 image's tables; --repair fixes refcounts\n"
"  map        which ranges are allocated where in the chain\n"
"  commit     copy an overlay's changes into its backing file, then empty\n"
"             it (--force: even when other overlays use that file)\n"
"  rollback   discard an overlay's changes\n"
"  clone      --linked: an empty overlay on SRC; --full: a flat copy\n"
"  convert    a flat copy of SRC's whole chain, in --format (default: SRC's)\n"
"  -f, --force   replace DST/FILE if it exists; commit into a shared base\n"
"  -h, --help    this summary\n");
}

static int disk_create(const char *path, const char *size_arg,
		       const struct disk_opts *o)
{
	uint64_t size = 0;
	char why[128];
	enum vdisk_format fmt = o->format, bfmt = VDISK_RAW;
	struct vdisk *b = NULL;
	if (o->backing) {
		if (fmt == VDISK_RAW) {
			cmd_error("disk create: a raw image cannot have a "
				  "backing file (--format qcow2)");
			return DUMP_EXIT_USAGE;
		}
		fmt = VDISK_QCOW2;
		char err[1024];
		if (vdisk_open(&b, o->backing, VDISK_AUTO, VDISK_READ_ONLY,
			       err, sizeof err)) {
			cmd_error("disk create: --backing %s", err);
			return DUMP_EXIT_USAGE;
		}
		size = b->size;
		bfmt = b->format;
	} else if (fmt == VDISK_AUTO) {
		fmt = o->cluster_bits ? VDISK_QCOW2 : VDISK_RAW;
	}
	int st = DUMP_EXIT_USAGE;
	if (fmt == VDISK_RAW && o->cluster_bits)
		cmd_error("disk create: a raw image has no clusters "
			  "(--cluster-size is for --format qcow2)");
	else if (size_arg && !cmd_parse_size(size_arg, &size))
		cmd_error("disk create: bad size '%s' (try 16M)", size_arg);
	else if (!size_arg && !o->backing)
		cmd_error("disk create: expected FILE SIZE");
	else if (!disk_file_size_ok(size, why, sizeof why))
		cmd_error("disk create: %s cannot be a disk: %s",
			  size_arg ? size_arg : o->backing, why);
	else
		st = disk_make("create", path, size, fmt, o->cluster_bits,
			       o->backing, bfmt, o->force, b);
	if (b)
		vdisk_close(b, NULL, 0);
	return st;
}

static void info_qcow2(struct vdisk *vd)
{
	struct qcow2_info qi;
	qcow2_get_info(vd, &qi);
	printf("cluster_size=%llu\ncompat=%s\nrefcount_bits=%u\n"
	       "lazy_refcounts=%s\ncorrupt=%s\ndirty=%s\nextended_l2=%s\n",
	       (unsigned long long)qi.cluster_size,
	       qi.version >= 3 ? "1.1" : "0.10", qi.refcount_bits,
	       qi.lazy_refcounts ? "true" : "false",
	       qi.corrupt ? "true" : "false", qi.dirty ? "true" : "false",
	       qi.extended_l2 ? "true" : "false");
	printf("snapshots=%u\n", qi.nb_snapshots);
	for (uint32_t i = 0; i < qi.nb_snapshots; i++) {
		struct qcow2_snapshot sn;
		if (qcow2_snapshot(vd, i, &sn)) {
			cmd_error("disk info: %s", vd->err);
			break;
		}
		printf("snapshot.%u=id %s name %s vm_state %llu date %u "
		       "clock_ns %llu\n", i, sn.id, sn.name,
		       (unsigned long long)sn.vm_state_size, sn.date_sec,
		       (unsigned long long)sn.vm_clock_ns);
	}
}

static int disk_info(const char *path, enum vdisk_format fmt)
{
	struct stat st;
	char why[1024];
	struct vdisk *vd;
	if (stat(path, &st) != 0) {
		cmd_error("disk info: %s: %m", path);
		return DUMP_EXIT_USAGE;
	}
	if (!S_ISREG(st.st_mode)) {
		cmd_error("disk info: %s: not a regular file", path);
		return DUMP_EXIT_USAGE;
	}
	if (vdisk_open(&vd, path, fmt, VDISK_READ_ONLY, why, sizeof why)) {
		cmd_error("disk info: %s", why);
		return DUMP_EXIT_USAGE;
	}
	uint64_t size = vd->size;
	printf("file=%s\nformat=%s\nsize=%llu\nsectors=%llu\n"
	       "allocated=%llu\nwritable=%s\n", path,
	       vdisk_format_name(vd->format), (unsigned long long)size,
	       (unsigned long long)(size / DISK_SECTOR_SIZE),
	       (unsigned long long)st.st_blocks * 512,
	       access(path, W_OK) == 0 ? "yes" : "no");
	if (vd->backing_name) {
		printf("backing=%s\n", vd->backing_name);
		if (vd->backing_format)
			printf("backing_format=%s\n", vd->backing_format);
	}
	if (vd->format == VDISK_QCOW2)
		info_qcow2(vd);
	unsigned depth = 0;
	for (const struct vdisk *v = vd; v; v = v->backing, depth++)
		printf("chain.%u=%s %s %llu\n", depth, vdisk_format_name(
		       v->format), v->path, (unsigned long long)v->size);
	vdisk_close(vd, NULL, 0);
	if (!disk_file_size_ok(size, why, sizeof why)) {
		cmd_error("disk info: %s cannot be a disk: %s", path, why);
		return DUMP_EXIT_USAGE;
	}
	return 0;
}

static int close_errors(struct vdisk *vd)
{
	char err[600];
	if (vdisk_close(vd, err, sizeof err) == 0)
		return 0;
	cmd_error("disk check: %s", err);
	return -1;
}

static int disk_check(const char *path, bool repair)
{
	struct vdisk *vd;
	char err[1024];
	if (vdisk_open(&vd, path, VDISK_AUTO, repair ? VDISK_REPAIR :
		       VDISK_READ_ONLY, err, sizeof err)) {
		cmd_error("disk check: %s", err);
		return DUMP_EXIT_USAGE;
	}
	if (vd->format != VDISK_QCOW2) {
		printf("%s: a raw image has no tables to check\n", path);
		vdisk_close(vd, NULL, 0);
		return 0;
	}
	struct qcow2_check r;
	if (qcow2_check(vd, repair, stdout, &r)) {
		cmd_error("disk check: %s", vd->err);
		vdisk_close(vd, NULL, 0);
		return DUMP_EXIT_USAGE;
	}
	int status = 0;
	if (close_errors(vd))
		status = DUMP_EXIT_USAGE;
	uint64_t errors = r.errors - r.fixed_errors,
		 leaks = r.leaks - r.fixed_leaks;
	if (r.fixed_errors || r.fixed_leaks)
		printf("The following inconsistencies were found and "
		       "repaired:\n    %llu leaked clusters\n    %llu "
		       "corruptions\n\n", (unsigned long long)r.fixed_leaks,
		       (unsigned long long)r.fixed_errors);
	if (!errors && !leaks)
		printf("No errors were found on the image.\n");
	if (errors)
		printf("%llu errors were found on the image.\nData may be "
		       "corrupted, or further writes to the image may "
		       "corrupt it.\n", (unsigned long long)errors);
	if (leaks)
		printf("%llu leaked clusters were found on the image.\nThis "
		       "means waste of disk space, but no harm to data; "
		       "'aula disk check --repair' reclaims them.\n",
		       (unsigned long long)leaks);
	printf("%llu/%llu = %.2f%% allocated clusters\n"
	       "Image end offset: %llu\n", (unsigned long long)r.allocated,
	       (unsigned long long)r.total,
	       r.total ? 100.0 * (double)r.allocated / (double)r.total : 0.0,
	       (unsigned long long)r.image_end);
	if (status)
		return status;
	return errors ? CHECK_EXIT_ERRORS : leaks ? CHECK_EXIT_LEAKS : 0;
}

/* One line of the map: a range, the layer holding it and its file. */
static void print_range(const struct vdisk *vd, uint64_t start, uint64_t len,
			int layer, enum vdisk_kind kind)
{
	char l[16] = "-";
	const struct vdisk *v = vd;
	if (layer >= 0)
		snprintf(l, sizeof l, "%d", layer);
	for (int i = 0; v && i < layer; i++)
		v = v->backing;
	char a[24], b[24];
	snprintf(a, sizeof a, "0x%llx", (unsigned long long)start);
	snprintf(b, sizeof b, "0x%llx", (unsigned long long)len);
	printf("%-18s %-18s %-5s %-5s %s\n", a, b, l, kind == VDISK_DATA ? "data" : "zero",
	       layer >= 0 && v ? v->path : "");
}

static int disk_map(const char *path)
{
	struct vdisk *vd;
	char err[1024];
	if (vdisk_open(&vd, path, VDISK_AUTO, VDISK_READ_ONLY, err,
		       sizeof err)) {
		cmd_error("disk map: %s", err);
		return DUMP_EXIT_USAGE;
	}
	printf("%-18s %-18s %-5s %-5s %s\n", "offset", "length", "layer",
	       "kind", "file");
	int layer = 0, status = 0;
	enum vdisk_kind kind = VDISK_DATA;
	uint64_t start = 0, n;
	for (uint64_t off = 0; off < vd->size; off += n) {
		int l;
		enum vdisk_kind k;
		if (vdisk_chain_status(vd, off, vd->size - off, &l, &k, &n)) {
			cmd_error("disk map: %s", vd->err);
			status = DUMP_EXIT_USAGE;
			break;
		}
		if (off > start && (l != layer || k != kind)) {
			print_range(vd, start, off - start, layer, kind);
			start = off;
		}
		layer = l;
		kind = k;
	}
	if (status == 0)
		print_range(vd, start, vd->size - start, layer, kind);
	vdisk_close(vd, NULL, 0);
	return status;
}

int cmd_disk(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_BACKING, O_CLUSTER, O_REPAIR, O_LINKED,
	       O_FULL };
	static const struct option longopts[] = {
		{ "force", no_argument, 0, 'f' },
		{ "help", no_argument, 0, 'h' },
		{ "format", required_argument, 0, O_FORMAT },
		{ "backing", required_argument, 0, O_BACKING },
		{ "cluster-size", required_argument, 0, O_CLUSTER },
		{ "repair", no_argument, 0, O_REPAIR },
		{ "linked", no_argument, 0, O_LINKED },
		{ "full", no_argument, 0, O_FULL },
		{ 0, 0, 0, 0 }
	};
	struct disk_opts o = { .format = VDISK_AUTO };
	bool repair = false;
	int linked = -1, c;
	uint64_t cs;
	optind = 1;
	while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o.force = true; break;
		case 'h': disk_usage(stdout); return 0;
		case O_FORMAT:
			if (!vdisk_parse_format(optarg, &o.format)) {
				cmd_error("disk: --format %s: raw or qcow2",
					  optarg);
				return DUMP_EXIT_USAGE;
			}
			break;
		case O_BACKING: o.backing = optarg; break;
		case O_CLUSTER:
			if (!cmd_parse_size(optarg, &cs) || cs & (cs - 1) ||
			    cs < (1u << QCOW2_MIN_CLUSTER_BITS) ||
			    cs > (1u << QCOW2_MAX_CLUSTER_BITS)) {
				cmd_error("disk: --cluster-size %s: a power of "
					  "two from 4K to 2M", optarg);
				return DUMP_EXIT_USAGE;
			}
			for (o.cluster_bits = 0; (1ull << o.cluster_bits) < cs;)
				o.cluster_bits++;
			break;
		case O_REPAIR: repair = true; break;
		case O_LINKED: linked = 1; break;
		case O_FULL: linked = 0; break;
		default: disk_usage(stderr); return DUMP_EXIT_USAGE;
		}
	}
	int n = argc - optind;
	const char *what = n > 0 ? argv[optind] : NULL;
	char **a = argv + optind + 1;
	if (!what) {
		cmd_error("disk: create, info, check, map, commit, rollback, "
			  "clone or convert?");
	} else if (!strcmp(what, "create") && (n == 3 || (n == 2 &&
							   o.backing))) {
		return disk_create(a[0], n == 3 ? a[1] : NULL, &o);
	} else if (!strcmp(what, "create")) {
		cmd_error("disk create: expected FILE SIZE");
	} else if (!strcmp(what, "info") && n == 2 && !o.force) {
		return disk_info(a[0], o.format);
	} else if (!strcmp(what, "info")) {
		cmd_error(o.force ? "disk info: --force is for create only"
				  : "disk info: expected one FILE");
	} else if (!strcmp(what, "check") && n == 2) {
		return disk_check(a[0], repair);
	} else if (!strcmp(what, "map") && n == 2) {
		return disk_map(a[0]);
	} else if (!strcmp(what, "commit") && n == 2) {
		return disk_commit(a[0], o.force);
	} else if (!strcmp(what, "rollback") && n == 2) {
		return disk_rollback(a[0]);
	} else if (!strcmp(what, "clone") && n == 3 && linked >= 0) {
		return disk_clone(a[0], a[1], linked, &o);
	} else if (!strcmp(what, "clone") && n == 3) {
		cmd_error("disk clone: --linked (an overlay) or --full (a "
			  "copy)?");
	} else if (!strcmp(what, "convert") && n == 3) {
		return disk_convert(a[0], a[1], &o);
	} else if (!strcmp(what, "check") || !strcmp(what, "map") ||
		   !strcmp(what, "commit") || !strcmp(what, "rollback")) {
		cmd_error("disk %s: expected one FILE", what);
	} else if (!strcmp(what, "clone") || !strcmp(what, "convert")) {
		cmd_error("disk %s: expected SRC DST", what);
	} else {
		cmd_error("disk: unknown action '%s' (create, info, check, "
			  "map, commit, rollback, clone or convert)", what);
	}
	disk_usage(stderr);
	return DUMP_EXIT_USAGE;
}
