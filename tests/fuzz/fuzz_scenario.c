/* libFuzzer target: a scenario file's bytes through the whole loader —
 * the YAML checks (depth, tags, anchors, documents), libyaml, every key's
 * loader and validator, and the timeline checks `validate` makes — as
 * `unplug validate` would, without a file, a sweep's every combination.
 * Nothing survives an input.
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
	struct scenario **v = NULL;
	struct diag d;
	size_t n = 0;
	int err;

	diag_init(&d, "fuzz.yaml");
	/* every combination of a sweep, as run and validate load it */
	err = scenario_load_sweep_bytes("fuzz.yaml", (const char *)data, size, &v, &n, &d);
	if (!err) {
		if (!v || !n)
			abort();
		for (size_t k = 0; k < n; k++) {
			const struct scenario *sc = v[k];

			/* what validate checks after loading, and what the
			 * runner computes from a valid scenario */
			if (!sc || !sc->source || sc->source_len != size || !sc->nexpects)
				abort();
			scenario_check_length(sc, false, &d);
			scenario_check_length(sc, true, &d);
			(void)scenario_horizon_ns(sc);
			(void)scenario_last_fault_ns(sc);
		}
	} else if (v || n || !d.count) {
		abort();	/* a failure leaves nothing and says why */
	}
	scenario_free_all(v, n);
	diag_clear(&d);
	return 0;
}
