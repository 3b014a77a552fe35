/* Running an unplug command inside a virtual machine that boots another
 * kernel (`unplug run --kernel DIR`): qemu boots DIR's vmlinux and
 * initrd.cpio (made by tools/kernel), which sees the host's root
 * read-only and one directory read-write, both at their own paths, runs a
 * shell script from that directory and powers off. */
#ifndef HARNESS_RUN_VM_H
#define HARNESS_RUN_VM_H

#include "common/diag.h"

struct vm_job {
	const char *kernel_dir;	/* tools/kernel's output for one kernel */
	const char *share;	/* the directory shared read-write (absolute) */
	const char *script;	/* the script the guest runs (in @share) */
	int memory_mb;
	int cpus;
};

/* The kernel release DIR holds ("6.1.0-57-amd64"), into @buf; NULL with
 * the reason in @d when DIR is not a kernel tools/kernel made. */
const char *vm_kernel_release(const char *dir, char *buf, size_t len, struct diag *d);

/* Boot @job's kernel and run its script; the guest's console goes to our
 * stdout. KVM when it works, else emulation. Returns the script's exit
 * status (0-255), or -errno with the reason in @d when the machine could
 * not be run or did not say how the script ended. */
int vm_run(const struct vm_job *job, struct diag *d);

#endif
