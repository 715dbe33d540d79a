#!/usr/bin/env bash
# npm run cluster: the multi-node set on one machine, for trying it and for operators' drills:
#   - PostgreSQL with automatic failover: a pg_auto_failover monitor, a primary and its standby
#     (pg_autoctl, each keeper supervising its own postgres), data in CLUSTER_DIR;
#   - two nodes, each `npm run stack` (one Asterisk and its app, supervised; in demo mode each with
#     its own simulated network for its legs), on ports of their own;
#   - Kamailio in front, on SIP_PORT: the address the trunk (and `npm run demo:call`) calls.
# Ctrl-C or SIGTERM stops everything it started; a part that ends stops the whole set (each
# node's stack restarts its own Asterisk and app by itself). docs/scaling.md, "One machine".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
load_env

# Everything comes from the environment (or .env), so that a second set can run beside a first
# (the e2e test runs one on the tests' ports, in a directory of its own): each value is checked here.
CLUSTER_DIR="${CLUSTER_DIR:-/var/lib/alloparents-cluster}"
# It goes into commands and process patterns (Kamailio's): a plain absolute path.
[[ "$CLUSTER_DIR" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "CLUSTER_DIR must be an absolute path of letters, digits and . _ - / (it is '$CLUSTER_DIR')"
PG_PORT="${CLUSTER_PG_PORT:-6440}"             # the monitor; the nodes take the next two
PG_BIN=/usr/lib/postgresql/15/bin
INSTANCE_BASE="${ASTERISK_INSTANCE:-service}"  # the nodes' Asterisk instances: <base>-node1, <base>-node2
[[ "$INSTANCE_BASE" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "ASTERISK_INSTANCE may only hold lower-case letters, digits and dashes"
ENTRY_PORT="${SIP_PORT:-5060}"
ARI_BASE_PORT="$(node -e 'try { process.stdout.write(new URL(process.argv[1]).port || "8088") } catch { process.stdout.write("not a URL") }' "${ARI_URL:-http://127.0.0.1:8088}")"
HTTP_BASE_PORT="${HTTP_PORT:-3000}"
METRICS_BASE_PORT="${METRICS_PORT:-9464}"
RTP_BASE="${RTP_PORT_START:-10000}"
NETWORK_BASE_PORT="${DEMO_NETWORK_PORT:-5080}"
# NAME VALUE N: VALUE is a port number, and so are the N after it, which the cluster takes too.
check_port() {
  [[ "$2" =~ ^[0-9]{1,5}$ ]] && [ "$2" -ge 1 ] && [ $(($2 + $3)) -le 65535 ] \
    || die "$1 must be a port number from 1 to $((65535 - $3)) (the cluster takes the $3 after it too); it is '$2'"
}
check_port CLUSTER_PG_PORT "$PG_PORT" 2
check_port SIP_PORT "$ENTRY_PORT" 2
check_port "ARI_URL's port" "$ARI_BASE_PORT" 2
check_port HTTP_PORT "$HTTP_BASE_PORT" 1
check_port METRICS_PORT "$METRICS_BASE_PORT" 1
check_port DEMO_NETWORK_PORT "$NETWORK_BASE_PORT" 2
# RTP_PORT_START-RTP_PORT_END is the size of each part's range: node 1 takes it, its demo network
# (npm run stack) the same number of ports after it, then node 2 and its network.
check_port RTP_PORT_START "$RTP_BASE" 0
[[ "${RTP_PORT_END:-10999}" =~ ^[0-9]{1,5}$ ]] || die "RTP_PORT_END must be a port number"
RTP_SPAN=$((${RTP_PORT_END:-10999} - RTP_BASE + 1))
[ "$RTP_SPAN" -ge 20 ] || die "RTP_PORT_START-RTP_PORT_END must span at least 20 ports (each node and each demo network takes that many)"
check_port RTP_PORT_START "$RTP_BASE" $((4 * RTP_SPAN - 1))
# Node k (1, 2): SIP ENTRY_PORT+k, ARI +k, HTTP +k-1, the operators' listener +k-1, RTP its own
# range (its demo network's after it), its demo network on DEMO_NETWORK_PORT+k.
node_env() {
  local k="$1" rtp=$((RTP_BASE + 2 * RTP_SPAN * ($1 - 1)))
  echo "ASTERISK_INSTANCE=$INSTANCE_BASE-node$k" \
    "SIP_PORT=$((ENTRY_PORT + k))" \
    "ARI_URL=http://127.0.0.1:$((ARI_BASE_PORT + k))" \
    "HTTP_PORT=$((HTTP_BASE_PORT + k - 1))" \
    "METRICS_PORT=$((METRICS_BASE_PORT + k - 1))" \
    "RTP_PORT_START=$rtp" "RTP_PORT_END=$((rtp + RTP_SPAN - 1))" \
    "DEMO_NETWORK_PORT=$((NETWORK_BASE_PORT + k))" \
    "DATABASE_URL=$DATABASE_URL_CLUSTER"
}
DATABASE_URL_CLUSTER="postgres://postgres@127.0.0.1:$((PG_PORT + 1)),127.0.0.1:$((PG_PORT + 2))/alloparents"

ensure_node_modules
build_app
# Provisioning installs pg_auto_failover and Kamailio too.
bash scripts/provision.sh all

pids=() names=()
stopping=0
cleanup() {
  [ "$stopping" -eq 1 ] && return; stopping=1
  set +e
  say "stopping the cluster"
  # The nodes' stacks first (each stops its Asterisk and app), then Kamailio, then the keepers
  # (each stops its postgres). Polled, never waited on: a part that hangs is killed.
  local nodes=() keepers=() i
  for i in "${!pids[@]}"; do
    case "${names[$i]}" in node*) nodes+=("${pids[$i]}") ;; pg-*) keepers+=("${pids[$i]}") ;; esac
  done
  [ "${#nodes[@]}" -gt 0 ] && kill -TERM "${nodes[@]}" 2>/dev/null
  gone_within 30 "${nodes[@]}" || kill -KILL "${nodes[@]}" 2>/dev/null
  if [ -n "${KAMAILIO_RUN:-}" ]; then
    pkill -TERM -f "kamailio -DD -E -f $KAMAILIO_RUN/kamailio.cfg"
    for _ in $(seq 1 50); do pgrep -f "kamailio -DD -E -f $KAMAILIO_RUN/kamailio.cfg" >/dev/null || break; sleep 0.2; done
    pkill -KILL -f "kamailio -DD -E -f $KAMAILIO_RUN/kamailio.cfg"
  fi
  for data in pg-node2 pg-node1 pg-monitor; do
    [ -d "$CLUSTER_DIR/$data" ] && autoctl stop --pgdata "$CLUSTER_DIR/$data" >/dev/null 2>&1
  done
  gone_within 30 "${keepers[@]}" || kill -KILL "${keepers[@]}" 2>/dev/null
  say "stopped"
}
# Whether every pid given has ended within that many seconds.
gone_within() {
  local deadline=$((SECONDS + $1)) pid alive; shift
  while :; do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && return 0
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}
# Ctrl-C signals every process of the terminal's group at once, the nodes' stacks included, and
# this script signals them again: a second signal during the stopping is ignored here (its trap
# would end the script half-way through), the first one's stopping goes on to the end.
stop_on() { [ "$stopping" -eq 1 ] && return; cleanup; exit "$1"; }
trap 'stop_on 130' INT
trap 'stop_on 143' TERM
trap cleanup EXIT

autoctl() {
  runuser -u postgres -- env PATH="$PG_BIN:/usr/bin:/bin" HOME="$CLUSTER_DIR" XDG_CONFIG_HOME="$CLUSTER_DIR/config" XDG_DATA_HOME="$CLUSTER_DIR/share" pg_autoctl "$@"
}
# A long-running part: its output prefixed with its name, its pid kept.
keep() {
  local name="$1"; shift
  "$@" > >(filtered sed -u "s/^/[$name] /") 2>&1 &
  pids+=("$!"); names+=("$name")
}
# A node's stack still runs and its app is connected to its Asterisk (a stack that ended stops the set).
node_up() {
  kill -0 "$1" 2>/dev/null || die "a node's stack ended during start-up (see its output above)"
  curl -sS "$2" 2>/dev/null | grep -q '"ari":"up"'
}
wait_for() { # what, seconds, command...
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -ge $deadline ] && die "$what did not happen within $seconds s (see the output above)"
    sleep 0.5
  done
}

# PostgreSQL: created once in CLUSTER_DIR, run again as it is afterwards.
mkdir -p "$CLUSTER_DIR" && chown postgres: "$CLUSTER_DIR"
monitor_uri="postgres://autoctl_node@127.0.0.1:$PG_PORT/pg_auto_failover?sslmode=disable"
if [ ! -d "$CLUSTER_DIR/pg-monitor" ]; then
  say "PostgreSQL: creating the pg_auto_failover monitor (port $PG_PORT)"
  autoctl create monitor --pgdata "$CLUSTER_DIR/pg-monitor" --pgport "$PG_PORT" --hostname 127.0.0.1 --auth trust --no-ssl >"$CLUSTER_DIR/monitor-create.log" 2>&1 \
    || die "pg_autoctl could not create the monitor (see $CLUSTER_DIR/monitor-create.log)"
fi
keep pg-monitor autoctl run --pgdata "$CLUSTER_DIR/pg-monitor"
wait_for "the monitor's start" 30 bash -c "psql 'postgres://postgres@127.0.0.1:$PG_PORT/pg_auto_failover' -tAc 'SELECT 1' >/dev/null 2>&1"
for k in 1 2; do
  port=$((PG_PORT + k))
  if [ -d "$CLUSTER_DIR/pg-node$k" ]; then
    keep "pg-node$k" autoctl run --pgdata "$CLUSTER_DIR/pg-node$k"
  else
    say "PostgreSQL: creating node $k (port $port)"
    keep "pg-node$k" autoctl create postgres --pgdata "$CLUSTER_DIR/pg-node$k" --pgport "$port" --hostname 127.0.0.1 --dbname alloparents \
      --auth trust --no-ssl --monitor "$monitor_uri" --run
  fi
  # The standby's base backup waits for a checkpoint of the primary: ask for it now.
  [ "$k" -eq 2 ] && wait_for "node 2 to follow node 1" 120 bash -c "psql 'postgres://postgres@127.0.0.1:$((PG_PORT + 1))/postgres' -tAc CHECKPOINT >/dev/null 2>&1; psql '$monitor_uri' -tAc \"SELECT count(*) FROM pgautofailover.node WHERE reportedstate IN ('primary','secondary') AND reportedstate = goalstate\" 2>/dev/null | grep -qx 2"
  [ "$k" -eq 1 ] && wait_for "node 1 to start" 90 bash -c "psql 'postgres://postgres@127.0.0.1:$port/postgres' -tAc 'SELECT 1' >/dev/null 2>&1"
done
say "PostgreSQL: a primary and its standby (DATABASE_URL=$DATABASE_URL_CLUSTER)"

# The nodes: one after the other, so only the first applies the migrations and seeds the demo.
for k in 1 2; do
  read -r -a env_k <<< "$(node_env "$k")"
  keep "node$k" env "${env_k[@]}" bash scripts/stack.sh
  health="http://127.0.0.1:$((METRICS_BASE_PORT + k - 1))/health"
  node_pid="${pids[-1]}"
  wait_for "node $k's app to connect to its Asterisk" 240 node_up "$node_pid" "$health"
done

# Kamailio on the service's SIP address, each node probed by OPTIONS and by its app's /health
# (on the app's operators' listener).
KAMAILIO_RUN="$CLUSTER_DIR/kamailio"; mkdir -p "$KAMAILIO_RUN"
KAMAILIO_BIND_ADDRESS="${SIP_BIND_ADDRESS:-127.0.0.1}" KAMAILIO_PORT="$ENTRY_PORT" \
  KAMAILIO_TRUNK_ADDRESSES="${KAMAILIO_TRUNK_ADDRESSES:-127.0.0.1}" \
  KAMAILIO_NODES="sip:127.0.0.1:$((ENTRY_PORT + 1)) http://127.0.0.1:$METRICS_BASE_PORT/health,sip:127.0.0.1:$((ENTRY_PORT + 2)) http://127.0.0.1:$((METRICS_BASE_PORT + 1))/health" \
  node dist/apps/server/src/cli/render-kamailio-config.js "$KAMAILIO_RUN" || die "could not render Kamailio's configuration"
kamailio -c -f "$KAMAILIO_RUN/kamailio.cfg" >/dev/null 2>&1 || die "Kamailio refused its configuration: kamailio -c -f $KAMAILIO_RUN/kamailio.cfg"
# In a session of its own: stopping, Kamailio's main process signals its whole process group (its
# children), which would otherwise be this script's, the nodes' and npm's too, and Ctrl-C would
# reach it beside cleanup's SIGTERM. Its output goes through a pipe, not keep()'s process
# substitution, whose prefixer would be a child of Kamailio: stopping, Kamailio waits for all its
# children, and the prefixer ends only once Kamailio has. cleanup stops it, after the nodes.
{ setsid kamailio -DD -E -f "$KAMAILIO_RUN/kamailio.cfg" 2>&1 | filtered sed -u "s/^/[kamailio] /"; } &
pids+=("$!"); names+=(kamailio)

cat >&2 <<INFO

  The Allo Parents cluster is running.
    SIP entry (Kamailio):  sip:${SERVICE_NUMBER:-3278150000}@${SIP_BIND_ADDRESS:-127.0.0.1}:$ENTRY_PORT
    Node 1:                SIP 127.0.0.1:$((ENTRY_PORT + 1)), portal http://127.0.0.1:$HTTP_BASE_PORT/, Asterisk CLI: scripts/asterisk.sh cli $INSTANCE_BASE-node1
    Node 2:                SIP 127.0.0.1:$((ENTRY_PORT + 2)), portal http://127.0.0.1:$((HTTP_BASE_PORT + 1))/, Asterisk CLI: scripts/asterisk.sh cli $INSTANCE_BASE-node2
    PostgreSQL:            $DATABASE_URL_CLUSTER  (pg_autoctl show state: see docs/scaling.md)
    Kamailio's nodes:      kamcmd -s unix:$KAMAILIO_RUN/kamailio.ctl dispatcher.list
    Place a finder's call through Kamailio (demo mode; it shows the legs when node 1 takes the call,
    the [node2] lines show them otherwise):
      DATABASE_URL='$DATABASE_URL_CLUSTER' ASTERISK_INSTANCE=$INSTANCE_BASE-node1 npm run demo:call
  Ctrl-C stops everything.

INFO

ended=""
wait -n -p ended "${pids[@]}" || true
for i in "${!pids[@]}"; do [ "${pids[$i]}" = "$ended" ] && die "${names[$i]} ended: stopping the cluster (see its output above)"; done
die "lost track of the cluster's processes"
