/* Scenario loading: valid files load into the model; every class of error
 * is reported as file:line:col with the bad value and what is accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "captures/packet.h"
#include "common/duration.h"
#include "common/errname.h"
#include "harness/cli/catalogue.h"
#include "harness/model/fault.h"
#include "harness/model/scenario.h"
#include "yaml_fixture.h"

#define VALID_HEAD_BODY \
	"server:\n" \
	"  listen: 7000\n" \
	"client:\n" \
	"  connect: server:7000\n"
#define VALID_HEAD "name: test\n" VALID_HEAD_BODY

static void test_valid_full(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	assert_int_equal(load("name: keepalive notices a pulled cable\n"
			      "claims: [C1.6, C0.5a, { C1.2: differs }, { C4.6: partly }]\n"
			      "about: >\n  some text\n"
			      "server:\n"
			      "  listen: 7000\n"
			      "  keepalive: { idle: 2s, interval: 1s, count: 3 }\n"
			      "client:\n"
			      "  connect: server:7000\n"
			      "steps:\n"
			      "  - at: 2s\n"
			      "    fault: { cable-plug: client }\n"
			      "  - at: 500ms\n"
			      "    fault: { cable-pull: client }\n"
			      "  - at: 3s\n"
			      "    action: { send: { from: client, bytes: 100 } }\n"
			      "expect:\n"
			      "  - detect: { host: server, error: [ETIMEDOUT, eof], within: 4.5s..5.6s }\n"
			      "  - no-detect: { host: client, for: 8s }\n"
			      "  - packets: { from: server, kind: keepalive-probe, count: 3 }\n"
			      "  - packets: { to: client, kind: [RST, FIN], count: 0 }\n",
			      &sc, &d), 0);
	assert_int_equal(d.count, 0);
	assert_string_equal(sc->name, "keepalive notices a pulled cable");
	assert_int_equal(sc->nclaims, 4);
	assert_string_equal(sc->claims[1], "C0.5a");
	assert_int_equal(sc->findings[1], CLAIM_CONFIRMED);
	assert_string_equal(sc->claims[2], "C1.2");
	assert_int_equal(sc->findings[2], CLAIM_DIFFERS);
	assert_int_equal(sc->findings[3], CLAIM_PARTLY);
	assert_false(sc->from_start);
	assert_int_equal(sc->nhosts, 2);
	assert_int_equal(sc->hosts[1].peer.role, PEER_LISTEN);
	assert_int_equal(sc->hosts[1].peer.port, 7000);
	assert_true(sc->hosts[1].peer.keepalive.on);
	assert_int_equal(sc->hosts[1].peer.keepalive.idle_ns, 2 * NS_PER_S);
	assert_int_equal(sc->hosts[1].peer.keepalive.count, 3);
	assert_int_equal(sc->hosts[0].peer.role, PEER_CONNECT);
	assert_int_equal(sc->hosts[0].peer.target, 1);
	/* steps come out in time order, whatever the file order */
	assert_int_equal(sc->nsteps, 3);
	assert_int_equal(sc->steps[0].at_ns, 500 * NS_PER_MS);
	assert_string_equal(sc->steps[0].fault->ops->name, "cable-pull");
	assert_int_equal(sc->steps[0].fault->host, 0);
	assert_int_equal(sc->steps[0].at_pos.line, 13);
	assert_null(sc->steps[2].fault);
	assert_int_equal(sc->steps[2].action.bytes, 100);
	assert_int_equal(sc->nexpects, 4);
	assert_string_equal(sc->expects[0].ops->name, "detect");
	assert_int_equal(sc->expects[0].nerrors, 2);
	assert_int_equal(sc->expects[0].errors[1], ERRNAME_EOF);
	assert_int_equal(sc->expects[0].lo_ns, 4500 * NS_PER_MS);
	assert_int_equal(sc->expects[0].hi_ns, 5600 * NS_PER_MS);
	assert_int_equal(sc->expects[0].at.line, 18);
	assert_int_equal(sc->expects[1].for_ns, 8 * NS_PER_S);
	assert_int_equal(sc->expects[2].from, 1);
	assert_int_equal(sc->expects[2].to, HOST_NONE);
	assert_int_equal(sc->expects[3].kinds, PKIND_RST | PKIND_FIN);
	assert_int_equal(sc->expects[2].count_lo, 3);
	assert_int_equal(sc->expects[2].count_hi, 3);
	/* the cable-plug at 2 s repairs: latencies count from the pull */
	assert_int_equal(scenario_last_fault_ns(sc), 500 * NS_PER_MS);
	assert_true(step_breaks(&sc->steps[0]));
	assert_false(step_breaks(&sc->steps[1]));
	/* the longest window: 500 ms (the pull) + 8 s */
	assert_int_equal(scenario_horizon_ns(sc), 8500 * NS_PER_MS);
	scenario_free(sc);
}

/* steps-from: start lets a host connect to a closed port; keepalive: on
 * leaves the times to the sysctls; kernel: and transit load. */
