#!/usr/bin/env python3
"""Differential test of `mikrolan par`'s portfolio options (--thresholds,
--buckets, --provisioning, --period-start, --reserve,
--no-restructured-at-risk, --by with one or two columns) against the
independent reference ref_portfolio.py, printing TAP.

  diff_par_options.py MIKROLAN [--loans N] [--seeds 3,4] [--wide-loans N]
                      [--wide-seed S] [--workdir DIR] [--schedule-ref PATH]
  diff_par_options.py --self-check

First the reference alone against a five-loan portfolio whose figures are
worked out by hand below (--self-check runs only that), then MIKROLAN on
the same files against the same hand figures; then the options `par` must
refuse (exit status 2, nothing on stdout); then a 14-loan portfolio at
the period's and the write-off rules' boundaries (EDGE_LOANS) against the
reference; then a ratio whose millionths leave int64 (written exactly,
as any other). Then, for each seed, `MIKROLAN
generate --loans N --seed S` and, for each as-of date and option set
(OPTION_SETS), one line comparing `MIKROLAN par --format json` with the
reference field by field; then one programme of gen_ledger_programme.py
(every method, reschedules, the restructured column, reversals, invalid
journals: par --skip-bad) with a few option sets. Statuses come from
ref_ledger.py, computed once per date. Exit status 1 if any line is
`not ok`, 2 on a usage error.
"""
import argparse
import csv
import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_ledger as R  # noqa: E402
import ref_portfolio as P  # noqa: E402
from diff_ledger import (Tap, field_diffs, flatten, lookup,  # noqa: E402
                         run, skipped_loans)

MAX_DIFFS_SHOWN = 8
D = datetime.date.fromisoformat


# ------------------------------------------------------------ by hand
# Five interest-free loans (rate 0, monthly, equal principal, per-period:
# each installment is principal only, principal / term), segment kommun.
#
#   A Nacka  1,200.60 in 12 of 100.05, disbursed 2025-06-01, due the 1st
#            from 2025-07-01 to 2026-06-01; pays 100.05 on each due date
#            2025-07-01 .. 2026-02-01 (8 installments), then nothing.
#   B Motala   600.00 in 6 of 100.00, disbursed 2025-10-15, due the 15th
#            2025-11-15 .. 2026-04-15; pays 100.00 on 2025-11-15, written
#            off 2026-02-10 (inside the period).
#   C Nacka  1,000.00 in 10 of 100.00, disbursed 2026-01-20 (after the
#            period start), due the 20th from 2026-02-20; restructured
#            column yes; pays 100.00 on 2026-02-20 and 2026-03-20.
#   D Motala   500.00 in 5 of 100.00, disbursed 2025-01-10; pays two,
#            written off 2025-12-31 (on the period start: not in it).
#   E Motala   300.00 in 3 of 100.00, disbursed 2025-11-05, due 12-05,
#            01-05, 02-05; pays nothing, written off 2026-03-31 (on the
#            as-of date: in the period).
HAND_LOANS = """\
loan_id,principal,rate,term,frequency,method,interest,disbursed_on,restructured,kommun
A,1200.60,0,12,monthly,equal-principal,per-period,2025-06-01,,Nacka
B,600,0,6,monthly,equal-principal,per-period,2025-10-15,,Motala
C,1000,0,10,monthly,equal-principal,per-period,2026-01-20,yes,Nacka
D,500,0,5,monthly,equal-principal,per-period,2025-01-10,,Motala
E,300,0,3,monthly,equal-principal,per-period,2025-11-05,,Motala
"""
HAND_EVENTS = "loan_id,date,type,amount,ref\n" + "".join(
    "A,%s-01,repayment,100.05,\n" % m for m in (
        "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01",
        "2026-02")) + """\
B,2025-11-15,repayment,100.00,
B,2026-02-10,write-off,,
C,2026-02-20,repayment,100.00,
C,2026-03-20,repayment,100.00,
D,2025-02-10,repayment,100.00,
D,2025-03-10,repayment,100.00,
D,2025-12-31,write-off,,
E,2026-03-31,write-off,,
"""


def hand_round6(q):
    """q rounded half-even to 6 places, as text (for the hand figures)."""
    x = q * 10 ** 6
    n = x.numerator // x.denominator
    rest = x - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2):
        n += 1
    return "%d.%06d" % divmod(n, 10 ** 6)


