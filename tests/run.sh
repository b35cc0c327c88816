#!/usr/bin/env bash
# The one test command: everything CI checks, on a fresh machine, with no input.
# Each stage installs and starts what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

# The server's tests run on SQLite and on PostgreSQL: start a private cluster.
source tests/postgres.sh

echo "== rust tests"
cargo test --workspace --locked
