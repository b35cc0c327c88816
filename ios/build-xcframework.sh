#!/usr/bin/env bash
# Builds ios/BranchbookCore/BranchbookCoreFFI.xcframework, the binary half of the
# BranchbookCore Swift package: the core as a static library for iPhones (arm64) and for
# the simulator (arm64 + x86_64), with the generated C header and module map.
# Also (re)generates the Swift bindings. macOS with Xcode and rustup only: it cannot run
# on Linux and is not part of CI (see ios/README.md).
#
# Usage: ios/build-xcframework.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

[[ $(uname -s) == Darwin ]] || { echo "build-xcframework.sh needs macOS with Xcode" >&2; exit 1; }

device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "$device" "${simulators[@]}"

# The facade crate (core/ffi), the only library built for the apps. Phones do not read
# .xlsx files but do send: the `sync-client` feature without `xlsx` (see core/ffi/Cargo.toml).
for target in "$device" "${simulators[@]}"; do
    cargo build --locked --profile mobile -p branchbook-ffi --lib --no-default-features --features sync-client --target "$target"
done

# The bindings, generated from a host (debug) build of the same code: they depend on the
# exported API only, which must not depend on the `xlsx` feature (see generate.sh).
core/bindgen/generate.sh

package=ios/BranchbookCore
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/headers" "$work/simulator"
# The C module BranchbookCoreFFI: the facade's header and the core types' header.
cp "$package/Generated/BranchbookCoreFFI.h" "$package/Generated/BranchbookTypesFFI.h" "$work/headers/"
# Inside an XCFramework the module map must be called module.modulemap.
cp "$package/Generated/BranchbookCoreFFI.modulemap" "$work/headers/module.modulemap"

lipo -create \
    "target/${simulators[0]}/mobile/libbranchbook_ffi.a" \
    "target/${simulators[1]}/mobile/libbranchbook_ffi.a" \
    -output "$work/simulator/libbranchbook_ffi.a"

rm -rf "$package/BranchbookCoreFFI.xcframework"
xcodebuild -create-xcframework \
    -library "target/$device/mobile/libbranchbook_ffi.a" -headers "$work/headers" \
    -library "$work/simulator/libbranchbook_ffi.a" -headers "$work/headers" \
    -output "$package/BranchbookCoreFFI.xcframework"
echo "built $package/BranchbookCoreFFI.xcframework"