def hand_cases():
    """[(name, argv of par options, as_of, by, {path: expected})]."""
    F = Fraction
    cases = []

    # Case 1, as of 2026-03-31, period start 2025-12-31, thresholds
    # 0,29,30,31, buckets 0,30,90 + open at 0 %, 12.5 %, 50 %, 100 %,
    # reserve 1,006.25.
    #  A: 8 paid, outstanding 1200.60 - 800.40 = 400.20; the installment
    #     due 2026-03-01 unpaid: days past due 2026-03-31 - 2026-03-01 = 30
    #     (the boundary: PAR>29 yes, PAR>30 no; bucket 1-30, its last day);
    #     arrears 100.05.
    #  C: paid to date, days past due 0, outstanding 800.00, restructured:
    #     PAR>30 and PAR>31 (x >= 30), not PAR>0 nor PAR>29.
    #  B, D, E written off at 2026-03-31. Loans 5 = active 2 + written off 3.
    glp = F(40020 + 80000)                        # 1,200.20
    par0 = F(40020)                               # A (dpd 30 > 0)
    par30 = F(80000)                              # C only (restructured)
    assert hand_round6(par0 / glp) == "0.333444"  # 0.33344442...
    assert hand_round6(par30 / glp) == "0.666556"  # 0.66655557...
    assert hand_round6(F(10005) / glp) == "0.083361"
    # provisioning: 800.00 * 0 + 400.20 * 12.5 % = 50.025 -> 50.02 (half-even:
    # 5002.5 ore to the even 5002; half-up would give 50.03)
    assert F(40020) * F(125, 1000) == F(10005, 2)
    # at the start 2025-12-31: A active, 6 paid, 600.30; B active (1 paid),
    # 500.00, 16 days past due; C pending (disbursed later): nothing; D
    # written off that very day: nothing; E active, 300.00.
    glp_start = F(60030 + 50000 + 30000)          # 1,400.30
    # written off in (2025-12-31, 2026-03-31]: B 500.00 (2026-02-10) and E
    # 300.00 (2026-03-31); D's 300.00 (on the start date) is not.
    wo = F(50000 + 30000)
    assert hand_round6(wo / ((glp_start + glp) / 2)) == "0.615266"
    # risk coverage 1,006.25 / 800.00 = 1.2578125 exactly: a tie, half-even
    # gives 1.257812 (half-up would give 1.257813)
    assert F(100625, 80000) == F(12578125, 10 ** 7)
    # Motala (B, D, E): no active loan, GLP 0 -> every ratio 0; at the start
    # B 500 + E 300 = 800.00; written off 800.00; ratio 800 / ((800 + 0) / 2)
    # = 2. Nacka (A, C): at the start A 600.30; nothing written off.
    assert hand_round6(F(80000) / ((F(80000) + 0) / 2)) == "2.000000"
    exp = {
        "period_start": "2025-12-31",
        "total.loans": 5, "total.pending": 0, "total.active": 2, "total.closed": 0,
        "total.credit_balance": 0, "total.written_off": 3,
        "total.gross_portfolio": "1200.20",
        "total.par.0.amount": "400.20", "total.par.0.ratio": "0.333444",
        "total.par.29.amount": "400.20", "total.par.29.ratio": "0.333444",
        "total.par.30.amount": "800.00", "total.par.30.ratio": "0.666556",
        "total.par.31.amount": "800.00", "total.par.31.ratio": "0.666556",
        "total.overdue": "100.05", "total.arrears_rate": "0.083361",
        "total.buckets[0].from_days": 0, "total.buckets[0].to_days": 0,
        "total.buckets[0].count": 1, "total.buckets[0].principal": "800.00",
        "total.buckets[0].overdue": "0.00", "total.buckets[0].provisioning_rate": "0.000000",
        "total.buckets[1].from_days": 1, "total.buckets[1].to_days": 30,
        "total.buckets[1].count": 1, "total.buckets[1].principal": "400.20",
        "total.buckets[1].overdue": "100.05", "total.buckets[1].provisioning_rate": "0.125000",
        "total.buckets[2].from_days": 31, "total.buckets[2].to_days": 90,
        "total.buckets[2].count": 0, "total.buckets[2].provisioning_rate": "0.500000",
        "total.buckets[3].from_days": 91, "total.buckets[3].to_days": None,
        "total.buckets[3].count": 0, "total.buckets[3].provisioning_rate": "1.000000",
        "total.provisioning": "50.02",
        "total.gross_portfolio_at_start": "1400.30",
        "total.written_off_in_period": "800.00", "total.write_off_ratio": "0.615266",
        "total.loan_loss_reserve": "1006.25", "total.risk_coverage": "1.257812",
        "segments[0].key.kommun": "Motala", "segments[0].loans": 3,
        "segments[0].written_off": 3, "segments[0].gross_portfolio": "0.00",
        "segments[0].par.30.ratio": "0.000000", "segments[0].arrears_rate": "0.000000",
        "segments[0].gross_portfolio_at_start": "800.00",
        "segments[0].written_off_in_period": "800.00",
        "segments[0].write_off_ratio": "2.000000",
        "segments[1].key.kommun": "Nacka", "segments[1].gross_portfolio": "1200.20",
        "segments[1].provisioning": "50.02",
        "segments[1].gross_portfolio_at_start": "600.30",
        "segments[1].written_off_in_period": "0.00", "segments[1].write_off_ratio": "0.000000",
        "segments": 2,  # how many (checked as a count)
        "segments[0].loan_loss_reserve": "<absent>",  # total only
    }
    cases.append(("as of 2026-03-31, period from 2025-12-31, reserve 1006.25",
                  ["--thresholds", "0,29,30,31", "--buckets", "0,30,90",
                   "--provisioning", "0,12.5,50,100", "--period-start", "2025-12-31",
                   "--reserve", "1006.25"], "2026-03-31", ["kommun"], exp))

    # Case 2, one day later, 2026-04-01, --no-restructured-at-risk, no
    # period: A is 31 days past due (PAR>30 yes, PAR>31 no: 31 is not more
    # than 31; bucket 31-90); C is not at risk any more (dpd 0). GLP 1,200.20.
    assert hand_round6(F(40020) / glp) == "0.333444"
    exp = {
        "period_start": None,
        "total.par.0.amount": "400.20", "total.par.29.amount": "400.20",
        "total.par.30.amount": "400.20", "total.par.30.ratio": "0.333444",
        "total.par.31.amount": "0.00", "total.par.31.ratio": "0.000000",
        "total.buckets[1].count": 0, "total.buckets[2].count": 1,
        "total.buckets[2].principal": "400.20", "total.buckets[2].overdue": "100.05",
        # 400.20 * 50 % = 200.10
        "total.provisioning": "200.10",
        "total.gross_portfolio_at_start": "<absent>", "total.risk_coverage": "<absent>",
    }
    cases.append(("as of 2026-04-01, --no-restructured-at-risk, dpd 31",
                  ["--thresholds", "0,29,30,31", "--buckets", "0,30,90",
                   "--provisioning", "0,12.5,50,100", "--no-restructured-at-risk"],
                  "2026-04-01", [], exp))

    # Case 3, as of 2026-03-31, period from 2024-12-31 (before every
    # disbursement: GLP at the start 0), reserve 0, default thresholds and
    # buckets: written off in the period B 500 + D 300 + E 300 = 1,100.00;
    # ratio 1100 / ((0 + 1200.20) / 2) = 2200 / 1200.20 = 1.83302782...;
    # risk coverage 0 / PAR>30 (C 800.00) = 0.
    assert hand_round6(F(110000) / ((0 + glp) / 2)) == "1.833028"
    exp = {
        "total.gross_portfolio_at_start": "0.00",
        "total.written_off_in_period": "1100.00", "total.write_off_ratio": "1.833028",
        "total.loan_loss_reserve": "0.00", "total.risk_coverage": "0.000000",
        "total.par.30.amount": "800.00", "total.par.1.amount": "400.20",
        # default buckets: A (30 days) in 1-30 at 10 %: 40.02; C current, 0 %
        "total.buckets[1].principal": "400.20", "total.provisioning": "40.02",
        "total.buckets[6].from_days": 366, "total.buckets[6].to_days": None,
    }
    cases.append(("as of 2026-03-31, period from 2024-12-31, reserve 0",
                  ["--period-start", "2024-12-31", "--reserve", "0"], "2026-03-31", [], exp))

    # Case 4, as of 2025-12-31, period from 2025-12-30, --by kommun: D is
    # written off on the as-of date (in the period): 300.00; its GLP at the
    # start 300.00 (3 unpaid); C pending at the as-of date.
    # GLP at 2025-12-31: A 600.30 + B 500.00 + E 300.00 = 1,400.30; at the
    # start the same plus D: 1,700.30. Ratio 600 / 3100.60 = 0.19351093...
    assert hand_round6(F(30000) / ((F(170030) + F(140030)) / 2)) == "0.193511"
    exp = {
        "total.loans": 5, "total.pending": 1, "total.active": 3, "total.written_off": 1,
        "total.gross_portfolio": "1400.30", "total.gross_portfolio_at_start": "1700.30",
        "total.written_off_in_period": "300.00", "total.write_off_ratio": "0.193511",
        "segments[0].key.kommun": "Motala", "segments[0].pending": 0,
        "segments[1].key.kommun": "Nacka", "segments[1].pending": 1,
    }
    cases.append(("as of 2025-12-31, period from 2025-12-30, write-off on the as-of date",
                  ["--period-start", "2025-12-30"], "2025-12-31", ["kommun"], exp))
    return cases


