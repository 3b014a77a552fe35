/* Every fault kind: adding one is a fault_<kind>.c in this folder and a
 * row here. The model (harness/model/fault.h) declares the table and looks
 * kinds up in it; it never includes the kinds themselves. */
#include "harness/model/fault.h"

extern const struct fault_ops fault_cable_pull;
extern const struct fault_ops fault_cable_plug;
extern const struct fault_ops fault_nic_down;
extern const struct fault_ops fault_nic_up;
extern const struct fault_ops fault_switch_off;
extern const struct fault_ops fault_switch_on;
extern const struct fault_ops fault_blackhole;
extern const struct fault_ops fault_partition;
extern const struct fault_ops fault_drop;
extern const struct fault_ops fault_reset;
extern const struct fault_ops fault_unreachable;
extern const struct fault_ops fault_heal;
extern const struct fault_ops fault_crash;
extern const struct fault_ops fault_freeze;
extern const struct fault_ops fault_thaw;
extern const struct fault_ops fault_restart;
extern const struct fault_ops fault_power_off;
extern const struct fault_ops fault_power_on;
extern const struct fault_ops fault_netem;
extern const struct fault_ops fault_nat_expire;

/* Every fault kind: adding one is a fault_<kind>.c and a row here. */
const struct fault_ops *const fault_kinds[] = {
	&fault_cable_pull,
	&fault_cable_plug,
	&fault_nic_down,
	&fault_nic_up,
	&fault_switch_off,
	&fault_switch_on,
	&fault_blackhole,
	&fault_partition,
	&fault_drop,
	&fault_reset,
	&fault_unreachable,
	&fault_heal,
	&fault_crash,
	&fault_freeze,
	&fault_thaw,
	&fault_restart,
	&fault_power_off,
	&fault_power_on,
	&fault_netem,
	&fault_nat_expire,
};

const size_t fault_nkinds = sizeof(fault_kinds) / sizeof(fault_kinds[0]);
