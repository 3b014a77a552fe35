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

static int push(struct catalogue *c, const char *path, const char *base)
{
	struct catalogue_entry e = { strdup(path), rundir_id(path, base) };

	if (!e.path || !e.id || vec_push(&c->v, &c->n, &c->cap, sizeof(e), &e)) {
		free(e.path);
		free(e.id);
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

		if (!ret && name[0] != '.' && asprintf(&path, "%s/%s", dir, name) >= 0) {
			if (!stat(path, &st) && S_ISDIR(st.st_mode))
				ret = walk(c, path, base, d);
			else if (is_yaml(name))
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
	if (S_ISDIR(st.st_mode))
		return walk(c, path, path, d);
	return push(c, path, NULL);
}

void catalogue_free(struct catalogue *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].id);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}