# ------------------------------------------------------------ edges
# Loans at the boundaries of the period and of the write-off rules, compared
# with the reference (not by hand): a write-off in the period reversed in
# it (a1), after the as-of date (a2), in the period reversed after the
# as-of date (a3), before the period reversed in it (a4), and before it,
# reversed, then again in it (d1); a disbursement the journal moves before
# the period start (a5) or after it (a6); disbursed the day after the
# period start and written off that day (a7); disbursed on the period start
# (b1); rescheduled in the period (a8) or after the as-of date (a9); a
# write-off after paying ahead (d4); a segment of closed loans only, one
# with a credit balance (z1, z2: GLP 0).
EDGE_LOANS = """\
loan_id,principal,rate,term,frequency,method,interest,disbursed_on,restructured,seg,sub
a1,1000,0,10,monthly,equal-principal,per-period,2025-01-10,,wo,x
a2,1000,0,10,monthly,equal-principal,per-period,2025-01-10,,wo,y
a3,1000,0,10,monthly,equal-principal,per-period,2025-01-10,,wo,x
a4,1000,0,10,monthly,equal-principal,per-period,2025-01-10,,wo,y
a5,1000,0,10,monthly,equal-principal,per-period,2025-07-15,,disb,x
a6,1000,0,10,monthly,equal-principal,per-period,2025-06-20,,disb,y
a7,1000,0,10,monthly,equal-principal,per-period,2025-07-01,,wo,x
a8,1200,12,12,monthly,annuity,per-period,2025-01-10,,resch,x
a9,2400,12,24,monthly,annuity,per-period,2025-01-10,,resch,y
b1,500,0,5,monthly,equal-principal,per-period,2025-06-30,no,disb,y
d1,1000,0,10,monthly,equal-principal,per-period,2025-01-10,,wo,x
d4,1000,5,10,monthly,annuity,act365,2025-01-10,,wo,y
z1,200,0,2,monthly,equal-principal,per-period,2025-03-01,,zero,x
z2,300,0,1,monthly,bullet,per-period,2025-03-01,yes,zero,y
"""
EDGE_EVENTS = """\
loan_id,date,type,amount,ref,id,target,rate,term
a1,2025-08-01,write-off,,,1,,,
a1,2025-09-01,reversal,,,2,1,,
a2,2026-02-01,write-off,,,1,,,
a3,2025-08-01,write-off,,,1,,,
a3,2026-02-01,reversal,,,2,1,,
a4,2025-05-01,write-off,,,1,,,
a4,2025-08-01,reversal,,,2,1,,
a5,2025-06-20,disbursement,1000,,1,,,
a6,2025-07-15,disbursement,1000,,1,,,
a7,2025-07-01,write-off,,,1,,,
a8,2025-08-10,repayment,106.62,,1,,,
a8,2025-09-10,reschedule,,,2,,10,12
a8,2025-10-10,repayment,50,,3,,,
a9,2026-01-15,reschedule,,,1,,10,12
b1,2025-07-30,repayment,100,,1,,,
d1,2025-05-01,write-off,,,1,,,
d1,2025-08-01,reversal,,,2,1,,
d1,2025-10-01,write-off,,,3,,,
d4,2025-03-10,repayment,500,,1,,,
d4,2025-07-10,write-off,,,2,,,
z1,2025-04-01,repayment,100,,1,,,
z1,2025-05-01,repayment,100.50,,2,,,
z2,2025-04-01,repayment,300,,1,,,
"""
# (as_of, by, option words): the period start 2025-06-30 with as-of dates
# a day later, at the year's end (a9's reschedule and a2's write-off after
# it) and on 2026-02-01 (a2's write-off and a3's reversal on the as-of date)
EDGE_RUNS = [
    ("2025-07-01", ["seg"], ["--period-start", "2025-06-30", "--reserve", "100",
                             "--thresholds", "0,30,31"]),
    ("2025-12-31", ["seg", "sub"], ["--period-start", "2025-06-30", "--reserve", "0",
                                    "--thresholds", "0,29,30,120", "--buckets", "0,30,150",
                                    "--provisioning", "1,2,3,4"]),
    ("2025-12-31", ["sub"], ["--period-start", "2025-06-30", "--no-restructured-at-risk"]),
    ("2026-02-01", ["seg"], ["--period-start", "2025-12-31", "--reserve", "2500.50"]),
    ("2026-02-01", ["sub", "seg"], ["--period-start", "2024-12-31", "--reserve", "1"]),
]


