#include "harness/model/program.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "harness/model/scenario.h"

#define PROGRAM_MAX_ARGS 256
#define READY_MAX_NS (600 * NS_PER_S)

static const char *const ready_keys[] = { "timeout", "log", "delay", NULL };

static int load_argv(struct ynode n, struct program *p, struct diag *d)
{
	int ret = 0;

	if (ynode_need_seq(n, "exec", d))
		return -EINVAL;
	if (ynode_len(n) == 0 || ynode_len(n) > PROGRAM_MAX_ARGS) {
		diag_at(d, ynode_pos(n), "exec lists the program and its arguments: 1 to %d words, not %zu (e.g. exec: [./my_server, \"{server.port}\"])",
			PROGRAM_MAX_ARGS, ynode_len(n));
		return -EINVAL;
	}
	p->argv = calloc(ynode_len(n) + 1, sizeof(*p->argv));
	p->argv_at = calloc(ynode_len(n), sizeof(*p->argv_at));
	if (!p->argv || !p->argv_at)
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(n); i++) {
		struct ynode item = ynode_item(n, i);

		p->argv_at[i] = ynode_pos(item);
		if (ynode_need_scalar(item, "an exec argument", d)) {
			ret = err_merge(ret, -EINVAL);
			continue;
		}
		p->argv[p->argc] = strdup(ynode_str(item));
		if (!p->argv[p->argc])
			return -ENOMEM;
		p->argc++;
	}
	if (!ret && !p->argv[0][0]) {
		diag_at(d, p->argv_at[0], "exec names no program: the first word is empty");
		ret = -EINVAL;
	}
	return ret;
}

static int load_env(struct ynode n, struct program *p, struct diag *d)
{
	int ret = 0;

	if (ynode_need_map(n, "env", d))
		return -EINVAL;
	p->env = calloc(ynode_len(n) + 1, sizeof(*p->env));
	if (!p->env)
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(n); i++) {
		struct program_env *e = &p->env[p->nenv];
		struct ynode key = ynode_key(n, i), val = ynode_value(n, i);
		const char *k = ynode_str(key);

		e->at = ynode_pos(val);
		if (!k || !*k || strchr(k, '=')) {
			diag_at(d, ynode_pos(key), "bad environment variable name: \"%s\" (a name without '=', e.g. PYTHONUNBUFFERED)",
				k ? k : ynode_kind(key));
			ret = err_merge(ret, -EINVAL);
			continue;
		}
		if (ynode_need_scalar(val, "an environment value", d)) {
			ret = err_merge(ret, -EINVAL);
			continue;
		}
		e->name = strdup(k);
		e->value = strdup(ynode_str(val));
		p->nenv++;
		if (!e->name || !e->value)
			return -ENOMEM;
	}
	return ret;
}

static int load_ready(struct ynode n, struct program *p, struct diag *d)
{
	struct ynode log = ynode_get(n, "log"), delay = ynode_get(n, "delay"),
		     timeout = ynode_get(n, "timeout");
	int ret;

	if (ynode_need_map(n, "ready", d) || ynode_check_keys(n, "ready", ready_keys, d))
		return -EINVAL;
	if (log.node && delay.node) {
		diag_at(d, ynode_pos(n), "ready takes log or delay, not both");
		return -EINVAL;
	}
	ret = 0;
	if (timeout.node && ynode_duration(timeout, "ready timeout", &p->ready_timeout_ns, d))
		ret = -EINVAL;
	if (!ret && timeout.node && (p->ready_timeout_ns <= 0 || p->ready_timeout_ns > READY_MAX_NS)) {
		diag_at(d, ynode_pos(timeout), "bad ready timeout: \"%s\" (more than 0s, at most 600s)",
			ynode_str(timeout));
		ret = -EINVAL;
	}
	if (delay.node) {
		p->ready = READY_DELAY;
		if (ynode_duration(delay, "ready delay", &p->ready_delay_ns, d))
			ret = -EINVAL;
		else if (p->ready_delay_ns > READY_MAX_NS) {
			diag_at(d, ynode_pos(delay), "bad ready delay: \"%s\" (at most 600s)",
				ynode_str(delay));
			ret = -EINVAL;
		}
	}
	if (log.node) {
		regex_t re;
		int rc;

		p->ready = READY_LOG;
		if (ynode_strdup(log, "ready log", &p->ready_log, d))
			return -EINVAL;
		rc = regcomp(&re, p->ready_log, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char why[128];

			regerror(rc, &re, why, sizeof(why));
			diag_at(d, ynode_pos(log), "bad ready log: \"%s\" (an extended regular expression: %s)",
				p->ready_log, why);
			ret = -EINVAL;
		} else {
			regfree(&re);
		}
	}
	return ret;
}

