#!/usr/bin/env bash
# npm run bench:data — a fresh database (alloparents_bench, next to DATABASE_URL's), migrated,
# then bench/data.ts: 2,000,000 cards through the real import path, look-ups, the purge.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO_ROOT"
load_env
bench_url="${DATABASE_URL%/*}/alloparents_bench"
user="$(node -e 'console.log(new URL(process.argv[1]).username)' "$DATABASE_URL")"
say "recreating database alloparents_bench"
as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA -c 'DROP DATABASE IF EXISTS alloparents_bench' -c "CREATE DATABASE alloparents_bench OWNER \"$user\"" >/dev/null \
  || die "could not create the bench database (needs root and a local PostgreSQL)"
DATABASE_URL="$bench_url" node dist/apps/server/src/cli/migrate.js || die "migrations failed on the bench database"
DATABASE_URL="$bench_url" exec node dist/bench/data.js "$@"
