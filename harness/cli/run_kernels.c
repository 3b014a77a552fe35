/* Each kernel gets a directory of its own under the run's root, shared
 * with its machine read-write at the same path: the guest's unplug writes
 * the run directories and its --json results there, and this side reads
 * the results back (reports/result_json_read.c), so that the summary,
 * JUnit and JSON come out as from a local run, with the kernel named. */
#include "harness/cli/run_kernels.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/duration.h"
#include "common/kversion.h"
#include "harness/cli/catalogue.h"
#include "harness/run/vm.h"
#include "reports/report.h"

#define VM_MEMORY_MB 2048
#define VM_CPUS 2

/* @s in single quotes for sh. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputs("' ", f);
}

/* The script the guest runs: this same unplug, this same run, into the
 * kernel's directory. */
static int write_script(const char *path, const char *dir, const char *results,
			const struct run_kernels *k, bool host, struct diag *d)
{
	char self[PATH_MAX], cwd[PATH_MAX], abs[PATH_MAX], status[PATH_MAX + 512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *f;

	if (n < 0 || !getcwd(cwd, sizeof(cwd)))
		return -errno;
	self[n] = '\0';
	f = fopen(path, "we");
	if (!f) {
		diag_add(d, "cannot write %s: %s", path, strerror(errno));
		return -errno;
	}
	/* its output through a pipe: the guest's console is a terminal, and
	 * a status line redrawn there would be noise in ours */
	fputs("# written by unplug run --kernel: the run, inside the machine\ncd ", f);
	put_quoted(f, cwd);
	fputs("|| exit 2\n{ ", f);
	put_quoted(f, self);
	fputs("run ", f);
	for (size_t i = 0; i < k->nopts; i++)
		put_quoted(f, k->opts[i]);
	/* under emulation a guest's CPUs are slow and few: more scenarios
	 * than CPUs make steps land tens of ms late */
	if (k->jobs || !host)
		fprintf(f, "-j %d ", k->jobs ? k->jobs : VM_CPUS);
	fputs("--out ", f);
	put_quoted(f, dir);
	fputs("--json ", f);
	put_quoted(f, results);
	if (!k->nargs)
		put_quoted(f, realpath(catalogue_default_dir(), abs) ? abs : catalogue_default_dir());
	for (size_t i = 0; i < k->nargs; i++)
		put_quoted(f, realpath(k->args[i], abs) ? abs : k->args[i]);
	snprintf(status, sizeof(status), "%s/.status", dir);
	fputs("2>&1; echo $? >", f);
	put_quoted(f, status);
	fputs("; } | cat\nexit $(cat ", f);
	put_quoted(f, status);
	fputs(")\n", f);
	return fclose(f) ? -EIO : 0;
}

bool run_kernels_is_host(const char *kdir)
{
	return !strcmp(kdir, RUN_KERNELS_HOST);
}

/* The release of --kernel @kdir into @buf: a kernel tools/kernel made,
 * or this machine's own. NULL with the reason in @d. */
static const char *release_of(const char *kdir, char *buf, size_t len, struct diag *d)
{
	if (!run_kernels_is_host(kdir))
		return vm_kernel_release(kdir, buf, len, d);
	if (!*kversion_running(buf, len)) {
		diag_add(d, "--kernel host: this machine's release cannot be read (uname)");
		return NULL;
	}
	return buf;
}

/* --kernel host: the same script, run here. Returns its exit status. */
static int run_here(const char *script, struct diag *d)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		diag_add(d, "fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_one(const char *kdir, const struct run_kernels *k, const char *root,
		   struct run_result *rr, struct diag *d)
{
	char release[128], dir[PATH_MAX + 160], script[PATH_MAX + 200], results[PATH_MAX + 200];
	char abs[PATH_MAX];
	struct run_result krr = { 0 };
	struct vm_job job;
	int status, err;

	if (!release_of(kdir, release, sizeof(release), d) || !realpath(root, abs))
		return -EINVAL;
	snprintf(dir, sizeof(dir), "%s/%s", abs, release);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(script, sizeof(script), "%s/.guest.sh", dir);
	snprintf(results, sizeof(results), "%s/.results.json", dir);
	if ((err = write_script(script, dir, results, k, run_kernels_is_host(kdir), d)))
		return err;
	unlink(results);
	printf("  KERNEL %s (%s)\n", release, kdir);
	fflush(stdout);
	job = (struct vm_job){ .kernel_dir = kdir, .share = dir, .script = script,
			       .memory_mb = VM_MEMORY_MB, .cpus = VM_CPUS };
	status = run_kernels_is_host(kdir) ? run_here(script, d) : vm_run(&job, d);
	if (status < 0)
		return status;
	if (access(results, R_OK)) {
		diag_add(d, "kernel %s: the run inside ended with status %d and no results", release, status);
		return -EIO;
	}
	if ((err = result_json_read(results, &krr, d)))
		return err;
	for (size_t i = 0; i < krr.n; i++) {
		struct scenario_result *r = result_new_scenario(rr);

		if (!r)
			return -ENOMEM;
		*r = krr.v[i];
		memset(&krr.v[i], 0, sizeof(krr.v[i]));
		r->kernel = strdup(release);
	}
	result_free(&krr);
	return 0;
}

int run_kernels_check(const struct run_kernels *k, struct diag *d)
{
	char releases[RUN_KERNELS_MAX][128];

	/* every kernel is a kernel, and each once: a column each */
	for (size_t i = 0; i < k->n; i++) {
		if (!release_of(k->dirs[i], releases[i], sizeof(releases[i]), d))
			return -EINVAL;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(releases[i], releases[j])) {
				diag_add(d, "--kernel %s and --kernel %s are the same kernel (%s)",
					 k->dirs[j], k->dirs[i], releases[i]);
				return -EINVAL;
			}
	}
	return 0;
}