int program_load(struct ynode n, int listens, struct program **out, struct diag *d)
{
	struct program *p = calloc(1, sizeof(*p));
	struct ynode v;
	int ret = 0;

	*out = p;
	if (!p)
		return -ENOMEM;
	v = ynode_get(n, "exec");
	p->at = ynode_pos(v);
	p->ready = listens ? READY_LISTEN : READY_NONE;
	p->ready_timeout_ns = PROGRAM_READY_TIMEOUT_NS;
	ret = err_merge(ret, load_argv(v, p, d));
	if ((v = ynode_get(n, "env")).node)
		ret = err_merge(ret, load_env(v, p, d));
	if ((v = ynode_get(n, "ready")).node)
		ret = err_merge(ret, load_ready(v, p, d));
	if (p->ready == READY_LISTEN && !listens) {
		diag_at(d, ynode_pos(v), "ready by a listener needs listen: the port the program serves");
		ret = err_merge(ret, -EINVAL);
	}
	return ret;
}

/* The placeholder at @s ("{server.addr}..."): its host and field, and its
 * length. Returns 0 or -EINVAL with what is wrong in @why. */
static int placeholder(const char *s, const struct scenario *sc, int *host, bool *port,
		       size_t *len, char *why, size_t wlen)
{
	const char *end = strchr(s, '}'), *dot;
	char name[64];

	if (!end) {
		snprintf(why, wlen, "an unclosed placeholder: \"%s\" (write {HOST.addr} or {HOST.port}, or {{ for a brace)", s);
		return -EINVAL;
	}
	*len = (size_t)(end - s) + 1;
	dot = memchr(s, '.', (size_t)(end - s));
	if (!dot || (size_t)(dot - s - 1) >= sizeof(name))
		goto bad;
	memcpy(name, s + 1, (size_t)(dot - s - 1));
	name[dot - s - 1] = '\0';
	*host = scenario_host_index(sc, name);
	if (*host == HOST_NONE)
		goto bad;
	if (end - dot - 1 == 4 && !strncmp(dot + 1, "addr", 4))
		*port = false;
	else if (end - dot - 1 == 4 && !strncmp(dot + 1, "port", 4))
		*port = true;
	else
		goto bad;
	if (*port && sc->hosts[*host].peer.role != PEER_LISTEN) {
		snprintf(why, wlen, "%.*s: %s listens on no port", (int)*len, s, name);
		return -EINVAL;
	}
	return 0;
bad:
	{
		char names[128];

		snprintf(why, wlen, "unknown placeholder: \"%.*s\" ({HOST.addr} or {HOST.port}, HOST one of %s)",
			 (int)(end - s) + 1, s, scenario_host_names(sc, names, sizeof(names)));
	}
	return -EINVAL;
}

int program_expand(const char *text, struct pos at, const struct scenario *sc,
		   const char *const *addrs, char **out, struct diag *d)
{
	char *buf = NULL, why[256];
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int ret = 0;

	*out = NULL;
	if (!f)
		return -ENOMEM;
	for (const char *s = text; *s && !ret;) {
		int host;
		bool port;
		size_t len;

		if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
			fputc(s[0], f);
			s += 2;
		} else if (*s != '{') {
			fputc(*s++, f);
		} else if (placeholder(s, sc, &host, &port, &len, why, sizeof(why))) {
			diag_at(d, at, "%s", why);
			ret = -EINVAL;
		} else {
			if (port)
				fprintf(f, "%u", sc->hosts[host].peer.port);
			else
				fputs(addrs ? addrs[host] : "", f);
			s += len;
		}
	}
	if (fclose(f))
		ret = -ENOMEM;
	if (ret)
		free(buf);
	else
		*out = buf;
	return ret;
}

int program_check(const struct program *p, const struct scenario *sc, struct diag *d)
{
	int ret = 0;
	char *s;

	for (size_t i = 0; i < p->argc; i++) {
		int err = program_expand(p->argv[i], p->argv_at[i], sc, NULL, &s, d);

		ret = err_merge(ret, err);
		free(s);
	}
	for (size_t i = 0; i < p->nenv; i++) {
		int err = program_expand(p->env[i].value, p->env[i].at, sc, NULL, &s, d);

		ret = err_merge(ret, err);
		free(s);
	}
	return ret;
}

void program_free(struct program *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	free(p->argv_at);
	for (size_t i = 0; i < p->nenv; i++) {
		free(p->env[i].name);
		free(p->env[i].value);
	}
	free(p->env);
	free(p->ready_log);
	free(p);
}
