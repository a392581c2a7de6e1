#!/usr/bin/env python3
"""Independent reference for `mikrolan status` and `mikrolan par`, with
any loan options (Options: --allocation, all four orders; --prepayment,
next-installments by default, reduce-term, reduce-installment;
--arrears-tolerance; --late-fee and --late-fee-days; --default-rate and
--default-day-count, README "Penalties" and loan.h's replay order) and
default portfolio options (thresholds 1,30,60,90,180,365; buckets
0,30,60,90,180,365 and open; provisioning 0,10,25,50,75,90,100 %;
restructured loans at risk from 30 days).

Written from the specification only, sharing no code with lib/ or cli/:
  - README.md, "The loan ledger (`mikrolan/loan.h`)", "`mikrolan status`",
    "Portfolio quality (`mikrolan/portfolio.h`)", "`mikrolan par`" and
    "The journal file";
  - issue 4 (the loan ledger, `issues show 4`) and issue 5 (portfolio at
    risk, `issues show 5`);
  - include/mikrolan/loan.h (replay order) and portfolio.h (definitions).
Schedules come from bench/peers/schedule_ref.py, the independent schedule
reference, loaded by path (see load_schedule_ref).

Money is integer minor units (SEK, 2 decimals), ratios fractions.Fraction;
every amount is rounded once, with schedule_ref's exact rounding.

Invalid journals, two notions (README, ledger section, "The batch forms
check what a status needs"): `batch_problem` -- would `mikrolan par --as-of
D` reject the loan (events on their own, events dated by D against the
replay to D); `append_problem` -- would `mikrolan status` (ml_loan_append,
event by event) reject it at any --as-of (every prefix, every date).
`par_report` (valid loans only) and `loan_status` replay whatever they
are given. What it does not model: the JSON keys next_due_date, next_due_amount, written_off_total, currency of
`mikrolan status`. Where
the spec is silent it says so in a comment, and a replay it is unsure of
adds a warning to the status.

  ref_ledger.py [--schedule-ref PATH] par    --loans F --events F --as-of D [--by C1,C2]
                                             [--prepayment POLICY] [--options "FLAGS"]
  ref_ledger.py [--schedule-ref PATH] status --loans F --events F --as-of D --loan-id ID
                                             [--prepayment POLICY] [--options "FLAGS"]
"""
import argparse
import contextlib
import copy
import csv
import datetime
import importlib.util
import json
import os
import shlex
import sys
from fractions import Fraction

S = None  # the schedule_ref module, set by load_schedule_ref()

PRINCIPAL, INTEREST, FEES, PENALTIES = range(4)
COMPONENTS = ("principal", "interest", "fees", "penalties")
ALLOCATION_ORDER = (PENALTIES, FEES, INTEREST, PRINCIPAL)  # Fineract standard
EXPONENT = 2  # SEK, `mikrolan par`'s default currency
NEXT_INSTALLMENTS = "next-installments"  # the default prepayment policy
PREPAYMENTS = (NEXT_INSTALLMENTS, "reduce-term", "reduce-installment")
ALLOCATIONS = ("penalties-fees-interest-principal", "interest-principal-penalties-fees",
               "principal-interest-penalties-fees", "due-then-advance")
# Within an installment the components are paid in the order the name gives
# (loan.h, ml_allocation). due-then-advance: due installments in the
# default order; then what events charged to later installments (README:
# charged by the date, so due; see pay_charges_ahead); "then money in
# advance pays later installments principal first" -- per later
# installment, principal first, then (spec silent on the rest) penalties,
# fees, interest, as Fineract's strategy of that name ("due penalty, fee,
# interest, principal; in advance principal, penalty, fee, interest") does.
ALLOCATION_ORDERS = {
    "penalties-fees-interest-principal": (PENALTIES, FEES, INTEREST, PRINCIPAL),
    "interest-principal-penalties-fees": (INTEREST, PRINCIPAL, PENALTIES, FEES),
    "principal-interest-penalties-fees": (PRINCIPAL, INTEREST, PENALTIES, FEES),
    "due-then-advance": (PENALTIES, FEES, INTEREST, PRINCIPAL),
}
ADVANCE_ORDERS = dict(ALLOCATION_ORDERS, **{
    "due-then-advance": (PRINCIPAL, PENALTIES, FEES, INTEREST)})
DAY_COUNTS = ("act365", "act360", "actact", "30360", "30e360", "30e360isda")


class Options:
    """How a loan is kept (ml_loan_options, the flags of `mikrolan status`
    and `mikrolan par`): allocation, prepayment, arrears tolerance (minor
    units), late fee (minor units) and its days, default rate (Fraction)
    and its day count. Every function below that takes `prepayment` takes
    a policy name or an Options."""

    def __init__(self, prepayment=NEXT_INSTALLMENTS, allocation=ALLOCATIONS[0],
                 arrears_tolerance=0, late_fee=0, late_fee_days=0,
                 default_rate=Fraction(0), default_day_count="act365"):
        self.prepayment = prepayment
        self.allocation = allocation
        self.arrears_tolerance = arrears_tolerance
        self.late_fee = late_fee
        self.late_fee_days = late_fee_days
        self.default_rate = default_rate
        self.default_day_count = default_day_count
        self.flags = []  # as given to parse()

    @classmethod
    def parse(cls, argv, prepayment=NEXT_INSTALLMENTS):
        """Options of `mikrolan status` flags (a list of words); prepayment
        unless they give --prepayment."""
        ap = argparse.ArgumentParser(prog="options")
        ap.add_argument("--allocation", choices=ALLOCATIONS, default=ALLOCATIONS[0])
        ap.add_argument("--prepayment", choices=PREPAYMENTS, default=prepayment)
        ap.add_argument("--arrears-tolerance", default="0")
        ap.add_argument("--late-fee", default="0")
        ap.add_argument("--late-fee-days", type=int, default=0)
        ap.add_argument("--default-rate", default="0")
        ap.add_argument("--default-day-count", choices=DAY_COUNTS, default="act365")
        a = ap.parse_args(argv)
        o = cls(a.prepayment, a.allocation, parse_amount(a.arrears_tolerance),
                parse_amount(a.late_fee), a.late_fee_days, S.parse_percent(a.default_rate),
                a.default_day_count)
        o.flags = list(argv)
        return o

    def argv(self):
        """The flags that keep a loan so in `mikrolan status` and `par`."""
        out = ["--prepayment", self.prepayment]
        if self.allocation != ALLOCATIONS[0]:
            out += ["--allocation", self.allocation]
        if self.arrears_tolerance:
            out += ["--arrears-tolerance", format_amount(self.arrears_tolerance)]
        if self.late_fee:
            out += ["--late-fee", format_amount(self.late_fee)]
        if self.late_fee_days:
            out += ["--late-fee-days", str(self.late_fee_days)]
        if self.default_rate:
            out += ["--default-rate", percent_text(self.default_rate)]
        if self.default_day_count != "act365":
            out += ["--default-day-count", self.default_day_count]
        return out

    def note(self):
        """What a TAP name says of options other than the defaults."""
        words = self.argv()
        if self.prepayment == NEXT_INSTALLMENTS:
            words = words[2:]
        return " ".join(words)


def as_options(x):
    """An Options of a prepayment policy name, or x itself."""
    return x if isinstance(x, Options) else Options(x or NEXT_INSTALLMENTS)


