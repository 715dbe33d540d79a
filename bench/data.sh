#!/usr/bin/env bash
# npm run bench:data [-- CARDS] — a fresh database (BENCH_DATABASE, default alloparents_bench, next
# to DATABASE_URL's), migrated, then bench/data.ts: CARDS (2,000,000) cards through the real import
# path, look-ups, the purge, each against its ceiling measured in the same run. Options
# (environment): BENCH_CARDS (or the first argument), BENCH_LOOKUPS (100000), BENCH_ROUNDS (2).
# Runs as root (or with sudo): the bench asks the postgres account for a CHECKPOINT between phases.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO_ROOT"
load_env
db="${BENCH_DATABASE:-alloparents_bench}"
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || die "BENCH_DATABASE must be a plain lower-case name, got '$db'"
bench_url="${DATABASE_URL%/*}/$db"
user="$(node -e 'console.log(new URL(process.argv[1]).username)' "$DATABASE_URL")"
say "recreating database $db"
as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db OWNER \"$user\"" >/dev/null \
  || die "could not create the bench database (needs root and a local PostgreSQL)"
DATABASE_URL="$bench_url" node dist/apps/server/src/cli/migrate.js || die "migrations failed on the bench database"
DATABASE_URL="$bench_url" exec node dist/bench/data.js "$@"
