#!/usr/bin/env bash
# The PostgreSQL containers of docker-compose.yml's cluster profile (docs/scaling.md): one image
# (docker/pg-auto-failover.Dockerfile: postgres:15 with Debian's postgresql-15-auto-failover),
# two roles, as `npm run cluster` runs them on one machine:
#   PGAF_ROLE=monitor  the pg_auto_failover monitor;
#   PGAF_ROLE=node     a keeper (pg_autoctl) and the PostgreSQL it runs: the first node to join is
#                      the primary, the next its synchronous standby (a base backup of the primary).
# Created on the first start (an empty PGAF_DIR), run as it is on every start after that.
# Everything lives in PGAF_DIR, the container's volume: the data (pgdata/) and pg_autoctl's
# configuration and state (config/, share/), so a new container takes over where the last one was.
#
# Connections over TCP need a password (scram-sha-256, never trust: the services share the host's
# network): POSTGRES_PASSWORD, for pg_autoctl's users (autoctl_node: the keepers to the monitor;
# pgautofailover_replicator: the standby to the primary) and for the app's user (alloparents,
# owner of the alloparents database). libpq reads it from PGAF_DIR/pgpass. The exception is
# pg_autoctl's own rule for the monitor's health checks (pgautofailover_monitor, a role with no
# rights on the service's tables); the superuser is reached through the container's socket only.
#
# Variables: PGAF_ROLE, PGAF_DIR, PGPORT, POSTGRES_PASSWORD; PGAF_HOSTNAME (how the others reach
# this one; 127.0.0.1 on the host network); for a node, PGAF_MONITOR (the monitor's HOST:PORT).
set -euo pipefail

say() { printf '[pg-auto-failover %s] %s\n' "${PGAF_ROLE:-?}" "$*" >&2; }
die() { say "error: $*"; exit 1; }

case "${PGAF_ROLE:-}" in monitor|node) ;; *) die "PGAF_ROLE must be monitor or node" ;; esac
[ -n "${PGAF_DIR:-}" ] || die "PGAF_DIR (the volume) is not set"
[[ "${PGPORT:-}" =~ ^[0-9]{1,5}$ ]] || die "PGPORT must be a port number"
[ -n "${POSTGRES_PASSWORD:-}" ] || die "POSTGRES_PASSWORD is not set (.env)"
# The password goes into SQL between single quotes and into pgpass: none of those characters.
[[ "$POSTGRES_PASSWORD" =~ ^[^\'\\:]+$ ]] || die "POSTGRES_PASSWORD may not contain ' \\ or :"
PGAF_HOSTNAME="${PGAF_HOSTNAME:-127.0.0.1}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
DATABASE=alloparents APP_USER=alloparents

# Root sets up the volume, then the rest runs as postgres, in the same process (setpriv execs:
# the script stays the container's main process, and its exit status the container's).
if [ "$(id -u)" -eq 0 ]; then
  mkdir -p "$PGAF_DIR"
  chown postgres: "$PGAF_DIR"
  chmod 700 "$PGAF_DIR"
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$0" "$@"
fi

export PGDATA="$PGAF_DIR/pgdata" XDG_CONFIG_HOME="$PGAF_DIR/config" XDG_DATA_HOME="$PGAF_DIR/share" \
  XDG_RUNTIME_DIR="$PGAF_DIR/run" PGPASSFILE="$PGAF_DIR/pgpass" HOME="$PGAF_DIR" PATH="$PG_BIN:/usr/local/bin:/usr/bin:/bin"
mkdir -p "$XDG_RUNTIME_DIR"
(umask 077; printf '*:*:*:*:%s\n' "$POSTGRES_PASSWORD" > "$PGPASSFILE")
# SQL as postgres over the local socket (trusted by initdb's rules; inside the container only).
local_sql() { psql -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PGPORT" -U postgres -d "$1" -tAc "$2"; }

keeper="" signalled=0
trap 'signalled=1; [ -n "$keeper" ] && kill -TERM "$keeper" 2>/dev/null' TERM INT
rm -f "$PGAF_DIR/ready"

if [ ! -f "$PGDATA/PG_VERSION" ]; then
  if [ "$PGAF_ROLE" = monitor ]; then
    say "creating the monitor (port $PGPORT)"
    pg_autoctl create monitor --pgdata "$PGDATA" --pgport "$PGPORT" --hostname "$PGAF_HOSTNAME" \
      --auth scram-sha-256 --ssl-self-signed
  else
    [ -n "${PGAF_MONITOR:-}" ] || die "PGAF_MONITOR (the monitor's HOST:PORT) is not set"
    say "creating the node (port $PGPORT): the primary if it is the first, else a standby"
    pg_autoctl create postgres --pgdata "$PGDATA" --pgport "$PGPORT" --hostname "$PGAF_HOSTNAME" \
      --dbname "$DATABASE" --auth scram-sha-256 --ssl-self-signed \
      --monitor "postgres://autoctl_node@$PGAF_MONITOR/pg_auto_failover?sslmode=require"
  fi
fi
# initdb (run by pg_autoctl) trusts every TCP connection from this host; on the host's network that
# is every local user: only the password rules pg_autoctl and this script add may stay.
sed -i -E '/^host(ssl)?[[:space:]]+(all|replication)[[:space:]]+all[[:space:]]+(127\.0\.0\.1\/32|::1\/128)[[:space:]]+trust/d' "$PGDATA/pg_hba.conf"
# pg_autoctl's own way to the local PostgreSQL (its socket directory) is psql's too.
SOCKET_DIR="$(pg_autoctl config get --pgdata "$PGDATA" postgresql.host)"

pg_autoctl run --pgdata "$PGDATA" &
keeper=$!
for _ in $(seq 1 120); do
  local_sql postgres 'SELECT 1' >/dev/null 2>&1 && break
  kill -0 "$keeper" 2>/dev/null || die "pg_autoctl ended during start-up"
  sleep 1
done

if [ "$PGAF_ROLE" = monitor ]; then
  local_sql pg_auto_failover "ALTER USER autoctl_node PASSWORD '$POSTGRES_PASSWORD'"
else
  # The app's connections: its user, with the password, from this host only.
  for address in 127.0.0.1/32 ::1/128; do
    line="host $DATABASE $APP_USER $address scram-sha-256"
    grep -qxF "$line" "$PGDATA/pg_hba.conf" || echo "$line" >> "$PGDATA/pg_hba.conf"
  done
  local_sql postgres 'SELECT pg_reload_conf()' >/dev/null
  if [ "$(local_sql postgres 'SELECT pg_is_in_recovery()')" = f ]; then
    local_sql postgres "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_USER') THEN CREATE ROLE $APP_USER LOGIN; END IF;
      END \$\$;
      ALTER ROLE $APP_USER PASSWORD '$POSTGRES_PASSWORD';
      ALTER DATABASE $DATABASE OWNER TO $APP_USER;
      ALTER ROLE pgautofailover_replicator PASSWORD '$POSTGRES_PASSWORD';"
  fi
fi
touch "$PGAF_DIR/ready"
say "running (port $PGPORT)"
# A signal (docker stop) interrupts the wait: the trap passes it on to the keeper, whose own end
# (its PostgreSQL stopped) is then waited for, since the container ends with this script.
status=0
wait "$keeper" || status=$?
if [ "$signalled" -eq 1 ]; then status=0; wait "$keeper" || status=$?; fi
exit "$status"
