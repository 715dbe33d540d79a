#!/usr/bin/env bash
# npm run bench:calls — a fresh database (alloparents_bench_calls, next to DATABASE_URL's),
# migrated, then bench/calls.ts: the finder's call capacity of the app (the service's Asterisk,
# the app, PostgreSQL) beside Asterisk's own FollowMe() on the same machine, with the same
# simulated telephone network and SIPp finders, stepping up the calls held at once. Options
# (after --): --steps 10,20,… --talk SECONDS --rate CALLS_PER_SECOND --only ours|followme
# --soak [MINUTES] --calls N (see bench/calls.ts). Ports: the tests' plus
# ALLOPARENTS_TEST_PORT_OFFSET (default here 4000, apart from the tests' and bench:portal's).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO_ROOT"
load_env
db=alloparents_bench_calls
bench_url="${DATABASE_URL%/*}/$db"
user="$(node -e 'console.log(new URL(process.argv[1]).username)' "$DATABASE_URL")"
export ALLOPARENTS_TEST_PORT_OFFSET="${ALLOPARENTS_TEST_PORT_OFFSET:-4000}"
export ALLOPARENTS_TEST_INSTANCE_PREFIX="${ALLOPARENTS_TEST_INSTANCE_PREFIX:-bench-calls-}"
prefix="$ALLOPARENTS_TEST_INSTANCE_PREFIX"

# Whatever happens (failure, Ctrl-C), no bench Asterisk instance outlives the run; bench/calls.ts
# stops the app and the instances itself, this is the safety net.
cleanup() {
  local name
  for name in service followme network; do
    bash scripts/asterisk.sh cli "$prefix$name" 'core stop now' >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

say "recreating database $db"
as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db OWNER \"$user\"" >/dev/null \
  || die "could not create the bench database (needs root and a local PostgreSQL)"
DATABASE_URL="$bench_url" node dist/apps/server/src/cli/migrate.js || die "migrations failed on the bench database"
mkdir -p reports
TEST_DATABASE_URL="$bench_url" node dist/bench/calls.js "$@"