def check_edges(tap, a, workdir):
    d = os.path.join(workdir, "edges")
    os.makedirs(d, exist_ok=True)
    for name, text in (("loans.csv", EDGE_LOANS), ("events.csv", EDGE_EVENTS)):
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
    loans = R.read_loans(io.StringIO(EDGE_LOANS))
    events = R.read_events(io.StringIO(EDGE_EVENTS))
    cache = StatusCache(loans, events)
    for as_of, by, words in EDGE_RUNS:
        check_option_set(tap, a, "edge loans", d, cache, loans, as_of,
                         ("period and write-off boundaries", by, words, None))


# ------------------------------------------------------------ large ratios
def check_ratio_range(tap, a, workdir):
    """A ratio whose value times 10^6 is beyond int64: risk coverage
    92,233,720,368.55 / 0.01 = 9,223,372,036,855. README: ratios are
    decimal strings rounded half-even to 6 places."""
    d = os.path.join(workdir, "range")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "loans.csv"), "w", encoding="utf-8") as f:
        f.write("loan_id,principal,rate,term,frequency,method,interest,disbursed_on\n"
                "A,100,0,1,monthly,equal-principal,per-period,2025-01-01\n")
    with open(os.path.join(d, "events.csv"), "w", encoding="utf-8") as f:
        f.write("loan_id,date,type,amount,ref\nA,2025-02-01,repayment,99.99,\n")
    words = ["--reserve", "92233720368.55"]
    full = par_argv(a, d, "2025-06-15", [], words)
    out, err = run(full)
    got = json.loads(out)["total"].get("risk_coverage") if out else err
    expected = P.ratio_text(9223372036855, 1)
    ok = got == expected
    tap.result(ok, "risk coverage of 9223372036855 (beyond int64 at 6 places) is a decimal",
               [] if ok else ["mikrolan %r, required %r" % (got, expected),
                              "command: " + " ".join(full)])


