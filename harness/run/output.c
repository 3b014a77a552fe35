#include "harness/run/output.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int output_open(struct output *o, int fd, const char *path, struct diag *d)
{
	bool follow = o->follow;

	memset(o, 0, sizeof(*o));
	o->follow = follow;
	o->fd = fd;
	o->file = fopen(path, "a");
	if (!o->file) {
		int e = errno;

		diag_add(d, "%s: cannot write: %s", path, strerror(e));
		return -e;
	}
	return 0;
}

static void remember(struct output *o, const char *text)
{
	if (o->ntail == OUTPUT_TAIL) {
		memmove(o->tail[0], o->tail[1], sizeof(o->tail[0]) * (OUTPUT_TAIL - 1));
		o->ntail--;
	}
	snprintf(o->tail[o->ntail++], sizeof(o->tail[0]), "%.199s", text);
}

static int emit(struct output *o, int64_t t_ns, int64_t lag_ns,
		void (*line)(void *, const char *), void *arg)
{
	char lag[24] = "";

	o->partial[o->len] = '\0';
	if (o->len && o->partial[o->len - 1] == '\r')
		o->partial[o->len - 1] = '\0';
	o->len = 0;
	if (lag_ns > 0)
		snprintf(lag, sizeof(lag), "+%lld", (long long)lag_ns);
	if (fprintf(o->file, "%lld%s %s\n", (long long)t_ns, lag, o->partial) < 0 || fflush(o->file))
		return -EIO;
	remember(o, o->partial);
	if (line)
		line(arg, o->partial);
	return 0;
}

int output_read(struct output *o, int64_t t_ns, int64_t lag_ns,
		void (*line)(void *arg, const char *text), void *arg, struct diag *d)
{
	char buf[4096];
	ssize_t n = -1;
	int reads = 0;

	if (!o->file || o->fd < 0 || o->eof)
		return 0;
	/* bounded: a program that floods its output must not starve the
	 * runner's timeline; the rest is read at the next turn */
	while (reads++ < OUTPUT_READS_PER_TURN && (n = read(o->fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			/* a line longer than the buffer is cut into several */
			if (buf[i] != '\n' && o->len < sizeof(o->partial) - 1) {
				o->partial[o->len++] = buf[i];
				continue;
			}
			if (emit(o, t_ns, lag_ns, line, arg))
				goto bad;
			if (buf[i] != '\n')
				o->partial[o->len++] = buf[i];
		}
	}
	/* a terminal whose program is gone says EIO where a pipe says 0 */
	if (n == 0 && o->follow)
		return 0;
	if (n == 0 || (n < 0 && errno == EIO)) {
		o->eof = true;	/* nothing more will come: stop polling it */
		if (o->len && emit(o, t_ns, lag_ns, line, arg))
			goto bad;
	}
	return 0;
bad:
	diag_add(d, "cannot write a program's output: %s", strerror(errno));
	return -EIO;
}

const char *output_tail(const struct output *o, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < o->ntail && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " | " : "", o->tail[i]);
	return buf;
}

void output_close(struct output *o)
{
	if (o->file)
		fclose(o->file);
	o->file = NULL;
}