def percent_text(rate):
    """A Fraction rate as a percent text with no trailing zeros."""
    q = rate * 100
    whole, rest = divmod(q.numerator, q.denominator)
    digits = ""
    while rest and len(digits) < 9:
        rest *= 10
        digits += str(rest // q.denominator)
        rest %= q.denominator
    return "%d%s" % (whole, "." + digits if digits else "")


def load_schedule_ref(path=None):
    """Import schedule_ref.py from path, by default ../bench/peers/ next to
    this file's folder (this file lives in tests/)."""
    global S
    if path is None:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "bench", "peers", "schedule_ref.py")
    if not os.path.isfile(path):
        raise FileNotFoundError("schedule_ref.py not found at %s; give --schedule-ref PATH"
                                % os.path.normpath(path))
    spec = importlib.util.spec_from_file_location("schedule_ref", path)
    S = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(S)
    return S


def parse_date(text):
    return datetime.date.fromisoformat(text)


def format_amount(minor):
    return S.format_amount(minor, EXPONENT)


def parse_amount(text):
    return S.parse_amount(text, EXPONENT)


# ------------------------------------------------------------ loans file
TERM_COLUMNS = {
    "principal", "rate", "term", "frequency", "method", "interest", "disbursed_on",
    "first_due", "grace_principal", "grace_interest", "interest_free", "rounding",
    "installment_multiple", "upfront_fee", "installment_fee", "calendar",
    "business_day", "max_principal", "currency", "adjusted_interest_periods"}
YES = {"1", "yes", "true"}


def column_name(col):
    """`first-due` and `first_due` name the same column."""
    return col.replace("-", "_")


def term_flags(row):
    """The `mikrolan schedule`/`status` flags a loans-file row stands for."""
    argv = []
    for col, val in row.items():
        c = column_name(col)
        if c not in TERM_COLUMNS or val == "":
            continue
        if c == "adjusted_interest_periods":
            if val.lower() in YES:
                argv.append("--adjusted-interest-periods")
            continue
        flag = "disbursed" if c == "disbursed_on" else c.replace("_", "-")
        argv += ["--" + flag, val]
    return argv


def terms_of_row(row):
    """(schedule_ref Terms, restructured column) of a loans-file row."""
    argv = term_flags(row)
    if "--max-principal" in argv:  # a limit, not a term of the schedule
        k = argv.index("--max-principal")
        del argv[k:k + 2]
    restructured = any(column_name(c) == "restructured" and v.lower() in YES
                       for c, v in row.items())
    return S.terms_from_args(argv), restructured


def max_principal_of(row):
    """The loans-file row's max_principal in minor units (default 250,000)."""
    text = next((v for c, v in row.items() if column_name(c) == "max_principal" and v), None)
    return parse_amount(text) if text else 25000000


# ------------------------------------------------------------ schedule
@contextlib.contextmanager
def fixed_annuity_installment(installment, principal):
    """Make schedule_ref's annuity installment exactly `installment`:
    it computes A = round(P * num / (den * mult)) * mult, so num/den =
    installment/P gives A = installment (with mult = 1)."""
    saved = S.annuity_factor
    S.annuity_factor = lambda a, b, m: (installment, principal)
    try:
        yield
    finally:
        S.annuity_factor = saved


def zero_rate_fixed_installment(rows, t, installment):
    """An annuity at rate 0 with a fixed installment: every row after the
    principal grace pays that installment of principal (schedule.h: A - c_k
    with c_k = 0, kept within 0..B), the last one the rest. (schedule_ref
    computes A = P/m at rate 0 without asking annuity_factor.)"""
    out, balance = [], t.principal
    for (n, due, p, i, fee, _total, _balance) in rows:
        if n > 0:
            p = balance if n == t.term else (0 if n <= t.grace_principal
                                            else min(installment, balance))
            balance -= p
        out.append((n, due, p, i, fee, p + i + fee, balance if n > 0 else _balance))
    return out


class Installment:
    """One schedule row and what happened to it, by component."""
    __slots__ = ("n", "due_date", "start", "end", "due", "paid", "waived",
                 "written_off", "charged", "deferred", "deferred_end",
                 "late_fee_decided", "accrued_to")

    def __init__(self, n, due_date, start, end, due, deferred=0):
        self.n = n
        self.due_date = due_date
        self.start, self.end = start, end  # its interest period
        self.due = list(due)
        self.paid = [0, 0, 0, 0]
        self.waived = [0, 0, 0, 0]
        self.written_off = [0, 0, 0, 0]
        # fees and penalties charged by events and still outstanding
        self.charged = [0, 0, 0, 0]
        # interest_deferred (schedule.h, loan.h): on installments 1 ..
        # grace_interest, c_k, the interest its period charged and deferred
        # to installment grace_interest + 1; it accrues over start ..
        # deferred_end (its own period, until settling or a prepayment that
        # takes all the principal leaves only what had accrued)
        self.deferred = deferred
        self.deferred_end = end
        # penalties (README "Penalties", loan.h replay step 1): the late fee
        # is decided once (charged or not); default interest has accrued up
        # to accrued_to (from the due date: "from the day after the due date")
        self.late_fee_decided = False
        self.accrued_to = due_date

    def settle_charged(self, c, y):
        """y of component c was paid or waived: what events charged goes
        first (spec silent, loan.h only names a row's charged fees and
        penalties outstanding; like mikrolan: it tells the payoff's
        "charges on later installments" from the scheduled fees)."""
        self.charged[c] -= min(y, self.charged[c])

    def out(self, c):
        return self.due[c] - self.paid[c] - self.waived[c] - self.written_off[c]

    def out_total(self):
        return sum(self.due) - sum(self.paid) - sum(self.waived) - sum(self.written_off)


SCHEDULE_KEYS = ("principal", "rate", "term", "disbursed", "frequency", "method",
                 "interest", "first_due", "grace_principal", "grace_interest",
                 "interest_free", "rounding", "installment_multiple", "upfront_fee",
                 "upfront_fee_percent", "installment_fee", "calendar", "business_day",
                 "adjusted_interest_periods", "exponent")
_schedule_cache = {}


@contextlib.contextmanager
def kept_due_dates(dates):
    """Make schedule_ref's due dates exactly dates, ((unadjusted, adjusted)
    tuples of a re-amortising prepayment: its installments keep their due
    dates, README "Prepayment"), whatever the anchor and frequency say."""
    if dates is None:
        yield
        return
    saved = S.due_dates
    S.due_dates = lambda *_args: dates
    try:
        yield
    finally:
        S.due_dates = saved


def schedule_rows(t, fixed_installment=0, dates=None):
    """(schedule rows, interest period starts, ends, interest_deferred of
    each row) of terms t, computed
    once per distinct terms (a schedule is a pure function of its terms);
    dates: the (unadjusted, adjusted) due dates to keep, or None."""
    key = tuple(getattr(t, k) for k in SCHEDULE_KEYS) + (fixed_installment, dates)
    hit = _schedule_cache.get(key)
    if hit is None:
        with kept_due_dates(dates):
            hit = _schedule_cache[key] = computed_schedule(t, fixed_installment)
    return hit


