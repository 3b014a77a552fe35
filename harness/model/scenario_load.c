/* Scenario files: YAML → struct scenario. Parse every section, reporting
 * each problem with its position, then cross-check (host names, ports) and
 * only then hand the model out: nothing is half-loaded. */
#include "harness/model/scenario.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/duration.h"
#include "harness/model/expect.h"
#include "harness/model/host_load.h"
#include "harness/model/matrix.h"
#include "harness/model/net_load.h"
#include "harness/model/step_load.h"
#include "harness/model/yaml_node.h"

static const char *const top_keys[] = {
	"name", "claims", "about", "family", "topology", "hosts", "client", "server",
	"sample-every", "capture-payload", "steps-from", "observe", "steps", "expect", "matrix", "repeat", NULL
};

#define SAMPLE_EVERY_NS (10 * NS_PER_MS)

#define SAMPLE_EVERY_MIN_NS NS_PER_MS
#define SAMPLE_EVERY_MAX_NS NS_PER_S

/* The hosts of a pair, in index order, each a top-level key. */
static const char *const pair_names[] = { "client", "server" };

/* Claim ids as CLAIMS.md writes them: C<document>.<n>[letter]. */
static const char *const findings[] = {
	[CLAIM_CONFIRMED] = "confirmed", [CLAIM_DIFFERS] = "differs", [CLAIM_PARTLY] = "partly",
};

const char *claim_finding_name(enum claim_finding f)
{
	return findings[f];
}

/* One item of claims: an id (the document is right about Linux), or
 * { ID: differs } / { ID: partly }. */
static int load_claim(struct ynode item, struct scenario *sc, struct diag *d)
{
	enum claim_finding f = CLAIM_CONFIRMED;
	struct ynode id = item;
	char *claim;

	if (ynode_is_map(item)) {
		struct ynode v;
		size_t k;

		if (ynode_len(item) != 1) {
			diag_at(d, ynode_pos(item), "a claim is an id, or one id and what was found: { C1.2: differs }");
			return -EINVAL;
		}
		id = ynode_key(item, 0);
		v = ynode_value(item, 0);
		if (ynode_need_scalar(v, "a claim's finding", d))
			return -EINVAL;
		for (k = 0; k < sizeof(findings) / sizeof(findings[0]) &&
			    strcmp(ynode_str(v), findings[k]); k++)
			;
		if (k == sizeof(findings) / sizeof(findings[0])) {
			diag_at(d, ynode_pos(v), "bad finding: \"%s\" (confirmed, differs or partly)",
				ynode_str(v));
			return -EINVAL;
		}
		f = (enum claim_finding)k;
	}
	if (ynode_strdup(id, "a claim", &claim, d))
		return -EINVAL;
	sc->findings[sc->nclaims] = f;
	sc->claims[sc->nclaims++] = claim;
	return 0;
}

static int load_claims(struct ynode n, struct scenario *sc, struct diag *d)
{
	regex_t re;
	int ret = 0;

	if (ynode_need_seq(n, "claims", d))
		return -EINVAL;
	sc->claims = calloc(ynode_len(n) + 1, sizeof(*sc->claims));
	sc->findings = calloc(ynode_len(n) + 1, sizeof(*sc->findings));
	if (!sc->claims || !sc->findings ||
	    regcomp(&re, "^C[0-9]+\\.[0-9]+[a-z]?$", REG_EXTENDED | REG_NOSUB))
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(n); i++) {
		struct ynode item = ynode_item(n, i);
		const char *claim;

		if (load_claim(item, sc, d)) {
			ret = err_merge(ret, -EINVAL);
			continue;
		}
		claim = sc->claims[sc->nclaims - 1];
		if (regexec(&re, claim, 0, NULL, 0)) {
			diag_at(d, ynode_pos(ynode_is_map(item) ? ynode_key(item, 0) : item),
				"bad claim id: \"%s\" (an id from CLAIMS.md, e.g. C1.6 or C0.5a)", claim);
			ret = err_merge(ret, -EINVAL);
		}
		/* one finding per claim: a second would contradict or repeat it */
		for (size_t k = 0; k + 1 < sc->nclaims; k++)
			if (!strcmp(sc->claims[k], claim)) {
				diag_at(d, ynode_pos(ynode_is_map(item) ? ynode_key(item, 0) : item),
					"claim %s listed twice", claim);
				ret = err_merge(ret, -EINVAL);
				break;
			}
	}
	regfree(&re);
	return ret;
}

