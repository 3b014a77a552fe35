#include "harness/run/rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
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

/* openat2() beneath @dfd without following a link; where the kernel has
 * no openat2 (before 5.6), openat() without following the last one. */
static int open_beneath(int dfd, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = openat(dfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	return fd;
}

int rundir_fopen(const char *dir, const char *rel, int64_t max, FILE **f, struct diag *d)
{
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), fd, e;
	struct stat st;

	*f = NULL;
	if (dfd < 0) {
		e = errno;
		diag_add(d, "%s: cannot open the run directory: %s", dir, strerror(e));
		return -e;
	}
	fd = open_beneath(dfd, rel);
	e = errno;
	close(dfd);
	if (fd < 0 && e == ENOENT)
		return -ENOENT;
	if (fd < 0) {
		diag_add(d, "%s/%s: %s", dir, rel, e == ELOOP || e == EXDEV ?
			 "a symbolic link, or outside the run directory: not read" : strerror(e));
		return -e;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > max) {
		e = errno;
		if (!S_ISREG(st.st_mode))
			diag_add(d, "%s/%s: not a regular file (a FIFO, device or folder would be read forever or not at all): not read",
				 dir, rel);
		else if (st.st_size > max)
			diag_add(d, "%s/%s: %lld bytes: at most %lld", dir, rel, (long long)st.st_size,
				 (long long)max);
		else
			diag_add(d, "%s/%s: %s", dir, rel, strerror(e));
		close(fd);
		return S_ISREG(st.st_mode) && st.st_size > max ? -EFBIG : -EINVAL;
	}
	fcntl(fd, F_SETFL, 0);	/* a regular file: blocking reads */
	if (!(*f = fdopen(fd, "r"))) {
		e = errno;
		close(fd);
		return -e;
	}
	return 0;
}

int rundir_read_matrix(const char *dir, char **label)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int ret = 0;
	struct diag d;

	*label = NULL;
	diag_init(&d, NULL);
	ret = rundir_fopen(dir, RUNDIR_MATRIX, RUNDIR_MATRIX_MAX, &f, &d);
	diag_clear(&d);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
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
