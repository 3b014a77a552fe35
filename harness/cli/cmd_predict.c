/* unplug predict: when Linux gives up, from the stack's parameters, with
 * the timeline of probes and retransmissions (harness/predict/). No root:
 * nothing runs. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/kversion.h"
#include "harness/cli/cli.h"
#include "harness/predict/predict.h"

enum { MODEL_KEEPALIVE = 1, MODEL_RETRANSMIT = 2, MODEL_CONNECT = 4 };

#define PREDICT_JSON_FORMAT "unplug-predict"

static void help(void)
{
	cli_usage(stdout, "predict");
	printf("\n  When Linux gives up on a dead connection, and the probes and retransmissions\n"
	       "  on the way, by the kernel's own rules (docs/predict.md). Without a model\n"
	       "  option, all three with Linux's defaults.\n\n"
	       "      --keepalive IDLE,INTERVAL,COUNT\n"
	       "                    keepalive: probes from IDLE after the last segment\n"
	       "                    received (default 2h,75s,9)\n"
	       "      --retries2 N  net.ipv4.tcp_retries2 (default 15): retransmissions of data\n"
	       "      --rtt D       the smoothed round trip (default 0): the RTO is D + rto-min\n"
	       "      --rto D       the RTO itself, instead\n"
	       "      --rto-min D, --rto-max D   (default 200ms, 120s)\n"
	       "      --no-tlp      no tail-loss probe before the first retransmission\n"
	       "      --user-timeout D   TCP_USER_TIMEOUT (keepalive, retransmit, connect)\n"
	       "      --syn-retries N    net.ipv4.tcp_syn_retries (default 6): the connect\n"
	       "      --syn-linear N     net.ipv4.tcp_syn_linear_timeouts (default 4 on a\n"
	       "                    kernel since 6.5, 0 before)\n"
	       "      --kernel RELEASE   the kernel meant (default this machine's)\n"
	       "      --model M     keepalive, retransmit or connect (repeatable)\n"
	       "      --json        the timelines as JSON\n"
	       "\n  Durations as in scenarios: 500ms, 2s, 1.5m, 2h. Timers fire on the timer\n"
	       "  wheel, up to an eighth of their length late; the timelines leave that out.\n"
	       "  Exit status: 0, or 2 for bad usage.\n");
}

static int bad(const char *opt, const char *arg, const char *want)
{
	fprintf(stderr, "%s predict: bad %s: \"%s\" (%s)\n", program_name, opt, arg, want);
	return -EINVAL;
}

static int duration(const char *opt, const char *arg, int64_t *ns)
{
	return duration_parse(arg, ns) ? bad(opt, arg, DURATION_ACCEPTED) : 0;
}

/* A duration that must be more than 0. */
static int positive(const char *opt, const char *arg, int64_t *ns)
{
	int err = duration(opt, arg, ns);

	return err ? err : *ns ? 0 : bad(opt, arg, "more than 0");
}

static int count(const char *opt, const char *arg, long max, int *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 0 || n > max) {
		char want[64];

		snprintf(want, sizeof(want), "a whole number from 0 to %ld", max);
		return bad(opt, arg, want);
	}
	*v = (int)n;
	return 0;
}

/* "2s,1s,3" */
static int keepalive(const char *arg, struct predict_params *p)
{
	char buf[128], *idle, *intvl, *cnt, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", arg);
	idle = strtok_r(buf, ",", &save);
	intvl = strtok_r(NULL, ",", &save);
	cnt = strtok_r(NULL, ",", &save);
	if (!idle || !intvl || !cnt || strtok_r(NULL, ",", &save) ||
	    duration_parse(idle, &p->keepidle_ns) || duration_parse(intvl, &p->keepintvl_ns) ||
	    count("--keepalive count", cnt, 127, &p->keepcnt) || !p->keepintvl_ns || !p->keepcnt)
		return bad("--keepalive", arg, "IDLE,INTERVAL,COUNT: two durations and 1 to 127, e.g. 2s,1s,3");
	return 0;
}

static int model(const char *arg, unsigned *models)
{
	static const struct { const char *name; unsigned bit; } m[] = {
		{ "keepalive", MODEL_KEEPALIVE }, { "retransmit", MODEL_RETRANSMIT },
		{ "connect", MODEL_CONNECT },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(arg, m[i].name)) {
			*models |= m[i].bit;
			return 0;
		}
	return bad("--model", arg, "keepalive, retransmit or connect");
}

