/* unplug replay: judge again, offline and without root.
 *
 *   unplug replay RUN_DIR...             finished runs, from their run
 *                                        directories alone (or any folder
 *                                        holding them: an --out root)
 *   unplug replay --scenario FILE PCAP...  bare captures taken elsewhere
 *
 * The verdicts come from the same judge as the live run's
 * (harness/judge/judge.h), and are reported the same ways. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/vec.h"
#include "harness/cli/cli.h"
#include "harness/judge/judge.h"
#include "harness/model/scenario.h"
#include "harness/run/rundir.h"
#include "netns/topo.h"
#include "reports/report.h"
#include "reports/sweep.h"

struct replay_opts {
	const char *scenario;
	const char *matrix;	/* --matrix: a sweep's combination */
	const char *junit, *json;
	const char *hosts[SCENARIO_MAX_HOSTS * 2];	/* --host NAME=ADDR */
	size_t nhosts;
	struct term_style style;
};

/* A run directory found, and the id it is reported under. */
struct found {
	char *dir;
	char *id;
	int run;		/* K of a repeat's run-K; 0: not one */
};

struct found_list {
	struct found *v;
	size_t n, cap;
};

#define WALK_DEPTH_MAX 16

static bool has_file(const char *dir, const char *name)
{
	char path[4096 + 64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !lstat(path, &st) && S_ISREG(st.st_mode);
}

static bool is_run_dir(const char *dir)
{
	return has_file(dir, RUNDIR_EVENTS) && has_file(dir, RUNDIR_SCENARIO);
}

/* K when @name is "run-K". */
static int run_number(const char *name)
{
	char *end;
	long k;

	if (strncmp(name, "run-", 4))
		return 0;
	k = strtol(name + 4, &end, 10);
	return *end || k < 1 || k > 100000 ? 0 : (int)k;
}

static int add_found(struct found_list *l, const char *dir, const char *id, int run)
{
	struct found f = { .dir = strdup(dir), .id = strdup(*id ? id : "."), .run = run };

	if (!f.dir || !f.id || vec_push(&l->v, &l->n, &l->cap, sizeof(f), &f)) {
		free(f.dir);
		free(f.id);
		return -ENOMEM;
	}
	return 0;
}

/* Every run directory under @dir (its id relative to the walk's root is
 * @rel), without following symbolic links. */
static int walk(struct found_list *l, const char *dir, const char *rel, int depth)
{
	struct dirent **names;
	int n, err = 0;

	if (is_run_dir(dir)) {
		const char *slash = strrchr(rel, '/');
		const char *base = slash ? slash + 1 : rel;
		int k = run_number(base);
		char *id;

		if (!k)
			return add_found(l, dir, rel, 0);
		/* a repeat's run-K: reported under its parent's id */
		if (!(id = strndup(rel, (size_t)(base - rel) - (slash != NULL))))
			return -ENOMEM;
		err = add_found(l, dir, id, k);
		free(id);
		return err;
	}
	if (depth >= WALK_DEPTH_MAX)
		return 0;
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		char path[4096], sub[4096];
		struct stat st;

		if (!err && names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", names[i]->d_name);
			if (!lstat(path, &st) && S_ISDIR(st.st_mode))
				err = walk(l, path, sub, depth + 1);
		}
		free(names[i]);
	}
	free(names);
	return err;
}

/* The id of a run directory given itself: its folder's name (a repeat's
 * run-K: its parent's). */
static int add_given(struct found_list *l, const char *arg)
{
	char *copy = strdup(arg), *parent = NULL;
	const char *base;
	int k, err;

	if (!copy)
		return -ENOMEM;
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	base = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	k = run_number(base);
	if (k && (parent = strdup(copy))) {
		char *pb = dirname(parent);

		base = strrchr(pb, '/') ? strrchr(pb, '/') + 1 : pb;
	}
	err = add_found(l, arg, base, k);
	free(parent);
	free(copy);
	return err;
}

static int by_id_then_run(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->run > y->run) - (x->run < y->run);
}

static void judge_one_dir(const char *dir, const struct replay_opts *o,
			  struct scenario_result *r)
{
	struct diag d;

	diag_init(&d, NULL);
	if (judge_run_dir_as(dir, o->scenario, r, &d)) {
		r->verdict = VERDICT_ERROR;
		free(r->reason);
		r->reason = strdup(d.count ? diag_last(&d) : "cannot judge it");
		diag_print(&d, stderr);
	}
	diag_clear(&d);
}

/* How many runs of one scenario run @dir holds: itself, and the tries it
 * was run again in when it ended unsure (try-2, try-3... inside it). */
