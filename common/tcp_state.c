#include "common/tcp_state.h"

#include <netinet/tcp.h>

const struct name_value tcp_states[] = {
	{ "ESTABLISHED", TCP_ESTABLISHED },
	{ "SYN_SENT", TCP_SYN_SENT },
	{ "SYN_RECV", TCP_SYN_RECV },
	{ "FIN_WAIT1", TCP_FIN_WAIT1 },
	{ "FIN_WAIT2", TCP_FIN_WAIT2 },
	{ "TIME_WAIT", TCP_TIME_WAIT },
	{ "CLOSE", TCP_CLOSE },
	{ "CLOSE_WAIT", TCP_CLOSE_WAIT },
	{ "LAST_ACK", TCP_LAST_ACK },
	{ "LISTEN", TCP_LISTEN },
	{ "CLOSING", TCP_CLOSING },
};
const size_t tcp_nstates = NAMES_LEN(tcp_states);

const char *tcp_state_str(int state)
{
	const char *s = names_str(tcp_states, tcp_nstates, state);

	return s ? s : "?";
}
