#include "harness/model/yaml_node.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/suggest.h"
#include "common/duration.h"

/* Read @path whole, if it is a regular file of at most YNODE_MAX_BYTES.
 * Opened without blocking, so that a FIFO or a device cannot hang the
 * caller before it is refused. */
static int read_whole(const char *path, char **bytes, size_t *len, struct diag *d)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		diag_add(d, "%s: cannot open: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		diag_add(d, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		diag_add(d, "%s: not a regular file (%s): a scenario is a YAML file", path,
			 S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" :
			 S_ISSOCK(st.st_mode) ? "a socket" : "a device");
		goto out;
	}
	if (st.st_size > YNODE_MAX_BYTES) {
		ret = -EFBIG;
		diag_add(d, "%s: %lld bytes: a scenario is at most %d bytes", path,
			 (long long)st.st_size, YNODE_MAX_BYTES);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	/* it may still grow while read: read to the limit and one byte more */
	for (;;) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			diag_add(d, "%s: cannot read: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0 || (got += (size_t)n) > (size_t)st.st_size)
			break;
	}
	if (got > (size_t)st.st_size) {
		ret = -EAGAIN;
		diag_add(d, "%s: it changed while it was read", path);
		goto out;
	}
	*bytes = buf;
	*len = got;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}

static struct pos mark_pos(yaml_mark_t m)
{
	return (struct pos){ (int)m.line + 1, (int)m.column + 1 };
}

static int yaml_error(const yaml_parser_t *parser, struct diag *d)
{
	if (parser->error == YAML_MEMORY_ERROR) {
		diag_at(d, (struct pos){ 0, 0 }, "out of memory");
		return -ENOMEM;
	}
	diag_at(d, mark_pos(parser->problem_mark), "not valid YAML: %s%s%s",
		parser->problem ? parser->problem : "syntax error", parser->context ? " " : "",
		parser->context ? parser->context : "");
	return -EINVAL;
}

/* Before building a document, refuse what a scenario never needs and what
 * would make building it costly: nesting deeper than YNODE_MAX_DEPTH (the
 * scanner's work grows with the depth at every token: 100 000 levels took
 * minutes), tags, anchors and aliases (an alias bomb expands to millions
 * of nodes), and a second document (it would be silently ignored). */
static int check_tokens(const char *bytes, size_t len, struct diag *d)
{
	yaml_parser_t parser;
	yaml_token_t tok;
	bool content = false, done = false;
	int depth = 0, ret = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)bytes, len);
	while (!done && !ret) {
		struct pos at;

		if (!yaml_parser_scan(&parser, &tok)) {
			ret = yaml_error(&parser, d);
			break;
		}
		at = mark_pos(tok.start_mark);
		switch (tok.type) {
		case YAML_STREAM_END_TOKEN:
			done = true;
			break;
		case YAML_BLOCK_SEQUENCE_START_TOKEN:
		case YAML_BLOCK_MAPPING_START_TOKEN:
		case YAML_FLOW_SEQUENCE_START_TOKEN:
		case YAML_FLOW_MAPPING_START_TOKEN:
			content = true;
			if (++depth > YNODE_MAX_DEPTH) {
				diag_at(d, at, "nested deeper than %d levels: a scenario needs a few",
					YNODE_MAX_DEPTH);
				ret = -EINVAL;
			}
			break;
		case YAML_BLOCK_END_TOKEN:
		case YAML_FLOW_SEQUENCE_END_TOKEN:
		case YAML_FLOW_MAPPING_END_TOKEN:
			depth--;
			break;
		case YAML_SCALAR_TOKEN:
			content = true;
			/* "\0" in a quoted scalar: C strings would cut the
			 * value short, silently */
			if (memchr(tok.data.scalar.value, '\0', tok.data.scalar.length)) {
				diag_at(d, at, "a NUL character (\\0) in a value: not accepted");
				ret = -EINVAL;
			}
			break;
		case YAML_TAG_TOKEN:
		case YAML_TAG_DIRECTIVE_TOKEN:
			diag_at(d, at, "YAML tags are not accepted (\"%s%s\"): write the value plainly",
				tok.type == YAML_TAG_TOKEN && tok.data.tag.handle ? (char *)tok.data.tag.handle : "%TAG",
				tok.type == YAML_TAG_TOKEN && tok.data.tag.suffix ? (char *)tok.data.tag.suffix : "");
			ret = -EINVAL;
			break;
		case YAML_ANCHOR_TOKEN:
		case YAML_ALIAS_TOKEN:
			diag_at(d, at, "YAML %s are not accepted (\"%s%s\"): write each value where it is used",
				tok.type == YAML_ANCHOR_TOKEN ? "anchors" : "aliases",
				tok.type == YAML_ANCHOR_TOKEN ? "&" : "*",
				tok.type == YAML_ANCHOR_TOKEN ? (char *)tok.data.anchor.value : (char *)tok.data.alias.value);
			ret = -EINVAL;
			break;
		case YAML_DOCUMENT_START_TOKEN:
			if (content) {
				diag_at(d, at, "a second YAML document: a scenario file holds one");
				ret = -EINVAL;
			}
			break;
		default:
			break;
		}
		yaml_token_delete(&tok);
	}
	yaml_parser_delete(&parser);
	return ret;
}

