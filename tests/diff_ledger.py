#!/usr/bin/env python3
"""Differential test of `mikrolan par` and `mikrolan status` against the
independent reference ref_ledger.py, printing TAP.

  diff_ledger.py MIKROLAN [--loans N] [--seeds 11,12] [--as-of D,D,...]
                 [--per-loan K] [--workdir DIR] [--schedule-ref PATH]
                 [--prepayment POLICY] [--options "FLAGS"]
  diff_ledger.py MIKROLAN --wide [--loans N] [--seeds 1,2] [--as-of D,...]
                 [--per-loan K] [--jobs J] [--prepayment POLICY]
                 [--options "FLAGS"] ...
  diff_ledger.py --self-check [--schedule-ref PATH]

For each seed, `MIKROLAN generate --loans N --seed S --out DIR`; then for
each date one TAP line comparing `MIKROLAN par --format json --by
kommun,gender` with the reference field by field, and one comparing
`MIKROLAN status --format json` of the first K loans with the reference's
statuses.

With --wide the programmes come from gen_ledger_programme.py instead
(every method, fees, penalties, waivers, reversals, reschedules,
write-offs, calendars, first due dates, invalid journals); for each date
one line compares the loans `MIKROLAN par --skip-bad FILE` skips with the
loans the reference finds invalid at that date for the batch form
(batch_problem) and the report of the rest with the reference's, and one
line compares `MIKROLAN status` of the first K loans valid for appends
(append_problem) with the reference and checks that it exits 2 on the
first K invalid ones; then one line per seed compares `MIKROLAN status`
of up to K valid loans with a calendar on days after an interest period's
end and before its due date that a bank day moved (the payoff then counts
the next period's days too). Seeds run in parallel (--jobs, default the number of
cores).

--options "FLAGS" keeps every loan with the other loan options, given
as the flags of `mikrolan status` and `mikrolan par` (--allocation,
--arrears-tolerance, --late-fee, --late-fee-days, --default-rate,
--default-day-count; both commands take them): passed to both commands,
to the reference (ref_ledger.Options) and, with --wide, to the generator.

--prepayment (next-installments, the default, reduce-term or
reduce-installment) keeps every loan with that policy: it is passed to
`MIKROLAN par` and `MIKROLAN status`, to the reference and, with --wide,
to the generator, whose journals depend on the statuses it sees.

Before them, the reference alone is checked against figures
computed by hand (--self-check runs only that). Exit status 1 if any line
is `not ok`, 2 on a usage error.
"""
import argparse
import concurrent.futures
import csv
import datetime
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_ledger as R  # noqa: E402
import gen_ledger_programme as G  # noqa: E402

BY = ["kommun", "gender"]
MAX_DIFFS_SHOWN = 8


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, ok, name, notes=()):
        self.n += 1
        self.failed += not ok
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, name))
        for line in notes:
            print("# " + line)
        sys.stdout.flush()

    def plan(self):
        print("1..%d" % self.n)


# ------------------------------------------------------------ self-check
# Two loans, each 1,200.00 SEK at 12 % a year (1 % a month, per-period),
# 3 monthly installments, equal principal, disbursed 2025-01-15, due
# 2025-02-15, 03-15, 04-15. Principal 400.00 each; interest 1 % of the
# balance: 12.00 (of 1,200), 8.00 (of 800), 4.00 (of 400).
#
# A, on time: pays 412.00 on 02-15, 408.00 on 03-15, 404.00 on 04-15.
#   At 2025-03-31: active, nothing overdue (days past due 0, arrears 0);
#   outstanding principal 400.00, interest 4.00; payoff = principal 400.00
#   + interest of period 3 (03-15..04-15, 31 days) accrued for 16 days:
#   400 öre * 16/31 = 206.45 -> 206 öre (half-even) = 2.06; payoff 402.06;
#   paid 820.00.
#   At 2025-04-30: closed on 2025-04-15, all paid (1,224.00), payoff 0.
# B, late: pays only 200.00 on 2025-02-20.
#   It goes to installment 1: interest 12.00 first, then principal 188.00.
#   At 2025-03-31: installment 1 owes principal 212.00, installment 2
#   principal 400.00 + interest 8.00: arrears 620.00; oldest unpaid due
#   date 02-15, so overdue since 02-16 and days past due 13 + 31 = 44;
#   outstanding principal 1,200 - 188 = 1,012.00, interest 8 + 4 = 12.00;
#   payoff 1,012.00 + 8.00 (due interest) + 2.06 (accrued, as for A) =
#   1,022.06.
# Portfolio at 2025-03-31 (both active): GLP 400 + 1,012 = 1,412.00;
#   PAR>1 = PAR>30 = 1,012.00 (B, 44 days), ratio 1012/1412 = 0.7167138...
#   -> 0.716714; PAR>60 and above 0.00; overdue 620.00, arrears rate
#   620/1412 = 0.4390934... -> 0.439093; buckets: current A (1, 400.00,
#   0.00), 31-60 B (1, 1,012.00, 620.00); provisioning 25 % of 1,012.00 =
#   253.00. Segment kommun X: A only; kommun Y: B only.
SELF_LOANS = """loan_id,principal,rate,term,frequency,method,interest,disbursed_on,kommun,gender
A,1200,12,3,monthly,equal-principal,per-period,2025-01-15,X,F
B,1200,12,3,monthly,equal-principal,per-period,2025-01-15,Y,M
"""
SELF_EVENTS = """loan_id,date,type,amount,ref
A,2025-01-15,disbursement,1200.00,
A,2025-02-15,repayment,412.00,
A,2025-03-15,repayment,408.00,
A,2025-04-15,repayment,404.00,
B,2025-01-15,disbursement,1200.00,
B,2025-02-20,repayment,200.00,
"""
SELF_EXPECTED = [
    ("loan A status 2025-03-31", "status", "A", "2025-03-31", {
        "state": "active", "days_past_due": 0, "overdue_since": None, "arrears": "0.00",
        "outstanding": {"principal": "400.00", "interest": "4.00", "fees": "0.00",
                        "penalties": "0.00"},
        "payoff": "402.06", "paid_total": "820.00", "credit_balance": "0.00",
        "closed_on": None, "restructured": False}),
    ("loan A status 2025-04-30", "status", "A", "2025-04-30", {
        "state": "closed", "closed_on": "2025-04-15", "paid_total": "1224.00",
        "payoff": "0.00", "arrears": "0.00",
        "outstanding": {"principal": "0.00", "interest": "0.00", "fees": "0.00",
                        "penalties": "0.00"}}),
    ("loan B status 2025-03-31", "status", "B", "2025-03-31", {
        "state": "active", "days_past_due": 44, "overdue_since": "2025-02-16",
        "arrears": "620.00",
        "outstanding": {"principal": "1012.00", "interest": "12.00", "fees": "0.00",
                        "penalties": "0.00"},
        "payoff": "1022.06", "paid_total": "200.00",
        "installments[0].paid": {"principal": "188.00", "interest": "12.00",
                                 "fees": "0.00", "penalties": "0.00"}}),
    ("par 2025-03-31", "par", None, "2025-03-31", {
        "total.loans": 2, "total.active": 2, "total.gross_portfolio": "1412.00",
        "total.par.1.amount": "1012.00", "total.par.1.ratio": "0.716714",
        "total.par.30.amount": "1012.00", "total.par.60.amount": "0.00",
        "total.par.60.ratio": "0.000000", "total.overdue": "620.00",
        "total.arrears_rate": "0.439093",
        "total.buckets[0].count": 1, "total.buckets[0].principal": "400.00",
        "total.buckets[2].from_days": 31, "total.buckets[2].count": 1,
        "total.buckets[2].principal": "1012.00", "total.buckets[2].overdue": "620.00",
        "total.provisioning": "253.00",
        "segments[0].key.kommun": "X", "segments[0].gross_portfolio": "400.00",
        "segments[1].key.kommun": "Y", "segments[1].par.30.amount": "1012.00"}),
]


