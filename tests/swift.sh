#!/usr/bin/env bash
# What Linux can check of the iOS side (there is no Swift compiler here):
#   1. the generated C header compiles on its own (gcc -fsyntax-only);
#   2. tests/swift/ffi_link.c, built against that header and linked with the host-built
#      core library, checks the contract version and every API checksum that the
#      generated Swift compares at load time, and calls ethnic_groups() through the C ABI;
#   3. every Swift file under ios/ (generated bindings, Package.swift, the app) parses
#      with tree-sitter-swift, installed from PyPI into a venv in the tool cache.
# Needs core/bindgen/generate.sh to have run (tests/run.sh does that first).
set -euo pipefail
source "$(dirname "$0")/lib/tools.sh"
cd "$REPO_ROOT"
started=$(now)

generated=ios/BranchbookCore/Generated
header=$generated/BranchbookCoreFFI.h
swift=ios/BranchbookCore/Sources/BranchbookCore/BranchbookCore.swift
[[ -f $header && -f $swift ]] || { echo "no generated Swift bindings: run core/bindgen/generate.sh" >&2; exit 1; }
out="$TOOLS_CACHE/swift"
mkdir -p "$out"

echo "   gcc -fsyntax-only $header"
echo '#include "BranchbookCoreFFI.h"' |
    gcc -fsyntax-only -std=c11 -Wall -Wextra -Werror -D_Nullable= -D_Nonnull= -I "$generated" -x c -

# The checks the Swift bindings make when they load, in C: the contract version and each
# `if (uniffi_..._checksum_...() != N)` line of the generated Swift.
{
    sed -n 's/^ *let bindings_contract_version = \([0-9]*\)$/CONTRACT_VERSION(\1);/p' "$swift"
    sed -n 's/^ *if (\(uniffi_[a-z0-9_]*_checksum_[a-z0-9_]*\)() != \([0-9]*\)) {$/CHECKSUM(\1, \2);/p' "$swift"
} >"$out/checksums.inc"
declared=$(grep -c '_checksum_[a-z0-9_]*(void' "$header" || true)
extracted=$(grep -c '^CHECKSUM' "$out/checksums.inc" || true)
grep -q '^CONTRACT_VERSION' "$out/checksums.inc" || { echo "no contract version found in $swift" >&2; exit 1; }
if [[ $declared != "$extracted" ]]; then
    echo "the header declares $declared checksum functions but $extracted were found in $swift" >&2
    exit 1
fi

lib=$(host_library)
echo "   linking tests/swift/ffi_link.c with $(basename "$lib") ($extracted checksums)"
gcc -std=c11 -Wall -Wextra -Werror -D_Nullable= -D_Nonnull= -I "$generated" -I "$out" \
    tests/swift/ffi_link.c -L "$(dirname "$lib")" -lbranchbook_core -Wl,-rpath,"$(dirname "$lib")" \
    -o "$out/ffi_link"
"$out/ffi_link"

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
"$venv/bin/python" tests/swift/parse_swift.py "${files[@]}" >"$out/parse.txt" || status=$?
echo "   tests/swift.sh took $(elapsed "$started")"
cat "$out/parse.txt"
exit "$status"
