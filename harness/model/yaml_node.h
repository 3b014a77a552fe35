/* Reading a libyaml document with positions: small typed accessors that
 * report "file:line:col: what: the bad value (what is accepted)". */
#ifndef HARNESS_YAML_NODE_H
#define HARNESS_YAML_NODE_H

#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "common/diag.h"
#include "common/names.h"

/* A node of a loaded document; both pointers borrowed from the document. */
struct ynode {
	yaml_document_t *doc;
	yaml_node_t *node;
};

/* A table of the keys a mapping accepts, for unknown-key errors. */
struct ykeys {
	const char *const *names;	/* NULL-terminated */
};

/* What a scenario file may be: at most this many bytes, nested at most
 * this deep (a scenario needs six levels). */
#define YNODE_MAX_BYTES (1 << 20)
#define YNODE_MAX_DEPTH 32

/* Read @path whole into *bytes, *len (caller frees): a regular file of at
 * most YNODE_MAX_BYTES, opened without blocking (a FIFO is refused, not
 * waited on). Returns 0, or -errno with a message in @d. */
int ynode_read_file(const char *path, char **bytes, size_t *len, struct diag *d);

/* Load the single document of @bytes into @doc (caller frees it with
 * yaml_document_delete). It must be within the limits above, hold one
 * document, and use no tags, anchors or aliases. Returns 0, or -errno
 * with a message in @d. */
int ynode_load_bytes(const char *bytes, size_t len, yaml_document_t *doc, struct diag *d);

struct ynode ynode_root(yaml_document_t *doc);
struct pos ynode_pos(struct ynode n);
bool ynode_is_scalar(struct ynode n);
bool ynode_is_map(struct ynode n);
bool ynode_is_seq(struct ynode n);
/* "a mapping", "a list" or "a value": for messages. */
const char *ynode_kind(struct ynode n);

/* The scalar text, or NULL when @n is not a scalar. */
const char *ynode_str(struct ynode n);

/* Number of pairs of a mapping or items of a list. */
size_t ynode_len(struct ynode n);
struct ynode ynode_key(struct ynode map, size_t i);
struct ynode ynode_value(struct ynode map, size_t i);
struct ynode ynode_item(struct ynode seq, size_t i);

/* Require @n to be a mapping / list / scalar; otherwise add
 * "<what> must be <kind>, not <actual>" and return -EINVAL. */
int ynode_need_map(struct ynode n, const char *what, struct diag *d);
int ynode_need_seq(struct ynode n, const char *what, struct diag *d);
int ynode_need_scalar(struct ynode n, const char *what, struct diag *d);

/* Check that every key of @map is a scalar in @accepted and appears once.
 * Reports each offender; returns 0 or -EINVAL. */
int ynode_check_keys(struct ynode map, const char *what,
		     const char *const *accepted, struct diag *d);

/* The value of key @name in @map; .node is NULL when absent. */
struct ynode ynode_get(struct ynode map, const char *name);

/* Like ynode_get(), but a missing key is an error: "<what> needs <key>
 * (e.g. <example>)", cited at the mapping. Returns 0 or -EINVAL. */
int ynode_need_key(struct ynode map, const char *key, const char *what,
		   const char *example, struct ynode *out, struct diag *d);

/* Typed scalar readers: on failure they report, at @n, what was wrong,
 * the bad value, and what would be accepted, and return -EINVAL. */
int ynode_duration(struct ynode n, const char *what, int64_t *ns,
		   struct diag *d);
int ynode_int(struct ynode n, const char *what, long min, long max,
	      long *out, struct diag *d);
int ynode_bool(struct ynode n, const char *what, bool *out, struct diag *d);
/* One of the names of table @t: its value into *out; otherwise "bad
 * <what>: "value" (a, b or c)", the list made from the table. */
int ynode_name(struct ynode n, const char *what, const struct name_value *t,
	       size_t nt, int *out, struct diag *d);
/* A copy of the scalar text (caller frees), non-empty. */
int ynode_strdup(struct ynode n, const char *what, char **out,
		 struct diag *d);

#endif
