#!/usr/bin/env python3
"""TAP test of every bad input in a table: usage:
test_bad_input.py PATH-TO-mikrolan PATH-TO-bad_input.md [README.md]

The table (tests/fixtures/bad_input.md, copied into README.md) has one row
per kind of bad input: | # | command | what is wrong | `command line` |
exit | `standard error` |. Each command line is run as written, in a
temporary copy of the directory that holds the table (so `bad_input/...`
names the fixture files and nothing is written into the source tree), with
`mikrolan` replaced by the binary. A trailing `> /dev/full` sends standard
output to /dev/full; `< FILE` feeds FILE to standard input. The test checks
the exit status, that standard output is empty (when it is not redirected)
and that standard error is exactly the one line of the table. A raw byte
that a message copies from the input is written \\xNN in the table
(standard error is decoded as UTF-8 with backslash escapes).

The good inputs the bad files are made from are run first and must be
accepted. bad_input/unreadable.csv is made here with mode 000; its rows
are skipped when the file can be read anyway (as root). /dev/full rows are
skipped where there is no /dev/full. When README.md is given and holds
the marker line below, the table under it must be the same rows as the
fixture's.
Standard library only.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

MIKROLAN = os.path.abspath(sys.argv[1])
TABLE = os.path.abspath(sys.argv[2])
README = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
README_MARKER = "<!-- bad-input table: tests/fixtures/bad_input.md -->"
FIXTURES = "bad_input"
UNREADABLE = os.path.join(FIXTURES, "unreadable.csv")

results = []


def report(ok, description, diagnostic="", directive=""):
    """One TAP line; the diagnostic under a failure."""
    results.append(bool(ok))
    line = "%s %d - %s" % ("ok" if ok else "not ok", len(results),
                           description)
    print(line + (" # " + directive if directive else ""))
    if not ok and diagnostic:
        for text in str(diagnostic).splitlines():
            print("#", text)
    sys.stdout.flush()


def skip(description, reason):
    results.append(True)
    print("ok %d - %s # SKIP %s" % (len(results), description, reason))


# ---- reading the table ---------------------------------------------------

def split_cells(line):
    """The cells of a markdown table row ('\\|' is a '|' inside a cell)."""
    cells, current, i = [], "", 0
    body = line.strip()
    assert body.startswith("|") and body.endswith("|"), line
    body = body[1:-1]
    while i < len(body):
        if body[i] == "\\" and body[i + 1:i + 2] == "|":
            current += "|"
            i += 2
            continue
        if body[i] == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += body[i]
        i += 1
    cells.append(current.strip())
    return cells


def code(cell):
    """The text of a cell that is one code span."""
    m = re.fullmatch(r"`(.*)`", cell)
    if m is None:
        raise ValueError("expected a `code` cell, got %r" % cell)
    return m.group(1)


def table_rows(path, after=None):
    """The numbered rows of the first table in path (after the line equal
    to `after`, when given), as dicts."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if after is not None:
        if after not in lines:
            return None
        lines = lines[lines.index(after) + 1:]
    rows, started = [], False
    for line in lines:
        if re.match(r"\|\s*\d+\s*\|", line):
            started = True
            number, command, wrong, cmdline, status, stderr = \
                split_cells(line)
            rows.append({"n": int(number), "command": command,
                         "wrong": wrong, "line": code(cmdline),
                         "status": int(status), "stderr": code(stderr),
                         "raw": line.strip()})
        elif started and not line.startswith("|"):
            break
    return rows


# ---- running a row ---------------------------------------------------------

def parse_command_line(text):
    """argv (mikrolan replaced), the file for standard input or None, and
    whether standard output goes to /dev/full."""
    words = shlex.split(text)
    if words[0] != "mikrolan":
        raise ValueError("a command line starts with mikrolan: %r" % text)
    argv, stdin, full = [MIKROLAN], None, False
    i = 1
    while i < len(words):
        if words[i] == ">" and words[i + 1:] == ["/dev/full"]:
            full = True
            i += 2
        elif words[i] == "<":
            stdin = words[i + 1]
            i += 2
        else:
            argv.append(words[i])
            i += 1
    return argv, stdin, full


