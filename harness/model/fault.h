/* Faults: the ways a scenario breaks the network or a host. This is the
 * interface every kind implements; each kind is a harness/faults/
 * fault_<kind>.c exporting one struct fault_ops, listed in
 * harness/faults/fault_table.c. Adding a kind is adding a file and a row. */
#ifndef HARNESS_MODEL_FAULT_H
#define HARNESS_MODEL_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"
#include "harness/model/yaml_node.h"

struct scenario;
struct topo;

struct fault {
	const struct fault_ops *ops;
	struct pos at;		/* the fault's key in the scenario file */
	struct pos arg_at;	/* its argument */
	char *host_name;	/* the host it targets, as written */
	int host;		/* resolved by validate() */
	void *priv;		/* the kind's own arguments, freed by ops->free */
};

/* What a fault acts on while a scenario runs. The runner owns the hosts'
 * endpoint processes and captures, so host faults reach them through it. */
struct fault_ctx {
	struct topo *topo;
	/* Send @sig to @host's endpoint — the built-in peer, or every process
	 * of its program (crash: SIGKILL, freeze: SIGSTOP, thaw: SIGCONT). */
	int (*signal_endpoint)(void *arg, int host, int sig, struct diag *d);
	/* Start @host's endpoint again (killing it first if it runs). */
	int (*restart_endpoint)(void *arg, int host, struct diag *d);
	/* Power @host off (it vanishes) or on (an empty TCP stack; @new_mac:
	 * a replacement machine with another MAC). */
	int (*power)(void *arg, int host, bool on, bool new_mac, struct diag *d);
	void *arg;
	/* When the fault took effect (wall clock ns), for one whose effect
	 * comes before its apply() returns — a signal sent, then the death
	 * awaited; 0: when apply() returned. Set by the callbacks above. */
	int64_t effective_ns;
};

/* Kernel features a fault kind needs beyond the basics (fault_ops.needs);
 * a scenario that needs a missing one is skipped with the reason. */
#define FAULT_NEEDS_NETEM 0x1
#define FAULT_NEEDS_NFT_BRIDGE 0x2	/* nftables bridge family (in a switch) */
#define FAULT_NEEDS_NFT_REJECT 0x4	/* nftables netdev-family reject */

struct fault_ops {
	const char *name;	/* as written in a scenario: "cable-pull" */
	const char *help;	/* one line for docs and errors */
	unsigned needs;		/* FAULT_NEEDS_* */
	bool repairs;		/* it undoes a break (cable-plug, heal,
				 * power-on...): never what latencies are
				 * measured from */
	/* Read the fault's argument node into @f. */
	int (*parse)(struct fault *f, struct ynode arg, struct diag *d);
	/* Check @f against the rest of the scenario (host names...). */
	int (*validate)(struct fault *f, const struct scenario *sc,
			struct diag *d);
	/* Break / restore the network. Errors name the operation, the object
	 * and the namespace, and are cited at f->at by the caller. */
	int (*apply)(const struct fault *f, struct fault_ctx *ctx, struct diag *d);
	int (*revert)(const struct fault *f, struct fault_ctx *ctx, struct diag *d);
	/* Free f->priv; NULL when the kind keeps nothing there. */
	void (*free)(void *priv);
};

/* Every kind, in the order docs and errors list them (fault_table.c). */
extern const struct fault_ops *const fault_kinds[];
extern const size_t fault_nkinds;

/* The ops for @name, or NULL. */
const struct fault_ops *fault_find(const char *name);

/* All fault kind names, comma-separated, for error messages. */
const char *fault_names(char *buf, size_t len);

/* Parse `{ <kind>: <arg> }` at @n into a new fault (caller frees with
 * fault_free). Returns 0 or -EINVAL with the problem in @d. */
int fault_parse(struct ynode n, struct fault **out, struct diag *d);

void fault_free(struct fault *f);

/* Shared by kinds whose argument is a single host name. */
int fault_parse_host(struct fault *f, struct ynode arg, struct diag *d);
int fault_validate_host(struct fault *f, const struct scenario *sc,
			struct diag *d);

/* A host a fault names inside its argument mapping ("from: client"). */
struct fault_hostref {
	char *name;		/* NULL when the key is absent */
	struct pos at;
	int index;		/* resolved by fault_hostref_resolve() */
};

/* Read the host name at @n into @ref. Returns 0 or -EINVAL. */
int fault_hostref_parse(struct ynode n, const char *what,
			struct fault_hostref *ref, struct diag *d);
/* Resolve @ref against @sc's hosts (absent stays HOST_NONE). */
int fault_hostref_resolve(struct fault_hostref *ref, const char *what,
			  const struct scenario *sc, struct diag *d);

/* A name for the kernel objects a fault makes (nft tables), unique in a
 * scenario and traceable to it: "unplug_<line>_<col>". */
const char *fault_object_name(const struct fault *f, char *buf, size_t len);

/* Shared by kinds that act on the whole network and take no argument. */
int fault_parse_none(struct fault *f, struct ynode arg, struct diag *d);
int fault_validate_none(struct fault *f, const struct scenario *sc,
			struct diag *d);

#endif
