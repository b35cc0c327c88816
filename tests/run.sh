#!/usr/bin/env bash
# The one test command: everything CI checks, on a fresh machine, with no input.
# Each stage installs and starts what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# One build, run once: incremental caches would only fill the disk (they did, on CI), and
# ~75 test binaries need no debug info (a failing assert still names its file and line):
# the build folder goes from ~34 GB to ~4.
export CARGO_INCREMENTAL=0 CARGO_PROFILE_TEST_STRIP=debuginfo

echo "== format and lint"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# Only the facade crate (core/ffi) turns on the core's `uniffi` feature: the server
# builds without uniffi.
# (The tree is read whole first: under pipefail, `cargo tree | grep -q` would let the
# check pass when grep stops at the match and cargo tree dies of SIGPIPE.)
server_tree=$(cargo tree --locked -p branchbook-server -e normal,build --prefix none)
if grep -q '^uniffi ' <<<"$server_tree"; then
    echo "branchbook-server depends on uniffi (only core/ffi may)" >&2
    exit 1
fi

# The server's tests run on SQLite and on PostgreSQL: start a private cluster.
source tests/postgres.sh
# The console's tests drive a real browser (headless Chromium over WebDriver).
source tests/browser.sh
# The XLSForm corpus test: real forms from PyPI packages, each compared with ODK's pyxform.
source tests/lib/xlsform-corpus.sh

echo "== rust tests"
cargo test --workspace --locked

# The mobile toolchain: bindings generated from the host-built core, then checked the
# ways Linux can (see android/README.md and ios/README.md). Tools are pinned in
# tests/lib/tools.sh and cached in tests/.cache.
echo "== bindings (core/bindgen/generate.sh)"
core/bindgen/generate.sh

echo "== kotlin on the jvm (tests/jvm.sh)"
tests/jvm.sh

echo "== android compile (tests/android.sh)"
tests/android.sh

echo "== android screens drawn and checked (tests/android-screens.sh)"
tests/android-screens.sh

echo "== swift and c checks (tests/swift.sh)"
tests/swift.sh

echo "== phone library size (tests/size.sh)"
tests/size.sh
