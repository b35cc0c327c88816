# Shared by the mobile stages of tests/run.sh (tests/jvm.sh, tests/android.sh, tests/android-screens.sh,
# tests/swift.sh): pinned tool versions, the git-ignored tool cache and small helpers to
# fetch a tool once and to skip work whose inputs did not change. Source it; do not run it.
#
# Everything is fetched through the registries' own clients (npm, Maven, pip) into
# $TOOLS_CACHE (default tests/.cache), so a second run needs no network at all.

# Pinned versions. Change them here only.
KOTLIN_VERSION=2.4.20                          # npm: kotlin-compiler (JetBrains' kotlinc distribution)
JNA_VERSION=5.19.1                             # Maven Central: net.java.dev.jna:jna (jar for the JVM, aar for Android)
JUNIT_CONSOLE_VERSION=6.1.3                    # Maven Central: org.junit.platform:junit-platform-console-standalone
ANDROID_ALL_VERSION=15-robolectric-13954326    # Maven Central: org.robolectric:android-all (SDK 35, the highest JDK 17 reads)
ZXING_VERSION=3.5.4                            # Maven Central: com.google.zxing:core
TREE_SITTER_VERSION=0.26.1                     # PyPI: tree-sitter
TREE_SITTER_SWIFT_VERSION=0.7.4                # PyPI: tree-sitter-swift
PYXFORM_VERSION=4.5.0                          # PyPI: pyxform (core/tests/xlsform_corpus.rs, via tests/lib/xlsform-corpus.sh)
MAVEN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
# The screen renderer of tests/android-screens.sh (Android's layoutlib on the JVM; see
# ../shared/notes/android-screens.md and android/README.md), all Maven Central:
PAPARAZZI_VERSION=1.3.4                        # app.cash.paparazzi:paparazzi (drives layoutlib, brings its API 34 jar)
ANDROID_TOOLS_VERSION=31.4.2                   # com.android.tools common/sdk-common/ninepatch/layoutlib-api (1.3.4's own pins are not on Central)
LAYOUTLIB_NATIVE_VERSION=2023.2.1-6c7316c      # app.cash.paparazzi:layoutlib-native-linux (fonts, ICU, libandroid_runtime.so)
LAYOUTLIB_RESOURCES_VERSION=14.0.11            # com.android.tools.layoutlib:layoutlib-resources (the framework's res/)

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TOOLS_CACHE=${TOOLS_CACHE:-$REPO_ROOT/tests/.cache}
mkdir -p "$TOOLS_CACHE"

# The host-built facade library (core/ffi) that core/bindgen/generate.sh generated the
# bindings from.
host_library() {
    local ext=so
    [[ $(uname -s) == Darwin ]] && ext=dylib
    local lib="$REPO_ROOT/target/bindings/libbranchbook_ffi.$ext"
    [[ -f $lib ]] || { echo "no $lib: run core/bindgen/generate.sh first" >&2; return 1; }
    echo "$lib"
}

# Builds one of the workspace's programs and prints its path: the sync fixture server and
# the real server, which the Kotlin tests start. --workspace keeps the features those of
# the whole workspace, as in generate.sh's build, so nothing is rebuilt twice.
workspace_binary() {
    cargo build --workspace --locked -q --bin "$1" --message-format=json-render-diagnostics \
        | python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == sys.argv[1] and msg.get("executable"):
        print(msg["executable"])
' "$1"
}

# The generated Kotlin bindings, the facade's and the core types' (core/bindgen/generate.sh
# writes them).
generated_kotlin() {
    local kt
    for kt in branchbook.kt core/branchbook_core.kt; do
        kt="$REPO_ROOT/android/app/src/main/kotlin/uniffi/branchbook/$kt"
        [[ -f $kt ]] || { echo "no $kt: run core/bindgen/generate.sh first" >&2; return 1; }
        echo "$kt"
    done
}

# Prints the path of the Kotlin compiler, installing it from npm on first use.
kotlinc_bin() {
    local home="$TOOLS_CACHE/kotlin-$KOTLIN_VERSION"
    local bin="$home/node_modules/kotlin-compiler/bin/kotlinc"
    if [[ ! -x $bin ]]; then
        echo "   installing kotlin-compiler@$KOTLIN_VERSION from npm" >&2
        mkdir -p "$home"
        npm install --prefix "$home" --no-save --no-audit --no-fund --loglevel=error --silent \
            "kotlin-compiler@$KOTLIN_VERSION" >&2
    fi
    echo "$bin"
}

