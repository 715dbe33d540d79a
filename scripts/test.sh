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
prepare_database() {
  if psql "$1" -qtA -v ON_ERROR_STOP=1 -c 'DROP SCHEMA public CASCADE' -c 'CREATE SCHEMA public' >/dev/null 2>&1; then
    say "emptied the test database $2"
  else
    warn "could not empty the test database $2: migrating it in place"
  fi
  say "applying migrations to the test database $2"
  DATABASE_URL="$1" node dist/apps/server/src/cli/migrate.js || die "migrations failed on $2"
}

# With no arguments, the end-to-end tier (its tests wait on real timers and calls far more than
# they use the cores) runs beside the unit and integration tiers: in a second jest, on its own
# database and on ports 9000 above the others' (test/support/test-config.ts), which keeps the
# whole run short. ALLOPARENTS_TEST_SERIAL=1 runs everything in one jest instead.
base_offset="${ALLOPARENTS_TEST_PORT_OFFSET:-0}"
e2e_offset=$((base_offset + 9000))
split=""
if [ "$#" -eq 0 ] && [ -z "${ALLOPARENTS_TEST_SERIAL:-}" ] && [ "$e2e_offset" -le 40000 ]; then split=1; fi
prepare_database "$TEST_DATABASE_URL" TEST_DATABASE_URL
if [ -n "$split" ]; then
  e2e_database_url="$(e2e_test_database_url "$TEST_DATABASE_URL")"
  prepare_database "$e2e_database_url" "TEST_DATABASE_URL's _e2e twin"
fi

# An interrupted earlier run may have left test Asterisk instances behind: this checkout's only
# (ALLOPARENTS_TEST_INSTANCE_PREFIX), never those of another checkout's run in progress.
for dir in "$ASTERISK_ROOT"/srv/alloparents/"${ALLOPARENTS_TEST_INSTANCE_PREFIX:-e2e-}"*; do
  [ -S "$dir/run/asterisk.ctl" ] && bash scripts/asterisk.sh cli "$(basename "$dir")" 'core stop now' >/dev/null 2>&1 || true
done

mkdir -p reports
rm -f reports/jest*.json
set +e
if [ -n "$split" ]; then
  say "end-to-end tier beside the unit and integration tiers (ports +9000, its own database); its lines start with [e2e]"
  ( TEST_DATABASE_URL="$e2e_database_url" ALLOPARENTS_TEST_PORT_OFFSET="$e2e_offset" \
      npx jest --selectProjects e2e --runInBand --json --outputFile=reports/jest-e2e.json 2>&1 | sed -u 's/^/[e2e] /' ) &
  e2e_pid=$!
  npx jest --selectProjects unit integration --runInBand --json --outputFile=reports/jest.json
  wait "$e2e_pid"
  node scripts/jest-summary.js reports/jest.json reports/jest-e2e.json
  status=$?
else
  # One test at a time: the e2e tests share fixed SIP/ARI ports and real timers.
  npx jest --runInBand --json --outputFile=reports/jest.json "$@"
  node scripts/jest-summary.js reports/jest.json
  status=$?
fi
exit "$status"
