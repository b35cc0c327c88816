#!/usr/bin/env bash
# The phone library's size budget. Builds the core as the apps ship it (--profile mobile:
# size-optimised, fat LTO, stripped; without the xlsx feature) for this machine and fails
# when it is over the budget, or when it no longer unwinds (uniffi turns a panic inside an
# exported call into an error for the app only when the library unwinds: see
# core/ffi/tests/ffi_panic.rs). The library ships once per ABI in the APK and branch heads
# download it on 3G. What makes its size: README.md, "Phone library size".
set -euo pipefail
cd "$(dirname "$0")/.."

budget=6000000 # bytes, stripped, x86-64

# Only the cdylib (the staticlib for iOS would double the LTO time and size nothing new).
cargo rustc --locked -q --profile mobile -p branchbook-ffi --lib \
    --no-default-features --features sync-client --crate-type cdylib
lib=target/mobile/libbranchbook_ffi.so
size=$(wc -c <"$lib")
echo "phone library: $size bytes (budget $budget)"
# Read the section list whole first: `readelf | grep -q` under pipefail fails at random
# when grep exits at the match and readelf is killed writing the rest (SIGPIPE).
sections=$(readelf -S "$lib")
if ! grep -q '\.gcc_except_table' <<<"$sections"; then
    echo "the phone library does not unwind (panic = \"abort\"?): a panic would kill the app" >&2
    exit 1
fi
if ((size > budget)); then
    echo "the phone library is $size bytes, over its budget of $budget" >&2
    exit 1
fi
