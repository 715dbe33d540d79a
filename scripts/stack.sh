#!/usr/bin/env bash
# npm run stack: provisions what is missing, then runs Asterisk and the app in the foreground and
# supervises them: either one that ends is started again (with a bounded back-off), the other left
# running. Ctrl-C, SIGTERM or a fatal error stops everything it started.
# Without SIP_TRUNK_URI (demo mode) it also runs a simulated telephone network as the trunk (the
# e2e tests' network, a third Asterisk instance, supervised the same way) and seeds a demo child
# whose cascade rings its phones; `npm run demo:call` then places a finder's call. With
# SIP_TRUNK_URI set, no network runs and any demo parent and cascade are deleted.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
load_env
ensure_node_modules
build_app
bash scripts/provision.sh all
say "applying migrations"
node dist/apps/server/src/cli/migrate.js || die "migrations failed: check DATABASE_URL"

INSTANCE="${ASTERISK_INSTANCE:-service}"
asterisk_pid="" app_pid="" network_pid="" pause_pid=""
if [ -n "${SIP_TRUNK_URI:-}" ]; then
  DEMO=0
  demo_removed="$(node dist/apps/server/src/cli/demo.js remove)" || die "could not check for demo data (see above)"
  [ "$demo_removed" = "no demo data" ] || warn "SIP_TRUNK_URI is set: $demo_removed (the demo numbers are never dialled through a real trunk)"
  # .env files made before the demo existed set the trunk to the demo network's address.
  if [ "$SIP_TRUNK_URI" = "sip:127.0.0.1:5080" ]; then
    say "SIP_TRUNK_URI=sip:127.0.0.1:5080 is set in .env or the environment: remove it for the demo (simulated network, demo child)"
  fi
else
  DEMO=1
  say "no SIP_TRUNK_URI: demo mode, with a simulated telephone network as the trunk and a demo child"
  if [ ! -f dist/demo/call.js ] || [ -n "$(find apps demo test/support -name '*.ts' -newer dist/demo/call.js -print -quit)" ]; then
    say "building demo/ (tsc)"
    npx tsc -p demo/tsconfig.json || die "TypeScript build of demo/ failed (see above)"
  fi
  demo_seeded="$(node dist/apps/server/src/cli/demo.js seed)" || die "could not seed the demo child (see above)"
  say "$demo_seeded"
  NETWORK_INSTANCE="$INSTANCE-demo-network"
  DEMO_NETWORK_PORT="${DEMO_NETWORK_PORT:-5080}"
  # The network sends the legs to the service's SIP address, from the trunk's address.
  service_host="${SIP_BIND_ADDRESS:-127.0.0.1}"; [ "$service_host" = "0.0.0.0" ] && service_host=127.0.0.1
  # Its RTP ports: as many as the service's, right after them (10000-10999: 11000-11999).
  rtp_span=$((${RTP_PORT_END:-10999} - ${RTP_PORT_START:-10000} + 1))
  network_env=(SIP_PORT="$DEMO_NETWORK_PORT" SIP_TRUNK_URI="sip:$service_host:${SIP_PORT:-5060}"
    RTP_PORT_START=$((${RTP_PORT_END:-10999} + 1)) RTP_PORT_END=$((${RTP_PORT_END:-10999} + rtp_span)))
  network_template="$(node dist/demo/network-template.js "$NETWORK_INSTANCE")" || die "could not assemble the demo network's configuration"
  export SIP_TRUNK_URI="sip:127.0.0.1:$DEMO_NETWORK_PORT"