def run_row(row):
    argv, stdin_path, full = parse_command_line(row["line"])
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    stdout = open("/dev/full", "wb") if full else subprocess.PIPE
    try:
        p = subprocess.run(argv, stdin=stdin, stdout=stdout,
                           stderr=subprocess.PIPE, timeout=60)
    finally:
        if stdin_path:
            stdin.close()
        if full:
            stdout.close()
    out = p.stdout if p.stdout is not None else b""
    err = p.stderr.decode("utf-8", errors="backslashreplace")
    return p.returncode, out, err, full


def check_row(row):
    description = "#%d %s: %s" % (row["n"], row["command"], row["wrong"])
    if UNREADABLE in row["line"] and os.access(UNREADABLE, os.R_OK):
        skip(description, "%s is readable (running as root?)" % UNREADABLE)
        return
    if "/dev/full" in row["line"] and not os.path.exists("/dev/full"):
        skip(description, "no /dev/full")
        return
    status, out, err, full = run_row(row)
    want = row["stderr"] + "\n"
    ok = status == row["status"] and err == want and (full or out == b"")
    report(ok, description,
           "command: %s\nstatus %d (want %d)\nstdout %r\nstderr %r\n"
           "want   %r" % (row["line"], status, row["status"], out[:200],
                          err, want))


# ---- the good inputs -------------------------------------------------------

# The inputs each bad row changes in one place: they must be accepted, so
# that a row fails for its own fault only.
CONTROLS = [
    "mikrolan schedule --principal 250000 --rate 8.5 --term 36 "
    "--disbursed 2026-01-15",
    "mikrolan status --principal 250000 --rate 8.5 --term 36 --disbursed "
    "2026-01-15 --as-of 2026-04-20 --events bad_input/events.csv",
    "mikrolan par --as-of 2026-06-30 --loans bad_input/loans.csv --events "
    "bad_input/par_events.csv --by kommun",
    "mikrolan apr --flows bad_input/flows.csv",
    "mikrolan generate --loans 5 --out bad_input/gen",
]


def check_controls():
    for line in CONTROLS:
        status, out, err, _ = run_row({"line": line})
        report(status == 0 and out != b"" and err == "",
               "control: %s" % line, "status %d\nstderr %r" % (status, err))


# ---- the table itself ------------------------------------------------------

def check_table(rows):
    numbers = [r["n"] for r in rows]
    report(numbers == list(range(1, len(rows) + 1)),
           "the table's rows are numbered 1..%d in order" % len(rows),
           "numbers: %s" % numbers)
    report(all(r["status"] in (1, 2) for r in rows) and
           all(r["stderr"].startswith("mikrolan") for r in rows),
           "every row exits 1 or 2 and names the command on standard error")
    report(len({r["line"] for r in rows}) == len(rows),
           "no command line appears twice")


def check_readme(rows):
    if README is None or not os.path.exists(README):
        skip("README.md holds the same table", "no README.md given")
        return
    copy = table_rows(README, after=README_MARKER)
    if copy is None:
        skip("README.md holds the same table",
             "README.md has no line %s" % README_MARKER)
        return
    mine, theirs = [r["raw"] for r in rows], [r["raw"] for r in copy]
    differ = [i for i in range(max(len(mine), len(theirs)))
              if mine[i:i + 1] != theirs[i:i + 1]]
    report(not differ,
           "README.md holds the same table as %s" % os.path.basename(TABLE),
           "README: %d rows, fixture: %d rows; first difference at row "
           "%d:\nREADME  %s\nfixture %s" %
           (len(theirs), len(mine), differ[0] + 1 if differ else 0,
            theirs[differ[0]] if differ and differ[0] < len(theirs) else "-",
            mine[differ[0]] if differ and differ[0] < len(mine) else "-"))


def main():
    rows = table_rows(TABLE)
    work = tempfile.mkdtemp(prefix="mikrolan-bad-input.")
    try:
        shutil.copytree(os.path.join(os.path.dirname(TABLE), FIXTURES),
                        os.path.join(work, FIXTURES))
        os.chdir(work)
        with open(UNREADABLE, "w") as f:
            f.write("loan_id,date,type,amount,ref\n")
        os.chmod(UNREADABLE, 0)
        check_table(rows)
        check_readme(rows)
        check_controls()
        for row in rows:
            try:
                check_row(row)
            except Exception as e:  # one broken row is one failure
                report(False, "#%d raised %s: %s" % (row["n"],
                                                     type(e).__name__, e))
    finally:
        os.chdir("/")
        os.chmod(os.path.join(work, UNREADABLE), 0o600)
        shutil.rmtree(work, ignore_errors=True)
    print("1..%d" % len(results))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
