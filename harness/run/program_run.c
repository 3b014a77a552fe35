/* A host's own programs (`exec:`, or several: `programs:`), as the runner
 * runs them: started in order, each ready before the next, as the user
 * the scenario names, in the host's scratch folder's company, their
 * output and the log files the expectations watch kept in the run
 * directory line by line. */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

#include "common/clock.h"
#include "common/vec.h"
#include "harness/run/run_internal.h"
#include "netns/topo.h"

extern char **environ;

static const struct host *host_of(const struct run *r, int host)
{
	return &r->sc->hosts[host];
}

void prog_init(struct prog_run *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->proc = (struct exec_proc){ .init = -1, .status = -1, .out = -1, .err = -1,
				       .lifeline = -1, .schedstat = -1, .exit_wait_ns = -1 };
	pr->wait_ref_ns = -1;
	pr->out.fd = pr->err.fd = -1;
}

/* "SERVER" for "server": a name as environment variables write it. */
static void env_name(const char *host, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && host[i]; i++)
		buf[i] = (char)toupper((unsigned char)host[i]);
	buf[i] = '\0';
}

/* A program's environment under construction: "NAME=value" strings. */
struct env {
	char **v;
	size_t n, cap;
	bool bad;		/* out of memory somewhere */
};

/* Set @name to @value, replacing what was there. */
static void env_set(struct env *e, const char *name, const char *value)
{
	size_t len = strlen(name);
	char *kv;

	if (asprintf(&kv, "%s=%s", name, value) < 0) {
		e->bad = true;
		return;
	}
	for (size_t i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], name, len) && e->v[i][len] == '=') {
			free(e->v[i]);
			e->v[i] = kv;
			return;
		}
	if (vec_push(&e->v, &e->n, &e->cap, sizeof(kv), &kv)) {
		free(kv);
		e->bad = true;
	}
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The environment of a program: unplug's own, its user's HOME, USER and
 * LOGNAME when it does not run as root, every host's address, port and
 * scratch folder as UNPLUG_<HOST>_ADDR / _PORT / _DIR, the scenario's
 * folder as UNPLUG_SCENARIO_DIR, then the scenario's env:, each
 * replacing what came before. NULL when out of memory. */
static char **program_env(struct run *r, const struct program *p, const struct exec_spec *spec,
			  const struct program_vals *vals)
{
	const struct passwd *pw = spec->drop ? getpwuid(spec->uid) : NULL;
	struct env e = { 0 };
	char port[16];

	for (size_t i = 0; environ[i]; i++) {
		const char *eq = strchr(environ[i], '=');
		char name[256];

		if (!eq || (size_t)(eq - environ[i]) >= sizeof(name))
			continue;
		memcpy(name, environ[i], (size_t)(eq - environ[i]));
		name[eq - environ[i]] = '\0';
		env_set(&e, name, eq + 1);
	}
	if (pw) {
		env_set(&e, "HOME", pw->pw_dir);
		env_set(&e, "USER", pw->pw_name);
		env_set(&e, "LOGNAME", pw->pw_name);
	}
	env_set(&e, "UNPLUG_SCENARIO_DIR", vals->scenario_dir);
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		const struct host *h = host_of(r, (int)i);
		char name[64], upper[32];

		env_name(h->name, upper, sizeof(upper));
		snprintf(name, sizeof(name), "UNPLUG_%s_ADDR", upper);
		env_set(&e, name, vals->addrs[i]);
		if (vals->dirs[i][0]) {
			snprintf(name, sizeof(name), "UNPLUG_%s_DIR", upper);
			env_set(&e, name, vals->dirs[i]);
		}
		if (h->peer.role != PEER_LISTEN)
			continue;
		snprintf(name, sizeof(name), "UNPLUG_%s_PORT", upper);
		snprintf(port, sizeof(port), "%u", h->peer.port);
		env_set(&e, name, port);
	}
	for (size_t i = 0; i < p->nenv; i++) {
		char *value;

		if (program_expand(p->env[i].value, p->env[i].at, r->sc, vals, &value, r->d)) {
			e.bad = true;	/* checked at load: cannot happen */
			continue;
		}
		env_set(&e, p->env[i].name, value);
		free(value);
	}
	if (!e.bad) {
		char *end = NULL;	/* execve's NULL at the end */

		e.bad = vec_push(&e.v, &e.n, &e.cap, sizeof(end), &end) != 0;
	}
	if (e.bad) {
		free_strv(e.v);
		return NULL;
	}
	return e.v;
}