# C, the re-amortising prepayment policies: 2,400.00 SEK at 12 % a year
# (1 % a month, per-period), 4 monthly installments, equal principal,
# disbursed 2025-01-15, due 02-15, 03-15, 04-15, 05-15; principal 600.00
# each, interest 24.00, 18.00, 12.00, 6.00. It pays installment 1 (624.00)
# on 02-15, then 1,300.00 on 02-20, when nothing is due: all of it goes by
# the policy. The current installment is 2 (due 03-15): the money pays its
# principal 600.00 and the other 700.00 is extra principal paid on it
# (principal 1,300.00, all paid; its interest 18.00, of its period on
# 1,800.00, stays due on 03-15). 500.00 is left on installments 3 and 4,
# re-amortised from 03-15 on their due dates:
#   reduce-term keeps 600.00 of principal per installment: only 3 remains
#   (04-15), principal 500.00, interest 1 % of 500.00 = 5.00; 4 goes.
#   reduce-installment: the same two, 250.00 each, interest 5.00 (of
#   500.00) and 2.50 (of 250.00).
# At 2025-02-20 either way: outstanding principal 500.00; payoff 500.00 +
# installment 2's 18.00 accrued for 5 of its 28 days (3.214 -> 3.21) =
# 503.21; paid 624.00 + 1,300.00 = 1,924.00.
PREPAY_LOANS = """loan_id,principal,rate,term,frequency,method,interest,disbursed_on
C,2400,12,4,monthly,equal-principal,per-period,2025-01-15
"""
PREPAY_EVENTS = """loan_id,date,type,amount,ref
C,2025-01-15,disbursement,2400.00,
C,2025-02-15,repayment,624.00,
C,2025-02-20,repayment,1300.00,
"""
PREPAY_BOTH = {
    "state": "active", "arrears": "0.00", "payoff": "503.21", "paid_total": "1924.00",
    "installments[1].due.principal": "1300.00", "installments[1].paid.principal": "1300.00",
    "installments[1].outstanding.interest": "18.00", "installments[2].due_date": "2025-04-15"}
PREPAY_EXPECTED = [
    ("loan C status 2025-02-20", "status", "C", "2025-02-20", dict(PREPAY_BOTH, **{
        "outstanding": {"principal": "500.00", "interest": "23.00", "fees": "0.00",
                        "penalties": "0.00"},
        "installments[2].due.principal": "500.00", "installments[2].due.interest": "5.00"}))]
PREPAY_INSTALLMENT_EXPECTED = [
    ("loan C status 2025-02-20", "status", "C", "2025-02-20", dict(PREPAY_BOTH, **{
        "outstanding": {"principal": "500.00", "interest": "25.50", "fees": "0.00",
                        "penalties": "0.00"},
        "installments[2].due.principal": "250.00", "installments[2].due.interest": "5.00",
        "installments[3].due_date": "2025-05-15", "installments[3].due.principal": "250.00",
        "installments[3].due.interest": "2.50"}))]


