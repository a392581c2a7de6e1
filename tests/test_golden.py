#!/usr/bin/env python3
"""Golden schedules: `mikrolan schedule --format csv` against schedules
computed independently with exact fractions (tests/fixtures/
golden_schedules.txt; derivations in golden_schedules.md).

Usage: test_golden.py MIKROLAN FIXTURE. Prints TAP; exits 1 on a mismatch."""
import shlex
import subprocess
import sys


def read_cases(path):
    """Yields (name, flags, expected csv) from the fixture file."""
    name, lines = None, []
    for line in open(path, encoding="utf-8").read().splitlines() + ["== end"]:
        if line.startswith("== "):
            if name is not None:
                yield name, shlex.split(lines[0]), "\n".join(lines[1:]) + "\n"
            name, lines = line[3:], []
        elif name is not None and line and not line.startswith("#"):
            lines.append(line)


def first_difference(got, want):
    for i, (g, w) in enumerate(zip(got.splitlines(), want.splitlines())):
        if g != w:
            return f"line {i + 1}: got {g!r}, want {w!r}"
    return f"got {len(got.splitlines())} lines, want {len(want.splitlines())}"


def main():
    binary, fixture = sys.argv[1], sys.argv[2]
    cases = list(read_cases(fixture))
    print(f"1..{len(cases)}")
    failed = 0
    for i, (name, flags, want) in enumerate(cases, 1):
        run = subprocess.run([binary, "schedule", *flags, "--format", "csv"],
                             capture_output=True, text=True)
        if run.returncode == 0 and run.stdout == want:
            print(f"ok {i} - {name}")
            continue
        failed += 1
        print(f"not ok {i} - {name}")
        print(f"# flags: {' '.join(flags)}")
        print(f"# exit {run.returncode}: {run.stderr.strip()}")
        if run.returncode == 0:
            print(f"# {first_difference(run.stdout, want)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
