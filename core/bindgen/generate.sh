#!/usr/bin/env bash
# Builds the facade crate (core/ffi, `branchbook-ffi`: the only crate built as a library
# for the apps) for this machine and generates the phone apps' bindings from it. uniffi
# writes one set per crate that declares a namespace: the facade (`branchbook`) and the
# core's types it passes across (`branchbook_core`, the core's `uniffi` feature):
#   Kotlin -> android/app/src/main/kotlin/uniffi/branchbook/branchbook.kt        (package uniffi.branchbook)
#             android/app/src/main/kotlin/uniffi/branchbook/core/branchbook_core.kt (package uniffi.branchbook.core)
#   Swift  -> ios/BranchbookCore/Sources/BranchbookCore/BranchbookCore.swift
#             ios/BranchbookCore/Sources/BranchbookCore/BranchbookTypes.swift    (one Swift module)
#             ios/BranchbookCore/Generated/BranchbookCoreFFI.h, BranchbookTypesFFI.h
#             ios/BranchbookCore/Generated/BranchbookCoreFFI.modulemap         (one C module, both headers)
# and copies the library it generated them from to target/bindings/libbranchbook_ffi.so
# (.dylib on macOS), which the Kotlin tests on the JVM and the C link check load.
# The generated files are never committed (they are git-ignored) and never edited by
# hand: every build (tests/run.sh, the Gradle build, ios/build-xcframework.sh) runs this.
#
# Usage: core/bindgen/generate.sh
#
# The library is the debug build with the facade's default features (`xlsx` and
# `sync-client`), built together with the bindgen binary so that shared dependencies get
# the same features as in `cargo test --workspace` (nothing is rebuilt after the Rust
# tests). Phones are built without `xlsx` (Gradle's cargo-ndk task,
# ios/build-xcframework.sh), so no uniffi export may depend on the `xlsx` feature. The
# bindings depend only on the exported API, never on the profile.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

cargo build --locked -q -p branchbook-ffi -p branchbook-bindgen --lib --bins
ext=so
[[ $(uname -s) == Darwin ]] && ext=dylib
lib_built="target/debug/libbranchbook_ffi.$ext"
bindgen="$root/target/debug/uniffi-bindgen"

mkdir -p target/bindings
lib="target/bindings/libbranchbook_ffi.$ext"
cmp -s "$lib_built" "$lib" || cp "$lib_built" "$lib"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bindgen" generate "$lib" --language kotlin --out-dir "$tmp/kotlin" --no-format
"$bindgen" generate "$lib" --language swift --out-dir "$tmp/swift" --no-format

# Both Swift files import one C module, BranchbookCoreFFI (the `ffi_module_name` of both
# uniffi.toml files), made of the two headers.
{
    echo 'module BranchbookCoreFFI {'
    echo '    header "BranchbookCoreFFI.h"'
    echo '    header "BranchbookTypesFFI.h"'
    sed -n '/^ *\(export\|use\) /p' "$tmp/swift/BranchbookCoreFFI.modulemap"
    echo '}'
} >"$tmp/swift/module.modulemap"

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
kotlin=android/app/src/main/kotlin/uniffi/branchbook
place "$tmp/kotlin/uniffi/branchbook/branchbook.kt" "$kotlin/branchbook.kt"
place "$tmp/kotlin/uniffi/branchbook/core/branchbook_core.kt" "$kotlin/core/branchbook_core.kt"
swift=ios/BranchbookCore/Sources/BranchbookCore
place "$tmp/swift/BranchbookCore.swift" "$swift/BranchbookCore.swift"
place "$tmp/swift/BranchbookTypes.swift" "$swift/BranchbookTypes.swift"
place "$tmp/swift/BranchbookCoreFFI.h" ios/BranchbookCore/Generated/BranchbookCoreFFI.h
place "$tmp/swift/BranchbookTypesFFI.h" ios/BranchbookCore/Generated/BranchbookTypesFFI.h
place "$tmp/swift/module.modulemap" ios/BranchbookCore/Generated/BranchbookCoreFFI.modulemap
echo "   bindings generated from $lib"