def computed_schedule(t, fixed_installment):
    """schedule_rows without the cache (which it keeps small)."""
    if len(_schedule_cache) > 20000:
        _schedule_cache.clear()
    deferred = []  # interest_deferred of each row (schedule_ref)
    if fixed_installment and t.method == "annuity" and t.rate == 0:
        # rate 0: no interest, so none deferred whatever the principal parts
        rows = zero_rate_fixed_installment(S.compute(t, deferred), t, fixed_installment)
    elif fixed_installment and t.method == "annuity":
        # "this installment", as given: the installment multiple rounds
        # only a computed one
        t1 = copy.copy(t)
        t1.installment_multiple = 1
        with fixed_annuity_installment(fixed_installment, t.principal):
            rows = S.compute(t1, deferred)
    else:
        rows = S.compute(t, deferred)
    unadjusted, adjusted = S.due_dates(t.disbursed, t.first_due, t.frequency, t.term,
                                       t.calendar, t.business_day)
    ends = adjusted if t.adjusted_interest_periods else unadjusted
    starts = (t.disbursed,) + ends[:-1]
    return rows, starts, ends, tuple(deferred)


def schedule_installments(t, fixed_installment=0, dates=None):
    """The installments of terms t; row 0 (an upfront fee) when there is one.
    Interest periods run between unadjusted due dates unless the terms
    adjust them (schedule.h)."""
    rows, starts, ends, deferred = schedule_rows(t, fixed_installment, dates)
    out = []
    for (n, due, p, i, fee, _total, _balance), c in zip(rows, deferred):
        if n == 0:
            out.append(Installment(0, due, t.disbursed, t.disbursed, (0, 0, fee, 0)))
        else:
            out.append(Installment(n, due, starts[n - 1], ends[n - 1], (p, i, fee, 0), c))
    return out


def level_amount(t, fixed_installment=0):
    """What reduce-term keeps of terms t (README "Prepayment"): the
    annuity's equal installment A (a reschedule's fixed one when given) or
    equal principal's principal per installment, as schedule.h defines
    them; 0 for flat and bullet, which treat reduce-term as
    reduce-installment."""
    m = t.term - t.grace_principal
    rnd = S.NONNEG_ROUNDER[t.rounding]
    if t.method == "equal-principal":
        return rnd(t.principal, m)
    if t.method != "annuity":
        return 0
    if fixed_installment:
        return fixed_installment
    r = t.rate / S.periods_per_year(t.frequency)
    mult = t.installment_multiple
    if r == 0:
        return rnd(t.principal, m * mult) * mult
    num, den = S.annuity_factor(r.numerator, r.denominator, m)
    return rnd(t.principal * num, den * mult) * mult


def level_installments(t, dates, level):
    """reduce-term's re-amortisation of terms t (no grace, no interest-free
    period) on the kept due dates ((unadjusted, adjusted), one per former
    installment): each installment pays level (annuity: principal_k =
    level - c_k; equal principal: principal_k = level), kept within
    0..B_{k-1}, until the balance is paid, so fewer installments; interest
    c_k = round(B_{k-1} i_k) (schedule.h); the last one takes the rest."""
    unadjusted, adjusted = dates
    ends = adjusted if t.adjusted_interest_periods else unadjusted
    starts = (t.disbursed,) + ends[:-1]
    rnd = S.NONNEG_ROUNDER[t.rounding]
    out, balance = [], t.principal
    for k, (num, den) in enumerate(S.period_rates(t, starts, ends)):
        c = rnd(balance * num, den)
        p = level - c if t.method == "annuity" else level
        p = balance if k == len(ends) - 1 else min(max(p, 0), balance)
        balance -= p
        out.append(Installment(k + 1, adjusted[k], starts[k], ends[k],
                               (p, c, t.installment_fee, 0)))
        if balance == 0:
            break
    return out


# ------------------------------------------------------------ one loan
class Rejected(Exception):
    """A journal `ml_loan_append` would not keep: (event index in the
    journal, 0-based; reason)."""


def split_held(later):
    """(kept, replaced) of the installments later (in order): those up to
    the last one holding money paid in advance or a waiver stay as they
    are; a reschedule or a re-amortising prepayment replaces the others."""
    held = [k for k, it in enumerate(later) if any(it.paid) or any(it.waived)]
    kept = later[:held[-1] + 1] if held else []
    return kept, later[len(kept):]


def take_principal(installments, x):
    """Take up to x of principal off the installments, in the order given,
    from what each still owes of it (a re-amortising prepayment's extra
    principal beyond the re-amortised installments: paid on the current
    one instead)."""
    for it in installments:
        if x <= 0:
            break
        y = min(it.out(PRINCIPAL), x)
        it.due[PRINCIPAL] -= y
        x -= y


def prorata(x, start, end, d, rounding):
    """x accrued by d over the period start .. end, pro rata by days,
    rounded on its own to one minor unit: none by the period's start, all
    of it from its end, round(x * (d - start) / (end - start)) between."""
    days = (d - start).days
    length = (end - start).days
    if days <= 0:
        return 0
    if length <= 0 or days >= length:
        return x
    return S.round_div(x * days, length, rounding)


def keep_payoff_share(it, accrued):
    """Leave of an installment not yet due what the payoff counts of it:
    its interest accrued (accrued; no less than what was paid or waived of
    it), its charged fees and penalties (scheduled fees go unless paid)."""
    it.due[INTEREST] = max(accrued, it.paid[INTEREST] + it.waived[INTEREST])
    it.due[FEES] -= it.out(FEES) - min(it.out(FEES), it.charged[FEES])


def move_charges(replaced, first):
    """Charge the fees and penalties of the replaced installments to first."""
    # fees and penalties charged by events on the replaced rows (they
    # hold no money): spec silent; like mikrolan, charged again to the
    # first new row, the one a charge dated on or before the reschedule
    # would take (the first due after it; a kept row would have taken it
    # before)
    for c in (FEES, PENALTIES):
        moved = sum(it.charged[c] for it in replaced)
        first.due[c] += moved
        first.charged[c] += moved


