#!/usr/bin/env python3
"""Checks that a shared library exports only ml_* symbols (DESIGN.md).

Reads the dynamic symbol table with `nm -D --defined-only` and prints a TAP
line per check."""
import subprocess
import sys

lib = sys.argv[1]
out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                     capture_output=True, text=True).stdout
names = [line.split()[-1] for line in out.splitlines() if line.strip()]
# The linker adds no other defined symbols on ELF; anything else is a leak.
bad = [n for n in names if not n.startswith("ml_")]
print("1..2")
print(("ok" if not bad else "not ok") + " 1 - only ml_* exported"
      + ("" if not bad else " (also: " + ", ".join(sorted(bad)) + ")"))
print(("ok" if "ml_version_string" in names else "not ok")
      + " 2 - ml_version_string is exported")
sys.exit(1 if bad or "ml_version_string" not in names else 0)
