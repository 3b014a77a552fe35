/* unplug: proves that TCP software notices a pulled cable, a dead peer or
 * a lost ACK — and how fast. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/cli/cli.h"

const char *program_name = "unplug";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
} commands[] = {
	{ "run", cmd_run, "[FILE|DIR]... [-j N] [--out DIR] [--junit FILE] [--no-exec]",
	  "run scenarios for real in network namespaces and judge them (root)" },
	{ "validate", cmd_validate, "FILE|DIR...",
	  "check scenario files and report every error as file:line:col" },
	{ "check", cmd_check, "",
	  "what this machine can do: namespaces, veth/bridge, nftables, capture, netem" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

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

static void usage(FILE *f)
{
	fprintf(f, "usage: %s COMMAND [ARGS]\n\n", program_name);
	fprintf(f, "unplug proves that TCP software notices a pulled cable, a dead peer or a\n"
		   "lost ACK, and how fast.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n            %s %s %s\n", commands[i].name,
			commands[i].help, program_name, commands[i].name, commands[i].args);
	fprintf(f, "\nexit status: 0 all passed, 1 an expectation failed, 2 bad usage or\n"
		   "scenario, 3 the machine cannot run what was asked.\n"
		   "'%s COMMAND --help' for a command's options.\n", program_name);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_PASS;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("unplug %s\n", UNPLUG_VERSION);
		return EXIT_PASS;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command \"%s\"\n\n", program_name, argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
