#!/usr/bin/env bash
# What Linux can check of the iOS side (there is no Swift compiler here):
#   1. the generated C header compiles on its own (gcc -fsyntax-only);
#   2. tests/swift/ffi_link.c, built against that header and linked with the host-built
#      core library, checks the contract version and every API checksum that the
#      generated Swift compares at load time, calls ethnic_groups() through the C ABI,
#      and opens a Branchbook (wrong key length and wrong key as the BranchbookError cases
#      the Swift reads, home counts and enrollment of a new folder, object freed);
#   3. every Swift file under ios/ (generated bindings, Package.swift, the app) parses
#      with tree-sitter-swift, installed from PyPI into a venv in the tool cache, after
#      tests/swift/test_parse_swift.py shows the parse check catches syntax errors;
#   4. every use of the core in the iOS app (tests/swift/check_core_calls.py) exists in
#      the generated bindings with the same argument labels, cases, fields and `try`,
#      after the checker's own tests show it catches each kind of mistake. The list of
#      core uses it checked is left in tests/.cache/swift/core-calls.txt.
#   5. every privacy-protected API the app uses (camera, location, photo library...) has
#      its usage description in ios/project.yml and in each InfoPlist.strings language
#      (tests/swift/check_permissions.py, after its own tests): iOS ends an app without it.
#   6. the facade compiles with the phones' features (`sync-client` without `xlsx`).
# Needs core/bindgen/generate.sh to have run (tests/run.sh does that first).
set -euo pipefail
source "$(dirname "$0")/lib/tools.sh"
cd "$REPO_ROOT"
started=$(now)

generated=ios/BranchbookCore/Generated
# One Swift module from two generated files: the facade's (BranchbookCore.swift) and the
# core types' (BranchbookTypes.swift), over one C module of two headers.
bindings=ios/BranchbookCore/Sources/BranchbookCore
swift_files=("$bindings/BranchbookCore.swift" "$bindings/BranchbookTypes.swift")
for f in "$generated/BranchbookCoreFFI.h" "$generated/BranchbookTypesFFI.h" "${swift_files[@]}"; do
    [[ -f $f ]] || { echo "no $f: run core/bindgen/generate.sh" >&2; exit 1; }
done
out="$TOOLS_CACHE/swift"
mkdir -p "$out"

echo "   gcc -fsyntax-only $generated/BranchbookCoreFFI.h $generated/BranchbookTypesFFI.h"
printf '#include "%s"\n' BranchbookCoreFFI.h BranchbookTypesFFI.h |
    gcc -fsyntax-only -std=c11 -Wall -Wextra -Werror -D_Nullable= -D_Nonnull= -I "$generated" -x c -

# The checks the Swift bindings make when they load, in C: the contract version and each
# `if (uniffi_..._checksum_...() != N)` line of the generated Swift.
# (The contract version is the same in both files.)
{
    sed -n 's/^ *let bindings_contract_version = \([0-9]*\)$/CONTRACT_VERSION(\1);/p' "${swift_files[0]}"
    sed -n 's/^ *if (\(uniffi_[a-z0-9_]*_checksum_[a-z0-9_]*\)() != \([0-9]*\)) {$/CHECKSUM(\1, \2);/p' "${swift_files[@]}"
} >"$out/checksums.inc"
# The variant number the generated Swift reads for each BranchbookError case.
awk '/^public struct FfiConverterTypeBranchbookError:/ { on = 1 } on && /static func write/ { exit }
     on && match($0, /case [0-9]+: return \.[A-Za-z]+/) {
         split(substr($0, RSTART, RLENGTH), w, /[ :.]+/); print "#define BRANCHBOOK_ERROR_" w[4] " " w[2] }' \
    "$bindings/BranchbookTypes.swift" >"$out/errors.inc"
# And for each InputField case (the input an InvalidInput names).
awk '/^public struct FfiConverterTypeInputField:/ { on = 1 } on && /static func write/ { exit }
     on && match($0, /case [0-9]+: return \.[A-Za-z]+/) {
         split(substr($0, RSTART, RLENGTH), w, /[ :.]+/); print "#define BRANCHBOOK_INPUT_FIELD_" w[4] " " w[2] }' \
    "$bindings/BranchbookTypes.swift" >>"$out/errors.inc"