static size_t count_tries(const char *dir)
{
	size_t n = 1;

	for (;;) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/try-%zu", dir, n + 1);
		if (lstat(path, &st) || !S_ISDIR(st.st_mode) || !is_run_dir(path))
			return n;
		n++;
	}
}

/* Judge run directory @dir into @r — with its tries, folded as the live
 * run folded them. */
static int judge_with_tries(const char *dir, const struct replay_opts *o,
			    struct scenario_result *r)
{
	size_t n = count_tries(dir);
	struct scenario_result *tries;

	if (n == 1) {
		judge_one_dir(dir, o, r);
		return 0;
	}
	if (!(tries = calloc(n, sizeof(*tries))))
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		char path[4096];

		snprintf(path, sizeof(path), k ? "%s/try-%zu" : "%s", dir, k + 1);
		tries[k].run_dir = strdup(path);
		tries[k].id = r->id ? strdup(r->id) : NULL;
		if (!tries[k].run_dir || (r->id && !tries[k].id)) {
			for (size_t i = 0; i <= k; i++)
				result_scenario_free(&tries[i]);
			free(tries);
			return -ENOMEM;
		}
		judge_one_dir(path, o, &tries[k]);
	}
	{
		char *id = r->id, *file = r->file;

		r->id = r->file = NULL;
		result_scenario_free(r);
		result_fold_tries(r, tries, n);
		free(r->id);
		free(r->file);
		r->id = id;
		r->file = file;
	}
	return 0;
}

/* A sweep's combination, as its run directory @dir names it: the sweep's
 * id is @r's without "[<combination>]". */
static int name_sweep(struct scenario_result *r, const char *dir)
{
	struct matrix_pick pick;
	char *label = NULL, *sweep = NULL;
	size_t len, ll;
	int err;

	if ((err = rundir_read_matrix(dir, &label)) || !label)
		return err;
	if ((err = matrix_pick_parse(label, &pick))) {
		free(label);
		return err == -EINVAL ? 0 : err;	/* judging said what is wrong */
	}
	len = strlen(r->id);
	ll = strlen(label);
	if (len > ll + 2 && r->id[len - 1] == ']' && r->id[len - ll - 2] == '[' &&
	    !strncmp(r->id + len - ll - 1, label, ll))
		sweep = strndup(r->id, len - ll - 2);
	else
		sweep = strdup(r->id);
	err = sweep ? result_set_sweep(r, sweep, pick.names, pick.values, pick.n) : -ENOMEM;
	free(sweep);
	free(label);
	matrix_pick_clear(&pick);
	return err;
}

/* Judge each run directory found; a repeat's runs fold into one result. */
static int replay_dirs(struct found_list *l, const struct replay_opts *o, struct run_result *rr)
{
	qsort(l->v, l->n, sizeof(l->v[0]), by_id_then_run);
	for (size_t i = 0; i < l->n;) {
		struct scenario_result *r = result_new_scenario(rr);
		size_t n = 1;

		while (l->v[i].run && i + n < l->n && l->v[i + n].run &&
		       !strcmp(l->v[i + n].id, l->v[i].id))
			n++;
		if (!r)
			return -ENOMEM;
		r->id = strdup(l->v[i].id);
		r->file = strdup(o->scenario ? o->scenario : l->v[i].dir);
		if (l->v[i].run) {
			struct scenario_result *runs = calloc(n, sizeof(*runs));
			char *parent = strdup(l->v[i].dir);

			r->run_dir = parent ? strdup(dirname(parent)) : NULL;
			free(parent);
			if (!runs)
				return -ENOMEM;
			for (size_t k = 0; k < n; k++) {
				runs[k].run_dir = strdup(l->v[i + k].dir);
				if (judge_with_tries(l->v[i + k].dir, o, &runs[k]))
					return -ENOMEM;
			}
			if (result_fold_runs(r, runs, n)) {
				for (size_t k = 0; k < n; k++)
					result_scenario_free(&runs[k]);
				free(runs);
				return -ENOMEM;
			}
		} else {
			r->run_dir = strdup(l->v[i].dir);
			if (judge_with_tries(l->v[i].dir, o, r))
				return -ENOMEM;
		}
		if (name_sweep(r, l->v[i].dir))
			return -ENOMEM;
		report_term_scenario(stdout, r, &o->style);
		i += n;
	}
	return 0;
}