# G, deferred interest (README, "Status": "Interest an interest grace
# defers accrues over the periods that charged it"): 12,000.00 SEK at 12 %
# a year (1 % a month, per-period), 6 monthly installments, annuity,
# --grace-interest 3, disbursed 2024-01-01, due 02-01, 03-01, 04-01, 05-01,
# 06-01, 07-01; nothing but the disbursement. A = 12,000.00 * 0.01 /
# (1 - 1.01^-6) = 2,070.5804... -> 2,070.58; c_k = round(B_{k-1} * 0.01),
# principal_k = A - c_k (the last row the rest):
#   1: c 120.00 (of 12,000.00), principal 1,950.58, balance 10,049.42
#   2: c 100.49 (100.4942),     principal 1,970.09, balance  8,079.33
#   3: c  80.79 (80.7933),      principal 1,989.79, balance  6,089.54
#   4: c  60.90 (60.8954),      principal 2,009.68, balance  4,079.86
#   5: c  40.80 (40.7986),      principal 2,029.78, balance  2,050.08
#   6: c  20.50 (20.5008),      principal 2,050.08, balance      0.00
# Rows 1..3 charge c_1..c_3 but their interest is 0; row 4's interest is
# c_1 + c_2 + c_3 + c_4 = 362.18. At 2024-03-15 rows 1 and 2 are due and
# unpaid (principal 3,920.67: arrears; overdue since 02-02, 43 days past
# due). Payoff = all principal 12,000.00 + what is due by the date (only
# principal, counted already) + the deferred interest accrued: c_1 and c_2
# whole (their periods have ended), c_3 for 14 of the 31 days of 03-01 ..
# 04-01 (80.79 * 14/31 = 36.4858 -> 36.49); row 4's own period (04-01 ..
# 05-01) has not begun = 12,256.98. The figures are computed below with
# Fraction, independently of the reference and of schedule_ref.
GRACE_LOANS = """loan_id,principal,rate,term,frequency,method,interest,disbursed_on,grace_interest
G,12000,12,6,monthly,annuity,per-period,2024-01-01,3
"""
GRACE_EVENTS = """loan_id,date,type,amount,ref
G,2024-01-01,disbursement,12000.00,
"""


def grace_by_hand():
    """The figures of loan G at 2024-03-15, exactly (öre as Fraction,
    round(): half-even, the default rounding)."""
    def sek(x):
        return "%d.%02d" % divmod(x, 100)

    day = datetime.date
    principal, r, n, g = Fraction(1200000), Fraction(1, 100), 6, 3
    dues = [day(2024, 1 + k, 1) for k in range(1, n + 1)]
    starts = [day(2024, 1, 1)] + dues[:-1]
    as_of = day(2024, 3, 15)
    A = round(principal * r / (1 - (1 + r) ** -n))
    assert A == 207058  # 2,070.58
    balance, charged, parts = principal, [], []
    for k in range(1, n + 1):
        c = round(balance * r)
        p = balance if k == n else A - c
        balance -= p
        charged.append(c)
        parts.append(p)
    assert charged == [12000, 10049, 8079, 6090, 4080, 2050] and balance == 0
    interest = [0] * g + [sum(charged[:g + 1])] + charged[g + 1:]
    due_by = [k for k in range(n) if dues[k] <= as_of]            # rows 1 and 2
    # deferred c_k pro rata of the days of row k's own period passed
    accrued = 0
    for k in range(g):
        passed = min(max((as_of - starts[k]).days, 0), (dues[k] - starts[k]).days)
        accrued += round(Fraction(charged[k] * passed, (dues[k] - starts[k]).days))
    assert accrued == 12000 + 10049 + 3649
    payoff = principal + sum(interest[k] for k in due_by) + accrued
    arrears = sum(parts[k] + interest[k] for k in due_by)
    return {
        "state": "active", "payoff": sek(payoff), "arrears": sek(arrears),
        "days_past_due": (as_of - dues[0]).days,
        "overdue_since": (dues[0] + datetime.timedelta(days=1)).isoformat(),
        "outstanding": {"principal": sek(principal), "interest": sek(sum(charged)),
                        "fees": "0.00", "penalties": "0.00"},
        "installments[2].due.interest": "0.00",
        "installments[3].due.interest": sek(interest[g]),
        "installments[3].due.principal": sek(parts[g]),
        "paid_total": "0.00"}


GRACE_EXPECTED = [("loan G status 2024-03-15, deferred interest", "status", "G",
                   "2024-03-15", grace_by_hand())]

# The same loan under reduce-term paying 2,070.58 on 2024-02-01, when
# installment 1 (principal 1,950.58, interest 0) is due: 120.00 is extra
# principal paid on it (installment 1 now owes 2,070.58, all paid), and
# the 9,929.42 left on installments 2..6, none holding money, is
# re-amortised from 02-01 keeping A = 2,070.58. The carrier (4) is
# replaced: c_1 = 120.00, deferred by installment 1, which is kept, goes
# to the first new installment (README, "Prepayment": "interest that
# installments it keeps deferred to one of them ... goes to the first new
# installment"); c_2 and c_3 go with their installments. New installment
# 2: interest 1 % of 9,929.42 = 99.29 (99.2942), principal 2,070.58 -
# 99.29 = 1,971.29, plus c_1: interest 219.29. At 02-01 the payoff is
# 9,929.42 + c_1 accrued over installment 1's period, all of it (120.00),
# + nothing of the new period 02-01 .. 03-01 = 10,049.42.
GRACE_PREPAY_EVENTS = GRACE_EVENTS + "G,2024-02-01,repayment,2070.58,\n"
GRACE_PREPAY_EXPECTED = [("loan G status 2024-02-01, deferred interest carried", "status",
                          "G", "2024-02-01", {
                              "state": "active", "payoff": "10049.42", "arrears": "0.00",
                              "installments[0].due.principal": "2070.58",
                              "installments[1].due.principal": "1971.29",
                              "installments[1].due.interest": "219.29",
                              "outstanding.principal": "9929.42"})]
