#!/bin/sh
# What a program finds when it starts: its arguments with the placeholders
# filled in, UNPLUG_* and its env: in its environment (env: winning), the
# scenario's folder as its working directory, and — under sudo — the
# invoking user's identity and HOME, never root's.
. "$(dirname "$0")/lib.sh"
need_root
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }

mkdir "$TMP/here"
cat >"$TMP/here/env.yaml" <<'EOT'
name: env
server:
  exec: [sh, -c, "echo \"args=$0 $1\"; echo \"env=$MODE|$UNPLUG_SERVER_ADDR|$UNPLUG_SERVER_PORT|$UNPLUG_CLIENT_ADDR|$PATH\"; echo \"uid=$(id -u) home=$HOME cwd=$(pwd)\"; exec python3 -c 'import socket, time; s = socket.socket(); s.bind((\"\", 7000)); s.listen(); time.sleep(30)'",
         "{server.addr}", "{server.port}"]
  env: { MODE: "at {server.addr}:{server.port}", PATH: "/usr/bin:/bin" }
  listen: 7000
client:
  connect: server:7000
expect:
  - no-detect: { host: client, for: 200ms }
EOT
chmod 755 "$TMP" "$TMP/here"
chmod 644 "$TMP/here/env.yaml"
nobody=$(id -u nobody)
nogroup=$(id -g nobody)
home=$(getent passwd nobody | cut -d: -f6)
SUDO_UID=$nobody SUDO_GID=$nogroup "$UNPLUG" run "$TMP/here/env.yaml" --out "$TMP/out" >"$TMP/stdout" 2>&1 ||
	unsure_only $? || { cat "$TMP/stdout" >&2; fail "the scenario did not pass"; }
out="$TMP/out/env/server.stdout"
cat "$out"
grep -q ' args=198.18.0.2 7000$' "$out" || fail "placeholders in argv"
grep -q ' env=at 198.18.0.2:7000|198.18.0.2|7000|198.18.0.1|/usr/bin:/bin$' "$out" || fail "environment"
grep -q " uid=$nobody home=$home cwd=$TMP/here\$" "$out" || fail "identity or working directory"
echo "ok: a program starts as the invoking user, with its placeholders, environment and folder"
