#!/usr/bin/env bash
# Runs a compiled command-line entry point with the configuration from .env (as the app gets it),
# from the directory npm was called in, so relative file arguments work.
# Usage (from package.json): bash scripts/cli.sh dist/apps/server/src/cli/NAME.js [ARGS...]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_env
entry="$REPO_ROOT/$1"
[ -f "$entry" ] || die "$1 is not built: run npm run stack first"
shift
cd "${INIT_CWD:-$PWD}"
exec node "$entry" "$@"
