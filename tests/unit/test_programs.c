/* The user's own programs in scenarios: exec hosts (argv, env, ready,
 * placeholders), how a host's noticing is seen (by:), the sockets and
 * calls expectations, the recv action and power-on's new MAC — loaded,
 * checked, and refused with file:line:col when wrong; and finding a
 * program to run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/duration.h"
#include "common/errname.h"
#include "harness/model/expect.h"
#include "harness/model/fault.h"
#include "harness/model/program.h"
#include "harness/model/scenario.h"
#include "harness/run/exec.h"
#include "yaml_fixture.h"

#define EXEC_SERVER \
	"name: t\n" \
	"server:\n" \
	"  exec: [./srv, --port, \"{server.port}\", \"{client.addr}\"]\n" \
	"  env: { MODE: \"at {server.addr}:{server.port}\" }\n" \
	"  listen: 7000\n" \
	"client:\n" \
	"  connect: server:7000\n"

static struct scenario *load_ok(const char *yaml)
{
	struct scenario *sc = NULL;
	struct diag d;

	if (load(yaml, &sc, &d)) {
		diag_print(&d, stderr);
		fail_msg("did not load");
	}
	diag_clear(&d);
	return sc;
}

static void test_exec_host(void **state)
{
	struct scenario *sc;
	const struct program *p;
	const char *addrv[] = { "198.18.0.1", "198.18.0.2" }, *dirs[] = { "", "/run/x/scratch/server" };
	const struct program_vals vals = { .addrs = addrv, .dirs = dirs, .scenario_dir = "/home/u/sc" },
				  *addrs = &vals;
	struct diag d;
	char *s;

	(void)state;
	sc = load_ok(EXEC_SERVER "expect: [ { detect: { host: server, within: 5s } } ]\n");
	p = sc->hosts[1].program;
	assert_non_null(p);
	assert_null(sc->hosts[0].program);
	assert_true(scenario_runs_programs(sc));
	assert_int_equal(p->argc, 4);
	assert_string_equal(p->argv[0], "./srv");
	assert_null(p->argv[4]);
	assert_int_equal(p->argv_at[2].line, 3);
	assert_int_equal(p->nenv, 1);
	assert_string_equal(p->env[0].name, "MODE");
	assert_int_equal(p->ready, READY_LISTEN);
	assert_int_equal(p->ready_timeout_ns, PROGRAM_READY_TIMEOUT_NS);
	assert_int_equal(sc->hosts[1].peer.role, PEER_LISTEN);
	assert_int_equal(sc->hosts[1].peer.port, 7000);
	/* a program's host is seen to notice by its connection closing */
	assert_int_equal(sc->expects[0].by, BY_CLOSE);

	diag_init(&d, NULL);
	assert_int_equal(program_expand(p->argv[2], p->argv_at[2], sc, addrs, &s, &d), 0);
	assert_string_equal(s, "7000");
	free(s);
	assert_int_equal(program_expand(p->argv[3], p->argv_at[3], sc, addrs, &s, &d), 0);
	assert_string_equal(s, "198.18.0.1");
	free(s);
	assert_int_equal(program_expand(p->env[0].value, p->env[0].at, sc, addrs, &s, &d), 0);
	assert_string_equal(s, "at 198.18.0.2:7000");
	free(s);
	assert_int_equal(program_expand("{{literal}} {server.port}}}", p->at, sc, addrs, &s, &d), 0);
	assert_string_equal(s, "{literal} 7000}");
	free(s);
	assert_int_equal(program_expand("-D{server.dir}/data {scenario.dir}/x.conf", p->at, sc, addrs, &s, &d), 0);
	assert_string_equal(s, "-D/run/x/scratch/server/data /home/u/sc/x.conf");
	free(s);
	assert_int_equal(program_expand("{server.mac}", (struct pos){ 9, 4 }, sc, addrs, &s, &d),
			 -EINVAL);
	assert_null(s);
	assert_non_null(strstr(diag_last(&d), "unknown placeholder: \"{server.mac}\""));
	assert_int_equal(program_expand("{server.port", (struct pos){ 9, 4 }, sc, addrs, &s, &d),
			 -EINVAL);
	assert_non_null(strstr(diag_last(&d), "an unclosed placeholder"));
	diag_clear(&d);
	scenario_free(sc);
}

