/* libFuzzer target: a run directory's events.jsonl through the reader
 * and the whole judge, as `unplug replay` takes it — the rest of the run
 * directory (its scenario, both captures) a real run's, kept in
 * tests/fixtures/judge/keepalive-pulled and copied once into a temporary
 * folder. Every number, line and event order an attacker could write
 * (issue 23: overflows, repeated host events, huge step indices) must be
 * refused or judged, never undefined behaviour.
 * Seed corpus: real runs' events.jsonl (tests/fuzz/README.md). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/diag.h"
#include "harness/judge/judge.h"
#include "reports/result.h"

#ifndef FIXTURE
#error FIXTURE: the run directory the events go into
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

static char dir[64];
static char events[128];

/* The temporary run directory goes when the fuzzer exits. */
static void tear_down(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return;
}

static void set_up(void)
{
	char cmd[512];

	strcpy(dir, "/tmp/unplug-fuzz-events-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(cmd, sizeof(cmd), "cp -r '%s/scenario.yaml' '%s/captures' '%s/'", FIXTURE, FIXTURE, dir);
	if (system(cmd))
		abort();
	snprintf(events, sizeof(events), "%s/events.jsonl", dir);
	atexit(tear_down);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario_result r = { 0 };
	struct diag d;
	int fd, err;

	if (!dir[0])
		set_up();
	fd = open(events, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd))
		abort();
	diag_init(&d, NULL);
	err = judge_run_dir(dir, &r, &d);
	if (err && !d.count)
		abort();	/* a refusal says why */
	result_scenario_free(&r);
	diag_clear(&d);
	return 0;
}
