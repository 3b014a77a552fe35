#include "common/suggest.h"
#include "harness/model/fault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/model/scenario.h"

const struct fault_ops *fault_find(const char *name)
{
	for (size_t i = 0; i < fault_nkinds; i++)
		if (!strcmp(fault_kinds[i]->name, name))
			return fault_kinds[i];
	return NULL;
}

const char *fault_names(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < fault_nkinds && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 fault_kinds[i]->name);
	return buf;
}

int fault_parse(struct ynode n, struct fault **out, struct diag *d)
{
	const struct fault_ops *ops;
	struct fault *f;
	const char *name;
	char names[256];

	*out = NULL;
	if (ynode_need_map(n, "fault", d))
		return -EINVAL;
	if (ynode_len(n) != 1) {
		diag_at(d, ynode_pos(n), "a fault names one kind and its target, e.g. { cable-pull: client }, not %zu keys",
			ynode_len(n));
		return -EINVAL;
	}
	name = ynode_str(ynode_key(n, 0));
	ops = name ? fault_find(name) : NULL;
	if (!ops) {
		char hint[96];

		fault_names(names, sizeof(names));
		diag_at(d, ynode_pos(ynode_key(n, 0)), "unknown fault: \"%s\" (%saccepted: %s)",
			name ? name : ynode_kind(ynode_key(n, 0)), suggest(name, names, hint, sizeof(hint)),
			names);
		return -EINVAL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->ops = ops;
	f->at = ynode_pos(ynode_key(n, 0));
	f->arg_at = ynode_pos(ynode_value(n, 0));
	f->host = HOST_NONE;
	if (ops->parse(f, ynode_value(n, 0), d)) {
		fault_free(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

void fault_free(struct fault *f)
{
	if (!f)
		return;
	if (f->ops && f->ops->free)
		f->ops->free(f->priv);
	free(f->host_name);
	free(f);
}

int fault_parse_host(struct fault *f, struct ynode arg, struct diag *d)
{
	char what[64];

	snprintf(what, sizeof(what), "the host of %s", f->ops->name);
	return ynode_strdup(arg, what, &f->host_name, d);
}

int fault_validate_host(struct fault *f, const struct scenario *sc,
			struct diag *d)
{
	return scenario_host_ref(sc, f->host_name, f->arg_at, f->ops->name, &f->host, d);
}

/* Faults of the whole network take no argument: `{ switch-off: }`, or the
 * word naming what they act on, `{ switch-off: switch }`. */
int fault_parse_none(struct fault *f, struct ynode arg, struct diag *d)
{
	const char *s = ynode_str(arg);

	if (s && (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "switch")))
		return 0;
	diag_at(d, ynode_pos(arg), "%s takes no argument: \"%s\" (write { %s: } or { %s: switch })",
		f->ops->name, s ? s : ynode_kind(arg), f->ops->name, f->ops->name);
	return -EINVAL;
}

int fault_validate_none(struct fault *f, const struct scenario *sc, struct diag *d)
{
	(void)f;
	(void)sc;
	(void)d;
	return 0;
}

const char *fault_object_name(const struct fault *f, char *buf, size_t len)
{
	snprintf(buf, len, "unplug_%d_%d", f->at.line, f->at.col);
	return buf;
}

int fault_hostref_parse(struct ynode n, const char *what,
			struct fault_hostref *ref, struct diag *d)
{
	ref->at = ynode_pos(n);
	ref->index = HOST_NONE;
	return ynode_strdup(n, what, &ref->name, d);
}

int fault_hostref_resolve(struct fault_hostref *ref, const char *what,
			  const struct scenario *sc, struct diag *d)
{
	ref->index = HOST_NONE;
	if (!ref->name)
		return 0;
	return scenario_host_ref(sc, ref->name, ref->at, what, &ref->index, d);
}