/* --host NAME=ADDR, else the scenario's own address for each host. */
static int host_addrs(const struct scenario *sc, const struct replay_opts *o,
		      char addr[][64], struct diag *d)
{
	for (size_t h = 0; h < sc->nhosts; h++)
		topo_host_addr_of(sc->net.kind == NET_ROUTED, sc->net.family, (int)h, addr[h], 64);
	for (size_t i = 0; i < o->nhosts; i++) {
		const char *eq = strchr(o->hosts[i], '=');
		size_t h;

		for (h = 0; eq && h < sc->nhosts; h++)
			if (strlen(sc->hosts[h].name) == (size_t)(eq - o->hosts[i]) &&
			    !strncmp(sc->hosts[h].name, o->hosts[i], (size_t)(eq - o->hosts[i])))
				break;
		if (!eq || h == sc->nhosts) {
			diag_add(d, "bad --host: \"%s\" (NAME=ADDR, NAME one of the scenario's hosts: %s%s%s)",
				 o->hosts[i], sc->hosts[0].name, sc->nhosts > 1 ? ", " : "",
				 sc->nhosts > 1 ? sc->hosts[1].name : "");
			return -EINVAL;
		}
		snprintf(addr[h], 64, "%s", eq + 1);
	}
	return 0;
}

/* Which host took each capture: HOST=PATH says it; a file named after a
 * host (server.pcap, server.pcapng) is that host's; a single capture is
 * every host's (one taken on the path between them). */
static int assign_pcaps(const struct scenario *sc, char **args, int n,
			const char *pcap[], struct diag *d)
{
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(args[i], '='), *path = eq ? eq + 1 : args[i];
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		size_t h;

		for (h = 0; h < sc->nhosts; h++) {
			size_t len = strlen(sc->hosts[h].name);

			if (eq ? (size_t)(eq - args[i]) == len && !strncmp(args[i], sc->hosts[h].name, len)
			       : !strncmp(base, sc->hosts[h].name, len) && base[len] == '.')
				break;
		}
		if (h < sc->nhosts) {
			pcap[h] = path;
		} else if (n == 1 && !eq) {
			for (h = 0; h < sc->nhosts; h++)
				pcap[h] = path;
		} else {
			diag_add(d, "%s: whose capture is it? name it HOST=%s (HOST: %s or %s)", args[i],
				 path, sc->hosts[0].name, sc->nhosts > 1 ? sc->hosts[1].name : "-");
			return -EINVAL;
		}
	}
	return 0;
}

static int replay_pcaps(char **args, int n, const struct replay_opts *o, struct run_result *rr,
			struct diag *d)
{
	const char *pcap[SCENARIO_MAX_HOSTS] = { 0 }, *addr[SCENARIO_MAX_HOSTS] = { 0 };
	char addrs[SCENARIO_MAX_HOSTS][64];
	struct scenario_result *r;
	struct scenario *sc = NULL;
	struct diag sd;
	int err;

	diag_init(&sd, o->scenario);
	err = scenario_load_as(o->scenario, o->matrix, &sc, &sd);
	for (size_t i = 0; i < sd.count; i++)
		diag_add(d, "%s", sd.msgs[i]);
	diag_clear(&sd);
	if (err || (err = host_addrs(sc, o, addrs, d)) || (err = assign_pcaps(sc, args, n, pcap, d)))
		goto out;
	for (size_t h = 0; h < sc->nhosts; h++)
		addr[h] = addrs[h];
	if (!(r = result_new_scenario(rr))) {
		err = -ENOMEM;
		goto out;
	}
	r->id = rundir_id(o->scenario, NULL);
	r->file = strdup(o->scenario);
	if (judge_captures(o->scenario, o->matrix, pcap, addr, r, d)) {
		r->verdict = VERDICT_ERROR;
		r->reason = strdup(d->count ? diag_last(d) : "cannot judge it");
	}
	report_term_scenario(stdout, r, &o->style);
out:
	scenario_free(sc);
	return err;
}

static void help(void)
{
	cli_usage(stdout, "replay");
	printf("\n  RUN_DIR: a run directory (scenario.yaml, events.jsonl, captures/), or a\n"
	       "  folder holding them, such as a `run --out` root; each is judged again from\n"
	       "  its files alone, with the same judge as the live run. No root needed.\n\n"
	       "      --scenario FILE  judge against FILE instead of the run's own copy (a\n"
	       "                       tighter budget: what would have failed?). FILE must\n"
	       "                       have the run's hosts and steps.\n"
	       "                       With PCAP files instead of run directories: judge\n"
	       "                       FILE's packet expectations (packets; sequence without\n"
	       "                       since) against captures taken elsewhere; the others\n"
	       "                       are skipped, and say why.\n"
	       "      --matrix NAME=VALUE,...\n"
	       "                       with PCAP files and a sweep's FILE: the combination\n"
	       "                       the captures were taken in (a run directory knows it)\n"
	       "      --host NAME=ADDR the address host NAME had in the captures (default: the\n"
	       "                       scenario's own, 198.18.0.1...). A capture is given to a\n"
	       "                       host as HOST=PATH, or by its name (server.pcap); a\n"
	       "                       single capture is every host's.\n"
	       "      --junit FILE     also write a JUnit XML report\n"
	       "      --json FILE      also write the results as JSON (docs/results-json.md)\n"
	       "  -q, --quiet          only what did not pass, and the summary\n"
	       "  -v, --verbose        every expectation\n"
	       "\n  Exit status: 0 all passed, 1 a failure or a run that cannot be judged,\n"
	       "  2 bad usage or input.\n");
}