class Ledger:
    """A loan replayed event by event (README "The loan ledger").
    With strict set, an event the ledger rejects raises Rejected."""

    def __init__(self, terms, restructured, strict=False, prepayment=NEXT_INSTALLMENTS):
        self.strict = strict
        self.opts = as_options(prepayment)
        self.prepayment = self.opts.prepayment
        self.order = ALLOCATION_ORDERS[self.opts.allocation]
        self.advance_order = ADVANCE_ORDERS[self.opts.allocation]
        self.penalties_to = None  # the last date penalties were brought up to
        # late fees triggered on the as-of date itself (README "Status":
        # the payoff leaves them out; a repayment that day comes first)
        self.fees_triggered_on_as_of = 0
        self.terms = terms
        # what a re-amortising prepayment keeps: the rate and the equal
        # installment (or principal per installment); a reschedule sets them
        self.rate, self.level = terms.rate, level_amount(terms)
        self.restructured = restructured
        self.installments = schedule_installments(terms)
        # an interest grace: installments 1 .. g (deferring) charge interest
        # that is due with installment g + 1, the carrier, and accrues over
        # the periods that charged it (README, "Status", the payoff). A
        # reschedule or a re-amortisation that replaces the carrier moves
        # what the kept installments deferred to another one (carry_deferred)
        g = terms.grace_interest
        self.deferring = [it for it in self.installments if 1 <= it.n <= g]
        self.carrier = next((it for it in self.installments if it.n == g + 1), None) \
            if g > 0 else None
        self.state = "pending"
        self.closed_on = None
        self.credit = 0
        self.paid_total = 0
        self.warnings = []

    # -- payoff: all principal + everything due by d + charges on later
    #    installments + the interest accrued by d on the installments not yet
    #    due, pro rata by days of each interest period begun. Every row not
    #    due by d is looked at, so a period that ended before its (moved)
    #    due date counts whole and the next one, begun, pro rata (README).
    def accrued_interest(self, it, d):
        """Interest of it accrued by d: of its period's own interest, none
        before the period, all of it once the period has ended, pro rata by
        days in between. The carrier of an interest grace adds the interest
        each of installments 1 .. g charged (c_k, interest_deferred) pro
        rata of the days of that installment's own period, each rounded on
        its own; its own interest is its due interest less all of c_k
        (README, "Status": "Interest an interest grace defers accrues over
        the periods that charged it, not over the period of the
        installment that carries it")."""
        rounding = self.terms.rounding
        if it is not self.carrier:
            return prorata(it.due[INTEREST], it.start, it.end, d, rounding)
        own = it.due[INTEREST] - sum(x.deferred for x in self.deferring)
        return (prorata(own, it.start, it.end, d, rounding)
                + sum(prorata(x.deferred, x.start, x.deferred_end, d, rounding)
                      for x in self.deferring))

    def keep_accrued_deferred(self, d):
        """Settling at d, or a prepayment that takes all the principal,
        left the carrier (not yet due) the interest accrued by d: the
        deferred charges become what of them had accrued by d, and no more
        accrues on them (README: "settling leaves that installment the
        deferred interest accrued by the date"), so a later payoff counts
        exactly what was kept."""
        if self.carrier is None or self.carrier.due_date <= d:
            return
        for x in self.deferring:
            x.deferred = prorata(x.deferred, x.start, x.deferred_end, d, self.terms.rounding)
            x.deferred_end = max(x.start, min(x.deferred_end, d))

    def drop_replaced_carrier(self):
        """A carrier no longer among the installments (it went with nothing
        left) carries no deferred interest any more."""
        if self.carrier is not None and \
                not any(it is self.carrier for it in self.installments):
            self.carrier = None

    def carry_deferred(self, replaced, target):
        """The installments replaced (by a reschedule or a re-amortisation)
        include the carrier: the interest the kept installments deferred
        to it goes to target, which carries it from now on, and it still
        accrues over the kept periods that charged it; what the replaced
        installments deferred is not carried (their periods are charged
        again). The old carrier is left its own interest. README,
        "Prepayment": "What the installments it replaces carried from
        elsewhere goes to the first new installment, for a reschedule too:
        ... interest that installments it keeps deferred to one of them (an
        interest grace), which was charged over those kept periods and
        still accrues over them ... When no new installment is made, the
        last one kept carries that interest. Interest deferred by the
        installments replaced is not carried: their periods are charged
        again." """
        old = self.carrier
        if old is None or not any(it is old for it in replaced):
            return
        kept = [x for x in self.deferring if not any(x is it for it in replaced)]
        old.due[INTEREST] -= sum(x.deferred for x in self.deferring)
        target.due[INTEREST] += sum(x.deferred for x in kept)
        self.carrier = target if kept else None
        self.deferring = kept

    def payoff(self, d):
        """(payoff at d, {index: interest accrued by d} of installments due after d)."""
        total = 0
        accrued = {}
        for k, it in enumerate(self.installments):
            if it.due_date <= d:
                total += it.out_total()
                continue
            total += it.out(PRINCIPAL)
            total += min(it.out(FEES), it.charged[FEES])
            total += min(it.out(PENALTIES), it.charged[PENALTIES])
            accrued[k] = self.accrued_interest(it, d)
            # what is paid, waived or written off of its interest counts
            # against all of it (the carrier's deferred part first or not)
            settled = it.paid[INTEREST] + it.waived[INTEREST] + it.written_off[INTEREST]
            total += max(0, min(it.out(INTEREST), accrued[k] - settled))
        return total, accrued

    # -- events
    def pay_installment(self, it, x, order=ALLOCATION_ORDER):
        """Pay it in the order given; return what is left of x."""
        for c in order:
            if x == 0:
                break
            y = min(max(it.out(c), 0), x)
            it.paid[c] += y
            it.settle_charged(c, y)
            x -= y
        return x

    def settle(self, d, accrued):
        """Pay everything off at d: later periods' unaccrued interest and
        scheduled (not charged) fees are no longer due."""
        for k, it in enumerate(self.installments):
            if it.due_date > d:
                keep_payoff_share(it, accrued[k])
            for c in range(4):
                it.paid[c] += max(it.out(c), 0)
        self.keep_accrued_deferred(d)
        self.close(d)

    def close(self, d):
        self.state = "closed"
        self.closed_on = d

    def repay(self, d, x):
        """Due installments oldest first, then money beyond what is due by
        the prepayment policy: the next ones in order (next-installments),
        or principal re-amortised (reduce-term, reduce-installment) and
        the next ones in order with what no principal takes; the rest is a
        credit balance."""
        self.paid_total += x
        payoff, accrued = self.payoff(d)
        if x >= payoff:
            self.settle(d, accrued)
            self.credit += x - payoff
            return
        x = self.pay_in_order(x, d, True)
        if self.opts.allocation == "due-then-advance":
            x = self.pay_charges_ahead(x)
        if x > 0 and self.prepayment != NEXT_INSTALLMENTS:
            x = self.prepay_principal(d, x)
        # what no principal takes under a re-amortising policy: spec silent;
        # the next installments in order, as next-installments (like mikrolan)
        x = self.pay_in_order(x, d, False)
        self.credit += x
        if all(it.out_total() == 0 for it in self.installments):
            self.close(d)

    def pay_charges_ahead(self, x):
        """due-then-advance: what fee and penalty events charged to the
        installments not yet due is due too (README, "Allocation": charged
        by the repayment's date, as Fineract's charges fall due on their own
        dates), paid oldest installment first, penalties then fees, before
        money goes in advance; return what is left of x."""
        for it in self.installments:
            for c in (PENALTIES, FEES):
                y = min(it.charged[c], x)
                it.paid[c] += y
                it.settle_charged(c, y)
                x -= y
        return x

    def pay_in_order(self, x, d, due_by_d):
        """Pay the installments due by d (or those due after it) oldest
        first, each in the allocation order (money in advance in the
        advance order of due-then-advance); return what is left of x."""
        order = self.order if due_by_d else self.advance_order
        for it in self.installments:
            if x == 0:
                break
            if (it.due_date <= d) == due_by_d:
                x = self.pay_installment(it, x, order)
        return x

    # -- penalties (README "Penalties"; loan.h, replay step 1 and 3)
    def penalties(self, d, at_as_of=False):
        """Bring penalties up to d, before the events dated d (at_as_of:
        at the as-of date, after its events): each late fee whose trigger
        date (due date + N days) is before d (at the as-of date: on or
        before it) is charged to its installment if that installment still
        has an unpaid amount above the arrears tolerance; then default
        interest accrued on each installment's overdue principal up to d,
        rounded to one minor unit (terms' rounding) per accrual, is added
        to its penalties. Both are derived penalties, not charged by an
        event."""
        o = self.opts
        if self.state != "active" or (self.penalties_to == d and not at_as_of):
            return
        self.penalties_to = d
        if o.late_fee:
            # every row, row 0 (an upfront fee) too: the spec says "each
            # installment", and days past due counts row 0 as one
            for it in self.installments:
                trigger = it.due_date + datetime.timedelta(days=o.late_fee_days)
                # at the as-of date, loan.h step 3 says "trigger date <=
                # as-of"; but the fee is for an installment "still overdue
                # N days after the due date" (loan.h's late_fee_days, README
                # "Penalties", `status --help`) and "an amount is overdue
                # from the day after its due date" (README "Status"): with
                # N = 0, not on the due date itself (before an event dated
                # d, trigger < d already implies it)
                due_by = trigger < d or (at_as_of and trigger <= d and it.due_date < d)
                if it.late_fee_decided or not due_by:
                    continue
                # decided once, by the installment's state N days after its
                # due date (the state before the first event after the
                # trigger date, or at the as-of date): README "charged once
                # to each installment still unpaid above the arrears
                # tolerance late_fee_days days after its due date". (loan.h
                # step 1 could be read as checking again at every later
                # event date; an installment that owed no more than the
                # tolerance N days after its due date is not charged later)
                it.late_fee_decided = True
                if it.out_total() > o.arrears_tolerance:
                    it.due[PENALTIES] += o.late_fee
                    if trigger == d:
                        self.fees_triggered_on_as_of += o.late_fee
        if o.default_rate:
            # 30E/360 ISDA: the maturity is the final due date of the
            # schedule as it stands (date.h: "maturity is the final date of
            # the schedule"); spec silent on which one for default interest
            maturity = self.installments[-1].due_date
            for it in self.installments:
                if it.due_date >= d or it.accrued_to >= d:
                    continue
                p = it.out(PRINCIPAL)
                # README "Penalties": an installment with at most the arrears
                # tolerance unpaid is not overdue, so accrues no default
                # interest
                if p > 0 and it.out_total() > o.arrears_tolerance:
                    f = p * o.default_rate * S.day_count_fraction(
                        o.default_day_count, it.accrued_to, d, maturity)
                    it.due[PENALTIES] += S.round_div(f.numerator, f.denominator,
                                                     self.terms.rounding)
                it.accrued_to = d

    # -- re-amortising prepayment (README "Allocation", "Prepayment";
    #    loan.h ml_prepayment)
    def prepay_principal(self, d, x):
        """Money beyond what is due at d under reduce-term or
        reduce-installment: it pays the principal of the current
        installment (the first due on or after d), and the rest is extra
        principal paid on it, taken from the later installments: first
        from those after the last one holding money or a waiver, which are
        re-amortised, then from the held ones and those before them, which
        otherwise stay as they are. Returns what no principal takes."""
        # Spec: "the extra principal is paid on the current installment". Read
        # here as: all of it is principal; what the current installment owes
        # of principal is paid first, only the rest is extra (added to it).
        # Its interest and fees are not paid by it ahead of their due date.
        # The current installment is the one a charge dated d takes: row 0,
        # the upfront fee, on the disbursement date (spec: "the first due on
        # or after the date").
        k = next(k for k, it in enumerate(self.installments) if it.due_date >= d)
        cur = self.installments[k]
        y = min(x, cur.out(PRINCIPAL))
        cur.paid[PRINCIPAL] += y
        later = self.installments[k + 1:]
        owed = sum(it.out(PRINCIPAL) for it in later)
        extra = min(x - y, owed)
        # all the principal, the current installment's own included (README:
        # "When the extra takes all the principal"; with no principal later,
        # paying the current installment's takes it all)
        takes_all = extra == owed and cur.out(PRINCIPAL) == 0
        if extra == 0 and not takes_all:
            return x - y
        cur.due[PRINCIPAL] += extra
        cur.paid[PRINCIPAL] += extra
        kept, replaced = split_held(later)
        # spec: "taken from the installments after them first"; then from
        # the held ones and those before them, in an order it does not say:
        # oldest first, like mikrolan (not the latest first)
        take_principal(replaced + kept, extra)
        left = sum(it.out(PRINCIPAL) for it in replaced)
        if left > 0:
            self.reamortise(kept[-1] if kept else cur, replaced, left)
        elif takes_all:
            # all the principal: the current installment (unless due by d)
            # and the later ones keep what the payoff counts of them, the
            # carrier its interest accrued (deferred included), as settling
            # would leave them (README: "the current installment, unless it
            # is due by the date, and the later ones keep only what the
            # payoff counts of them")
            emptied = ([cur] if cur.due_date > d else []) + later
            self.keep_payoff_shares(d, emptied, replaced)
        else:
            # the installments to re-amortise lost all their principal, the
            # held ones before them keep some: no new installment is made,
            # so the last one kept carries the interest the kept
            # installments deferred (README, "Prepayment")
            self.carry_deferred(replaced, kept[-1])
            self.keep_payoff_shares(d, replaced, replaced)
        return x - y - extra

    def reamortise(self, last, replaced, principal):
        """Replace the installments replaced (the last ones) with principal
        re-amortised from the end of last's interest period by the schedule
        layer, as a reschedule does, on their due dates ("installments
        after the re-amortised point keep their due dates"): keeping the
        equal installment (annuity) or the principal per installment (equal
        principal) with reduce-term, so fewer installments; over as many
        installments with reduce-installment (and reduce-term for flat and
        bullet)."""
        # no principal grace, deferred interest or interest-free periods of
        # its own, as for a reschedule (README): an interest-free period is
        # charged; interest kept installments deferred to a replaced one
        # goes to the first new one (replace_installments, carry_deferred);
        # the rate and the equal installment are a reschedule's when there
        # was one
        dates = (tuple(it.end for it in replaced), tuple(it.due_date for it in replaced))
        t = self.rescheduled_terms(last, principal, self.rate, len(replaced), 0)
        if self.prepayment == "reduce-term" and self.level:
            new = level_installments(t, dates, self.level)
        else:
            new = [it for it in schedule_installments(t, 0, dates) if it.n > 0]
        self.replace_installments(replaced, new, last.n)

    def keep_payoff_shares(self, d, emptied, replaced):
        """The extra took all the principal of the installments emptied:
        they keep only what the payoff counts of them at d (README
        "Prepayment"), and those to re-amortise left with nothing go."""
        # spec: "When the extra takes all the principal, the later
        # installments keep only what the payoff counts of them"; whether
        # one left with nothing stays as an empty row is not said: it goes,
        # as with reduce-term's fewer installments
        for it in emptied:
            keep_payoff_share(it, self.accrued_interest(it, d))
            # the interest it keeps is all accrued by d, and no more accrues
            # on it: its period ends at d for a later payoff
            it.end = max(it.start, min(it.end, d))
        if any(it is self.carrier for it in emptied):
            self.keep_accrued_deferred(d)
        # README: "Those left owing nothing go, wherever they are (an
        # installment of an interest grace whose deferred interest has
        # begun to accrue stays, holding it)"
        def holds_deferred(it):
            return it.deferred and any(it is x for x in self.deferring)
        gone = [it for it in list(emptied) + list(replaced)
                if not any(it.due) and not holds_deferred(it)]
        self.installments = [it for it in self.installments if it not in gone]
        self.drop_replaced_carrier()

    def replace_installments(self, replaced, new, first_n):
        """Put new (numbered from 1) in place of the last installments,
        replaced, numbered on after first_n."""
        for it in new:
            it.n += first_n
        move_charges(replaced, new[0])
        self.carry_deferred(replaced, new[0])
        self.installments = [it for it in self.installments if it not in replaced] + new

    def charge(self, d, x, c):
        """A fee or penalty on the first installment due on or after d
        (the last one after maturity)."""
        target = next((it for it in self.installments if it.due_date >= d),
                      self.installments[-1])
        target.due[c] += x
        target.charged[c] += x

    def reject(self, reason):
        if self.strict:
            raise Rejected(reason)
        self.warnings.append("rejected: " + reason)

    def waive(self, x, c):
        """Waive up to x of component c, oldest installment first; more
        than is outstanding of c on all installments is rejected."""
        if x > sum(it.out(c) for it in self.installments):
            self.reject("a waiver larger than what is owed")
            return
        for it in self.installments:
            y = min(it.out(c), x)
            it.waived[c] += y
            it.settle_charged(c, y)
            x -= y
            if x == 0:
                break

    def write_off(self, d):
        for it in self.installments:
            for c in range(4):
                it.written_off[c] += max(it.out(c), 0)
        self.state = "written-off"
        self.closed_on = d

    def reschedule(self, d, rate, term, grace_principal, fixed_installment):
        """Re-amortise the outstanding principal of the installments due
        after d from the last due date on or before d (or the disbursement).
        Installments after d that hold money paid in advance or a waiver,
        and those before them, stay as they are; the new schedule starts
        from the last of them. Nothing to reschedule (no installment after
        d, all of them holding money, or no principal outstanding on the
        rest) is rejected (README, event table and "Rejected events")."""
        due = [it for it in self.installments if it.n > 0 and it.due_date <= d]
        later = [it for it in self.installments if it.n > 0 and it.due_date > d]
        kept, replaced = split_held(later)
        principal = sum(it.out(PRINCIPAL) for it in replaced)
        if not later:
            return self.reject("a reschedule with no installment after its date")
        if not replaced:
            return self.reject("a reschedule with every installment after its date paid into")
        if principal <= 0:
            return self.reject("a reschedule with no principal outstanding after its date")
        if term < 1 or not 0 <= grace_principal < term:
            # the schedule layer's rule (README: grace_principal 0 .. n-1)
            return self.reject("a reschedule's principal grace not below its term")
        last = (kept or due or [None])[-1]
        t = self.rescheduled_terms(last, principal, rate, term, grace_principal)
        new = [it for it in schedule_installments(t, fixed_installment) if it.n > 0]
        self.replace_installments(replaced, new, last.n if last else 0)
        self.restructured = True
        # a later reduce-term keeps the rescheduled rate and installment
        self.rate, self.level = rate, level_amount(t, fixed_installment)

    def rescheduled_terms(self, last, principal, rate, term, grace_principal):
        """The terms of a reschedule's new installments, after installment last."""
        # interest periods are contiguous over unadjusted dates: anchor on the
        # end of the last kept installment's interest period
        anchor = last.end if last else self.terms.disbursed
        t = copy.copy(self.terms)
        t.principal = principal
        t.rate, t.term, t.grace_principal = rate, term, grace_principal
        t.grace_interest = t.interest_free = 0
        t.first_due = None
        t.disbursed = anchor
        t.upfront_fee, t.upfront_fee_percent = 0, None
        return t

    def apply(self, e):
        """Apply one journal row (a dict of the events file) dated e["_date"]."""
        d, kind = e["_date"], e["type"]
        if kind == "repayment":
            self.repay(d, parse_amount(e["amount"]))
        elif kind in ("fee", "penalty"):
            self.charge(d, parse_amount(e["amount"]), FEES if kind == "fee" else PENALTIES)
        elif kind == "waiver":
            self.waive(parse_amount(e["amount"]), COMPONENTS.index(e["component"]))
        elif kind == "write-off":
            self.write_off(d)
        elif kind == "reschedule":
            fixed = parse_amount(e["installment"]) if e.get("installment") else 0
            self.reschedule(d, S.parse_percent(e["rate"]), int(e["term"]),
                            int(e.get("grace_principal") or 0), fixed)
        else:
            raise ValueError("unknown event type %r" % kind)

    # -- status
    def overdue(self, as_of):
        """(arrears, days past due, overdue since) at as_of."""
        arrears, dpd, since = 0, 0, None
        for it in self.installments:
            if it.due_date < as_of:
                o = it.out_total()
                arrears += o
                # README "Status": the oldest installment "with an unpaid
                # amount above the arrears tolerance"
                if o > self.opts.arrears_tolerance and since is None:
                    since = it.due_date + datetime.timedelta(days=1)
                    dpd = (as_of - it.due_date).days
        return arrears, dpd, since

    def status(self, as_of):
        arrears, dpd, since = self.overdue(as_of)
        state = self.state
        if state == "closed" and self.credit > 0:
            state = "credit-balance"
        return {
            "state": state, "days_past_due": dpd, "overdue_since": since,
            "outstanding": [sum(it.out(c) for it in self.installments) for c in range(4)],
            "arrears": arrears,
            "payoff": (self.payoff(as_of)[0] - self.fees_triggered_on_as_of
                       if self.state == "active" else 0),
            "restructured": self.restructured, "credit_balance": self.credit,
            "paid_total": self.paid_total, "closed_on": self.closed_on,
            "installments": self.installments, "warnings": self.warnings}


