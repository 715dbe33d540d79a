#!/usr/bin/env bash
# npm run stack: provisions what is missing, then runs Asterisk and the app in the foreground.
# Ctrl-C or SIGTERM stops everything it started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
load_env
ensure_node_modules
build_app
bash scripts/provision.sh all
say "applying migrations"
node dist/apps/server/src/cli/migrate.js || die "migrations failed: check DATABASE_URL"

INSTANCE="${ASTERISK_INSTANCE:-service}"
asterisk_pid="" app_pid=""
stopping=0
cleanup() {
  [ "$stopping" -eq 1 ] && return; stopping=1
  say "stopping"
  [ -n "$app_pid" ] && kill -TERM "$app_pid" 2>/dev/null
  if [ -n "$asterisk_pid" ] && kill -0 "$asterisk_pid" 2>/dev/null; then
    bash scripts/asterisk.sh cli "$INSTANCE" 'core stop gracefully' >/dev/null 2>&1 || kill -TERM "$asterisk_pid" 2>/dev/null
  fi
  local deadline=$((SECONDS + 15))
  while { [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; } || { [ -n "$asterisk_pid" ] && kill -0 "$asterisk_pid" 2>/dev/null; }; do
    if [ $SECONDS -ge $deadline ]; then
      warn "forcing the remaining processes down"
      kill -KILL $app_pid $asterisk_pid 2>/dev/null; break
    fi
    sleep 0.2
  done
  say "stopped"
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

say "starting Asterisk (instance '$INSTANCE')"
bash scripts/asterisk.sh run "$INSTANCE" > >(sed -u 's/^/[asterisk] /') 2>&1 &
asterisk_pid=$!
for _ in $(seq 1 100); do
  bash scripts/asterisk.sh cli "$INSTANCE" 'core waitfullybooted' >/dev/null 2>&1 && break
  kill -0 "$asterisk_pid" 2>/dev/null || die "Asterisk exited during start-up (see its output above)"
  sleep 0.3
done

say "starting the app"
node dist/apps/server/src/main.js > >(npx --no-install pino-pretty --colorize --translateTime 'SYS:HH:MM:ss.l' --ignore pid,hostname) 2>&1 &
app_pid=$!

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
  Ctrl-C stops everything.

INFO
# Run until either process ends or we are signalled.
wait -n "$asterisk_pid" "$app_pid"
warn "a process of the stack exited; stopping the rest"