static int parse_opts(int argc, char **argv, struct replay_opts *o)
{
	enum { OPT_SCENARIO = 256, OPT_MATRIX, OPT_HOST, OPT_JUNIT, OPT_JSON };
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, OPT_SCENARIO },
		{ "matrix", required_argument, NULL, OPT_MATRIX },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "hqv", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SCENARIO:
			o->scenario = optarg;
			break;
		case OPT_MATRIX:
			o->matrix = optarg;
			break;
		case OPT_HOST:
			if (o->nhosts == sizeof(o->hosts) / sizeof(o->hosts[0])) {
				fprintf(stderr, "%s replay: too many --host options\n", program_name);
				return EXIT_USAGE;
			}
			o->hosts[o->nhosts++] = optarg;
			break;
		case OPT_JUNIT:
			o->junit = optarg;
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case 'q':
			o->style.quiet = true;
			break;
		case 'v':
			o->style.verbose = true;
			break;
		case 'h':
			help();
			return EXIT_PASS;
		default:
			cli_usage(stderr, "replay");
			return EXIT_USAGE;
		}
	}
	return -1;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_opts o = { 0 };
	struct found_list found = { 0 };
	struct run_result rr = { 0 };
	int64_t start = clock_mono_ns();
	int ret, files = 0, dirs = 0, err = 0;
	struct diag d;

	if ((ret = parse_opts(argc, argv, &o)) >= 0)
		return ret;
	o.style.color = cli_color(stdout);
	diag_init(&d, NULL);
	ret = EXIT_USAGE;
	for (int i = optind; i < argc; i++) {
		const char *path = strchr(argv[i], '=') && access(argv[i], F_OK) ? strchr(argv[i], '=') + 1 : argv[i];
		struct stat st;

		if (stat(path, &st)) {
			diag_add(&d, "%s: %s", path, strerror(errno));
			err = -ENOENT;
		} else if (S_ISDIR(st.st_mode)) {
			dirs++;
		} else if (S_ISREG(st.st_mode)) {
			files++;
		} else {
			diag_add(&d, "%s: neither a run directory nor a capture file", path);
			err = -EINVAL;
		}
	}
	if (!err && (optind == argc || (files && dirs) || (files && !o.scenario) || ((o.nhosts || o.matrix) && !files)))
		diag_add(&d, "%s", optind == argc ? "no run directory or capture given" :
			 files && dirs ? "run directories and captures go one kind at a time" :
			 files ? "captures are judged against a scenario: give --scenario FILE" :
			 o.nhosts ? "--host goes with captures, not run directories" :
			 "--matrix goes with captures: a run directory knows its combination");
	if ((o.junit && !cli_writable("--junit", o.junit, &d)) ||
	    (o.json && !cli_writable("--json", o.json, &d)))
		err = -EINVAL;
	if (err || d.count)
		goto out;
	if (dirs) {
		for (int i = optind; i < argc && !err; i++) {
			size_t before = found.n;

			err = is_run_dir(argv[i]) ? add_given(&found, argv[i]) : walk(&found, argv[i], "", 0);
			if (!err && found.n == before) {
				diag_add(&d, "%s: no run directory in it (one holds %s and %s)", argv[i],
					 RUNDIR_SCENARIO, RUNDIR_EVENTS);
				err = -ENOENT;
			}
		}
		if (err || (err = replay_dirs(&found, &o, &rr)))
			goto out;
	} else if ((err = replay_pcaps(argv + optind, argc - optind, &o, &rr, &d))) {
		goto out;
	}
	rr.duration_ns = clock_mono_ns() - start;
	rr.repeat = 1;
	report_term_sweeps(stdout, &rr, &o.style);
	report_term_totals(stdout, &rr, o.style.color);
	ret = result_exit_status(&rr);
	if (o.junit && report_junit_write(o.junit, &rr, &d))
		ret = EXIT_USAGE;
	if (o.json && report_json_write(o.json, &rr, &d))
		ret = EXIT_USAGE;
out:
	if (d.count)
		for (size_t i = 0; i < d.count; i++)
			fprintf(stderr, "%s replay: %s\n", program_name, d.msgs[i]);
	diag_clear(&d);
	for (size_t i = 0; i < found.n; i++) {
		free(found.v[i].dir);
		free(found.v[i].id);
	}
	free(found.v);
	result_free(&rr);
	return ret;
}
