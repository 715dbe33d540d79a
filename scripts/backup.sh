#!/usr/bin/env bash
# Backup and restore of the service's PostgreSQL database (docs/operations.md, "Backups").
#   npm run backup -- FILE                 pg_dump of DATABASE_URL into FILE (custom format, compressed)
#   npm run backup -- --restore FILE       pg_restore of FILE into an EMPTY database, then the migrations; its
#                                          URL is asked for (or read from stdin, or RESTORE_DATABASE_URL)
# A database URL (it holds the password) never reaches a command line (shell history, ps): pg_dump and
# pg_restore get it as PG* variables.
# The dump holds no key: keep PSEUDONYM_KEY and ENCRYPTION_KEYS elsewhere (without them a dump reveals
# no national number, name or code, and cannot be used either).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_env
cd "${INIT_CWD:-$PWD}"

usage='usage: npm run backup -- FILE | npm run backup -- --restore FILE (the target database URL is asked for)'

# Exports PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE from the postgres:// URL in $1.
pg_env_from_url() {
  local fields=()
  mapfile -d '' fields < <(PG_URL="$1" node -e '
    const u = new URL(process.env.PG_URL);
    if (!/^postgres(ql)?:$/.test(u.protocol)) process.exit(2);
    const parts = [u.hostname || "127.0.0.1", u.port || "5432", decodeURIComponent(u.username), decodeURIComponent(u.password), decodeURIComponent(u.pathname.slice(1))];
    process.stdout.write(parts.join("\0") + "\0");') || die "not a postgres:// URL"
  [ "${#fields[@]}" -eq 5 ] && [ -n "${fields[4]}" ] || die "the database URL names no database"
  export PGHOST="${fields[0]}" PGPORT="${fields[1]}" PGUSER="${fields[2]}" PGPASSWORD="${fields[3]}" PGDATABASE="${fields[4]}"
}

if [ "${1:-}" = "--restore" ]; then
  [ $# -eq 2 ] || die "$usage"
  file="$2"
  [ -f "$file" ] || die "no backup file at $file"
  target="${RESTORE_DATABASE_URL:-}"
  if [ -z "$target" ]; then
    [ -t 0 ] && printf 'URL of the new, empty database to restore into: ' >&2
    IFS= read -r -s target || true
    [ -t 0 ] && printf '\n' >&2
  fi
  [ -n "$target" ] || die "no target database URL (typed, on stdin, or RESTORE_DATABASE_URL)"
  [ "$target" != "${DATABASE_URL:-}" ] || die "refusing to restore over DATABASE_URL, the running service's database: restore into a new, empty database and point DATABASE_URL at it"
  pg_env_from_url "$target"
  tables="$(psql -X -Atq -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" || die "cannot reach the target database"
  [ "$tables" = "0" ] || die "the target database is not empty ($tables tables): restore into a new, empty database"
  say "restoring $file into $PGDATABASE on $PGHOST:$PGPORT"
  pg_restore --exit-on-error --no-owner --no-acl --single-transaction -d "$PGDATABASE" "$file" || die "pg_restore failed: nothing was restored"
  say "applying migrations newer than the backup"
  DATABASE_URL="$target" node "$REPO_ROOT/dist/apps/server/src/cli/migrate.js" || die "the migrations failed on the restored database"
  say "restored"
  exit 0
fi

[ $# -eq 1 ] && [[ "$1" != -* ]] || die "$usage"
file="$1"
[ -e "$file" ] && die "$file exists: choose a new file name"
pg_env_from_url "${DATABASE_URL:?DATABASE_URL is not set}"
say "backing up $PGDATABASE on $PGHOST:$PGPORT to $file"
# One consistent snapshot (a repeatable-read transaction): the service keeps running meanwhile.
(umask 077; pg_dump --format=custom --no-owner --no-acl --file="$file.partial" && mv "$file.partial" "$file") || { rm -f "$file.partial"; die "pg_dump failed"; }
say "done: $(du -h "$file" | cut -f1) in $file"