# ---- the other loan options (README "Penalties", "Status", "Allocation";
# loan.h, the replay order), computed by hand below with Fraction, without
# the reference. Both loans: 1,200.00 SEK at 12 % a year (1 % a month,
# per-period), 3 monthly installments, equal principal, disbursed
# 2025-01-15, due 02-15, 03-15, 04-15: principal 400.00 each, interest
# 12.00, 8.00, 4.00 (as loans A and B above).
#
# P, a late fee and default interest across a month end, with
# --late-fee 60 --late-fee-days 10 --default-rate 8 (ACT/365F, the default
# day count; rounding half-even, the terms' default). Nothing is paid until
# 300.00 on 2025-03-05.
#   Before the repayment (loan.h step 1, for the date 03-05): installment
#   1's late fee triggers on 02-15 + 10 = 02-25, before 03-05, and it is
#   unpaid (412.00 > tolerance 0): penalties 60.00. Default interest on its
#   overdue principal 400.00 from 02-15 to 03-05, across the end of
#   February (13 + 5 = 18 days): 40000 * 8 % * 18/365 = 157.81 öre -> 1.58.
#   The repayment 300.00 then pays installment 1 in the default order:
#   penalties 61.58, interest 12.00, principal 226.42 (173.58 left).
#   At 2025-03-20 (step 3): installment 2 (due 03-15) triggers on 03-25,
#   not yet; default interest to 03-20: installment 1 on 173.58 for 15 days
#   (03-05 .. 03-20): 17358 * 8 % * 15/365 = 57.07 öre -> 0.57;
#   installment 2 on 400.00 for 5 days: 43.84 öre -> 0.44. Penalties
#   outstanding 1.01; arrears 173.58 + 0.57 + 408.00 + 0.44 = 582.59;
#   33 days past due (since 02-16); payoff = principal 973.58 + due by the
#   date (interest 8.00, penalties 1.01) + installment 3's 4.00 accrued 5
#   of 31 days (0.645 -> 0.65) = 983.24.
#   At 2025-03-31: installment 2's late fee (trigger 03-25 <= as-of):
#   60.00; default interest installment 1: 17358 * 8 % * 26/365 =
#   98.92 öre -> 0.99; installment 2: 40000 * 8 % * 16/365 = 140.27 öre ->
#   1.40: penalties 0.99 and 61.40.
# Q, an allocation other than the default and a tolerance: --allocation
# interest-principal-penalties-fees --arrears-tolerance 30. A penalty of
# 25.00 on 2025-02-10 goes to installment 1 (due 02-15); 410.00 paid on
# 02-15 pays its interest 12.00, then principal 398.00 (nothing left for
# the penalty; the default order would have paid the penalty first and
# 373.00 of principal): 27.00 unpaid on installment 1 (principal 2.00,
# penalties 25.00), not above the tolerance of 30.00, so not overdue.
#   At 2025-03-31: installment 2 (408.00, due 03-15) is the oldest
#   overdue: 16 days past due, since 03-16; arrears all unpaid amounts due
#   before the date, tolerance or not: 27.00 + 408.00 = 435.00; payoff =
#   principal 802.00 + due (penalties 25.00, interest 8.00) + installment
#   3's interest accrued 16 of 31 days (2.06) = 837.06.
# R, due-then-advance: the same penalty of 25.00 on 02-10 and 500.00 paid
# on 02-15. Installment 1, due, in the default order: penalties 25.00,
# interest 12.00, principal 400.00; the 63.00 left is money in advance,
# which pays installment 2 principal first: principal 63.00, interest 0.
#   At 2025-02-20: active, nothing overdue; principal 737.00; payoff
#   737.00 + installment 2's 8.00 accrued 5 of 28 days (1.43) = 738.43.
OPT_LOANS = """loan_id,principal,rate,term,frequency,method,interest,disbursed_on
P,1200,12,3,monthly,equal-principal,per-period,2025-01-15
Q,1200,12,3,monthly,equal-principal,per-period,2025-01-15
R,1200,12,3,monthly,equal-principal,per-period,2025-01-15
"""
OPT_EVENTS = """loan_id,date,type,amount,ref
P,2025-01-15,disbursement,1200.00,
P,2025-03-05,repayment,300.00,
Q,2025-01-15,disbursement,1200.00,
Q,2025-02-10,penalty,25.00,
Q,2025-02-15,repayment,410.00,
R,2025-01-15,disbursement,1200.00,
R,2025-02-10,penalty,25.00,
R,2025-02-15,repayment,500.00,
"""
PENALTY_OPTIONS = "--late-fee 60 --late-fee-days 10 --default-rate 8"
ALLOC_OPTIONS = "--allocation interest-principal-penalties-fees --arrears-tolerance 30"
ADVANCE_OPTIONS = "--allocation due-then-advance"