/* As whom @p runs: its user:, or under sudo the user who typed the
 * command (a program never runs as root without being asked to), or
 * root. Its groups are looked up here, not in the child. Returns 0 or
 * -errno with why in @d. */
static int run_as(const struct run *r, int host, const struct program *p, struct exec_spec *spec,
		  struct diag *d)
{
	const char *uid = getenv("SUDO_UID"), *gid = getenv("SUDO_GID");
	const struct passwd *pw = NULL;
	static __thread gid_t groups[64];
	int n = sizeof(groups) / sizeof(groups[0]);

	spec->drop = false;
	spec->ngroups = 0;
	if (p->user) {
		char *end;
		long v = strtol(p->user, &end, 10);

		pw = *end || end == p->user ? getpwnam(p->user) : getpwuid((uid_t)v);
		if (!pw && (*end || end == p->user)) {
			diag_at(d, p->user_at, "%s: no user \"%s\" on this machine (user: a name in its passwd database, or a uid)",
				host_of(r, host)->name, p->user);
			return -ENOENT;
		}
		spec->uid = pw ? pw->pw_uid : (uid_t)v;
		spec->gid = pw ? pw->pw_gid : (gid_t)v;
		if (spec->uid != geteuid() && geteuid()) {
			diag_at(d, p->user_at, "%s: cannot run a program as %s: unplug is not root",
				host_of(r, host)->name, p->user);
			return -EPERM;
		}
		spec->drop = spec->uid != 0 || spec->gid != 0;
	} else if (!geteuid() && uid && gid && strtol(uid, NULL, 10)) {
		spec->drop = true;
		spec->uid = (uid_t)strtol(uid, NULL, 10);
		spec->gid = (gid_t)strtol(gid, NULL, 10);
		pw = getpwuid(spec->uid);
	}
	if (spec->drop && pw && getgrouplist(pw->pw_name, spec->gid, groups, &n) >= 0) {
		spec->groups = groups;
		spec->ngroups = n;
	}
	return 0;
}

/* The host's scratch folder, made when its first program first starts:
 * <run>/scratch/<host>/, owned by the user its first program runs as,
 * kept with the run's evidence. */
static int make_scratch(struct run *r, int host, const struct exec_spec *spec)
{
	struct endpoint *ep = &r->ep[host];
	char *base = NULL, *run = NULL;
	int err = 0;

	if (ep->dir)
		return 0;
	/* absolute: the program runs in the scenario's folder */
	if (!(run = realpath(r->dir, NULL)))
		return -errno;
	if (asprintf(&base, "%s/scratch", run) < 0 ||
	    asprintf(&ep->dir, "%s/%s", base, host_of(r, host)->name) < 0) {
		free(base);
		free(run);
		ep->dir = NULL;
		return -ENOMEM;
	}
	free(run);
	if ((mkdir(base, 0755) && errno != EEXIST) || mkdir(ep->dir, 0755) ||
	    (spec->drop && chown(ep->dir, spec->uid, spec->gid)))
		err = -errno;
	if (err)
		diag_add(r->d, "%s: its scratch folder %s: %s", host_of(r, host)->name, ep->dir,
			 strerror(-err));
	free(base);
	return err;
}

/* The files a program's output goes to: HOST.stdout, or for one of
 * several, HOST.NAME.stdout. */
