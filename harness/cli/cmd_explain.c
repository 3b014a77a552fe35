/* unplug explain PCAP...: how every TCP connection in any capture ended.
 * Each capture is streamed (captures/pcap_stream.h) through the
 * connection stories of captures/ending.h, which are printed as they end:
 * memory follows the live connections, not the size of the file. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "captures/ending.h"
#include "captures/pcap_stream.h"
#include "harness/cli/cli.h"
#include "harness/cli/propose.h"
#include "reports/explain.h"

/* Connections tracked at once by default: about 4.6 KB each, 230 MB. */
#define EXPLAIN_MAX_CONNS 50000
#define EXPLAIN_MAX_CONNS_LIMIT 10000000

struct explain_opts {
	bool json, ladder, segments, scenario;
	long conn;		/* --scenario: the connection to reproduce; 0: pick */
	size_t max_conns;	/* --max-connections */
};

/* One capture's pass. */
struct pass {
	const struct explain_opts *o;
	int64_t t0;		/* its first packet */
	bool t0_set;
	long printed;		/* JSON: connections written */
	struct propose *propose;
};

static void on_story(void *arg, const struct conn_story *s)
{
	struct pass *ps = arg;

	if (ps->propose) {
		propose_consider(ps->propose, s, ps->t0);
	} else if (ps->o->json) {
		json_object *j = explain_json(s, ps->t0);

		printf("%s\n    %s", ps->printed++ ? "," : "",
		       j ? json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE) : "null");
		json_object_put(j);
	} else if (!ps->o->segments) {
		explain_print(stdout, s, ps->t0, ps->o->ladder);
	}
}

/* --segments: what the tracker made of one segment, as compared with
 * tshark's analysis flags (tests/explain/compare_tshark.py). */