static void test_exec_client_and_ready(void **state)
{
	struct scenario *sc;

	(void)state;
	sc = load_ok("name: t\nserver:\n  listen: 7000\n"
		     "client:\n  exec: [python3, c.py, \"{server.addr}\", \"{server.port}\"]\n"
		     "expect: [ { detect: { host: client, by: exit, status: 1, within: 5s } } ]\n");
	assert_int_equal(sc->hosts[0].peer.role, PEER_CONNECT);
	assert_int_equal(sc->hosts[0].peer.target, HOST_NONE);
	assert_int_equal(sc->hosts[0].program->ready, READY_NONE);
	assert_int_equal(sc->expects[0].by, BY_EXIT);
	assert_int_equal(sc->expects[0].exit_status, 1);
	scenario_free(sc);

	sc = load_ok("name: t\nserver:\n  exec: [srv]\n  listen: 7000\n  ready: { log: \"^ready\", timeout: 20s }\n"
		     "client:\n  connect: server:7000\n"
		     "expect: [ { detect: { host: server, by: { log: \"gone\" }, within: 5s } } ]\n");
	assert_int_equal(sc->hosts[1].program->ready, READY_LOG);
	assert_string_equal(sc->hosts[1].program->ready_log, "^ready");
	assert_int_equal(sc->hosts[1].program->ready_timeout_ns, 20 * NS_PER_S);
	assert_int_equal(sc->expects[0].by, BY_LOG);
	assert_string_equal(sc->expects[0].log, "gone");
	scenario_free(sc);

	sc = load_ok("name: t\nserver:\n  exec: [srv]\n  listen: 7000\n  ready: { delay: 1s }\n"
		     "client:\n  connect: server:7000\n"
		     "expect: [ { no-detect: { host: server, by: close, for: 5s } } ]\n");
	assert_int_equal(sc->hosts[1].program->ready, READY_DELAY);
	assert_int_equal(sc->hosts[1].program->ready_delay_ns, NS_PER_S);
	scenario_free(sc);
}

#define EXPECT_ON_SERVER(x) EXEC_SERVER "expect: [ " x " ]\n"

