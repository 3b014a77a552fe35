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
#include <unistd.h>

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
			const struct run_kernels *k, struct diag *d)
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

static int run_one(const char *kdir, const struct run_kernels *k, const char *root,
		   struct run_result *rr, struct diag *d)
{
	char release[128], dir[PATH_MAX + 160], script[PATH_MAX + 200], results[PATH_MAX + 200];
	char abs[PATH_MAX];
	struct run_result krr = { 0 };
	struct vm_job job;
	int status, err;

	if (!vm_kernel_release(kdir, release, sizeof(release), d) || !realpath(root, abs))
		return -EINVAL;
	snprintf(dir, sizeof(dir), "%s/%s", abs, release);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(script, sizeof(script), "%s/.guest.sh", dir);
	snprintf(results, sizeof(results), "%s/.results.json", dir);
	if ((err = write_script(script, dir, results, k, d)))
		return err;
	unlink(results);
	printf("  KERNEL %s (%s)\n", release, kdir);
	fflush(stdout);
	job = (struct vm_job){ .kernel_dir = kdir, .share = dir, .script = script,
			       .memory_mb = VM_MEMORY_MB, .cpus = VM_CPUS };
	status = vm_run(&job, d);
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
		if (!vm_kernel_release(k->dirs[i], releases[i], sizeof(releases[i]), d))
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

void run_kernels_table(FILE *f, const struct run_kernels *k, const struct run_result *rr)
{
	const char *kernels[RUN_KERNELS_MAX];
	size_t nk = 0, differ = 0;

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
		fprintf(f, " %-18s", kernels[j]);
	fputc('\n', f);
	for (size_t i = 0; i < rr->n; i++) {
		const struct scenario_result *first = NULL;
		bool seen = false, same = true;

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
			fprintf(f, " %-18s", r ? verdict_name(r->verdict) : "-");
			if (r && first && r->verdict != first->verdict)
				same = false;
			if (r && !first)
				first = r;
		}
		differ += !same;
		fputs(same ? "\n" : "  <- differs\n", f);
	}
	fprintf(f, "  %zu scenario%s differ between the kernels\n", differ, differ == 1 ? "" : "s");
}
