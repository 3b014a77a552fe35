#include "reports/report.h"

#include <errno.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/escape.h"

#define X(s) BAD_CAST(s)

/* @s with every control character but the line feed escaped (XML 1.0
 * holds none, and a CI page must not act on one); caller frees. */
static char *clean(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	escape_fputs(s ? s : "", false, m);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Write @s through clean() with @write. */
static int write_clean(xmlTextWriterPtr w, const char *s,
		       int (*write)(xmlTextWriterPtr, const xmlChar *))
{
	char *c = clean(s);
	int bad = !c || write(w, X(c)) < 0;

	free(c);
	return bad;
}

static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *c = clean(value);
	int bad = !c || xmlTextWriterWriteAttribute(w, X(name), X(c)) < 0;

	free(c);
	return bad;
}

static int attr_n(xmlTextWriterPtr w, const char *name, size_t n)
{
	return xmlTextWriterWriteFormatAttribute(w, X(name), "%zu", n) < 0;
}

static int attr_secs(xmlTextWriterPtr w, int64_t ns)
{
	return xmlTextWriterWriteFormatAttribute(w, X("time"), "%.3f",
						 (double)ns / NS_PER_S) < 0;
}

static int property(xmlTextWriterPtr w, const char *name, const char *value)
{
	int bad = xmlTextWriterStartElement(w, X("property")) < 0;

	bad |= attr(w, "name", name) | attr(w, "value", value);
	return bad | (xmlTextWriterEndElement(w) < 0);
}

/* <failure>, <error> or <skipped>, with the message as attribute and text. */
static int outcome(xmlTextWriterPtr w, const char *tag, const char *message,
		   const char *text)
{
	int bad = 0;

	bad |= xmlTextWriterStartElement(w, X(tag)) < 0;
	bad |= attr(w, "message", message);
	if (text)
		bad |= write_clean(w, text, xmlTextWriterWriteString);
	bad |= xmlTextWriterEndElement(w) < 0;
	return bad;
}

/* "detect server", "packets server to client", then "detect server #2"
 * for the next of the same kind about the same hosts: a name that does
 * not change with the budget. */
static void case_name(const struct scenario_result *r, size_t i, char *buf, size_t len)
{
	const struct expect_result *e = &r->expects[i];
	size_t same = 0, used;

	for (size_t k = 0; k <= i; k++)
		same += !strcmp(r->expects[k].kind, e->kind) &&
			!strcmp(r->expects[k].host, e->host) && !strcmp(r->expects[k].peer, e->peer);
	used = (size_t)snprintf(buf, len, "%s%s%s%s%s", e->kind, e->host[0] ? " " : "", e->host,
				e->peer[0] ? " to " : "", e->peer);
	if (same > 1 && used < len)
		snprintf(buf + used, len - used, " #%zu", same);
}

static int write_expect(xmlTextWriterPtr w, const struct scenario_result *r, size_t i)
{
	const struct expect_result *e = &r->expects[i];
	char *text = NULL, measured[512], name[64], brief[600], runs[512] = "";
	int bad = 0;

	result_measured_str(e, measured, sizeof(measured));
	case_name(r, i, name, sizeof(name));
	if (e->nruns)
		result_runs_str(e, runs, sizeof(runs));
	bad |= xmlTextWriterStartElement(w, X("testcase")) < 0;
	bad |= attr(w, "name", name);
	bad |= attr(w, "classname", r->id);
	/* a latency's test time is the latency: CI's duration trends then
	 * chart detection time */
	bad |= attr_secs(w, result_is_latency(e) ? e->measured : 0);
	bad |= attr(w, "file", r->file);
	bad |= xmlTextWriterWriteFormatAttribute(w, X("line"), "%d", e->at.line) < 0;
	if (asprintf(&text, "%s:%d:%d: expected %s\nmeasured %s\n%s%srun directory: %s\n",
		     r->file ? r->file : "", e->at.line, e->at.col, e->expected ? e->expected : "",
		     measured, runs, runs[0] ? "\n" : "", r->run_dir ? r->run_dir : "-") < 0)
		text = NULL;
	if (e->verdict == VERDICT_FAIL || e->verdict == VERDICT_FLAKY)
		bad |= outcome(w, "failure", result_short_str(e, brief, sizeof(brief)), text);
	else if (e->verdict == VERDICT_UNSURE)
		/* neither passed nor failed: CI shows it apart, as a skip */
		bad |= outcome(w, "skipped", result_short_str(e, brief, sizeof(brief)), text);
	else if (e->verdict == VERDICT_ERROR || e->verdict == VERDICT_INTERRUPTED)
		bad |= outcome(w, "error", result_short_str(e, brief, sizeof(brief)), text);
	bad |= xmlTextWriterStartElement(w, X("system-out")) < 0;
	bad |= write_clean(w, text ? text : measured, xmlTextWriterWriteString);
	bad |= xmlTextWriterEndElement(w) < 0;
	free(text);
	bad |= xmlTextWriterEndElement(w) < 0;
	return bad;
}

static bool is_error(enum verdict v)
{
	return v == VERDICT_ERROR || v == VERDICT_INTERRUPTED;
}