/* How often the hosts' socket tables are read: often enough to time a
 * close, rarely enough not to load the machine. */
static int load_sample_every(struct ynode n, struct scenario *sc, struct diag *d)
{
	if (ynode_duration(n, "sample-every", &sc->sample_every_ns, d))
		return -EINVAL;
	if (sc->sample_every_ns < SAMPLE_EVERY_MIN_NS || sc->sample_every_ns > SAMPLE_EVERY_MAX_NS) {
		diag_at(d, ynode_pos(n), "bad sample-every: \"%s\" (from 1ms to 1s)", ynode_str(n));
		return -EINVAL;
	}
	return 0;
}

/* steps-from: establishment (the default: every connection is up first)
 * or start (the connection is tried while the steps run). */
static int load_observe(struct ynode n, struct scenario *sc, struct diag *d)
{
	sc->observe_at = ynode_pos(n);
	if (ynode_duration(n, "observe", &sc->observe_ns, d))
		return -EINVAL;
	if (sc->observe_ns <= SCENARIO_MAX_NS)
		return 0;
	diag_at(d, ynode_pos(n), "bad observe: \"%s\" (at most 1 h: how long the run goes on after its last step)",
		ynode_str(n));
	return -EINVAL;
}

static int load_steps_from(struct ynode n, struct scenario *sc, struct diag *d)
{
	if (ynode_need_scalar(n, "steps-from", d))
		return -EINVAL;
	if (!strcmp(ynode_str(n), "start") || !strcmp(ynode_str(n), "establishment")) {
		sc->from_start = !strcmp(ynode_str(n), "start");
		return 0;
	}
	diag_at(d, ynode_pos(n), "bad steps-from: \"%s\" (establishment: steps count from when every connection is up; start: from before the first connect, which may fail)",
		ynode_str(n));
	return -EINVAL;
}

/* The hosts: client: and server: at the top level (a pair), then every
 * host hosts: defines (one with a peer or a program of its own), in the
 * file's order — their index, and the order of their addresses. Every
 * name is known before any section is read: a connect names any host. */
static int load_hosts(struct ynode root, struct scenario *sc, bool *names_bad, struct diag *d)
{
	struct ynode hosts = ynode_get(root, "hosts"), n;
	struct ynode sections[SCENARIO_MAX_HOSTS];
	bool defines = false;
	size_t npair;
	int ret = 0;

	if (hosts.node && ynode_need_map(hosts, "hosts", d))
		return -EINVAL;
	for (size_t i = 0; hosts.node && i < ynode_len(hosts); i++)
		defines |= !host_is_settings(ynode_value(hosts, i));
	for (size_t i = 0; i < sizeof(pair_names) / sizeof(pair_names[0]); i++) {
		const char *example = i ? "server: { listen: 7000 }" : "client: { connect: server:7000 }";

		n = ynode_get(root, pair_names[i]);
		/* a pair needs both (named all the same, so that what refers
		 * to the missing one is no error of its own); hosts of hosts:
		 * need neither */
		if (!n.node && !defines) {
			ynode_need_key(root, pair_names[i], "a scenario", example, &n, d);
			ret = -EINVAL;
		} else if (!n.node) {
			continue;
		}
		if (!(sc->hosts[sc->nhosts].name = strdup(pair_names[i])))
			return -ENOMEM;
		sections[sc->nhosts++] = n;
	}
	npair = sc->nhosts;
	for (size_t i = 0; hosts.node && i < ynode_len(hosts); i++) {
		struct ynode key = ynode_key(hosts, i), v = ynode_value(hosts, i);
		const char *name = ynode_str(key);

		if (name && scenario_host_index(sc, name) != HOST_NONE) {
			/* settings of client: or server: */
			ret = err_merge(ret, host_check_settings(v, name, d));
			continue;
		}
		if (host_is_settings(v)) {
			char names[128];

			diag_at(d, ynode_pos(key), "unknown host in hosts: \"%s\" (settings for %s; a host of its own needs listen, connect or exec)",
				name ? name : ynode_kind(key), scenario_host_names(sc, names, sizeof(names)));
			ret = -EINVAL;
			continue;
		}
		if (sc->nhosts == SCENARIO_MAX_HOSTS) {
			diag_at(d, ynode_pos(key), "too many hosts: at most %d", SCENARIO_MAX_HOSTS);
			*names_bad = true;
			return -EINVAL;
		}
		/* a bad name is still a host's: what refers to it is no error
		 * of its own */
		if (host_check_name(key, sc, d))
			ret = -EINVAL;
		if (!(sc->hosts[sc->nhosts].name = strdup(name ? name : "")))
			return -ENOMEM;
		sections[sc->nhosts++] = v;
	}
	if (sc->nhosts < 2 && !ret) {
		diag_at(d, ynode_pos(hosts), "a scenario needs two hosts at least: one that connects and one that listens (hosts: { client: { connect: server:7000 }, server: { listen: 7000 } })");
		return -EINVAL;
	}
	for (size_t i = 0; i < sc->nhosts; i++)
		if (sections[i].node)
			ret = err_merge(ret, host_load_peer(sections[i], sc, &sc->hosts[i], d));
	if (!ret)
		ret = err_merge(ret, host_check_peers(sc, d));
	for (size_t i = 0; i < npair && hosts.node; i++)
		if ((n = ynode_get(hosts, sc->hosts[i].name)).node && host_is_settings(n))
			ret = err_merge(ret, host_load_settings(n, &sc->hosts[i], d));
	return ret;
}

