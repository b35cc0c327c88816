"""Checks that every privacy-protected iOS API the app uses has its usage description.

iOS ends an app the moment it touches the camera, the location or the photo library
without the matching `NS...UsageDescription` key in its Info.plist: a crash that only a
device shows, on the first QR scan or the first geopoint question. With no Xcode here,
this reads the app's Swift for the APIs that need a key, and checks that ios/project.yml
(from which XcodeGen writes the Info.plist) declares each key with a text, and that every
language of the app (`Branchbook/*.lproj/InfoPlist.strings`) translates it.

Usage: check_permissions.py IOS_DIR
Exit status 1 when a key is missing; problems go to stderr.
"""

import glob
import os
import re
import sys

# An API that needs a key, as it appears in Swift, and the key.
RULES = [
    (re.compile(r"\bAVCaptureDevice\b|\.sourceType\s*=.*\.camera\b"), "NSCameraUsageDescription"),
    (re.compile(r"\brequestWhenInUseAuthorization\s*\("), "NSLocationWhenInUseUsageDescription"),
    (re.compile(r"\brequestAlwaysAuthorization\s*\("), "NSLocationAlwaysAndWhenInUseUsageDescription"),
    (re.compile(r"\.photoLibrary\b|\bPHPhotoLibrary\b"), "NSPhotoLibraryUsageDescription"),
    (re.compile(r"\bCNContactStore\b"), "NSContactsUsageDescription"),
    (re.compile(r"\bAVAudioSession\b.*\brequestRecordPermission\b|\bAVAudioRecorder\b|\bUTType\.movie\b"), "NSMicrophoneUsageDescription"),
]
PLIST_KEY = re.compile(r"^\s+(NS\w+UsageDescription):\s*(\S.*)$", re.M)
STRINGS_ENTRY = re.compile(r'^"(\w+)"\s*=\s*"((?:[^"\\]|\\.)+)";', re.M)


def needed(sources):
    """{key: 'path:line'} of the first use of each API that needs a key."""
    found = {}
    for path, text in sources.items():
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("//"):
                continue
            for pattern, key in RULES:
                if key not in found and pattern.search(line):
                    found[key] = f"{path}:{number}"
    return found


def check(sources, project_yml, strings):
    """Returns (checks made, problems) for the app's Swift `sources` ({path: text}), the
    text of project.yml and the InfoPlist.strings of each language ({language: text})."""
    keys = needed(sources)
    declared = {m.group(1) for m in PLIST_KEY.finditer(project_yml)}
    translated = {lang: {m.group(1) for m in STRINGS_ENTRY.finditer(text)} for lang, text in strings.items()}
    problems, checks = [], 0
    if not strings:
        problems.append("no InfoPlist.strings: the permission texts are not translated")
    for key, where in sorted(keys.items()):
        checks += 1
        if key not in declared:
            problems.append(f"{where}: needs {key} in project.yml (iOS ends the app without it)")
        for lang in sorted(translated):
            checks += 1
            if key not in translated[lang]:
                problems.append(f"{where}: {key} is not translated in {lang}.lproj/InfoPlist.strings")
    return checks, problems


def read_app(ios_dir):
    """The app's Swift ({path: text}, bindings left out), project.yml and the
    InfoPlist.strings of each language ({language: text})."""
    sources = {}
    for path in sorted(glob.glob(os.path.join(ios_dir, "**", "*.swift"), recursive=True)):
        if "/BranchbookCore/" in path or "/.build/" in path:
            continue
        with open(path, encoding="utf-8") as f:
            sources[os.path.relpath(path)] = f.read()
    with open(os.path.join(ios_dir, "project.yml"), encoding="utf-8") as f:
        project_yml = f.read()
    strings = {}
    for path in sorted(glob.glob(os.path.join(ios_dir, "Branchbook", "*.lproj", "InfoPlist.strings"))):
        with open(path, encoding="utf-8") as f:
            strings[os.path.basename(os.path.dirname(path)).removesuffix(".lproj")] = f.read()
    return sources, project_yml, strings


def main(ios_dir):
    sources, project_yml, strings = read_app(ios_dir)
    checks, problems = check(sources, project_yml, strings)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"permission texts: {checks - len(problems)} passed, {len(problems)} failed "
          f"(keys needed by {len(sources)} Swift files: {', '.join(sorted(needed(sources)))})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "ios"))
