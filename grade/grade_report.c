/*
 * aula grade's reports (aula-grade(1), REPORTS): the table, JSON, CSV,
 * JUnit XML and TAP.  Each is a function of the results alone, in the
 * order of the command line: no times, no host names, no paths but the
 * ones given, so that the same inputs give the same bytes.
 */
#include <stdint.h>
#include <string.h>

#include "grade/grade.h"

/* ---- hostile text ---------------------------------------------------------
 *
 * Submission names, assembler messages and everything a guest printed are
 * hostile (docs/security.md, section 6): each format writes them through
 * one of these, so that no byte can end a field, start a directive or
 * reach a terminal as an escape sequence.
 */

/* The length of the well-formed UTF-8 character at s (XML 1.0 allows it:
 * no surrogate, no U+FFFE or U+FFFF), or 0. */
static size_t utf8_char(const unsigned char *s)
{
	uint32_t c;
	size_t n;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		c = s[0] & 0x1f, n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		c = s[0] & 0x0f, n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		c = s[0] & 0x07, n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	return n;
}

/* Text for a terminal or a line-based format: control bytes (but those in
 * keep) and DEL as \xNN; UTF-8 kept, other bytes \xNN too; the
 * characters of quote get a \ in front. */
static void escaped_text(FILE *f, const char *text, const char *keep,
			 const char *quote)
{
	const unsigned char *s = (const unsigned char *)text, *span = s;
	/* Bytes that stay as they are go out a span at a time: a class's
	 * table is mostly such text (one fwrite a byte was most of its
	 * cost, measured). */
	while (*s) {
		/* Most of a report is ASCII, and most quote sets are empty:
		 * a strchr a byte was most of the table's cost, measured. */
		size_t n = *s < 0x80 ? 1 : utf8_char(s);
		bool plain = n > 0 && *s >= 0x20 && *s != 0x7f &&
			     (!*quote || !strchr(quote, *s));
		if (plain || (*s < 0x20 && strchr(keep, *s))) {
			s += plain ? n : 1;
			continue;
		}
		fwrite(span, 1, (size_t)(s - span), f);
		if (*s >= 0x20 && *s != 0x7f && n > 0) {
			fputc('\\', f);
			fputc(*s++, f);
		} else {
			fprintf(f, "\\x%02x", *s++);
		}
		span = s;
	}
	fwrite(span, 1, (size_t)(s - span), f);
}

static void plain_text(FILE *f, const char *text, const char *keep)
{
	escaped_text(f, text, keep, "");
}

/* The bytes plain_text(f, text, "") writes, for the table's columns. */
static int plain_len(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	int len = 0;
	while (*s) {
		size_t n = utf8_char(s);
		if (n == 0 || *s < 0x20 || *s == 0x7f)
			len += 4, n = 1;
		else
			len += (int)n;
		s += n;
	}
	return len;
}

static const struct grade_result *result(const struct grade_run_set *s,
					 int sub, int test)
{
	return &s->results[(size_t)sub * s->ntests + test];
}

/* Why a submission did not load: not known is "". */
static const char *error_of(const struct grade_sub *sub)
{
	return sub->error ? sub->error : "";
}

/* A result's detail: none is "". */
static const char *detail_of(const struct grade_result *r)
{
	return r->detail ? r->detail : "";
}

static bool counts(const struct grade_result *r)
{
	return r->status != GRADE_NOT_APPLICABLE;
}

static void totals(const struct grade_run_set *s, int sub, unsigned *got,
		   unsigned *max)
{
	*got = *max = 0;
	for (int j = 0; j < s->ntests; j++) {
		const struct grade_result *r = result(s, sub, j);
		if (!counts(r))
			continue;
		*got += r->points;
		*max += s->tests[j].points;
	}
}

/* ---- the table ---------------------------------------------------------- */

