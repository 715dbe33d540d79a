#!/usr/bin/env bash
# Provisions what the service needs on this machine, idempotently:
#   PostgreSQL (database + role), an Asterisk 22 chroot (no Docker engine here), SIPp,
#   Chromium for the browser tests, SIPVicious and fail2ban (the SIP scanning test), Prometheus's
#   promtool and server (the monitoring test), nginx (TLS in front of the portal's tests), and the tools
#   that render the voice prompts.
# Usage: scripts/provision.sh [all|postgres|asterisk|tools|prompts]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

url_part() { node -e 'const u=new URL(process.argv[1]); const p=process.argv[2]; const v={user:decodeURIComponent(u.username),password:decodeURIComponent(u.password),host:u.hostname,port:u.port||"5432",db:u.pathname.slice(1)}[p]; process.stdout.write(v)' "$1" "$2"; }

pg_reachable() { psql "$1" -tAc 'select 1' >/dev/null 2>&1; }

provision_postgres() {
  command -v psql >/dev/null 2>&1 || apt_install postgresql-client
  local url="$DATABASE_URL" test_url="$TEST_DATABASE_URL"
  local e2e_urls=() shard
  for shard in $(seq 1 "$E2E_SHARDS"); do e2e_urls+=("$(e2e_test_database_url "$test_url" "$shard")"); done
  local all_reachable=1 each
  for each in "$url" "$test_url" "${e2e_urls[@]}"; do pg_reachable "$each" || all_reachable=""; done
  if [ -n "$all_reachable" ]; then
    # The URL's host list (one host, or a primary and its standbys).
    say "PostgreSQL: $(sed -E 's#^postgres(ql)?://([^@/]*@)?([^/?]*).*#\3#' <<< "$url") reachable"
    return 0
  fi
  local host; host="$(url_part "$url" host)"
  case "$host" in
    127.0.0.1|localhost|::1) ;;
    *) die "PostgreSQL at $host is not reachable with DATABASE_URL: check the URL, the network and the credentials" ;;
  esac
  if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    apt_install postgresql
  fi
  local version cluster status
  read -r version cluster _ status _ < <(pg_lsclusters -h | head -n1)
  [ -n "${version:-}" ] || die "PostgreSQL is installed but has no cluster: run 'pg_createcluster --start 15 main'"
  if [ "$status" != "online" ]; then
    say "starting PostgreSQL cluster $version/$cluster"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start \
      || die "could not start PostgreSQL $version/$cluster: see /var/log/postgresql/postgresql-$version-$cluster.log"
  fi
  local user password
  user="$(url_part "$url" user)"; password="$(url_part "$url" password)"
  say "PostgreSQL: ensuring role '$user' and databases"
  as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA -v u="$user" -v p="$password" <<'SQL' >/dev/null || die "could not create the PostgreSQL role (see above)"
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'u', :'p') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'u', :'p') \gexec
SQL
  local databases=("$(url_part "$url" db)" "$(url_part "$test_url" db)")
  for each in "${e2e_urls[@]}"; do databases+=("$(url_part "$each" db)"); done
  for db in "${databases[@]}"; do
    as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA -v d="$db" -v u="$user" <<'SQL' >/dev/null || die "could not create database $db"
SELECT format('CREATE DATABASE %I OWNER %I', :'d', :'u') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'d') \gexec
SQL
  done
  pg_reachable "$url" || die "PostgreSQL still refuses DATABASE_URL after provisioning: check pg_hba.conf allows password logins on $host"
}

provision_asterisk() {
  if [ -x "$ASTERISK_ROOT/usr/sbin/asterisk" ]; then
    say "Asterisk: reusing $ASTERISK_ROOT ($(chroot "$ASTERISK_ROOT" asterisk -V 2>/dev/null))"
  else
    apt_install mmdebstrap
    as_root mkdir -p "$ALLOPARENTS_CACHE"
    local tmp="$ASTERISK_ROOT.partial" suite built=""
    for suite in forky sid; do
      as_root rm -rf "$tmp"
      say "Asterisk: building a Debian $suite chroot with mmdebstrap (about a minute, once)"
      # Check-Valid-Until: the mirror's Release files can be past their date.
      if as_root mmdebstrap --variant=minbase --aptopt='Acquire::Check-Valid-Until "false"' \
          --include=asterisk,asterisk-modules "$suite" "$tmp" http://deb.debian.org/debian \
          >/tmp/alloparents-mmdebstrap.log 2>&1; then
        built="$suite"; break
      fi
      warn "mmdebstrap for $suite failed (log: /tmp/alloparents-mmdebstrap.log)"
    done
    [ -n "$built" ] || die "mmdebstrap could not build an Asterisk chroot from the Debian mirror (forky, then sid): see /tmp/alloparents-mmdebstrap.log; check the network or set ALLOPARENTS_CACHE to a disk with ~600 MB free"
    as_root mv "$tmp" "$ASTERISK_ROOT"
    say "Asterisk: $(chroot "$ASTERISK_ROOT" asterisk -V) ready in $ASTERISK_ROOT"
  fi
  # Without the host's names, Asterisk stalls ~20 s per call on DNS look-ups.
  as_root cp /etc/hosts "$ASTERISK_ROOT/etc/hosts"
  as_root cp /etc/resolv.conf "$ASTERISK_ROOT/etc/resolv.conf" 2>/dev/null || true
}

