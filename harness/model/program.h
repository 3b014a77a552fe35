/* The user's own program as a host's endpoint (`exec:`): what to run, in
 * which environment, and how to know it is ready. Placeholders
 * {HOST.addr} and {HOST.port} are checked at load and filled in at run
 * time, when the addresses are known. */
#ifndef HARNESS_MODEL_PROGRAM_H
#define HARNESS_MODEL_PROGRAM_H

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
	char **argv;		/* as written, NULL-terminated */
	size_t argc;
	struct pos *argv_at;
	struct program_env *env;
	size_t nenv;
	enum ready_kind ready;
	int64_t ready_timeout_ns;	/* listen, log: give up after this */
	int64_t ready_delay_ns;	/* delay */
	char *ready_log;	/* log: an extended regex (checked at load) */
	struct pos at;		/* the exec key */
};

/* How long a program may take to become ready unless `ready:` says. */
#define PROGRAM_READY_TIMEOUT_NS (5 * 1000000000LL)

/* Read `exec`, `env` and `ready` of host section @n into a new program
 * (*out, freed with program_free()); @listens: the host has `listen:`.
 * Returns 0 or -EINVAL with every problem in @d. */
int program_load(struct ynode n, int listens, struct program **out, struct diag *d);

/* Check every placeholder of @p against @sc's hosts (all loaded): a known
 * host, and `port` only for a host that listens. Returns 0 or -EINVAL. */
int program_check(const struct program *p, const struct scenario *sc, struct diag *d);

/* @text with every {HOST.addr} / {HOST.port} filled in from @addrs (per
 * host index) and the hosts' ports; "{{" and "}}" stand for braces. The
 * caller frees *out. Returns 0, -EINVAL for a bad placeholder (with why
 * in @d, cited at @at), or -ENOMEM. */
int program_expand(const char *text, struct pos at, const struct scenario *sc,
		   const char *const *addrs, char **out, struct diag *d);

void program_free(struct program *p);

#endif