def numbered(events):
    """Journal rows (in file order) with _id (given or by position), _idx
    (0-based position) and _date."""
    return [dict(e, _id=int(e["id"]) if e.get("id") else k + 1, _idx=k,
                 _date=parse_date(e["date"])) for k, e in enumerate(events)]


def events_in_force(events, as_of):
    """The journal rows to replay at as_of: reversed events (by a reversal
    dated on or before as_of) and reversals left out, in date order, a
    disbursement first on its date, then order of entry."""
    rows = numbered(events)
    reversed_ids = {int(e["target"]) for e in rows
                    if e["type"] == "reversal" and e["_date"] <= as_of}
    rows = [e for e in rows if e["_id"] not in reversed_ids and e["type"] != "reversal"]
    rows.sort(key=lambda e: (e["_date"], e["type"] != "disbursement", e["_idx"]))
    return rows


def loan_status(terms, restructured, events, as_of, strict=False,
                prepayment=NEXT_INSTALLMENTS):
    """Status at as_of of a loan with these terms and journal rows (in file
    order), kept with the prepayment policy. With strict, an event dated by
    as_of that the loan's state rejects when the replay reaches it raises
    Rejected(index, reason)."""
    rows = events_in_force(events, as_of)
    t = disbursed_terms(terms, rows)
    ledger = Ledger(t, restructured, strict, prepayment)
    if strict:
        reject_before_disbursement(rows, t.disbursed, as_of)
    if as_of < t.disbursed:
        # pending: spec silent on its rows; shown like mikrolan status, the
        # schedule with nothing paid
        return ledger.status(as_of)
    ledger.state = "active"
    for e in rows:
        if e["_date"] > as_of:
            break
        if e["type"] == "disbursement":
            continue
        try:
            if ledger.state != "active":
                ledger.reject("an event after the loan is closed or written off")
                continue
            ledger.penalties(e["_date"])
            ledger.apply(e)
        except Rejected as x:
            raise Rejected(e["_idx"], x.args[0]) from None
    ledger.penalties(as_of, True)
    return ledger.status(as_of)


