#include "harness/model/yaml_node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"

int ynode_load_file(const char *path, yaml_document_t *doc, struct diag *d)
{
	yaml_parser_t parser;
	FILE *f;
	int ret = -EINVAL;

	f = fopen(path, "rb");
	if (!f) {
		ret = -errno;
		diag_add(d, "%s: cannot open: %s", path, strerror(errno));
		return ret;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		diag_add(d, "%s: out of memory", path);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, doc)) {
		struct pos at = { (int)parser.problem_mark.line + 1,
				  (int)parser.problem_mark.column + 1 };

		diag_at(d, at, "not valid YAML: %s%s%s",
			parser.problem ? parser.problem : "syntax error",
			parser.context ? " " : "",
			parser.context ? parser.context : "");
		goto out;
	}
	if (!yaml_document_get_root_node(doc)) {
		yaml_document_delete(doc);
		diag_at(d, (struct pos){ 0, 0 }, "empty file: a scenario is a YAML mapping with at least name, client, server and expect");
		goto out;
	}
	ret = 0;
out:
	yaml_parser_delete(&parser);
	fclose(f);
	return ret;
}

struct ynode ynode_root(yaml_document_t *doc)
{
	return (struct ynode){ doc, yaml_document_get_root_node(doc) };
}

struct pos ynode_pos(struct ynode n)
{
	if (!n.node)
		return (struct pos){ 0, 0 };
	return (struct pos){ (int)n.node->start_mark.line + 1,
			     (int)n.node->start_mark.column + 1 };
}

bool ynode_is_scalar(struct ynode n)
{
	return n.node && n.node->type == YAML_SCALAR_NODE;
}

bool ynode_is_map(struct ynode n)
{
	return n.node && n.node->type == YAML_MAPPING_NODE;
}

bool ynode_is_seq(struct ynode n)
{
	return n.node && n.node->type == YAML_SEQUENCE_NODE;
}

const char *ynode_kind(struct ynode n)
{
	if (ynode_is_map(n))
		return "a mapping";
	if (ynode_is_seq(n))
		return "a list";
	return "a value";
}

const char *ynode_str(struct ynode n)
{
	return ynode_is_scalar(n) ? (const char *)n.node->data.scalar.value : NULL;
}

size_t ynode_len(struct ynode n)
{
	if (ynode_is_map(n))
		return n.node->data.mapping.pairs.top - n.node->data.mapping.pairs.start;
	if (ynode_is_seq(n))
		return n.node->data.sequence.items.top - n.node->data.sequence.items.start;
	return 0;
}

struct ynode ynode_key(struct ynode map, size_t i)
{
	yaml_node_pair_t *pair = map.node->data.mapping.pairs.start + i;

	return (struct ynode){ map.doc, yaml_document_get_node(map.doc, pair->key) };
}

struct ynode ynode_value(struct ynode map, size_t i)
{
	yaml_node_pair_t *pair = map.node->data.mapping.pairs.start + i;

	return (struct ynode){ map.doc, yaml_document_get_node(map.doc, pair->value) };
}

struct ynode ynode_item(struct ynode seq, size_t i)
{
	yaml_node_item_t item = seq.node->data.sequence.items.start[i];

	return (struct ynode){ seq.doc, yaml_document_get_node(seq.doc, item) };
}

static int need(struct ynode n, bool ok, const char *what, const char *kind,
		struct diag *d)
{
	if (ok)
		return 0;
	diag_at(d, ynode_pos(n), "%s must be %s, not %s", what, kind, ynode_kind(n));
	return -EINVAL;
}

int ynode_need_map(struct ynode n, const char *what, struct diag *d)
{
	return need(n, ynode_is_map(n), what, "a mapping", d);
}

int ynode_need_seq(struct ynode n, const char *what, struct diag *d)
{
	return need(n, ynode_is_seq(n), what, "a list", d);
}

int ynode_need_scalar(struct ynode n, const char *what, struct diag *d)
{
	return need(n, ynode_is_scalar(n), what, "a single value", d);
}