/* " (2 h 11 min 15 s)" for what is a minute or more. */
static const char *long_form(int64_t ns, char *buf, size_t len)
{
	int64_t s = ns / NS_PER_S, h = s / 3600, m = s / 60 % 60;
	double rest = (double)(ns % (60 * NS_PER_S)) / NS_PER_S;

	buf[0] = '\0';
	if (s < 60)
		return buf;
	if (h)
		snprintf(buf, len, " (%lld h %lld min %.3g s)", (long long)h, (long long)m, rest);
	else
		snprintf(buf, len, " (%lld min %.3g s)", (long long)m, rest);
	return buf;
}

static void print_text(const struct predict_timeline *t, const struct predict_params *p)
{
	char a[32], b[32], c[48];
	int retrans = 0;

	if (!strcmp(t->model, "keepalive")) {
		printf("keepalive: idle %s, interval %s, %d probes", duration_str(p->keepidle_ns, a, sizeof(a)),
		       duration_str(p->keepintvl_ns, b, sizeof(b)), p->keepcnt);
		if (p->user_timeout_ns)
			printf(", user timeout %s", duration_str(p->user_timeout_ns, c, sizeof(c)));
	} else if (!strcmp(t->model, "retransmit")) {
		if (p->user_timeout_ns)
			printf("retransmit: TCP_USER_TIMEOUT %s", duration_str(t->budget_ns, a, sizeof(a)));
		else
			printf("retransmit: tcp_retries2 %d stands for %s", p->retries2,
			       duration_str(t->budget_ns, a, sizeof(a)));
		printf(" from the first retransmission, RTO %s", duration_str(t->rto_ns, b, sizeof(b)));
	} else {
		printf("connect: tcp_syn_retries %d stands for %s from the first SYN, %d linear timeouts",
		       p->syn_retries, duration_str(t->budget_ns, a, sizeof(a)), p->syn_linear);
	}
	printf("; time 0 is %s\n", t->start);
	for (size_t i = 0; i < t->n; i++) {
		const struct predict_event *e = &t->ev[i];

		retrans += e->kind == PE_RETRANSMISSION;
		if (e->n && e->kind != PE_GIVE_UP)
			printf("  %12s  %s %d\n", duration_str(e->t_ns, a, sizeof(a)),
			       predict_event_name(e->kind), e->n);
		else
			printf("  %12s  %s\n", duration_str(e->t_ns, a, sizeof(a)), predict_event_name(e->kind));
	}
	printf("  gives up after %s%s", duration_str(t->give_up_ns, a, sizeof(a)),
	       long_form(t->give_up_ns, c, sizeof(c)));
	if (strcmp(t->model, "keepalive"))
		printf(", %d retransmission%s", retrans, retrans == 1 ? "" : "s");
	printf("\n");
}

static struct json_object *timeline_json(const struct predict_timeline *t)
{
	struct json_object *o = json_object_new_object(), *ev = json_object_new_array();

	json_object_object_add(o, "model", json_object_new_string(t->model));
	json_object_object_add(o, "start", json_object_new_string(t->start));
	json_object_object_add(o, "give_up_ns", json_object_new_int64(t->give_up_ns));
	json_object_object_add(o, "budget_ns", t->budget_ns ? json_object_new_int64(t->budget_ns) : NULL);
	json_object_object_add(o, "rto_ns", t->rto_ns ? json_object_new_int64(t->rto_ns) : NULL);
	for (size_t i = 0; i < t->n; i++) {
		struct json_object *e = json_object_new_object();
		static const char *const kinds[] = {
			[PE_PROBE] = "keepalive-probe", [PE_TLP] = "tail-loss-probe",
			[PE_RETRANSMISSION] = "retransmission", [PE_SYN] = "syn",
			[PE_GIVE_UP] = "give-up",
		};

		json_object_object_add(e, "t_ns", json_object_new_int64(t->ev[i].t_ns));
		json_object_object_add(e, "kind", json_object_new_string(kinds[t->ev[i].kind]));
		if (t->ev[i].n)
			json_object_object_add(e, "n", json_object_new_int(t->ev[i].n));
		json_object_array_add(ev, e);
	}
	json_object_object_add(o, "events", ev);
	return o;
}