static int open_outputs(struct run *r, int host, struct prog_run *pr)
{
	const char *name = host_of(r, host)->name, *prog = pr->p->name;
	char *out = NULL, *err = NULL;
	int ret = -ENOMEM;

	if (asprintf(&out, "%s/%s%s%s.stdout", r->dir, name, prog ? "." : "", prog ? prog : "") >= 0 &&
	    asprintf(&err, "%s/%s%s%s.stderr", r->dir, name, prog ? "." : "", prog ? prog : "") >= 0) {
		ret = output_open(&pr->out, pr->proc.out, out, r->d);
		if (!ret)
			ret = output_open(&pr->err, pr->proc.err, err, r->d);
	}
	free(out);
	free(err);
	return ret;
}

static int record(struct run *r, int host, const struct prog_run *pr, enum event_type type,
		  const char *what)
{
	struct event e = { .type = type, .host = host, .target = HOST_NONE };

	if (pr->p->name)
		snprintf(e.program, sizeof(e.program), "%s", pr->p->name);
	if (what)
		snprintf(e.what, sizeof(e.what), "%s", what);
	return run_record(r, &e);
}

/* Every host's addresses and folders, for placeholders. */
struct vals_buf {
	char addrs[SCENARIO_MAX_HOSTS][48];
	const char *addrp[SCENARIO_MAX_HOSTS];
	const char *dirp[SCENARIO_MAX_HOSTS];
	struct program_vals vals;
};

static void fill_vals(struct run *r, struct vals_buf *b)
{
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		b->addrp[i] = topo_host_addr_str(r->topo, (int)i, b->addrs[i], sizeof(b->addrs[i]));
		b->dirp[i] = r->ep[i].dir ? r->ep[i].dir : "";
	}
	b->vals = (struct program_vals){ .addrs = b->addrp, .dirs = b->dirp,
					 .scenario_dir = r->scenario_dir };
}

/* Start the host's program @k. */
static int start_one(struct run *r, int host, size_t k)
{
	struct endpoint *ep = &r->ep[host];
	struct prog_run *pr = &ep->prog[k];
	const struct program *p = pr->p;
	struct exec_spec spec = { .host = host_of(r, host)->name, .dir = r->scenario_dir,
				  .ns = topo_host_ns(r->topo, host), .tty = p->tty };
	char **argv = calloc(p->argc + 1, sizeof(*argv)), **envp = NULL, *path = NULL;
	struct vals_buf vb;
	int err = -ENOMEM;

	if (!argv)
		return -ENOMEM;
	if ((err = run_as(r, host, p, &spec, r->d)))
		goto out;
	if (k == 0)
		ep->uid = spec.drop ? spec.uid : 0;	/* whose log files count */
	if (k == 0 && (err = make_scratch(r, host, &spec)))
		goto out;
	spec.scratch = ep->dir;
	fill_vals(r, &vb);
	for (size_t i = 0; i < p->argc; i++)
		if ((err = program_expand(p->argv[i], p->argv_at[i], r->sc, &vb.vals, &argv[i], r->d)))
			goto out;
	err = exec_resolve(argv[0], r->scenario_dir, &path);
	if (err) {
		diag_at(r->d, p->argv_at[0], "%s: program %s: \"%s\" (a path, relative to %s, or a name on PATH)",
			spec.host, err == -EACCES ? "not executable" : "not found", argv[0],
			r->scenario_dir);
		goto out;
	}
	free(argv[0]);
	argv[0] = path;
	envp = program_env(r, p, &spec, &vb.vals);
	if (!envp) {
		err = -ENOMEM;
		goto out;
	}
	spec.argv = argv;
	spec.envp = envp;
	if (p->ready == READY_LOG && !pr->has_re) {
		if (regcomp(&pr->ready_re, p->ready_log, REG_EXTENDED | REG_NOSUB)) {
			err = -EINVAL;	/* checked at load: cannot happen */
			goto out;
		}
		pr->has_re = true;
	}
	if ((err = exec_start(&spec, &pr->proc, r->d)))
		goto out;
	pr->started_ns = clock_mono_ns();
	pr->wait_ref_ns = exec_wait_ns(&pr->proc);
	pr->ready = p->ready == READY_NONE;
	ep->nprog = k + 1;
	if (!(err = open_outputs(r, host, pr)))
		err = record(r, host, pr, EV_STARTED, NULL);
	if (!err && pr->ready && p->next)
		err = start_one(r, host, k + 1);	/* nothing to wait for */
out:
	free_strv(argv);
	free_strv(envp);
	return err;
}