# The jars that ship with the Kotlin compiler (stdlib, kotlin-test, coroutines).
kotlin_lib() {
    local bin
    bin=$(kotlinc_bin)
    echo "$(dirname "$(dirname "$bin")")/lib/$1"
}

# Prints the local path of a Maven Central artifact, fetching it with Maven on first use.
# $1: groupId:artifactId:version[:packaging[:classifier]] (packaging defaults to jar).
maven_artifact() {
    local g a v p c
    IFS=: read -r g a v p c <<<"$1"
    p=${p:-jar}
    local repo="$TOOLS_CACHE/m2"
    local path="$repo/${g//.//}/$a/$v/$a-$v${c:+-$c}.$p"
    if [[ ! -f $path ]]; then
        echo "   fetching $1 from Maven Central" >&2
        local log="$TOOLS_CACHE/maven.log"
        if ! mvn -B -q --no-transfer-progress --strict-checksums -Dmaven.repo.local="$repo" \
            "$MAVEN_DEPENDENCY_PLUGIN:get" -Dartifact="$1" -Dtransitive=false >"$log" 2>&1; then
            cat "$log" >&2
            return 1
        fi
    fi
    [[ -f $path ]] || { echo "Maven did not produce $path" >&2; return 1; }
    echo "$path"
}

# Prints a directory holding the classes.jar of an Android AAR, extracted once.
aar_classes() {
    local aar=$1
    local out="$TOOLS_CACHE/aar/$(basename "$aar" .aar)"
    if [[ ! -f $out/classes.jar ]]; then
        mkdir -p "$out"
        (cd "$out" && unzip -q -o "$aar" classes.jar)
    fi
    echo "$out/classes.jar"
}

# Lists Kotlin files under the given folders (missing folders are skipped), sorted.
kotlin_files() {
    local d
    for d in "$@"; do
        [[ -d $d ]] && find "$d" -name '*.kt' -type f
    done | LC_ALL=C sort
}

# A fingerprint of files and extra strings: compile steps are skipped when it is unchanged.
fingerprint() {
    local -a files=() extra=()
    local arg
    for arg in "$@"; do
        if [[ -f $arg ]]; then files+=("$arg"); else extra+=("$arg"); fi
    done
    {
        printf '%s\n' "${extra[@]}"
        [[ ${#files[@]} -gt 0 ]] && sha256sum "${files[@]}"
    } | sha256sum | cut -d' ' -f1
}

# Compiles Kotlin into OUT/classes unless OUT/stamp says these sources, this classpath and
# these flags were compiled already; prints "compiled" or "reused".
#   kotlin_compile OUT CLASSPATH STAMP_EXTRA FLAG... -- SOURCE...
# Warnings are errors in our own code. Only the generated bindings (uniffi's Kotlin,
# under /uniffi/) may warn: that code is not ours to change.
kotlin_compile() {
    local out=$1 classpath=$2 extra=$3
    shift 3
    local -a flags=()
    while [[ $1 != -- ]]; do flags+=("$1"); shift; done
    shift
    local classes="$out/classes" stamp
    stamp=$(fingerprint "$KOTLIN_VERSION" "$classpath" "$extra" "${flags[@]}" "$@")
    if [[ -f $out/stamp && $(cat "$out/stamp") == "$stamp" && -d $classes ]]; then
        echo reused
        return 0
    fi
    echo "   kotlinc: $# files" >&2
    rm -rf "$classes" "$out/stamp"
    mkdir -p "$classes"
    local log="$out/kotlinc.log"
    if ! "$(kotlinc_bin)" -jvm-target 17 "${flags[@]}" -cp "$classpath" -d "$classes" "$@" >"$log" 2>&1; then
        cat "$log" >&2
        return 1
    fi
    local ours
    ours=$(grep -E '^[^ ]+\.kt:[0-9]+:[0-9]+: warning:' "$log" | grep -v '/uniffi/' || true)
    if [[ -n $ours ]]; then
        echo "Kotlin warnings in our code (warnings are errors here):" >&2
        echo "$ours" >&2
        return 1
    fi
    echo "$stamp" >"$out/stamp"
    echo compiled
}

# Seconds since the epoch with a fraction, for the stage timings.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