int ynode_read_file(const char *path, char **bytes, size_t *len, struct diag *d)
{
	*bytes = NULL;
	return read_whole(path, bytes, len, d);
}

/* Keys of one mapping, sorted by name then position, for duplicates. */
struct key_at {
	const char *name;
	yaml_node_t *node;
};

static int key_cmp(const void *a, const void *b)
{
	const struct key_at *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->node > y->node) - (x->node < y->node);
}

/* Every mapping of @doc, whatever it is (env:, when:, a host...): a key
 * given twice is an error — the second would silently win or be lost. */
static int check_duplicates(yaml_document_t *doc, struct diag *d)
{
	int ret = 0;

	for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
		size_t len = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start), k = 0;
		struct key_at *keys;

		if (n->type != YAML_MAPPING_NODE || len < 2)
			continue;
		if (!(keys = calloc(len, sizeof(*keys))))
			return -ENOMEM;
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *key = yaml_document_get_node(doc, p->key);

			if (key && key->type == YAML_SCALAR_NODE)
				keys[k++] = (struct key_at){ (const char *)key->data.scalar.value, key };
		}
		qsort(keys, k, sizeof(*keys), key_cmp);
		for (size_t i = 1; i < k; i++)
			if (!strcmp(keys[i].name, keys[i - 1].name)) {
				const struct key_at *first = &keys[i - 1];

				while (first > keys && !strcmp((first - 1)->name, keys[i].name))
					first--;
				diag_at(d, (struct pos){ (int)keys[i].node->start_mark.line + 1,
							 (int)keys[i].node->start_mark.column + 1 },
					"duplicate key: \"%s\" (first at line %d)", keys[i].name,
					(int)first->node->start_mark.line + 1);
				ret = -EINVAL;
			}
		free(keys);
	}
	return ret;
}

int ynode_load_bytes(const char *bytes, size_t len, yaml_document_t *doc, struct diag *d)
{
	yaml_parser_t parser;
	int ret;

	if (len > YNODE_MAX_BYTES) {
		diag_at(d, (struct pos){ 0, 0 }, "%zu bytes: a scenario is at most %d bytes", len,
			YNODE_MAX_BYTES);
		return -EFBIG;
	}
	if ((ret = check_tokens(bytes, len, d)))
		return ret;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)bytes, len);
	if (!yaml_parser_load(&parser, doc)) {
		ret = yaml_error(&parser, d);
		yaml_parser_delete(&parser);
		return ret;
	}
	yaml_parser_delete(&parser);
	if (!yaml_document_get_root_node(doc)) {
		yaml_document_delete(doc);
		diag_at(d, (struct pos){ 0, 0 }, "empty file: a scenario is a YAML mapping with at least name, client, server and expect");
		return -EINVAL;
	}
	if ((ret = check_duplicates(doc, d))) {
		yaml_document_delete(doc);
		return ret;
	}
	return 0;
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
			char hint[96];

			join(accepted, list, sizeof(list));
			diag_at(d, ynode_pos(key), "unknown key in %s: \"%s\" (%saccepted: %s)",
				what, name ? name : ynode_kind(key), suggest(name, list, hint, sizeof(hint)),
				list);
			ret = -EINVAL;
			continue;
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
	/* strtol() takes leading blanks and a '+': a number here is digits,
	 * with a '-' only where negatives are accepted */
	if (!*s || *end || errno || v < min || v > max ||
	    !(isdigit((unsigned char)s[0]) || (s[0] == '-' && min < 0 && isdigit((unsigned char)s[1])))) {
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
	char accepted[512], hint[96];

	if (ynode_need_scalar(n, what, d))
		return -EINVAL;
	if (!names_parse(t, nt, ynode_str(n), out))
		return 0;
	names_accepted(t, nt, accepted, sizeof(accepted));
	diag_at(d, ynode_pos(n), "unknown %s: \"%s\" (%saccepted: %s)", what, ynode_str(n),
		suggest(ynode_str(n), accepted, hint, sizeof(hint)), accepted);
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