static void test_exec_errors(void **state)
{
	(void)state;
	expect_error("name: t\nserver:\n  exec: []\n  listen: 7000\nclient:\n  connect: server:7000\n"
		     "expect: [ { no-detect: { host: client, for: 1s } } ]\n", 3, 9,
		     "exec lists the program and its arguments: 1 to 256 words, not 0");
	expect_error("name: t\nserver:\n  exec: srv\n  listen: 7000\nclient:\n  connect: server:7000\n"
		     "expect: [ { no-detect: { host: client, for: 1s } } ]\n", 3, 9,
		     "exec must be a list");
	expect_error_on("name: t\nserver:\n  exec: [srv, \"{router.addr}\"]\n  listen: 7000\n"
			"client:\n  connect: server:7000\n"
			"expect: [ { no-detect: { host: client, for: 1s } } ]\n", "\"{router",
			"unknown placeholder: \"{router.addr}\" ({HOST.addr}, {HOST.port}, {HOST.dir} or {scenario.dir}, HOST one of client, server)");
	expect_error_on("name: t\nserver:\n  exec: [srv, \"{client.port}\"]\n  listen: 7000\n"
			"client:\n  connect: server:7000\n"
			"expect: [ { no-detect: { host: client, for: 1s } } ]\n", "\"{client",
			"{client.port}: client listens on no port");
	expect_error_on("name: t\nserver:\n  exec: [srv]\n  listen: 7000\n  keepalive: { idle: 1s, interval: 1s, count: 1 }\n"
			"client:\n  connect: server:7000\n"
			"expect: [ { no-detect: { host: client, for: 1s } } ]\n", "keepalive",
			"unknown key in server: \"keepalive\" (accepted: exec, env, listen, ready, user, tty, sysctl)");
	expect_error_on("name: t\nserver:\n  exec: [srv]\n  listen: 7000\n  ready: { log: \"(\" }\n"
			"client:\n  connect: server:7000\n"
			"expect: [ { no-detect: { host: client, for: 1s } } ]\n", "\"(\"",
			"bad ready log: \"(\" (an extended regular expression:");
	expect_error_on("name: t\nserver:\n  exec: [srv]\n  listen: 7000\n  ready: { log: x, delay: 1s }\n"
			"client:\n  connect: server:7000\n"
			"expect: [ { no-detect: { host: client, for: 1s } } ]\n", "{ log",
			"ready takes log or delay, not both");
	expect_error_on("name: t\nserver:\n  exec: [srv]\n  listen: 7000\n  env: { \"A=B\": x }\n"
			"client:\n  connect: server:7000\n"
			"expect: [ { no-detect: { host: client, for: 1s } } ]\n", "\"A=B\"",
			"bad environment variable name: \"A=B\"");
	/* the built-in client may connect to a program that listens, not to one
	 * that does not */
	expect_error("name: t\nserver:\n  exec: [srv]\nclient:\n  connect: server:7000\n"
		     "expect: [ { no-detect: { host: client, for: 1s } } ]\n", 5, 3,
		     "client connects to server:7000, but server does not listen there");
	/* actions are the built-in peer's */
	expect_error_on(EXEC_SERVER "steps:\n  - at: 1s\n    action: { close: server }\n"
			"expect: [ { no-detect: { host: client, for: 1s } } ]\n", "{ close",
			"server runs your program: actions are done by the built-in peer");
	/* error: is what the built-in peer's calls return */
	expect_error_on(EXPECT_ON_SERVER("{ detect: { host: server, error: ETIMEDOUT, within: 5s } }"),
			"ETIMEDOUT", "error is what the built-in peer's socket calls return");
	/* exit and log need a program */
	expect_error_on(EXPECT_ON_SERVER("{ detect: { host: client, by: exit, within: 5s } }"),
			"exit,", "client runs the built-in peer, which neither exits nor logs");
	expect_error_on(EXPECT_ON_SERVER("{ detect: { host: server, by: close, status: 1, within: 5s } }"),
			"1, within", "status goes with by: exit");
	expect_error_on(EXPECT_ON_SERVER("{ detect: { host: server, by: crash, within: 5s } }"),
			"crash", "unknown by: \"crash\" (accepted: close, exit or call)");
	expect_error_on(EXPECT_ON_SERVER("{ detect: { host: server, by: { log: \"[\" }, within: 5s } }"),
			"\"[\"", "bad by log: \"[\"");
}

#define TWO_PROGRAMS \
	"name: t\n" \
	"observe: 4s\n" \
	"server:\n" \
	"  programs:\n" \
	"    - name: sshd\n" \
	"      exec: [/usr/sbin/sshd, -D, -f, \"{server.dir}/sshd_config\"]\n" \
	"      user: root\n" \
	"      listen: 22\n" \
	"    - name: login-watch\n" \
	"      exec: [sh, -c, \"exec tail -F {scenario.dir}/x\"]\n" \
	"      user: \"1000\"\n" \
	"      tty: true\n" \
	"      ready: { log: started }\n" \
	"client:\n" \
	"  connect: server:22\n"

/* programs: several on a host, in order, each with its name, user and
 * terminal; the host listens on the first listen; by: exit and log take
 * program:, by: log a file; observe: lengthens the run. */
