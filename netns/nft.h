/* Packet filters through libnftables, inside one of our namespaces. */
#ifndef NETNS_NFT_H
#define NETNS_NFT_H

#include "common/diag.h"

/* Run the nft script @script (nft -f syntax) in namespace @ns, atomically:
 * all of it or none. Returns 0, or -EIO with nft's own error text, which
 * quotes the failing line, in @d. */
int nft_run_in(int ns, const char *script, struct diag *d);

/* Delete table @family @name in @ns: how a fault's filter is reverted. */
int nft_delete_table(int ns, const char *family, const char *name,
		     struct diag *d);

#endif