fi
stopping=0
cleanup() {
  [ "$stopping" -eq 1 ] && return; stopping=1
  # Stopping goes on whatever a step answers (a process may have ended already).
  set +e
  say "stopping"
  [ -n "$pause_pid" ] && kill "$pause_pid" 2>/dev/null
  [ -n "$app_pid" ] && kill -TERM "$app_pid" 2>/dev/null
  if [ -n "$asterisk_pid" ] && kill -0 "$asterisk_pid" 2>/dev/null; then
    bash scripts/asterisk.sh cli "$INSTANCE" 'core stop gracefully' >/dev/null 2>&1 || kill -TERM "$asterisk_pid" 2>/dev/null
  fi
  if [ -n "$network_pid" ] && kill -0 "$network_pid" 2>/dev/null; then
    bash scripts/asterisk.sh cli "$NETWORK_INSTANCE" 'core stop now' >/dev/null 2>&1 || kill -TERM "$network_pid" 2>/dev/null
  fi
  local deadline=$((SECONDS + 15))
  while { [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; } || { [ -n "$asterisk_pid" ] && kill -0 "$asterisk_pid" 2>/dev/null; } \
      || { [ -n "$network_pid" ] && kill -0 "$network_pid" 2>/dev/null; }; do
    if [ $SECONDS -ge $deadline ]; then
      warn "forcing the remaining processes down"
      kill -KILL $app_pid $asterisk_pid $network_pid 2>/dev/null; break
    fi
    sleep 0.2
  done
  say "stopped"
}
# A second signal while stopping (Ctrl-C reaches every process of the group, and `npm run cluster`
# then sends its own SIGTERM) is ignored: its trap would end the script before the stopping is done.
stop_on() { [ "$stopping" -eq 1 ] && return; cleanup; exit "$1"; }
trap 'stop_on 130' INT
trap 'stop_on 143' TERM
trap cleanup EXIT

# Waits in the background, so Ctrl-C and SIGTERM are handled at once, not after the pause.
pause() { sleep "$1" & pause_pid=$!; wait "$pause_pid"; pause_pid=""; }

# How a process ended, from its wait status.
ended_how() { if [ "$1" -gt 128 ]; then echo "killed by SIG$(kill -l $(($1 - 128)))"; else echo "exit status $1"; fi; }

# Waits until an Asterisk instance (name, pid) has fully booted; fails if it exits or does not boot in 30 s.
wait_booted() {
  for _ in $(seq 1 100); do
    bash scripts/asterisk.sh cli "$1" 'core waitfullybooted' >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.3
  done
  return 1
}

start_asterisk() {
  say "starting Asterisk (instance '$INSTANCE')"
  bash scripts/asterisk.sh run "$INSTANCE" > >(filtered sed -u 's/^/[asterisk] /') 2>&1 &
  asterisk_pid=$!; asterisk_started=$SECONDS
  wait_booted "$INSTANCE" "$asterisk_pid" || return 1
  # Asterisk's first ping of the trunk comes at a random moment within the qualify period: one now,
  # so /health knows the trunk within seconds.
  if [ "${SIP_TRUNK_QUALIFY_SECONDS:-30}" != 0 ]; then
    bash scripts/asterisk.sh cli "$INSTANCE" 'pjsip qualify trunk' >/dev/null 2>&1 || true
  fi
}

# The demo's simulated telephone network: the trunk's address, the parents' phones and the hotline.
start_network() {
  say "starting the demo telephone network (instance '$NETWORK_INSTANCE', SIP 127.0.0.1:$DEMO_NETWORK_PORT)"
  env "${network_env[@]}" bash scripts/asterisk.sh run "$NETWORK_INSTANCE" "$network_template" > >(filtered sed -u 's/^/[network] /') 2>&1 &
  network_pid=$!; network_started=$SECONDS
  wait_booted "$NETWORK_INSTANCE" "$network_pid"
}

start_app() {
  say "starting the app"
  node dist/apps/server/src/main.js > >(filtered npx --no-install pino-pretty --colorize --translateTime 'SYS:HH:MM:ss.l' --ignore pid,hostname) 2>&1 &
  app_pid=$!; app_started=$SECONDS
}

if [ "$DEMO" -eq 1 ]; then
  start_network || die "the demo network's Asterisk exited or did not boot (see its output above)"
fi
start_asterisk || die "Asterisk exited or did not boot during start-up (see its output above)"
start_app

health_url="http://${HTTP_HOST:-127.0.0.1}:${HTTP_PORT:-3000}/health"
ari_state="down"
for _ in $(seq 1 120); do
  kill -0 "$app_pid" 2>/dev/null || die "the app exited during start-up (see its output above)"
  body="$(curl -sS "$health_url" 2>/dev/null || true)"
  case "$body" in *'"ari":"up"'*) ari_state="up"; break ;; esac
  sleep 0.5