def reject_before_disbursement(rows, disbursed, as_of):
    """An event dated by as_of and before the disbursement is a state
    problem (ML_ESTATE), so the batch forms see it only from its date."""
    for e in rows:
        if e["type"] != "disbursement" and e["_date"] <= as_of and e["_date"] < disbursed:
            raise Rejected(e["_idx"], "an event before the disbursement")


def disbursed_terms(terms, rows):
    """terms with the principal and date of the first disbursement in rows."""
    t = copy.copy(terms)
    disbursement = min((e for e in rows if e["type"] == "disbursement"),
                       key=lambda e: e["_idx"], default=None)  # the first entered
    if disbursement:
        t.principal = parse_amount(disbursement["amount"])
        t.disbursed = disbursement["_date"]
    return t


AMOUNT_TYPES = ("disbursement", "repayment", "fee", "penalty", "waiver")
AMOUNT_LIMIT = 10 ** 15  # minor units, any amount but a disbursement
DEFAULT_MAX_PRINCIPAL = 25000000  # 250,000.00


# ------------------------------------------------------------ valid journals
# Two notions (README, the loan ledger section, "The batch forms check what
# a status needs ..."; loan.h on ml_loan_status_compute and ml_loan_append):
#   batch_problem  -- ml_loan_status_compute, so `mikrolan par` (and
#                     --skip-bad): depends on the as-of date;
#   append_problem -- ml_loan_append, so `mikrolan status`, which appends
#                     the events one by one: every prefix at every date.
# Each returns None or (0-based index of the offending event, reason).

