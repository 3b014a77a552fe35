#include "reports/report.h"

#include <errno.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/duration.h"

#define X(s) BAD_CAST(s)

static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(w, X(name), X(value ? value : "")) < 0;
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
		bad |= xmlTextWriterWriteString(w, X(text)) < 0;
	bad |= xmlTextWriterEndElement(w) < 0;
	return bad;
}

static int write_expect(xmlTextWriterPtr w, const struct scenario_result *r,
			const struct expect_result *e)
{
	char *text = NULL, measured[512];
	int bad = 0;

	result_measured_str(e, measured, sizeof(measured));
	bad |= xmlTextWriterStartElement(w, X("testcase")) < 0;
	bad |= attr(w, "classname", r->id);
	bad |= attr(w, "name", e->expected);
	bad |= xmlTextWriterWriteFormatAttribute(w, X("file"), "%s", r->file) < 0;
	bad |= xmlTextWriterWriteFormatAttribute(w, X("line"), "%d", e->at.line) < 0;
	if (e->verdict == VERDICT_FAIL) {
		if (asprintf(&text, "%s:%d:%d: expected %s; measured %s", r->file,
			     e->at.line, e->at.col, e->expected, measured) < 0)
			text = NULL;
		bad |= outcome(w, "failure", measured, text);
		free(text);
	}
	bad |= xmlTextWriterWriteElement(w, X("system-out"), X(measured)) < 0;
	bad |= xmlTextWriterEndElement(w) < 0;
	return bad;
}

static int write_scenario(xmlTextWriterPtr w, const struct scenario_result *r)
{
	char warning[640];
	size_t failures = 0;
	int bad = 0;

	for (size_t i = 0; i < r->nexpects; i++)
		failures += r->expects[i].verdict == VERDICT_FAIL;
	bad |= xmlTextWriterStartElement(w, X("testsuite")) < 0;
	bad |= attr(w, "name", r->id);
	bad |= attr_n(w, "tests", r->nexpects ? r->nexpects : 1);
	bad |= attr_n(w, "failures", failures);
	bad |= attr_n(w, "errors", r->verdict == VERDICT_ERROR);
	bad |= attr_n(w, "skipped", r->verdict == VERDICT_SKIP);
	bad |= attr_secs(w, r->duration_ns);
	bad |= xmlTextWriterStartElement(w, X("properties")) < 0;
	const char *props[][2] = { { "scenario", r->name }, { "file", r->file },
				   { "run_dir", r->run_dir } };
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (props[i][1])
			bad |= property(w, props[i][0], props[i][1]);
	for (size_t i = 0; i < r->noutputs; i++)
		bad |= property(w, "output", r->outputs[i]);
	for (size_t i = 0; i < r->nexpects; i++)
		if (result_step_warning(r, i, warning, sizeof(warning)))
			bad |= property(w, "warning", warning);
	for (size_t k = 0; k < r->nlate; k++)
		bad |= property(w, "warning", result_late_step_warning(r, k, warning, sizeof(warning)));
	bad |= xmlTextWriterEndElement(w) < 0;
	if (r->verdict == VERDICT_ERROR || r->verdict == VERDICT_SKIP) {
		bad |= xmlTextWriterStartElement(w, X("testcase")) < 0;
		bad |= attr(w, "classname", r->id) | attr(w, "name", "run");
		bad |= outcome(w, r->verdict == VERDICT_SKIP ? "skipped" : "error",
			       r->reason, r->reason);
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	for (size_t i = 0; i < r->nexpects; i++)
		bad |= write_expect(w, r, &r->expects[i]);
	bad |= xmlTextWriterEndElement(w) < 0;
	return bad;
}

int report_junit_write(const char *path, const struct run_result *rr,
		       struct diag *d)
{
	xmlTextWriterPtr w;
	size_t n[4], tests = 0, failures = 0;
	int bad = 0;

	w = xmlNewTextWriterFilename(path, 0);
	if (!w) {
		diag_add(d, "%s: cannot write JUnit report", path);
		return -EIO;
	}
	result_count(rr, n);
	for (size_t i = 0; i < rr->n; i++) {
		tests += rr->v[i].nexpects ? rr->v[i].nexpects : 1;
		for (size_t k = 0; k < rr->v[i].nexpects; k++)
			failures += rr->v[i].expects[k].verdict == VERDICT_FAIL;
	}
	xmlTextWriterSetIndent(w, 1);
	bad |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
	bad |= xmlTextWriterStartElement(w, X("testsuites")) < 0;
	bad |= attr(w, "name", "unplug");
	bad |= attr_n(w, "tests", tests) | attr_n(w, "failures", failures);
	bad |= attr_n(w, "errors", n[VERDICT_ERROR]) | attr_n(w, "skipped", n[VERDICT_SKIP]);
	bad |= attr_secs(w, rr->duration_ns);
	for (size_t i = 0; i < rr->n; i++)
		bad |= write_scenario(w, &rr->v[i]);
	bad |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (bad) {
		diag_add(d, "%s: cannot write JUnit report", path);
		return -EIO;
	}
	return 0;
}
