#include "netns/nft.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/netns.h"

struct nft {
	int ns;
	struct nft_ctx *ctx;
};

/* The context's netlink socket belongs to the namespace it is opened in:
 * every command runs inside @n->ns. */
static int run(struct nft *n, const char *script, struct diag *d)
{
	int home, err;

	if ((err = netns_enter(n->ns, &home, d)))
		return err;
	err = nft_run_cmd_from_buffer(n->ctx, script) ? -EIO : 0;
	netns_return(home);
	if (err) {
		const char *why = nft_ctx_get_error_buffer(n->ctx);
		size_t len = why ? strlen(why) : 0;

		while (len && why[len - 1] == '\n')
			len--;
		diag_add(d, "nftables: %.*s", (int)len, len ? why : "failed");
	}
	return err;
}

int nft_open(int ns, struct nft **out, struct diag *d)
{
	struct nft *n = calloc(1, sizeof(*n));
	int home, err;

	*out = NULL;
	if (!n)
		return -ENOMEM;
	n->ns = ns;
	if ((err = netns_enter(ns, &home, d))) {
		free(n);
		return err;
	}
	n->ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	netns_return(home);
	if (!n->ctx) {
		free(n);
		diag_add(d, "nftables: cannot create a context");
		return -ENOMEM;
	}
	nft_ctx_buffer_output(n->ctx);
	nft_ctx_buffer_error(n->ctx);
	/* its first command opens its socket and fills its caches */
	if ((err = run(n, "list tables\n", d))) {
		nft_close(n);
		return err;
	}
	*out = n;
	return 0;
}

int nft_run(struct nft *n, const char *script, struct diag *d)
{
	return run(n, script, d);
}

int nft_delete_table(struct nft *n, const char *family, const char *name, struct diag *d)
{
	char script[256];

	snprintf(script, sizeof(script), "delete table %s %s\n", family, name);
	return run(n, script, d);
}

void nft_close(struct nft *n)
{
	if (!n)
		return;
	nft_ctx_free(n->ctx);
	free(n);
}

int nft_run_in(int ns, const char *script, struct diag *d)
{
	struct nft *n;
	int err = nft_open(ns, &n, d);

	if (!err)
		err = run(n, script, d);
	nft_close(n);
	return err;
}
