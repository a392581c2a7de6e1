#!/usr/bin/env python3
"""TAP tests of `mikrolan apr`: usage: test_cli_apr.py PATH-TO-mikrolan.

Runs the command as a user would and checks its output, exit statuses and
messages. Standard library only. Where the golden figures come from:
 - Directive 98/7/EC Annex III's worked examples: 1000 lent on 1 January
   1994 and 1200 repaid on 1 July 1995 is 13.0 % (12.96 % to two
   decimals); with 50 retained 16.9 %; 600 + 600 after one and two years
   13.1 %; on the basis of 12 equal months (18 months) 12.92 %.
 - Every other rate is recomputed below by rate(), an independent oracle:
   Python's decimal at 50 digits, 200 bisection steps of the equation
   sum a_i (1+X)^(-t_i) = 0, with the times t_i given by hand, then rounded
   half-up. The 250,000 SEK loan's schedule is rebuilt with fractions from
   the schedule.h formulas (as tests/test_cli.py does).
 - Excel's XIRR documentation example: Excel prints 0.373362535 (its
   iteration is approximate); the exact root rounds to 37.3362534 % at 7
   decimals (the oracle, and tests/test_apr.c).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal, ROUND_HALF_UP, getcontext
from fractions import Fraction

MIKROLAN = sys.argv[1]
P = "mikrolan apr: "
LOAN = ["--principal", "250000", "--rate", "8.5", "--term", "36",
        "--disbursed", "2026-01-15"]
TMP = tempfile.mkdtemp(prefix="test_cli_apr.")

from tap import check, run_tests, tests_of  # noqa: E402


def run(args, stdin=None, stdout=subprocess.PIPE):
    """Runs `mikrolan apr ARGS`; (exit status, stdout, stderr)."""
    p = subprocess.run([MIKROLAN, "apr"] + args, input=stdin, stdout=stdout,
                       stderr=subprocess.PIPE)
    out = p.stdout.decode() if p.stdout is not None else ""
    return p.returncode, out, p.stderr.decode()


def flows_file(name, content):
    """Writes content (bytes or str) to a file in TMP; its path."""
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode())
    return path


# ---- the independent oracle ---------------------------------------------

def rate(flows, decimals):
    """flows: [(t in years as Fraction, amount)]; the root in percent,
    half-up (away from zero) to decimals, as text."""
    getcontext().prec = 50

    def f(x):
        return sum(Decimal(a) * (1 + x) ** -(Decimal(t.numerator) /
                                             Decimal(t.denominator))
                   for t, a in flows)
    lo, hi = Decimal("-0.99"), Decimal(100)
    f_lo = f(lo)
    for _ in range(200):
        mid = (lo + hi) / 2
        if (f(mid) > 0) == (f_lo > 0):
            lo = mid
        else:
            hi = mid
    return str(((lo + hi) / 2 * 100).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def annuity_totals(principal, percent, n, fee_each):
    """Row totals of a monthly per-period annuity, half-even, in öre."""
    r = Fraction(percent) / 100 / 12
    a = round(principal * r / (1 - (1 + r) ** -n))
    rows, balance = [], principal
    for k in range(1, n + 1):
        interest = round(balance * r)
        part = balance if k == n else min(max(a - interest, 0), balance)
        balance -= part
        rows.append(part + interest + fee_each)
    return rows


LOAN_ROWS = annuity_totals(25000000, "8.5", 36, 2500)
LOAN_PAYABLE = sum(LOAN_ROWS) + 50000
LOAN_FLOWS = [(Fraction(0), 50000 - 25000000)] + [
    (Fraction(k, 12), t) for k, t in enumerate(LOAN_ROWS, 1)]


def sv(minor):
    """Öre -> "1 234,56 kr" (Swedish style, independent of the code)."""
    sign = "-" if minor < 0 else ""
    q, r = divmod(abs(minor), 100)
    return sign + "{:,}".format(q).replace(",", " ") + ",%02d kr" % r


def plain(minor):
    sign = "-" if minor < 0 else ""
    q, r = divmod(abs(minor), 100)
    return "%s%d.%02d" % (sign, q, r)


EX1 = "date,amount\n1994-01-01,-1000\n1995-07-01,1200\n"
EX3 = "date,amount\n1994-01-01,-1000\n1995-01-01,600\n1996-01-01,600\n"
XIRR = ("date,amount\n2008-01-01,-10000\n2008-03-01,2750\n"
        "2008-10-30,4250\n2009-02-15,3250\n2009-04-01,2750\n")

# ---- loan terms ---------------------------------------------------------


def test_loan_table():
    status, out, err = run(LOAN + ["--upfront-fee", "500",
                                   "--installment-fee", "25"])
    want_rate = rate(LOAN_FLOWS, 1).replace(".", ",")
    want = ("effective annual rate   %s %%\n"
            "total cost of credit    %s\n"
            "total amount payable    %s\n" % (
                want_rate, sv(LOAN_PAYABLE - 25000000), sv(LOAN_PAYABLE)))
    check(want_rate == "9,2", "oracle: the loan's rate is 9.2 %", want_rate)
    check(status == 0 and err == "" and out == want,
          "loan terms as a table: rate, cost and payable exact",
          "status %d %r\n%s---\n%s" % (status, err, out, want))


def test_loan_json():
    status, out, err = run(LOAN + ["--upfront-fee", "500",
                                   "--installment-fee", "25", "--format",
                                   "json", "--decimals", "6"])
    doc = json.loads(out) if status == 0 else {}
    want = {"apr": rate(LOAN_FLOWS, 6),
            "total_cost_of_credit": plain(LOAN_PAYABLE - 25000000),
            "total_amount_payable": plain(LOAN_PAYABLE)}
    check(status == 0 and err == "" and doc == want and
          list(doc) == ["apr", "total_cost_of_credit",
                        "total_amount_payable"],
          "loan terms as JSON, 6 decimals: exactly the three keys",
          "%s\n%s" % (out, want))


def test_loan_currency():
    # 1,000,000 JPY at 0 % over 4 months, 10,000 upfront: flows -990000,
    # 4 x 250000 at k/12 (no decimals in JPY).
    status, out, err = run(["--principal", "1000000", "--rate", "0",
                            "--term", "4", "--disbursed", "2026-01-15",
                            "--upfront-fee", "10000", "--currency", "JPY",
                            "--max-principal", "2000000", "--format", "json"])
    flows = [(Fraction(0), -990000)] + [(Fraction(k, 12), 250000)
                                        for k in range(1, 5)]
    want = {"apr": rate(flows, 1), "total_cost_of_credit": "10000",
            "total_amount_payable": "1010000"}
    check(status == 0 and json.loads(out or "{}") == want,
          "--currency JPY: amounts without decimals", out + err)


# ---- flows files --------------------------------------------------------


def test_annex_examples():
    ex1 = flows_file("ex1.csv", EX1)
    cases = [
        ([ex1], "13.0"), ([ex1, "--decimals", "2"], "12.96"),
        ([ex1, "--basis", "months", "--decimals", "2"], "12.92"),
        ([flows_file("ex2.csv", "date,amount\n1994-01-01,-950\n"
                     "1995-07-01,1200\n")], "16.9"),
        ([flows_file("ex3.csv", EX3)], "13.1"),
    ]
    for args, want in cases:
        status, out, err = run(["--flows"] + args + ["--format", "json"])
        doc = json.loads(out) if status == 0 else {}
        check(status == 0 and err == "" and doc.get("apr") == want,
              "Annex III example %s: %s" % (os.path.basename(args[0]), want),
              out + err)
    status, out, err = run(["--flows", ex1, "--format", "json"])
    check(json.loads(out) == {"apr": "13.0", "total_cost_of_credit": "200.00",
                              "total_amount_payable": "1200.00"},
          "flows: total cost = repayments - drawdowns", out)


def test_merged_note():
    path = flows_file("fee.csv", "date,amount\n1995-07-01,1200\n"
                      "1994-01-01,-1000\n1994-01-01,50\n")
    status, out, err = run(["--flows", path])
    check(status == 0 and err == P + "note: 1 flow fell on the date of an "
          "earlier flow and was added into it\n" and
          out.startswith("effective annual rate   16,9 %\n"),
          "same-date flows are summed and said so on stderr", err + out)
    path = flows_file("three.csv", "date,amount\n1994-01-01,-500\n"
                      "1994-01-01,-500\n1995-07-01,600\n1995-07-01,600\n")
    status, out, err = run(["--flows", path, "--format", "json"])
    check(status == 0 and "2 flows fell on the date of an earlier flow and "
          "were added into it" in err and json.loads(out)["apr"] == "13.0",
          "two merges: plural note", err)


def test_xirr():
    path = flows_file("xirr.csv", XIRR)
    status, out, err = run(["--flows", path, "--xirr", "--decimals", "7",
                            "--format", "json"])
    doc = json.loads(out) if status == 0 else {}
    check(status == 0 and doc == {"xirr": "37.3362534",
                                  "total_cost_of_credit": "3000.00",
                                  "total_amount_payable": "13000.00"},
          "--xirr: Excel's example, proven to 7 decimals", out + err)
    times = [0, 60, 303, 411, 456]
    amounts = [-10000, 2750, 4250, 3250, 2750]
    check(rate(list(zip([Fraction(d, 365) for d in times], amounts)), 7) ==
          "37.3362534", "oracle agrees on the XIRR example")
    status, out, err = run(["--flows", path, "--xirr"])
    check(status == 0 and out.startswith("XIRR (ACT/365)          37,3 %\n"),
          "--xirr as a table", out)
    # A repayment first is fine for XIRR (and refused for the APR below).
    deposit = flows_file("deposit.csv",
                         "date,amount\n2021-01-01,1000\n2022-01-01,-1100\n")
    status, out, err = run(["--flows", deposit, "--xirr", "--format",
                            "json"])
    check(status == 0 and json.loads(out)["xirr"] == "10.0",
          "--xirr with the repayment first", out + err)


def test_file_forms():
    # CRLF, a byte order mark, quoted fields with a decimal comma and
    # spaces, rows out of order, blank lines at the end: still example 1.
    content = ("\ufeffdate,amount\r\n\"1995-07-01\",\"1 200,00\"\r\n"
               "1994-01-01,-1000.00\r\n\r\n\r\n").encode()
    path = flows_file("forms.csv", content)
    status, out, err = run(["--flows", path, "--format", "json"])
    check(status == 0 and err == "" and json.loads(out)["apr"] == "13.0",
          "CRLF, BOM, quotes, decimal comma, any order", out + err)
    status, out, err = run(["--flows", "-", "--format", "json"],
                           stdin=EX1.encode())
    check(status == 0 and json.loads(out)["apr"] == "13.0",
          "--flows - reads standard input", out + err)
    path = flows_file("eur.csv", "date,amount\n1994-01-01,-1000\n"
                      "1995-07-01,1200.5\n")
    status, out, err = run(["--flows", path, "--currency", "eur"])
    check(status == 0 and out.splitlines()[2] ==
          "total amount payable    1 200,50 EUR",
          "--currency applies to the file's amounts", out + err)


# ---- rejected input -----------------------------------------------------

def bad_file(name, content, message, extra=()):
    """The command must exit 2 with exactly one line, nothing on stdout."""
    path = flows_file(name, content)
    status, out, err = run(["--flows", path] + list(extra))
    want = P + "--flows: " + message.replace("FILE", path) + "\n"
    check(status == 2 and out == "" and err == want,
          "rejects %s" % name, "status %d\n%r\n%r" % (status, err, want))


def test_file_size_limit():
    """64 MiB (67,108,864 bytes) is the most a flows file may be: a file
    of exactly that (two flows and blank lines to the end) is read, one
    byte more is refused, naming the limit (it blamed the flow count)."""
    flows = "date,amount\n1994-01-01,-1000\n1995-07-01,1200\n"
    path = os.path.join(TMP, "limit.csv")
    with open(path, "w") as f:
        f.write(flows + "\n" * (67108864 - len(flows)))
    status, out, err = run(["--flows", path, "--format", "json"])
    check(status == 0 and json.loads(out)["apr"] == "13.0",
          "a flows file of exactly 64 MiB is read", err)
    with open(path, "a") as f:
        f.write("\n")
    status, out, err = run(["--flows", path])
    check(status == 2 and out == "" and err == P + "--flows: %s is larger "
          "than 67108864 bytes (64 MiB), the most a flows file may be\n"
          % path, "one byte past 64 MiB: refused, naming the limit", err)
    os.remove(path)
    status, out, err = run(["--flows", "-"], stdin=b"\n" * (67108864 + 1))
    check(status == 2 and out == "" and err == P + "--flows: standard input "
          "is larger than 67108864 bytes (64 MiB), the most a flows file may "
          "be\n", "standard input past 64 MiB: refused, saying so", err)


def test_rejected_files():
    bad_file("empty.csv", "", "FILE:1:1: header: the file is empty; "
             "expected the header date,amount")
    bad_file("header.csv", "Date,amount\n1994-01-01,-1000\n",
             "FILE:1:1: header: found \"Date\"; expected the header "
             "date,amount")
    bad_file("noamount.csv", "date,amount\n1994-01-01\n",
             "FILE:2:1: amount: the amount is missing; expected two "
             "fields, date,amount")
    bad_file("third.csv", "date,amount\n1994-01-01,-1000,x\n",
             "FILE:2:18: record: a third field; expected two fields, "
             "date,amount")
    bad_file("date.csv", "date,amount\n1994-1-01,-1000\n",
             "FILE:2:7: date: date \"1994-1-01\" is not in the form "
             "YYYY-MM-DD: expected a digit at column 7, found '-'")
    bad_file("amount.csv", "date,amount\n1994-01-01,-1000\n1995-07-01,12x\n",
             "FILE:3:14: amount: amount \"12x\": unexpected 'x' at column 3; "
             "expected a digit, a group separator or a decimal mark ('.' or "
             "',')")
    bad_file("decimals.csv", "date,amount\n1994-01-01,-1000.005\n",
             "FILE:2:20: amount: amount \"-1000.005\" has too many "
             "decimals: SEK has 2 and amounts are never rounded; expected at "
             "most 2")
    bad_file("blank.csv", "date,amount\n1994-01-01,-1000\n\n"
             "1995-07-01,1200\n",
             "FILE:3:1: record: an empty line; expected date,amount")
    bad_file("open.csv", "date,amount\n1994-01-01,\"-1000\n",
             "FILE:2:12: amount: the quoted field is not closed; expected a "
             "'\"' before the end of the file")
    bad_file("after.csv", "date,amount\n\"1994-01-01\"x,-1000\n",
             "FILE:2:13: date: unexpected character after the closing "
             "quote; expected ',' or the end of the line")
    bad_file("quote.csv", "date,amount\n1994-01-01,-10\"00\n",
             "FILE:2:15: amount: a '\"' inside an unquoted field; put the "
             "whole field in double quotes and write a quote as \"\"")
    bad_file("cr.csv", "date,amount\r1994-01-01,-1000\n",
             "FILE:1:12: header: a carriage return (CR without LF) byte; "
             "expected text")
    # a header of one field (a semicolon-separated export), or of three
    bad_file("semicolons.csv", "date;amount\n1994-01-01;-1000\n",
             "FILE:1:1: header: found \"date;amount\"; expected the header "
             "date,amount")
    bad_file("three.csv", "date,amount,note\n",
             "FILE:1:13: header: a third field; expected the header "
             "date,amount")
    bad_file("nul.csv", b"date,amount\n1994-01-01,-10\x0000\n",
             "FILE:2:15: amount: a NUL byte; expected text")
    bad_file("long.csv", "date,amount\n1994-01-01," + "1" * 200 + "\n",
             "FILE:2:12: amount: the field is longer than 128 bytes")
    status, out, err = run(["--flows", os.path.join(TMP, "missing.csv")])
    check(status == 2 and out == "" and re.fullmatch(
        re.escape(P) + r"--flows: cannot read .*missing\.csv: No such file "
        r"or directory\n", err), "rejects a missing file", err)
    status, out, err = run(["--flows", ""])
    check(status == 2 and out == "" and
          err == P + "--flows: an empty file name; name a file\n",
          "rejects an empty file name, saying so", err)


def test_rejected_flows():
    bad_file("headeronly.csv", "date,amount\n",
             "FILE: no flows; expected at least one drawdown (negative) and "
             "one repayment (positive)")
    bad_file("allneg.csv", "date,amount\n1994-01-01,-1000\n",
             "FILE: the flows never change sign: they are all drawdowns "
             "(negative), so no rate solves the equation; expected "
             "drawdowns (negative) and repayments (positive)")
    bad_file("twice.csv", "date,amount\n1994-01-01,-1000\n1994-06-01,600\n"
             "1994-07-01,-100\n1995-01-01,600\n",
             "FILE: the flows change sign 3 times in date order (a "
             "drawdown after a repayment), so the rate may not be unique; a "
             "rate is given only when every drawdown comes before every "
             "repayment")
    bad_file("first.csv", "date,amount\n2021-01-01,1000\n2022-01-01,-1100\n",
             "FILE: the first flow (2021-01-01) is a repayment and every "
             "drawdown comes after the repayments; the annual percentage "
             "rate counts time from the first drawdown, so expected the "
             "drawdowns first")
    bad_file("huge.csv", "date,amount\n2020-01-01,-1\n2020-02-01,1000\n",
             "FILE: the rate is 10000 % or more: the repayments are too "
             "large for the drawdowns; a rate is given only inside -99 % to "
             "10000 %")
    bad_file("tiny.csv", "date,amount\n2020-01-01,-1000\n2021-01-01,10\n",
             "FILE: the rate is -99 % or less: the repayments are too small "
             "for the drawdowns; a rate is given only inside -99 % to "
             "10000 %")


def test_rejected_options():
    ex1 = flows_file("opt.csv", EX1)
    cases = [
        (LOAN[2:], "--principal: required option is missing; see --help"),
        (LOAN + ["--flows", ex1], "--principal: cannot be combined with "
         "--flows: give either the loan's terms or its flows"),
        (["--flows", ex1, "--term", "3"], "--term: cannot be combined with "
         "--flows: give either the loan's terms or its flows"),
        (LOAN + ["--xirr"], "--xirr: needs --flows; for loan terms the "
         "effective annual rate is printed"),
        (LOAN + ["--basis", "months"], "--basis: applies only with --flows; "
         "for loan terms the basis follows --frequency"),
        (["--flows", ex1, "--xirr", "--basis", "years"], "--basis: does not "
         "apply to --xirr, which counts actual days / 365"),
        (["--flows", ex1, "--basis", "days"], "--basis: unknown basis "
         "\"days\": expected one of years, months, weeks"),
        (["--flows", ex1, "--decimals", "0"], "--decimals: 0 decimals: the "
         "rate is given with at least 1 decimal (Directive 2008/48/EC Annex "
         "I remark (d)); expected 1 to 9"),
        (LOAN + ["--decimals", "10"], "--decimals: 10 decimals is above the "
         "limit of 9"),
        (["--flows", ex1, "--decimals", "-1"], "--decimals: \"-1\" is not a "
         "whole number; expected digits only, such as 12 (no sign, spaces "
         "or leading zeros)"),
        (["--flows", ex1, "--format", "csv"], "--format: unknown value "
         "\"csv\": expected one of table, json"),
        (["--flows", ex1, "--currency", "XXX"], "--currency: unknown "
         "currency \"XXX\": expected one of SEK, EUR, USD, NOK, DKK, "
         "GBP, CHF, ISK, JPY"),
        (["--flows"], "--flows: missing value"),
        (["--flows", ex1, "--frobnicate"], "--frobnicate: unknown option; "
         "see --help for the options"),
        (["--flows", ex1, "--xirr=yes"], "--xirr: takes no value, but got "
         "\"=yes\""),
        (LOAN[:1] + ["0"] + LOAN[2:], "--principal: must be greater than 0"),
        (LOAN + ["--upfront-fee", "250000.01"], "--upfront-fee: 250000.01 "
         "SEK is above the limit of 250000.00 SEK (see --max-principal)"),
        (LOAN + ["--upfront-fee", "100%"], "--upfront-fee: the upfront "
         "fee 250000.00 SEK is not below the principal 250000.00 SEK: "
         "nothing is lent, so no rate exists"),
    ]
    for args, message in cases:
        status, out, err = run(args)
        ok = status == 2 and out == "" and err.startswith(P + message)
        check(ok and err.count("\n") == 1, "rejects %s" % " ".join(args[-2:]),
              "status %d\n%r\n%r" % (status, err, P + message))


def test_write_failure():
    ex1 = flows_file("full.csv", EX1)
    try:
        full = open("/dev/full", "wb")
    except OSError:
        check(True, "# SKIP no /dev/full")
        return
    with full:
        status, _, err = run(["--flows", ex1], stdout=full)
    check(status == 1 and err.startswith(P + "cannot write the output"),
          "a failed write exits 1", "status %d %r" % (status, err))


# ---- help ---------------------------------------------------------------

FLAGS = ["--principal", "--rate", "--term", "--disbursed", "--frequency",
         "--method", "--interest", "--first-due", "--grace-principal",
         "--grace-interest", "--interest-free", "--rounding",
         "--installment-multiple", "--upfront-fee", "--installment-fee",
         "--calendar", "--business-day", "--adjusted-interest-periods",
         "--max-principal", "--currency", "--flows", "--basis", "--xirr",
         "--decimals", "--format", "--help"]
SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "FLOWS FILE",
            "OUTPUT", "EXIT STATUS", "EXAMPLES"]


def test_help():
    for args in (["--help"], ["-h"], LOAN + ["--help"]):
        status, out, err = run(args)
        missing = [w for w in SECTIONS + FLAGS
                   if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(w),
                                    out)]
        check(status == 0 and err == "" and not missing,
              "apr %s: every section and flag" % args[-1],
              "missing: %s" % missing)
    status, out, _ = run(["--help"])
    check(max(map(len, out.splitlines())) <= 80, "help lines fit 80 columns")
    check(all(s in out for s in ("Default: years", "Default: 1",
                                 "Default: table", "2008/48/EC")),
          "help states defaults and the Directive")
    p = subprocess.run([MIKROLAN, "--help"], stdout=subprocess.PIPE)
    check(b"    apr\n" in p.stdout, "mikrolan --help lists apr")


def main():
    status = run_tests(tests_of(globals()))
    shutil.rmtree(TMP, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
