/* Packet filters through libnftables, inside one of our namespaces. */
#ifndef NETNS_NFT_H
#define NETNS_NFT_H

#include "common/diag.h"

/* A libnftables context kept for one namespace: made (and used once) when
 * the network is built, so a fault's rules apply in well under a
 * millisecond rather than paying for a new context and the first use. */
struct nft;

/* Open a context for namespace @ns (borrowed: it must outlive the
 * context). Returns 0 and a context to close with nft_close(), or -errno. */
int nft_open(int ns, struct nft **out, struct diag *d);

/* Run the nft script @script (nft -f syntax) through @n, atomically: all
 * of it or none. Returns 0, or -EIO with nft's own error text, which quotes
 * the failing line, in @d. */
int nft_run(struct nft *n, const char *script, struct diag *d);

/* Delete table @family @name: how a fault's filter is reverted. */
int nft_delete_table(struct nft *n, const char *family, const char *name, struct diag *d);

/* NULL is a no-op. */
void nft_close(struct nft *n);

/* One script in @ns with a context of its own (set-up, probes). */
int nft_run_in(int ns, const char *script, struct diag *d);

#endif