def options_by_hand():
    """The expected figures of loans P, Q and R (öre; round() of a
    Fraction is half-even)."""
    def sek(x):
        assert x == int(x)
        return "%d.%02d" % divmod(int(x), 100)

    def days(a, b):
        return (datetime.date.fromisoformat(b) - datetime.date.fromisoformat(a)).days

    rate = Fraction(8, 100)

    def default_interest(principal, start, end):  # ACT/365F
        return round(principal * rate * Fraction(days(start, end), 365))

    # P at 03-05: late fee and default interest of installment 1, then the payment
    fee = 6000
    di1 = default_interest(40000, "2025-02-15", "2025-03-05")
    assert days("2025-02-15", "2025-03-05") == 18 and di1 == 158
    paid_p = 30000 - (fee + di1) - 1200                  # to principal after penalties, interest
    assert paid_p == 22642
    left1 = 40000 - paid_p                               # 173.58
    # P at 03-20
    a1 = default_interest(left1, "2025-03-05", "2025-03-20")
    a2 = default_interest(40000, "2025-03-15", "2025-03-20")
    assert (a1, a2) == (57, 44)
    accrued3 = round(Fraction(400 * days("2025-03-15", "2025-03-20"), 31))
    assert accrued3 == 65
    principal_p = 120000 - paid_p
    p20 = {
        "state": "active", "days_past_due": days("2025-02-15", "2025-03-20"),
        "overdue_since": "2025-02-16",
        "arrears": sek(left1 + a1 + 40000 + 800 + a2),
        "outstanding": {"principal": sek(principal_p), "interest": sek(800 + 400),
                        "fees": "0.00", "penalties": sek(a1 + a2)},
        "payoff": sek(principal_p + 800 + a1 + a2 + accrued3), "paid_total": "300.00",
        "installments[0].paid": {"principal": sek(paid_p), "interest": "12.00",
                                 "fees": "0.00", "penalties": sek(fee + di1)},
        "installments[0].due.penalties": sek(fee + di1 + a1),
        "installments[1].due.penalties": sek(a2)}
    b1 = default_interest(left1, "2025-03-05", "2025-03-31")
    b2 = default_interest(40000, "2025-03-15", "2025-03-31")
    assert (b1, b2) == (99, 140)
    p31 = {"installments[0].outstanding.penalties": sek(b1),
           "installments[1].outstanding.penalties": sek(fee + b2),
           "outstanding.penalties": sek(b1 + fee + b2),
           "days_past_due": days("2025-02-15", "2025-03-31")}
    # Q: interest, principal, penalties, fees; tolerance 30.00
    tolerance = 3000
    q_interest, q_principal = 1200, 41000 - 1200
    unpaid1 = (40000 - q_principal) + 2500
    assert unpaid1 == 2700 and unpaid1 <= tolerance
    q_principal_out = 120000 - q_principal
    q31 = {"state": "active", "days_past_due": days("2025-03-15", "2025-03-31"),
           "overdue_since": "2025-03-16", "arrears": sek(unpaid1 + 40800),
           "outstanding": {"principal": sek(q_principal_out), "interest": sek(800 + 400),
                           "fees": "0.00", "penalties": "25.00"},
           "payoff": sek(q_principal_out + 2500 + 800
                         + round(Fraction(400 * days("2025-03-15", "2025-03-31"), 31))),
           "installments[0].paid": {"principal": sek(q_principal), "interest": sek(q_interest),
                                    "fees": "0.00", "penalties": "0.00"}}
    # R: due-then-advance
    advance = 50000 - (2500 + 1200 + 40000)
    r_principal_out = 120000 - 40000 - advance
    r20 = {"state": "active", "days_past_due": 0, "arrears": "0.00",
           "installments[0].paid.penalties": "25.00",
           "installments[1].paid": {"principal": sek(advance), "interest": "0.00",
                                    "fees": "0.00", "penalties": "0.00"},
           "outstanding.principal": sek(r_principal_out),
           "payoff": sek(r_principal_out + round(Fraction(800 * 5, 28)))}
    return ([("loan P status 2025-03-20, late fee and default interest", "status", "P",
              "2025-03-20", p20),
             ("loan P status 2025-03-31, a late fee triggered by the as-of date", "status", "P",
              "2025-03-31", p31)],
            [("loan Q status 2025-03-31, allocation and arrears tolerance", "status", "Q",
              "2025-03-31", q31)],
            [("loan R status 2025-02-20, money in advance principal first", "status", "R",
              "2025-02-20", r20)])


PENALTY_EXPECTED, ALLOC_EXPECTED, ADVANCE_EXPECTED = options_by_hand()

# (loans, events, prepayment policy or loan options' flags, expected figures)
SELF_CASES = [(SELF_LOANS, SELF_EVENTS, R.NEXT_INSTALLMENTS, SELF_EXPECTED),
              (PREPAY_LOANS, PREPAY_EVENTS, "reduce-term", PREPAY_EXPECTED),
              (PREPAY_LOANS, PREPAY_EVENTS, "reduce-installment", PREPAY_INSTALLMENT_EXPECTED),
              (GRACE_LOANS, GRACE_EVENTS, R.NEXT_INSTALLMENTS, GRACE_EXPECTED),
              (GRACE_LOANS, GRACE_PREPAY_EVENTS, "reduce-term", GRACE_PREPAY_EXPECTED),
              (OPT_LOANS, OPT_EVENTS, PENALTY_OPTIONS, PENALTY_EXPECTED),
              (OPT_LOANS, OPT_EVENTS, ALLOC_OPTIONS, ALLOC_EXPECTED),
              (OPT_LOANS, OPT_EVENTS, ADVANCE_OPTIONS, ADVANCE_EXPECTED)]


def lookup(obj, path):
    """obj at a path like `total.buckets[2].count`; '<absent>' if missing;
    the length of a list for a path naming the list."""
    for part in path.split("."):
        name, _, index = part.partition("[")
        if not isinstance(obj, dict) or name not in obj:
            return "<absent>"
        obj = obj[name]
        if index:
            i = int(index.rstrip("]"))
            if not isinstance(obj, list) or i >= len(obj):
                return "<absent>"
            obj = obj[i]
    return len(obj) if isinstance(obj, list) else obj


