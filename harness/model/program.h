/* The user's own programs as a host's endpoint (`exec:`, or several:
 * `programs:`): what to run, as whom, in which environment, and how to
 * know it is ready. Placeholders {HOST.addr}, {HOST.port}, {HOST.dir}
 * and {scenario.dir} are checked at load and filled in at run time, when
 * the addresses and folders are known. */
#ifndef HARNESS_MODEL_PROGRAM_H
#define HARNESS_MODEL_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"
#include "harness/model/yaml_node.h"

struct scenario;

/* How the runner knows the program is ready to be connected to. */
enum ready_kind {
	READY_NONE,		/* at once (a program that connects) */
	READY_LISTEN,		/* a listener on its `listen` port appears */
	READY_LOG,		/* a line of its output matches a regex */
	READY_DELAY,		/* a fixed time after it started */
};

struct program_env {
	char *name;
	char *value;		/* as written: placeholders unexpanded */
	struct pos at;
};

struct program {
	char *name;		/* programs: its name; NULL for exec: alone */
	struct program *next;	/* the host's next program, started after */
	char **argv;		/* as written, NULL-terminated */
	size_t argc;
	struct pos *argv_at;
	struct program_env *env;
	size_t nenv;
	enum ready_kind ready;
	int64_t ready_timeout_ns;	/* listen, log: give up after this */
	int64_t ready_delay_ns;	/* delay */
	char *ready_log;	/* log: an extended regex (checked at load) */
	uint16_t listen;	/* the port it serves; 0: none */
	char *user;		/* user: a name or a uid, as written; NULL:
				 * the default (the sudo user, or root) */
	struct pos user_at;
	bool tty;		/* tty: its stdout is a pseudo-terminal */
	struct pos at;		/* the exec key */
};

/* At most this many programs on a host. */
#define PROGRAM_MAX_PER_HOST 8

/* What placeholders stand for at run time, per host index. */
struct program_vals {
	const char *const *addrs;	/* {HOST.addr} */
	const char *const *dirs;	/* {HOST.dir}: its scratch folder */
	const char *scenario_dir;	/* {scenario.dir} */
};

/* How long a program may take to become ready unless `ready:` says. */
#define PROGRAM_READY_TIMEOUT_NS (5 * 1000000000LL)

/* Read `exec`, `env`, `ready`, `listen`, `user`, `tty` (and, @named,
 * `name`) of the map @n into a new program (*out, freed with
 * program_free(), with the programs after it). Returns 0 or -EINVAL with
 * every problem in @d. */
int program_load(struct ynode n, bool named, struct program **out, struct diag *d);

/* The keys a program's map takes. */
extern const char *const program_keys[];

/* Check every placeholder of @p against @sc's hosts (all loaded): a known
 * host, and `port` only for a host that listens. Returns 0 or -EINVAL. */
int program_check(const struct program *p, const struct scenario *sc, struct diag *d);

/* @text with every placeholder filled in from @vals and the hosts'
 * ports; "{{" and "}}" stand for braces. @vals NULL: only checked (each
 * placeholder then stands for ""). The caller frees *out. Returns 0,
 * -EINVAL for a bad placeholder (with why in @d, cited at @at), or
 * -ENOMEM. */
int program_expand(const char *text, struct pos at, const struct scenario *sc,
		   const struct program_vals *vals, char **out, struct diag *d);

/* The name, in the run directory, of the copy of log file @written (as
 * the scenario writes it) that host @host's program writes:
 * "server.file.postgresql.log" — its last path component, characters
 * other than letters, digits, '.', '-' and '_' made '_'. */
void program_file_copy_name(const char *host, const char *written, char *buf, size_t len);

/* Program @name of @host's programs; NULL if it has none of that name. */
const struct program *program_find(const struct program *first, const char *name);

void program_free(struct program *p);

#endif
