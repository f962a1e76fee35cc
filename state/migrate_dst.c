/*
 * Live migration's target side (state/migrate.h): the stream of
 * docs/migration.md parsed as it arrives, in pieces of any size, trusting
 * no byte of it.
 *
 *   header (32 B)  then records:  +-----+--------+-------+-----------+
 *                                 | tag | length | CRC   | payload   |
 *                                 +-----+--------+-------+-----------+
 *                                   4 B    u32     u32    length B
 *   PAGE* STAT END, and nothing after END.
 */
#include "state/migrate.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { ST_HEADER, ST_RECORD, ST_PAYLOAD, ST_DONE, ST_BAD };

#define PAGE_ENTRY (4 + MEM_PAGE_SIZE)
#define PAGE_MAX (8 + MIG_PAGES_PER_RECORD * PAGE_ENTRY)

static const uint8_t zero_page[MEM_PAGE_SIZE];

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void mig_dst_init(struct mig_dst *d)
{
	memset(d, 0, sizeof *d);
	d->state = ST_HEADER;
	d->need = MIG_HEADER_SIZE;
}

/* As in the checkpoint loader: a fuzzer's builds skip the CRCs, or its
 * mutations would never reach the checks behind them. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define CRC_OK(got, want) ((void)(got), (void)(want), 1)
#else
#define CRC_OK(got, want) ((got) == (want))
#endif

#define BAD(at, ...)                                                        \
	do {                                                                \
		int n_ = snprintf(err, errlen, "byte %llu: ",               \
				  (unsigned long long)(at));                \
		if (n_ > 0 && (size_t)n_ < errlen)                          \
			snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__); \
		return -1;                                                  \
	} while (0)

static int take_header(struct mig_dst *d, char *err, size_t errlen)
{
	const uint8_t *h = d->hdr;
	uint32_t version = get32(h + 8), npages = get32(h + 16);
	if (memcmp(h, MIG_MAGIC, 8))
		BAD(0, "not an aula migration stream (no AULAMIGR magic)");
	if (version > MIG_VERSION)
		BAD(8, "the stream is version %u, newer than this aula's "
		    "(%d): use the source's aula on the target", version,
		    MIG_VERSION);
	if (version == 0)
		BAD(8, "version 0 is not a version");
	if (get32(h + 12) != MIG_HEADER_SIZE)
		BAD(12, "a header of %u bytes (version 1 has 32)",
		    get32(h + 12));
	if (get32(h + 20) != MEM_PAGE_SIZE)
		BAD(20, "pages of %u bytes (aula's are 4096)", get32(h + 20));
	if (npages < MEM_MIN_SIZE / MEM_PAGE_SIZE ||
	    npages > MEM_MAX_SIZE / MEM_PAGE_SIZE)
		BAD(16, "%u pages of RAM is outside aula's 64K..2G", npages);
	if (get32(h + 24))
		BAD(24, "the reserved word is not zero");
	if (!CRC_OK(get32(h + 28), (uint32_t)crc32(0, h, 28)))
		BAD(28, "the header's CRC does not match: the stream is "
		    "damaged");
	if (!(d->pages = calloc(npages, sizeof *d->pages)))
		BAD(0, "out of host memory");
	d->npages = npages;
	return 0;
}

static int tag_is(const struct mig_dst *d, const char *t)
{
	return !memcmp(d->hdr, t, 4);
}

/* A record's header: is the record allowed here, and its length sane? */
static int take_record(struct mig_dst *d, char *err, size_t errlen)
{
	uint32_t len = get32(d->hdr + 4);
	d->crc = get32(d->hdr + 8);
	if (tag_is(d, "PAGE")) {
		if (d->have_stat)
			BAD(d->start, "a PAGE record after STAT");
		if (len < 8 + PAGE_ENTRY || len > PAGE_MAX ||
		    (len - 8) % PAGE_ENTRY)
			BAD(d->start + 4, "a PAGE record of %u bytes (8 + a "
			    "multiple of 4100, up to %u)", len, PAGE_MAX);
	} else if (tag_is(d, "STAT")) {
		if (d->have_stat)
			BAD(d->start, "a second STAT record");
		if (!len || len > MIG_STAT_MAX)
			BAD(d->start + 4, "a STAT record of %u bytes (1 to "
			    "%u)", len, MIG_STAT_MAX);
	} else if (tag_is(d, "END ")) {
		if (!d->have_stat)
			BAD(d->start, "END before the machine's state (STAT)");
		if (len)
			BAD(d->start + 4, "an END record of %u bytes (it is "
			    "empty)", len);
		if (!CRC_OK(d->crc, (uint32_t)crc32(0, NULL, 0)))
			BAD(d->start + 8, "END's CRC is not that of nothing");
		d->state = ST_DONE;
		return 0;
	} else {
		char t[5] = { 0 };
		for (int i = 0; i < 4; i++)
			t[i] = d->hdr[i] >= 0x20 && d->hdr[i] < 0x7f
				       ? (char)d->hdr[i] : '?';
		BAD(d->start, "an unknown record '%s' (PAGE, STAT or END)",
		    t);
	}
	uint8_t *rec = realloc(d->rec, len);
	if (!rec)
		BAD(d->start, "out of host memory");
	d->rec = rec;
	d->state = ST_PAYLOAD;
	d->need = len;
	return 0;
}