static void test_programs_list(void **state)
{
	struct scenario *sc;
	const struct program *p;
	char name[64];

	(void)state;
	sc = load_ok(TWO_PROGRAMS "expect:\n"
		     "  - detect: { host: server, by: exit, program: login-watch, within: 5s }\n"
		     "  - detect: { host: server, by: { log: gone, file: \"{server.dir}/auth.log\" }, within: 5s }\n");
	p = sc->hosts[1].program;
	assert_string_equal(p->name, "sshd");
	assert_string_equal(p->user, "root");
	assert_false(p->tty);
	assert_int_equal(p->listen, 22);
	assert_int_equal(p->ready, READY_LISTEN);
	assert_non_null(p->next);
	assert_string_equal(p->next->name, "login-watch");
	assert_string_equal(p->next->user, "1000");
	assert_true(p->next->tty);
	assert_int_equal(p->next->ready, READY_LOG);
	assert_null(p->next->next);
	assert_ptr_equal(program_find(p, "login-watch"), p->next);
	assert_null(program_find(p, "nope"));
	assert_int_equal(sc->hosts[1].peer.role, PEER_LISTEN);
	assert_int_equal(sc->hosts[1].peer.port, 22);
	assert_string_equal(sc->expects[0].program, "login-watch");
	assert_string_equal(sc->expects[1].log_file, "{server.dir}/auth.log");
	program_file_copy_name("server", sc->expects[1].log_file, name, sizeof(name));
	assert_string_equal(name, "server.file.auth.log");
	program_file_copy_name("server", "{server.dir}/a b:c", name, sizeof(name));
	assert_string_equal(name, "server.file.a_b_c");
	/* observe: 4 s after the last step (here, none: establishment) */
	assert_int_equal(sc->observe_ns, 4 * NS_PER_S);
	assert_true(scenario_horizon_ns(sc) >= 4 * NS_PER_S);
	scenario_free(sc);

	expect_error_on(TWO_PROGRAMS "expect: [ { detect: { host: server, by: exit, program: sshdd, within: 5s } } ]\n",
			"sshdd", "unknown program: \"sshdd\" (server's programs: sshd, login-watch)");
	expect_error_on(TWO_PROGRAMS "expect: [ { detect: { host: server, by: close, program: sshd, within: 5s } } ]\n",
			"sshd, within", "program goes with by: exit or by: { log: }");
	expect_error_on(EXPECT_ON_SERVER("{ detect: { host: server, by: exit, program: a, within: 5s } }"),
			"a, within", "server runs one program, unnamed: leave program out");
	expect_error_on("name: t\nserver:\n  programs:\n    - { name: a, exec: [x], listen: 7000 }\n"
			"    - { name: a, exec: [y] }\nclient:\n  connect: server:7000\n"
			"expect: [ { no-detect: { host: client, for: 1s } } ]\n",
			"a, exec: [y]", "server has two programs named \"a\"");
	expect_error_on("name: t\nserver:\n  programs:\n    - { name: Bad!, exec: [x], listen: 7000 }\n"
			"client:\n  connect: server:7000\nexpect: [ { no-detect: { host: client, for: 1s } } ]\n",
			"Bad!", "bad program name: \"Bad!\"");
	expect_error_on("name: t\nserver:\n  programs:\n    - { exec: [x], listen: 7000 }\n"
			"client:\n  connect: server:7000\nexpect: [ { no-detect: { host: client, for: 1s } } ]\n",
			"{ exec", "a program needs name (e.g. name: sshd)");
	expect_error_on("name: t\nserver:\n  programs: []\n"
			"client:\n  connect: server:7000\nexpect: [ { no-detect: { host: client, for: 1s } } ]\n",
			"[]", "programs lists 1 to 8 programs, not 0");
	expect_error_on("name: t\nserver:\n  exec: [x]\n  listen: 7000\n  user: \"-rf\"\n"
			"client:\n  connect: server:7000\nexpect: [ { no-detect: { host: client, for: 1s } } ]\n",
			"\"-rf\"", "bad user: \"-rf\"");
	expect_error_on("name: t\nserver:\n  exec: [x]\n  listen: 7000\n  tty: maybe\n"
			"client:\n  connect: server:7000\nexpect: [ { no-detect: { host: client, for: 1s } } ]\n",
			"maybe", "tty");
	expect_error_on(EXPECT_ON_SERVER("{ detect: { host: server, by: { log: x, file: \"{nobody.dir}/x\" }, within: 5s } }"),
			"\"{nobody.dir}", "unknown placeholder: \"{nobody.dir}\"");
	expect_error_on(EXPECT_ON_SERVER("{ detect: { host: server, by: call, within: 5s } }"),
			"call", "by: call is the built-in peer's failed send or recv; server runs a program");
	expect_error_on("name: t\nobserve: 2h\nserver: { listen: 7000 }\nclient: { connect: server:7000 }\n"
			"expect: [ { no-detect: { host: client, for: 1s } } ]\n", "2h", "bad observe: \"2h\" (at most 1 h");
}

