/* The NAT router's own nftables table, for each way it treats a segment
 * of a connection conntrack forgot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "netns/router.h"

static void test_no_nat_no_table(void **state)
{
	struct topo_config net = { .kind = TOPO_ROUTED, .family = AF_INET };
	char buf[1024];

	(void)state;
	assert_string_equal(router_script(&net, "p-client", buf, sizeof(buf)), "");
}

static void test_nat(void **state)
{
	struct topo_config net = { .kind = TOPO_ROUTED, .family = AF_INET6, .nat = true };
	char buf[1024];

	(void)state;
	router_script(&net, "p-client", buf, sizeof(buf));
	/* one inet table for both families: masquerade what comes from the
	 * client's port, forward everything */
	assert_non_null(strstr(buf, "table inet unplug_router {"));
	assert_non_null(strstr(buf, "type nat hook postrouting priority srcnat;"));
	assert_non_null(strstr(buf, "iifname \"p-client\" masquerade"));
	assert_null(strstr(buf, "ct state invalid"));

	net.untracked = TOPO_UNTRACKED_DROP;
	router_script(&net, "p-client", buf, sizeof(buf));
	assert_non_null(strstr(buf, "ct state invalid drop"));
	assert_null(strstr(buf, "reject"));

	net.untracked = TOPO_UNTRACKED_RESET;
	router_script(&net, "p-client", buf, sizeof(buf));
	assert_non_null(strstr(buf, "ct state invalid meta l4proto tcp reject with tcp reset"));
	/* what is not TCP cannot be reset: still dropped */
	assert_non_null(strstr(buf, "ct state invalid drop"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_nat_no_table),
		cmocka_unit_test(test_nat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
