#!/usr/bin/env python3
"""Independent reference for `mikrolan apr` (Python standard library only).

A second reading of the effective annual rate (EU Consumer Credit Directive
2008/48/EC Annex I, "effektiv ränta") and XIRR as README.md ("Effective
annual rate and XIRR", "`mikrolan apr`") and include/mikrolan/apr.h state
them. It shares no code with lib/ or cli/. Loan terms become a schedule
through bench/peers/schedule_ref.py (itself an independent exact reference
of include/mikrolan/schedule.h); everything after that is read from the apr
documentation alone.

How a digit is decided here (independently of the library's method): the
equation f(X) = sum a_i (1+X)^-t_i has one root X* (one sign change), and
X* lies above a rational boundary b exactly when f(b) has the sign of the
last flow. The sign of f(b) is taken from a 60-digit (then 120, 240, ...)
decimal evaluation with a rigorous error bound; when the bound cannot
decide, an exact test for f(b) = 0 (b a tie) is run: with z = 1+b = w^e
(e the largest divisor of the common denominator D of the t_i for which z
is a rational e-th power) and m = D/e, Y^m - w is irreducible, so
f(b) = 0 exactly when, grouping the exponents by residue mod m, every
rational coefficient vanishes. A double-precision bisection only guesses.

Usage:
  ref_apr.py [apr] FLAGS          as `mikrolan apr FLAGS` (stdout, stderr,
                                  exit status 0 / 2)
  ref_apr.py --self-check         hand-computed cases
  ref_apr.py --schedule-ref PATH  (before the flags) schedule_ref.py to use;
                                  default ../bench/peers/schedule_ref.py
"""

import datetime
import decimal
import importlib.util
import math
import os
import re
import sys
from fractions import Fraction

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2200, 12, 31)
MAX_FLOWS = 100000
MIN_DECIMALS, MAX_DECIMALS, DEFAULT_DECIMALS = 1, 9, 1
LOW, HIGH = Fraction(-99, 100), Fraction(100)  # the open interval, as X

YEARS, MONTHS, WEEKS = "years", "months", "weeks"
PERIODS_PER_YEAR = {YEARS: 1, MONTHS: 12, WEEKS: 52}

CURRENCY_EXPONENT = {"SEK": 2, "EUR": 2, "USD": 2, "NOK": 2, "DKK": 2,
                     "GBP": 2, "CHF": 2, "ISK": 0, "JPY": 0}


class AprError(Exception):
    """kind: EINVAL, ELIMIT, ERANGE, EOVERFLOW, ENOROOT, EPARSE."""

    def __init__(self, kind, field, message):
        Exception.__init__(self, "%s %s: %s" % (kind, field, message))
        self.kind, self.field, self.message = kind, field, message


# --------------------------------------------------------------------------
# Dates and the time rule.

