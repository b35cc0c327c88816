"""Parses Swift files with tree-sitter-swift and fails on any syntax error.

There is no Swift compiler here, so this is what CI can check of the iOS code: it
catches syntax errors (in the generated bindings and hand-written code alike), not type
errors. The grammar does not know the `@_documentation(visibility: private)` attribute
that uniffi writes, so it is blanked out first (same length, so positions stay right).

Usage: parse_swift.py FILE...
"""

import sys

import tree_sitter
import tree_sitter_swift

UNKNOWN_ATTRIBUTE = b"@_documentation(visibility: private)"


def problems(parser, path):
    """Yields 'path:line:column: message' for each error or missing node in the file."""
    with open(path, "rb") as f:
        source = f.read().replace(UNKNOWN_ATTRIBUTE, b" " * len(UNKNOWN_ATTRIBUTE))
    tree = parser.parse(source)
    if not tree.root_node.has_error:
        return
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            line, column = node.start_point
            kind = f"missing {node.type}" if node.is_missing else "syntax error"
            text = source[node.start_byte : node.end_byte][:60].decode("utf-8", "replace")
            yield f"{path}:{line + 1}:{column + 1}: {kind} near {text!r}"
        elif node.has_error:
            stack.extend(reversed(node.children))


def main(paths):
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
    found = [p for path in paths for p in problems(parser, path)]
    for line in found:
        print(line, file=sys.stderr)
    bad = len({line.split(":", 1)[0] for line in found})
    print(f"swift: {len(paths) - bad} passed, {bad} failed")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
