#!/usr/bin/env bash
# Builds the core library for this machine and generates the phone apps' bindings from it:
#   Kotlin -> android/app/src/main/kotlin/uniffi/branchbook/branchbook.kt
#   Swift  -> ios/BranchbookCore/Sources/BranchbookCore/BranchbookCore.swift
#             ios/BranchbookCore/Generated/BranchbookCoreFFI.h
#             ios/BranchbookCore/Generated/BranchbookCoreFFI.modulemap
# and leaves the library it generated them from at target/bindings/libbranchbook_core.so
# (.dylib on macOS), which the Kotlin tests on the JVM and the C link check load.
# The generated files are never committed (they are git-ignored) and never edited by
# hand: every build (tests/run.sh, the Gradle build, ios/build-xcframework.sh) runs this.
#
# Usage: core/bindgen/generate.sh [--release]
#   default    debug profile: quick next to the debug build tests/run.sh already made.
#   --release  release profile.
# The library is built with the phones' features (no default features, so no `xlsx`):
# the bindings and the tests see exactly the API a phone gets. BINDINGS_FEATURES="xlsx"
# adds features. The bindings depend only on the exported API, never on the profile.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

cargo_args=(--locked -p branchbook-core --lib --no-default-features)
[[ -n ${BINDINGS_FEATURES:-} ]] && cargo_args+=(--features "$BINDINGS_FEATURES")
[[ ${1:-} == --release ]] && cargo_args+=(--release)

# The cdylib's path, read from cargo's own report of what it built.
built=$(cargo build "${cargo_args[@]}" --message-format=json-render-diagnostics | python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "branchbook_core":
        for f in msg["filenames"]:
            if f.endswith((".so", ".dylib")):
                print(f)
')
[[ -f $built ]] || { echo "cargo built no core cdylib" >&2; exit 1; }
mkdir -p target/bindings
lib="target/bindings/$(basename "$built")"
cmp -s "$built" "$lib" || cp "$built" "$lib"

cargo build --locked -q -p branchbook-bindgen
bindgen="$root/target/debug/uniffi-bindgen"

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