/* The log files the expectations watch on @host, tailed into the run
 * directory (HOST.file.NAME), once per file. */
static int open_tails(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];
	struct vals_buf vb;

	fill_vals(r, &vb);
	for (size_t i = 0; i < r->sc->nexpects; i++) {
		const struct expect *x = &r->sc->expects[i];
		struct tail *t;
		char name[PATH_MAX], *path = NULL, *copy = NULL;
		size_t k;
		int err;

		if (x->host != host || !x->log_file)
			continue;
		for (k = 0; k < ep->ntails && strcmp(ep->tails[k].written, x->log_file); k++)
			;
		if (k < ep->ntails || ep->ntails == ENDPOINT_MAX_TAILS)
			continue;
		if ((err = program_expand(x->log_file, x->log_file_at, r->sc, &vb.vals, &path, r->d)))
			return err;
		program_file_copy_name(host_of(r, host)->name, x->log_file, name, sizeof(name));
		if (path[0] != '/') {
			char *abs;

			if (asprintf(&abs, "%s/%s", r->scenario_dir, path) < 0) {
				free(path);
				return -ENOMEM;
			}
			free(path);
			path = abs;
		}
		if (asprintf(&copy, "%s/%s", r->dir, name) < 0) {
			free(path);
			return -ENOMEM;
		}
		t = &ep->tails[ep->ntails++];
		*t = (struct tail){ .written = x->log_file, .path = path };
		t->out.fd = -1;
		err = output_open(&t->out, -1, copy, r->d);
		t->out.follow = true;
		free(copy);
		if (err)
			return err;
	}
	return 0;
}

int programs_start(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];
	const struct program *p = host_of(r, host)->program;
	size_t k = 0;
	int err;

	for (; p && k < PROGRAM_MAX_PER_HOST; p = p->next, k++) {
		prog_init(&ep->prog[k]);
		ep->prog[k].p = p;
	}
	ep->nprog = 0;
	if ((err = start_one(r, host, 0)))
		return err;
	return ep->ntails ? 0 : open_tails(r, host);
}

/* The lines of @pr's output: does it say it is ready? */
struct line_ctx {
	struct run *r;
	int host;
	struct prog_run *pr;	/* NULL: a log file's */
	const char *file;	/* the log file, as written */
};

static void on_line(void *arg, const char *text)
{
	struct line_ctx *c = arg;
	struct prog_run *pr = c->pr;

	watch_line(&c->r->watch, c->host, pr ? pr->p->name : NULL, c->file, text, clock_wall_ns());
	if (!pr || pr->ready || !pr->has_re || regexec(&pr->ready_re, text, 0, NULL, 0))
		return;
	pr->ready = true;
	record(c->r, c->host, pr, EV_READY, "log");
}

/* How long @pr has waited to run since its reference, up to @wait_ns
 * (its run-queue wait then): its own moves since may have come that much
 * later than on a machine with nothing else to run. */
static int64_t prog_lag(const struct prog_run *pr, int64_t wait_ns)
{
	return wait_ns >= 0 && pr->wait_ref_ns >= 0 && wait_ns > pr->wait_ref_ns ?
	       wait_ns - pr->wait_ref_ns : 0;
}

