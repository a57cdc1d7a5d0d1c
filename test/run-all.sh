#!/usr/bin/env bash
# `npm test`: everything CI runs, from a clean checkout. Each step prints its name and time.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_NO_CLOUD=true NX_DAEMON=false CI=${CI:-true}

step() { printf '\n\033[1m== %s\033[0m (%s)\n' "$1" "$(date +%T)"; }

step "system packages for browser tests (Debian chromium, CJK fonts)"
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo missing)"

step "npm install (lockfile)"
npm install --no-audit --no-fund --loglevel=error

step "build (engine, seeds, web, api)"
npm run build --silent

step "lint (eslint)"
npx eslint .

step "typecheck (tsc, vue-tsc)"
npm run typecheck --silent

step "unit tests (engine, seeds, web)"
# The rules differential test runs its full 100,000 generated records here (20,000 in a quick local run).
RULES_DIFF_RECORDS=5000 npx vitest run --project unit

step "API end-to-end tests (real embedded PostgreSQL)"
npx vitest run --project e2e

step "browser tests (real Chromium)"
npx vitest run --project browser

step "all green"