int run_kernels(const struct run_kernels *k, const char *root, struct run_result *rr,
		struct diag *d)
{
	for (size_t i = 0; i < k->n; i++) {
		int err = run_one(k->dirs[i], k, root, rr, d);

		if (err)
			return err;
	}
	return 0;
}

/* The first latency measured in @r ("6.808 s" of a detection), where the
 * kernels' timers show; false when it has none. */
static bool first_latency(const struct scenario_result *r, int64_t *ns)
{
	for (size_t i = 0; r && i < r->nexpects; i++)
		if (result_is_latency(&r->expects[i]) && r->expects[i].unit == UNIT_NS &&
		    r->expects[i].verdict != VERDICT_SKIP) {
			*ns = r->expects[i].measured;
			return true;
		}
	return false;
}

/* A cell of the table: the verdict, and the first latency ("PASS 6.808 s"). */
static const char *cell(const struct scenario_result *r, char *buf, size_t len)
{
	char t[32];
	int64_t ns;

	if (!r)
		return "-";
	if (!first_latency(r, &ns))
		return verdict_name(r->verdict);
	snprintf(buf, len, "%s %s", verdict_name(r->verdict), duration_str(ns, t, sizeof(t)));
	return buf;
}

/* Two detection times that differ by more than timers' slack and
 * emulation's noise: 50 ms, and a tenth of the smaller. */
#define TIMES_DIFFER_NS (50 * NS_PER_MS)

static bool times_differ(int64_t lo, int64_t hi)
{
	return hi - lo > TIMES_DIFFER_NS && hi - lo > lo / 10;
}

void run_kernels_table(FILE *f, const struct run_kernels *k, const struct run_result *rr)
{
	const char *kernels[RUN_KERNELS_MAX];
	size_t nk = 0, differ = 0, slower = 0;

	if (k->n < 2)
		return;
	for (size_t i = 0; i < rr->n; i++) {
		size_t j;

		for (j = 0; j < nk && strcmp(kernels[j], rr->v[i].kernel ? rr->v[i].kernel : ""); j++)
			;
		if (j == nk && nk < RUN_KERNELS_MAX)
			kernels[nk++] = rr->v[i].kernel ? rr->v[i].kernel : "";
	}
	fprintf(f, "\n  %-34s", "scenario");
	for (size_t j = 0; j < nk; j++)
		fprintf(f, " %-22s", kernels[j]);
	fputc('\n', f);
	for (size_t i = 0; i < rr->n; i++) {
		const struct scenario_result *first = NULL;
		bool seen = false, same = true;
		int64_t lo = INT64_MAX, hi = INT64_MIN, ns;

		/* each id once, at its first kernel's row */
		for (size_t p = 0; p < i; p++)
			seen |= !strcmp(rr->v[p].id, rr->v[i].id);
		if (seen)
			continue;
		fprintf(f, "  %-34s", rr->v[i].id);
		for (size_t j = 0; j < nk; j++) {
			const struct scenario_result *r = NULL;

			for (size_t q = 0; q < rr->n && !r; q++)
				if (!strcmp(rr->v[q].id, rr->v[i].id) &&
				    !strcmp(rr->v[q].kernel ? rr->v[q].kernel : "", kernels[j]))
					r = &rr->v[q];
			char c[48];

			fprintf(f, " %-22s", cell(r, c, sizeof(c)));
			if (r && first && r->verdict != first->verdict)
				same = false;
			if (r && !first)
				first = r;
			if (first_latency(r, &ns)) {
				lo = ns < lo ? ns : lo;
				hi = ns > hi ? ns : hi;
			}
		}
		if (same && lo <= hi && times_differ(lo, hi)) {
			slower++;
			fputs("  <- times differ\n", f);
			continue;
		}
		differ += !same;
		fputs(same ? "\n" : "  <- differs\n", f);
	}
	fprintf(f, "  %zu scenario%s differ between the kernels in verdict, %zu in detection time\n",
		differ, differ == 1 ? "" : "s", slower);
}