void programs_mark_reference(struct run *r)
{
	for (size_t h = 0; h < r->sc->nhosts; h++)
		for (size_t k = 0; k < r->ep[h].nprog; k++) {
			struct prog_run *pr = &r->ep[h].prog[k];
			int64_t w = exec_wait_ns(&pr->proc);

			if (w >= 0)
				pr->wait_ref_ns = w;
		}
}

/* Its exit, stamped by its init as it reaped it: up to the init's own
 * lateness and the program's since the reference later than on a quiet
 * machine. */
static int record_exit(struct run *r, int host, const struct prog_run *pr)
{
	struct event e = { .type = EV_EXITED, .host = host, .target = HOST_NONE,
			   .t_ns = pr->proc.exit_t_ns,
			   .lag_ns = pr->proc.exit_lag_ns + prog_lag(pr, pr->proc.exit_wait_ns) };

	if (pr->p->name)
		snprintf(e.program, sizeof(e.program), "%s", pr->p->name);
	e.status = WIFEXITED(pr->proc.wait_status) ? WEXITSTATUS(pr->proc.wait_status) : -1;
	e.signal = WIFSIGNALED(pr->proc.wait_status) ? WTERMSIG(pr->proc.wait_status) : 0;
	return run_record(r, &e);
}

static int collect_one(struct run *r, int host, struct prog_run *pr)
{
	struct line_ctx c = { r, host, pr, NULL };
	int64_t t = clock_wall_ns();
	bool was = pr->proc.exited;
	int err;

	int64_t lag = r->read_lag_ns + prog_lag(pr, exec_wait_ns(&pr->proc));

	if ((err = output_read(&pr->out, t, lag, on_line, &c, r->d)) ||
	    (err = output_read(&pr->err, t, lag, on_line, &c, r->d)))
		return err;
	if (pr->proc.init > 0 && exec_poll_exit(&pr->proc) && !was)
		return record_exit(r, host, pr);
	return 0;
}

/* A log file: opened once it is there (the program may make it late). */
/* Open @t's file once it is there — as unplug, often root, on behalf of
 * a program that may not be: only a regular file, reached through no
 * symbolic link, and (unless the program runs as root) the program
 * user's own. A program cannot have unplug copy /etc/shadow into the run
 * directory by naming it, or by linking its log there. */
static int open_tail(const struct endpoint *ep, const struct tail *t)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, t->path, &how, sizeof(how));
	struct stat st;

	if (fd < 0 && errno == ENOSYS)
		fd = open(t->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (ep->uid && st.st_uid != ep->uid)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int collect_tail(struct run *r, int host, struct tail *t)
{
	struct line_ctx c = { r, host, NULL, t->written };

	if (t->out.fd < 0)
		t->out.fd = open_tail(&r->ep[host], t);
	if (t->out.fd < 0)
		return 0;
	return output_read(&t->out, clock_wall_ns(), r->read_lag_ns, on_line, &c, r->d);
}

int programs_collect(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];
	bool all;
	int err;

	for (size_t k = 0; k < ep->nprog; k++)
		if ((err = collect_one(r, host, &ep->prog[k])))
			return err;
	for (size_t k = 0; k < ep->ntails; k++)
		if ((err = collect_tail(r, host, &ep->tails[k])))
			return err;
	/* after a restart, the rest start as each is ready, as at first */
	if (ep->nprog && ep->prog[ep->nprog - 1].proc.init > 0 && !ep->prog[ep->nprog - 1].proc.exited)
		return programs_advance(r, host, &all);
	return 0;
}

