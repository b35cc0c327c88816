#!/usr/bin/env bash
# Kotlin on a plain JVM: compiles the generated bindings, the Android app's plain-Kotlin
# code and every Kotlin JUnit 5 test, then runs the tests with JNA against the host-built
# core library. Installs its tools itself (tests/lib/tools.sh); needs core/bindgen/generate.sh
# to have run (tests/run.sh does that first).
#
# Source sets (drop files in; nothing to register):
#   main:  android/app/src/main/kotlin/uniffi/**             generated bindings
#          android/app/src/main/kotlin/org/branchbook/app/presenter/**
#                                                             plain Kotlin app code: presenters
#                                                             and what they use; no android.*
#                                                             (the Android framework is not on
#                                                             this classpath, so an import fails)
#   tests: tests/kotlin/**                                    tests of the bindings and facade
#          tests/support/kotlin/**                            the test server both suites start
#          android/app/src/test/kotlin/**                     tests of the presenters
# Test classes follow JUnit 5 (org.junit.jupiter.api.Test); kotlin.test works too.
# Every test that needs a server (the facade's sync tests, the presenters' send and enroll
# tests) starts one through tests/support/kotlin/org/branchbook/testing/SyncServer.kt, which runs
# the fixture binary tests/src/bin/sync_fixture_server.rs (the Rust test support's server),
# built here (with the workspace's features, so it reuses what core/bindgen/generate.sh
# built) and named to the JVM in the system property branchbook.syncServer.
# Compiling is skipped when no source and no tool changed; the tests always run.
set -euo pipefail
source "$(dirname "$0")/lib/tools.sh"
cd "$REPO_ROOT"
started=$(now)

app=android/app/src/main/kotlin
mapfile -t sources < <(kotlin_files "$app/uniffi" "$app/org/branchbook/app/presenter" tests/kotlin tests/support/kotlin android/app/src/test/kotlin)
generated_kotlin >/dev/null

jna=$(maven_artifact "net.java.dev.jna:jna:$JNA_VERSION")
junit=$(maven_artifact "org.junit.platform:junit-platform-console-standalone:$JUNIT_CONSOLE_VERSION")
# ZXing core: the enroll screen's QR decoding is plain Kotlin, tested here.
zxing=$(maven_artifact "com.google.zxing:core:$ZXING_VERSION")
classpath="$jna:$junit:$zxing:$(kotlin_lib kotlin-test.jar):$(kotlin_lib kotlin-test-junit5.jar):$(kotlin_lib kotlinx-coroutines-core-jvm.jar)"

out="$TOOLS_CACHE/jvm"
classes="$out/classes"
compiled=$(kotlin_compile "$out" "$classpath" "" -- "${sources[@]}")
[[ $compiled == reused ]] && echo "   sources unchanged: reusing compiled classes"

lib=$(host_library)
sync_server=$(workspace_binary sync_fixture_server)
[[ -x $sync_server ]] || { echo "cargo built no sync_fixture_server" >&2; exit 1; }
report="$out/junit.txt"
set +e
# Each generated namespace loads the library by its own property: the facade
# (`branchbook`) and the core types (`branchbook_core`).
java -Duniffi.component.branchbook.libraryOverride="$lib" -Duniffi.component.branchbook_core.libraryOverride="$lib" \
    -Dbranchbook.syncServer="$sync_server" \
    -jar "$junit" execute --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests \
    --class-path "$classes:$classpath:$(kotlin_lib kotlin-stdlib.jar)" \
    --scan-classpath "$classes" | tee "$report"
status=${PIPESTATUS[0]}
set -e
passed=$(sed -n 's/^\[ *\([0-9]*\) tests successful.*/\1/p' "$report")
failed=$(sed -n 's/^\[ *\([0-9]*\) tests failed.*/\1/p' "$report")
echo "   tests/jvm.sh took $(elapsed "$started")"
echo "kotlin: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