def days_in_month(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def add_months(d, n):
    """d + n months (n may be negative), d's day clamped to the month."""
    y, m0 = divmod(d.year * 12 + (d.month - 1) + n, 12)
    return datetime.date(y, m0 + 1, min(d.day, days_in_month(y, m0 + 1)))


def _months_of(basis):
    return {YEARS: 12, MONTHS: 1}[basis]


def year_fraction(first, d, basis):
    """The interval first -> d in years under basis, an exact Fraction.

    README: whole periods counted backwards from d (k the largest with
    d - k periods >= first; months keep d's day, clamped; a year is 12
    months), except that a date exactly j periods after first by the
    clamped forward arithmetic is exactly j periods; the days left,
    E - first with E = d - k periods, over the days of the year counted back
    from E to the same day of the previous year (365 or 366)."""
    if d < first:
        raise AprError("EINVAL", "date", "d before first")
    P = PERIODS_PER_YEAR[basis]
    if basis == WEEKS:
        k, days = divmod((d - first).days, 7)
        E = d - datetime.timedelta(days=7 * k)
    else:
        pm = _months_of(basis)
        months = (d.year - first.year) * 12 + d.month - first.month
        j = months // pm
        if j >= 0 and add_months(first, j * pm) == d:
            return Fraction(j, P)
        k = max(0, j + 1)
        while k > 0 and add_months(d, -k * pm) < first:
            k -= 1
        E = add_months(d, -k * pm)
        days = (E - first).days
    if days == 0:
        return Fraction(k, P)
    Y = (E - add_months(E, -12)).days
    assert Y in (365, 366)
    return Fraction(k, P) + Fraction(days, Y)


def xirr_fraction(first, d):
    return Fraction((d - first).days, 365)


# --------------------------------------------------------------------------
# Exact sign of f(b) = sum a_i (1+b)^-t_i.

def _iroot(n, e):
    """The integer e-th root of n >= 0 if n is a perfect e-th power."""
    if n in (0, 1) or e == 1:
        return n
    if e > n.bit_length():
        return None
    r = int(round(n ** (1.0 / e))) if n < (1 << 1000) else \
        1 << (n.bit_length() // e)
    # Newton refinement from above for safety.
    x = max(r, 1)
    while True:
        y = ((e - 1) * x + n // x ** (e - 1)) // e
        if y >= x:
            break
        x = y
    for c in (x - 1, x, x + 1, r):
        if c >= 0 and c ** e == n:
            return c
    return None


def _divisors(n):
    small, large = [], []
    i = 1
    while i * i <= n:
        if n % i == 0:
            small.append(i)
            if i * i != n:
                large.append(n // i)
        i += 1
    return small + large[::-1]


def exactly_zero(z, times, amounts):
    """f = sum a_i z^-t_i == 0 exactly? z > 0 rational, t_i >= 0 rational."""
    D = 1
    for t in times:
        D = D * t.denominator // math.gcd(D, t.denominator)
    u, v = z.numerator, z.denominator
    e, wu, wv = 1, u, v
    for cand in reversed(_divisors(D)):
        ru, rv = _iroot(u, cand), _iroot(v, cand)
        if ru is not None and rv is not None:
            e, wu, wv = cand, ru, rv
            break
    m = D // e
    w = Fraction(wu, wv)  # z = w^e, y = z^(1/D) = w^(1/m)
    coeff = {}
    for t, a in zip(times, amounts):
        n = t.numerator * (D // t.denominator)  # t = n / D
        q, r = divmod(n, m)  # z^-t = w^(-n/m) = w^-q * y^-r
        coeff[r] = coeff.get(r, 0) + a * w ** (-q)
    return all(c == 0 for c in coeff.values())


def _numeric_sign(z, times, amounts, digits):
    """+1/-1 when a `digits`-digit evaluation proves the sign, else None."""
    ctx = decimal.Context(prec=digits, Emax=decimal.MAX_EMAX,
                          Emin=decimal.MIN_EMIN,
                          rounding=decimal.ROUND_HALF_EVEN)
    eps = decimal.Decimal(10) ** (1 - digits)  # >= twice the unit roundoff
    zd = ctx.divide(decimal.Decimal(z.numerator), decimal.Decimal(z.denominator))
    L = ctx.ln(zd)
    absL = abs(L)
    err_L = eps * (2 + 2 * absL)  # from rounding z, then ln
    n = len(amounts)
    total = decimal.Decimal(0)
    mags = []
    worst = decimal.Decimal(0)
    for t, a in zip(times, amounts):
        x = ctx.divide(ctx.multiply(decimal.Decimal(-t.numerator), L),
                       decimal.Decimal(t.denominator))
        eta = (t.numerator / decimal.Decimal(t.denominator)) * err_L \
            + 3 * eps * abs(x)
        if eta > decimal.Decimal("1e-6"):
            return None
        T = ctx.multiply(decimal.Decimal(a), ctx.exp(x))
        total = ctx.add(total, T)
        mags.append((abs(T), eta))
    bound = decimal.Decimal(0)
    for mag, eta in mags:
        # exp(eta + 2 eps) - 1 <= 1.01 (eta + 2 eps) for tiny arguments,
        # + the summation error of n additions; doubled for slack.
        bound += mag * (decimal.Decimal("1.01") * (eta + 2 * eps)
                        + (n + 2) * eps)
    bound *= 2
    if abs(total) > bound:
        return 1 if total > 0 else -1
    return None


def exact_sign(z, times, amounts):
    """The sign (-1, 0, +1) of sum a_i z^-t_i, z > 0 rational."""
    if z == 1:
        s = sum(amounts)
        return (s > 0) - (s < 0)
    digits = 60
    tie_checked = False
    while True:
        s = _numeric_sign(z, times, amounts, digits)
        if s is not None:
            return s
        if not tie_checked:
            tie_checked = True
            if exactly_zero(z, times, amounts):
                return 0
        digits *= 2
        if digits > 20000:
            raise AprError("ELIMIT", "flows", "proof did not settle")


class Equation:
    """sum a_i (1+X)^-t_i = 0 with one sign change."""

    def __init__(self, times, amounts):
        self.times, self.amounts = times, amounts
        self.left = 1 if amounts[-1] > 0 else -1  # sign of f left of X*
        self.cache = {}

    def side(self, b):
        """+1 when X* > b, 0 when X* == b, -1 when X* < b."""
        if b not in self.cache:
            s = exact_sign(1 + b, self.times, self.amounts)
            self.cache[b] = 0 if s == 0 else (1 if s == self.left else -1)
        return self.cache[b]

    def guess(self):
        """A double-precision estimate of X* (bisection on ln(1+X))."""
        ts = [float(t) for t in self.times]
        am = [float(a) for a in self.amounts]

        def sgn(s):
            ex = [-t * s for t in ts]
            M = max(ex)
            v = math.fsum(a * math.exp(e - M) for a, e in zip(am, ex))
            return (v > 0) - (v < 0)

        lo, hi = math.log(0.01), math.log(101.0)
        for _ in range(200):
            mid = (lo + hi) / 2
            if mid in (lo, hi):
                break
            s = sgn(mid)
            if s == 0:
                lo = hi = mid
                break
            if s == self.left:
                lo = mid
            else:
                hi = mid
        return math.expm1((lo + hi) / 2)


def round_root(eq, decimals):
    """(units, tie): X* in percent rounded half-up (ties away from 0) to
    `decimals` places, proven with eq.side at the rounding boundaries."""
    unit = Fraction(1, 100 * 10 ** decimals)  # one unit of the last decimal, as X
    s0 = eq.side(Fraction(0))
    if s0 == 0:
        return 0, 0
    g = eq.guess() * 100 * 10 ** decimals
    R = int(math.floor(abs(g) + 0.5)) * (1 if g >= 0 else -1)
    if s0 > 0:
        R = max(R, 0)
    else:
        R = min(R, 0)
    step = 1
    while True:
        lo = (R - Fraction(1, 2)) * unit
        hi = (R + Fraction(1, 2)) * unit
        sl, sh = eq.side(lo), eq.side(hi)
        if s0 > 0:  # want lo <= X* < hi
            if sl >= 0 and sh < 0:
                return R, int(sl == 0)
        else:  # want lo < X* <= hi
            if sl > 0 and sh <= 0:
                return R, int(sh == 0)
        if sl < 0 or (sl == 0 and s0 < 0):
            R -= step
        else:
            R += step
        step = min(step * 2, 1 << 40) if step < 8 else step


# --------------------------------------------------------------------------
# The library functions.

def _checked_flows(flows):
    if not flows:
        raise AprError("EINVAL", "flows", "no flows")
    if len(flows) > MAX_FLOWS:
        raise AprError("ELIMIT", "flows", "more than %d flows" % MAX_FLOWS)
    for i, (d, a) in enumerate(flows, 1):
        if not DATE_MIN <= d <= DATE_MAX:
            raise AprError("ERANGE", "date", "flow %d: date out of range" % i)
    draw = sum(-a for d, a in flows if a < 0)
    pay = sum(a for d, a in flows if a > 0)
    if draw > INT64_MAX or pay > INT64_MAX:
        # total_drawdowns is reported as a positive int64 amount, so a sum
        # of drawdowns of -2^63 (one INT64_MIN flow) does not fit either.
        raise AprError("EOVERFLOW", "amount", "sum beyond int64")
    return draw, pay


def merge(flows):
    """Sorted (date, net) of the dates whose net is not 0, and how many
    input flows fell on the date of an earlier flow."""
    by = {}
    for d, a in flows:
        by[d] = by.get(d, 0) + a
    merged = len(flows) - len(by)
    dated = [(d, by[d]) for d in sorted(by) if by[d] != 0]
    return dated, merged


def _sign_changes(dated):
    return sum(1 for (_, a), (_, b) in zip(dated, dated[1:])
               if (a > 0) != (b > 0))


def solve(flows, decimals, basis=None, xirr=False, drawn=None, payable=None):
    """The rate of flows [(date, amount)], basis YEARS/MONTHS/WEEKS or xirr.
    Returns a dict: units, decimals, tie, merged_flows, dated_flows,
    total_drawdowns, total_payable, total_cost."""
    draw, pay = _checked_flows(flows)
    if drawn is not None:
        draw, pay = drawn, payable
    if decimals < MIN_DECIMALS:
        raise AprError("EINVAL", "decimals", "below 1")
    if decimals > MAX_DECIMALS:
        raise AprError("ELIMIT", "decimals", "above 9")
    dated, merged = merge(flows)
    if not dated:
        raise AprError("EINVAL", "flows", "every date sums to 0")
    changes = _sign_changes(dated)
    if changes == 0:
        raise AprError("EINVAL", "flows", "the flows never change sign")
    if changes > 1:
        raise AprError("EINVAL", "flows", "more than one sign change")
    if not xirr and dated[0][1] > 0:
        raise AprError("EINVAL", "flows", "the first dated flow is a repayment")
    # Time from the first flow of the equation (for the APR the first
    # drawdown; for XIRR any common origin gives the same root).
    F = dated[0][0]
    if xirr:
        times = [xirr_fraction(F, d) for d, _ in dated]
    else:
        times = [year_fraction(F, d, basis) for d, _ in dated]
    amounts = [a for _, a in dated]
    eq = Equation(times, amounts)
    if eq.side(LOW) <= 0 or eq.side(HIGH) >= 0:
        raise AprError("ENOROOT", "flows", "the rate is not inside (-99 %, "
                       "10000 %)")
    units, tie = round_root(eq, decimals)
    return {"units": units, "decimals": decimals, "tie": tie,
            "merged_flows": merged, "dated_flows": len(dated),
            "total_drawdowns": draw, "total_payable": pay,
            "total_cost": pay - draw}


def apr_of_flows(flows, basis, decimals):
    return solve(flows, decimals, basis=basis)


def xirr(flows, decimals):
    return solve(flows, decimals, xirr=True)


def format_rate(units, decimals, mark="."):
    sign = "-" if units < 0 else ""
    q, r = divmod(abs(units), 10 ** decimals)
    return "%s%d%s%0*d" % (sign, q, mark, decimals, r)


# --------------------------------------------------------------------------
# Loan terms (the options of `mikrolan schedule`).

_SCHEDULE_REF = None


def schedule_ref(path=None):
    global _SCHEDULE_REF
    if _SCHEDULE_REF is None:
        path = path or os.environ.get("MIKROLAN_SCHEDULE_REF") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "bench", "peers",
            "schedule_ref.py")
        spec = importlib.util.spec_from_file_location("schedule_ref", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        _SCHEDULE_REF = mod
    return _SCHEDULE_REF


AMOUNT_RE = re.compile(r"^[+-]?[0-9]+(?:[ \u00a0\u202f_][0-9]+)*(?:[.,]([0-9]+))?$")


def parse_amount(text, exponent, field="amount"):
    """ml_amount_parse without rounding: exact or AprError(EPARSE/ERANGE)."""
    t = text.strip(" ")
    m = AMOUNT_RE.match(t)
    if not m:
        raise AprError("EPARSE", field, "amount %r" % text)
    if m.group(1) is not None and len(m.group(1)) > exponent:
        raise AprError("EPARSE", field, "too many decimals in %r" % text)
    clean = re.sub(r"[ \u00a0\u202f_]", "", t).replace(",", ".")
    value = Fraction(decimal.Decimal(clean)) * 10 ** exponent
    assert value.denominator == 1
    v = value.numerator
    if not INT64_MIN <= v <= INT64_MAX:
        raise AprError("ERANGE", field, "amount %r out of range" % text)
    return v


DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_date(text, field="date"):
    if not DATE_RE.match(text):
        raise AprError("EPARSE", field, "date %r" % text)
    try:
        d = datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        raise AprError("ERANGE", field, "date %r" % text)
    if not DATE_MIN <= d <= DATE_MAX:
        raise AprError("ERANGE", field, "date %r" % text)
    return d


COUNT_RE = re.compile(r"^(0|[1-9][0-9]*)$")


def parse_count(text, field):
    if not COUNT_RE.match(text) or int(text) > 2147483647:
        raise AprError("EPARSE", field, "count %r" % text)
    return int(text)


RATE_RE = re.compile(r"^[0-9]+(?:[.,]([0-9]+))?%?$")


def parse_rate(text):
    t = text.strip()
    m = RATE_RE.match(t)
    if not m or (m.group(1) and len(m.group(1)) > 9):
        raise AprError("EPARSE", "rate", "rate %r" % text)
    r = Fraction(decimal.Decimal(t.rstrip("%").replace(",", "."))) / 100
    if r > 10:
        raise AprError("ERANGE", "rate", "above 1000 %")
    return r


FREQ_NAMES = {"weekly": ("w", 1), "biweekly": ("w", 2), "monthly": ("m", 1),
              "quarterly": ("m", 3), "semiannual": ("m", 6),
              "annual": ("m", 12)}


def parse_frequency(text):
    if text in FREQ_NAMES:
        return FREQ_NAMES[text]
    m = re.match(r"^([1-9][0-9]*)([dwm])$", text)
    if not m or not 1 <= int(m.group(1)) <= 366:
        raise AprError("EINVAL", "frequency", "frequency %r" % text)
    return m.group(2), int(m.group(1))


CHOICES = {
    "method": ["annuity", "equal-principal", "flat", "bullet"],
    "interest": ["per-period", "act365", "act360", "actact", "30360",
                 "30e360", "30e360isda"],
    "rounding": ["half-even", "half-up", "half-down", "up", "down",
                 "ceiling", "floor"],
    "calendar": ["none", "weekends", "se"],
    "business-day": ["unadjusted", "following", "modified-following",
                     "preceding", "modified-preceding"],
}


def terms_flows(o, exponent):
    """Validates the loan-term options o (flag name -> text) as the schedule
    documentation states, computes the schedule with schedule_ref and
    returns (flows, basis, principal, payable)."""
    sr = schedule_ref()
    for name in ("principal", "rate", "term", "disbursed"):
        if name not in o:
            raise AprError("EINVAL", name, "required")
    maxp = 250000 * 10 ** exponent
    if "max-principal" in o:
        maxp = parse_amount(o["max-principal"], exponent, "max-principal")
        if not 1 <= maxp <= 10 ** 15:
            raise AprError("ELIMIT", "max-principal", "out of 1..10^15")
    P = parse_amount(o["principal"], exponent, "principal")
    if P < 1:
        raise AprError("EINVAL", "principal", "not above 0")
    if P > maxp:
        raise AprError("ELIMIT", "principal", "above the limit")
    rate = parse_rate(o["rate"])
    n = parse_count(o["term"], "term")
    if n < 1:
        raise AprError("EINVAL", "term", "0")
    if n > 600:
        raise AprError("ELIMIT", "term", "above 600")
    disbursed = parse_date(o["disbursed"], "disbursed")
    unit, every = parse_frequency(o.get("frequency", "monthly"))
    for name, values in CHOICES.items():
        if name in o and o[name] not in values:
            raise AprError("EINVAL", name, "unknown %r" % o[name])
    first_due = None
    if "first-due" in o:
        first_due = parse_date(o["first-due"], "first-due")
        if first_due <= disbursed:
            raise AprError("EINVAL", "first-due", "not after disbursed")
    gp = parse_count(o.get("grace-principal", "0"), "grace-principal")
    gi = parse_count(o.get("grace-interest", "0"), "grace-interest")
    free = parse_count(o.get("interest-free", "0"), "interest-free")
    if gp > n - 1:
        raise AprError("EINVAL", "grace-principal", "not below the term")
    if gi > n - 1:
        raise AprError("EINVAL", "grace-interest", "not below the term")
    if free > n:
        raise AprError("EINVAL", "interest-free", "above the term")
    mult = 1
    if "installment-multiple" in o:
        mult = parse_amount(o["installment-multiple"], exponent,
                            "installment-multiple")
        if mult < 1:
            raise AprError("EINVAL", "installment-multiple", "not above 0")
        if mult > maxp:
            raise AprError("ELIMIT", "installment-multiple", "above limit")
    fee, fee_pct = 0, None
    if "upfront-fee" in o:
        text = o["upfront-fee"].strip()
        if text.endswith("%"):
            fee_pct = parse_rate(text)  # same percent form
            if fee_pct > 1:
                raise AprError("ERANGE", "upfront-fee", "above 100 %")
        else:
            fee = parse_amount(text, exponent, "upfront-fee")
            if fee < 0:
                raise AprError("EINVAL", "upfront-fee", "negative")
            if fee > maxp:
                raise AprError("ELIMIT", "upfront-fee", "above limit")
    ifee = 0
    if "installment-fee" in o:
        ifee = parse_amount(o["installment-fee"], exponent, "installment-fee")
        if ifee < 0:
            raise AprError("EINVAL", "installment-fee", "negative")
        if ifee > maxp:
            raise AprError("ELIMIT", "installment-fee", "above limit")
    kw = dict(frequency=(unit, every), method=o.get("method", "annuity"),
              interest=o.get("interest", "per-period"), first_due=first_due,
              grace_principal=gp, grace_interest=gi, interest_free=free,
              rounding=sr.ROUNDING_NAMES[o.get("rounding", "half-even")],
              installment_multiple=mult, installment_fee=ifee,
              calendar=o.get("calendar", "none"),
              business_day=o.get("business-day", "unadjusted"),
              adjusted_interest_periods="adjusted-interest-periods" in o,
              exponent=exponent)
    if fee_pct is not None:
        kw["upfront_fee_percent"] = fee_pct
    else:
        kw["upfront_fee"] = fee
    t = sr.Terms(P, rate, n, disbursed, **kw)
    # The last due date (unadjusted, then adjusted) must be <= 2200-12-31.
    anchor, k0 = (first_due, n - 1) if first_due else (disbursed, n)
    y_last = anchor.year + (every * k0 // 12 + 2 if unit == "m" else
                            (every * k0 * (7 if unit == "w" else 1)) // 365 + 2)
    if y_last > 2200:
        last = None
        try:
            last = sr.add_periods(anchor, (unit, every), k0)
        except (ValueError, OverflowError):
            pass
        if last is None or last > DATE_MAX:
            raise AprError("ERANGE", "term", "last due date after 2200-12-31")
    try:
        rows = sr.compute(t)
    except (ValueError, OverflowError) as e:
        raise AprError("ERANGE", "term", "schedule: %s" % e)
    for r in rows:
        if r[1] > DATE_MAX:
            raise AprError("ERANGE", "term", "due date after 2200-12-31")
        if r[0] >= 1 and r[1] < disbursed:
            # "the first due date moves to ..., before the disbursement":
            # onto the disbursement date is allowed (the flows then merge).
            raise AprError("EINVAL", "business-day",
                           "a due date moves before the disbursement")
        if max(abs(x) for x in r[2:]) > INT64_MAX:
            raise AprError("EOVERFLOW", "amount", "row beyond int64")
    fee_row = sum(r[5] for r in rows if r[0] == 0)
    payable = sum(r[5] for r in rows)
    if payable > INT64_MAX:
        raise AprError("EOVERFLOW", "amount", "payable beyond int64")
    flows = [(disbursed, -(P - fee_row))]
    flows += [(r[1], r[5]) for r in rows if r[0] >= 1]
    basis = {"m": MONTHS, "w": WEEKS, "d": YEARS}[unit]
    return flows, basis, P, payable


def apr_of_terms(o, exponent, decimals):
    # A fee of the whole principal (or more) leaves no drawdown: solve()
    # then rejects the flows (never a sign change, or a repayment first).
    flows, basis, P, payable = terms_flows(o, exponent)
    return solve(flows, decimals, basis=basis, drawn=P, payable=payable)


# --------------------------------------------------------------------------
# Command line, mirroring `mikrolan apr`.

TERM_VALUE_OPTIONS = ["principal", "rate", "term", "disbursed", "frequency",
                      "method", "interest", "first-due", "grace-principal",
                      "grace-interest", "interest-free", "rounding",
                      "installment-multiple", "upfront-fee",
                      "installment-fee", "calendar", "business-day",
                      "max-principal"]
TERM_FLAG_OPTIONS = ["adjusted-interest-periods"]
VALUE_OPTIONS = TERM_VALUE_OPTIONS + ["flows", "basis", "currency",
                                      "decimals", "format"]
FLAG_OPTIONS = TERM_FLAG_OPTIONS + ["xirr"]


def parse_flows_csv(data, exponent, name):
    """The flows file: header date,amount, RFC 4180, LF or CRLF, optional
    BOM, blank lines only at the end."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AprError("EPARSE", "flows", "%s: not UTF-8" % name)
    records = []
    i, n = 0, len(text)
    line = 1
    while i < n:
        fields, field = [], []
        while True:
            if i < n and text[i] == '"':
                i += 1
                while True:
                    if i >= n:
                        raise AprError("EPARSE", "flows", "unterminated quote")
                    if text[i] == '"':
                        if i + 1 < n and text[i + 1] == '"':
                            field.append('"')
                            i += 2
                            continue
                        i += 1
                        break
                    field.append(text[i])
                    i += 1
                if i < n and text[i] not in ",\r\n":
                    raise AprError("EPARSE", "flows", "after a quote")
            else:
                while i < n and text[i] not in ',\r\n':
                    if text[i] == '"':
                        raise AprError("EPARSE", "flows", "quote in field")
                    field.append(text[i])
                    i += 1
            fields.append("".join(field))
            field = []
            if i < n and text[i] == ",":
                i += 1
                continue
            if i < n and text[i] == "\r":
                if i + 1 < n and text[i + 1] == "\n":
                    i += 2
                else:
                    raise AprError("EPARSE", "flows", "lone CR")
            elif i < n:
                i += 1
            break
        records.append((line, fields))
        line += 1
    # Blank lines only at the end.
    while records and records[-1][1] == [""]:
        records.pop()
    if not records or records[0][1] != ["date", "amount"]:
        raise AprError("EPARSE", "flows", "%s: header must be date,amount"
                       % name)
    flows = []
    for ln, f in records[1:]:
        if f == [""]:
            raise AprError("EPARSE", "flows", "%s:%d: blank line" % (name, ln))
        if len(f) != 2:
            raise AprError("EPARSE", "flows", "%s:%d: fields" % (name, ln))
        flows.append((parse_date(f[0]), parse_amount(f[1], exponent)))
    return flows


def parse_args(argv):
    opts = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("--"):
            raise AprError("EINVAL", "args", "stray argument %r" % arg)
        name, eq, value = arg[2:].partition("=")
        if name in opts:
            raise AprError("EINVAL", name, "given more than once")
        if name in FLAG_OPTIONS:
            if eq:
                raise AprError("EINVAL", name, "takes no value")
            opts[name] = True
        elif name in VALUE_OPTIONS:
            if not eq:
                i += 1
                if i >= len(argv) or argv[i].startswith("--"):
                    raise AprError("EINVAL", name, "missing value")
                value = argv[i]
            opts[name] = value
        else:
            raise AprError("EINVAL", name, "unknown option")
        i += 1
    return opts


def sv_amount(minor, exponent):
    sign = "-" if minor < 0 else ""
    q, r = divmod(abs(minor), 10 ** exponent)
    digits = str(q)
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    s = sign + " ".join(groups)
    if exponent:
        s += ",%0*d" % (exponent, r)
    return s


def plain_amount(minor, exponent):
    sign = "-" if minor < 0 else ""
    q, r = divmod(abs(minor), 10 ** exponent)
    return "%s%d.%0*d" % (sign, q, exponent, r) if exponent else \
        "%s%d" % (sign, q)


def render(res, fmt, xirr_mode, currency, exponent):
    rate = format_rate(res["units"], res["decimals"])
    cost, pay = res["total_cost"], res["total_payable"]
    if fmt == "json":
        return ('{\n  "%s": "%s",\n  "total_cost_of_credit": "%s",\n'
                '  "total_amount_payable": "%s"\n}\n'
                % ("xirr" if xirr_mode else "apr", rate,
                   plain_amount(cost, exponent), plain_amount(pay, exponent)))
    unit = "kr" if currency == "SEK" else currency
    label = "XIRR (ACT/365)" if xirr_mode else "effective annual rate"
    return ("%-24s%s %%\n%-24s%s %s\n%-24s%s %s\n"
            % (label, rate.replace(".", ","),
               "total cost of credit", sv_amount(cost, exponent), unit,
               "total amount payable", sv_amount(pay, exponent), unit))


def run_cli(argv, stdin=b""):
    """(exit status, stdout text, stderr text) of `mikrolan apr ARGV`."""
    try:
        o = parse_args(argv)
        currency = o.get("currency", "SEK")
        if currency.upper() not in CURRENCY_EXPONENT or len(currency) != 3:
            raise AprError("EINVAL", "currency", "unknown")
        currency = currency.upper()
        exponent = CURRENCY_EXPONENT[currency]
        fmt = o.get("format", "table")
        if fmt not in ("table", "json"):
            raise AprError("EINVAL", "format", "table or json")
        decimals = DEFAULT_DECIMALS
        if "decimals" in o:
            decimals = parse_count(o["decimals"], "decimals")
            if not MIN_DECIMALS <= decimals <= MAX_DECIMALS:
                raise AprError("EINVAL", "decimals", "1..9")
        xirr_mode = "xirr" in o
        notes = ""
        if "flows" in o:
            for name in TERM_VALUE_OPTIONS + TERM_FLAG_OPTIONS:
                if name in o:
                    raise AprError("EINVAL", name, "not with --flows")
            if xirr_mode and "basis" in o:
                raise AprError("EINVAL", "basis", "not with --xirr")
            basis = o.get("basis", YEARS)
            if basis not in (YEARS, MONTHS, WEEKS):
                raise AprError("EINVAL", "basis", "unknown basis")
            path = o["flows"]
            if path == "-":
                data = stdin
            else:
                try:
                    with open(path, "rb") as fh:
                        data = fh.read()
                except OSError as e:
                    raise AprError("EINVAL", "flows", str(e))
            flows = parse_flows_csv(data, exponent, path)
            res = solve(flows, decimals, basis=basis, xirr=xirr_mode)
            if res["merged_flows"]:
                k = res["merged_flows"]
                notes = ("mikrolan apr: note: %d flow%s fell on the date of an "
                         "earlier flow and %s added into it\n"
                         % (k, "" if k == 1 else "s",
                            "was" if k == 1 else "were"))
        else:
            for name in ("basis", "xirr"):
                if name in o:
                    raise AprError("EINVAL", name, "only with --flows")
            res = apr_of_terms(o, exponent, decimals)
        return 0, render(res, fmt, xirr_mode, currency, exponent), notes
    except AprError as e:
        return 2, "", "ref_apr: %s %s: %s\n" % (e.kind, e.field, e.message)


# --------------------------------------------------------------------------
# Self-check: cases whose values are derived by hand, not by this code.

def self_check():
    D = datetime.date
    fails = 0

    def expect(what, got, want):
        nonlocal fails
        ok = got == want
        fails += not ok
        print("%s %s: got %r, want %r" % ("ok" if ok else "FAIL", what, got,
                                           want))

    # Directive 98/7/EC Annex III, example 1: 1000 lent on 1 Jan 1994,
    # 1200 repaid on 1 Jul 1995. Calendar basis: 1 year + 181 days, so
    # t = 546/365 and X = 1.2^(365/546) - 1. By hand: ln 1.2 = 0.1823216,
    # x 365/546 = 0.1218825, exp = 1.129620 -> 12.96 %.
    expect("98/7 year fraction", year_fraction(D(1994, 1, 1), D(1995, 7, 1),
                                               YEARS), Fraction(546, 365))
    f1 = [(D(1994, 1, 1), -100000), (D(1995, 7, 1), 120000)]
    expect("98/7 ex.1, 1 decimal", apr_of_flows(f1, YEARS, 1)["units"], 130)
    expect("98/7 ex.1, 2 decimals", apr_of_flows(f1, YEARS, 2)["units"], 1296)
    # Closed-form ties. 10000 lent, 11295 repaid exactly one year later
    # (2020 is a leap year; 2020-01-01 + 12 months is exactly 1 year):
    # X = 12.95 % exactly, half-up away from zero -> 13.0, tie.
    t1 = apr_of_flows([(D(2020, 1, 1), -1000000), (D(2021, 1, 1), 1129500)],
                      YEARS, 1)
    expect("12.95 % tie", (t1["units"], t1["tie"]), (130, 1))
    # 9495 back after a year: X = -5.05 % exactly -> -5.1 (away from zero).
    t2 = apr_of_flows([(D(2021, 3, 1), -1000000), (D(2022, 3, 1), 949500)],
                      YEARS, 1)
    expect("-5.05 % tie", (t2["units"], t2["tie"]), (-51, 1))
    # Months basis, 31 Jan -> 31 Jul is exactly 6 months, t = 1/2:
    # (1+X)^(1/2) = 1.05, X = 10.25 % exactly -> 10.3 at 1 decimal; and
    # 10.25 at 2 decimals with no tie.
    f3 = [(D(2021, 1, 31), -1000000), (D(2021, 7, 31), 1050000)]
    t3 = apr_of_flows(f3, MONTHS, 1)
    expect("10.25 % tie at t=1/2", (t3["units"], t3["tie"]), (103, 1))
    expect("10.25 % at 2 decimals", apr_of_flows(f3, MONTHS, 2)["units"], 1025)
    # Clamped month: 31 Jan -> 28 Feb is exactly one month (1/12), while
    # backward counting from 30 Mar 2025 gives E = 28 Feb 2025, 1 month +
    # 28 days, over 366 (28 Feb 2024 -> 28 Feb 2025 holds 29 Feb 2024).
    expect("31 Jan -> 28 Feb", year_fraction(D(2025, 1, 31), D(2025, 2, 28),
                                             MONTHS), Fraction(1, 12))
    expect("31 Jan -> 30 Mar", year_fraction(D(2025, 1, 31), D(2025, 3, 30),
                                             MONTHS),
           Fraction(1, 12) + Fraction(28, 366))
    # Weeks: 1 Mar 2021 -> 15 Mar 2021 + 3 days = 2 weeks + 3/365.
    expect("2 weeks + 3 days", year_fraction(D(2021, 3, 1), D(2021, 3, 18),
                                             WEEKS),
           Fraction(2, 52) + Fraction(3, 365))
    # XIRR two flows 365 days apart: t = 1, X = 1200/1000 - 1 = 20 % exactly.
    x1 = xirr([(D(2019, 5, 5), -1000), (D(2020, 5, 4), 1200)], 3)
    expect("XIRR 20 % over 365 days", (x1["units"], x1["tie"]), (20000, 0))
    # Excel's XIRR example (documented: 0.373362535 by Excel, proven value
    # 37.3362534 % at 7 decimals, 37.336253352 % at 9).
    xl = [(D(2008, 1, 1), -10000), (D(2008, 3, 1), 2750),
          (D(2008, 10, 30), 4250), (D(2009, 2, 15), 3250),
          (D(2009, 4, 1), 2750)]
    expect("Excel XIRR, 7 decimals", xirr(xl, 7)["units"], 373362534)
    expect("Excel XIRR, 9 decimals", xirr(xl, 9)["units"], 37336253352)
    # The README's command example: 9,2 %, 35 507,86 kr, 285 507,86 kr.
    rc, out, _ = run_cli(["--principal", "250000", "--rate", "8.5", "--term",
                          "36", "--disbursed", "2026-01-15", "--upfront-fee",
                          "500", "--installment-fee", "25"])
    expect("README example", (rc, out),
           (0, "effective annual rate   9,2 %\n"
               "total cost of credit    35 507,86 kr\n"
               "total amount payable    285 507,86 kr\n"))
    print("%d failure(s)" % fails)
    return 1 if fails else 0


def main(argv):
    if argv and argv[0] == "--schedule-ref":
        schedule_ref(argv[1])
        argv = argv[2:]
    if argv and argv[0] == "--self-check":
        return self_check()
    if argv and argv[0] == "apr":
        argv = argv[1:]
    stdin = b""
    if "-" in argv or "--flows=-" in argv:
        stdin = sys.stdin.buffer.read()
    rc, out, err = run_cli(argv, stdin)
    sys.stdout.write(out)
    sys.stderr.write(err)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
