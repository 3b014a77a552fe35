/* Sweeps: a scenario's `matrix:` names parameters, each with a list of
 * values; the scenario runs once per combination of them, with every
 * `$name` in its values replaced by that combination's value (`$$` is a
 * literal `$`). The substitution is done on the parsed document, so every
 * error still cites the line and column the file has. */
#ifndef HARNESS_MATRIX_H
#define HARNESS_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "common/diag.h"
#include "harness/model/yaml_node.h"

#define MATRIX_MAX_PARAMS 6
#define MATRIX_MAX_COMBINATIONS 256

struct matrix_param {
	char *name;		/* [a-z][a-z0-9_]* */
	char **values;		/* any text */
	size_t nvalues;
};

struct matrix {
	struct matrix_param params[MATRIX_MAX_PARAMS];
	size_t nparams;		/* 0: not a sweep */
	yaml_node_t *node;	/* the matrix: mapping, borrowed from the document */
};

/* One combination: a value for each parameter, in the matrix's order.
 * Owns its strings. n == 0: a scenario that is no sweep. */
struct matrix_pick {
	size_t n;
	char *names[MATRIX_MAX_PARAMS];
	char *values[MATRIX_MAX_PARAMS];
};

/* Read the `matrix:` of the scenario mapping @root into @m (nparams 0
 * when it has none). Reports every problem at its position. Returns 0 or
 * -EINVAL / -ENOMEM; @m is then empty. Free with matrix_clear(). */
int matrix_read(struct ynode root, struct matrix *m, struct diag *d);
void matrix_clear(struct matrix *m);

/* How many combinations: the product of the list lengths, 1 without a
 * matrix. */
size_t matrix_count(const struct matrix *m);

/* Combination @k (0 <= k < matrix_count()) into @p: the last parameter
 * varies fastest. Returns 0 or -ENOMEM. */
int matrix_pick_at(const struct matrix *m, size_t k, struct matrix_pick *p);

/* Whether @p names exactly the parameters of @m, each with one of its
 * values; otherwise "what is wrong" into @d (no position) and false. */
bool matrix_pick_fits(const struct matrix *m, const struct matrix_pick *p, struct diag *d);

/* What matrix_substitute() replaced, to put back with matrix_undo(): a
 * sweep's document is parsed once and serves every combination. */
struct matrix_undo_item {
	yaml_node_t *node;
	yaml_char_t *value;	/* the scalar as it was */
	size_t length;
};
struct matrix_undo {
	struct matrix_undo_item *v;
	size_t n, cap;
};

/* Replace every `$name` in the scalars of @doc, outside the matrix itself,
 * with its value in @p, keeping what each was in @undo (NULL: not kept).
 * A `$` not followed by a parameter's name (nor by another `$`) is an
 * error at its scalar. Returns 0, -EINVAL or -ENOMEM. */
int matrix_substitute(yaml_document_t *doc, const struct matrix *m,
		      const struct matrix_pick *p, struct matrix_undo *undo, struct diag *d);
/* Put back what @u kept (it may be used again); _clear also frees it. */
void matrix_undo(struct matrix_undo *u);
void matrix_undo_clear(struct matrix_undo *u);

/* The parameters of @m that @doc never uses, bit i for params[i]: no
 * scalar says `$name`, and no `when:` names it. Every combination of
 * such a parameter is the same scenario. */
unsigned matrix_unused(yaml_document_t *doc, const struct matrix *m);

/* "loss=20%,every=1s" (caller frees), or NULL when out of memory. In a
 * value "," "=" and "\\" are escaped with a "\\", and "/" and control
 * characters written "\\xHH": a label names a folder. */
char *matrix_pick_label(const struct matrix_pick *p);

/* The reverse: @label as matrix_pick_label() writes it into @p. Returns 0,
 * -EINVAL for a malformed label, or -ENOMEM. */
int matrix_pick_parse(const char *label, struct matrix_pick *p);

/* The value of parameter @name in @p, or NULL. */
const char *matrix_pick_value(const struct matrix_pick *p, const char *name);

int matrix_pick_copy(struct matrix_pick *to, const struct matrix_pick *from);
void matrix_pick_clear(struct matrix_pick *p);

#endif
