# Shared by the vm tests: the kernel to boot (made by tools/kernel), or a
# skip with the reason; a temporary folder; how to fail.
set -eu
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${UNPLUG:=$SRCDIR/build/unplug}"
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no qemu-system-x86_64 (Debian's qemu-system-x86)"; exit 77; }
kdir=${UNPLUG_KERNEL:-$(ls -d "$SRCDIR"/build/kernels/6.1.*/ 2>/dev/null | head -n 1)}
[ -n "$kdir" ] && [ -f "$kdir/vmlinux" ] || { echo "SKIP: no kernel made (tools/kernel debian-12)"; exit 77; }
TMP=$(mktemp -d /tmp/unplug-vm.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
release=$(cat "$kdir/release")
