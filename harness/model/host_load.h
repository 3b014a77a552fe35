/* The host sections of a scenario: `client:`/`server:` (the built-in peer)
 * and `hosts:` (per-namespace settings such as sysctls). */
#ifndef HARNESS_HOST_LOAD_H
#define HARNESS_HOST_LOAD_H

#include "harness/model/scenario.h"
#include "harness/model/yaml_node.h"

/* Parse host @h's peer section at @n. Returns 0 or -EINVAL with every
 * problem in @d. */
int host_load_peer(struct ynode n, struct scenario *sc, struct host *h,
		   struct diag *d);

/* A host named where the scenario refers to one ("from: client"), as an
 * index into sc->hosts; an unknown name is reported at @n with the hosts
 * there are. Returns 0 or -EINVAL. */
int host_load_ref(struct ynode n, const char *what, const struct scenario *sc,
		  int *host, struct diag *d);

/* The same for a host whose built-in peer is needed (its actions' calls):
 * a host running the user's program is "<host> runs your program: @why". */
int host_load_peer_ref(struct ynode n, const char *what, const char *why,
		       const struct scenario *sc, int *host, struct diag *d);

/* A connecting peer must target another host that listens on that port. */
int host_check_peers(struct scenario *sc, struct diag *d);

/* The settings @n of host @h (defined by client: or server:) in `hosts:
 * { <host>: { sysctl: { key: value } } }`. Returns 0 or -EINVAL. */
int host_load_settings(struct ynode n, struct host *h, struct diag *d);

/* Entry @v of hosts: for host @name defined elsewhere: settings only
 * ("unknown key in client: ..." otherwise). Returns 0 or -EINVAL. */
int host_check_settings(struct ynode v, const char *name, struct diag *d);

/* Whether entry @v of hosts: holds settings only (sysctl:), not a host. */
bool host_is_settings(struct ynode v);

/* A new host's name @key: [a-z][a-z0-9-]*, at most HOST_NAME_MAX_LEN, not
 * "scenario", not a host's already. Returns 0 or -EINVAL. */
int host_check_name(struct ynode key, const struct scenario *sc, struct diag *d);

#endif
