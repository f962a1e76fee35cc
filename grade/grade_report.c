/*
 * aula grade's reports (aula-grade(1), REPORTS): the table, JSON, CSV,
 * JUnit XML and TAP.  Each is a function of the results alone, in the
 * order of the command line: no times, no host names, no paths but the
 * ones given, so that the same inputs give the same bytes.
 */
#include <string.h>

#include "grade/grade.h"

static const struct grade_result *result(const struct grade_run_set *s,
					 int sub, int test)
{
	return &s->results[(size_t)sub * s->ntests + test];
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
		if ((int)strlen(s->subs[i].path) > wsub)
			wsub = (int)strlen(s->subs[i].path);
	for (int j = 0; j < s->ntests; j++) {
		char pts[32];
		int n = snprintf(pts, sizeof pts, "%u/%u", s->tests[j].points,
				 s->tests[j].points);
		wtest[j] = (int)strlen(s->tests[j].id);
		if (n > wtest[j])
			wtest[j] = n;
	}
	fprintf(f, "%-*s", wsub, "submission");
	for (int j = 0; j < s->ntests; j++)
		fprintf(f, "  %*s", wtest[j], s->tests[j].id);
	fprintf(f, "  %9s\n", "total");
	for (int i = 0; i < s->nsubs; i++) {
		unsigned got, max;
		char pts[32];
		fprintf(f, "%-*s", wsub, s->subs[i].path);
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
			fprintf(f, "\n%s: %s\n", s->subs[i].path,
				s->subs[i].error);
			continue;
		}
		for (int j = 0; j < s->ntests; j++) {
			const struct grade_result *r = result(s, i, j);
			if (r->status == GRADE_PASS || !counts(r))
				continue;
			fprintf(f, "\n%s, %s: %s (%u/%u)\n%s", s->subs[i].path,
				s->tests[j].id, grade_status_names[r->status],
				r->points, s->tests[j].points, r->detail);
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
			json_string(f, s->subs[i].error);
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
			json_string(f, r->detail);
			fputc('}', f);
		}
		fputs("\n     ]}", f);
	}
	fputs("\n  ]\n}\n", f);
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
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
		csv_field(f, s->tests[j].id);
	}
	fputs(",total,max\n", f);
	for (int i = 0; i < s->nsubs; i++) {
		unsigned got, max;
		csv_field(f, s->subs[i].path);
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

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' ||
			    *s == '\t')
				fputc(*s, f);
			else
				fprintf(f, "&#x%x;", (unsigned char)*s);
		}
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
				xml_text(f, r->detail);
				fputs("</failure>\n", f);
			}
			fputs("    </testcase>\n", f);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
}

/* ---- TAP ---------------------------------------------------------------- */

void grade_report_tap(FILE *f, const struct grade_run_set *s)
{
	int n = 0;
	fprintf(f, "TAP version 13\n1..%d\n", s->nsubs * s->ntests);
	for (int i = 0; i < s->nsubs; i++)
		for (int j = 0; j < s->ntests; j++) {
			const struct grade_result *r = result(s, i, j);
			bool ok = r->status == GRADE_PASS || !counts(r);
			fprintf(f, "%sok %d - %s %s", ok ? "" : "not ",
				++n, s->subs[i].path, s->tests[j].id);
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
			for (const char *p = r->detail; *p;) {
				size_t len = strcspn(p, "\n");
				fprintf(f, "    %.*s\n", (int)len, p);
				p += len + (p[len] == '\n');
			}
			fputs("  ...\n", f);
		}
}
