/* Result values in words: the only place a verdict becomes a sentence.
 * Every report (terminal, JUnit) takes its sentences from here. */
#include "reports/result.h"

#include <stdio.h>
#include <string.h>

#include "common/duration.h"
#include "common/errname.h"

/* What a host noticed, as people say it: "ETIMEDOUT", "EOF". */
static const char *cause_str(int cause)
{
	const char *s;

	if (cause == ERRNAME_EOF)
		return "EOF";
	if (cause == ERRNAME_HEARTBEAT)
		return "heartbeat timeout";
	s = errname_str(cause);
	return s ? s : "an unknown error";
}

static bool cause_accepted(const struct expect_result *e)
{
	if (!e->ncauses)
		return true;
	for (size_t i = 0; i < e->ncauses; i++)
		if (e->causes[i] == e->cause)
			return true;
	return false;
}

/* "ETIMEDOUT or EOF", or "detection" when any will do. */
static const char *causes_str(const struct expect_result *e, char *buf, size_t len)
{
	size_t used = 0;

	snprintf(buf, len, "detection");
	for (size_t i = 0; i < e->ncauses && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " or " : "",
					 cause_str(e->causes[i]));
	return buf;
}

/* "server sent to client", "server sent", "client received". */
static const char *who_str(const struct expect_result *e, char *buf, size_t len)
{
	if (e->host[0] && e->peer[0])
		snprintf(buf, len, "%s sent to %s", e->host, e->peer);
	else if (e->host[0])
		snprintf(buf, len, "%s sent", e->host);
	else if (e->peer[0])
		snprintf(buf, len, "%s received", e->peer);
	else
		snprintf(buf, len, "the hosts sent");
	return buf;
}

static void detected(const struct expect_result *e, char *buf, size_t len)
{
	char lat[32], lo[32], hi[32], causes[128];

	if (e->measured < 0) {
		snprintf(buf, len, "%s %s %s before %s", e->host, cause_str(e->cause),
			 duration_str(-e->measured, lat, sizeof(lat)), e->ref);
		return;
	}
	snprintf(buf, len, "%s %s after %s (window %s–%s s)%s%s", e->host,
		 cause_str(e->cause), duration_str(e->measured, lat, sizeof(lat)),
		 duration_secs(e->lo, lo, sizeof(lo)), duration_secs(e->hi, hi, sizeof(hi)),
		 cause_accepted(e) ? "" : "; expected ",
		 cause_accepted(e) ? "" : causes_str(e, causes, sizeof(causes)));
}

static void not_quiet(const struct expect_result *e, char *buf, size_t len)
{
	char lat[32], period[32];

	if (e->measured < 0)
		snprintf(buf, len, "%s %s %s before %s; expected none", e->host,
			 cause_str(e->cause), duration_str(-e->measured, lat, sizeof(lat)),
			 e->ref);
	else
		snprintf(buf, len, "%s %s after %s; expected none for %s s", e->host,
			 cause_str(e->cause), duration_str(e->measured, lat, sizeof(lat)),
			 duration_secs(e->hi, period, sizeof(period)));
}

const char *result_measured_str(const struct expect_result *e, char *buf, size_t len)
{
	char t[32], secs[32], who[96];

	switch (e->outcome) {
	case OUTCOME_DETECTED:
		detected(e, buf, len);
		break;
	case OUTCOME_NOTHING_DETECTED:
		snprintf(buf, len, "%s detected nothing in the %s after %s", e->host,
			 duration_str(e->measured, t, sizeof(t)), e->ref);
		break;
	case OUTCOME_QUIET:
		snprintf(buf, len, "%s detected nothing for %s s", e->host,
			 duration_secs(e->hi, secs, sizeof(secs)));
		break;
	case OUTCOME_NOT_QUIET:
		not_quiet(e, buf, len);
		break;
	case OUTCOME_RUN_TOO_SHORT:
		snprintf(buf, len, "the run ended %s after %s, before the %s s were over",
			 duration_str(e->measured, t, sizeof(t)), e->ref,
			 duration_secs(e->hi, secs, sizeof(secs)));
		break;
	case OUTCOME_NO_REFERENCE:
		snprintf(buf, len, "step %s never ran", e->ref);
		break;
	case OUTCOME_COUNTED:
		snprintf(buf, len, "%s %lld %s", who_str(e, who, sizeof(who)),
			 (long long)e->measured, e->what);
		break;
	case OUTCOME_DELIVERED:
		snprintf(buf, len, "%s sent %lld bytes, %s received %lld", e->host,
			 (long long)e->hi, e->peer, (long long)e->measured);
		break;
	case OUTCOME_CORRUPTED:
		snprintf(buf, len, "%s sent %lld bytes, %s received %lld; the byte at stream offset %lld differs from what was sent",
			 e->host, (long long)e->hi, e->peer, (long long)e->measured,
			 (long long)e->offset);
		break;
	case OUTCOME_MATCHED:
		snprintf(buf, len, "matched, the last item %s after %s",
			 duration_str(e->measured, t, sizeof(t)), e->ref);
		break;
	case OUTCOME_BROKEN:
		snprintf(buf, len, "item %ld (%s): found %ld, then %s, %s after %s", e->item,
			 e->what, e->found, e->packet, duration_str(e->measured, t, sizeof(t)),
			 e->ref);
		break;
	case OUTCOME_CUT_SHORT:
		snprintf(buf, len, "item %ld (%s): found %ld before the capture ended", e->item,
			 e->what, e->found);
		break;
	}
	return buf;
}