done
cat >&2 <<INFO

  Allo Parents is running.
    SIP (call the service number): sip:${SERVICE_NUMBER:-3278150000}@${SIP_BIND_ADDRESS:-127.0.0.1}:${SIP_PORT:-5060}
    Portal:                        http://${HTTP_HOST:-127.0.0.1}:${HTTP_PORT:-3000}/
    Health:                        $health_url  (ARI: $ari_state)
    Asterisk CLI:                  scripts/asterisk.sh cli $INSTANCE 'core show channels'
INFO
if [ "$DEMO" -eq 1 ]; then
  # The demo's numbers and national number, from their one source.
  demo_try="$(node -e 'const { DEMO } = require("./dist/apps/server/src/demo/demo-cascade");
    const numbers = DEMO.numbers.map((n) => n.number + " (" + n.label.replace(/^demo: /, "") + ")").join(", then ");
    console.log("  Try it: the demo child'"'"'s cascade rings " + numbers + ".");
    console.log("    National number to type:       " + DEMO.nationalNumber);')"
  cat >&2 <<INFO
    Trunk:                         the demo telephone network at $SIP_TRUNK_URI (no SIP_TRUNK_URI set)

$demo_try
    Place a finder's call:         npm run demo:call
INFO
else
  echo "    Trunk:                         $SIP_TRUNK_URI" >&2
fi
cat >&2 <<INFO
  Ctrl-C stops everything.

INFO

# Supervision: a process that ends is started again, alone; the other keeps running (Asterisk
# sends finders to the hotline while the app is away, and the app reconnects to a new Asterisk by
# itself). The first restart comes 1 s after the end; a process that keeps ending within a minute
# of its start waits twice as long each time, up to 30 s; a minute of running resets the wait.
RESTART_FIRST=1 RESTART_MAX=30 STABLE_AFTER=60
app_delay=$RESTART_FIRST asterisk_delay=$RESTART_FIRST network_delay=$RESTART_FIRST app_restarts=0 asterisk_restarts=0 network_restarts=0
next_delay() { local d=$(($1 * 2)); [ "$d" -gt "$RESTART_MAX" ] && d=$RESTART_MAX; echo "$d"; }
while :; do
  ended="" status=0
  wait -n -p ended "$asterisk_pid" "$app_pid" ${network_pid:+"$network_pid"} || status=$?
  [ -n "$ended" ] || die "lost track of the stack's processes (wait: status $status)"
  if [ "$ended" = "$app_pid" ]; then
    ran=$((SECONDS - app_started)); [ "$ran" -ge "$STABLE_AFTER" ] && app_delay=$RESTART_FIRST
    app_restarts=$((app_restarts + 1))
    warn "the app (pid $ended) ended ($(ended_how "$status")) after ${ran} s; restart $app_restarts in ${app_delay} s, Asterisk keeps running"
    pause "$app_delay"
    start_app
    app_delay=$(next_delay "$app_delay")
  elif [ "$ended" = "$network_pid" ]; then
    ran=$((SECONDS - network_started)); [ "$ran" -ge "$STABLE_AFTER" ] && network_delay=$RESTART_FIRST
    network_restarts=$((network_restarts + 1))
    warn "the demo network (pid $ended) ended ($(ended_how "$status")) after ${ran} s; restart $network_restarts in ${network_delay} s"
    pause "$network_delay"
    start_network || warn "the demo network did not boot (see its output above); it will be started again"
    network_delay=$(next_delay "$network_delay")
  else
    ran=$((SECONDS - asterisk_started)); [ "$ran" -ge "$STABLE_AFTER" ] && asterisk_delay=$RESTART_FIRST
    asterisk_restarts=$((asterisk_restarts + 1))
    warn "Asterisk (pid $ended) ended ($(ended_how "$status")) after ${ran} s; restart $asterisk_restarts in ${asterisk_delay} s, the app keeps running"
    pause "$asterisk_delay"
    start_asterisk || warn "Asterisk did not boot (see its output above); it will be started again"
    asterisk_delay=$(next_delay "$asterisk_delay")
  fi
done
