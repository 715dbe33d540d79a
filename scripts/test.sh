#!/usr/bin/env bash
# npm test: provisions what is missing (idempotent), then runs every tier — unit, integration
# (real PostgreSQL) and end-to-end (real Asterisk + SIPp) — and prints "N passed, N failed".
# Extra arguments go to jest (e.g. npm test -- --selectProjects unit).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
load_env
# The run drops and recreates the test database's schema: never on the service's own database.
if [ "${TEST_DATABASE_URL:-}" = "${DATABASE_URL:-}" ]; then
  die "TEST_DATABASE_URL is the same as DATABASE_URL: the tests empty their database (DROP SCHEMA public), so they need a database of their own; point TEST_DATABASE_URL in .env at another database (as in .env.example: alloparents_test)"
fi
ensure_node_modules

# Provisioning (apt, the Asterisk chroot, PostgreSQL) runs in the background while the app builds.
provision_log="$(mktemp)"
bash scripts/provision.sh all >"$provision_log" 2>&1 &
provision_pid=$!
build_app
if ! wait "$provision_pid"; then
  cat "$provision_log" >&2
  die "provisioning failed (see above)"
fi
grep -v '^$' "$provision_log" >&2 || true

# A fresh schema each run: what is tested is exactly the migrations in this tree (the test
# database's owner owns its public schema, so no CREATEDB right is needed).
if psql "$TEST_DATABASE_URL" -qtA -v ON_ERROR_STOP=1 -c 'DROP SCHEMA public CASCADE' -c 'CREATE SCHEMA public' >/dev/null 2>&1; then
  say "emptied the test database"
else
  warn "could not empty the test database: migrating it in place"
fi
say "applying migrations to the test database"
DATABASE_URL="$TEST_DATABASE_URL" node dist/apps/server/src/cli/migrate.js || die "migrations failed on TEST_DATABASE_URL"

# An interrupted earlier run may have left test Asterisk instances behind: this checkout's only
# (ALLOPARENTS_TEST_INSTANCE_PREFIX), never those of another checkout's run in progress.
for dir in "$ASTERISK_ROOT"/srv/alloparents/"${ALLOPARENTS_TEST_INSTANCE_PREFIX:-e2e-}"*; do
  [ -S "$dir/run/asterisk.ctl" ] && bash scripts/asterisk.sh cli "$(basename "$dir")" 'core stop now' >/dev/null 2>&1 || true
done

mkdir -p reports
set +e
# One test at a time: the e2e tests share fixed SIP/ARI ports and real timers.
npx jest --runInBand --json --outputFile=reports/jest.json "$@"
status=$?
set -e
node scripts/jest-summary.js reports/jest.json || status=1
exit "$status"
