#include "harness/model/matrix.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/suggest.h"

static bool is_name(const char *s)
{
	if (!s || !islower((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* The length of the parameter name that starts @s, 0 when none does. */
static size_t name_len(const char *s)
{
	size_t n = 0;

	if (!islower((unsigned char)s[0]))
		return 0;
	while (islower((unsigned char)s[n]) || isdigit((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

/* The parameter a `$` at @s refers to: `$name` or `${name}`. Its name
 * is @s + *name_at, *n long (0: none); *len: how much of @s the
 * reference takes. */
static void param_ref(const char *s, size_t *name_at, size_t *n, size_t *len)
{
	if (s[1] == '{') {
		*n = name_len(s + 2);
		*name_at = 2;
		if (!*n || s[2 + *n] != '}')
			*n = 0;
		*len = *n + 3;
		return;
	}
	*name_at = 1;
	*n = name_len(s + 1);
	*len = *n + 1;
}

static int read_values(struct ynode list, struct matrix_param *p, struct diag *d)
{
	int ret = 0;

	if (ynode_need_seq(list, "a matrix parameter's values", d))
		return -EINVAL;
	if (!ynode_len(list)) {
		diag_at(d, ynode_pos(list), "matrix parameter %s has no values (a list: [10, 20, 40])",
			p->name);
		return -EINVAL;
	}
	if (!(p->values = calloc(ynode_len(list), sizeof(*p->values))))
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(list); i++) {
		struct ynode v = ynode_item(list, i);
		const char *s = ynode_str(v);

		if (ynode_need_scalar(v, "a matrix value", d)) {
			ret = err_merge(ret, -EINVAL);
			continue;
		}
		/* any text: a label escapes what it must (matrix_pick_label()),
		 * and substitution is done once, on the parsed document */
		for (size_t j = 0; j < p->nvalues; j++)
			if (!strcmp(p->values[j], s)) {
				diag_at(d, ynode_pos(v), "matrix parameter %s lists \"%s\" twice", p->name, s);
				ret = err_merge(ret, -EINVAL);
			}
		if (!(p->values[p->nvalues++] = strdup(s)))
			return -ENOMEM;
	}
	return ret;
}

int matrix_read(struct ynode root, struct matrix *m, struct diag *d)
{
	struct ynode map = ynode_get(root, "matrix");
	size_t count = 1;
	int ret = 0;

	memset(m, 0, sizeof(*m));
	if (!map.node)
		return 0;
	m->node = map.node;
	if (ynode_need_map(map, "matrix", d))
		return -EINVAL;
	if (!ynode_len(map) || ynode_len(map) > MATRIX_MAX_PARAMS) {
		diag_at(d, ynode_pos(map), "a matrix names 1 to %d parameters, each with its values: { loss: [10, 30], every: [100ms, 1s] }",
			MATRIX_MAX_PARAMS);
		return -EINVAL;
	}
	for (size_t i = 0; i < ynode_len(map); i++) {
		struct ynode key = ynode_key(map, i);
		struct matrix_param *p = &m->params[m->nparams];

		if (!is_name(ynode_str(key))) {
			diag_at(d, ynode_pos(key), "bad matrix parameter name: \"%s\" (lower-case letters, digits and _, starting with a letter)",
				ynode_str(key) ? ynode_str(key) : ynode_kind(key));
			ret = err_merge(ret, -EINVAL);
			continue;
		}
		for (size_t j = 0; j < m->nparams; j++)
			if (!strcmp(m->params[j].name, ynode_str(key))) {
				diag_at(d, ynode_pos(key), "matrix parameter %s is named twice", ynode_str(key));
				ret = err_merge(ret, -EINVAL);
			}
		if (!(p->name = strdup(ynode_str(key))))
			ret = -ENOMEM;
		m->nparams++;
		if (ret == -ENOMEM)
			break;
		ret = err_merge(ret, read_values(ynode_value(map, i), p, d));
		if (p->nvalues)
			count *= p->nvalues;
		if (count > MATRIX_MAX_COMBINATIONS) {
			diag_at(d, ynode_pos(map), "a matrix makes at most %d combinations; this one makes more",
				MATRIX_MAX_COMBINATIONS);
			ret = err_merge(ret, -EINVAL);
			break;
		}
	}
	if (ret)
		matrix_clear(m);
	return ret;
}

void matrix_clear(struct matrix *m)
{
	for (size_t i = 0; i < m->nparams; i++) {
		for (size_t j = 0; j < m->params[i].nvalues; j++)
			free(m->params[i].values[j]);
		free(m->params[i].values);
		free(m->params[i].name);
	}
	memset(m, 0, sizeof(*m));
}

size_t matrix_count(const struct matrix *m)
{
	size_t n = 1;

	for (size_t i = 0; i < m->nparams; i++)
		n *= m->params[i].nvalues;
	return n;
}

int matrix_pick_at(const struct matrix *m, size_t k, struct matrix_pick *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = m->nparams; i-- > 0;) {
		const struct matrix_param *q = &m->params[i];

		p->names[i] = strdup(q->name);
		p->values[i] = strdup(q->values[k % q->nvalues]);
		k /= q->nvalues;
		if (!p->names[i] || !p->values[i]) {
			p->n = m->nparams;
			matrix_pick_clear(p);
			return -ENOMEM;
		}
	}
	p->n = m->nparams;
	return 0;
}

bool matrix_pick_fits(const struct matrix *m, const struct matrix_pick *p, struct diag *d)
{
	if (p->n != m->nparams) {
		diag_add(d, "the scenario's matrix has %zu parameters; %zu given", m->nparams, p->n);
		return false;
	}
	for (size_t i = 0; i < m->nparams; i++) {
		const struct matrix_param *q = &m->params[i];
		bool listed = false;

		if (strcmp(p->names[i], q->name)) {
			diag_add(d, "parameter %zu of the matrix is %s, not %s", i + 1, q->name, p->names[i]);
			return false;
		}
		for (size_t j = 0; j < q->nvalues; j++)
			listed |= !strcmp(q->values[j], p->values[i]);
		if (!listed) {
			diag_add(d, "%s=%s is not in the scenario's matrix", q->name, p->values[i]);
			return false;
		}
	}
	return true;
}

/* The names of @m, "a, b or c", for messages. */
static void param_names(const struct matrix *m, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->nparams && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? (i + 1 == m->nparams ? " or " : ", ") : "",
				 m->params[i].name);
}

/* @s with its `$name`s replaced, into *out (caller frees; NULL when @s has
 * no `$`). */
static int substitute_one(const char *s, const struct matrix *m, const struct matrix_pick *p,
			  struct pos at, char **out, struct diag *d)
{
	const char *start = s;
	size_t len = 0;
	char *buf = NULL;
	FILE *f;
	int ret = 0;

	*out = NULL;
	if (!strchr(s, '$'))
		return 0;
	if (!(f = open_memstream(&buf, &len)))
		return -ENOMEM;
	while (*s) {
		size_t n, name_at, ref_len;
		const char *v = NULL;

		if (*s != '$') {
			fputc(*s++, f);
			continue;
		}
		if (s[1] == '$') {
			fputc('$', f);
			s += 2;
			continue;
		}
		param_ref(s, &name_at, &n, &ref_len);
		for (size_t i = 0; n && i < p->n; i++)
			if (strlen(p->names[i]) == n && !strncmp(p->names[i], s + name_at, n))
				v = p->values[i];
		if (!v && !n) {
			char names[256];

			param_names(m, names, sizeof(names));
			diag_at(d, at, "a \"$\" with no parameter's name after it: \"%s\" (the matrix has %s; ${name} when letters follow it; $$ for a \"$\")",
				start, names);
			ret = -EINVAL;
			break;
		}
		if (!v) {
			char names[256], word[64], hint[96];

			param_names(m, names, sizeof(names));
			snprintf(word, sizeof(word), "%.*s", (int)n, s + name_at);
			diag_at(d, at, "unknown matrix parameter: \"%.*s\" (%sthe matrix has %s; ${name} when letters follow it; $$ for a \"$\")",
				(int)ref_len, s, suggest(word, names, hint, sizeof(hint)), names);
			ret = -EINVAL;
			break;
		}
		fputs(v, f);
		s += ref_len;
	}
	if (fclose(f) && !ret)
		ret = -ENOMEM;
	if (ret)
		free(buf);
	else
		*out = buf;
	return ret;
}

static int undo_keep(struct matrix_undo *u, yaml_node_t *node)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? 2 * u->cap : 16;
		struct matrix_undo_item *v = realloc(u->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		u->v = v;
		u->cap = cap;
	}
	u->v[u->n++] = (struct matrix_undo_item){ node, node->data.scalar.value,
						  node->data.scalar.length };
	return 0;
}

int matrix_substitute(yaml_document_t *doc, const struct matrix *m,
		      const struct matrix_pick *p, struct matrix_undo *undo, struct diag *d)
{
	int ret = 0;

	for (yaml_node_t *node = doc->nodes.start; node < doc->nodes.top; node++) {
		struct pos at = { (int)node->start_mark.line + 1, (int)node->start_mark.column + 1 };
		char *s;
		int err;

		if (node->type != YAML_SCALAR_NODE)
			continue;
		err = substitute_one((const char *)node->data.scalar.value, m, p, at, &s, d);
		ret = err_merge(ret, err);
		if (!s)
			continue;
		if (undo && undo_keep(undo, node)) {
			free(s);
			return -ENOMEM;
		}
		if (!undo)
			free(node->data.scalar.value);
		node->data.scalar.value = (yaml_char_t *)s;
		node->data.scalar.length = strlen(s);
	}
	return ret;
}

void matrix_undo(struct matrix_undo *u)
{
	/* newest first: a node is kept once per substitution */
	while (u->n) {
		struct matrix_undo_item *it = &u->v[--u->n];

		free(it->node->data.scalar.value);
		it->node->data.scalar.value = it->value;
		it->node->data.scalar.length = it->length;
	}
}

void matrix_undo_clear(struct matrix_undo *u)
{
	matrix_undo(u);
	free(u->v);
	memset(u, 0, sizeof(*u));
}

/* Whether scalar @s says `$name` or `${name}` (not `$$name`). */
static bool says_param(const char *s, const char *name)
{
	size_t n = strlen(name);

	for (s = strchr(s, '$'); s; s = strchr(s, '$')) {
		size_t name_at, len, ref_len;

		if (s[1] == '$') {
			s += 2;
			continue;
		}
		param_ref(s, &name_at, &len, &ref_len);
		if (len == n && !strncmp(s + name_at, name, n))
			return true;
		s++;
	}
	return false;
}

unsigned matrix_unused(yaml_document_t *doc, const struct matrix *m)
{
	unsigned used = 0;

	for (yaml_node_t *node = doc->nodes.start; node < doc->nodes.top; node++) {
		if (node->type == YAML_SCALAR_NODE) {
			for (size_t i = 0; i < m->nparams; i++)
				if (says_param((const char *)node->data.scalar.value, m->params[i].name))
					used |= 1u << i;
			continue;
		}
		if (node->type != YAML_MAPPING_NODE)
			continue;
		/* when: { name: value } */
		for (yaml_node_pair_t *pr = node->data.mapping.pairs.start;
		     pr < node->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = yaml_document_get_node(doc, pr->key),
				    *v = yaml_document_get_node(doc, pr->value);

			if (!k || !v || k->type != YAML_SCALAR_NODE || v->type != YAML_MAPPING_NODE ||
			    strcmp((const char *)k->data.scalar.value, "when"))
				continue;
			for (yaml_node_pair_t *w = v->data.mapping.pairs.start;
			     w < v->data.mapping.pairs.top; w++) {
				yaml_node_t *wk = yaml_document_get_node(doc, w->key);

				for (size_t i = 0; wk && wk->type == YAML_SCALAR_NODE && i < m->nparams; i++)
					if (!strcmp((const char *)wk->data.scalar.value, m->params[i].name))
						used |= 1u << i;
			}
		}
	}
	return ~used & ((1u << m->nparams) - 1);
}

char *matrix_pick_label(const struct matrix_pick *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < p->n; i++) {
		fprintf(f, "%s%s=", i ? "," : "", p->names[i]);
		for (const unsigned char *c = (const unsigned char *)p->values[i]; *c; c++)
			if (*c == ',' || *c == '=' || *c == '\\')
				fprintf(f, "\\%c", *c);
			else if (*c == '/' || *c < 0x20 || *c == 0x7f)
				fprintf(f, "\\x%02x", *c);	/* a label names a folder */
			else
				fputc(*c, f);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* One value of a label, from @s up to an unescaped "," or the end, into
 * @out (as long as @s at least); *end: where it stopped. -EINVAL for an
 * unescaped "=" or a bad escape. */
static int parse_value(const char *s, char *out, const char **end)
{
	size_t n = 0;

	for (; *s && *s != ','; s++) {
		unsigned v;

		if (*s == '=')
			return -EINVAL;
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		s++;
		if (*s == ',' || *s == '=' || *s == '\\') {
			out[n++] = *s;
		} else if (*s == 'x' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2]) &&
			   sscanf(s + 1, "%2x", &v) == 1 && v) {
			out[n++] = (char)v;
			s += 2;
		} else {
			return -EINVAL;
		}
	}
	out[n] = '\0';
	*end = s;
	return 0;
}

int matrix_pick_parse(const char *label, struct matrix_pick *p)
{
	char *value = malloc(strlen(label) + 1);
	const char *s = label;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	if (!value)
		return -ENOMEM;
	while (!ret) {
		const char *name = s, *eq = strchr(s, '=');
		size_t n = eq ? (size_t)(eq - s) : 0;

		if (!eq || p->n == MATRIX_MAX_PARAMS || n == 0 || name_len(name) != n ||
		    parse_value(eq + 1, value, &s)) {
			ret = -EINVAL;
			break;
		}
		p->names[p->n] = strndup(name, n);
		p->values[p->n] = strdup(value);
		p->n++;
		if (!p->names[p->n - 1] || !p->values[p->n - 1])
			ret = -ENOMEM;
		if (!*s)
			break;
		s++;	/* past "," */
	}
	free(value);
	if (ret)
		matrix_pick_clear(p);
	return ret;
}

const char *matrix_pick_value(const struct matrix_pick *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->names[i], name))
			return p->values[i];
	return NULL;
}

int matrix_pick_copy(struct matrix_pick *to, const struct matrix_pick *from)
{
	memset(to, 0, sizeof(*to));
	for (size_t i = 0; i < from->n; i++) {
		to->names[i] = strdup(from->names[i]);
		to->values[i] = strdup(from->values[i]);
		to->n++;
		if (!to->names[i] || !to->values[i]) {
			matrix_pick_clear(to);
			return -ENOMEM;
		}
	}
	return 0;
}

void matrix_pick_clear(struct matrix_pick *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->names[i]);
		free(p->values[i]);
	}
	memset(p, 0, sizeof(*p));
}
