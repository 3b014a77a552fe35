#include "harness/model/program.h"

#include <ctype.h>
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

const char *const program_keys[] = {
	"name", "exec", "env", "listen", "ready", "user", "tty", NULL
};

/* user: a name or a number, looked up when the program starts (the
 * scenario may be checked on another machine than it runs on) */
static int load_user(struct ynode n, struct program *p, struct diag *d)
{
	const char *s;

	p->user_at = ynode_pos(n);
	if (ynode_need_scalar(n, "user", d))
		return -EINVAL;
	s = ynode_str(n);
	if (!*s || strlen(s) > 64 || strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-$") != strlen(s) ||
	    s[0] == '-') {
		diag_at(d, ynode_pos(n), "bad user: \"%s\" (a user name, e.g. postgres, or a uid, e.g. 1000)", s);
		return -EINVAL;
	}
	return ynode_strdup(n, "user", &p->user, d);
}

static int load_name(struct ynode n, struct program *p, struct diag *d)
{
	const char *s;

	if (ynode_need_scalar(n, "name", d))
		return -EINVAL;
	s = ynode_str(n);
	/* it names files (HOST.NAME.stdout) and events */
	if (!*s || strlen(s) > 31 || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(s)) {
		diag_at(d, ynode_pos(n), "bad program name: \"%s\" (1 to 31 of a-z, 0-9, - and _, e.g. sshd)", s);
		return -EINVAL;
	}
	return ynode_strdup(n, "name", &p->name, d);
}

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

int program_load(struct ynode n, bool named, struct program **out, struct diag *d)
{
	struct program *p = calloc(1, sizeof(*p));
	struct ynode v;
	long port;
	int ret = 0;

	*out = p;
	if (!p)
		return -ENOMEM;
	if ((v = ynode_get(n, "listen")).node) {
		if (ynode_int(v, "listen port", 1, 65535, &port, d))
			ret = err_merge(ret, -EINVAL);
		else
			p->listen = (uint16_t)port;
	}
	if (named && !ynode_need_key(n, "name", "a program", "name: sshd", &v, d))
		ret = err_merge(ret, load_name(v, p, d));
	else if (named)
		ret = err_merge(ret, -EINVAL);
	if ((v = ynode_get(n, "user")).node)
		ret = err_merge(ret, load_user(v, p, d));
	if ((v = ynode_get(n, "tty")).node)
		ret = err_merge(ret, ynode_bool(v, "tty", &p->tty, d));
	if (ynode_need_key(n, "exec", named ? "a program" : "a host running your program",
			   "exec: [./my_server, \"{server.port}\"]", &v, d))
		return err_merge(ret, -EINVAL);
	p->at = ynode_pos(v);
	p->ready = p->listen ? READY_LISTEN : READY_NONE;
	p->ready_timeout_ns = PROGRAM_READY_TIMEOUT_NS;
	ret = err_merge(ret, load_argv(v, p, d));
	if ((v = ynode_get(n, "env")).node)
		ret = err_merge(ret, load_env(v, p, d));
	if ((v = ynode_get(n, "ready")).node)
		ret = err_merge(ret, load_ready(v, p, d));
	if (p->ready == READY_LISTEN && !p->listen) {
		diag_at(d, ynode_pos(v), "ready by a listener needs listen: the port the program serves");
		ret = err_merge(ret, -EINVAL);
	}
	return ret;
}

/* The placeholder at @s ("{server.addr}..."): its host and field, and its
 * length. Returns 0 or -EINVAL with what is wrong in @why. */
enum field { FIELD_ADDR, FIELD_PORT, FIELD_DIR };

static int placeholder(const char *s, const struct scenario *sc, int *host, enum field *field,
		       size_t *len, char *why, size_t wlen)
{
	const char *end = strchr(s, '}'), *dot;
	char name[64];

	if (!end) {
		snprintf(why, wlen, "an unclosed placeholder: \"%s\" (write {HOST.addr}, {HOST.port}, {HOST.dir} or {scenario.dir}, or {{ for a brace)", s);
		return -EINVAL;
	}
	*len = (size_t)(end - s) + 1;
	dot = memchr(s, '.', (size_t)(end - s));
	if (!dot || (size_t)(dot - s - 1) >= sizeof(name))
		goto bad;
	memcpy(name, s + 1, (size_t)(dot - s - 1));
	name[dot - s - 1] = '\0';
	*host = scenario_host_index(sc, name);
	if (!strcmp(name, "scenario") && end - dot - 1 == 3 && !strncmp(dot + 1, "dir", 3)) {
		*host = HOST_NONE;
		*field = FIELD_DIR;
		return 0;
	}
	if (*host == HOST_NONE)
		goto bad;
	if (end - dot - 1 == 4 && !strncmp(dot + 1, "addr", 4))
		*field = FIELD_ADDR;
	else if (end - dot - 1 == 4 && !strncmp(dot + 1, "port", 4))
		*field = FIELD_PORT;
	else if (end - dot - 1 == 3 && !strncmp(dot + 1, "dir", 3))
		*field = FIELD_DIR;
	else
		goto bad;
	if (*field == FIELD_PORT && sc->hosts[*host].peer.role != PEER_LISTEN) {
		snprintf(why, wlen, "%.*s: %s listens on no port", (int)*len, s, name);
		return -EINVAL;
	}
	return 0;
bad:
	{
		char names[128];

		snprintf(why, wlen, "unknown placeholder: \"%.*s\" ({HOST.addr}, {HOST.port}, {HOST.dir} or {scenario.dir}, HOST one of %s)",
			 (int)(end - s) + 1, s, scenario_host_names(sc, names, sizeof(names)));
	}
	return -EINVAL;
}

int program_expand(const char *text, struct pos at, const struct scenario *sc,
		   const struct program_vals *vals, char **out, struct diag *d)
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
		enum field field;
		size_t len;

		if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
			fputc(s[0], f);
			s += 2;
		} else if (*s != '{') {
			fputc(*s++, f);
		} else if (placeholder(s, sc, &host, &field, &len, why, sizeof(why))) {
			diag_at(d, at, "%s", why);
			ret = -EINVAL;
		} else {
			if (field == FIELD_PORT)
				fprintf(f, "%u", sc->hosts[host].peer.port);
			else if (field == FIELD_ADDR && vals)
				fputs(vals->addrs[host], f);
			else if (field == FIELD_DIR && vals && host == HOST_NONE)
				fputs(vals->scenario_dir, f);
			else if (field == FIELD_DIR && vals)
				fputs(vals->dirs[host], f);
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

void program_file_copy_name(const char *host, const char *written, char *buf, size_t len)
{
	const char *base = strrchr(written, '/') ? strrchr(written, '/') + 1 : written;
	size_t used = (size_t)snprintf(buf, len, "%s.file.", host);

	for (; *base && used + 1 < len; base++)
		buf[used++] = isalnum((unsigned char)*base) || strchr(".-_", *base) ? *base : '_';
	if (used < len)
		buf[used] = '\0';
}

const struct program *program_find(const struct program *first, const char *name)
{
	for (const struct program *p = first; p; p = p->next)
		if (p->name && !strcmp(p->name, name))
			return p;
	return NULL;
}

int program_check(const struct program *p, const struct scenario *sc, struct diag *d)
{
	int ret = 0;
	char *s;

	if (p->next)
		ret = program_check(p->next, sc, d);
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
	program_free(p->next);
	free(p->name);
	free(p->user);
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