/* Reading a socket table costs what it holds: 10 ms, or 50 us per
 * connection the peers open (both ends are read), up to 1 s — 10 000
 * connections are read every 500 ms, and the runner keeps up. */
#define SAMPLE_EVERY_PER_CONN_NS (50 * 1000)
static int64_t default_sample_every(const struct scenario *sc)
{
	int64_t every = scenario_connections(sc) * SAMPLE_EVERY_PER_CONN_NS;
	return every < SAMPLE_EVERY_NS ? SAMPLE_EVERY_NS : every > SAMPLE_EVERY_MAX_NS ? SAMPLE_EVERY_MAX_NS : every;
}

static int load_root(struct ynode root, struct scenario *sc, struct diag *d)
{
	bool names_bad = false;
	struct ynode n;
	int ret = 0;

	if (ynode_need_map(root, "a scenario", d))
		return -EINVAL;
	ret = err_merge(ret, ynode_check_keys(root, "a scenario", top_keys, d));
	if (!ynode_need_key(root, "name", "a scenario", "name: keepalive notices a pulled cable", &n, d))
		ret = err_merge(ret, ynode_strdup(n, "name", &sc->name, d));
	else
		ret = err_merge(ret, -EINVAL);
	n = ynode_get(root, "about");
	if (n.node)
		ret = err_merge(ret, ynode_strdup(n, "about", &sc->about, d));
	n = ynode_get(root, "claims");
	if (n.node)
		ret = err_merge(ret, load_claims(n, sc, d));

	sc->sample_every_ns = 0;	/* set once the hosts are known */
	n = ynode_get(root, "sample-every");
	if (n.node)
		ret = err_merge(ret, load_sample_every(n, sc, d));

	n = ynode_get(root, "repeat");
	if (n.node)
		ret = err_merge(ret, ynode_int(n, "repeat", 1, SCENARIO_MAX_REPEAT, &sc->repeat, d));

	n = ynode_get(root, "capture-payload");
	if (n.node)
		ret = err_merge(ret, ynode_bool(n, "capture-payload", &sc->capture_payload, d));

	n = ynode_get(root, "steps-from");
	if (n.node)
		ret = err_merge(ret, load_steps_from(n, sc, d));

	/* what a program does next (reconnects, resubscribes) is evidence
	 * too: the run lasts this long after its last step at least */
	n = ynode_get(root, "observe");
	if (n.node)
		ret = err_merge(ret, load_observe(n, sc, d));

	sc->net.kind = NET_SWITCHED;
	sc->net.family = AF_INET;
	n = ynode_get(root, "family");
	if (n.node)
		ret = err_merge(ret, net_load_family(n, &sc->net, d));
	n = ynode_get(root, "topology");
	if (n.node)
		ret = err_merge(ret, net_load_topology(n, &sc->net, d));
	ret = err_merge(ret, load_hosts(root, sc, &names_bad, d));
	if (names_bad)		/* what names a host would be wrong by the dozen */
		return ret;
	if (!sc->sample_every_ns)
		sc->sample_every_ns = default_sample_every(sc);

	n = ynode_get(root, "steps");
	if (n.node)
		ret = err_merge(ret, step_load_all(n, sc, d));
	if (!ynode_need_key(root, "expect", "a scenario", "expect: [ { no-detect: { host: server, for: 10s } } ]", &n, d))
		ret = err_merge(ret, expect_load_all(n, sc, d));
	else
		ret = err_merge(ret, -EINVAL);
	return ret;
}