static void print_segment(const struct packet *p)
{
	static const struct { unsigned bit; const char *name; } cls[] = {
		{ PKT_CLS_DATA, "data" },
		{ PKT_CLS_RETRANSMISSION, "retransmission" },
		{ PKT_CLS_KEEPALIVE, "keepalive" },
		{ PKT_CLS_KEEPALIVE_ACK, "keepalive-ack" },
		{ PKT_CLS_ZERO_WINDOW, "zero-window-probe" },
		{ PKT_CLS_DUP_ACK, "duplicate-ack" },
		{ PKT_CLS_PURE_ACK, "pure-ack" },
	};
	char flags[160] = "";
	size_t used = 0;

	if (p->flags & PKT_SYN)
		used += (size_t)snprintf(flags + used, sizeof(flags) - used, ",syn");
	if (p->flags & PKT_FIN)
		used += (size_t)snprintf(flags + used, sizeof(flags) - used, ",fin");
	if (p->flags & PKT_RST)
		used += (size_t)snprintf(flags + used, sizeof(flags) - used, ",rst");
	for (size_t i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
		if (p->cls & cls[i].bit)
			used += (size_t)snprintf(flags + used, sizeof(flags) - used, ",%s", cls[i].name);
	printf("%ld %s\n", p->frame, used ? flags + 1 : "-");
}

static void print_totals(const char *path, const struct pcap_stream *s,
			 const struct ending_totals *t, const struct explain_opts *o)
{
	if (o->json) {
		printf("\n  ],\n  \"frames\": %ld, \"malformed_frames\": %ld, \"tcp_segments\": %ld, \"connection_count\": %ld, \"peak_live_connections\": %zu, \"connections_told_early\": %zu",
		       pcap_stream_frames(s), pcap_stream_malformed(s), t->tcp_segments, t->connections,
		       t->peak_live, t->forgotten);
		return;
	}
	if (o->segments || o->scenario)
		return;
	printf("%s: %ld connection%s (%ld fin, %ld rst, %ld timeout, %ld keepalive-timeout, %ld open) in %ld frames",
	       path, t->connections, t->connections == 1 ? "" : "s", t->by_kind[END_FIN],
	       t->by_kind[END_RST], t->by_kind[END_TIMEOUT], t->by_kind[END_KEEPALIVE_TIMEOUT],
	       t->by_kind[END_OPEN], pcap_stream_frames(s));
	if (pcap_stream_malformed(s))
		printf(", %ld malformed (skipped)", pcap_stream_malformed(s));
	if (t->forgotten)
		printf("; %zu told before their end, to keep at most %zu at once (--max-connections)",
		       t->forgotten, o->max_conns);
	printf("\n");
}

/* Explain one capture. Returns 0, -EIO when it was cut short (what came
 * before is explained), or another -errno when it could not be read. */
static int explain_file(const char *path, const struct explain_opts *o, bool first,
			struct diag *d)
{
	struct pass ps = { .o = o };
	struct ending_totals totals;
	struct pcap_stream *s;
	struct ending *e;
	struct packet p;
	int rc, ret;

	if ((ret = pcap_stream_open(path, &s, d)))
		return ret;
	if (o->scenario && !(ps.propose = propose_new(o->conn))) {
		pcap_stream_close(s);
		return -ENOMEM;
	}
	if (!(e = ending_new(on_story, &ps))) {
		propose_free(ps.propose);
		pcap_stream_close(s);
		return -ENOMEM;
	}
	ending_set_max(e, o->max_conns);
	if (o->json) {
		json_object *name = json_object_new_string(path);

		printf("%s{\n  \"file\": %s, \"link_type\": \"%s\",\n  \"connections\": [", first ? "" : ",\n",
		       json_object_to_json_string_ext(name, JSON_C_TO_STRING_NOSLASHESCAPE),
		       pcap_stream_linktype(s));
		json_object_put(name);
	} else if (o->segments) {
		printf("# %s\n", path);
	} else if (!o->scenario) {
		printf("%s%s (%s):\n", first ? "" : "\n", path, pcap_stream_linktype(s));
	}
	ret = 0;
	while ((rc = pcap_stream_next(s, &p, d)) == 1) {
		if (!ps.t0_set) {
			ps.t0 = p.t_ns;
			ps.t0_set = true;
		}
		if ((ret = ending_feed(e, &p)))
			break;
		if (o->segments && p.proto == PACKET_TCP)
			print_segment(&p);
	}
	if (!ret && rc < 0)
		ret = rc;
	ending_finish(e, &totals);
	print_totals(path, s, &totals, o);
	if (o->json) {
		json_object *w = json_object_new_string(ret == -EIO ? diag_last(d) : "");

		printf(",\n  \"warning\": %s\n}", ret == -EIO ? json_object_to_json_string_ext(w, JSON_C_TO_STRING_NOSLASHESCAPE) : "null");
		json_object_put(w);
	}
	if (ps.propose) {
		int err = propose_print(ps.propose, stdout, path, d);

		if (!ret)
			ret = err;
		propose_free(ps.propose);
	}
	pcap_stream_close(s);
	return ret;
}

static void help(void)
{
	cli_usage(stdout, "explain");
	printf("\n  For every TCP connection in each capture: how it ended (a FIN each way and\n"
	       "  who closed first, an RST and what it answered, a timeout with the\n"
	       "  retransmissions' backoff, a keepalive give-up with its probes, or still\n"
	       "  open), the evidence (frame numbers and times, in seconds since the\n"
	       "  capture's first packet), half-open periods and ICMP errors about it.\n"
	       "  pcap or pcapng; Ethernet (802.1Q/QinQ), Linux cooked v1/v2 (tcpdump -i\n"
	       "  any), raw IP, BSD loopback; IPv4 and IPv6. No root needed.\n\n"
	       "      --json        one JSON document: per capture its connections\n"
	       "                    (docs/explain-json.md)\n"
	       "      --ladder      draw each connection's last segments as a ladder\n"
	       "      --segments    one line per TCP segment: frame and what it was\n"
	       "                    (syn fin rst data retransmission keepalive keepalive-ack\n"
	       "                    zero-window-probe duplicate-ack pure-ack)\n"
	       "      --scenario    propose a scenario that would reproduce what the capture\n"
	       "                    shows (one capture), to edit and run\n"
	       "      --conn ID     with --scenario: the connection to reproduce (default: the\n"
	       "                    first that did not end with a FIN each way)\n"
	       "      --max-connections N  track at most N connections at once (default\n"
	       "                    50000, about 230 MB); past it the one quiet longest is\n"
	       "                    told as it stands, and the totals say how many\n"
	       "\n  Exit status: 0 explained (a capture cut short is explained up to the cut,\n"
	       "  with a warning), 2 bad usage or a file that is not a readable capture.\n");
}

int cmd_explain(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_LADDER, OPT_SEGMENTS, OPT_SCENARIO, OPT_CONN, OPT_MAX };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "ladder", no_argument, NULL, OPT_LADDER },
		{ "segments", no_argument, NULL, OPT_SEGMENTS },
		{ "scenario", no_argument, NULL, OPT_SCENARIO },
		{ "conn", required_argument, NULL, OPT_CONN },
		{ "max-connections", required_argument, NULL, OPT_MAX },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct explain_opts o = { .max_conns = EXPLAIN_MAX_CONNS };
	struct diag d;
	int c, ret = EXIT_PASS;
	char *end;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_LADDER:
			o.ladder = true;
			break;
		case OPT_SEGMENTS:
			o.segments = true;
			break;
		case OPT_SCENARIO:
			o.scenario = true;
			break;
		case OPT_CONN:
			o.conn = strtol(optarg, &end, 10);
			if (*end || end == optarg || o.conn < 1) {
				fprintf(stderr, "%s explain: bad --conn: \"%s\" (a connection's id: 1, 2...)\n",
					program_name, optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_MAX:
			errno = 0;
			o.max_conns = (size_t)strtoull(optarg, &end, 10);
			if (*end || end == optarg || errno || o.max_conns < 1 || optarg[0] == '-' ||
			    o.max_conns > EXPLAIN_MAX_CONNS_LIMIT) {
				fprintf(stderr, "%s explain: bad --max-connections: \"%s\" (1 to %d)\n",
					program_name, optarg, EXPLAIN_MAX_CONNS_LIMIT);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			help();
			return EXIT_PASS;
		default:
			cli_usage(stderr, "explain");
			return EXIT_USAGE;
		}
	}
	if (optind == argc || (o.json + o.segments + o.scenario > 1) ||
	    (o.scenario && argc - optind != 1) || (o.conn && !o.scenario)) {
		fprintf(stderr, "%s explain: %s\n", program_name,
			optind == argc ? "no capture given" :
			o.conn && !o.scenario ? "--conn goes with --scenario" :
			o.scenario && argc - optind != 1 ? "--scenario proposes from one capture" :
			"--json, --segments and --scenario go one at a time");
		cli_usage(stderr, "explain");
		return EXIT_USAGE;
	}
	if (o.json)
		printf("{ \"captures\": [\n");
	for (int i = optind; i < argc; i++) {
		int err;

		diag_init(&d, NULL);
		err = explain_file(argv[i], &o, i == optind, &d);
		fflush(stdout);
		if (err == -EIO) {
			fprintf(stderr, "%s: warning: %s (the connections are explained up to there)\n",
				program_name, diag_last(&d));
		} else if (err) {
			for (size_t k = 0; k < d.count; k++)
				fprintf(stderr, "%s: %s\n", program_name, d.msgs[k]);
			ret = EXIT_USAGE;
		}
		diag_clear(&d);
	}
	if (o.json)
		printf("\n] }\n");
	return ret;
}
