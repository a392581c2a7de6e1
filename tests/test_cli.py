#!/usr/bin/env python3
"""TAP tests of the `mikrolan` command: usage: test_cli.py PATH-TO-mikrolan.

Runs the binary and checks its outputs, exit statuses and messages. Standard
library only. The golden schedules are computed here, independently of the
code under test, with fractions (exact) and datetime (dates), from the
formulas of include/mikrolan/schedule.h; the anchor loan's figures were also
checked by hand: 250,000 SEK at 8.5 % over 36 months from 2026-01-15 has the
installment 7,891.88 (P*r/(1-(1+r)^-36), r = 0.085/12 = 0.0070833...),
first interest 250000 * r = 1770.833 -> 1770.83, so principal 6121.05.
"""

import datetime
import json
import os
import re
import subprocess
import sys
from fractions import Fraction

MIKROLAN = sys.argv[1]
ANCHOR = ["--principal", "250000", "--rate", "8.5", "--term", "36",
          "--disbursed", "2026-01-15"]
CSV_HEADER = "n,due_date,principal,interest,fees,total,balance"

from tap import check, results, run_tests, tests_of  # noqa: E402


def run(args, stdout=subprocess.PIPE):
    """Runs mikrolan with args; (exit status, stdout, stderr)."""
    p = subprocess.run([MIKROLAN] + args, stdout=stdout,
                       stderr=subprocess.PIPE)
    out = p.stdout.decode() if p.stdout is not None else ""
    return p.returncode, out, p.stderr.decode()


def schedule(*extra):
    return run(["schedule"] + ANCHOR + list(extra))


# ---- independent golden schedule ---------------------------------------

def round_half_even(x):
    """Fraction -> nearest integer, ties to even (Python's round is exact
    and half-even on Fractions)."""
    return round(x)


def add_months(d, months):
    """d + months, the day clamped to the end of the target month."""
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(d.day, last))


def cents(minor):
    """Minor units -> "1234.56" (two decimals)."""
    sign = "-" if minor < 0 else ""
    q, r = divmod(abs(minor), 100)
    return "%s%d.%02d" % (sign, q, r)


def annuity_rows(principal, percent, n, disbursed):
    """Rows (n, due, principal, interest, fees, total, balance) of a monthly
    per-period annuity, minor units, half-even: the schedule.h formulas."""
    r = Fraction(percent) / 100 / 12
    if r == 0:
        a = round_half_even(Fraction(principal, n))
    else:
        a = round_half_even(principal * r / (1 - (1 + r) ** -n))
    rows, balance = [], principal
    for k in range(1, n + 1):
        interest = round_half_even(balance * r)
        part = balance if k == n else min(max(a - interest, 0), balance)
        balance -= part
        rows.append((k, add_months(disbursed, k).isoformat(), part, interest,
                     0, part + interest, balance))
    return rows


def csv_line(row):
    return "%d,%s,%s,%s,%s,%s,%s" % (row[0], row[1], *map(cents, row[2:]))


GOLDEN = annuity_rows(25000000, "8.5", 36, datetime.date(2026, 1, 15))

# ---- the anchor in the three formats -----------------------------------


def test_anchor_golden_itself():
    # The brief's figures, to make sure the oracle above is the right one.
    check(csv_line(GOLDEN[0]) ==
          "1,2026-02-15,6121.05,1770.83,0.00,7891.88,243878.95" and
          csv_line(GOLDEN[-1]) ==
          "36,2029-01-15,7836.55,55.51,0.00,7892.06,0.00",
          "independent anchor schedule has the published rows",
          "%s\n%s" % (csv_line(GOLDEN[0]), csv_line(GOLDEN[-1])))


def test_anchor_csv():
    status, out, err = schedule("--format", "csv")
    want = "\n".join([CSV_HEADER] + [csv_line(r) for r in GOLDEN]) + "\n"
    check(status == 0 and err == "" and out == want,
          "anchor as CSV: header and all 36 rows exact",
          "status %d, stderr %r\n%s" % (status, err, out))


