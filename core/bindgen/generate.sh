#!/usr/bin/env bash
# Builds the core library for this machine and generates the phone apps' bindings from it:
#   Kotlin -> android/app/src/main/kotlin/uniffi/branchbook/branchbook.kt
#   Swift  -> ios/BranchbookCore/Sources/BranchbookCore/BranchbookCore.swift
#             ios/BranchbookCore/Generated/BranchbookCoreFFI.h
#             ios/BranchbookCore/Generated/BranchbookCoreFFI.modulemap
# The generated files are never committed (they are git-ignored) and never edited by
# hand: every build (tests/run.sh, the Gradle build, ios/build-xcframework.sh) runs this.
#
# Usage: core/bindgen/generate.sh [--release]
#   default    debug profile: the build tests/run.sh already made, so this is quick;
#              the Kotlin tests on the JVM and the C link check load this library.
#   --release  release profile (what ios/build-xcframework.sh and size checks use).
# The bindings only depend on the exported API, so both profiles generate the same files.
# BINDINGS_PROFILE=release has the same effect as --release.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

profile=${BINDINGS_PROFILE:-debug}
[[ ${1:-} == --release ]] && profile=release
cargo_profile=(--profile dev)
[[ $profile == release ]] && cargo_profile=(--release)

ext=so
[[ $(uname -s) == Darwin ]] && ext=dylib
lib="$root/target/$profile/libbranchbook_core.$ext"

cargo build --locked -q -p branchbook-core --lib "${cargo_profile[@]}"
cargo build --locked -q -p branchbook-bindgen
bindgen="$root/target/debug/uniffi-bindgen"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bindgen" generate "$lib" --language kotlin --out-dir "$tmp/kotlin" --no-format
"$bindgen" generate "$lib" --language swift --out-dir "$tmp/swift" --no-format

# Copies a generated file into place only when it changed, so that unchanged bindings
# keep their timestamps and the later stages stay fast.
place() {
    local from=$1 to=$2
    mkdir -p "$(dirname "$to")"
    if ! cmp -s "$from" "$to"; then
        cp "$from" "$to"
        echo "   generated ${to#"$root"/}"
    fi
}
place "$tmp/kotlin/uniffi/branchbook/branchbook.kt" android/app/src/main/kotlin/uniffi/branchbook/branchbook.kt
place "$tmp/swift/BranchbookCore.swift" ios/BranchbookCore/Sources/BranchbookCore/BranchbookCore.swift
place "$tmp/swift/BranchbookCoreFFI.h" ios/BranchbookCore/Generated/BranchbookCoreFFI.h
place "$tmp/swift/BranchbookCoreFFI.modulemap" ios/BranchbookCore/Generated/BranchbookCoreFFI.modulemap
