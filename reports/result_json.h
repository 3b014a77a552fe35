/* The JSON form of the result model (docs/results-json.md), written by
 * report_json.c and read back by result_json_read.c: the plain fields of
 * an expectation are one table, so the two cannot drift apart. */
#ifndef REPORTS_RESULT_JSON_H
#define REPORTS_RESULT_JSON_H

#include <stddef.h>

#include "reports/result.h"

/* "unplug-results": what the file is; its version changes only when a
 * reader of the old one would misread the new. */
#define RESULT_JSON_FORMAT "unplug-results"
#define RESULT_JSON_VERSION 1

enum json_field_type {
	JF_STR,			/* a char array; "" is written as null */
	JF_I64,
	JF_LONG,
	JF_INT,
};

struct json_field {
	const char *key;
	enum json_field_type type;
	size_t offset;		/* in struct expect_result */
	size_t size;		/* JF_STR: the array's */
};

/* @base with the suffix of @e's unit: "measured_ns" for nanoseconds,
 * "measured" for a count. */
const char *result_json_key(const struct expect_result *e, const char *base, char *buf,
			    size_t len);

/* enum doubt's bits, by name: "reference", "lag", "sample", "late-step",
 * "crossed" */
#define RESULT_JSON_NDOUBTS 6
extern const char *const result_json_doubts[RESULT_JSON_NDOUBTS];

extern const struct json_field result_json_fields[];
extern const size_t result_json_nfields;

#endif