def test_anchor_json():
    status, out, err = schedule("--format", "json")
    try:
        doc = json.loads(out)
    except ValueError as e:
        check(False, "anchor as JSON parses", "%s\n%s" % (e, out))
        return
    check(status == 0 and err == "", "anchor as JSON: exit 0, no stderr")
    want_rows = [{"n": r[0], "due_date": r[1], "principal": cents(r[2]),
                  "interest": cents(r[3]), "fees": cents(r[4]),
                  "total": cents(r[5]), "balance": cents(r[6])}
                 for r in GOLDEN]
    check(doc.get("rows") == want_rows, "anchor as JSON: every row exact",
          json.dumps(doc.get("rows", [])[:2]))
    sums = [sum(r[i] for r in GOLDEN) for i in (2, 3, 4, 5)]
    want_totals = dict(zip(["principal", "interest", "fees", "total"],
                           map(cents, sums)))
    check(doc.get("totals") == want_totals, "anchor as JSON: totals",
          "%r != %r" % (doc.get("totals"), want_totals))
    want_terms = {
        "principal": "250000.00", "rate": "8.5", "term": 36,
        "frequency": "monthly", "method": "annuity",
        "interest": "per-period", "disbursed": "2026-01-15",
        "first-due": None, "grace-principal": 0, "grace-interest": 0,
        "interest-free": 0, "rounding": "half-even",
        "installment-multiple": "0.01", "upfront-fee": "0.00",
        "installment-fee": "0.00", "calendar": "none",
        "business-day": "unadjusted", "adjusted-interest-periods": False,
        "max-principal": "250000.00", "currency": "SEK"}
    check(doc.get("terms") == want_terms,
          "anchor as JSON: terms keyed as the flags, with the defaults",
          json.dumps(doc.get("terms"), indent=1))
    check(set(doc) == {"terms", "rows", "totals"},
          "JSON has exactly terms, rows and totals", sorted(doc))


def sv(minor):
    """Minor units -> Swedish style "1 234,56" (independent of the code)."""
    q, r = divmod(minor, 100)
    return "{:,}".format(q).replace(",", " ") + ",%02d" % r


def test_anchor_table():
    status, out, err = schedule()
    lines = out.split("\n")
    check(status == 0 and err == "" and out.endswith("\n"),
          "anchor as table: exit 0, no stderr", err)
    summary = lines[0]
    check(all(s in summary for s in ("250 000,00", "SEK", "8,5 %", "36",
                                      "monthly", "annuity")),
          "table summary names principal, rate, term, method, currency",
          summary)
    table = [l for l in lines[1:] if l and not set(l) <= {"-"}]
    cells = [re.split(r"\s{2,}", l.strip()) for l in table]
    check(cells[0] == ["n", "due date", "principal", "interest", "fees",
                       "total", "balance"], "table header", table[0])
    want = [[str(r[0]), r[1]] + [sv(x) for x in r[2:]] for r in GOLDEN]
    check(cells[1:37] == want, "table rows in Swedish style, exact",
          "\n".join(table[1:3]))
    sums = [sum(r[i] for r in GOLDEN) for i in (2, 3, 4, 5)]
    check(cells[37] == ["total"] + [sv(x) for x in sums],
          "table totals row", table[37] if len(table) > 37 else out)
    # Right-aligned amounts: each amount column ends at the same offset on
    # the header, every row and the totals line.
    header = table[0]
    for name in ("principal", "interest", "fees", "total"):
        end = header.index(name) + len(name)
        ok = all(l[end - 1] != " " and (len(l) == end or l[end] == " ")
                 for l in table)
        check(ok, "table column %s is right-aligned" % name)
    check(len({len(l) for l in table[:37]}) == 1,
          "table header and rows have one width (balance right-aligned)")
    check(all(l == l.rstrip() for l in lines), "table has no trailing space")


# ---- other terms through the command -----------------------------------


def csv_rows(args):
    status, out, err = run(["schedule"] + args + ["--format", "csv"])
    return status, err, out.splitlines()[1:]


def test_equals_form_and_order():
    a = schedule("--format", "csv")
    b = run(["schedule", "--format=csv", "--disbursed=2026-01-15",
             "--term=36", "--rate=8.5", "--principal=250000"])
    check(a == b and a[0] == 0,
          "--flag=VALUE in any order gives the same output")


def test_currency_read_first():
    status, out, err = run(["schedule", "--principal", "5000", "--rate", "0",
                            "--term", "2", "--disbursed", "2026-01-15",
                            "--format", "json", "--currency", "jpy"])
    doc = json.loads(out) if status == 0 else {}
    check(status == 0 and doc["terms"]["principal"] == "5000" and
          doc["terms"]["currency"] == "JPY" and
          doc["terms"]["max-principal"] == "250000" and
          [r["principal"] for r in doc["rows"]] == ["2500", "2500"],
          "--currency after the amounts: amounts read in it (JPY, 0 "
          "decimals), default limit 250000 JPY", err or out)


