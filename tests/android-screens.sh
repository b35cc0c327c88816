#!/usr/bin/env bash
# Android screens drawn to PNG on the JVM by Android's own layout renderer (layoutlib,
# driven by Paparazzi's PaparazziSdk; all from Maven Central, no Android SDK): every
# screen of the app, built by its real View class over its real presenter and the real
# core (JNA + the host-built library), in the states the driver taps and types it into.
# Each render is checked on its laid-out View tree (text cut or ellipsized, touch targets
# under 48 dp, Views running off the screen, text contrast under WCAG AA's 4.5:1, the
# texts expected on it, blank images) and written to target/screens/ with an index page
# (index.html). A few key screens are compared with the golden images kept in
# android/app/src/screens/golden/ (a tolerance for anti-aliasing); after an intended
# change, `BRANCHBOOK_UPDATE_GOLDEN=1 tests/android-screens.sh` rewrites them. See
# android/README.md.
#
# Reuses what the earlier stages built: the app's classes compiled by tests/android.sh
# (against android-all; run against layoutlib's API 34 classes here), the bindings and
# host library of core/bindgen/generate.sh, the sync fixture server of tests/jvm.sh.
# One JVM, one renderer start. Compiling the driver is skipped when nothing changed.
set -euo pipefail
source "$(dirname "$0")/lib/tools.sh"
cd "$REPO_ROOT"
started=$(now)

app_classes="$TOOLS_CACHE/android/classes"
[[ -d $app_classes ]] || { echo "no $app_classes: run tests/android.sh first" >&2; exit 1; }

# The renderer's jars, resolved by Maven from tests/lib/renderer-pom.xml once.
renderer_classpath() {
    local list="$TOOLS_CACHE/renderer/classpath-$PAPARAZZI_VERSION-$ANDROID_TOOLS_VERSION.txt"
    if [[ ! -s $list ]] || ! tr ':' '\n' <"$list" | xargs -r ls >/dev/null 2>&1; then
        echo "   resolving Paparazzi $PAPARAZZI_VERSION from Maven Central" >&2
        mkdir -p "$(dirname "$list")"
        local log="$TOOLS_CACHE/maven.log"
        if ! mvn -B -q --no-transfer-progress --strict-checksums -Dmaven.repo.local="$TOOLS_CACHE/m2" \
            -f tests/lib/renderer-pom.xml -Dpaparazzi.version="$PAPARAZZI_VERSION" -Dandroid.tools.version="$ANDROID_TOOLS_VERSION" \
            "${MAVEN_DEPENDENCY_PLUGIN}:build-classpath" -Dmdep.outputFile="$list" >"$log" 2>&1; then
            cat "$log" >&2
            return 1
        fi
    fi
    # Our JNA and Kotlin stdlib win over the older ones Paparazzi brings.
    tr ':' '\n' <"$list" | grep -v -e '/net/java/dev/jna/jna/' -e '/org/jetbrains/kotlin/kotlin-stdlib' | paste -sd:
}

# layoutlib's platform folder: the native runtime and fonts, the framework resources
# under data/res, and a build.prop (the abilist keys are required, or layoutlib fails
# to start).
platform_dir() {
    local dir="$TOOLS_CACHE/layoutlib-$LAYOUTLIB_NATIVE_VERSION-$LAYOUTLIB_RESOURCES_VERSION"
    if [[ ! -f $dir/build.prop ]]; then
        local native resources
        native=$(maven_artifact "app.cash.paparazzi:layoutlib-native-linux:$LAYOUTLIB_NATIVE_VERSION")
        resources=$(maven_artifact "com.android.tools.layoutlib:layoutlib-resources:$LAYOUTLIB_RESOURCES_VERSION")
        rm -rf "$dir" && mkdir -p "$dir/data"
        (cd "$dir" && unzip -q -o "$native" 'data/*')
        (cd "$dir/data" && unzip -q -o "$resources" 'res/*')
        cat >"$dir/build.prop.tmp" <<'PROP'
ro.build.version.sdk=34
ro.build.version.release=14
ro.build.version.codename=REL
ro.build.version.all_codenames=REL
ro.build.id=UQ1A.240205.002
ro.build.display.id=UQ1A.240205.002
ro.build.type=user
ro.build.tags=release-keys
ro.product.model=Branchbook screens
ro.product.brand=generic
ro.product.name=sdk_phone64_x86_64
ro.product.device=emu64x
ro.product.manufacturer=Generic
ro.product.cpu.abilist=x86_64,arm64-v8a,armeabi-v7a
ro.product.cpu.abilist32=armeabi-v7a
ro.product.cpu.abilist64=x86_64,arm64-v8a
PROP
        mv "$dir/build.prop.tmp" "$dir/build.prop"
    fi
    echo "$dir"
}

platform=$(platform_dir)
renderer=$(renderer_classpath)
jna=$(maven_artifact "net.java.dev.jna:jna:$JNA_VERSION")
zxing=$(maven_artifact "com.google.zxing:core:$ZXING_VERSION")
stdlib=$(kotlin_lib kotlin-stdlib.jar)
classpath="$app_classes:$jna:$zxing:$stdlib:$renderer"

# The driver, with the presenters' test app and the test server it shares with tests/jvm.sh.
mapfile -t sources < <(kotlin_files android/app/src/screens/kotlin tests/support/kotlin; echo android/app/src/test/kotlin/org/branchbook/app/presenter/TestApp.kt)
out="$TOOLS_CACHE/screens"
classes="$out/classes"
compiled=$(kotlin_compile "$out" "$classpath" "$(cat "$TOOLS_CACHE/android/stamp")" -- "${sources[@]}")
[[ $compiled == reused ]] && echo "   screens driver unchanged: reusing compiled classes"

lib=$(host_library)
sync_server=$(workspace_binary sync_fixture_server)
[[ -x $sync_server ]] || { echo "cargo built no sync_fixture_server" >&2; exit 1; }
shots=target/screens
rm -rf "$shots"
mkdir -p "$shots"
java -Xmx1g -Djava.awt.headless=true \
    -Dpaparazzi.platform.data.root="$platform" \
    -Duniffi.component.branchbook.libraryOverride="$lib" -Duniffi.component.branchbook_core.libraryOverride="$lib" \
    -Dbranchbook.syncServer="$sync_server" \
    -cp "$classes:$classpath" org.branchbook.app.screens.RenderScreensKt "$platform" "$shots" android/app/src/screens/golden
echo "   tests/android-screens.sh took $(elapsed "$started")"