def batch_problem(terms, events, as_of, max_principal=DEFAULT_MAX_PRINCIPAL,
                  prepayment=NEXT_INSTALLMENTS):
    """Whether `mikrolan par --as-of as_of` rejects the loan. README: "The
    batch forms check what a status needs: every event on its own (type,
    date, amount, component, reversal target, one disbursement), and each
    event dated by the status date against the loan's state when the replay
    reaches it. An event dated later is checked against the state only by
    a status at or after its date, and the journal as a whole decides"."""
    return (event_problem(terms, events, max_principal)
            or replay_problem(terms, events, as_of, prepayment))


def append_problem(terms, events, max_principal=DEFAULT_MAX_PRINCIPAL,
                   prepayment=NEXT_INSTALLMENTS):
    """Whether `mikrolan status` (any --as-of) rejects the loan. README:
    "`ml_loan_append` is stricter: each event is checked as it comes, at
    every date", i.e. every prefix of the journal must be valid at every
    date ("Rejected events": replayed to the end and to the day before
    every reversal)."""
    problem = every_date_problem(terms, events, max_principal, prepayment)
    dates = [e["date"] for e in events]
    if problem or not (any(e["type"] == "reversal" for e in events) or
                       any(a > b for a, b in zip(dates, dates[1:]))):
        # rows in date order without reversals: valid with their prefixes
        return problem
    for k in range(1, len(events)):
        problem = every_date_problem(terms, events[:k], max_principal, prepayment)
        if problem:
            return (problem[0], problem[1] + "; rejected when appended (rows after it save it)")
    return None


def every_date_problem(terms, events, max_principal=DEFAULT_MAX_PRINCIPAL,
                       prepayment=NEXT_INSTALLMENTS):
    """The journal as a whole, valid at every date: on its own, and replayed
    to its last date and to the day before each reversal date."""
    problem = event_problem(terms, events, max_principal)
    if problem or not events:
        return problem
    rows = numbered(events)
    dates = {max(e["_date"] for e in rows)}
    dates |= {e["_date"] - datetime.timedelta(days=1) for e in rows if e["type"] == "reversal"}
    for d in sorted(dates):
        problem = replay_problem(terms, events, d, prepayment)
        if problem:
            return problem
    return None


def replay_problem(terms, events, d, prepayment=NEXT_INSTALLMENTS):
    """An event dated by d the loan's state rejects when the replay to d
    (reversals dated by d applied) reaches it."""
    return checked_status(terms, False, events, d, prepayment)[0]


def checked_status(terms, restructured, events, d, prepayment=NEXT_INSTALLMENTS):
    """(None, status at d) or, when the replay to d rejects an event dated
    by d, ((its index, reason), None)."""
    try:
        return None, loan_status(terms, restructured, events, d, True, prepayment)
    except Rejected as x:
        return (x.args[0], "%s rejected: %s (replayed to %s)"
                % (events[x.args[0]]["type"], x.args[1], d)), None


def batch_statuses(loans, events, as_of, prepayment=NEXT_INSTALLMENTS):
    """({loan_id: problem} of the loans `mikrolan par --as-of as_of`
    rejects (batch_problem), [(loans-file row, status)] of the others):
    one replay per loan."""
    invalid, kept = {}, []
    for row in loans:
        terms, restructured = terms_of_row(row)
        rows = events.get(row["loan_id"], [])
        problem = event_problem(terms, rows, max_principal_of(row))
        st = None
        if problem is None:
            problem, st = checked_status(terms, restructured, rows, as_of, prepayment)
        if problem:
            invalid[row["loan_id"]] = problem
        else:
            kept.append((row, st))
    return invalid, kept


def event_problem(terms, events, max_principal=DEFAULT_MAX_PRINCIPAL):
    """The checks of each event on its own, whatever the date: amount,
    component, one disbursement, reversal target (README "Rejected
    events"), and the schedule the disbursement makes."""
    rows = numbered(events)
    by_id = {e["_id"]: e for e in rows}
    reversed_ids = set()
    seen_disbursement = False
    for e in rows:
        reason = amount_problem(e, max_principal)
        if reason is None and e["type"] == "disbursement":
            reason = "a second disbursement" if seen_disbursement else None
            seen_disbursement = True
        if reason is None and e["type"] == "reversal":
            reason = reversal_problem(e, by_id, reversed_ids)
        if reason:
            return (e["_idx"], "%s rejected: %s" % (e["type"], reason))
    return schedule_problem(disbursed_terms(terms, rows)) if rows else None


def amount_problem(e, max_principal):
    """What is wrong with an event's amount or waived component, or None."""
    kind = e["type"]
    if kind in AMOUNT_TYPES:
        x = parse_amount(e["amount"])
        if x <= 0:
            return "the amount must be greater than 0"
        if kind == "disbursement" and x > max_principal:
            return "a disbursement above max_principal"
        if kind != "disbursement" and x > AMOUNT_LIMIT:
            return "an amount above 10^15 minor units"
    if kind == "waiver" and e.get("component") not in COMPONENTS[1:]:
        return "a waiver of %r" % e.get("component")
    return None


def reversal_problem(e, by_id, reversed_ids):
    """What is wrong with a reversal's target, or None (then the target
    joins reversed_ids)."""
    target = by_id.get(int(e["target"]))
    if target is None or target["_idx"] >= e["_idx"]:
        return "a reversal of no earlier event"
    if target["type"] == "reversal":
        return "a reversal of a reversal"
    if target["type"] == "disbursement":
        return "a reversal of the disbursement"
    if target["_id"] in reversed_ids:
        return "a reversal of an already reversed event"
    if e["_date"] < target["_date"]:
        return "a reversal dated before its event"
    reversed_ids.add(target["_id"])
    return None


def schedule_problem(t):
    """The schedule the disbursement makes (schedule.h: first due after it)."""
    if t.first_due is not None and t.first_due <= t.disbursed:
        return (0, "the first due date is not after the disbursement")
    _unadjusted, adjusted = S.due_dates(t.disbursed, t.first_due, t.frequency, t.term,
                                        t.calendar, t.business_day)
    if adjusted[0] < t.disbursed:
        return (0, "the first due date moves before the disbursement")
    return None