static void join(const char *const *names, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; names[i] && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", names[i]);
}

int ynode_check_keys(struct ynode map, const char *what,
		     const char *const *accepted, struct diag *d)
{
	int ret = 0;

	for (size_t i = 0; i < ynode_len(map); i++) {
		struct ynode key = ynode_key(map, i);
		const char *name = ynode_str(key);
		bool known = false;
		char list[512];

		for (size_t k = 0; name && accepted[k]; k++)
			known |= !strcmp(name, accepted[k]);
		if (!known) {
			join(accepted, list, sizeof(list));
			diag_at(d, ynode_pos(key), "unknown key in %s: \"%s\" (accepted: %s)",
				what, name ? name : ynode_kind(key), list);
			ret = -EINVAL;
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			const char *other = ynode_str(ynode_key(map, j));

			if (other && !strcmp(other, name)) {
				diag_at(d, ynode_pos(key), "duplicate key in %s: \"%s\" (first at line %d)",
					what, name, ynode_pos(ynode_key(map, j)).line);
				ret = -EINVAL;
			}
		}
	}
	return ret;
}

struct ynode ynode_get(struct ynode map, const char *name)
{
	for (size_t i = 0; ynode_is_map(map) && i < ynode_len(map); i++) {
		const char *key = ynode_str(ynode_key(map, i));

		if (key && !strcmp(key, name))
			return ynode_value(map, i);
	}
	return (struct ynode){ map.doc, NULL };
}

int ynode_need_key(struct ynode map, const char *key, const char *what,
		   const char *example, struct ynode *out, struct diag *d)
{
	*out = ynode_get(map, key);
	if (out->node)
		return 0;
	diag_at(d, ynode_pos(map), "%s needs %s (e.g. %s)", what, key, example);
	return -EINVAL;
}

int ynode_duration(struct ynode n, const char *what, int64_t *ns,
		   struct diag *d)
{
	const char *s = ynode_str(n);

	if (ynode_need_scalar(n, what, d))
		return -EINVAL;
	if (duration_parse(s, ns)) {
		diag_at(d, ynode_pos(n), "bad duration for %s: \"%s\" (%s)", what, s,
			DURATION_ACCEPTED);
		return -EINVAL;
	}
	return 0;
}

int ynode_int(struct ynode n, const char *what, long min, long max,
	      long *out, struct diag *d)
{
	const char *s = ynode_str(n);
	char *end;
	long v;

	if (ynode_need_scalar(n, what, d))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max) {
		diag_at(d, ynode_pos(n), "bad %s: \"%s\" (a whole number from %ld to %ld)",
			what, s, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int ynode_bool(struct ynode n, const char *what, bool *out, struct diag *d)
{
	const char *s = ynode_str(n);

	if (ynode_need_scalar(n, what, d))
		return -EINVAL;
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) {
		*out = false;
		return 0;
	}
	diag_at(d, ynode_pos(n), "bad %s: \"%s\" (true or false)", what, s);
	return -EINVAL;
}

int ynode_name(struct ynode n, const char *what, const struct name_value *t,
	       size_t nt, int *out, struct diag *d)
{
	char accepted[512];

	if (ynode_need_scalar(n, what, d))
		return -EINVAL;
	if (!names_parse(t, nt, ynode_str(n), out))
		return 0;
	diag_at(d, ynode_pos(n), "unknown %s: \"%s\" (accepted: %s)", what, ynode_str(n),
		names_accepted(t, nt, accepted, sizeof(accepted)));
	return -EINVAL;
}

int ynode_strdup(struct ynode n, const char *what, char **out,
		 struct diag *d)
{
	if (ynode_need_scalar(n, what, d))
		return -EINVAL;
	if (!*ynode_str(n)) {
		diag_at(d, ynode_pos(n), "%s is empty", what);
		return -EINVAL;
	}
	*out = strdup(ynode_str(n));
	return *out ? 0 : -ENOMEM;
}