def hand_diffs(got, expected, who):
    return ["%s: %s %r, by hand %r" % (k, who, lookup(got, k), v)
            for k, v in expected.items() if lookup(got, k) != v]


def hand_reference_reports():
    loans = R.read_loans(io.StringIO(HAND_LOANS))
    events = R.read_events(io.StringIO(HAND_EVENTS))
    for name, argv, as_of, by, exp in hand_cases():
        opts = P.PortfolioOptions.parse(argv)
        d = D(as_of)
        opts.validate(d)
        got = P.report(P.entries_of(R, loans, events, d, opts), d, by, opts)
        yield name, argv, as_of, by, exp, got


def self_check(tap):
    for name, _argv, _as_of, _by, exp, got in hand_reference_reports():
        tap.result(not hand_diffs(got, exp, "reference"),
                   "reference self-check: %s (%d figures by hand)" % (name, len(exp)),
                   hand_diffs(got, exp, "reference"))


def check_hand_real(tap, a, workdir):
    """MIKROLAN on the hand portfolio: the hand figures, and every field
    the same as the reference's."""
    d = os.path.join(workdir, "hand")
    os.makedirs(d, exist_ok=True)
    for name, text in (("loans.csv", HAND_LOANS), ("events.csv", HAND_EVENTS)):
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
    for name, argv, as_of, by, exp, ref in hand_reference_reports():
        full = par_argv(a, d, as_of, by, argv)
        out, err = run(full)
        if err:
            tap.result(False, "mikrolan on the hand portfolio: %s" % name, [err])
            continue
        real = json.loads(out)
        notes = hand_diffs(real, exp, "mikrolan") + field_diffs(ref, real)
        tap.result(not notes, "mikrolan on the hand portfolio: %s" % name,
                   notes[:MAX_DIFFS_SHOWN] + (["command: " + " ".join(full)] if notes else []))