static int write_scenario(xmlTextWriterPtr w, const struct scenario_result *r)
{
	char suite[256], doubt[640], tries[16];
	size_t failures = 0, errors = is_error(r->verdict) && !r->nexpects,
	       skipped = r->verdict == VERDICT_SKIP;
	int bad = 0;

	for (size_t i = 0; i < r->nexpects; i++) {
		failures += r->expects[i].verdict == VERDICT_FAIL ||
			    r->expects[i].verdict == VERDICT_FLAKY;
		errors += is_error(r->expects[i].verdict);
		skipped += r->expects[i].verdict == VERDICT_UNSURE;
	}
	/* under several kernels (run --kernel) a scenario is one suite each */
	snprintf(suite, sizeof(suite), r->kernel ? "%s [%s]" : "%s", r->id, r->kernel);
	bad |= xmlTextWriterStartElement(w, X("testsuite")) < 0;
	bad |= attr(w, "name", suite);
	bad |= attr_n(w, "tests", r->nexpects ? r->nexpects : 1);
	bad |= attr_n(w, "failures", failures);
	bad |= attr_n(w, "errors", errors);
	bad |= attr_n(w, "skipped", skipped);
	bad |= attr_secs(w, r->duration_ns);
	bad |= attr(w, "file", r->file);
	bad |= xmlTextWriterStartElement(w, X("properties")) < 0;
	const char *props[][2] = { { "scenario", r->name }, { "file", r->file },
				   { "run_dir", r->run_dir }, { "verdict", verdict_id(r->verdict) },
				   { "kernel", r->kernel } };
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (props[i][1])
			bad |= property(w, props[i][0], props[i][1]);
	for (size_t i = 0; i < r->noutputs; i++)
		bad |= property(w, "output", r->outputs[i]);
	/* how many runs it took, and the ones that ended unsure */
	snprintf(tries, sizeof(tries), "%zu", r->ntries + 1);
	bad |= property(w, "tries", tries);
	for (size_t k = 0; k < r->ntries; k++)
		if (r->tries[k].run_dir)
			bad |= property(w, "retried", r->tries[k].run_dir);
	for (size_t i = 0; i < r->nexpects; i++)
		if (r->expects[i].verdict == VERDICT_UNSURE &&
		    result_doubt_str(&r->expects[i], doubt, sizeof(doubt))[0])
			bad |= property(w, "doubt", doubt);
	bad |= xmlTextWriterEndElement(w) < 0;
	if (!r->nexpects) {
		/* nothing was judged: the scenario itself is the one test */
		bad |= xmlTextWriterStartElement(w, X("testcase")) < 0;
		bad |= attr(w, "name", "scenario") | attr(w, "classname", r->id);
		bad |= attr_secs(w, r->duration_ns);
		bad |= attr(w, "file", r->file);
		bad |= xmlTextWriterWriteAttribute(w, X("line"), X("1")) < 0;
		if (r->verdict != VERDICT_PASS && r->verdict != VERDICT_FAIL)
			bad |= outcome(w, r->verdict == VERDICT_SKIP ? "skipped" : "error",
				       r->reason ? r->reason : verdict_id(r->verdict), r->reason);
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	for (size_t i = 0; i < r->nexpects; i++)
		bad |= write_expect(w, r, i);
	if (r->run_dir)
		bad |= xmlTextWriterWriteFormatElement(w, X("system-out"), "run directory: %s\n",
						       r->run_dir) < 0;
	bad |= xmlTextWriterEndElement(w) < 0;
	return bad;
}

static void quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

int report_junit_write(const char *path, const struct run_result *rr,
		       struct diag *d)
{
	xmlTextWriterPtr w;
	size_t tests = 0, failures = 0, errors = 0;
	int bad = 0;

	/* libxml2 would print its own account of an I/O error: ours is in @d */
	xmlSetGenericErrorFunc(NULL, quiet);
	errno = 0;
	w = xmlNewTextWriterFilename(path, 0);
	if (!w) {
		diag_add(d, "%s: cannot write the JUnit report: %s", path, strerror(errno ? errno : EIO));
		return -EIO;
	}
	for (size_t i = 0; i < rr->n; i++) {
		const struct scenario_result *r = &rr->v[i];

		tests += r->nexpects ? r->nexpects : 1;
		errors += is_error(r->verdict) && !r->nexpects;
		for (size_t k = 0; k < r->nexpects; k++) {
			failures += r->expects[k].verdict == VERDICT_FAIL;
			errors += is_error(r->expects[k].verdict);
		}
	}
	xmlTextWriterSetIndent(w, 1);
	bad |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
	bad |= xmlTextWriterStartElement(w, X("testsuites")) < 0;
	bad |= attr(w, "name", "unplug");
	bad |= attr_n(w, "tests", tests) | attr_n(w, "failures", failures);
	bad |= attr_n(w, "errors", errors);
	bad |= attr_secs(w, rr->duration_ns);
	for (size_t i = 0; i < rr->n; i++)
		bad |= write_scenario(w, &rr->v[i]);
	bad |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (bad) {
		diag_add(d, "%s: cannot write the JUnit report: %s", path, strerror(errno ? errno : EIO));
		return -EIO;
	}
	return 0;
}
