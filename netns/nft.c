#include "netns/nft.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <string.h>

#include "netns/netns.h"

int nft_run_in(int ns, const char *script, struct diag *d)
{
	struct nft_ctx *nft;
	int home, err;

	/* the context's netlink socket belongs to the namespace it is opened
	 * in: make it, and use it, inside @ns */
	err = netns_enter(ns, &home, d);
	if (err)
		return err;
	nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft) {
		netns_return(home);
		diag_add(d, "nftables: cannot create a context");
		return -ENOMEM;
	}
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	err = nft_run_cmd_from_buffer(nft, script) ? -EIO : 0;
	netns_return(home);
	if (err) {
		const char *why = nft_ctx_get_error_buffer(nft);
		size_t len = why ? strlen(why) : 0;

		while (len && why[len - 1] == '\n')
			len--;
		diag_add(d, "nftables: %.*s", (int)len, len ? why : "failed");
	}
	nft_ctx_free(nft);
	return err;
}

int nft_delete_table(int ns, const char *family, const char *name,
		     struct diag *d)
{
	char script[256];

	snprintf(script, sizeof(script), "delete table %s %s\n", family, name);
	return nft_run_in(ns, script, d);
}
