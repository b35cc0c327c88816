#!/usr/bin/env bash
# Prints the size of the release core library as a phone would carry it (the stripped
# cdylib, host build), without and with the `xlsx` feature, so dependencies that bloat
# the mobile build are seen. Not part of tests/run.sh (a cold release build takes minutes).
#
# Usage: core/bindgen/size.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ext=so
[[ $(uname -s) == Darwin ]] && ext=dylib
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for features in "" xlsx; do
    args=(--locked --release -q -p branchbook-core --lib --no-default-features)
    [[ -n $features ]] && args+=(--features "$features")
    cargo build "${args[@]}"
    lib="$tmp/libbranchbook_core${features:+-$features}.$ext"
    cp "target/release/libbranchbook_core.$ext" "$lib"
    strip "$lib"
    printf '%-22s %8d bytes stripped (%d KiB), %8d gzipped\n' "features: ${features:-none}" \
        "$(wc -c <"$lib")" "$(( $(wc -c <"$lib") / 1024 ))" "$(gzip -9 -c "$lib" | wc -c)"
done
