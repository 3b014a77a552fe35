#include "harness/cli/catalogue.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/vec.h"
#include "harness/run/rundir.h"

#ifndef UNPLUG_CATALOGUE
#define UNPLUG_CATALOGUE "/usr/local/share/unplug/scenarios"
#endif

const char *catalogue_default_dir(void)
{
	struct stat st;

	if (!stat(UNPLUG_CATALOGUE, &st) && S_ISDIR(st.st_mode))
		return UNPLUG_CATALOGUE;
	return "scenarios";
}

/* Whether @id is taken already. */
static bool id_taken(const struct catalogue *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].id, id))
			return true;
	return false;
}

/* An id no other scenario of this run has: its id, else its path as given
 * (without ".yaml" and a leading "./"), else that with "~2", "~3"... Run
 * directories are named by id: two scenarios never share one. */
static char *unique_id(const struct catalogue *c, const char *path, const char *base)
{
	char *id = rundir_id(path, base), *alt;

	if (!id || !id_taken(c, id))
		return id;
	free(id);
	while (!strncmp(path, "./", 2))
		path += 2;
	if (!(id = rundir_id(path, "")) || !id_taken(c, id))
		return id;
	for (int k = 2; k < 100000; k++) {
		if (asprintf(&alt, "%s~%d", id, k) < 0)
			break;
		if (!id_taken(c, alt)) {
			free(id);
			return alt;
		}
		free(alt);
	}
	free(id);
	return NULL;
}

/* Whether the file or directory @st was met before in this catalogue: a
 * second path to it (a symbolic link, a loop, the same file named twice)
 * is not followed again. */
static bool seen_before(struct catalogue *c, const struct stat *st)
{
	struct catalogue_seen k = { st->st_dev, st->st_ino };

	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen[i].dev == k.dev && c->seen[i].ino == k.ino)
			return true;
	vec_push(&c->seen, &c->nseen, &c->capseen, sizeof(k), &k);
	return false;
}

static int push(struct catalogue *c, const char *path, const char *base)
{
	struct catalogue_entry e = { strdup(path), unique_id(c, path, base), NULL };

	if (!e.path || !e.id || vec_push(&c->v, &c->n, &c->cap, sizeof(e), &e)) {
		free(e.path);
		free(e.id);
		return -ENOMEM;
	}
	return 0;
}

int catalogue_push(struct catalogue *c, const char *path, const char *id, const char *sweep)
{
	struct catalogue_entry e = { strdup(path), strdup(id), sweep ? strdup(sweep) : NULL };

	if (!e.path || !e.id || (sweep && !e.sweep) ||
	    vec_push(&c->v, &c->n, &c->cap, sizeof(e), &e)) {
		free(e.path);
		free(e.id);
		free(e.sweep);
		return -ENOMEM;
	}
	return 0;
}

static bool is_yaml(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"));
}

static int walk(struct catalogue *c, const char *dir, const char *base,
		struct diag *d)
{
	struct dirent **names;
	int n, ret = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		ret = -errno;
		diag_add(d, "%s: cannot read directory: %s", dir, strerror(errno));
		return ret;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct stat st;
		char *path;

		size_t len = strlen(dir);

		/* "scenarios/" walks as "scenarios/x.yaml", not "scenarios//x.yaml" */
		if (!ret && name[0] != '.' &&
		    asprintf(&path, "%s%s%s", dir, len && dir[len - 1] == '/' ? "" : "/", name) >= 0) {
			if (stat(path, &st))
				;	/* a dangling link: nothing to run */
			else if (S_ISDIR(st.st_mode) && !seen_before(c, &st))
				ret = walk(c, path, base, d);
			else if (!S_ISDIR(st.st_mode) && is_yaml(name) && ++c->found &&
				 !seen_before(c, &st))
				ret = push(c, path, base);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int catalogue_add(struct catalogue *c, const char *path, struct diag *d)
{
	struct stat st;
	int ret;

	if (stat(path, &st)) {
		ret = -errno;
		diag_add(d, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (!S_ISDIR(st.st_mode))
		return seen_before(c, &st) ? 0 : push(c, path, NULL);
	c->found = 0;
	if (!seen_before(c, &st) && (ret = walk(c, path, path, d)))
		return ret;
	/* a mistyped directory must not "validate", or run nothing, in CI */
	if (!c->found) {
		diag_add(d, "%s: no scenario files (*.yaml, *.yml) in it", path);
		return -ENOENT;
	}
	return 0;
}

void catalogue_free(struct catalogue *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].id);
		free(c->v[i].sweep);
	}
	free(c->v);
	free(c->seen);
	memset(c, 0, sizeof(*c));
}
