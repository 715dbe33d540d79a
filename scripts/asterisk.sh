#!/usr/bin/env bash
# Runs an Asterisk instance from the cached Debian chroot (no Docker engine on this machine).
#   scripts/asterisk.sh run NAME [TEMPLATE_DIR]   render the config, run Asterisk in the foreground
#   scripts/asterisk.sh cli NAME 'command'        asterisk -rx on that instance
# Each instance has its own directory /srv/alloparents/NAME inside the chroot, so the service
# and the tests' simulated telephone network run side by side.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

instance_dir() { echo "/srv/alloparents/$1"; }

ensure_mounts() {
  [ -x "$ASTERISK_ROOT/usr/sbin/asterisk" ] || die "no Asterisk chroot at $ASTERISK_ROOT: run 'npm run provision' first"
  local m
  for m in proc dev; do
    mountpoint -q "$ASTERISK_ROOT/$m" || as_root mount --bind "/$m" "$ASTERISK_ROOT/$m" \
      || die "could not bind-mount /$m into $ASTERISK_ROOT (needs root)"
  done
  as_root cp /etc/hosts "$ASTERISK_ROOT/etc/hosts"
}

cli() {
  local name="$1"; shift
  chroot "$ASTERISK_ROOT" /usr/sbin/asterisk -C "$(instance_dir "$name")/etc/asterisk.conf" -rx "$*"
}

run() {
  local name="$1" templates="${2:-$REPO_ROOT/asterisk-config/service}"
  local inst; inst="$(instance_dir "$name")"
  local host_inst="$ASTERISK_ROOT$inst"
  ensure_mounts
  if [ -S "$host_inst/run/asterisk.ctl" ] && cli "$name" 'core show version' >/dev/null 2>&1; then
    die "Asterisk instance '$name' is already running; stop it with: scripts/asterisk.sh cli $name 'core stop now'"
  fi
  as_root mkdir -p "$host_inst"/{etc,lib,spool,run,log,cache}
  as_root rm -f "$host_inst/run/asterisk.ctl" "$host_inst/run/asterisk.pid"
  node "$REPO_ROOT/dist/apps/server/src/cli/render-asterisk-config.js" "$templates" "$host_inst/etc" "$inst" \
    || die "could not render the Asterisk configuration (see above)"
  # exec: the caller's signals (Ctrl-C, SIGTERM) reach Asterisk itself.
  exec chroot "$ASTERISK_ROOT" /usr/sbin/asterisk -C "$inst/etc/asterisk.conf" -f -n
}

case "${1:-}" in
  run) shift; load_env; run "$@" ;;
  cli) shift; cli "$@" ;;
  *) die "usage: scripts/asterisk.sh run NAME [TEMPLATE_DIR] | cli NAME 'command'" ;;
esac