def test_zero_rate_and_remainder():
    # 1000.00 / 3 = 333.333... -> 333.33 twice, the last row 333.34.
    status, err, rows = csv_rows(["--principal", "1000", "--rate", "0",
                                  "--term", "3", "--disbursed", "2026-01-31"])
    check(status == 0 and rows == [
        "1,2026-02-28,333.33,0.00,0.00,333.33,666.67",
        "2,2026-03-31,333.33,0.00,0.00,333.33,333.34",
        "3,2026-04-30,333.34,0.00,0.00,333.34,0.00"],
        "rate 0, month-end clamp from 31 Jan, last row takes the rest",
        err + "\n".join(rows))


def test_fees():
    # 2 % of 250,000 = 5,000.00 as row 0 on the disbursement date; the
    # installment fee 25.00 is added to every row's fees and total.
    status, err, rows = csv_rows(ANCHOR + ["--upfront-fee", "2%",
                                           "--installment-fee", "25"])
    check(status == 0 and
          rows[0] == "0,2026-01-15,0.00,0.00,5000.00,5000.00,250000.00" and
          rows[1] == "1,2026-02-15,6121.05,1770.83,25.00,7916.88,243878.95",
          "--upfront-fee 2% is row 0, --installment-fee in every row",
          err + "\n".join(rows[:2]))
    status, err, rows = csv_rows(ANCHOR + ["--upfront-fee", "1 500,50"])
    check(status == 0 and
          rows[0] == "0,2026-01-15,0.00,0.00,1500.50,1500.50,250000.00",
          "--upfront-fee as an amount", err + "\n".join(rows[:1]))


def test_equal_principal_biweekly():
    # 1200.00 over 3 biweekly periods: 400.00 principal each; interest at
    # 26 % per year is 26/52*2 = 1 % per period: 12.00, 8.00, 4.00.
    status, err, rows = csv_rows(["--principal", "1200", "--rate", "26",
                                  "--term", "3", "--disbursed", "2026-01-15",
                                  "--frequency", "biweekly",
                                  "--method", "equal-principal"])
    check(status == 0 and rows == [
        "1,2026-01-29,400.00,12.00,0.00,412.00,800.00",
        "2,2026-02-12,400.00,8.00,0.00,408.00,400.00",
        "3,2026-02-26,400.00,4.00,0.00,404.00,0.00"],
        "equal-principal, biweekly dates and rate", err + "\n".join(rows))


def test_calendar_following():
    # Due 2026-04-03 is Good Friday (Easter Sunday 2026-04-05), then come
    # Saturday, Sunday and Easter Monday: the next Swedish bank day is
    # Tuesday 2026-04-07. Zero rate keeps the amounts trivial.
    args = ["--principal", "100", "--rate", "0", "--term", "1",
            "--disbursed", "2026-03-03", "--calendar", "se"]
    _, _, plain = csv_rows(args)
    status, err, moved = csv_rows(args + ["--business-day", "following"])
    check(plain == ["1,2026-04-03,100.00,0.00,0.00,100.00,0.00"] and
          status == 0 and
          moved == ["1,2026-04-07,100.00,0.00,0.00,100.00,0.00"],
          "--calendar se --business-day following moves past Easter",
          err + "\n".join(plain + moved))


def test_limits_accepted():
    status, _, rows = csv_rows(["--principal", "250000.00", "--rate", "0",
                                "--term", "600", "--disbursed", "2026-01-15"])
    check(status == 0 and len(rows) == 600,
          "principal exactly 250000 and term exactly 600 are accepted")
    status, _, rows = csv_rows(["--principal", "300000", "--rate", "0",
                                "--term", "1", "--disbursed", "2026-01-15",
                                "--max-principal", "300000"])
    check(status == 0 and rows[0].startswith("1,2026-02-15,300000.00,"),
          "--max-principal raises the limit")


# ---- help, version, usage ----------------------------------------------

SCHEDULE_FLAGS = [
    "--principal", "--rate", "--term", "--frequency", "--method",
    "--interest", "--disbursed", "--first-due", "--grace-principal",
    "--grace-interest", "--interest-free", "--rounding",
    "--installment-multiple", "--upfront-fee", "--installment-fee",
    "--calendar", "--business-day", "--adjusted-interest-periods",
    "--max-principal", "--currency", "--format", "--help"]