static int take_pages(struct mig_dst *d, char *err, size_t errlen)
{
	uint64_t at = d->start + MIG_RECORD_HEADER;
	uint32_t round = get32(d->rec), count = get32(d->rec + 4);
	if (!round || round < d->last_round)
		BAD(at, "round %u after round %u (rounds go 1, 2, ...)",
		    round, d->last_round);
	if (count != (d->need - 8) / PAGE_ENTRY)
		BAD(at + 4, "a count of %u pages in a record that holds %zu",
		    count, (d->need - 8) / PAGE_ENTRY);
	/* Check every page number before storing any. */
	for (uint32_t i = 0; i < count; i++) {
		uint32_t p = get32(d->rec + 8 + (size_t)i * PAGE_ENTRY);
		if (p >= d->npages)
			BAD(at + 8 + (uint64_t)i * PAGE_ENTRY, "page %u of a "
			    "machine of %u pages", p, d->npages);
	}
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = d->rec + 8 + (size_t)i * PAGE_ENTRY;
		uint32_t p = get32(e);
		if (!memcmp(e + 4, zero_page, MEM_PAGE_SIZE)) {
			free(d->pages[p]);
			d->pages[p] = NULL;
			continue;
		}
		if (!d->pages[p] && !(d->pages[p] = malloc(MEM_PAGE_SIZE)))
			BAD(at, "out of host memory");
		memcpy(d->pages[p], e + 4, MEM_PAGE_SIZE);
	}
	d->last_round = round;
	return 0;
}

static int take_stat(struct mig_dst *d, char *err, size_t errlen)
{
	uint64_t at = d->start + MIG_RECORD_HEADER;
	char why[512];
	if (ckpt_decode(&d->ck, d->rec, d->need, why, sizeof why))
		BAD(at, "the machine's state: %s", why);
	d->have_stat = 1;
	if (d->ck.npages != d->npages)
		BAD(at, "the machine's state has %u pages of RAM, the stream "
		    "%u", d->ck.npages, d->npages);
	if (d->ck.nstored)
		BAD(at, "the machine's state holds RAM pages (they come in "
		    "PAGE records)");
	return 0;
}

/* A whole payload has come: check its CRC, then use it. */
static int take_payload(struct mig_dst *d, char *err, size_t errlen)
{
	if (!CRC_OK(d->crc, (uint32_t)crc32(0, d->rec, (uInt)d->need)))
		BAD(d->start + 8, "the %.4s record's CRC does not match: the "
		    "stream is damaged", (const char *)d->hdr);
	int bad = tag_is(d, "PAGE") ? take_pages(d, err, errlen)
				    : take_stat(d, err, errlen);
	if (bad)
		return -1;
	d->state = ST_RECORD;
	return 0;
}

enum mig_feed mig_dst_feed(struct mig_dst *d, const void *buf, size_t len,
			   char *err, size_t errlen)
{
	const uint8_t *in = buf;
	while (len) {
		if (d->state == ST_BAD)
			return MIG_DST_BAD;
		if (d->state == ST_DONE) {
			snprintf(err, errlen, "byte %llu: bytes after END",
				 (unsigned long long)d->offset);
			d->state = ST_BAD;
			return MIG_DST_BAD;
		}
		uint8_t *to = d->state == ST_PAYLOAD ? d->rec : d->hdr;
		size_t n = d->need - d->have < len ? d->need - d->have : len;
		memcpy(to + d->have, in, n);
		d->have += n, d->offset += n, in += n, len -= n;
		if (d->have < d->need)
			break;
		int bad;
		if (d->state == ST_HEADER)
			bad = take_header(d, err, errlen);
		else if (d->state == ST_RECORD)
			bad = take_record(d, err, errlen);
		else
			bad = take_payload(d, err, errlen);
		if (bad) {
			d->state = ST_BAD;
			return MIG_DST_BAD;
		}
		if (d->state == ST_HEADER)
			d->state = ST_RECORD;
		if (d->state == ST_RECORD) {
			d->start = d->offset;
			d->need = MIG_RECORD_HEADER;
		}
		d->have = 0;
	}
	if (d->state == ST_BAD)
		return MIG_DST_BAD;
	return d->state == ST_DONE ? MIG_DST_DONE : MIG_DST_MORE;
}

int mig_dst_take(struct mig_dst *d, struct ckpt *ck)
{
	uint32_t n = 0;
	for (uint32_t p = 0; p < d->npages; p++)
		n += d->pages[p] != NULL;
	*ck = d->ck;
	memset(&d->ck, 0, sizeof d->ck);
	free(ck->pagenos);
	free(ck->pages);
	ck->nstored = ck->cap = 0;
	ck->pagenos = malloc((n ? n : 1) * sizeof *ck->pagenos);
	ck->pages = malloc((size_t)(n ? n : 1) * MEM_PAGE_SIZE);
	if (!ck->pagenos || !ck->pages)
		return -1;
	ck->cap = n;
	for (uint32_t p = 0; p < d->npages; p++) {
		if (!d->pages[p])
			continue;
		ck->pagenos[ck->nstored] = p;
		memcpy(ck->pages + (size_t)ck->nstored++ * MEM_PAGE_SIZE,
		       d->pages[p], MEM_PAGE_SIZE);
		free(d->pages[p]);
		d->pages[p] = NULL;
	}
	return 0;
}

void mig_dst_free(struct mig_dst *d)
{
	if (d->pages)
		for (uint32_t p = 0; p < d->npages; p++)
			free(d->pages[p]);
	free(d->pages);
	free(d->rec);
	ckpt_free(&d->ck);
	memset(d, 0, sizeof *d);
}