def self_check(tap):
    for loans_csv, events_csv, policy, cases in SELF_CASES:
        loans = R.read_loans(io.StringIO(loans_csv))
        events = R.read_events(io.StringIO(events_csv))
        note = "" if policy == R.NEXT_INSTALLMENTS else ", " + policy
        if policy.startswith("--"):
            policy = R.Options.parse(shlex.split(policy))
        for name, kind, loan_id, as_of, expected in cases:
            d = R.parse_date(as_of)
            if kind == "par":
                got = R.par_report(loans, events, d, ["kommun"], policy)
            else:
                (_row, st), = R.loan_statuses(loans, events, d, {loan_id}, policy)
                got = R.status_json(st, d, loan_id)
            diffs = ["%s: reference %r, by hand %r" % (k, lookup(got, k), v)
                     for k, v in expected.items() if lookup(got, k) != v]
            tap.result(not diffs, "reference self-check: %s%s (%d figures by hand)"
                       % (name, note, len(expected)), diffs)


# ------------------------------------------------------------ comparisons
def flatten(x, prefix=""):
    """{path: leaf} of a JSON value, paths as lookup() reads them (an empty
    list is a leaf)."""
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            out.update(flatten(v, "%s.%s" % (prefix, k) if prefix else str(k)))
        return out
    if isinstance(x, list):
        out = {}
        for i, v in enumerate(x):
            out.update(flatten(v, "%s[%d]" % (prefix, i)))
        if not x:
            out[prefix] = []
        return out
    return {prefix: x}


def field_diffs(ref, real, keys=None):
    """'path: reference X, mikrolan Y' for every differing leaf."""
    fr, fm = flatten(ref), flatten(real)
    if keys is not None:
        fr = {k: v for k, v in fr.items() if k.split(".")[0].split("[")[0] in keys}
        fm = {k: v for k, v in fm.items() if k.split(".")[0].split("[")[0] in keys}
    missing = "<missing>"
    return ["%s: reference %r, mikrolan %r" % (k, fr.get(k, missing), fm.get(k, missing))
            for k in sorted(set(fr) | set(fm)) if fr.get(k, missing) != fm.get(k, missing)]


def run(argv):
    """(stdout, None) or (None, a one-line failure)."""
    try:
        p = subprocess.run(argv, capture_output=True, text=True)
    except OSError as e:
        return None, "%s: %s" % (argv[0], e)
    if p.returncode != 0:
        return None, "%s exited %d: %s" % (" ".join(argv[:2]), p.returncode,
                                            p.stderr.strip()[:300])
    return p.stdout, None


def check_par(tap, a, progdir, loans, events, seed, as_of):
    name = "seed %d as-of %s: par --by %s%s" % (seed, as_of, ",".join(BY), policy_note(a))
    out, err = run([a.binary, "par", "--loans", os.path.join(progdir, "loans.csv"),
                    "--events", os.path.join(progdir, "events.csv"), "--as-of", as_of,
                    "--format", "json", "--by", ",".join(BY)] + a.opts.argv())
    if err:
        tap.result(False, name, [err])
        return
    ref = R.par_report(loans, events, R.parse_date(as_of), BY, a.opts)
    diffs = field_diffs(ref, json.loads(out))
    nfields = len(flatten(ref))
    tap.result(not diffs, "%s (%d loans, %d fields)" % (name, len(loans), nfields),
               ["%d field(s) differ" % len(diffs)] + diffs[:MAX_DIFFS_SHOWN] if diffs else ())


# the keys of `mikrolan status --format json` the reference computes
STATUS_KEYS = {"state", "days_past_due", "overdue_since", "outstanding", "arrears",
               "payoff", "restructured", "credit_balance", "paid_total", "closed_on",
               "installments"}