SCHEDULE_VALUES = [
    "weekly", "biweekly", "monthly", "quarterly", "semiannual", "annual",
    "Nd", "Nw", "Nm", "annuity", "equal-principal", "flat", "bullet",
    "per-period", "act365", "act360", "actact", "30360", "30e360",
    "30e360isda", "half-even", "half-up", "half-down", "up", "down",
    "ceiling", "floor", "none", "weekends", "se", "unadjusted", "following",
    "modified-following", "preceding", "modified-preceding", "csv", "json",
    "table", "SEK", "P%"]
SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS",
            "EXAMPLES"]


def test_help():
    for args in (["schedule", "--help"], ["schedule", "-h"],
                 ["schedule"] + ANCHOR + ["--help"]):
        status, out, err = run(args)
        missing = [w for w in SECTIONS + SCHEDULE_FLAGS + SCHEDULE_VALUES
                   if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(w),
                                    out)]
        check(status == 0 and err == "" and not missing,
              "%s: every section, flag and value" % " ".join(args[-2:]),
              "missing: %s" % missing)
    status, out, _ = run(["schedule", "--help"])
    defaults = ["Default: monthly", "Default: annuity", "Default: per-period",
                "Default: half-even", "Default: none", "Default: unadjusted",
                "Default: 250000", "Default: SEK", "Default: table",
                "(required)"]
    check(all(d in out for d in defaults), "schedule help states defaults",
          [d for d in defaults if d not in out])
    check(max(map(len, out.splitlines())) <= 80, "help lines fit 80 columns")
    for args in (["--help"], ["-h"]):
        status, out, err = run(args)
        check(status == 0 and err == "" and
              all(s in out for s in SECTIONS + ["schedule", "--version"]),
              "mikrolan %s: manual with its sections and commands" % args[0])


def test_version():
    status, out, err = run(["--version"])
    check(status == 0 and err == "" and
          re.fullmatch(r"mikrolan \d+\.\d+\.\d+\n", out),
          "mikrolan --version", out + err)


def test_usage_errors():
    status, out, err = run([])
    check(status == 2 and out == "" and err.startswith("usage: mikrolan"),
          "no arguments: usage on stderr, exit 2", err)
    cases = [
        (["frobnicate"], "mikrolan: frobnicate: unknown command; the "
         "commands are: schedule, apr, status, par, generate (see mikrolan "
         "--help)"),
        ([""], "mikrolan: \"\": unknown command; the commands are: "
         "schedule, apr, status, par, generate (see mikrolan --help)"),
        (["--frobnicate"], "mikrolan: --frobnicate: unknown option; see "
         "mikrolan --help"),
        (["--version", "x"], "mikrolan: --version: takes no arguments after "
         "it"),
    ]
    for args, line in cases:
        status, out, err = run(args)
        check(status == 2 and out == "" and err == line + "\n",
              "mikrolan %s: exit 2, one line" % " ".join(args),
              "status %d\n%s" % (status, err))


# ---- every rejected input ----------------------------------------------

P = "mikrolan schedule: "


def without(flag):
    i = ANCHOR.index(flag)
    return ANCHOR[:i] + ANCHOR[i + 2:]


def replaced(flag, value):
    i = ANCHOR.index(flag)
    return ANCHOR[:i + 1] + [value] + ANCHOR[i + 2:]


