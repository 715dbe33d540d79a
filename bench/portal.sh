#!/usr/bin/env bash
# npm run bench:portal — a fresh database (BENCH_DATABASE, default alloparents_bench_portal, next
# to DATABASE_URL's), migrated, an authority token for seeding, then bench/portal.ts: the built
# app on core 0, the load generator on core 1; part 1 the "my cascade" read at full speed against
# a bare Fastify route on the same core (its ceiling), part 2 the finder's call with the portal
# idle and then under 200 requests/s (its own Asterisk instances and ports, apart from the
# tests'). Options: BENCH_SECONDS (20), BENCH_WARMUP_SECONDS (5), BENCH_ROUNDS (2), BENCH_CALLS
# (10), BENCH_CONNECTIONS (10), BENCH_PARTS (1,2), BENCH_PROFILE (1: V8 profile of the app in
# dist/reports/bench-portal/v8.log).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO_ROOT"
load_env
db="${BENCH_DATABASE:-alloparents_bench_portal}"
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || die "BENCH_DATABASE must be a plain lower-case name, got '$db'"
bench_url="${DATABASE_URL%/*}/$db"
user="$(node -e 'console.log(new URL(process.argv[1]).username)' "$DATABASE_URL")"

# Whatever happens (failure, Ctrl-C), no bench Asterisk instance outlives the run; bench/portal.ts
# stops the app and the instances itself, this is the safety net.
cleanup() {
  local name
  for name in bench-service bench-network; do
    bash scripts/asterisk.sh cli "$name" 'core stop now' >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

say "recreating database $db"
as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db OWNER \"$user\"" >/dev/null \
  || die "could not create the bench database (needs root and a local PostgreSQL)"
DATABASE_URL="$bench_url" node dist/apps/server/src/cli/migrate.js || die "migrations failed on the bench database"
token="$(DATABASE_URL="$bench_url" node dist/apps/server/src/cli/authority-token.js create bench 2>/dev/null)" \
  || die "could not create the authority token"
# The load generator (and this orchestrator) on core 1; bench/portal.ts pins the app to core 0.
DATABASE_URL="$bench_url" BENCH_AUTHORITY_TOKEN="$token" taskset -c 1 node dist/bench/portal.js "$@"