static void test_sockets_and_calls(void **state)
{
	struct scenario *sc;
	const struct expect *x;

	(void)state;
	sc = load_ok("name: t\nserver:\n  listen: 7000\n  reads: false\nclient:\n  connect: server:7000\n"
		     "steps:\n  - { at: 1s, name: rst, action: { abort: client } }\n"
		     "  - { at: 2s, action: { recv: server } }\n"
		     "  - { at: 3s, action: { recv: { host: server, bytes: 10 } } }\n"
		     "expect:\n"
		     "  - sockets: { host: server, state: CLOSE_WAIT, port: 7000, count: \">= 1\", at: 5s }\n"
		     "  - sockets: { host: client, state: FIN_WAIT2, count: 1, for: 3s, since: rst }\n"
		     "  - sockets: { host: server, state: ESTABLISHED, never-above: 2 }\n"
		     "  - calls: { host: server, after: rst, results: [ECONNRESET, EOF, ok, EAGAIN] }\n");
	assert_int_equal(sc->steps[1].action.kind, ACTION_RECV);
	assert_int_equal(sc->steps[1].action.bytes, 65536);
	assert_int_equal(sc->steps[2].action.bytes, 10);
	assert_false(step_breaks(&sc->steps[1]));
	x = &sc->expects[0];
	assert_string_equal(x->ops->name, "sockets");
	assert_int_equal(x->state, TCP_CLOSE_WAIT);
	assert_int_equal(x->port, 7000);
	assert_int_equal(x->count_lo, 1);
	assert_int_equal(x->count_hi, LONG_MAX);
	assert_int_equal(x->when, SOCKETS_AT);
	assert_int_equal(x->when_ns, 5 * NS_PER_S);
	assert_int_equal(sc->expects[1].when, SOCKETS_FOR);
	assert_int_equal(sc->expects[1].since, 0);
	assert_int_equal(sc->expects[2].when, SOCKETS_NEVER_ABOVE);
	assert_int_equal(sc->expects[2].count_hi, 2);
	x = &sc->expects[3];
	assert_string_equal(x->ops->name, "calls");
	assert_int_equal(x->nresults, 4);
	assert_int_equal(x->results[0], ECONNRESET);
	assert_int_equal(x->results[1], ERRNAME_EOF);
	assert_int_equal(x->results[2], CALL_OK);
	assert_int_equal(x->results[3], EAGAIN);
	/* the run lasts for the longest of them: 5 s after the last break */
	assert_int_equal(scenario_horizon_ns(sc), 6 * NS_PER_S);
	scenario_free(sc);

#define SOCK(x) "name: t\nserver:\n  listen: 7000\nclient:\n  connect: server:7000\nexpect:\n  - " x "\n"
	expect_error_on(SOCK("sockets: { host: server, state: OPEN, count: 1, at: 1s }"), "OPEN",
			"unknown TCP state: \"OPEN\" (accepted: ESTABLISHED, SYN_SENT");
	expect_error_on(SOCK("sockets: { host: server, state: LISTEN, count: 1, at: 1s, by: 2s }"),
			"{ host: server, state: LISTEN",
			"sockets takes one of at, by, for (a time after the reference) or never-above (a count), not 2");
	expect_error_on(SOCK("sockets: { host: server, state: LISTEN, at: 1s }"),
			"{ host: server, state: LISTEN", "sockets needs count");
	expect_error_on(SOCK("sockets: { host: server, state: LISTEN, count: 1, never-above: 1 }"),
			"1, never", "never-above is the count: drop count");
	expect_error_on(SOCK("calls: { host: server, results: [ok, EWHAT] }"), "EWHAT",
			"unknown call result: \"EWHAT\" (ok, eof, or an errno name:");
	expect_error_on(SOCK("calls: { host: server, after: nowhere, results: [ok] }"), "nowhere",
			"unknown step in after: \"nowhere\"");
	expect_error_on(SOCK("calls: { host: server }"), "{ host: server }", "calls needs results");
}

