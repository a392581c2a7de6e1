"""tests/tap.py — the TAP plumbing the command tests share: one result per
check(), and a runner that turns a test function's crash into one failure.

Used by test_cli*.py (run from tests/, so `import tap` finds this file)."""
import sys

results = []


def check(ok, description, diagnostic=""):
    """Records one TAP result; prints the diagnostic under a failure."""
    results.append(bool(ok))
    print(("ok" if ok else "not ok"), len(results), "-", description)
    if not ok and diagnostic:
        for line in str(diagnostic).splitlines():
            print("#", line)
    sys.stdout.flush()


def run_tests(tests, catch=True):
    """Runs each test function, prints the plan last; the exit status."""
    for t in tests:
        if not catch:
            t()
            continue
        try:
            t()
        except Exception as e:  # a crash of one test is one failure
            check(False, "%s raised %s: %s" % (t.__name__,
                                              type(e).__name__, e))
    print("1..%d" % len(results))
    return 0 if all(results) else 1


def tests_of(namespace):
    """The test_* functions of a module's globals, in definition order."""
    return [v for k, v in list(namespace.items())
            if k.startswith("test_") and callable(v)]
