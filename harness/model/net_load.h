/* The network section of a scenario: `family:` and `topology:`. */
#ifndef HARNESS_NET_LOAD_H
#define HARNESS_NET_LOAD_H

#include "harness/model/scenario.h"
#include "harness/model/yaml_node.h"

/* family: ipv4 | ipv6. Returns 0 or -EINVAL with the problem in @d. */
int net_load_family(struct ynode n, struct net_config *net, struct diag *d);

/* topology: switched | routed, or { kind, nat, conntrack-timeout,
 * untracked }. Returns 0 or -EINVAL. */
int net_load_topology(struct ynode n, struct net_config *net, struct diag *d);

#endif
