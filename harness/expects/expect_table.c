/* Every expectation kind: adding one is an expect_<kind>.c in this folder
 * and a row here. The model (harness/model/expect.h) declares the table
 * and looks kinds up in it; it never includes the kinds themselves. */
#include "harness/model/expect.h"

extern const struct expect_ops expect_detect;
extern const struct expect_ops expect_no_detect;
extern const struct expect_ops expect_packets;
extern const struct expect_ops expect_delivered;
extern const struct expect_ops expect_sequence;
extern const struct expect_ops expect_sockets;
extern const struct expect_ops expect_calls;
extern const struct expect_ops expect_transit;
extern const struct expect_ops expect_blocks;

const struct expect_ops *const expect_kinds[] = {
	&expect_detect,
	&expect_no_detect,
	&expect_packets,
	&expect_delivered,
	&expect_sequence,
	&expect_sockets,
	&expect_calls,
	&expect_transit,
	&expect_blocks,
};

const size_t expect_nkinds = sizeof(expect_kinds) / sizeof(expect_kinds[0]);