void grade_report_table(FILE *f, const struct grade_run_set *s)
{
	int wsub = (int)strlen("submission"), wtest[s->ntests];
	for (int i = 0; i < s->nsubs; i++)
		if (plain_len(s->subs[i].path) > wsub)
			wsub = plain_len(s->subs[i].path);
	for (int j = 0; j < s->ntests; j++) {
		char pts[32];
		int n = snprintf(pts, sizeof pts, "%u/%u", s->tests[j].points,
				 s->tests[j].points);
		wtest[j] = plain_len(s->tests[j].id);
		if (n > wtest[j])
			wtest[j] = n;
	}
	fprintf(f, "%-*s", wsub, "submission");
	for (int j = 0; j < s->ntests; j++) {
		fprintf(f, "  %*s", wtest[j] - plain_len(s->tests[j].id), "");
		plain_text(f, s->tests[j].id, "");
	}
	fprintf(f, "  %9s\n", "total");
	for (int i = 0; i < s->nsubs; i++) {
		unsigned got, max;
		char pts[32];
		plain_text(f, s->subs[i].path, "");
		fprintf(f, "%*s", wsub - plain_len(s->subs[i].path), "");
		for (int j = 0; j < s->ntests; j++) {
			const struct grade_result *r = result(s, i, j);
			if (counts(r))
				snprintf(pts, sizeof pts, "%u/%u", r->points,
					 s->tests[j].points);
			else
				snprintf(pts, sizeof pts, "-");
			fprintf(f, "  %*s", wtest[j], pts);
		}
		totals(s, i, &got, &max);
		snprintf(pts, sizeof pts, "%u/%u", got, max);
		fprintf(f, "  %9s%s\n", pts,
			s->subs[i].loaded ? "" : "  (no program)");
	}
	for (int i = 0; i < s->nsubs; i++) {
		if (!s->subs[i].loaded) {
			fputc('\n', f);
			plain_text(f, s->subs[i].path, "");
			fputs(": ", f);
			plain_text(f, error_of(&s->subs[i]), "\n\t");
			fputc('\n', f);
			continue;
		}
		for (int j = 0; j < s->ntests; j++) {
			const struct grade_result *r = result(s, i, j);
			if (r->status == GRADE_PASS || !counts(r))
				continue;
			fputc('\n', f);
			plain_text(f, s->subs[i].path, "");
			fputs(", ", f);
			plain_text(f, s->tests[j].id, "");
			fprintf(f, ": %s (%u/%u)\n", grade_status_names[r->status],
				r->points, s->tests[j].points);
			plain_text(f, detail_of(r), "\n\t");
		}
	}
}

/* ---- JSON --------------------------------------------------------------- */

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void grade_report_json(FILE *f, const struct grade_run_set *s)
{
	fprintf(f, "{\n  \"format\": \"aula-grade\",\n  \"version\": %d,\n"
		"  \"shard\": [%u, %u],\n  \"tests\": [", GRADE_FORMAT_VERSION,
		s->shard, s->nshards);
	for (int j = 0; j < s->ntests; j++) {
		const struct grade_test *t = &s->tests[j];
		fprintf(f, "%s\n    {\"id\": ", j ? "," : "");
		json_string(f, t->id);
		fputs(", \"name\": ", f);
		json_string(f, t->name);
		fputs(", \"file\": ", f);
		json_string(f, t->path);
		fprintf(f, ", \"points\": %u, \"budget\": %llu}", t->points,
			(unsigned long long)t->budget);
	}
	fputs("\n  ],\n  \"submissions\": [", f);
	for (int i = 0; i < s->nsubs; i++) {
		unsigned got, max;
		totals(s, i, &got, &max);
		fprintf(f, "%s\n    {\"file\": ", i ? "," : "");
		json_string(f, s->subs[i].path);
		fprintf(f, ", \"points\": %u, \"max\": %u, \"error\": ", got,
			max);
		if (s->subs[i].loaded)
			fputs("null", f);
		else
			json_string(f, error_of(&s->subs[i]));
		fputs(",\n     \"results\": [", f);
		for (int j = 0; j < s->ntests; j++) {
			const struct grade_result *r = result(s, i, j);
			fprintf(f, "%s\n       {\"test\": ", j ? "," : "");
			json_string(f, s->tests[j].id);
			fputs(", \"status\": ", f);
			json_string(f, grade_status_names[r->status]);
			fprintf(f, ", \"points\": %u, \"insns\": %llu, "
				"\"stop\": ", r->points,
				(unsigned long long)r->insns);
			if (r->stop[0])
				json_string(f, r->stop);
			else
				fputs("null", f);
			fputs(", \"detail\": ", f);
			json_string(f, detail_of(r));
			fputc('}', f);
		}
		fputs("\n     ]}", f);
	}
	fputs("\n  ]\n}\n", f);
}

/* ---- CSV ---------------------------------------------------------------- */

/* RFC 4180; safe: a cell a spreadsheet would take for a formula (= + -
 * @, and tab or CR before one) gets a ' in front. */