size_t programs_fds(const struct run *r, int host, struct pollfd *p)
{
	const struct endpoint *ep = &r->ep[host];
	size_t n = 0;

	for (size_t k = 0; k < ep->nprog; k++) {
		const struct prog_run *pr = &ep->prog[k];

		if (pr->proc.out >= 0 && !pr->out.eof)
			p[n++] = (struct pollfd){ .fd = pr->proc.out, .events = POLLIN };
		if (pr->proc.err >= 0 && !pr->err.eof)
			p[n++] = (struct pollfd){ .fd = pr->proc.err, .events = POLLIN };
		if (pr->proc.status >= 0 && !pr->proc.exited)
			p[n++] = (struct pollfd){ .fd = pr->proc.status, .events = POLLIN };
	}
	return n;
}

bool programs_running(const struct run *r, int host)
{
	const struct endpoint *ep = &r->ep[host];

	for (size_t k = 0; k < ep->nprog; k++)
		if (ep->prog[k].proc.init > 0)
			return true;
	return false;
}

/* Whether @pr is ready by its own lights: a listener on its port, or its
 * delay passed (by its log: on_line()). Records when it becomes so. */
static bool one_ready(struct run *r, int host, struct prog_run *pr)
{
	const struct program *p = pr->p;

	if (pr->ready)
		return true;
	if (p->ready == READY_LISTEN && sampler_has(&r->sampler, host, TCP_LISTEN, p->listen))
		pr->ready = true, record(r, host, pr, EV_READY, "listen");
	else if (p->ready == READY_DELAY && clock_mono_ns() >= pr->started_ns + p->ready_delay_ns)
		pr->ready = true, record(r, host, pr, EV_READY, "delay");
	return pr->ready;
}

int programs_advance(struct run *r, int host, bool *all)
{
	struct endpoint *ep = &r->ep[host];
	size_t k = ep->nprog;
	int err;

	*all = false;
	if (!k || !one_ready(r, host, &ep->prog[k - 1]))
		return 0;
	if (ep->prog[k - 1].p->next) {
		/* the next one starts once this one is ready */
		if ((err = start_one(r, host, k)))
			return err;
		return 0;
	}
	*all = true;
	return 0;
}

int64_t programs_ready_deadline(const struct run *r, int host)
{
	const struct endpoint *ep = &r->ep[host];
	const struct prog_run *pr = ep->nprog ? &ep->prog[ep->nprog - 1] : NULL;

	if (!pr)
		return 0;
	return pr->started_ns + pr->p->ready_timeout_ns +
	       (pr->p->ready == READY_DELAY ? pr->p->ready_delay_ns : 0);
}

/* "./daemon (program 2, sshd)": which program, in messages. */
static const char *which(const struct prog_run *pr, char *buf, size_t len)
{
	if (pr->p->name)
		snprintf(buf, len, "%s (program %s)", pr->p->argv[0], pr->p->name);
	else
		snprintf(buf, len, "%s", pr->p->argv[0]);
	return buf;
}

/* "its last output: a | b | stderr: c", or "it printed nothing". */
static const char *last_output(const struct prog_run *pr, char *buf, size_t len, char *tmp,
			       size_t tlen)
{
	if (!pr->out.ntail && !pr->err.ntail) {
		snprintf(buf, len, "it printed nothing");
		return buf;
	}
	snprintf(buf, len, "its last output: %s", output_tail(&pr->out, tmp, tlen));
	if (pr->err.ntail)
		snprintf(buf + strlen(buf), len - strlen(buf), "%sstderr: %s",
			 pr->out.ntail ? " | " : "", output_tail(&pr->err, tmp, tlen));
	return buf;
}

bool programs_failed(struct run *r, int host, const char *before)
{
	struct endpoint *ep = &r->ep[host];

	for (size_t k = 0; k < ep->nprog; k++) {
		struct prog_run *pr = &ep->prog[k];
		char status[64], out[1200], err[1200], name[160];

		collect_one(r, host, pr);
		if (!pr->proc.exited)
			continue;
		diag_at(r->d, pr->p->at, "%s: %s %s %s; %s", host_of(r, host)->name,
			which(pr, name, sizeof(name)),
			exec_status_str(pr->proc.wait_status, status, sizeof(status)), before,
			last_output(pr, out, sizeof(out), err, sizeof(err)));
		if (WIFEXITED(pr->proc.wait_status) && !WEXITSTATUS(pr->proc.wait_status) && !pr->ready)
			diag_add(r->d, "  (a program that daemonizes, forking into the background and exiting 0, must stay in the foreground here: e.g. its -D, --foreground or \"daemonize no\")");
		return true;
	}
	return false;
}

