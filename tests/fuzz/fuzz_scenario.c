/* libFuzzer target: a scenario file's bytes through the whole loader —
 * the YAML checks (depth, tags, anchors, documents), libyaml, every key's
 * loader and validator, and the timeline checks `validate` makes — as
 * `unplug validate` would, without a file. Nothing survives an input.
 * Seed corpus: the catalogue and tests/bad (tests/fuzz/README.md). */
#include <stdint.h>
#include <stdlib.h>

#include "common/diag.h"
#include "harness/model/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario *sc = NULL;
	struct diag d;
	int err;

	diag_init(&d, "fuzz.yaml");
	err = scenario_load_bytes("fuzz.yaml", (const char *)data, size, &sc, &d);
	if (!err) {
		/* what validate checks after loading, and what the runner
		 * computes from a valid scenario */
		if (!sc || !sc->source || sc->source_len != size)
			abort();
		scenario_check_length(sc, false, &d);
		scenario_check_length(sc, true, &d);
		(void)scenario_horizon_ns(sc);
		(void)scenario_last_fault_ns(sc);
	} else if (sc || !d.count) {
		abort();	/* a failure leaves nothing and says why */
	}
	scenario_free(sc);
	diag_clear(&d);
	return 0;
}