static void test_connect_phase_and_kernel(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	assert_int_equal(load("name: refused\n"
			      "steps-from: start\n"
			      "server: { listen: 7000, keepalive: on }\n"
			      "client: { connect: server:7001 }\n"
			      "expect:\n"
			      "  - detect: { host: client, error: ECONNREFUSED, within: 50ms, kernel: \">= 6.5\" }\n"
			      "  - transit: { from: client, to: server, lost: 0, since: establishment }\n",
			      &sc, &d), 0);
	assert_true(sc->from_start);
	assert_true(sc->hosts[1].peer.keepalive.on);
	assert_int_equal(sc->hosts[1].peer.keepalive.idle_ns, 0);
	assert_int_equal(sc->expects[0].kernel.op, KCOND_GE);
	assert_int_equal(sc->expects[1].kernel.op, KCOND_NONE);
	assert_true(sc->expects[1].since_establishment);
	assert_int_equal(sc->expects[1].lost_hi, 0);
	scenario_free(sc);
	expect_error("name: t\nserver: { listen: 7000, keepalive: sometimes }\nclient: { connect: server:7000 }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     2, 36, "bad keepalive: \"sometimes\" (on: the kernel's defaults, or { idle: 2s, interval: 1s, count: 3 })");
}

static void test_count_forms(void **state)
{
	static const struct {
		const char *text;
		long lo, hi;
	} forms[] = {
		{ "0", 0, 0 }, { "3", 3, 3 }, { "2..5", 2, 5 }, { "\">= 3\"", 3, LONG_MAX },
		{ "\">=3\"", 3, LONG_MAX }, { "\"<= 5\"", 0, 5 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char yaml[512];
		struct scenario *sc;
		struct diag d;

		snprintf(yaml, sizeof(yaml), VALID_HEAD "expect:\n  - packets: { kind: FIN, count: %s }\n",
			 forms[i].text);
		assert_int_equal(load(yaml, &sc, &d), 0);
		assert_int_equal(sc->expects[0].count_lo, forms[i].lo);
		assert_int_equal(sc->expects[0].count_hi, forms[i].hi);
		scenario_free(sc);
	}
}

static void test_shipped_catalogue_loads(void **state)
{
	struct catalogue cat = { 0 };
	struct diag d;

	(void)state;
	diag_init(&d, NULL);
	assert_int_equal(catalogue_add(&cat, FIXTURES "/../../scenarios", &d), 0);
	assert_true(cat.n >= 14);
	for (size_t i = 0; i < cat.n; i++) {
		struct scenario **v;
		struct diag sd;
		size_t n;

		diag_init(&sd, cat.v[i].path);
		if (scenario_load_sweep(cat.v[i].path, &v, &n, &sd))
			diag_print(&sd, stderr);
		assert_int_equal(sd.count, 0);
		assert_non_null(v);
		assert_true(n >= 1);
		scenario_free_all(v, n);
	}
	catalogue_free(&cat);
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_error(VALID_HEAD "expect: [ { no-detect: { host: server, for: 1s } } ]\nsteps_: []\n",
		     7, 1, "unknown key in a scenario: \"steps_\" (did you mean \"steps\"? accepted: name, claims, about, family, topology, hosts, client, server, sample-every, capture-payload, steps-from, observe, steps, expect, matrix, repeat)");
	expect_error(VALID_HEAD "expect:\n  - no-detect: { host: server, for: 1s, fro: 2s }\n",
		     7, 41, "unknown key in no-detect: \"fro\" (did you mean \"for\"? accepted: host, by, program, status, for, since, kernel, when, rate)");
}

static void test_bad_duration(void **state)
{
	(void)state;
	expect_error(VALID_HEAD "expect:\n  - no-detect: { host: server, for: 5x }\n",
		     7, 37, "bad duration for for: \"5x\" (a number and a unit");
	expect_error(VALID_HEAD "steps:\n  - at: 500\n    fault: { cable-pull: client }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     7, 9, "bad duration for at: \"500\"");
	expect_error(VALID_HEAD "expect:\n  - no-detect: { host: server, for: -1s }\n",
		     7, 37, "\"-1s\"");
}

static void test_unknown_host(void **state)
{
	(void)state;
	expect_error(VALID_HEAD "expect:\n  - detect: { host: sever, within: 5s }\n",
		     7, 21, "unknown host in detect host: \"sever\" (did you mean \"server\"? hosts: client, server)");
	expect_error(VALID_HEAD "steps:\n  - at: 1s\n    fault: { cable-pull: clinet }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     8, 26, "unknown host in cable-pull: \"clinet\" (did you mean \"client\"? hosts: client, server)");
	expect_error("name: t\nserver: { listen: 7000 }\nclient: { connect: db:7000 }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     3, 20, "unknown host in connect: \"db\"");
}

static void test_unknown_errno(void **state)
{
	(void)state;
	expect_error(VALID_HEAD "expect:\n  - detect: { host: server, error: ETIMEOUT, within: 5s }\n",
		     7, 36, "unknown error name: \"ETIMEOUT\" (accepted: eof, heartbeat-timeout, ETIMEDOUT, ECONNRESET");
}

static void test_missing_field(void **state)
{
	(void)state;
	expect_error(VALID_HEAD "expect:\n  - detect: { host: server }\n",
		     7, 13, "detect needs within (e.g. within: 4.5s..5.6s)");
	expect_error("name: t\nserver: { listen: 7000 }\nexpect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     1, 1, "a scenario needs client");
	expect_error(VALID_HEAD "steps:\n  - fault: { cable-pull: client }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     7, 5, "a step needs at (e.g. at: 500ms)");
	expect_error(VALID_HEAD, 1, 1, "a scenario needs expect");
	expect_error("name: t\nserver: { listen: 7000 }\nclient: { keepalive: { idle: 1s, interval: 1s, count: 1 } }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     3, 9, "client needs exactly one of listen");
	expect_error(VALID_HEAD "  keepalive: { idle: 2s, count: 3 }\nexpect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     6, 14, "keepalive needs interval (e.g. interval: 1s)");
}

static void test_window_inverted(void **state)
{
	(void)state;
	expect_error(VALID_HEAD "expect:\n  - detect: { host: server, within: 6s..5s }\n",
		     7, 37, "bad window for within: \"6s..5s\" (the lower bound exceeds the upper bound)");
	expect_error(VALID_HEAD "expect:\n  - detect: { host: server, within: 5s...6s }\n",
		     7, 37, "bad window for within: \"5s...6s\" (LOW..HIGH or HIGH");
}

static void test_bad_types_and_values(void **state)
{
	(void)state;
	expect_error("- just\n- a list\n", 1, 1, "a scenario must be a mapping, not a list");
	expect_error("name: t\n  bad: : indentation\n", 2, 6, "not valid YAML");
	expect_error(VALID_HEAD "claims: [1.6]\nexpect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     6, 10, "bad claim id: \"1.6\" (an id from CLAIMS.md, e.g. C1.6 or C0.5a)");
	expect_error(VALID_HEAD "steps:\n  - at: 1s\n    fault: { cable-cut: client }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     8, 14, "unknown fault: \"cable-cut\" (did you mean \"cable-pull\"? accepted: cable-pull, cable-plug, nic-down, nic-up, switch-off, switch-on, blackhole, partition, drop, reset, unreachable, heal, crash, freeze, thaw, restart, power-off, power-on, netem, nat-expire)");
	expect_error(VALID_HEAD "  keepalive: { idle: 1500ms, interval: 1s, count: 3 }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     6, 22, "bad keepalive idle: \"1500ms\" (whole seconds from 1s to 32767s");
	expect_error(VALID_HEAD "  keepalive: { idle: 1s, interval: 1s, count: 0 }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     6, 47, "bad keepalive count: \"0\" (a whole number from 1 to 127)");
	expect_error("name: t\nserver: { listen: 7000 }\nclient: { connect: server:7001 }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     3, 9, "client connects to server:7001, but server does not listen there");
	expect_error(VALID_HEAD "expect:\n  - packets: { kind: SYNACK, count: 1 }\n",
		     7, 22, "unknown packet kind: \"SYNACK\" (accepted: FIN, RST, SYN, data");
	expect_error(VALID_HEAD "expect:\n  - packets: { kind: FIN, count: many }\n",
		     7, 34, "bad count: \"many\" (a whole number from 0");
	expect_error(VALID_HEAD "expect:\n  - packets: { kind: FIN, count: 5..2 }\n",
		     7, 34, "bad count: \"5..2\"");
	expect_error(VALID_HEAD "expect:\n  - packets: { kind: FIN, count: -1 }\n",
		     7, 34, "bad count: \"-1\"");
	expect_error(VALID_HEAD "name: again\nexpect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     6, 1, "duplicate key: \"name\" (first at line 1)");
	expect_error(VALID_HEAD "expect: []\n", 6, 9, "expect is empty");
	expect_error(VALID_HEAD "expect:\n  - smells: { host: server }\n",
		     7, 5, "unknown expectation: \"smells\" (accepted: detect, no-detect, packets");
}

#define STEP(fault) VALID_HEAD "steps:\n  - at: 1s\n    fault: " fault "\n" \
	"expect: [ { no-detect: { host: server, for: 1s } } ]\n"

#define STEPS(steps) VALID_HEAD "steps:\n" steps \
	"expect: [ { no-detect: { host: server, for: 1s } } ]\n"

/* What a run would only find out after building the network is refused
 * by the loader: a power-on of a host that is on, a power-off of one that
 * is off, hosts that all listen. */
static void test_cannot_run(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	expect_error(STEPS("  - { at: 1s, fault: { power-on: client } }\n"), 7, 5,
		     "power-on at 1.000 s: client is on already (a power-on needs an earlier power-off of the same host)");
	expect_error(STEPS("  - { at: 1s, fault: { power-off: client } }\n"
			   "  - { at: 2s, fault: { power-off: client } }\n"), 8, 5,
		     "power-off at 2.000 s: client is off already");
	/* for: turns it back on, so a later power-on finds it on */
	expect_error(STEPS("  - { at: 1s, fault: { power-off: server }, for: 500ms }\n"
			   "  - { at: 2s, fault: { power-on: server } }\n"), 8, 5,
		     "power-on at 2.000 s: server is on already");
	/* repeated: off and on each time is fine */
	assert_int_equal(load(STEPS("  - { at: 1s, every: 1s, times: 3, fault: { power-off: client }, for: 500ms }\n"
				    "  - { at: 5s, fault: { power-off: client } }\n"
				    "  - { at: 6s, fault: { power-on: client } }\n"), &sc, &d), 0);
	scenario_free(sc);
	diag_clear(&d);
	expect_error("name: t\nserver: { listen: 7000 }\nclient: { listen: 7001 }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n", 2, 9,
		     "every host listens and none connects: one must connect to another (e.g. server: connect: client:7001)");
}

static void test_fault_arguments(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	/* every kind, in a form that loads */
	static const char *const good[] = {
		"{ nic-down: client }", "{ nic-up: server }", "{ switch-off: }",
		"{ switch-on: switch }", "{ blackhole: client }",
		"{ blackhole: { host: server, arp: true } }",
		"{ drop: { from: client } }",
		"{ drop: { from: client, to: server, what: acks, first: 3 } }",
		"{ drop: { from: server, what: data, percent: 20 } }",
		"{ drop: { from: server, what: syn, percent: \"0.5%\" } }",
		"{ reset: { from: client, to: server, count: 2 } }",
		"{ unreachable: { from: client, type: admin } }", "{ heal: }",
		"{ crash: client }", "{ freeze: server }", "{ thaw: server }",
		"{ restart: server }", "{ power-off: client }",
		"{ netem: { host: server, delay: 300ms, jitter: 20ms, loss: 1, duplicate: 1, "
		"reorder: 25, corrupt: \"0.1%\", rate: 1mbit, seed: 7 } }",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char yaml[1024];

		snprintf(yaml, sizeof(yaml), STEP("%s"), good[i]);
		if (load(yaml, &sc, &d))
			diag_print(&d, stderr);
		assert_int_equal(d.count, 0);
		scenario_free(sc);
		diag_clear(&d);
	}
	expect_error_on(STEP("{ drop: { from: client, what: pings } }"), "pings",
		     "unknown drop what: \"pings\" (accepted: all, acks, data, syn, fin or rst)");
	expect_error_on(STEP("{ drop: { from: client, first: 3, percent: 5 } }"), "5 }",
		     "drop takes first or percent, not both");
	expect_error_on(STEP("{ drop: { from: client, percent: 150 } }"), "150",
		     "bad drop percent: \"150\" (a number above 0 and up to 100");
	expect_error_on(STEP("{ drop: { from: client, to: client } }"), "client } }",
		     "drop from and to name the same host: \"client\"");
	expect_error_on(STEP("{ drop: { to: client } }"), "{ to", "drop needs from (e.g. from: server)");
	expect_error_on(STEP("{ reset: { from: db } }"), "db",
		     "unknown host in reset from: \"db\" (hosts: client, server)");
	expect_error_on(STEP("{ reset: { from: client, type: host } }"), "type",
		     "unknown key in reset: \"type\" (accepted: from, to, count)");
	expect_error_on(STEP("{ unreachable: { from: client, type: mars } }"), "mars",
		     "unknown unreachable type: \"mars\" (accepted: host, net, port or admin)");
	expect_error_on(STEP("{ netem: { host: server, reorder: 25 } }"), "25",
			"netem reorder needs a delay");
	expect_error_on(STEP("{ netem: { host: server, rate: fast } }"), "fast",
			"bad netem rate: \"fast\" (a number and a unit: bit, kbit, mbit or gbit");
	expect_error_on(STEP("{ netem: { host: server, loss: 101 } }"), "101",
			"bad netem loss: \"101\" (a percentage from 0 to 100");
	expect_error_on(STEP("{ switch-off: client }"), "client }",
		     "switch-off takes no argument: \"client\"");
	expect_error_on(STEP("{ blackhole: { host: client, arp: maybe } }"), "maybe",
		     "bad blackhole arp: \"maybe\" (true or false)");
	expect_error_on(STEP("{ crash: [client] }"), "[client]", "the host of crash must be a single value, not a list");
	expect_error_on(STEP("{ cable-pull: client, cable-plug: client }"), "{ cable-pull",
		     "a fault names one kind and its target");
	expect_error_on(VALID_HEAD "  user-timeout: 1.5ms\nexpect: [ { no-detect: { host: server, for: 1s } } ]\n",
		     "1.5ms", "bad user-timeout: \"1.5ms\" (whole milliseconds from 1ms");
}

/* hosts: defines hosts of its own, after client: and server:, in the
 * file's order; connect, faults and expectations name any of them. */
static void test_more_hosts(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	assert_int_equal(load("name: a proxy\n"
			      "hosts:\n"
			      "  client: { connect: proxy:8000 }\n"
			      "  proxy: { listen: 8000, exec: [/bin/cat], sysctl: { net.ipv4.tcp_retries2: 5 } }\n"
			      "  backend: { listen: 9000, keepalive: on }\n"
			      "steps:\n"
			      "  - { at: 1s, fault: { power-off: backend } }\n"
			      "  - { at: 2s, fault: { partition: [[client], [proxy]] } }\n"
			      "expect:\n"
			      "  - detect: { host: client, within: 10s }\n", &sc, &d), 0);
	diag_clear(&d);
	assert_int_equal(sc->nhosts, 3);
	assert_string_equal(sc->hosts[0].name, "client");
	assert_string_equal(sc->hosts[1].name, "proxy");
	assert_string_equal(sc->hosts[2].name, "backend");
	assert_int_equal(sc->hosts[0].peer.target, 1);
	assert_int_equal(sc->hosts[0].peer.port, 8000);
	assert_non_null(sc->hosts[1].program);
	assert_int_equal(sc->hosts[1].peer.role, PEER_LISTEN);
	assert_int_equal(sc->hosts[1].nsysctls, 1);
	assert_true(sc->hosts[2].peer.keepalive.on);
	assert_int_equal(sc->steps[0].fault->host, 2);
	assert_int_equal(sc->expects[0].host, 0);
	scenario_free(sc);
	/* a pair, and one more: the pair first */
	assert_int_equal(load("name: b\n"
			      "hosts:\n  watcher: { connect: server:7000 }\n"
			      "client: { connect: server:7000 }\nserver: { listen: 7000 }\n"
			      "expect:\n  - no-detect: { host: watcher, for: 1s }\n", &sc, &d), 0);
	diag_clear(&d);
	assert_int_equal(sc->nhosts, 3);
	assert_string_equal(sc->hosts[2].name, "watcher");
	assert_int_equal(sc->hosts[2].peer.target, 1);
	scenario_free(sc);
	/* the most hosts there may be */
	{
		char yaml[8192];
		size_t used = (size_t)snprintf(yaml, sizeof(yaml), "name: c\nhosts:\n  h0: { listen: 7000 }\n");

		for (int i = 1; i < SCENARIO_MAX_HOSTS; i++)
			used += (size_t)snprintf(yaml + used, sizeof(yaml) - used, "  h%d: { connect: h0:7000 }\n", i);
		snprintf(yaml + used, sizeof(yaml) - used, "expect:\n  - no-detect: { host: h63, for: 1s }\n");
		assert_int_equal(load(yaml, &sc, &d), 0);
		diag_clear(&d);
		assert_int_equal(sc->nhosts, SCENARIO_MAX_HOSTS);
		assert_int_equal(sc->expects[0].host, 63);
		scenario_free(sc);
	}
}

static void test_peer_options(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	assert_int_equal(load("name: t\n"
			      "hosts:\n"
			      "  client: { sysctl: { net.ipv4.tcp_retries2: 3, net.ipv4.tcp_syn_retries: \"2\" } }\n"
			      "server:\n"
			      "  listen: 7000\n"
			      "  heartbeat: { timeout: 1800ms, poll: 1s }\n"
			      "  on-detect: shutdown-write\n"
			      "  reads: false\n"
			      "client:\n"
			      "  connect: server:7000\n"
			      "  linger: 0s\n"
			      "  heartbeat: { send-every: 500ms, bytes: 16 }\n"
			      "  traffic: { every: 100ms, bytes: 1000 }\n"
			      "  zero-byte-probe: 250ms\n"
			      "expect: [ { no-detect: { host: server, for: 1s } } ]\n",
			      &sc, &d), 0);
	assert_int_equal(sc->hosts[1].peer.heartbeat.timeout_ns, 1800 * NS_PER_MS);
	assert_int_equal(sc->hosts[1].peer.heartbeat.poll_ns, NS_PER_S);
	assert_int_equal(sc->hosts[1].peer.heartbeat.send_every_ns, 0);
	assert_int_equal(sc->hosts[1].peer.on_detect, ON_DETECT_SHUTDOWN_WRITE);
	assert_false(sc->hosts[1].peer.reads);
	assert_true(sc->hosts[0].peer.reads);
	assert_true(sc->hosts[0].peer.linger);
	assert_int_equal(sc->hosts[0].peer.linger_ns, 0);
	assert_int_equal(sc->hosts[0].peer.heartbeat.send_every_ns, 500 * NS_PER_MS);
	assert_int_equal(sc->hosts[0].peer.heartbeat.bytes, 16);
	assert_int_equal(sc->hosts[0].peer.traffic.bytes, 1000);
	assert_int_equal(sc->hosts[0].peer.zero_probe_ns, 250 * NS_PER_MS);
	assert_int_equal(sc->hosts[0].peer.on_detect, ON_DETECT_CLOSE);
	assert_int_equal(sc->hosts[0].nsysctls, 2);
	assert_string_equal(sc->hosts[0].sysctls[1].key, "net.ipv4.tcp_syn_retries");
	assert_string_equal(sc->hosts[0].sysctls[1].value, "2");
	assert_int_equal(sc->hosts[0].sysctls[0].at.line, 3);
	assert_int_equal(sc->hosts[1].nsysctls, 0);
	scenario_free(sc);

	expect_error(VALID_HEAD "  linger: 1.5s\nexpect: []\n", 6, 11, "bad linger: \"1.5s\" (whole seconds");
	expect_error(VALID_HEAD "  heartbeat: { poll: 1s }\nexpect: []\n", 6, 22,
		     "heartbeat poll needs a timeout");
	expect_error(VALID_HEAD "  heartbeat: {}\nexpect: []\n", 6, 14,
		     "a heartbeat needs send-every");
	expect_error(VALID_HEAD "  traffic: { every: 1ms, bytes: 1 }\nexpect: []\n", 6, 21,
		     "bad traffic every: \"1ms\" (from 10ms to 1h");
	expect_error(VALID_HEAD "  on-detect: reboot\nexpect: []\n", 6, 14,
		     "unknown on-detect: \"reboot\" (accepted: close, shutdown-write or keep)");
	expect_error(VALID_HEAD "  reads: maybe\nexpect: []\n", 6, 10, "reads");
	expect_error("name: t\nhosts: { router: {} }\n" VALID_HEAD_BODY "expect: []\n", 2, 10,
		     "unknown host in hosts: \"router\" (settings for client, server");
	expect_error("name: t\nhosts: { client: { sysctl: { kernel.pid_max: 9 } } }\n"
		     VALID_HEAD_BODY "expect: []\n", 2, 30, "bad sysctl name: \"kernel.pid_max\"");
	expect_error("name: t\nhosts:\n  client:\n    sysctl:\n      net.ipv4.tcp_retries2: 3\n"
		     "      net.ipv4.tcp_retries2: 4\n" VALID_HEAD_BODY "expect: []\n", 6, 7,
		     "duplicate key: \"net.ipv4.tcp_retries2\" (first at line 5)");
}

#define ACTION(a) VALID_HEAD "steps:\n  - at: 1s\n    action: " a "\n" \
	"expect: [ { no-detect: { host: server, for: 1s } } ]\n"

static void test_actions_and_repetition(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	assert_int_equal(load(VALID_HEAD "steps:\n"
			      "  - at: 1s\n    every: 500ms\n    times: 4\n    fault: { crash: client }\n"
			      "  - at: 200ms\n    action: { shutdown: { host: server, how: both } }\n"
			      "  - at: 300ms\n    action: { reconnect: client }\n"
			      "  - at: 400ms\n    action: { abort: server }\n"
			      "  - at: 5s\n    action: { send: { from: client, bytes: 1 } }\n"
			      "expect: [ { no-detect: { host: server, for: 1s } } ]\n", &sc, &d), 0);
	assert_int_equal(sc->steps[0].action.kind, ACTION_SHUTDOWN);
	assert_int_equal(sc->steps[0].action.how, SHUT_RDWR);
	assert_int_equal(sc->steps[0].action.host, 1);
	assert_int_equal(sc->steps[1].action.kind, ACTION_RECONNECT);
	assert_int_equal(sc->steps[2].action.kind, ACTION_ABORT);
	assert_string_equal(step_what(&sc->steps[2]), "abort");
	assert_int_equal(sc->steps[3].times, 4);
	assert_int_equal(step_time_ns(&sc->steps[3], 3), 2500 * NS_PER_MS);
	assert_int_equal(sc->steps[4].times, 1);
	/* latencies count from the last occurrence of the last breaking step
	 * (a crash at 2.5 s), not from the later send */
	assert_int_equal(scenario_last_fault_ns(sc), 2500 * NS_PER_MS);
	assert_true(step_breaks(&sc->steps[0]));
	assert_false(step_breaks(&sc->steps[4]));
	scenario_free(sc);

	expect_error(ACTION("{ close: router }"), 8, 22, "unknown host in close: \"router\"");
	expect_error(ACTION("{ reconnect: server }"), 8, 26, "server cannot reconnect: it listens");
	expect_error(ACTION("{ shutdown: { host: client, how: sideways } }"), 8, 46,
		     "unknown shutdown how: \"sideways\" (accepted: read, write or both)");
	expect_error(ACTION("{ reboot: client }"), 8, 15, "unknown action: \"reboot\" (accepted: send, close, abort");
	expect_error(ACTION("{ close: client, abort: client }"), 8, 13, "an action names one thing");
	expect_error(VALID_HEAD "steps:\n  - { at: 1s, every: 1s, times: 2, for: 1s, fault: { crash: client } }\n"
		     "expect: []\n", 7, 41, "bad for: \"1s\" (more than 0s, and less than every");
	expect_error(ACTION("{ close: client }\n    for: 1s"), 9, 10, "for: only a fault can be undone");
	expect_error(VALID_HEAD "steps:\n  - at: 1s\n    every: 1s\n    fault: { crash: client }\n"
		     "expect: []\n", 8, 12, "a repeated step needs both every and times");
	expect_error(VALID_HEAD "steps:\n  - at: 1s\n    every: 1s\n    times: 5000\n"
		     "    fault: { crash: client }\nexpect: []\n", 9, 12, "bad times: \"5000\" (a whole number from 1 to 1000)");
}

/* Repairs are never a latency reference; every other fault is. */
static void test_repairs(void **state)
{
	static const char *const repairs[] = {
		"cable-plug", "nic-up", "switch-on", "heal", "thaw", "power-on", "restart",
	};
	size_t nrepairs = 0;

	(void)state;
	for (size_t i = 0; i < fault_nkinds; i++) {
		bool is_repair = false;

		for (size_t k = 0; k < sizeof(repairs) / sizeof(repairs[0]); k++)
			is_repair |= !strcmp(fault_kinds[i]->name, repairs[k]);
		if (fault_kinds[i]->repairs != is_repair)
			fail_msg("%s: repairs is %d", fault_kinds[i]->name, fault_kinds[i]->repairs);
		nrepairs += is_repair;
	}
	assert_int_equal(nrepairs, sizeof(repairs) / sizeof(repairs[0]));
}

/* A kernel feature a fault kind needs is declared, so that a scenario
 * using it is skipped with the reason where the kernel lacks it (Debian
 * 12's 6.1 has no netdev-family reject), not failed with its error. */
static void test_fault_needs(void **state)
{
	static const struct { const char *name; unsigned needs; } v[] = {
		{ "netem", FAULT_NEEDS_NETEM },
		{ "blackhole", FAULT_NEEDS_NFT_BRIDGE },
		{ "partition", FAULT_NEEDS_NFT_BRIDGE },
		{ "drop", FAULT_NEEDS_NFT_BRIDGE },
		{ "reset", FAULT_NEEDS_NFT_REJECT },
		{ "unreachable", FAULT_NEEDS_NFT_REJECT },
	};

	(void)state;
	for (size_t i = 0; i < fault_nkinds; i++) {
		unsigned want = 0;

		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
			if (!strcmp(fault_kinds[i]->name, v[k].name))
				want = v[k].needs;
		if (fault_kinds[i]->needs != want)
			fail_msg("%s: needs 0x%x, not 0x%x", fault_kinds[i]->name, fault_kinds[i]->needs, want);
	}
}

static void test_step_names_and_since(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	assert_int_equal(load(VALID_HEAD "steps:\n"
			      "  - { name: back, at: 2s, fault: { cable-plug: client } }\n"
			      "  - { name: pull, at: 1s, fault: { cable-pull: client } }\n"
			      "expect:\n"
			      "  - detect: { host: server, error: [heartbeat-timeout, eof], within: 1s, since: pull }\n"
			      "  - no-detect: { host: client, for: 3s }\n", &sc, &d), 0);
	/* names follow their steps through the sort */
	assert_string_equal(sc->steps[0].name, "pull");
	assert_int_equal(sc->expects[0].since, 0);
	assert_int_equal(sc->expects[0].errors[0], ERRNAME_HEARTBEAT);
	assert_int_equal(sc->expects[1].since, -1);
	/* since pull (1 s) + 1 s, or the last break — the pull again: the
	 * plug repairs — + 3 s */
	assert_int_equal(scenario_horizon_ns(sc), 4 * NS_PER_S);
	scenario_free(sc);

	expect_error(VALID_HEAD "steps:\n"
		     "  - { name: x, at: 1s, fault: { crash: client } }\n"
		     "  - { name: x, at: 2s, fault: { crash: server } }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n", 8, 13,
		     "duplicate step name: \"x\" (first used at line 7)");
	expect_error(VALID_HEAD "steps:\n"
		     "  - { name: pull, at: 1s, fault: { cable-pull: client } }\n"
		     "expect: [ { no-detect: { host: server, for: 1s, since: plug } } ]\n", 8, 56,
		     "unknown step in since: \"plug\" (named steps: pull)");
}

static void test_delivered_and_kinds(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	assert_int_equal(load(VALID_HEAD "expect:\n"
			      "  - delivered: { from: client, to: server }\n"
			      "  - packets: { to: client, kind: [icmp-unreachable, arp], count: 0 }\n",
			      &sc, &d), 0);
	assert_string_equal(sc->expects[0].ops->name, "delivered");
	assert_int_equal(sc->expects[0].from, 0);
	assert_int_equal(sc->expects[0].to, 1);
	assert_int_equal(sc->expects[1].kinds, PKIND_ICMP_UNREACH | PKIND_ARP);
	scenario_free(sc);
	expect_error(VALID_HEAD "expect: [ { delivered: { from: client, to: client } } ]\n", 6, 44,
		     "delivered from and to name the same host: \"client\"");
	expect_error(VALID_HEAD "expect: [ { delivered: { from: client } } ]\n", 6, 24,
		     "delivered needs to");
}

static void test_sequence(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	assert_int_equal(load(VALID_HEAD "expect:\n"
			      "  - sequence:\n"
			      "      at: server\n"
			      "      strict: true\n"
			      "      match:\n"
			      "        - { from: server, kind: keepalive-probe, count: \">= 2\", next: false }\n"
			      "        - { to: client, flags: [RST, ACK], payload: false }\n", &sc, &d), 0);
	assert_string_equal(sc->expects[0].ops->name, "sequence");
	assert_int_equal(sc->expects[0].at_host, 1);
	assert_int_equal(sc->expects[0].since, -1);
	assert_int_equal(sc->expects[0].nitems, 2);
	assert_int_equal(sc->expects[0].items[0].count_lo, 2);
	assert_false(sc->expects[0].items[0].next);	/* its own next wins over strict */
	assert_true(sc->expects[0].items[1].next);
	assert_int_equal(sc->expects[0].items[1].flags, PKT_RST | PKT_ACK);
	assert_int_equal(sc->expects[0].items[1].payload, 0);
	assert_int_equal(sc->expects[0].items[1].from, HOST_NONE);
	scenario_free(sc);

	expect_error(VALID_HEAD "expect: [ { sequence: { at: server, match: [ { flags: [URG] } ] } } ]\n",
		     6, 56, "unknown TCP flag: \"URG\" (accepted: SYN, FIN, RST, PSH or ACK)");
	expect_error(VALID_HEAD "expect: [ { sequence: { at: server, match: [] } } ]\n",
		     6, 44, "match lists no item");
	expect_error(VALID_HEAD "expect: [ { sequence: { at: server, match: [ { count: 0 } ] } } ]\n",
		     6, 55, "a sequence item matches at least one packet");
	expect_error(VALID_HEAD "expect: [ { sequence: { match: [ {} ] } } ]\n", 6, 23,
		     "sequence needs at");
}

static void test_network(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	assert_int_equal(load("name: t\nfamily: ipv6\n"
			      "topology: { kind: routed, nat: true, conntrack-timeout: 30s, untracked: reset }\n"
			      VALID_HEAD_BODY "steps: [ { at: 1s, fault: { nat-expire: } } ]\n"
			      "expect: [ { no-detect: { host: server, for: 1s } } ]\n", &sc, &d), 0);
	assert_int_equal(sc->net.family, AF_INET6);
	assert_int_equal(sc->net.kind, NET_ROUTED);
	assert_true(sc->net.nat);
	assert_int_equal(sc->net.conntrack_timeout_ns, 30 * NS_PER_S);
	assert_int_equal(sc->net.untracked, UNTRACKED_RESET);
	assert_string_equal(sc->steps[0].fault->ops->name, "nat-expire");
	scenario_free(sc);
	assert_int_equal(load("name: t\ntopology: routed\n" VALID_HEAD_BODY
			      "expect: [ { no-detect: { host: server, for: 1s } } ]\n", &sc, &d), 0);
	assert_int_equal(sc->net.kind, NET_ROUTED);
	assert_false(sc->net.nat);
	assert_int_equal(sc->net.family, AF_INET);
	scenario_free(sc);

	expect_error("name: t\nfamily: ipv5\n" VALID_HEAD_BODY "expect: []\n", 2, 9,
		     "unknown family: \"ipv5\" (did you mean \"ipv4\"? accepted: ipv4 or ipv6)");
	expect_error("name: t\ntopology: mesh\n" VALID_HEAD_BODY "expect: []\n", 2, 11,
		     "unknown topology: \"mesh\" (accepted: switched or routed)");
	expect_error("name: t\ntopology: { kind: switched, nat: true }\n" VALID_HEAD_BODY "expect: []\n",
		     2, 34, "nat needs a router (kind: routed)");
	expect_error("name: t\ntopology: { kind: routed, conntrack-timeout: 30s }\n" VALID_HEAD_BODY
		     "expect: []\n", 2, 46, "conntrack-timeout needs a NAT router");
	expect_error("name: t\ntopology: { kind: routed, nat: true, conntrack-timeout: 1500ms }\n"
		     VALID_HEAD_BODY "expect: []\n", 2, 57, "bad conntrack-timeout: \"1500ms\" (whole seconds");
	expect_error("name: t\ntopology: { kind: routed, nat: true, untracked: ignore }\n"
		     VALID_HEAD_BODY "expect: []\n", 2, 49, "unknown untracked: \"ignore\" (accepted: pickup, drop or reset)");
	expect_error(STEP("{ nat-expire: }"), 8, 14,
		     "nat-expire needs a NAT router (topology: { kind: routed, nat: true })");
}

static void test_missing_file(void **state)
{
	struct scenario *sc;
	struct diag d;

	(void)state;
	diag_init(&d, "/nonexistent/x.yaml");
	assert_int_equal(scenario_load("/nonexistent/x.yaml", &sc, &d), -ENOENT);
	assert_null(sc);
	assert_non_null(strstr(diag_last(&d), "/nonexistent/x.yaml: cannot open"));
	diag_clear(&d);
	scenario_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_full),
		cmocka_unit_test(test_connect_phase_and_kernel),
		cmocka_unit_test(test_count_forms),
		cmocka_unit_test(test_shipped_catalogue_loads),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_duration),
		cmocka_unit_test(test_unknown_host),
		cmocka_unit_test(test_unknown_errno),
		cmocka_unit_test(test_missing_field),
		cmocka_unit_test(test_window_inverted),
		cmocka_unit_test(test_bad_types_and_values),
		cmocka_unit_test(test_fault_arguments),
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_peer_options),
		cmocka_unit_test(test_more_hosts),
		cmocka_unit_test(test_actions_and_repetition),
		cmocka_unit_test(test_step_names_and_since),
		cmocka_unit_test(test_repairs),
		cmocka_unit_test(test_fault_needs),
		cmocka_unit_test(test_delivered_and_kinds),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
