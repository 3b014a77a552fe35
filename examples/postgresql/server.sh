#!/bin/sh
# The PostgreSQL server of the examples, run as postgres by unplug: a new
# cluster in the host's scratch folder ($UNPLUG_SERVER_DIR), any client on
# the test network trusted, then postgres itself in the foreground with
# the settings given as arguments (-c name=value ...). Its log goes to
# $UNPLUG_SERVER_DIR/log/pg.log, which the scenarios watch.
set -eu
data="$UNPLUG_SERVER_DIR/data"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
"$bin/initdb" -D "$data" --auth=trust -U postgres >/dev/null
echo "host all all 0.0.0.0/0 trust" >>"$data/pg_hba.conf"
echo "host all all ::/0 trust" >>"$data/pg_hba.conf"
exec "$bin/postgres" -D "$data" -c listen_addresses='*' -c unix_socket_directories="$UNPLUG_SERVER_DIR" \
	-c logging_collector=on -c log_directory="$UNPLUG_SERVER_DIR/log" -c log_filename=pg.log \
	-c log_connections=on -c log_disconnections=on "$@"