provision_tools() {
  # sip-tester: SIPp for the end-to-end tests; espeak-ng + sox render the voice prompts.
  command -v sipp >/dev/null && command -v espeak-ng >/dev/null && command -v sox >/dev/null \
    || apt_install sip-tester espeak-ng sox libsox-fmt-base
  # The compose file is validated by the tests even where no Docker engine runs.
  command -v docker-compose >/dev/null || apt_install docker-compose
  # Debian's Chromium for the portal's browser tests (playwright-core drives it; no downloads).
  [ -x /usr/bin/chromium ] || apt_install chromium
  # SIPVicious scans the service's SIP port and fail2ban-regex checks our filter against what
  # Asterisk logged (test/e2e/sip-scanning.e2e-spec.ts). Installing fail2ban does not start a
  # jail of ours: production installs it by hand (docs/security.md).
  command -v fail2ban-regex >/dev/null && { command -v svwar >/dev/null || command -v sipvicious_svwar >/dev/null; } \
    || apt_install sipvicious fail2ban
  # pg_auto_failover (a monitor and two keepers) fails a test primary over to its standby
  # (test/integration/database-failover.integration-spec.ts).
  command -v pg_autoctl >/dev/null || apt_install postgresql-15-auto-failover
  # Kamailio (Debian 12's 5.6; kamailio-utils-modules brings http_client) as the SIP entry in front
  # of two nodes (test/e2e/kamailio-nodes.e2e-spec.ts, npm run cluster and its test). The package's
  # own service would hold port 5060 with Debian's sample configuration: stopped, not started at boot.
  if ! command -v kamailio >/dev/null; then
    apt_install kamailio kamailio-utils-modules
    as_root service kamailio stop >/dev/null 2>&1 || true
    as_root update-rc.d kamailio disable >/dev/null 2>&1 || true
    as_root systemctl disable --now kamailio >/dev/null 2>&1 || true
  fi
  # systemd-analyze verifies the production units in scripts/systemd (minimal containers lack it).
  command -v systemd-analyze >/dev/null || apt_install systemd
  # promtool checks and tests the alert rules, and the monitoring test starts its own Prometheus on
  # a free port (test/integration/monitoring.integration-spec.ts). The package's own service would
  # scrape nothing of ours and hold port 9090: it is stopped and not started at boot.
  if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
    apt_install prometheus
    as_root service prometheus stop >/dev/null 2>&1 || true
    as_root update-rc.d prometheus disable >/dev/null 2>&1 || true
    as_root systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
  fi
  # Debian's nginx terminates TLS in front of the portal in the integration and browser tests, as
  # in production (test/support/tls-proxy.ts starts one of its own on loopback ports). The package's
  # own service would hold port 80 with the default site: it is stopped and not started at boot.
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    apt_install nginx
    as_root service nginx stop >/dev/null 2>&1 || true
    as_root update-rc.d nginx disable >/dev/null 2>&1 || true
    as_root systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
}

provision_prompts() {
  [ -f "$REPO_ROOT/dist/apps/server/src/cli/render-prompts.js" ] || build_app
  node "$REPO_ROOT/dist/apps/server/src/cli/render-prompts.js" "$REPO_ROOT/prompts" "$ASTERISK_ROOT/usr/share/asterisk/sounds" \
    || die "could not render the voice prompts (espeak-ng/sox): see above"
}

main() {
  load_env
  local what="${1:-all}"
  case "$what" in
    postgres) provision_postgres ;;
    asterisk) provision_asterisk ;;
    tools) provision_tools ;;
    prompts) provision_prompts ;;
    all) provision_tools; provision_postgres; provision_asterisk; provision_prompts ;;
    *) die "unknown target '$what' (all|postgres|asterisk|tools)" ;;
  esac
}
main "$@"
