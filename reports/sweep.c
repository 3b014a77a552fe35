#include "reports/sweep.h"

#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/escape.h"

/* Whether @a and @b are combinations of one sweep, run by one kernel. */
static bool same_sweep(const struct scenario_result *a, const struct scenario_result *b)
{
	return a->sweep && b->sweep && !strcmp(a->sweep, b->sweep) &&
	       (a->kernel && b->kernel ? !strcmp(a->kernel, b->kernel) : a->kernel == b->kernel);
}

bool sweep_next(const struct run_result *rr, size_t *first, size_t *n)
{
	size_t i = *first + *n;

	while (i < rr->n && !rr->v[i].sweep)
		i++;
	if (i == rr->n)
		return false;
	*first = i;
	for (*n = 1; i + *n < rr->n && same_sweep(&rr->v[i + *n], &rr->v[i]); (*n)++)
		;
	return true;
}

static bool before(struct pos a, struct pos b)
{
	return a.line < b.line || (a.line == b.line && a.col < b.col);
}

size_t sweep_expectations(const struct run_result *rr, size_t first, size_t n,
			  struct pos *at, size_t max)
{
	size_t count = 0;

	for (size_t i = first; i < first + n; i++)
		for (size_t k = 0; k < rr->v[i].nexpects; k++) {
			struct pos p = rr->v[i].expects[k].at;
			size_t j = 0;

			while (j < count && before(at[j], p))
				j++;
			if ((j < count && at[j].line == p.line && at[j].col == p.col) || count == max)
				continue;
			memmove(&at[j + 1], &at[j], (count - j) * sizeof(*at));
			at[j] = p;
			count++;
		}
	return count;
}

bool sweep_row(const struct scenario_result *r, struct pos at, struct sweep_row *row)
{
	const struct expect_result *e = NULL;
	struct run_value one, *judged;
	const struct run_value *v;
	size_t nv;

	memset(row, 0, sizeof(*row));
	for (size_t k = 0; k < r->nexpects && !e; k++)
		if (r->expects[k].at.line == at.line && r->expects[k].at.col == at.col)
			e = &r->expects[k];
	if (!e)
		return false;
	if (e->nruns) {
		v = e->runs;
		nv = e->nruns;
	} else {
		one = (struct run_value){ .verdict = e->verdict, .valued = result_has_value(e),
					  .measured = e->measured };
		v = &one;
		nv = 1;
	}
	row->r = r;
	row->e = e;
	/* the runs that passed or failed: a skip or an error says nothing */
	if (!(judged = calloc(nv, sizeof(*judged))))
		return false;
	for (size_t k = 0; k < nv; k++)
		if (v[k].verdict == VERDICT_PASS || v[k].verdict == VERDICT_FAIL) {
			judged[row->runs++] = v[k];
			row->passed += v[k].verdict == VERDICT_PASS;
		}
	row->stats = result_stats_of(judged, row->runs);
	free(judged);
	return row->runs > 0;
}

static const char *value_str(int64_t v, enum result_unit unit, char *buf, size_t len)
{
	if (unit == UNIT_NS)
		return duration_str(v, buf, len);
	snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

/* One expectation's table. */
static void term_table(FILE *f, const struct run_result *rr, size_t first, size_t n,
		       struct pos at, const struct term_style *s)
{
	const struct scenario_result *r0 = &rr->v[first];
	int width[RESULT_MAX_PARAMS] = { 0 };
	bool header = false;

	for (size_t p = 0; p < r0->nparams; p++)
		width[p] = (int)strlen(r0->param_names[p]);
	for (size_t i = first; i < first + n; i++)
		for (size_t p = 0; p < rr->v[i].nparams && p < r0->nparams; p++) {
			char v[128];

			if ((int)strlen(escape_buf(rr->v[i].param_values[p], v, sizeof(v))) > width[p])
				width[p] = (int)strlen(v);
		}
	for (size_t i = first; i < first + n; i++) {
		const struct scenario_result *r = &rr->v[i];
		struct sweep_row row;
		char a[32], b[32], c[32], unit[16] = "";
		const char *verdict = "";

		if (!sweep_row(r, at, &row))
			continue;
		if (!header) {
			/* the file's name and the values came from input: escaped */
			fputs("    ", f);
			escape_fputs(r->file, true, f);
			fprintf(f, ":%d:%d: expected ", at.line, at.col);
			escape_fputs(row.e->expected ? row.e->expected : row.e->kind, true, f);
			fputs("\n     ", f);
			for (size_t p = 0; p < r0->nparams; p++)
				fprintf(f, " %-*s", width[p], r0->param_names[p]);
			fprintf(f, "  %-12s  %s\n", "passed", "measured: min / median / max");
			header = true;
		}
		fprintf(f, "     ");
		for (size_t p = 0; p < r->nparams && p < r0->nparams; p++) {
			char v[128];

			fprintf(f, " %-*s", width[p], escape_buf(r->param_values[p], v, sizeof(v)));
		}
		snprintf(a, sizeof(a), "%zu/%zu", row.passed, row.runs);
		snprintf(b, sizeof(b), "%3zu%%", row.passed * 100 / row.runs);
		fprintf(f, "  %-7s %-4s  ", a, b);
		if (row.e->unit != UNIT_NS && row.e->unit != UNIT_NONE)
			snprintf(unit, sizeof(unit), " %s", unit_name(row.e->unit));
		if (row.stats.n)
			fprintf(f, "%s / ", value_str(row.stats.min, row.e->unit, a, sizeof(a)));
		if (row.stats.n)
			fprintf(f, "%s / %s%s", value_str(row.stats.median, row.e->unit, b, sizeof(b)),
				value_str(row.stats.max, row.e->unit, c, sizeof(c)), unit);
		else
			fprintf(f, "-");
		if (row.e->rated)
			verdict = row.e->verdict == VERDICT_PASS ? "  ok" : "  FAIL";
		if (row.e->rated && row.e->verdict != VERDICT_PASS && s->color)
			fprintf(f, "\033[31;1m%s\033[0m\n", verdict);
		else
			fprintf(f, "%s\n", verdict);
	}
}

void report_term_sweeps(FILE *f, const struct run_result *rr, const struct term_style *s)
{
	size_t first = 0, n = 0;

	while (sweep_next(rr, &first, &n)) {
		struct pos at[SWEEP_MAX_EXPECTS];
		size_t nat = sweep_expectations(rr, first, n, at, SWEEP_MAX_EXPECTS);

		size_t runs = rr->v[first].nruns ? rr->v[first].nruns : 1;

		fprintf(f, "\n  sweep %s: %zu combinations, %zu run%s each%s%s\n", rr->v[first].sweep, n,
			runs, runs == 1 ? "" : "s", rr->v[first].kernel ? ", under " : "",
			rr->v[first].kernel ? rr->v[first].kernel : "");
		for (size_t k = 0; k < nat; k++)
			term_table(f, rr, first, n, at[k], s);
	}
	if (first + n)
		fprintf(f, "\n");
}