REJECTED = [
    # amounts
    (replaced("--principal", "abc"), "--principal: amount \"abc\": "
     "unexpected 'a' at column 1; expected a digit"),
    (replaced("--principal", "12.345"), "--principal: amount \"12.345\" has "
     "too many decimals: SEK has 2 and amounts are never rounded; expected "
     "at most 2"),
    (replaced("--principal", "250000.01"), "--principal: 250000.01 SEK is "
     "above the limit of 250000.00 SEK (see --max-principal)"),
    (replaced("--principal", "0"), "--principal: must be greater than 0"),
    (replaced("--principal", "-5"), "--principal: must be greater than 0"),
    (replaced("--principal", ""), "--principal: amount \"\" is empty; "
     "expected a number such as \"1234.50\""),
    (replaced("--principal", "5\n000"), "--principal: amount \"5\\x0a000\": "
     "unexpected byte 0x0A at column 2; expected a digit, a group separator "
     "or a decimal mark ('.' or ',')"),
    (replaced("--principal", "5000.5") + ["--currency", "JPY"],
     "--principal: amount \"5000.5\" has too many decimals: JPY has 0 and "
     "amounts are never rounded; expected at most 0"),
    (ANCHOR + ["--max-principal", "0"], "--max-principal: 0.00 SEK is "
     "outside the range 0.01 to 10000000000000.00 SEK"),
    (ANCHOR + ["--max-principal", "10000000000000.01"], "--max-principal: "
     "10000000000000.01 SEK is outside the range 0.01 to "
     "10000000000000.00 SEK"),
    (ANCHOR + ["--installment-multiple", "0"], "--installment-multiple: "
     "must be greater than 0"),
    (ANCHOR + ["--installment-fee", "-1"], "--installment-fee: must not be "
     "negative"),
    (ANCHOR + ["--upfront-fee", "250000.01"], "--upfront-fee: 250000.01 SEK "
     "is above the limit of 250000.00 SEK (see --max-principal)"),
    (ANCHOR + ["--upfront-fee", "100.5%"], "--upfront-fee: a percent fee "
     "must be from 0 % to 100 %"),
    (ANCHOR + ["--upfront-fee", "x%"], "--upfront-fee: rate \"x%\": "
     "unexpected 'x' at column 1; expected a percentage such as \"8.5\", "
     "\"8,5 %\" or \"8.5%\""),
    # rate
    (replaced("--rate", "x"), "--rate: rate \"x\": unexpected 'x' at column "
     "1; expected a percentage such as \"8.5\", \"8,5 %\" or \"8.5%\""),
    (replaced("--rate", "-1"), "--rate: rate \"-1\": a sign ('-') is not "
     "allowed at column 1; expected a percentage such as \"8.5\", \"8,5 %\" "
     "or \"8.5%\""),
    (replaced("--rate", "1001"), "--rate: rate \"1001\": above the largest "
     "rate; expected at most 1000 %"),
    # counts
    (replaced("--term", "0"), "--term: must be at least 1 installment"),
    (replaced("--term", "601"), "--term: 601 installments is above the "
     "limit of 600"),
    (replaced("--term", "036"), "--term: \"036\" is not a whole number; "
     "expected digits only, such as 12 (no sign, spaces or leading zeros)"),
    (replaced("--term", "+36"), "--term: \"+36\" is not a whole number; "
     "expected digits only, such as 12 (no sign, spaces or leading zeros)"),
    (replaced("--term", "3x"), "--term: \"3x\" is not a whole number; "
     "expected digits only, such as 12 (no sign, spaces or leading zeros)"),
    (replaced("--term", "2147483648"), "--term: \"2147483648\" is above "
     "2147483647, the largest count; see --help for the option's range"),
    (replaced("--term", "600") + ["--frequency", "annual"], "--term: the "
     "last due date falls after 2200-12-31"),
    (ANCHOR + ["--grace-principal", "36"], "--grace-principal: 36 must be "
     "from 0 to 35 (below the term)"),
    (ANCHOR + ["--grace-interest", "36"], "--grace-interest: 36 must be "
     "from 0 to 35 (below the term)"),
    (ANCHOR + ["--interest-free", "37"], "--interest-free: 37 must be from "
     "0 to 36 (at most the term)"),
    (ANCHOR + ["--grace-principal", "-1"], "--grace-principal: \"-1\" is "
     "not a whole number; expected digits only, such as 12 (no sign, spaces "
     "or leading zeros)"),
    # dates
    (replaced("--disbursed", "2026-02-30"), "--disbursed: date "
     "\"2026-02-30\" is not a supported date: day 30 does not exist in "
     "2026-02, which has 28 days"),
    (replaced("--disbursed", "2026-1-5"), "--disbursed: date \"2026-1-5\" "
     "is not in the form YYYY-MM-DD: expected a digit at column 7, found "
     "'-'"),
    (ANCHOR + ["--first-due", "2026-01-10"], "--first-due: must be after the "
     "disbursement date and at most 2200-12-31"),
    (ANCHOR + ["--first-due", "2026-01-15"], "--first-due: must be after the "
     "disbursement date and at most 2200-12-31"),
    # names
    (ANCHOR + ["--frequency", "fortnightly"], "--frequency: unknown "
     "frequency \"fortnightly\": expected weekly, biweekly, monthly, "
     "quarterly, semiannual, annual, or Nd, Nw, Nm with N from 1 to 366"),
    (ANCHOR + ["--method", "balloon"], "--method: unknown method "
     "\"balloon\": expected one of annuity, equal-principal, flat, bullet"),
    (ANCHOR + ["--interest", "act/365"], "--interest: unknown interest basis "
     "\"act/365\": expected one of per-period, act365, act360, actact, "
     "30360, 30e360, 30e360isda"),
    (ANCHOR + ["--rounding", "nearest"], "--rounding: unknown rounding mode "
     "\"nearest\": expected one of half-even, half-up, half-down, up, "
     "down, ceiling, floor"),
    (ANCHOR + ["--calendar", "us"], "--calendar: unknown calendar \"us\": "
     "expected one of none, weekends, se"),
    (ANCHOR + ["--business-day", "next"], "--business-day: unknown "
     "business-day convention \"next\": expected one of unadjusted, "
     "following, modified-following, preceding, modified-preceding"),
    (ANCHOR + ["--format", "xml"], "--format: unknown value \"xml\": "
     "expected one of csv, json, table"),
    # a quote cut at 40 bytes keeps whole characters: 13 euro signs (39
    # bytes), not 13 and a third
    (ANCHOR + ["--format", "\u20ac" * 14], "--format: unknown value \"" +
     "\u20ac" * 13 + "...\": expected one of csv, json, table"),
    (ANCHOR + ["--currency", "XYZ"], "--currency: unknown currency \"XYZ\": "
     "expected one of SEK, EUR, USD, NOK, DKK, GBP, CHF, ISK, JPY"),
    # syntax
    (without("--principal"), "--principal: required option is missing; see "
     "--help"),
    (without("--rate"), "--rate: required option is missing; see --help"),
    (without("--term"), "--term: required option is missing; see --help"),
    (without("--disbursed"), "--disbursed: required option is missing; see "
     "--help"),
    (ANCHOR + ["--bogus", "1"], "--bogus: unknown option; see --help for "
     "the options"),
    (ANCHOR + ["--bogus=1"], "--bogus: unknown option; see --help for the "
     "options"),
    (ANCHOR + ["-p"], "unexpected argument \"-p\": every input is an option, "
     "such as --principal; see --help"),
    (ANCHOR + ["extra"], "unexpected argument \"extra\": every input is an "
     "option, such as --principal; see --help"),
    (ANCHOR + ["--term", "12"], "--term: given more than once; give it once"),
    (ANCHOR + ["--adjusted-interest-periods", "--adjusted-interest-periods"],
     "--adjusted-interest-periods: given more than once; give it once"),
    (ANCHOR + ["--adjusted-interest-periods=yes"],
     "--adjusted-interest-periods: takes no value, but got \"=yes\""),
    (ANCHOR + ["--help=yes"], "--help: takes no value, but got \"=yes\""),
    (ANCHOR + ["--format"], "--format: missing value"),
    (["--principal", "--rate", "8.5", "--term", "36", "--disbursed",
      "2026-01-15"], "--principal: missing value"),
    (ANCHOR + ["--term="], "--term: given more than once; give it once"),
    (without("--term") + ["--term="], "--term: \"\" is not a whole number; "
     "expected digits only, such as 12 (no sign, spaces or leading zeros)"),
]


