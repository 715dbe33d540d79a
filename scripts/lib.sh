# Shared helpers for the provisioning scripts. Sourced, not run.
# Every failure says what failed and what to do, never a bare trace.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The Asterisk chroot is expensive to build (~1 min) and independent of the checkout,
# so it lives in a cache shared by every clone on this machine.
ALLOPARENTS_CACHE="${ALLOPARENTS_CACHE:-/var/cache/alloparents}"
ASTERISK_ROOT="${ASTERISK_ROOT:-$ALLOPARENTS_CACHE/asterisk-root}"

say()  { printf '\033[1;34m[alloparents]\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33m[alloparents]\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31m[alloparents] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Runs an output filter (the scripts' [name] prefixes, pino-pretty) in a session of its own, for
# `cmd > >(filtered sed ...)`: Ctrl-C signals every process of the terminal's group, and a filter
# gone first would cut the output, and SIGPIPE its writer, while the scripts are still stopping
# what they started. A filter ends at the end of its input, once its writers have ended.
filtered() { exec setsid "$@"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo "$@";
  else die "'$*' needs root: run as root or install sudo"; fi
}

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get: install them by hand"
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    as_root apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed: check the network or the Debian mirror in /etc/apt/sources.list"
    APT_UPDATED=1
  fi
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/tmp/alloparents-apt.log 2>&1 \
    || die "apt-get install ${missing[*]} failed (log: /tmp/alloparents-apt.log)"
}

# Loads .env (creating it from .env.example with fresh secrets the first time), so the
# scripts, the app and the tests share one configuration.
# npm test runs its end-to-end tier beside the others, in E2E_SHARDS shards, each on a database of
# its own: the test database's name followed by _e2e (shard 1), _e2e2, ... (provisioning creates them).
# Shard k runs on ports E2E_PORT_STRIDE x k above the others' (the tests' ports span 13000-18999).
E2E_SHARDS=2
E2E_PORT_STRIDE=6000
e2e_test_database_url() {
  node -e 'const u = new URL(process.argv[1]); const k = Number(process.argv[2] || 1); u.pathname += k > 1 ? `_e2e${k}` : "_e2e"; process.stdout.write(u.toString())' "$1" "${2:-1}"
}

load_env() {
  local envfile="$REPO_ROOT/.env"
  if [ ! -f "$envfile" ]; then
    say "creating .env with fresh secrets (edit it to configure the service)"
    local ari_pw db_pw pseudonym_key encryption_key
    ari_pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    db_pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    pseudonym_key="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
    encryption_key="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
    (umask 077; sed -e "s|^ARI_PASSWORD=.*|ARI_PASSWORD=$ari_pw|" \
        -e "s|^PSEUDONYM_KEY=.*|PSEUDONYM_KEY=$pseudonym_key|" \
        -e "s|^ENCRYPTION_KEYS=.*|ENCRYPTION_KEYS=k1:$encryption_key|" \
        -e "s|alloparents:change-me@|alloparents:$db_pw@|" \
        "$REPO_ROOT/.env.example" > "$envfile")
  fi
  # .env files from before a variable existed get the missing secret appended.
  if ! grep -q '^PSEUDONYM_KEY=' "$envfile"; then
    printf '\nPSEUDONYM_KEY=%s\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\n')" >> "$envfile"
  fi
  if ! grep -q '^ENCRYPTION_KEYS=' "$envfile"; then
    printf '\nENCRYPTION_KEYS=k1:%s\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\n')" >> "$envfile"
  fi
  # The app speaks children's names into the chroot's sounds directory.
  export ASTERISK_SOUNDS_DIR="${ASTERISK_SOUNDS_DIR:-$ASTERISK_ROOT/usr/share/asterisk/sounds}"
  # Variables already in the environment win over .env (the tests and CI set their own).
  local line key
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    key="${line%%=*}"
    [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
    [ -n "${!key+x}" ] || export "$key=${line#*=}"
  done < "$envfile"
}

ensure_node_modules() {
  # A symlinked node_modules is an install shared by several checkouts: it is kept up to date
  # where it lives, never reinstalled through the link.
  [ -L "$REPO_ROOT/node_modules" ] && return 0
  if [ ! -d "$REPO_ROOT/node_modules" ] || [ "$REPO_ROOT/package-lock.json" -nt "$REPO_ROOT/node_modules/.package-lock.json" ]; then
    say "installing node modules (npm ci)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed: check access to the npm registry"
  fi
}

# Type-checks and builds, unless nothing it reads changed since the last build it made (the stamp
# is taken before the build starts, so a file edited meanwhile is built next time).
build_app() {
  local stamp="$REPO_ROOT/dist/.built-from-sources" changed
  changed="$(cd "$REPO_ROOT" && find apps test demo bench tsconfig.json tsconfig.build.json package-lock.json -newer "$stamp" \
    \( -name '*.ts' -o -name '*.json' \) -print -quit 2>/dev/null || true)"
  if [ -f "$stamp" ] && [ -z "$changed" ]; then
    say "the build is up to date"
    return 0
  fi
  # The stamp's time is the build's start (a source saved during the build counts as changed);
  # it waits outside dist/, which the build may replace, and moves in once the build is done.
  local started
  started="$(mktemp)"
  say "type-checking (tsc)"
  (cd "$REPO_ROOT" && npx tsc -p tsconfig.json --noEmit) || { rm -f "$started"; die "TypeScript errors (see above)"; }
  say "building the app (tsc)"
  (cd "$REPO_ROOT" && npx tsc -p tsconfig.build.json) || { rm -f "$started"; die "TypeScript build failed (see above)"; }
  mkdir -p "$REPO_ROOT/dist" && mv "$started" "$stamp"
}