# ------------------------------------------------------------ comparisons
def par_argv(a, progdir, as_of, by, opt_argv, extra=()):
    out = [a.binary, "par", "--loans", os.path.join(progdir, "loans.csv"),
           "--events", os.path.join(progdir, "events.csv"), "--as-of", as_of,
           "--format", "json"]
    if by:
        out += ["--by", ",".join(by)]
    return out + list(opt_argv) + list(extra)


# ------------------------------------------------------------ refusals
REFUSED = [
    ("--period-start on the as-of date", ["--period-start", "2026-03-31"]),
    ("--period-start after the as-of date", ["--period-start", "2026-04-01"]),
    ("a negative reserve (README, bad input 119)", ["--reserve", "-5"]),
    ("a reserve with more decimals than SEK has", ["--reserve", "1006.255"]),
    ("thresholds not ascending", ["--thresholds", "30,1"]),
    ("a threshold twice", ["--thresholds", "1,30,30"]),
    ("a bucket bound twice", ["--buckets", "0,30,30", "--provisioning", "0,10,20,100"]),
    ("a negative threshold", ["--thresholds", "-1,30"]),
    ("17 thresholds", ["--thresholds", ",".join(str(x) for x in range(1, 18))]),
    ("buckets not ascending", ["--buckets", "30,0", "--provisioning", "0,10,100"]),
    ("16 closed buckets", ["--buckets", ",".join(str(x) for x in range(16)),
                           "--provisioning", ",".join(["1"] * 17)]),
    ("--buckets changing the count without --provisioning", ["--buckets", "0,30"]),
    ("a provisioning rate above 100", ["--buckets", "0,30", "--provisioning", "0,10,100.01"]),
    ("one provisioning rate too few", ["--provisioning", "0,10,25,50,75,90"]),
    ("one provisioning rate too many", ["--provisioning", "0,10,25,50,75,90,100,100"]),
]


def check_refusals(tap, a, workdir):
    d = os.path.join(workdir, "hand")
    for name, argv in REFUSED:
        # the reference must refuse them too
        try:
            P.PortfolioOptions.parse(argv).validate(D("2026-03-31"))
            ref_refuses = False
        except (P.OptionError, ValueError):
            ref_refuses = True
        full = par_argv(a, d, "2026-03-31", [], argv)
        p = subprocess.run(full, capture_output=True, text=True)
        ok = p.returncode == 2 and p.stdout == "" and ref_refuses
        tap.result(ok, "par refuses %s (exit 2, nothing on stdout)" % name,
                   [] if ok else ["exit %d, stdout %d bytes, stderr %r, reference refuses: %s"
                                  % (p.returncode, len(p.stdout), p.stderr.strip()[:200],
                                     ref_refuses), "command: " + " ".join(full)])


