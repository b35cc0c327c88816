"""Runs the unittest cases of one of the test scripts in this folder and prints the
`NAME: N passed, M failed` line that tests/swift.sh shows (the details go to stderr)."""

import sys
import unittest


def run(module_name, title):
    """Runs the tests of the module `module_name`; returns the exit status."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module_name])
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f"{title}: {result.testsRun - failed} passed, {failed} failed")
    return 1 if failed else 0