int programs_timed_out(struct run *r, int host, const char *what)
{
	struct endpoint *ep = &r->ep[host];
	struct prog_run *pr = ep->nprog ? &ep->prog[ep->nprog - 1] : NULL;
	char out[1200], err[1200], name[160];

	if (!pr) {
		diag_add(r->d, "%s: %s", host_of(r, host)->name, what);
		return -ETIMEDOUT;
	}
	diag_at(r->d, pr->p->at, "%s: %s %s; %s", host_of(r, host)->name,
		which(pr, name, sizeof(name)), what, last_output(pr, out, sizeof(out), err, sizeof(err)));
	if (!pr->out.ntail && !pr->err.ntail && pr->p->ready == READY_LOG)
		diag_add(r->d, "  (if it buffers its output, try tty: true)");
	return -ETIMEDOUT;
}

const struct program *programs_waiting(const struct run *r, int host)
{
	const struct endpoint *ep = &r->ep[host];

	return ep->nprog ? ep->prog[ep->nprog - 1].p : host_of(r, host)->program;
}

/* @pr is gone: take in the last of its output, close the files. */
static void finish(struct run *r, int host, struct prog_run *pr)
{
	collect_one(r, host, pr);
	output_close(&pr->out);
	output_close(&pr->err);
	if (pr->has_re)
		regfree(&pr->ready_re);
	pr->has_re = false;
}

static void close_tails(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];

	for (size_t k = 0; k < ep->ntails; k++) {
		struct tail *t = &ep->tails[k];

		collect_tail(r, host, t);
		if (t->out.fd >= 0)
			close(t->out.fd);
		output_close(&t->out);
		free(t->path);
	}
	ep->ntails = 0;
}

void programs_kill(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];

	/* newest first: what a later program needs is there until it dies */
	for (size_t k = ep->nprog; k-- > 0;) {
		struct prog_run *pr = &ep->prog[k];

		if (pr->proc.init <= 0)
			continue;
		collect_one(r, host, pr);
		if (!pr->proc.exited) {
			/* the init's death takes every process of it along */
			exec_signal(&pr->proc, SIGKILL);
			pr->proc.exited = true;
			pr->proc.wait_status = SIGKILL;	/* as waitpid() says it */
			record_exit(r, host, pr);
		}
		exec_stop(&pr->proc, 0, true);
		finish(r, host, pr);
	}
}

void programs_stop(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];
	int64_t until = clock_mono_ns() + ENDPOINT_GRACE_NS;

	/* one grace period for them all: each is told at once */
	programs_signal(r, host, SIGCONT);
	programs_signal(r, host, SIGTERM);
	for (size_t k = ep->nprog; k-- > 0;) {
		struct prog_run *pr = &ep->prog[k];
		int64_t left = until - clock_mono_ns();

		if (pr->proc.init <= 0)
			continue;
		collect_one(r, host, pr);
		exec_stop(&pr->proc, left > 0 ? left : 1, false);
		finish(r, host, pr);
	}
	close_tails(r, host);
	free(ep->dir);
	ep->dir = NULL;
}

int programs_signal(struct run *r, int host, int sig)
{
	struct endpoint *ep = &r->ep[host];
	int ret = -ESRCH;

	for (size_t k = 0; k < ep->nprog; k++)
		if (!ep->prog[k].proc.exited && !exec_signal(&ep->prog[k].proc, sig))
			ret = 0;
	return ret;
}