# ------------------------------------------------------------ option sets
THRESHOLDS_16 = "0,1,2,7,14,29,30,31,45,60,61,90,91,180,365,366"
BUCKETS_15 = "0,1,7,14,29,30,31,60,61,90,91,180,181,365,366"
# (name, --by columns, par option words, period start: None, a date, or a
# number of days before the as-of date)
OPTION_SETS = [
    ("defaults", ["kommun"], [], None),
    ("edges", ["kommun"],
     ["--thresholds", "0,1,7,29,30,31,59,60,61,90", "--buckets", "0,1,7,30,31,60,90",
      "--provisioning", "0,1,2.5,12.5,33.333,50,66.6667,100", "--reserve", "123456.78"], 365),
    ("one threshold, one bucket", ["kommun", "gender"],
     ["--thresholds", "30", "--buckets", "30", "--provisioning", "5,100",
      "--no-restructured-at-risk", "--reserve", "0"], "2019-01-01"),
    ("defaults with a period of one day", ["group"],
     ["--reserve", "500000"], 1),
    # a reserve without 30 among the thresholds: an assumption (see
    # ref_portfolio.PortfolioOptions.validate)
    ("no 30, odd buckets", ["gender", "kommun"],
     ["--thresholds", "15,45,400", "--buckets", "10,20,45,400,1000",
      "--provisioning", "0,0.5,20,60,99.99,100", "--reserve", "1000"], 181),
    ("16 thresholds, 15 buckets", ["gender"],
     ["--thresholds", THRESHOLDS_16, "--buckets", BUCKETS_15,
      "--provisioning", "0,0.1,0.25,1,3,5,7.5,10,15,20,30,45,60,80,95,100",
      "--no-restructured-at-risk", "--reserve", "0.01"], 365),
    ("same bucket count, default rates", [],
     ["--buckets", "3,10,20,40,120,300", "--thresholds", "3,30,40"], 1),
]


def resolve(opt_argv, period, as_of):
    """The option words with the period start for this as-of date."""
    words = list(opt_argv)
    if period is None:
        return words
    if isinstance(period, int):
        period = (D(as_of) - datetime.timedelta(days=period)).isoformat()
    return words + ["--period-start", period]


class StatusCache:
    """ref_ledger statuses of a programme, once per date."""

    def __init__(self, loans, events, batch=False):
        self.loans, self.events, self.batch = loans, events, batch
        self.cache = {}

    def at(self, d):
        """({loan_id: problem} of loans par must skip, {loan_id: Loan})."""
        if d not in self.cache:
            if self.batch:
                invalid, kept = R.batch_statuses(self.loans, self.events, d)
            else:
                invalid, kept = {}, list(R.loan_statuses(self.loans, self.events, d))
            self.cache[d] = (invalid, {row["loan_id"]: P.loan_of_status(st)
                                       for row, st in kept})
        return self.cache[d]


def reference_of(cache, loans, as_of, by, opts):
    invalid, end = cache.at(as_of)
    start = {}
    if opts.period_start is not None:
        invalid_start, start = cache.at(opts.period_start)
        # a loan whose journal is rejected at either date is left out
        invalid = dict(invalid_start, **invalid)
    entries = [(row, end[row["loan_id"]], start.get(row["loan_id"]))
               for row in loans if row["loan_id"] not in invalid]
    return invalid, P.report(entries, as_of, by, opts)


def check_option_set(tap, a, label, progdir, cache, loans, as_of, oset, skip_bad=False):
    name, by, opt_argv, period = oset
    words = resolve(opt_argv, period, as_of)
    opts = P.PortfolioOptions.parse(words)
    opts.validate(D(as_of))
    title = "%s as-of %s: %s (%s)" % (label, as_of, name, " ".join(
        (["--by", ",".join(by)] if by else []) + words))
    extra = []
    skipfile = os.path.join(progdir, "skipped.csv")
    if skip_bad:
        extra = ["--skip-bad", skipfile]
    full = par_argv(a, progdir, as_of, by, words, extra)
    out, err = run(full)
    if err:
        tap.result(False, title, [err])
        return
    invalid, ref = reference_of(cache, loans, D(as_of), by, opts)
    real = json.loads(out)
    notes = []
    if skip_bad:
        skipped = skipped_loans(skipfile)
        for lid in sorted(set(skipped) - set(invalid)):
            notes.append("%s: skipped by par (%s), valid for the reference" % (lid, skipped[lid]))
        for lid in sorted(set(invalid) - set(skipped)):
            notes.append("%s: kept by par, invalid for the reference (%s)"
                         % (lid, invalid[lid][1]))
        ref["skipped"]["loans"] = len(invalid)
        ref["skipped"]["rows"] = real.get("skipped", {}).get("rows")  # not checked
    diffs = field_diffs(ref, real)
    if diffs:
        notes += ["%d field(s) differ" % len(diffs)] + diffs[:MAX_DIFFS_SHOWN]
    if notes:
        notes.append("command: " + " ".join(full))
    tap.result(not notes, "%s [%d loans, %d fields]" % (title, len(loans), len(flatten(ref))),
               notes[:2 * MAX_DIFFS_SHOWN + 1])