int cmd_predict(int argc, char **argv)
{
	enum {
		OPT_KEEPALIVE = 256, OPT_RETRIES2, OPT_RTT, OPT_RTO, OPT_RTO_MIN, OPT_RTO_MAX,
		OPT_NO_TLP, OPT_USER_TIMEOUT, OPT_SYN_RETRIES, OPT_SYN_LINEAR, OPT_KERNEL,
		OPT_MODEL, OPT_JSON,
	};
	static const struct option opts[] = {
		{ "keepalive", required_argument, NULL, OPT_KEEPALIVE },
		{ "retries2", required_argument, NULL, OPT_RETRIES2 },
		{ "rtt", required_argument, NULL, OPT_RTT },
		{ "rto", required_argument, NULL, OPT_RTO },
		{ "rto-min", required_argument, NULL, OPT_RTO_MIN },
		{ "rto-max", required_argument, NULL, OPT_RTO_MAX },
		{ "no-tlp", no_argument, NULL, OPT_NO_TLP },
		{ "user-timeout", required_argument, NULL, OPT_USER_TIMEOUT },
		{ "syn-retries", required_argument, NULL, OPT_SYN_RETRIES },
		{ "syn-linear", required_argument, NULL, OPT_SYN_LINEAR },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "model", required_argument, NULL, OPT_MODEL },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct predict_params p;
	struct predict_timeline t;
	struct kcond since_6_5;
	char running[65];
	const char *release = kversion_running(running, sizeof(running));
	unsigned models = 0, asked = 0;
	int syn_linear = -1, c, err = 0;
	bool json = false;

	predict_defaults(&p, 0);
	while (!err && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_KEEPALIVE:
			err = keepalive(optarg, &p);
			asked |= MODEL_KEEPALIVE;
			break;
		case OPT_RETRIES2:
			err = count("--retries2", optarg, 255, &p.retries2);
			asked |= MODEL_RETRANSMIT;
			break;
		case OPT_RTT:
			err = duration("--rtt", optarg, &p.rtt_ns);
			asked |= MODEL_RETRANSMIT;
			break;
		case OPT_RTO:
			err = positive("--rto", optarg, &p.rto_ns);
			asked |= MODEL_RETRANSMIT;
			break;
		case OPT_RTO_MIN:
			err = positive("--rto-min", optarg, &p.rto_min_ns);
			break;
		case OPT_RTO_MAX:
			err = positive("--rto-max", optarg, &p.rto_max_ns);
			break;
		case OPT_NO_TLP:
			p.tlp = false;
			break;
		case OPT_USER_TIMEOUT:
			err = duration("--user-timeout", optarg, &p.user_timeout_ns);
			break;
		case OPT_SYN_RETRIES:
			err = count("--syn-retries", optarg, 127, &p.syn_retries);
			asked |= MODEL_CONNECT;
			break;
		case OPT_SYN_LINEAR:
			err = count("--syn-linear", optarg, 127, &syn_linear);
			asked |= MODEL_CONNECT;
			break;
		case OPT_KERNEL:
			release = optarg;
			if (!kversion_parse(release, (int[KVERSION_PARTS]){ 0 }))
				err = bad("--kernel", optarg, "a release, e.g. 6.1.0-57-amd64 or 6.12");
			break;
		case OPT_MODEL:
			err = model(optarg, &models);
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'h':
			help();
			return EXIT_PASS;
		default:
			cli_usage(stderr, "predict");
			return EXIT_USAGE;
		}
	}
	if (err)
		return EXIT_USAGE;
	if (optind < argc) {
		fprintf(stderr, "%s predict: unexpected argument \"%s\"\n", program_name, argv[optind]);
		cli_usage(stderr, "predict");
		return EXIT_USAGE;
	}
	if (p.rto_min_ns > p.rto_max_ns) {
		fprintf(stderr, "%s predict: --rto-min exceeds --rto-max\n", program_name);
		return EXIT_USAGE;
	}
	kcond_parse(">= 6.5", &since_6_5);
	p.syn_linear = syn_linear >= 0 ? syn_linear :
		       kcond_holds(&since_6_5, release) ? PREDICT_SYN_LINEAR : 0;
	models |= models ? 0 : asked ? asked : MODEL_KEEPALIVE | MODEL_RETRANSMIT | MODEL_CONNECT;

	struct json_object *root = json ? json_object_new_object() : NULL, *list = NULL;

	if (root) {
		list = json_object_new_array();
		json_object_object_add(root, "format", json_object_new_string(PREDICT_JSON_FORMAT));
		json_object_object_add(root, "version", json_object_new_int(1));
		json_object_object_add(root, "kernel", json_object_new_string(release));
	}
	for (unsigned bit = MODEL_KEEPALIVE; bit <= MODEL_CONNECT; bit <<= 1) {
		if (!(models & bit))
			continue;
		if (bit == MODEL_KEEPALIVE)
			predict_keepalive(&p, &t);
		else if (bit == MODEL_RETRANSMIT)
			predict_retransmit(&p, &t);
		else
			predict_connect(&p, &t);
		if (root)
			json_object_array_add(list, timeline_json(&t));
		else
			print_text(&t, &p);
	}
	if (root) {
		json_object_object_add(root, "models", list);
		printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(root);
	}
	return EXIT_PASS;
}