def status_json(st, as_of, loan_id):
    """The keys of `mikrolan status --format json` this reference computes."""
    def by_component(v):
        return {COMPONENTS[c]: format_amount(v[c]) for c in range(4)}

    def iso(d):
        return d.isoformat() if d else None

    rows = [{"n": it.n, "due_date": it.due_date.isoformat(),
             "due": by_component(it.due), "paid": by_component(it.paid),
             "waived": by_component(it.waived),
             "written_off": by_component(it.written_off),
             "outstanding": by_component([it.out(c) for c in range(4)])}
            for it in st["installments"]]
    return {"as_of": as_of.isoformat(), "loan_id": loan_id, "state": st["state"],
            "days_past_due": st["days_past_due"], "overdue_since": iso(st["overdue_since"]),
            "outstanding": by_component(st["outstanding"]),
            "arrears": format_amount(st["arrears"]), "payoff": format_amount(st["payoff"]),
            "restructured": st["restructured"],
            "credit_balance": format_amount(st["credit_balance"]),
            "paid_total": format_amount(st["paid_total"]), "closed_on": iso(st["closed_on"]),
            "installments": rows}


# ------------------------------------------------------------ files
def read_loans(f):
    """Rows of a loans file (an open text file)."""
    return list(csv.DictReader(f))


def read_events(f):
    """{loan_id: [rows in file order]} of an events file (an open text file)."""
    by_loan = {}
    for row in csv.DictReader(f):
        by_loan.setdefault(row["loan_id"], []).append(row)
    return by_loan


def open_csv(path):
    return open(path, newline="", encoding="utf-8-sig")


# ------------------------------------------------------------ portfolio
THRESHOLDS = (1, 30, 60, 90, 180, 365)
BUCKET_LAST_DAY = (0, 30, 60, 90, 180, 365)  # then an open bucket
PROVISIONING = tuple(Fraction(p, 100) for p in (0, 10, 25, 50, 75, 90, 100))


class Figures:
    """Exact sums of one segment (portfolio.h)."""

    def __init__(self):
        self.loans = self.pending = self.active = self.closed = 0
        self.credit_balance = self.written_off = 0
        self.gross = self.overdue = 0
        self.par = [0] * len(THRESHOLDS)
        nb = len(BUCKET_LAST_DAY) + 1
        self.bucket_count, self.bucket_principal, self.bucket_overdue = [0] * nb, [0] * nb, [0] * nb

    def add(self, st):
        self.loans += 1
        state = st["state"]
        if state == "pending":
            self.pending += 1
        elif state == "written-off":
            self.written_off += 1
        elif state in ("closed", "credit-balance"):
            self.closed += 1
            self.credit_balance += state == "credit-balance"
        else:
            self.add_active(st)

    def add_active(self, st):
        self.active += 1
        principal, dpd = st["outstanding"][PRINCIPAL], st["days_past_due"]
        self.gross += principal
        self.overdue += st["arrears"]
        for k, x in enumerate(THRESHOLDS):
            if dpd > x or (x >= 30 and st["restructured"]):
                self.par[k] += principal
        b = bucket_of(dpd)
        self.bucket_count[b] += 1
        self.bucket_principal[b] += principal
        self.bucket_overdue[b] += st["arrears"]


def bucket_of(dpd):
    return next((k for k, last in enumerate(BUCKET_LAST_DAY) if dpd <= last),
                len(BUCKET_LAST_DAY))


def ratio6(num, den):
    """num/den rounded half-even to 6 places; 0 for a zero denominator."""
    if den == 0:
        return "0.000000"
    q = Fraction(num, den)
    n = S.round_div(q.numerator * 10 ** 6, q.denominator, S.HALF_EVEN)
    sign = "-" if n < 0 else ""
    return "%s%d.%06d" % (sign, abs(n) // 10 ** 6, abs(n) % 10 ** 6)


def provision(principal, rate):
    return S.round_div(principal * rate.numerator, rate.denominator, S.HALF_EVEN)


def buckets_json(f):
    out = []
    first = 0
    for k, rate in enumerate(PROVISIONING):
        last = BUCKET_LAST_DAY[k] if k < len(BUCKET_LAST_DAY) else None
        out.append({"from_days": first, "to_days": last, "count": f.bucket_count[k],
                    "principal": format_amount(f.bucket_principal[k]),
                    "overdue": format_amount(f.bucket_overdue[k]),
                    "provisioning_rate": ratio6(rate.numerator, rate.denominator)})
        first = (last or 0) + 1
    return out


def figures_json(f):
    provisioning = sum(provision(p, r) for p, r in zip(f.bucket_principal, PROVISIONING))
    return {"loans": f.loans, "pending": f.pending, "active": f.active,
            "closed": f.closed, "credit_balance": f.credit_balance,
            "written_off": f.written_off, "gross_portfolio": format_amount(f.gross),
            "par": {str(x): {"amount": format_amount(f.par[k]), "ratio": ratio6(f.par[k], f.gross)}
                    for k, x in enumerate(THRESHOLDS)},
            "overdue": format_amount(f.overdue), "arrears_rate": ratio6(f.overdue, f.gross),
            "buckets": buckets_json(f), "provisioning": format_amount(provisioning)}


def loan_statuses(loans, events, as_of, only=None, prepayment=NEXT_INSTALLMENTS):
    """(loans-file row, status at as_of) of every loan (or of the ids in only)."""
    for row in loans:
        if only is not None and row["loan_id"] not in only:
            continue
        terms, restructured = terms_of_row(row)
        yield row, loan_status(terms, restructured, events.get(row["loan_id"], []), as_of,
                               prepayment=prepayment)


def par_report(loans, events, as_of, by, prepayment=NEXT_INSTALLMENTS):
    """`mikrolan par --format json` (default options but the prepayment
    policy) of loans rows and events."""
    return report_of(loan_statuses(loans, events, as_of, None, prepayment), as_of, by)


def report_of(statuses, as_of, by):
    """`mikrolan par --format json` of (loans-file row, status) pairs."""
    total, segments = Figures(), {}
    for row, st in statuses:
        total.add(st)
        if by:
            segments.setdefault(tuple(row[c] for c in by), Figures()).add(st)
    out = {"as_of": as_of.isoformat(), "period_start": None, "currency": "SEK",
           "by": list(by), "total": figures_json(total), "segments": []}
    for key in sorted(segments, key=lambda k: "\x1f".join(k).encode()):
        out["segments"].append(dict({"key": dict(zip(by, key))}, **figures_json(segments[key])))
    out["skipped"] = {"loans": 0, "rows": 0}
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--schedule-ref", help="path of bench/peers/schedule_ref.py")
    ap.add_argument("cmd", choices=["par", "status"])
    ap.add_argument("--loans", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--by", default="")
    ap.add_argument("--loan-id")
    ap.add_argument("--prepayment", choices=PREPAYMENTS, default=NEXT_INSTALLMENTS)
    ap.add_argument("--options", default="", help="the loan options' flags, one string")
    a = ap.parse_args(argv)
    load_schedule_ref(a.schedule_ref)
    a.prepayment = Options.parse(shlex.split(a.options), a.prepayment)
    as_of = parse_date(a.as_of)
    with open_csv(a.loans) as f:
        loans = read_loans(f)
    with open_csv(a.events) as f:
        events = read_events(f)
    if a.cmd == "par":
        out = par_report(loans, events, as_of, [c for c in a.by.split(",") if c], a.prepayment)
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for _row, st in loan_statuses(loans, events, as_of, {a.loan_id}, a.prepayment):
        json.dump(status_json(st, as_of, a.loan_id), sys.stdout, ensure_ascii=False, indent=1)
        print()
        for w in st["warnings"]:
            print("warning:", w, file=sys.stderr)
        return 0
    print("no loan %r" % a.loan_id, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
