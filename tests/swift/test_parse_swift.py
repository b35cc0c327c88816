"""Tests of parse_swift.py: Swift with a syntax error is reported at its line, correct
Swift of the shapes uniffi writes passes (the two rewritten grammar gaps included), and
each rewrite keeps the text's length, so reported positions stay those of the file.

Usage: test_parse_swift.py
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import unit  # noqa: E402
import parse_swift  # noqa: E402
import tree_sitter  # noqa: E402
import tree_sitter_swift  # noqa: E402

PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))

# What the generated bindings do with a callback interface's void method, shortened.
GOOD = """
public protocol SyncObserver: AnyObject, Sendable {
    func onProgress(progress: SyncProgress)
}

@_documentation(visibility: private)
fileprivate struct UniffiCallbackInterfaceSyncObserver {
    static func call(_ observer: SyncObserver, _ progress: SyncProgress) {
        let makeCall = {
            () throws -> () in
            return observer.onProgress(progress: progress)
        }
        let writeReturn = { () }
        uniffiTraitInterfaceCall(makeCall: makeCall, writeReturn: writeReturn)
    }
}
"""


def problems(source):
    """The problems parse_swift reports for `source` written to a file."""
    with tempfile.NamedTemporaryFile("w", suffix=".swift", delete=False) as f:
        f.write(source)
    try:
        return list(parse_swift.problems(PARSER, f.name))
    finally:
        os.unlink(f.name)


class ParseSwift(unittest.TestCase):
    def test_generated_shapes_pass(self):
        self.assertEqual(problems(GOOD), [])

    def test_unclosed_call_is_reported_at_its_line(self):
        found = problems(GOOD.replace("return observer.onProgress(progress: progress)", "return observer.onProgress(progress: "))
        self.assertTrue(found)
        self.assertIn(":11:", found[0])

    def test_missing_brace_is_reported(self):
        self.assertTrue(problems(GOOD.rstrip().rstrip("}")))

    def test_rewrites_are_needed_and_keep_positions(self):
        # Without them the grammar rejects valid Swift: the rewrites are needed...
        raw = PARSER.parse(GOOD.encode())
        self.assertTrue(raw.root_node.has_error)
        # ...and keep lengths, so lines and columns are the file's own.
        for rejected, equivalent in parse_swift.REWRITES:
            self.assertEqual(len(rejected), len(equivalent))


def main():
    return unit.run(__name__, "swift parse tests")


if __name__ == "__main__":
    sys.exit(main())