static void csv_field(FILE *f, const char *s, bool safe)
{
	bool formula = safe && *s && strchr("=+-@\t\r", *s);
	if (!strpbrk(s, ",\"\n\r") && !formula) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void grade_report_csv(FILE *f, const struct grade_run_set *s)
{
	fputs("submission", f);
	for (int j = 0; j < s->ntests; j++) {
		fputc(',', f);
		csv_field(f, s->tests[j].id, s->csv_safe);
	}
	fputs(",total,max\n", f);
	for (int i = 0; i < s->nsubs; i++) {
		unsigned got, max;
		csv_field(f, s->subs[i].path, s->csv_safe);
		for (int j = 0; j < s->ntests; j++) {
			const struct grade_result *r = result(s, i, j);
			if (counts(r))
				fprintf(f, ",%u", r->points);
			else
				fputc(',', f);
		}
		totals(s, i, &got, &max);
		fprintf(f, ",%u,%u\n", got, max);
	}
}

/* ---- JUnit XML ---------------------------------------------------------- */

/* Text or an attribute value: markup escaped, and what XML 1.0 forbids
 * even as a character reference (C0 controls but tab, LF and CR; bytes
 * that are not UTF-8) written as a visible \xNN. */
static void xml_text(FILE *f, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	while (*s) {
		size_t n = utf8_char(s);
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\n': case '\t': fputc(*s, f); break;
		case '\r': fputs("&#13;", f); break;
		default:
			if (n == 0 || *s < 0x20 || *s == 0x7f) {
				fprintf(f, "\\x%02x", *s);
				n = 1;
			} else {
				fwrite(s, 1, n, f);
			}
			s += n;
			continue;
		}
		s++;
	}
}

void grade_report_junit(FILE *f, const struct grade_run_set *s)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n",
	      f);
	for (int i = 0; i < s->nsubs; i++) {
		int failures = 0, skipped = 0;
		for (int j = 0; j < s->ntests; j++) {
			const struct grade_result *r = result(s, i, j);
			skipped += !counts(r);
			failures += counts(r) && r->status != GRADE_PASS;
		}
		fputs("  <testsuite name=\"", f);
		xml_text(f, s->subs[i].path);
		fprintf(f, "\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n",
			s->ntests, failures, skipped);
		for (int j = 0; j < s->ntests; j++) {
			const struct grade_result *r = result(s, i, j);
			fputs("    <testcase classname=\"", f);
			xml_text(f, s->subs[i].path);
			fputs("\" name=\"", f);
			xml_text(f, s->tests[j].id);
			fputc('"', f);
			if (r->status == GRADE_PASS) {
				fputs("/>\n", f);
				continue;
			}
			fputs(">\n", f);
			if (!counts(r)) {
				fputs("      <skipped/>\n", f);
			} else {
				fprintf(f, "      <failure message=\"%s: "
					"%u/%u points\">",
					grade_status_names[r->status],
					r->points, s->tests[j].points);
				xml_text(f, detail_of(r));
				fputs("</failure>\n", f);
			}
			fputs("    </testcase>\n", f);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
}

/* ---- TAP ---------------------------------------------------------------- */

/* A test description: # would start a directive (y # TODO.s would pass
 * for a TODO), so it is \#, as is \ itself; no line break. */
static void tap_desc(FILE *f, const char *s)
{
	escaped_text(f, s, "", "#\\");
}

void grade_report_tap(FILE *f, const struct grade_run_set *s)
{
	int n = 0;
	fprintf(f, "TAP version 13\n1..%d\n", s->nsubs * s->ntests);
	for (int i = 0; i < s->nsubs; i++)
		for (int j = 0; j < s->ntests; j++) {
			const struct grade_result *r = result(s, i, j);
			bool ok = r->status == GRADE_PASS || !counts(r);
			fprintf(f, "%sok %d - ", ok ? "" : "not ", ++n);
			tap_desc(f, s->subs[i].path);
			fputc(' ', f);
			tap_desc(f, s->tests[j].id);
			if (!counts(r)) {
				fputs(" # SKIP not applicable\n", f);
				continue;
			}
			fprintf(f, " (%u/%u)\n", r->points,
				s->tests[j].points);
			if (ok)
				continue;
			fprintf(f, "  ---\n  status: %s\n  detail: |\n",
				grade_status_names[r->status]);
			/* A YAML literal block: no control bytes. */
			for (const char *p = detail_of(r); *p;) {
				size_t len = strcspn(p, "\n");
				char line[GRADE_DETAIL_MAX];
				memcpy(line, p, len);
				line[len] = 0;
				fputs("    ", f);
				plain_text(f, line, "\t");
				fputc('\n', f);
				p += len + (p[len] == '\n');
			}
			fputs("  ...\n", f);
		}
}
