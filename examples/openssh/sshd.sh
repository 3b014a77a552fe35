#!/bin/sh
# The ssh server of the examples, run by unplug as root on the server host:
# a host key and a key for the client's login made in the host's scratch
# folder ($UNPLUG_SERVER_DIR), a config there (the arguments are added to
# it: -o Name=value ...), then sshd itself in the foreground, its log on
# stderr. The login is root's, by that key only, from the test network.
set -eu
dir="$UNPLUG_SERVER_DIR"
# sshd's privilege separation needs its empty directory, which Debian's
# service start makes; without systemd nobody has
[ -d /run/sshd ] || mkdir -m 755 /run/sshd
ssh-keygen -q -N '' -t ed25519 -f "$dir/host_key"
ssh-keygen -q -N '' -t ed25519 -f "$dir/client_key"
cp "$dir/client_key.pub" "$dir/authorized_keys"
cat >"$dir/sshd_config" <<EOT
Port 22
ListenAddress 0.0.0.0
HostKey $dir/host_key
PidFile none
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
LogLevel VERBOSE
EOT
exec /usr/sbin/sshd -D -e -f "$dir/sshd_config" "$@"
