#include "harness/run/rundir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int rundir_mkdirs(const char *path)
{
	char *p = strdup(path);
	int ret = 0;

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s && !ret; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			ret = -errno;
		*s = '/';
	}
	if (!ret && mkdir(p, 0755) && errno != EEXIST)
		ret = -errno;
	free(p);
	return ret;
}

int rundir_make_root(const char *out, char **root, struct diag *d)
{
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;
	int ret;

	*root = NULL;
	if (out) {
		*root = strdup(out);
	} else {
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H-%M-%S", &tm);
		if (asprintf(root, "%s/%s", RUNDIR_DEFAULT_BASE, stamp) < 0)
			*root = NULL;
	}
	if (!*root)
		return -ENOMEM;
	ret = rundir_mkdirs(*root);
	if (ret) {
		diag_add(d, "cannot create run directory %s: %s", *root, strerror(-ret));
		free(*root);
		*root = NULL;
	}
	return ret;
}

char *rundir_id(const char *path, const char *base)
{
	size_t blen = base ? strlen(base) : 0;
	const char *rel = path;
	char *id, *dot;

	if (base && !strncmp(path, base, blen)) {
		rel = path + blen;
		while (*rel == '/')
			rel++;
	} else if (strrchr(path, '/')) {
		rel = strrchr(path, '/') + 1;
	}
	id = strdup(rel);
	if (id && (dot = strrchr(id, '.')) && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml")))
		*dot = '\0';
	return id;
}

static int copy_file(const char *from, const char *to)
{
	char buf[8192];
	FILE *in, *out;
	size_t n;
	int ret = 0;

	in = fopen(from, "rb");
	if (!in)
		return -errno;
	out = fopen(to, "wb");
	if (!out) {
		ret = -errno;
		fclose(in);
		return ret;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			ret = -EIO;
	if (ferror(in))
		ret = -EIO;
	if (fclose(out))
		ret = -EIO;
	fclose(in);
	return ret;
}

int rundir_make(const char *root, const char *id, const char *scenario_path,
		char **dir, struct diag *d)
{
	char *caps = NULL, *copy = NULL;
	int ret = -ENOMEM;

	*dir = NULL;
	if (asprintf(dir, "%s/%s", root, id) < 0 ||
	    asprintf(&caps, "%s/%s", *dir, RUNDIR_CAPTURES) < 0 ||
	    asprintf(&copy, "%s/%s", *dir, RUNDIR_SCENARIO) < 0)
		goto out;
	ret = rundir_mkdirs(caps);
	if (ret) {
		diag_add(d, "cannot create %s: %s", caps, strerror(-ret));
		goto out;
	}
	ret = copy_file(scenario_path, copy);
	if (ret)
		diag_add(d, "cannot copy %s to %s: %s", scenario_path, copy, strerror(-ret));
out:
	free(caps);
	free(copy);
	if (ret) {
		free(*dir);
		*dir = NULL;
	}
	return ret;
}
