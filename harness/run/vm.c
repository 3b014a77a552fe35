/* qemu's command line, and how the guest's exit status comes back: the
 * guest's init writes it to <share>/.exit before it powers off (tools/kernel
 * has the init). KVM is tried first when /dev/kvm exists; a qemu that
 * cannot use it (nested virtualisation without MSR support) exits at
 * once, and only then is the machine booted again under emulation. */
#include "harness/run/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"

#define QEMU "qemu-system-x86_64"
#define VM_EXIT_FILE ".exit"
#define KVM_FAILS_WITHIN_NS (2 * INT64_C(1000000000))

const char *vm_kernel_release(const char *dir, char *buf, size_t len, struct diag *d)
{
	static const char *const need[] = { "vmlinux", "initrd.cpio", "release" };
	char path[4096];
	FILE *f;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, need[i]);
		if (access(path, R_OK)) {
			diag_add(d, "--kernel %s: no %s there (make one with tools/kernel: build/kernels/<release>/)",
				 dir, need[i]);
			return NULL;
		}
	}
	f = fopen(path, "re");
	if (!f || !fgets(buf, (int)len, f)) {
		if (f)
			fclose(f);
		diag_add(d, "--kernel %s: cannot read its release", dir);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* The guest's console to our stdout, line by line, without the carriage
 * returns of a serial line and without the kernel's own messages
 * ("[    7.05] reboot: Power down"): what is left is the run's output. */
static void relay(int fd)
{
	FILE *in = fdopen(dup(fd), "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!in)
		return;
	while ((n = getline(&line, &cap, in)) > 0) {
		double t;
		char c;

		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (sscanf(line, "[ %lf%c", &t, &c) == 2 && c == ']')
			continue;
		printf("%s\n", line);
		fflush(stdout);
	}
	free(line);
	fclose(in);
}

/* One boot; the qemu process's exit status. */
static int boot(const struct vm_job *j, bool kvm)
{
	static const char root[] = "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap";
	char kernel[4096], initrd[4096], append[8192], share[4300], mem[16], cpus[16];
	const char *argv[40];
	int n = 0, st, out[2];
	pid_t pid;

	snprintf(kernel, sizeof(kernel), "%s/vmlinux", j->kernel_dir);
	snprintf(initrd, sizeof(initrd), "%s/initrd.cpio", j->kernel_dir);
	snprintf(append, sizeof(append),
		 "console=ttyS0 quiet loglevel=1 panic=-1 unplug.cmd=%s unplug.out=%s", j->script,
		 j->share);
	snprintf(share, sizeof(share), "local,id=out,path=%s,security_model=none", j->share);
	snprintf(mem, sizeof(mem), "%d", j->memory_mb);
	snprintf(cpus, sizeof(cpus), "%d", j->cpus);
	argv[n++] = QEMU;
	argv[n++] = "-machine";
	argv[n++] = kvm ? "accel=kvm" : "accel=tcg";
	argv[n++] = "-cpu";
	argv[n++] = kvm ? "host" : "max";
	argv[n++] = "-m";
	argv[n++] = mem;
	argv[n++] = "-smp";
	argv[n++] = cpus;
	/* no firmware banner, no NIC, no monitor: the serial console is the
	 * guest's output and nothing else */
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-user-config";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-serial";
	argv[n++] = "stdio";
	argv[n++] = "-no-reboot";
	argv[n++] = "-kernel";
	argv[n++] = kernel;
	argv[n++] = "-initrd";
	argv[n++] = initrd;
	argv[n++] = "-append";
	argv[n++] = append;
	argv[n++] = "-fsdev";
	argv[n++] = root;
	argv[n++] = "-device";
	argv[n++] = "virtio-9p-pci,fsdev=root,mount_tag=hostroot";
	argv[n++] = "-fsdev";
	argv[n++] = share;
	argv[n++] = "-device";
	argv[n++] = "virtio-9p-pci,fsdev=out,mount_tag=out";
	argv[n] = NULL;
	if (pipe2(out, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			if (kvm)	/* a KVM that does not work says so at length */
				dup2(null, STDERR_FILENO);
		}
		dup2(out[1], STDOUT_FILENO);
		execvp(QEMU, (char **)argv);
		_exit(127);
	}
	close(out[1]);
	relay(out[0]);
	close(out[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int vm_run(const struct vm_job *j, struct diag *d)
{
	char path[4200];
	FILE *f;
	int rc, status = -1;

	snprintf(path, sizeof(path), "%s/%s", j->share, VM_EXIT_FILE);
	unlink(path);
	if (!access("/dev/kvm", R_OK | W_OK)) {
		int64_t start = clock_mono_ns();

		rc = boot(j, true);
		/* a qemu that cannot use KVM fails before the guest starts;
		 * one that ran the guest is not run again */
		if (rc && clock_mono_ns() - start < KVM_FAILS_WITHIN_NS)
			rc = boot(j, false);
	} else {
		rc = boot(j, false);
	}
	if (rc == 127) {
		diag_add(d, "cannot run %s: install Debian's qemu-system-x86", QEMU);
		return -ENOENT;
	}
	f = fopen(path, "re");
	if (!f || fscanf(f, "%d", &status) != 1 || status < 0 || status > 255) {
		if (f)
			fclose(f);
		diag_add(d, "the machine booting %s ended (qemu status %d) without the run's exit status",
			 j->kernel_dir, rc);
		return -EIO;
	}
	fclose(f);
	unlink(path);
	return status;
}