def test_rejected():
    for args, line in REJECTED:
        status, out, err = run(["schedule"] + args)
        check(status == 2 and out == "" and err == P + line + "\n",
              "rejected: %s" % line.split(":")[0],
              "args %r\nstatus %d\nstdout %r\nstderr %r\nwant   %r" %
              (args, status, out[:200], err, P + line + "\n"))


# ---- write failures ----------------------------------------------------


def test_write_failures():
    if not os.path.exists("/dev/full"):
        print("ok %d # SKIP no /dev/full" % (len(results) + 1))
        results.append(True)
        return
    for extra in ([], ["--format", "csv"], ["--format", "json"], ["--help"]):
        with open("/dev/full", "w") as full:
            status, _, err = run(["schedule"] + ANCHOR + extra, stdout=full)
        check(status == 1 and err == P + "cannot write the output: No space "
              "left on device\n", "> /dev/full %s: exit 1, one line" %
              " ".join(extra), "status %d, stderr %r" % (status, err))
    with open("/dev/full", "w") as full:
        status, _, err = run(["--version"], stdout=full)
    check(status == 1 and err.startswith("mikrolan: cannot write the output"),
          "mikrolan --version > /dev/full: exit 1", err)
    p = subprocess.run([MIKROLAN, "schedule"] + ANCHOR,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       preexec_fn=lambda: os.close(1))
    check(p.returncode == 1 and p.stderr.decode().startswith(
        P + "cannot write the output: "), "closed stdout: exit 1",
        p.stderr.decode())


def main():
    status = run_tests(tests_of(globals()))
    return status


if __name__ == "__main__":
    sys.exit(main())