/* Load @doc, substituted for @pick when the scenario is a sweep, into a
 * new scenario whose source is @text. What the substitution replaced is
 * kept in @undo (NULL: the document is used once). */
static int load_doc(const char *path, struct scenario_text *text, yaml_document_t *doc,
		    const struct matrix_pick *pick, struct matrix_undo *undo,
		    struct scenario **out, struct diag *d)
{
	struct matrix m;
	struct scenario *sc;
	unsigned unused = 0;
	int ret;

	*out = NULL;
	if (pick && !pick->n)
		pick = NULL;
	if ((ret = matrix_read(ynode_root(doc), &m, d)))
		return ret;
	if (m.nparams && !pick) {
		struct matrix_pick first;
		char *label = NULL;

		if (!(ret = matrix_pick_at(&m, 0, &first)) && !(label = matrix_pick_label(&first)))
			ret = -ENOMEM;
		if (!ret) {
			diag_at(d, ynode_pos((struct ynode){ doc, m.node }),
				"a sweep (matrix:) is judged one combination at a time: name one (replay --matrix %s)",
				label);
			ret = -EINVAL;
		}
		free(label);
		matrix_pick_clear(&first);
	} else if (pick && !matrix_pick_fits(&m, pick, d)) {
		ret = -EINVAL;
	} else if (m.nparams) {
		unused = matrix_unused(doc, &m);
		ret = matrix_substitute(doc, &m, pick, undo, d);
	}
	matrix_clear(&m);
	if (ret)
		return ret;
	sc = calloc(1, sizeof(*sc));
	if (!sc || !(sc->path = strdup(path)) || (pick && matrix_pick_copy(&sc->pick, pick))) {
		scenario_free(sc);
		return -ENOMEM;
	}
	scenario_set_text(sc, text);
	sc->matrix_unused = unused;
	sc->matrix_at = ynode_pos(ynode_get(ynode_root(doc), "matrix"));
	ret = load_root(ynode_root(doc), sc, d);
	if (!ret && d->count) /* a reader that reported but did not fail */
		ret = err_merge(ret, -EINVAL);
	if (ret)
		scenario_free(sc);
	else
		*out = sc;
	return ret;
}

int scenario_load_pick(const char *path, const char *bytes, size_t len,
		       const struct matrix_pick *pick, struct scenario **out, struct diag *d)
{
	struct scenario_text *text;
	yaml_document_t doc;
	int ret;

	*out = NULL;
	ret = ynode_load_bytes(bytes, len, &doc, d);
	if (ret)
		return ret;
	if (!(text = scenario_text_new(bytes, len)))
		ret = -ENOMEM;
	else
		ret = load_doc(path, text, &doc, pick, NULL, out, d);
	scenario_text_put(text);
	yaml_document_delete(&doc);
	return ret;
}

int scenario_load_bytes(const char *path, const char *bytes, size_t len,
			struct scenario **out, struct diag *d)
{
	return scenario_load_pick(path, bytes, len, NULL, out, d);
}

int scenario_load(const char *path, struct scenario **out, struct diag *d)
{
	char *bytes;
	size_t len;
	int ret;

	*out = NULL;
	if ((ret = ynode_read_file(path, &bytes, &len, d)))
		return ret;
	ret = scenario_load_bytes(path, bytes, len, out, d);
	free(bytes);
	return ret;
}

int scenario_load_as(const char *path, const char *matrix, struct scenario **out,
		     struct diag *d)
{
	struct matrix_pick pick = { 0 };
	char *bytes = NULL;
	size_t len;
	int ret;

	*out = NULL;
	if (matrix && (ret = matrix_pick_parse(matrix, &pick))) {
		if (ret == -EINVAL)
			diag_add(d, "bad matrix combination: \"%s\" (name=value,name=value: one value for each of the matrix's parameters)",
				 matrix);
		return ret;
	}
	if (!(ret = ynode_read_file(path, &bytes, &len, d)))
		ret = scenario_load_pick(path, bytes, len, &pick, out, d);
	free(bytes);
	matrix_pick_clear(&pick);
	return ret;
}

