#!/usr/bin/env bash
# The official SDKs against the emulator binary (password, sessions, management, email flows,
# B2B administration, OAuth and SSO, issued sessions, TOTP and phone codes), each in a scratch
# environment that is removed afterwards: Python `descope` 2.16.0 (PyPI) and
# `@descope/node-sdk` 2.13.0 (npm). Needs python3 (with venv), node and npm; the emulator binary
# is built when missing.
#   bash descope-emulator/tests/sdk/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../../.."
bin="${CARGO_TARGET_DIR:-$root/target}/debug/descope-emulator"
(cd "$root" && cargo build --quiet --locked --package descope-emulator)

work="$(mktemp -d)"
emulator=""
cleanup() {
  [ -n "$emulator" ] && kill "$emulator" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 -m venv "$work/py"
"$work/py/bin/pip" install --quiet --disable-pip-version-check descope==2.16.0
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund @descope/node-sdk@2.13.0 >/dev/null)

export MANAGEMENT_KEY="K2sdk-management-key" ACCESS_KEY="A2sdk-access-key"
# One emulator per SDK and reset method: each starts from an empty store. Links sent without a
# redirect URL (the Python SDK's email updates) lead to the configured one.
start() {
  "$bin" --addr 127.0.0.1:0 --hash-cost fast --project-id "$1" \
    --management-key "$MANAGEMENT_KEY" --access-key "$ACCESS_KEY" \
    --reset-method "$RESET_METHOD" --redirect-url http://localhost/configured \
    >"$work/$1.out" 2>"$work/$1.err" &
  emulator=$!
  for _ in $(seq 1 100); do
    if [ -s "$work/$1.out" ]; then break; fi
    sleep 0.05
  done
  export DESCOPE_BASE_URL="$(head -1 "$work/$1.out" | cut -d= -f2)" DESCOPE_PROJECT_ID="$1"
  case "$DESCOPE_BASE_URL" in http://127.0.0.1:*) ;; *) echo "the emulator did not start" >&2; exit 1 ;; esac
}
stop() { kill "$emulator"; wait "$emulator" 2>/dev/null || true; emulator=""; }

for RESET_METHOD in magiclink enchantedlink otp; do
  export RESET_METHOD
  echo "-- Python SDK (descope 2.16.0), reset by $RESET_METHOD"
  start P2python
  timeout 120 "$work/py/bin/python" "$here/python-sdk.py"
  stop
  echo "-- Node SDK (@descope/node-sdk 2.13.0), reset by $RESET_METHOD"
  start P2node
  NODE_PATH="$work/node_modules" timeout 120 node "$here/node-sdk.mjs"
  stop
done

# Tenants, roles, permissions and user administration (shared/wire-b2b.md), once per SDK.
RESET_METHOD=magiclink
echo "-- Python SDK (descope 2.16.0), B2B administration"
start P2pyb2b
timeout 120 "$work/py/bin/python" "$here/b2b.py"
stop
echo "-- Node SDK (@descope/node-sdk 2.13.0), B2B administration"
start P2nodeb2b
NODE_PATH="$work/node_modules" timeout 120 node "$here/b2b.mjs"
stop

# OAuth and SSO with the emulator as identity provider (shared/wire-sso.md), once per SDK.
echo "-- Python SDK (descope 2.16.0), OAuth and SSO"
start P2pysso
timeout 120 "$work/py/bin/python" "$here/sso.py"
stop
echo "-- Node SDK (@descope/node-sdk 2.13.0), OAuth and SSO"
start P2nodesso
NODE_PATH="$work/node_modules" timeout 120 node "$here/sso.mjs"
stop

# Sessions the backend issues, impersonation, embedded links, test users
# (shared/wire-issued.md), once per SDK.
echo "-- Python SDK (descope 2.16.0), issued sessions"
start P2pyissued
timeout 120 "$work/py/bin/python" "$here/issued.py"
stop
echo "-- Node SDK (@descope/node-sdk 2.13.0), issued sessions"
start P2nodeissued
NODE_PATH="$work/node_modules" timeout 120 node "$here/issued.mjs"
stop

# Authenticator apps (TOTP), codes by SMS and voice (shared/wire-totp.md), once per SDK.
echo "-- Python SDK (descope 2.16.0), TOTP and phone codes"
start P2py2fa
timeout 120 "$work/py/bin/python" "$here/second_factors.py"
stop
echo "-- Node SDK (@descope/node-sdk 2.13.0), TOTP and phone codes"
start P2node2fa
NODE_PATH="$work/node_modules" timeout 120 node "$here/second_factors.mjs"
stop
