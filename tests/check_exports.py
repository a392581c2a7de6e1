#!/usr/bin/env python3
"""Checks that a shared library exports only ml_* symbols (DESIGN.md), and,
given the include directory, exactly the functions the public headers
declare with ML_API (a declared function the library lacks would fail only
when a program calls it; an exported function no header declares is an
unintended export).

Usage: check_exports.py LIBRARY [INCLUDE_DIR [STATIC_LIBRARY]]. Reads the
dynamic symbol table with `nm -D --defined-only` and prints a TAP line per
check. Given the static library too, checks that its global symbols are
ml_* as well: the archive has no export list, so an internal function's
name is visible to the program it is linked into, and a program's own
function of the same name would take its place."""
import glob
import os
import re
import subprocess
import sys


def declared(include_dir):
    """The names of the functions declared ML_API in include_dir/mikrolan."""
    names = set()
    for path in glob.glob(os.path.join(include_dir, "mikrolan", "*.h")):
        with open(path) as f:
            text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
        text = re.sub(r"#\s*define[^\n]*(\\\n[^\n]*)*", " ", text)
        names |= set(re.findall(r"\bML_API\b[^;(]*?\b(ml_\w+)\s*\(", text))
    return names


lib = sys.argv[1]
out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                     capture_output=True, text=True).stdout
names = [line.split()[-1] for line in out.splitlines() if line.strip()]
# The linker adds no other defined symbols on ELF; anything else is a leak.
bad = [n for n in names if not n.startswith("ml_")]
checks = [
    (not bad, "only ml_* exported"
     + ("" if not bad else " (also: " + ", ".join(sorted(bad)) + ")")),
    ("ml_version_string" in names, "ml_version_string is exported"),
]
if len(sys.argv) > 2:
    want = declared(sys.argv[2])
    missing = sorted(want - set(names))
    extra = sorted(set(names) - want)
    checks.append((want and not missing,
                   f"every ML_API function of the headers ({len(want)}) is "
                   "exported" + (f" (missing: {', '.join(missing)})"
                                 if missing else "")))
    checks.append((not extra, "every export is declared ML_API in a header"
                   + (f" (undeclared: {', '.join(extra)})" if extra else "")))
if len(sys.argv) > 3:
    out = subprocess.run(["nm", "-g", "--defined-only", sys.argv[3]],
                         check=True, capture_output=True, text=True).stdout
    # "name.o:" headers and blank lines aside; "__" names are the
    # compiler's and sanitizers' own (reserved to the implementation)
    glob_names = {line.split()[-1] for line in out.splitlines()
                  if len(line.split()) == 3}
    bad = sorted(n for n in glob_names
                 if not n.startswith("ml_") and not n.startswith("__"))
    checks.append((glob_names and not bad,
                   "the static library's global symbols are ml_*"
                   + (f" (also: {', '.join(bad)})" if bad else "")))
print(f"1..{len(checks)}")
for i, (ok, what) in enumerate(checks, 1):
    print(("ok" if ok else "not ok") + f" {i} - {what}")
sys.exit(0 if all(ok for ok, _ in checks) else 1)
