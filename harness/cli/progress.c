#include "harness/cli/progress.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/duration.h"
#include "common/escape.h"

void progress_init(struct progress *p, FILE *f, size_t total, bool live, bool quiet)
{
	*p = (struct progress){ .f = f, .total = total, .live = live, .quiet = quiet };
}

void progress_started(struct progress *p, const char *id, int run, int runs, int64_t bound_ns)
{
	if (p->n < PROGRESS_MAX) {
		p->running[p->n].id = id;
		p->running[p->n].run = run;
		p->running[p->n].runs = runs;
		p->running[p->n].start = clock_mono_ns();
		p->running[p->n].bound_ns = bound_ns;
		p->n++;
	}
	if (p->live || p->quiet)
		return;
	fputs("  RUN   ", p->f);
	escape_fputs(id, true, p->f);	/* from a file's name */
	if (runs > 1)
		fprintf(p->f, " (run %d of %d)", run, runs);
	fputc('\n', p->f);
	fflush(p->f);
}

void progress_ended(struct progress *p, const char *id, int run)
{
	p->done++;
	progress_retried(p, id, run);
}

void progress_retried(struct progress *p, const char *id, int run)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->running[i].id == id && p->running[i].run == run) {
			p->running[i] = p->running[--p->n];
			break;
		}
}

void progress_clear(struct progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", p->f);
	p->shown = false;
}

static size_t width(FILE *f)
{
	struct winsize ws;

	if (!ioctl(fileno(f), TIOCGWINSZ, &ws) && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

void progress_draw(struct progress *p)
{
	char line[1024], t[32], b[32];
	size_t used, cols;
	int64_t now = clock_mono_ns();

	if (!p->live)
		return;
	cols = width(p->f) - 1;
	if (cols >= sizeof(line))
		cols = sizeof(line) - 1;
	used = (size_t)snprintf(line, sizeof(line), "  [%zu/%zu]", p->done, p->total);
	for (size_t i = 0; i < p->n && used < sizeof(line); i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, " %s %s/%s",
					 p->running[i].id,
					 duration_secs(now - p->running[i].start, t, sizeof(t)),
					 duration_str(p->running[i].bound_ns, b, sizeof(b)));
	if (used > cols)
		line[cols] = '\0';
	fputs("\r\033[K", p->f);
	escape_fputs(line, true, p->f);
	fflush(p->f);
	p->shown = true;
}
