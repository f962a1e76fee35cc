/*
 * The assembler's output: the segments, sorted by load address and
 * merged where they touch, the labels and constants, and the line table
 * (which bytes came from which line as written).
 */
#include <stdlib.h>
#include <string.h>

#include "asm/as_int.h"
#include "asm/image.h"

void as_record_line(struct as *a, uint32_t addr, uint32_t size)
{
	int origin = a->lines[a->cur].origin;
	uint32_t load = (uint32_t)(addr + a->load_delta);
	struct as_rec *r = a->nrec ? &a->rec[a->nrec - 1] : NULL;
	/* The lines of one macro call are one line as written, and so are
	 * the copies of a .rept body line that follow each other. */
	const struct as_line *o = &a->lines[origin];
	if (r && r->load + r->size == load &&
	    (r->line == origin || (a->lines[r->line].file == o->file &&
				   a->lines[r->line].lineno == o->lineno))) {
		r->size += size;
		return;
	}
	if (a->nrec == a->rec_cap) {
		a->rec_cap = a->rec_cap ? 2 * a->rec_cap : 256;
		a->rec = as_xrealloc(a->rec, a->rec_cap * sizeof *a->rec);
	}
	a->rec[a->nrec++] = (struct as_rec){ load, size, origin };
}

static int seg_cmp(const void *x, const void *y)
{
	const struct as_seg *a = x, *b = y;
	return a->load < b->load ? -1 : a->load > b->load;
}

static int rec_cmp(const void *x, const void *y)
{
	const struct as_rec *a = x, *b = y;
	return a->load < b->load ? -1 : a->load > b->load;
}

/* Reject overlaps (in RAM: two segments may run at one address if they
 * are loaded at different ones) and merge what touches. */
static int merge_segments(struct as *a)
{
	qsort(a->segs, a->nsegs, sizeof *a->segs, seg_cmp);
	int m = 0;
	for (int i = 0; i < a->nsegs; i++) {
		struct as_seg *s = &a->segs[i], *prev = m ? &a->segs[m - 1] : 0;
		if (prev && (uint64_t)prev->load + prev->size > s->load) {
			a->cur = s->line;
			a->pass = 2;
			as_error(a, a->lines[s->line].text, "code at 0x%08x "
				 "overlaps code placed earlier at 0x%08x",
				 s->load, prev->load);
			free(s->data);
			s->data = NULL;
			continue;
		}
		if (prev && prev->load + prev->size == s->load &&
		    prev->addr + prev->size == s->addr &&
		    prev->zero == s->zero) {
			if (!s->zero && (size_t)prev->size + s->size >
					prev->cap) {
				prev->cap = (size_t)prev->size + s->size;
				prev->data = as_xrealloc(prev->data, prev->cap);
			}
			if (!s->zero)
				memcpy(prev->data + prev->size, s->data,
				       s->size);
			prev->size += s->size;
			free(s->data);
			s->data = NULL;
			continue;
		}
		a->segs[m++] = *s;
	}
	a->nsegs = m;
	return m;
}

static void line_table(struct as *a, struct image *img)
{
	qsort(a->rec, a->nrec, sizeof *a->rec, rec_cmp);
	size_t size = 0;
	for (int i = 0; i < a->nfiles; i++)
		size += strlen(a->files[i]) + 1;
	for (int i = 0; i < a->nrec; i++)
		size += strlen(a->lines[a->rec[i].line].text) + 1;
	img->strings = as_xrealloc(NULL, size ? size : 1);
	img->line = as_xrealloc(NULL, (a->nrec ? a->nrec : 1) *
				sizeof *img->line);
	/* The file names first: the image outlives a->files. */
	const char **names = as_xrealloc(NULL, (a->nfiles + 1) *
					 sizeof *names);
	char *p = img->strings;
	for (int i = 0; i < a->nfiles; i++) {
		names[i] = strcpy(p, a->files[i]);
		p += strlen(p) + 1;
	}
	int f = 0;
	for (int i = 0; i < a->nrec; i++) {
		const struct as_line *l = &a->lines[a->rec[i].line];
		if (a->files[f] != l->file)
			for (f = 0; f < a->nfiles - 1 &&
				    a->files[f] != l->file; f++)
				;
		size_t n = strlen(l->text);
		while (n && (l->text[n - 1] == ' ' || l->text[n - 1] == '\t' ||
			     l->text[n - 1] == '\r'))
			n--;
		memcpy(p, l->text, n);
		p[n] = 0;
		img->line[i] = (struct image_line){
			.load = a->rec[i].load, .size = a->rec[i].size,
			.line = (uint32_t)l->lineno, .file = names[f],
			.text = p,
		};
		p += n + 1;
	}
	free(names);
	img->nline = (uint32_t)a->nrec;
}

void as_finish(struct as *a, struct image *img, bool strip)
{
	memset(img, 0, sizeof *img);
	if (!a->nsegs) {
		fprintf(a->errs, "%s: error: nothing to assemble (no "
			"instructions or data)\n", a->files[0]);
		a->errors++;
		return;
	}
	uint32_t first = a->segs[0].addr;
	int first_line = a->segs[0].line;
	int m = merge_segments(a);
	img->nseg = (uint32_t)m;
	img->seg = as_xrealloc(NULL, m * sizeof *img->seg);
	for (int i = 0; i < m; i++) {
		const struct as_seg *s = &a->segs[i];
		img->seg[i] = (struct image_segment){
			.addr = s->addr, .size = s->size, .data = s->data,
			.load = s->load,
			.flags = s->zero ? IMAGE_SEG_ZERO : 0,
		};
		a->segs[i].data = NULL;
	}
	img->sym = as_xrealloc(NULL, a->nsyms * sizeof *img->sym);
	img->con = as_xrealloc(NULL, a->nsyms * sizeof *img->con);
	for (int i = 0; i < a->nsyms; i++) {
		struct image_symbol s = { a->syms[i].value,
					  as_xstrdup(a->syms[i].name) };
		if (a->syms[i].label)
			img->sym[img->nsym++] = s;
		else
			img->con[img->ncon++] = s;
	}
	image_index(img);
	if (!strip)
		line_table(a, img);
	const struct as_sym *start = as_sym_find(a, "_start");
	img->entry = start && start->label ? start->value :
		     a->entry_set ? a->entry : first;
	if (img->entry & 3) {
		a->cur = start && start->label ? start->line :
			 a->entry_set ? a->entry_line : first_line;
		a->pass = 2;
		as_error(a, a->lines[a->cur].text, "entry point 0x%08x is not "
			 "a multiple of 4 (add .align 4 before it)",
			 img->entry);
	}
}
