#!/usr/bin/env bash
# Android compile check: compiles every Kotlin source of the Android app (Views code,
# presenters and the generated bindings) with kotlinc against the Android framework jar
# that Robolectric publishes on Maven Central (org.robolectric:android-all, SDK 35), JNA's
# Android AAR and ZXing core, so a type error anywhere in the app fails CI. Then checks
# that every class the manifest names is one the sources define.
#
# android-all holds android.*, not java.*: the JDK 17 class library stands in for
# Android's (so a JDK-only API would pass here). What this cannot check: API levels
# against minSdk 26 (Android Lint), resources, dexing and packaging, running on a device.
# Compiling is skipped when no source and no tool changed.
set -euo pipefail
source "$(dirname "$0")/lib/tools.sh"
cd "$REPO_ROOT"
started=$(now)

manifest=android/app/src/main/AndroidManifest.xml
generated_kotlin >/dev/null
mapfile -t sources < <(kotlin_files android/app/src/main/kotlin)

android_all=$(maven_artifact "org.robolectric:android-all:$ANDROID_ALL_VERSION")
jna=$(aar_classes "$(maven_artifact "net.java.dev.jna:jna:$JNA_VERSION:aar")")
zxing=$(maven_artifact "com.google.zxing:core:$ZXING_VERSION")
classpath="$android_all:$jna:$zxing"

out="$TOOLS_CACHE/android"
classes="$out/classes"
compiled=$(kotlin_compile "$out" "$classpath" "$(sha256sum "$manifest")" -no-reflect -- "${sources[@]}")
if [[ $compiled == reused ]]; then
    echo "   android compile: sources unchanged, already checked ($(elapsed "$started"))"
    exit 0
fi

# Every component the manifest declares must be a class the app compiled.
if ! python3 - "$manifest" "$classes" <<'EOF'
import sys, pathlib, xml.etree.ElementTree as ET
manifest, classes = sys.argv[1], pathlib.Path(sys.argv[2])
ns = "{http://schemas.android.com/apk/res/android}"
app = ET.parse(manifest).getroot().find("application")
if app is None:
    sys.exit(f"{manifest}: no <application>")
missing = []
for node in [app, *app]:
    name = node.get(ns + "name")
    if node.tag in ("application", "activity", "service", "receiver", "provider") and name:
        if name.startswith("."):
            missing.append(f"{name}: write class names in full")
        elif not (classes / (name.replace(".", "/") + ".class")).is_file():
            missing.append(f"<{node.tag}> {name}: no such class in the app's sources")
if missing:
    sys.exit(f"{manifest}:\n  " + "\n  ".join(missing))
EOF
then
    rm -f "$out/stamp"
    exit 1
fi
echo "   android compile: ${#sources[@]} files compiled, manifest ok ($(elapsed "$started"))"