/* Add combination @pick's messages to @d, each once over all the
 * combinations, and marked with the combination when the sweep has
 * several. */
static void add_messages(struct diag *d, const struct diag *one, const char *label)
{
	for (size_t i = 0; i < one->count; i++) {
		bool seen = false;

		for (size_t j = 0; j < d->count && !seen; j++)
			seen = !strncmp(d->msgs[j], one->msgs[i], strlen(one->msgs[i]));
		if (seen)
			continue;
		if (label)
			diag_add(d, "%s (in the combination %s)", one->msgs[i], label);
		else
			diag_add(d, "%s", one->msgs[i]);
	}
}

int scenario_sweep_each_bytes(const char *path, const char *bytes, size_t len,
			      scenario_visit_fn *visit, void *ctx, struct diag *d)
{
	struct matrix_undo undo = { 0 };
	struct scenario_text *text;
	yaml_document_t doc;
	struct matrix m;
	size_t count = 0;
	int ret, bad = 0;

	if ((ret = ynode_load_bytes(bytes, len, &doc, d)))
		return ret;
	if (!(text = scenario_text_new(bytes, len))) {
		yaml_document_delete(&doc);
		return -ENOMEM;
	}
	ret = matrix_read(ynode_root(&doc), &m, d);
	count = ret ? 0 : matrix_count(&m);
	if (!ret && !m.nparams) {	/* no sweep: this document is the scenario */
		struct scenario *sc;

		if (!(ret = load_doc(path, text, &doc, NULL, NULL, &sc, d)))
			ret = visit(sc, 0, 1, ctx);
	}
	/* a sweep: one document for all its combinations, substituted for
	 * each and put back; they share one copy of the file */
	for (size_t k = 0; m.nparams && k < count && !ret; k++) {
		struct scenario *sc;
		struct matrix_pick pick;
		struct diag one;
		char *label;
		int err;

		if ((ret = matrix_pick_at(&m, k, &pick)))
			break;
		diag_init(&one, d->file);
		err = load_doc(path, text, &doc, &pick, &undo, &sc, &one);
		matrix_undo(&undo);
		label = matrix_pick_label(&pick);
		add_messages(d, &one, label);
		free(label);
		diag_clear(&one);
		matrix_pick_clear(&pick);
		if (err == -ENOMEM)
			ret = err;
		else if (err)
			bad = err_merge(bad, err);	/* go on: every combination's errors */
		else
			ret = visit(sc, k, count, ctx);
	}
	matrix_undo_clear(&undo);
	matrix_clear(&m);
	scenario_text_put(text);
	yaml_document_delete(&doc);
	return ret ? ret : bad;
}

struct collect {
	struct scenario **v;
	size_t n;
};

static int collect(struct scenario *sc, size_t k, size_t count, void *ctx)
{
	struct collect *c = ctx;

	if (!c->v && !(c->v = calloc(count, sizeof(*c->v)))) {
		scenario_free(sc);
		return -ENOMEM;
	}
	c->v[k] = sc;
	c->n = count;
	return 0;
}

/* What collect() gathered, into *@out and *@n; all of it let go when
 * @ret says the loading failed. Returns @ret. */
static int collected(struct collect *c, int ret, struct scenario ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (ret) {
		for (size_t k = 0; k < c->n; k++)
			scenario_free(c->v[k]);
		free(c->v);
		return ret;
	}
	*out = c->v;
	*n = c->n;
	return 0;
}

int scenario_load_sweep_bytes(const char *path, const char *bytes, size_t len,
			      struct scenario ***out, size_t *n, struct diag *d)
{
	struct collect c = { 0 };
	int ret = scenario_sweep_each_bytes(path, bytes, len, collect, &c, d);

	return collected(&c, ret, out, n);
}

int scenario_sweep_each(const char *path, scenario_visit_fn *visit, void *ctx, struct diag *d)
{
	char *bytes;
	size_t len;
	int ret;

	if ((ret = ynode_read_file(path, &bytes, &len, d)))
		return ret;
	ret = scenario_sweep_each_bytes(path, bytes, len, visit, ctx, d);
	free(bytes);
	return ret;
}

int scenario_load_sweep(const char *path, struct scenario ***out, size_t *n, struct diag *d)
{
	struct collect c = { 0 };
	int ret = scenario_sweep_each(path, collect, &c, d);

	return collected(&c, ret, out, n);
}