def write_journal(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def policy_note(a):
    """A TAP name's note of loan options other than the defaults."""
    note = a.opts.note()
    return ", " + note if note else ""


def status_argv(a, row, path, as_of):
    """`MIKROLAN status` of a loans-file row and a one-loan journal at path."""
    return ([a.binary, "status"] + R.term_flags(row) +
            ["--events", path, "--as-of", as_of, "--format", "json"]
            + a.opts.argv())


def status_diffs(a, row, rows, header, as_of, path):
    """Differences between mikrolan status and the reference for one loan."""
    write_journal(path, header, rows)
    out, err = run(status_argv(a, row, path, as_of))
    if err:
        return [err]
    terms, _ = R.terms_of_row(row)
    # `mikrolan status` has no restructured flag: only the journal can set it
    st = R.loan_status(terms, False, rows, R.parse_date(as_of), prepayment=a.opts)
    ref = R.status_json(st, R.parse_date(as_of), row["loan_id"])
    return field_diffs(ref, json.loads(out), STATUS_KEYS)


def check_status(tap, a, progdir, loans, events, header, seed, as_of):
    path = os.path.join(progdir, "one_loan.csv")
    k = a.per_loan
    bad = []
    for row in loans[:k]:
        diffs = status_diffs(a, row, events.get(row["loan_id"], []), header, as_of, path)
        if diffs:
            bad.append((row["loan_id"], diffs))
    notes = []
    for loan_id, diffs in bad[:3]:
        notes += ["%s: %s" % (loan_id, d) for d in diffs[:3]]
    tap.result(not bad, "seed %d as-of %s: status of the first %d loans%s%s"
               % (seed, as_of, min(k, len(loans)), policy_note(a),
                  ", %d differ" % len(bad) if bad else ""), notes)


def check_seed(tap, a, workdir, seed):
    progdir = os.path.join(workdir, "seed%d" % seed)
    _out, err = run([a.binary, "generate", "--loans", str(a.loans), "--seed", str(seed),
                     "--out", progdir])
    if err:
        tap.result(False, "seed %d: generate" % seed, [err])
        return
    with R.open_csv(os.path.join(progdir, "loans.csv")) as f:
        loans = R.read_loans(f)
    with R.open_csv(os.path.join(progdir, "events.csv")) as f:
        header = csv.DictReader(f).fieldnames
        f.seek(0)
        events = R.read_events(f)
    for as_of in a.as_of:
        check_par(tap, a, progdir, loans, events, seed, as_of)
        if a.per_loan > 0:
            check_status(tap, a, progdir, loans, events, header, seed, as_of)


# ------------------------------------------------------------ --wide
WIDE_BY = ["kommun"]
WIDE_AS_OF = "2024-06-30,2025-06-30,2026-12-31"


class Results:
    """Tap.result calls kept to be printed later (a worker's results)."""

    def __init__(self):
        self.lines = []

    def result(self, ok, name, notes=()):
        self.lines.append((ok, name, list(notes)))


def skipped_loans(path):
    """{loan_id: first reason} of a --skip-bad file."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["loan_id"], "%s:%s: %s" % (os.path.basename(row["file"]),
                                                           row["line"], row["reason"]))
    return out


def append_invalid(loans, events, prepayment):
    """{loan_id: problem} of the loans `mikrolan status` rejects."""
    out = {}
    for row in loans:
        terms, _ = R.terms_of_row(row)
        problem = R.append_problem(terms, events.get(row["loan_id"], []),
                                   R.max_principal_of(row), prepayment)
        if problem:
            out[row["loan_id"]] = problem
    return out


def check_wide_par(tap, a, progdir, loans, events, seed, as_of):
    """par --skip-bad at as_of against the reference: the loans it skips
    against R.batch_statuses' invalid ones, the report of the rest."""
    name = "wide seed %d as-of %s: par --skip-bad --by %s%s" % (seed, as_of, ",".join(WIDE_BY),
                                                              policy_note(a))
    skipfile = os.path.join(progdir, "skipped_%s.csv" % as_of)
    out, err = run([a.binary, "par", "--loans", os.path.join(progdir, "loans.csv"),
                    "--events", os.path.join(progdir, "events.csv"), "--as-of", as_of,
                    "--format", "json", "--by", ",".join(WIDE_BY), "--skip-bad", skipfile]
                   + a.opts.argv())
    if err:
        tap.result(False, name, [err])
        return
    skipped = skipped_loans(skipfile)
    invalid, kept = R.batch_statuses(loans, events, R.parse_date(as_of), a.opts)
    notes = []
    for lid in sorted(set(skipped) - set(invalid)):
        notes.append("%s: skipped by par (%s), valid for the reference" % (lid, skipped[lid]))
    for lid in sorted(set(invalid) - set(skipped)):
        notes.append("%s: kept by par, invalid for the reference (event %d: %s)"
                     % (lid, invalid[lid][0] + 1, invalid[lid][1]))
    ref = R.report_of(kept, R.parse_date(as_of), WIDE_BY)
    real = json.loads(out)
    ref["skipped"]["loans"] = len(invalid)
    ref["skipped"]["rows"] = real.get("skipped", {}).get("rows")  # counted, not checked
    diffs = field_diffs(ref, real)
    if diffs:
        notes += ["%d field(s) differ" % len(diffs)] + diffs[:MAX_DIFFS_SHOWN]
    tap.result(not notes, "%s (%d loans, %d invalid, %d fields)"
               % (name, len(loans), len(invalid), len(flatten(ref))), notes[:2 * MAX_DIFFS_SHOWN])


def check_wide_status(tap, a, progdir, loans, events, invalid, seed, as_of):
    """status of valid loans against the reference, exit 2 on the invalid
    ones; invalid: append_invalid."""
    path = os.path.join(progdir, "one_loan.csv")
    header = G.EVENT_COLUMNS
    valid = [row for row in loans if row["loan_id"] not in invalid][:a.per_loan]
    bad = []
    for row in valid:
        diffs = status_diffs(a, row, events.get(row["loan_id"], []), header, as_of, path)
        if diffs:
            bad.append((row["loan_id"], diffs))
    rejected = [row for row in loans if row["loan_id"] in invalid][:a.per_loan]
    for row in rejected:
        write_journal(path, header, events.get(row["loan_id"], []))
        p = subprocess.run(status_argv(a, row, path, as_of), capture_output=True, text=True)
        if p.returncode != 2:
            bad.append((row["loan_id"], ["exit %d, expected 2: the reference rejects event "
                                         "%d: %s" % (p.returncode, invalid[row["loan_id"]][0] + 1,
                                                     invalid[row["loan_id"]][1])]))
    notes = []
    for loan_id, diffs in bad[:4]:
        notes += ["%s: %s" % (loan_id, d) for d in diffs[:3]]
    tap.result(not bad, "wide seed %d as-of %s: status of the first %d valid loans, "
               "rejection of the first %d invalid%s%s"
               % (seed, as_of, len(valid), len(rejected), policy_note(a),
                  ", %d differ" % len(bad) if bad else ""), notes)


def moved_window_dates(row, events, prepayment):
    """Dates after an interest period's end and before its due date, which a
    bank day moved later (the payoff then counts the next period's days too):
    one per such installment of the loan's schedule as the journal leaves it
    at the end, at most three."""
    if not row.get("calendar"):
        return []
    terms, _ = R.terms_of_row(row)
    rows = events
    end = max((R.parse_date(e["date"]) for e in rows), default=terms.disbursed)
    st = R.loan_status(terms, False, rows, end, prepayment=prepayment)
    out = [it.end + R.datetime.timedelta(days=1) for it in st["installments"]
           if it.n > 0 and (it.due_date - it.end).days >= 2]
    return out[:3]


def check_wide_moved(tap, a, progdir, loans, events, invalid, seed):
    """status of valid loans with a calendar on days inside a moved due date."""
    path = os.path.join(progdir, "one_loan.csv")
    bad, checked = [], 0
    for row in loans:
        if row["loan_id"] in invalid or checked >= a.per_loan:
            continue
        rows = events.get(row["loan_id"], [])
        dates = moved_window_dates(row, rows, a.opts)
        checked += bool(dates)
        for d in dates:
            diffs = status_diffs(a, row, rows, G.EVENT_COLUMNS, d.isoformat(), path)
            if diffs:
                bad.append(("%s at %s" % (row["loan_id"], d), diffs))
    notes = []
    for what, diffs in bad[:4]:
        notes += ["%s: %s" % (what, x) for x in diffs[:3]]
    tap.result(not bad, "wide seed %d: status of %d valid loans on days between a period's "
               "end and its moved due date%s%s" % (seed, checked, policy_note(a),
                                                  ", %d differ" % len(bad) if bad else ""), notes)


def check_wide_seed(a, workdir, seed):
    """Results of one seed of --wide (runs in a worker process)."""
    tap = Results()
    progdir = os.path.join(workdir, "wide%d" % seed)
    loans, event_rows = G.generate(seed, a.loans, a.opts)
    G.write(progdir, loans, event_rows)
    events = {}
    for e in event_rows:
        events.setdefault(e["loan_id"], []).append(e)
    invalid = append_invalid(loans, events, a.opts)
    for as_of in a.as_of:
        check_wide_par(tap, a, progdir, loans, events, seed, as_of)
        if a.per_loan > 0:
            check_wide_status(tap, a, progdir, loans, events, invalid, seed, as_of)
    if a.per_loan > 0:
        check_wide_moved(tap, a, progdir, loans, events, invalid, seed)
    return tap.lines


def run_wide(tap, a, workdir):
    jobs = max(1, min(a.jobs, len(a.seeds)))
    if jobs == 1:
        results = [check_wide_seed(a, workdir, seed) for seed in a.seeds]
    else:
        with concurrent.futures.ProcessPoolExecutor(
                jobs, initializer=R.load_schedule_ref, initargs=(a.schedule_ref,)) as pool:
            results = list(pool.map(check_wide_seed, [a] * len(a.seeds),
                                    [workdir] * len(a.seeds), a.seeds))
    for lines in results:
        for ok, name, notes in lines:
            tap.result(ok, name, notes)


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary", nargs="?", help="the mikrolan executable under test")
    ap.add_argument("--loans", type=int, default=400)
    ap.add_argument("--seeds", default="11,12")
    ap.add_argument("--as-of", help="default 2025-06-30,2026-06-30,2027-12-31; "
                    "with --wide " + WIDE_AS_OF)
    ap.add_argument("--wide", action="store_true",
                    help="programmes of gen_ledger_programme.py, par --skip-bad")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="--wide: seeds checked in parallel")
    ap.add_argument("--per-loan", type=int, default=100,
                    help="loans compared one by one with mikrolan status (0: none)")
    ap.add_argument("--workdir", help="keep the programmes here (default: a temporary "
                    "directory, removed at the end)")
    ap.add_argument("--schedule-ref", help="bench/peers/schedule_ref.py "
                    "(default: ../bench/peers/ from this file's folder)")
    ap.add_argument("--prepayment", choices=R.PREPAYMENTS, default=R.NEXT_INSTALLMENTS,
                    help="the prepayment policy of every loan (default %(default)s)")
    ap.add_argument("--options", default="",
                    help="the other loan options of every loan, as flags of mikrolan "
                    "status/par in one string, e.g. \"--late-fee 60 --late-fee-days 10 "
                    "--default-rate 8 --allocation interest-principal-penalties-fees\" "
                    "(passed to both the reference and mikrolan; a --prepayment in it "
                    "overrides --prepayment)")
    ap.add_argument("--self-check", action="store_true",
                    help="only check the reference against hand-computed figures")
    a = ap.parse_args(argv)
    if not a.self_check and not a.binary:
        ap.error("MIKROLAN_BINARY is required (or --self-check)")
    a.seeds = [int(s) for s in a.seeds.split(",") if s]
    if a.as_of is None:
        a.as_of = WIDE_AS_OF if a.wide else "2025-06-30,2026-06-30,2027-12-31"
    a.as_of = [d for d in a.as_of.split(",") if d]
    return a


def main(argv):
    a = parse_args(argv)
    try:
        R.load_schedule_ref(a.schedule_ref)
    except FileNotFoundError as e:
        print("Bail out! %s" % e)
        return 2
    try:
        a.opts = R.Options.parse(shlex.split(a.options), a.prepayment)
    except SystemExit:
        print("Bail out! --options %r: not options of mikrolan status" % a.options)
        return 2
    a.prepayment = a.opts.prepayment
    tap = Tap()
    self_check(tap)
    if not a.self_check:
        if not (os.path.isfile(a.binary) and os.access(a.binary, os.X_OK)):
            print("Bail out! %s is not an executable file" % a.binary)
            return 2
        workdir = a.workdir or tempfile.mkdtemp(prefix="diff_ledger_")
        os.makedirs(workdir, exist_ok=True)
        try:
            if a.wide:
                run_wide(tap, a, workdir)
            else:
                for seed in a.seeds:
                    check_seed(tap, a, workdir, seed)
        finally:
            if not a.workdir:
                shutil.rmtree(workdir, ignore_errors=True)
    tap.plan()
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