def read_programme(progdir):
    with R.open_csv(os.path.join(progdir, "loans.csv")) as f:
        loans = R.read_loans(f)
    with R.open_csv(os.path.join(progdir, "events.csv")) as f:
        events = R.read_events(f)
    return loans, events


def check_seed(tap, a, workdir, seed):
    progdir = os.path.join(workdir, "seed%d" % seed)
    _out, err = run([a.binary, "generate", "--loans", str(a.loans), "--seed", str(seed),
                     "--out", progdir])
    if err:
        tap.result(False, "seed %d: generate" % seed, [err])
        return
    loans, events = read_programme(progdir)
    cache = StatusCache(loans, events)
    for as_of in a.as_of:
        for oset in OPTION_SETS:
            check_option_set(tap, a, "seed %d" % seed, progdir, cache, loans, as_of, oset)


WIDE_SETS = [OPTION_SETS[1], OPTION_SETS[2], OPTION_SETS[4]]
WIDE_AS_OF = ["2025-06-30", "2026-12-31"]


def check_wide(tap, a, workdir):
    import gen_ledger_programme as G
    progdir = os.path.join(workdir, "wide%d" % a.wide_seed)
    loans, rows = G.generate(a.wide_seed, a.wide_loans)
    G.write(progdir, loans, rows)
    events = {}
    for e in rows:
        events.setdefault(e["loan_id"], []).append(e)
    cache = StatusCache(loans, events, batch=True)
    for as_of in WIDE_AS_OF:
        for name, by, words, period in WIDE_SETS:
            # the wide programme's columns: kommun, and restructured (a term
            # column, which --by may name too)
            by = ["kommun", "restructured"][:len(by)]
            check_option_set(tap, a, "wide seed %d" % a.wide_seed, progdir, cache, loans,
                             as_of, (name, by, words, period), skip_bad=True)


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary", nargs="?", help="the mikrolan executable under test")
    ap.add_argument("--loans", type=int, default=300)
    ap.add_argument("--seeds", default="3,4")
    ap.add_argument("--as-of", default="2026-06-30,2025-09-15")
    ap.add_argument("--wide-loans", type=int, default=200,
                    help="loans of the gen_ledger_programme.py programme (0: none)")
    ap.add_argument("--wide-seed", type=int, default=21)
    ap.add_argument("--workdir", help="keep the files here (default: a temporary "
                    "directory, removed at the end)")
    ap.add_argument("--schedule-ref", help="bench/peers/schedule_ref.py "
                    "(default: ../bench/peers/ from this file's folder)")
    ap.add_argument("--self-check", action="store_true",
                    help="only check the reference against hand-computed figures")
    a = ap.parse_args(argv)
    if not a.self_check and not a.binary:
        ap.error("MIKROLAN is required (or --self-check)")
    a.seeds = [int(s) for s in a.seeds.split(",") if s]
    a.as_of = [d for d in a.as_of.split(",") if d]
    return a


def main(argv):
    a = parse_args(argv)
    try:
        R.load_schedule_ref(a.schedule_ref)
    except FileNotFoundError as e:
        print("Bail out! %s" % e)
        return 2
    tap = Tap()
    self_check(tap)
    if not a.self_check:
        if not (os.path.isfile(a.binary) and os.access(a.binary, os.X_OK)):
            print("Bail out! %s is not an executable file" % a.binary)
            return 2
        workdir = a.workdir or tempfile.mkdtemp(prefix="diff_par_options_")
        os.makedirs(workdir, exist_ok=True)
        try:
            check_hand_real(tap, a, workdir)
            check_refusals(tap, a, workdir)
            check_edges(tap, a, workdir)
            check_ratio_range(tap, a, workdir)
            for seed in a.seeds:
                check_seed(tap, a, workdir, seed)
            if a.wide_loans > 0:
                check_wide(tap, a, workdir)
        finally:
            if not a.workdir:
                shutil.rmtree(workdir, ignore_errors=True)
    tap.plan()
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
