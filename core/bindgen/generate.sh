#!/usr/bin/env bash
# Builds the core library for this machine and generates the phone apps' bindings from it:
#   Kotlin -> android/app/src/main/kotlin/uniffi/branchbook/branchbook.kt
#   Swift  -> ios/BranchbookCore/Sources/BranchbookCore/BranchbookCore.swift
#             ios/BranchbookCore/Generated/BranchbookCoreFFI.h
#             ios/BranchbookCore/Generated/BranchbookCoreFFI.modulemap
# and copies the library it generated them from to target/bindings/libbranchbook_core.so
# (.dylib on macOS), which the Kotlin tests on the JVM and the C link check load.
# The generated files are never committed (they are git-ignored) and never edited by
# hand: every build (tests/run.sh, the Gradle build, ios/build-xcframework.sh) runs this.
#
# Usage: core/bindgen/generate.sh
#
# The library is the debug build that `cargo test --workspace` makes (built here with
# `cargo test --workspace --no-run`): the same features and the same artifacts, so after
# the Rust tests this builds nothing, and the Rust tests never rebuild the core after it.
# (A cdylib built with other features, say without `xlsx`, lands on the same file and
# each build would undo the other.) That build has the default features; phones are built
# without `xlsx` (Gradle's cargo-ndk task, ios/build-xcframework.sh), so no uniffi export
# may depend on the `xlsx` feature. The bindings depend only on the exported API, never
# on the profile.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

# The core cdylib, from cargo's own report of what it built.
lib_built=$(cargo test --workspace --locked --no-run --message-format=json-render-diagnostics | python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    target = msg.get("target") or {}
    if msg.get("reason") == "compiler-artifact" and target["name"] == "branchbook_core" \
            and "cdylib" in target["crate_types"] and not msg["profile"]["test"]:
        print(next(f for f in msg["filenames"] if f.endswith((".so", ".dylib"))))
')
[[ -f $lib_built ]] || { echo "cargo built no core cdylib" >&2; exit 1; }

# The bindgen binary (its own small build: it does not depend on the core).
cargo build --locked -q -p branchbook-bindgen
bindgen="$root/target/debug/uniffi-bindgen"

mkdir -p target/bindings
lib="target/bindings/$(basename "$lib_built")"
cmp -s "$lib_built" "$lib" || cp "$lib_built" "$lib"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bindgen" generate "$lib" --language kotlin --out-dir "$tmp/kotlin" --no-format
"$bindgen" generate "$lib" --language swift --out-dir "$tmp/swift" --no-format

# Copies a generated file into place only when it changed, so that unchanged bindings
# keep their timestamps.
place() {
    local from=$1 to=$2
    mkdir -p "$(dirname "$to")"
    if ! cmp -s "$from" "$to"; then
        cp "$from" "$to"
        echo "   generated $to"
    fi
}
place "$tmp/kotlin/uniffi/branchbook/branchbook.kt" android/app/src/main/kotlin/uniffi/branchbook/branchbook.kt
place "$tmp/swift/BranchbookCore.swift" ios/BranchbookCore/Sources/BranchbookCore/BranchbookCore.swift
place "$tmp/swift/BranchbookCoreFFI.h" ios/BranchbookCore/Generated/BranchbookCoreFFI.h
place "$tmp/swift/BranchbookCoreFFI.modulemap" ios/BranchbookCore/Generated/BranchbookCoreFFI.modulemap
echo "   bindings generated from $lib"