grep -q 'BRANCHBOOK_ERROR_WrongKey' "$out/errors.inc" || { echo "no BranchbookError cases found in the bindings" >&2; exit 1; }
grep -q 'BRANCHBOOK_INPUT_FIELD_key' "$out/errors.inc" || { echo "no InputField cases found in the bindings" >&2; exit 1; }
declared=$(cat "$generated"/*.h | grep -c '_checksum_[a-z0-9_]*(void' || true)
extracted=$(grep -c '^CHECKSUM' "$out/checksums.inc" || true)
grep -q '^CONTRACT_VERSION' "$out/checksums.inc" || { echo "no contract version found in the bindings" >&2; exit 1; }
if [[ $declared != "$extracted" ]]; then
    echo "the headers declare $declared checksum functions but $extracted were found in the bindings" >&2
    exit 1
fi

# The phones' build of the facade (sync client, no .xlsx reader), as ios/build-xcframework.sh
# and Gradle make it for their targets, compiles without warnings (a check build of the
# library only: it leaves the test build's cdylib alone).
echo "   cargo check -p branchbook-ffi --no-default-features --features sync-client"
phone_check=$(cargo check --locked -q -p branchbook-ffi --lib --no-default-features --features sync-client \
    --message-format short 2>&1) || { echo "$phone_check" >&2; exit 1; }
if grep -q 'warning' <<<"$phone_check"; then
    echo "$phone_check" >&2
    echo "the phones' build of the core has warnings" >&2
    exit 1
fi

lib=$(host_library)
echo "   linking tests/swift/ffi_link.c with $(basename "$lib") ($extracted checksums)"
gcc -std=c11 -Wall -Wextra -Werror -D_Nullable= -D_Nonnull= -I "$generated" -I "$out" \
    tests/swift/ffi_link.c -L "$(dirname "$lib")" -lbranchbook_ffi -Wl,-rpath,"$(dirname "$lib")" \
    -o "$out/ffi_link"
rm -rf "$out/ffi-data"
mkdir "$out/ffi-data"
"$out/ffi_link" "$out/ffi-data"
rm -rf "$out/ffi-data"

venv="$TOOLS_CACHE/tree-sitter-$TREE_SITTER_VERSION-swift-$TREE_SITTER_SWIFT_VERSION"
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import tree_sitter, tree_sitter_swift' 2>/dev/null; then
    echo "   installing tree-sitter $TREE_SITTER_VERSION and tree-sitter-swift $TREE_SITTER_SWIFT_VERSION from PyPI"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check \
        "tree-sitter==$TREE_SITTER_VERSION" "tree-sitter-swift==$TREE_SITTER_SWIFT_VERSION"
fi
mapfile -t files < <(find ios -name '*.swift' -type f -not -path '*/.build/*' | LC_ALL=C sort)
status=0
"$venv/bin/python" tests/swift/test_parse_swift.py 2>"$out/parse-tests.log" >"$out/parse-tests.txt" ||
    { status=1; cat "$out/parse-tests.log" >&2; }
"$venv/bin/python" tests/swift/parse_swift.py "${files[@]}" >"$out/parse.txt" || status=1

mapfile -t app < <(find ios -name '*.swift' -type f -not -path '*/.build/*' -not -path 'ios/BranchbookCore/*' \
    -not -name Package.swift | LC_ALL=C sort)
"$venv/bin/python" tests/swift/test_check_core_calls.py "${swift_files[@]}" 2>"$out/checker-tests.log" >"$out/checker-tests.txt" ||
    { status=1; cat "$out/checker-tests.log" >&2; }
"$venv/bin/python" tests/swift/check_core_calls.py --bindings "${swift_files[0]}" --bindings "${swift_files[1]}" --platform-names tests/swift/platform_names.txt \
    --list "$out/core-calls.txt" "${app[@]}" >"$out/core-calls-summary.txt" || status=1
"$venv/bin/python" tests/swift/test_check_permissions.py 2>"$out/permission-tests.log" >"$out/permission-tests.txt" ||
    { status=1; cat "$out/permission-tests.log" >&2; }
"$venv/bin/python" tests/swift/check_permissions.py ios >"$out/permissions.txt" || status=1
echo "   tests/swift.sh took $(elapsed "$started")"
cat "$out/parse-tests.txt" "$out/parse.txt" "$out/checker-tests.txt" "$out/core-calls-summary.txt" \
    "$out/permission-tests.txt" "$out/permissions.txt"
exit "$status"
