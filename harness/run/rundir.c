#include "harness/run/rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* The default root names the second it was made in; two invocations in
 * the same second get "-2", "-3"...: the last component is made
 * exclusively, so no two invocations ever share a root. */
#define ROOT_TRIES 100

int rundir_make_root(const char *out, char **root, struct diag *d)
{
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;
	int ret;

	*root = NULL;
	if (out) {
		if (!(*root = strdup(out)))
			return -ENOMEM;
		ret = rundir_mkdirs(*root);
		goto out;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H-%M-%S", &tm);
	if ((ret = rundir_mkdirs(RUNDIR_DEFAULT_BASE)))
		goto out;
	for (int k = 1; k <= ROOT_TRIES; k++) {
		free(*root);
		if ((k == 1 ? asprintf(root, "%s/%s", RUNDIR_DEFAULT_BASE, stamp) :
			      asprintf(root, "%s/%s-%d", RUNDIR_DEFAULT_BASE, stamp, k)) < 0) {
			*root = NULL;
			return -ENOMEM;
		}
		ret = mkdir(*root, 0755) ? -errno : 0;
		if (ret != -EEXIST)
			break;
	}
out:
	if (ret) {
		diag_add(d, "cannot create run directory %s: %s", *root ? *root : RUNDIR_DEFAULT_BASE,
			 strerror(-ret));
		free(*root);
		*root = NULL;
	}
	return ret;
}

/* @rel made a safe id (rundir_id()) into a new string. */
static char *safe_id(const char *rel)
{
	size_t len = strlen(rel);
	char *id = malloc(2 * len + 2), *out = id;

	if (!id)
		return NULL;
	while (*rel) {
		size_t n = strcspn(rel, "/");

		if (n == 0 || (n == 1 && rel[0] == '.')) {
			rel += n + (rel[n] == '/');
			continue;
		}
		if (out != id)
			*out++ = '/';
		if (n == 2 && rel[0] == '.' && rel[1] == '.') {
			*out++ = '_';
			*out++ = '_';
		} else {
			for (size_t i = 0; i < n && i < RUNDIR_NAME_MAX; i++)
				*out++ = (unsigned char)rel[i] < 0x20 || rel[i] == 0x7f ? '_' : rel[i];
		}
		rel += n + (rel[n] == '/');
	}
	if (out == id)
		*out++ = '_';	/* nothing left: still a name */
	*out = '\0';
	return id;
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
	if (id) {
		char *safe = safe_id(id);

		free(id);
		id = safe;
	}
	return id;
}

bool rundir_id_safe(const char *id)
{
	if (!*id || *id == '/')
		return false;
	while (*id) {
		size_t n = strcspn(id, "/");

		if (n == 0 || n > RUNDIR_NAME_MAX || (n == 1 && id[0] == '.') ||
		    (n == 2 && id[0] == '.' && id[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
				return false;
		id += n + (id[n] == '/');
	}
	return true;
}

/* Write @len bytes to a new file @path, which must not exist. */
static int write_new(const char *path, const char *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int ret = 0;

	if (fd < 0)
		return -errno;
	while (len && !ret) {
		ssize_t n = write(fd, bytes, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = -errno;
		else {
			bytes += n;
			len -= (size_t)n;
		}
	}
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

int rundir_make(const char *root, const char *id, const char *source, size_t len,
		const char *matrix, char **dir, struct diag *d)
{
	char *caps = NULL, *copy = NULL, *parent = NULL, *slash, *pick = NULL;
	int ret = -ENOMEM;

	*dir = NULL;
	/* every run directory lies under the root, whatever a scenario's
	 * path or matrix made of its id */
	if (!rundir_id_safe(id)) {
		diag_add(d, "run id \"%.80s\" is not a folder name under %s (relative, no \"..\", no control character, each part at most %d bytes): refused",
			 id, root, RUNDIR_NAME_MAX);
		return -EINVAL;
	}
	if (asprintf(dir, "%s/%s", root, id) < 0 || !(parent = strdup(*dir)) ||
	    asprintf(&caps, "%s/%s", *dir, RUNDIR_CAPTURES) < 0 ||
	    asprintf(&copy, "%s/%s", *dir, RUNDIR_SCENARIO) < 0 ||
	    asprintf(&pick, "%s/%s", *dir, RUNDIR_MATRIX) < 0)
		goto out;
	/* the folders above it may be shared (a repeat's runs, a theme); the
	 * run directory itself is made exclusively: never another run's */
	if ((slash = strrchr(parent, '/')))
		*slash = '\0';
	ret = rundir_mkdirs(parent);
	if (!ret && mkdir(*dir, 0755))
		ret = -errno;
	if (ret == -EEXIST) {
		diag_add(d, "run directory %s exists already: unplug never overwrites a run's evidence (another --out, or remove it)",
			 *dir);
		goto out;
	}
	if (!ret && mkdir(caps, 0755))
		ret = -errno;
	if (ret) {
		diag_add(d, "cannot create %s: %s", *dir, strerror(-ret));
		goto out;
	}
	ret = write_new(copy, source, len);
	if (ret)
		diag_add(d, "cannot write %s: %s", copy, strerror(-ret));
	if (!ret && matrix && (ret = write_new(pick, matrix, strlen(matrix))))
		diag_add(d, "cannot write %s: %s", pick, strerror(-ret));
out:
	free(pick);
	free(parent);
	free(caps);
	free(copy);
	if (ret) {
		free(*dir);
		*dir = NULL;
	}
	return ret;
}

int rundir_read_matrix(const char *dir, char **label)
{
	char *path, *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int ret = 0;

	*label = NULL;
	if (asprintf(&path, "%s/%s", dir, RUNDIR_MATRIX) < 0)
		return -ENOMEM;
	f = fopen(path, "re");
	free(path);
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	n = getline(&line, &cap, f);
	if (n < 0)
		ret = ferror(f) ? -EIO : -EINVAL;
	fclose(f);
	if (ret) {
		free(line);
		return ret;
	}
	line[strcspn(line, "\n")] = '\0';
	*label = line;
	return 0;
}

bool rundir_exists(const char *root, const char *id)
{
	char *dir;
	struct stat st;
	bool there;

	if (asprintf(&dir, "%s/%s", root, id) < 0)
		return false;
	there = !lstat(dir, &st);
	free(dir);
	return there;
}
