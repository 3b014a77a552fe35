/* Per-host sysctls (`hosts: { server: { sysctl: { ... } } }`): checked
 * against a namespace of their own before a scenario runs, then written
 * inside one host's namespace before any of its sockets exist. The host
 * machine's own values are never touched. */
#ifndef HARNESS_SYSCTL_H
#define HARNESS_SYSCTL_H

#include "common/diag.h"
#include "harness/model/scenario.h"

/* Check every sysctl of @sc by writing it in a throwaway namespace: an
 * unknown or machine-wide key, or a value the kernel refuses, is reported
 * at its position. Without the privilege to make a namespace, in a child
 * that is root in a user namespace of its own (as a rootless run would
 * write them); where neither can be made, only checks that each key
 * exists here. Returns 0, -EINVAL or -ENOMEM. */
int sysctl_check(const struct scenario *sc, struct diag *d);

/* Write @h's sysctls inside namespace @ns. Returns 0 or -errno. */
int sysctl_apply(const struct host *h, int ns, struct diag *d);

#endif
