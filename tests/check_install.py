#!/usr/bin/env python3
"""Installs the build into a temporary directory and builds a five-line
program against it with pkg-config, then runs it (issue 2's "done when").

Usage: check_install.py BUILD_DIR. Prints TAP."""
import os
import subprocess
import sys
import tempfile

PROGRAM = """#include <mikrolan.h>
#include <stdio.h>
int main(void) {
  ml_amount a; ml_status s = ml_amount_parse(&a, "1 234,50", ml_currency_default(), NULL, NULL);
  printf("%s %lld\\n", ml_version_string(), (long long)a); return s == ML_OK ? 0 : 1; }
"""


def main():
    build = sys.argv[1]
    print("1..3")
    with tempfile.TemporaryDirectory() as dest:
        inst = subprocess.run(["meson", "install", "-C", build, "--destdir", dest,
                               "--no-rebuild", "--quiet"],
                              capture_output=True, text=True)
        ok = inst.returncode == 0
        print(("ok" if ok else "not ok") + " 1 - meson install --destdir")
        if not ok:
            print("# " + inst.stderr.replace("\n", "\n# "))
            return 1
        pcdirs = [os.path.join(root) for root, _, files in os.walk(dest)
                  if "mikrolan.pc" in files]
        env = dict(os.environ, PKG_CONFIG_PATH=":".join(pcdirs),
                   PKG_CONFIG_SYSROOT_DIR=dest)
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "mikrolan"],
                               capture_output=True, text=True, env=env)
        src = os.path.join(dest, "five.c")
        exe = os.path.join(dest, "five")
        open(src, "w").write(PROGRAM)
        cc = subprocess.run(["cc", src, "-o", exe, *flags.stdout.split(),
                             "-Wl,-rpath," + " ".join(
                                 f[2:] for f in flags.stdout.split()
                                 if f.startswith("-L"))],
                            capture_output=True, text=True, env=env)
        ok = flags.returncode == 0 and cc.returncode == 0
        print(("ok" if ok else "not ok") +
              " 2 - a five-line program builds with pkg-config --cflags --libs")
        if not ok:
            print("# " + (flags.stderr + cc.stderr).replace("\n", "\n# "))
            return 1
        run = subprocess.run([exe], capture_output=True, text=True)
        ok = run.returncode == 0 and run.stdout.endswith(" 123450\n")
        print(("ok" if ok else "not ok") + " 3 - it runs against the installed "
              f"library: {run.stdout.strip()!r}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
