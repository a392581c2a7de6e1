#!/usr/bin/env python3
"""Checks that each public header compiles alone, as C99, C11, C17 and
C++17, with -Wall -Wextra -Wpedantic -Werror (DESIGN.md: public headers
compile as C99 and C++ and include only the C standard library).

Usage: check_headers.py INCLUDE_DIR C_COMPILER...

Each header is included twice (its include guard must hold) into a
translation unit of its own, compiled with -fsyntax-only against
INCLUDE_DIR only. The C++ compiler is the C compiler's sibling (clang ->
clang++, gcc or cc -> g++, else c++ or clang++); without one the C++
cases are skipped. A second check: the headers name no header outside the C
standard library and mikrolan/ itself. Prints TAP."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

STANDARDS = [("c", "c99"), ("c", "c11"), ("c", "c17"), ("c++", "c++17")]
FLAGS = ["-Wall", "-Wextra", "-Wpedantic", "-Werror", "-fsyntax-only"]
C_HEADERS = {"assert.h", "complex.h", "ctype.h", "errno.h", "fenv.h",
             "float.h", "inttypes.h", "iso646.h", "limits.h", "locale.h",
             "math.h", "setjmp.h", "signal.h", "stdalign.h", "stdarg.h",
             "stdbool.h", "stddef.h", "stdint.h", "stdio.h", "stdlib.h",
             "string.h", "time.h", "wchar.h", "wctype.h"}


def cxx_for(cc):
    name = os.path.basename(cc)
    if "clang" in name:
        candidates = [name.replace("clang", "clang++", 1), "clang++"]
    else:
        candidates = ["g++", "c++", "clang++"]
    for c in candidates:
        found = shutil.which(c)
        if found:
            return [found]
    return None


def headers(include_dir):
    found = ["mikrolan.h"]
    sub = os.path.join(include_dir, "mikrolan")
    found += sorted("mikrolan/" + f for f in os.listdir(sub)
                    if f.endswith(".h"))
    return found


def main():
    include_dir = sys.argv[1]
    cc = sys.argv[2:]
    cxx = cxx_for(cc[0])
    names = headers(include_dir)
    cases = [(h, lang, std) for h in names for lang, std in STANDARDS]
    print(f"1..{len(cases) + 1}")
    failed = 0
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        for header, lang, std in cases:
            n += 1
            what = f"{header} alone as {std}"
            compiler = cc if lang == "c" else cxx
            if compiler is None:
                print(f"ok {n} - {what} # SKIP no C++ compiler")
                continue
            src = os.path.join(tmp, "tu." + ("c" if lang == "c" else "cpp"))
            with open(src, "w") as f:
                f.write(f'#include "{header}"\n#include "{header}"\n'
                        "typedef int translation_unit_is_not_empty;\n")
            run = subprocess.run(
                [*compiler, "-x", lang, f"-std={std}", *FLAGS,
                 "-I", include_dir, src],
                capture_output=True, text=True)
            if run.returncode == 0:
                print(f"ok {n} - {what}")
            else:
                failed += 1
                print(f"not ok {n} - {what}")
                print("# " + run.stderr.strip().replace("\n", "\n# "))
    n += 1
    bad = []
    for header in names:
        with open(os.path.join(include_dir, header)) as f:
            for line in f:
                m = re.match(r'\s*#\s*include\s*[<"]([^>"]+)[>"]', line)
                if not m:
                    continue
                inc = m.group(1)
                local = os.path.normpath(
                    os.path.join(os.path.dirname(header), inc))
                if inc not in C_HEADERS and local not in names:
                    bad.append(f"{header}: {inc}")
    if bad:
        failed += 1
        print(f"not ok {n} - headers include only the C standard library "
              f"and mikrolan/ ({', '.join(bad)})")
    else:
        print(f"ok {n} - headers include only the C standard library and "
              "mikrolan/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
