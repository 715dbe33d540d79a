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
# they use the cores) runs beside the unit and integration tiers, split in E2E_SHARDS jests of about
# equal length (test/support/e2e-shards.js); shard k runs on its own database and on ports 6000 x k
# above the others' (test/support/test-config.ts), which keeps the whole run short. The shards'
# ports must stay below the kernel's ephemeral range, where an outgoing connection could hold one;
# ALLOPARENTS_TEST_SERIAL=1 (or an offset too high for that) runs everything in one jest instead.
base_offset="${ALLOPARENTS_TEST_PORT_OFFSET:-0}"
base_prefix="${ALLOPARENTS_TEST_INSTANCE_PREFIX:-e2e-}"
split=""
ephemeral_low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
highest_shard_port=$((18999 + base_offset + E2E_PORT_STRIDE * E2E_SHARDS))
if [ "$#" -eq 0 ] && [ -z "${ALLOPARENTS_TEST_SERIAL:-}" ] && [ "$highest_shard_port" -lt "$ephemeral_low" ]; then split=1; fi
prepare_database "$TEST_DATABASE_URL" TEST_DATABASE_URL
if [ -n "$split" ]; then
  for shard in $(seq 1 "$E2E_SHARDS"); do
    prepare_database "$(e2e_test_database_url "$TEST_DATABASE_URL" "$shard")" "of the end-to-end shard $shard"
  done
fi

# An interrupted earlier run may have left test Asterisk instances behind: this checkout's only
# (ALLOPARENTS_TEST_INSTANCE_PREFIX), never those of another checkout's run in progress.
for dir in "$ASTERISK_ROOT"/srv/alloparents/"${ALLOPARENTS_TEST_INSTANCE_PREFIX:-e2e-}"*; do
  [ -S "$dir/run/asterisk.ctl" ] && bash scripts/asterisk.sh cli "$(basename "$dir")" 'core stop now' >/dev/null 2>&1 || true
done

# ... and the Kamailio, pg_auto_failover (pg_autoctl and its PostgreSQL) and `npm run cluster`
# processes its tests started in temporary directories named after the prefix
# (/tmp/alloparents-<prefix>...): the Kamailio test's, the failover cluster's, the cluster
# command's. Found by what each carries: pg_autoctl and its PostgreSQL their XDG_CONFIG_HOME,
# npm run cluster's parts its CLUSTER_DIR (environment), Kamailio its configuration's path.
stray_dir="${TMPDIR:-/tmp}/alloparents-${ALLOPARENTS_TEST_INSTANCE_PREFIX:-e2e-}"
stray_processes() {
  { grep -lzE "^(XDG_CONFIG_HOME|CLUSTER_DIR)=$stray_dir" /proc/[0-9]*/environ
    grep -lzE "^$stray_dir[^/]*(/kamailio)?/kamailio\.cfg\$" /proc/[0-9]*/cmdline; } 2>/dev/null | cut -d/ -f3 | sort -u || true
}
stray="$(stray_processes)"
if [ -n "$stray" ]; then
  warn "ending $(echo "$stray" | wc -w) process(es) an interrupted test run left (Kamailio, pg_auto_failover, npm run cluster)"
  kill -TERM $stray 2>/dev/null || true
  for _ in $(seq 1 25); do [ -z "$(stray_processes)" ] && break; sleep 0.2; done
  stray="$(stray_processes)"; [ -z "$stray" ] || kill -KILL $stray 2>/dev/null || true
fi
rm -rf "$stray_dir"*

mkdir -p reports
rm -f reports/jest*.json
set +e
if [ -n "$split" ]; then
  say "end-to-end tier in $E2E_SHARDS shards beside the unit and integration tiers (ports +$E2E_PORT_STRIDE x shard, a database each); their lines start with [e2e k]"
  shard_pids=()
  for shard in $(seq 1 "$E2E_SHARDS"); do
    ( TEST_DATABASE_URL="$(e2e_test_database_url "$TEST_DATABASE_URL" "$shard")" \
      ALLOPARENTS_TEST_PORT_OFFSET=$((base_offset + E2E_PORT_STRIDE * shard)) ALLOPARENTS_TEST_INSTANCE_PREFIX="${base_prefix}s${shard}-" \
        npx jest --selectProjects e2e --shard="$shard/$E2E_SHARDS" --runInBand --json --outputFile="reports/jest-e2e-$shard.json" 2>&1 \
        | sed -u "s/^/[e2e $shard] /" ) &
    shard_pids+=("$!")
  done
  npx jest --selectProjects unit integration --runInBand --json --outputFile=reports/jest.json
  for pid in "${shard_pids[@]}"; do wait "$pid"; done
  node scripts/jest-summary.js reports/jest.json reports/jest-e2e-*.json
  status=$?
else
  # One test at a time: the e2e tests share fixed SIP/ARI ports and real timers.
  npx jest --runInBand --json --outputFile=reports/jest.json "$@"
  node scripts/jest-summary.js reports/jest.json
  status=$?
fi
exit "$status"
