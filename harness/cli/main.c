/* unplug: proves that TCP software notices a pulled cable, a dead peer or
 * a lost ACK — and how fast. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/cli/cli.h"

const char *program_name = "unplug";

static int cmd_help(int argc, char **argv);
static void usage(FILE *f);

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
} commands[] = {
	{ "run", cmd_run,
	  "[FILE|DIR]... [-j N] [--repeat N] [--retries N] [--realtime] [-k PATTERN] [--shard K/N] [-o DIR] [--junit FILE] [--json FILE] [--fail-on-skip] [--no-exec] [--long] [--kernel DIR|host]... [-q|-v]",
	  "run scenarios for real in network namespaces and judge them (root, or rootless)" },
	{ "validate", cmd_validate, "[--long] [--strict] [-v] FILE|DIR...",
	  "check scenario files and report every error as file:line:col" },
	{ "list", cmd_list, "[FILE|DIR]... [-k PATTERN]",
	  "the scenarios: id, the claims they measure, what they do" },
	{ "replay", cmd_replay,
	  "RUN_DIR... [--scenario FILE] [--junit FILE] [--json FILE] [-q|-v] | --scenario FILE [--matrix NAME=VALUE,...] [--host NAME=ADDR]... PCAP...",
	  "re-judge finished runs offline, or judge bare captures' packets against a scenario" },
	{ "explain", cmd_explain, "[--json|--segments|--scenario [--conn ID]] [--ladder] [--max-connections N] PCAP...",
	  "how each TCP connection in a capture ended, with the evidence" },
	{ "predict", cmd_predict,
	  "[--keepalive IDLE,INTERVAL,COUNT] [--retries2 N] [--rtt D|--rto D] [--user-timeout D] [--syn-retries N] [--kernel RELEASE] [--model M]... [--json]",
	  "when Linux gives up on a dead connection, with the probes and retransmissions on the way" },
	{ "check", cmd_check, "",
	  "what this machine can do: namespaces, veth/bridge, nftables, capture, netem" },
	{ "merge", cmd_merge, "[--json FILE] [--junit FILE] [-q] JSON...",
	  "combine the --json results of shards (run --shard K/N) into one report" },
	{ "help", cmd_help, "[COMMAND]", "this help, or a command's" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* "run, validate, ...", for one-line answers. */
static const char *command_names(void)
{
	static char buf[128];
	size_t used = 0;

	for (size_t i = 0; i < NCOMMANDS && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? ", " : "",
					 commands[i].name);
	return buf;
}

void cli_usage(FILE *f, const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			fprintf(f, "usage: %s %s %s\n  %s\n", program_name, commands[i].name,
				commands[i].args, commands[i].help);
}

bool cli_color(FILE *f)
{
	const char *no = getenv("NO_COLOR");

	return isatty(fileno(f)) && !(no && *no);
}

/* Whether an output file can be written, tried before anything runs: its
 * directory exists and takes files, and it is not a directory itself.
 * Nothing is created. */
bool cli_writable(const char *what, const char *path, struct diag *d)
{
	char *copy = strdup(path);
	const char *dir = copy ? dirname(copy) : ".";
	struct stat st;
	bool ok = false;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		diag_add(d, "%s %s: is a directory", what, path);
	else if (!stat(path, &st) && access(path, W_OK))
		diag_add(d, "%s %s: cannot write it: %s", what, path, strerror(errno));
	else if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		diag_add(d, "%s %s: no directory %s", what, path, dir);
	else if (access(dir, W_OK | X_OK))
		diag_add(d, "%s %s: cannot write in %s: %s", what, path, dir, strerror(errno));
	else
		ok = true;
	free(copy);
	return ok;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s COMMAND [ARGS]\n\n", program_name);
	fprintf(f, "unplug proves that TCP software notices a pulled cable, a dead peer or a\n"
		   "lost ACK, and how fast.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n            %s %s %s\n", commands[i].name,
			commands[i].help, program_name, commands[i].name, commands[i].args);
	fprintf(f, "\nexit status: 0 all passed, 1 an expectation failed, 2 bad usage or\n"
		   "scenario, 3 the machine cannot run what was asked, 4 a scenario stayed\n"
		   "unsure (nothing failed), 130/143 interrupted.\n"
		   "'%s help COMMAND' for a command's options; '%s -V' for the version.\n",
		program_name, program_name);
}

/* unplug help [COMMAND]: a command's own --help. */
static int cmd_help(int argc, char **argv)
{
	char *help[] = { argv[argc > 1], "--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return EXIT_PASS;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name) && commands[i].fn != cmd_help) {
			optind = 1;
			return commands[i].fn(2, help);
		}
	fprintf(stderr, "%s: no command \"%s\"; the commands: %s\n", program_name, argv[1],
		command_names());
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_PASS;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("unplug %s\n", UNPLUG_VERSION);
		return EXIT_PASS;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command \"%s\" (the commands: %s; '%s help')\n",
		program_name, argv[1], command_names(), program_name);
	return EXIT_USAGE;
}