static void test_power_on_new_mac_and_sampling(void **state)
{
	struct scenario *sc;

	(void)state;
	sc = load_ok("name: t\nsample-every: 2ms\ncapture-payload: true\nserver:\n  listen: 7000\nclient:\n  connect: server:7000\n"
		     "steps:\n  - { at: 1s, fault: { power-off: client } }\n"
		     "  - { at: 2s, fault: { power-on: { host: client, new-mac: true } } }\n"
		     "expect: [ { no-detect: { host: server, for: 1s } } ]\n");
	assert_int_equal(sc->sample_every_ns, 2 * NS_PER_MS);
	assert_true(sc->capture_payload);
	assert_int_equal(sc->steps[1].fault->host, 0);
	assert_non_null(sc->steps[1].fault->priv);
	scenario_free(sc);
	expect_error_on("name: t\nsample-every: 5s\nserver:\n  listen: 7000\nclient:\n  connect: server:7000\nexpect: [ { no-detect: { host: server, for: 1s } } ]\n", "5s",
			"bad sample-every: \"5s\" (from 1ms to 1s)");
	expect_error_on("name: t\nserver:\n  listen: 7000\nclient:\n  connect: server:7000\n"
			"steps:\n  - { at: 1s, fault: { power-on: { host: client, mac: new } } }\n"
			"expect: [ { no-detect: { host: server, for: 1s } } ]\n", "mac:",
			"unknown key in power-on: \"mac\" (accepted: host, new-mac)");
}

/* A file @name in @dir with mode @mode. */
static void touch(const char *dir, const char *name, mode_t mode)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

static void test_resolve(void **state)
{
	char dir[] = "/tmp/unplug-resolve-XXXXXX", want[300], *path;

	(void)state;
	assert_non_null(mkdtemp(dir));
	touch(dir, "srv", 0755);
	touch(dir, "data", 0644);
	snprintf(want, sizeof(want), "%s/srv", dir);
	/* a path is relative to the scenario's folder */
	assert_int_equal(exec_resolve("./srv", dir, &path), 0);
	assert_non_null(strstr(path, "/srv"));
	free(path);
	/* a bare name: the scenario's folder first... */
	assert_int_equal(exec_resolve("srv", dir, &path), 0);
	assert_string_equal(path, want);
	free(path);
	/* ...then PATH */
	assert_int_equal(exec_resolve("sh", dir, &path), 0);
	assert_string_equal(path + strlen(path) - 3, "/sh");
	free(path);
	assert_int_equal(exec_resolve("./data", dir, &path), -EACCES);
	assert_null(path);
	assert_int_equal(exec_resolve("./nothing", dir, &path), -ENOENT);
	assert_int_equal(exec_resolve("no-such-program-anywhere", dir, &path), -ENOENT);
	assert_int_equal(exec_resolve("/bin/sh", dir, &path), 0);
	assert_string_equal(path, "/bin/sh");
	free(path);
	snprintf(want, sizeof(want), "rm -rf '%s'", dir);
	assert_int_equal(system(want), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_host),
		cmocka_unit_test(test_exec_client_and_ready),
		cmocka_unit_test(test_exec_errors),
		cmocka_unit_test(test_programs_list),
		cmocka_unit_test(test_sockets_and_calls),
		cmocka_unit_test(test_power_on_new_mac_and_sampling),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
