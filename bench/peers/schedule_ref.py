#!/usr/bin/env python3
"""Independent exact reference for mikrolan schedules (standard library only).

This is a second, independent reading of the semantics in
include/mikrolan/schedule.h. It shares no code with lib/: every amount is an
integer count of minor units, every rate and day-count fraction an exact
rational (fractions.Fraction, or an integer numerator/denominator pair), and
each amount is rounded exactly once, with the General Decimal Arithmetic
rounding modes (the ones decimal.Decimal.quantize implements), from its exact
rational value.

Subcommands:

  schedule_ref.py schedule FLAGS      the schedule as CSV, byte for byte as
                                      `mikrolan schedule --format csv`
  schedule_ref.py bench [--count N]   the benchmark workload (see bench())
  schedule_ref.py selftest            checks the integer rounding against
                                      decimal.quantize and a few fixed values
"""

import argparse
import datetime
import decimal
import functools
import random
import sys
import time
from fractions import Fraction

# --------------------------------------------------------------------------
# Rounding: n = round(num / den) to an integer, exactly, with the General
# Decimal Arithmetic modes. Amounts are then q * round(x / q).

HALF_EVEN, HALF_UP, HALF_DOWN, UP, DOWN, CEILING, FLOOR = range(7)
ROUNDING_NAMES = {
    "half-even": HALF_EVEN,
    "half-up": HALF_UP,
    "half-down": HALF_DOWN,
    "up": UP,
    "down": DOWN,
    "ceiling": CEILING,
    "floor": FLOOR,
}
DECIMAL_MODE = {
    HALF_EVEN: decimal.ROUND_HALF_EVEN,
    HALF_UP: decimal.ROUND_HALF_UP,
    HALF_DOWN: decimal.ROUND_HALF_DOWN,
    UP: decimal.ROUND_UP,
    DOWN: decimal.ROUND_DOWN,
    CEILING: decimal.ROUND_CEILING,
    FLOOR: decimal.ROUND_FLOOR,
}


def round_div(num, den, mode):
    """round(num/den) to an integer with mode; den > 0, any sign of num."""
    q, r = divmod(num, den)  # floor division: q <= num/den < q + 1
    if r == 0:
        return q
    if mode == FLOOR:
        return q
    if mode == CEILING:
        return q + 1
    if mode == DOWN:  # toward zero
        return q if num > 0 else q + 1
    if mode == UP:  # away from zero
        return q + 1 if num > 0 else q
    twice = 2 * r
    if twice < den:
        return q
    if twice > den:
        return q + 1
    if mode == HALF_EVEN:
        return q + (q & 1)
    if mode == HALF_UP:  # ties away from zero
        return q + 1 if num > 0 else q
    if mode == HALF_DOWN:  # ties toward zero
        return q if num > 0 else q + 1
    raise ValueError("bad rounding mode %r" % mode)


def _half_even_nonneg(num, den):
    q, r = divmod(num, den)
    twice = 2 * r
    if twice > den or (twice == den and q & 1):
        return q + 1
    return q


# Rounders for num >= 0, den > 0 (every rounded value of a schedule is
# non-negative): the same results as round_div, as one expression each.
NONNEG_ROUNDER = {
    HALF_EVEN: _half_even_nonneg,
    HALF_UP: lambda n, d: (2 * n + d) // (2 * d),
    HALF_DOWN: lambda n, d: -((d - 2 * n) // (2 * d)),
    UP: lambda n, d: -(-n // d),
    DOWN: lambda n, d: n // d,
    CEILING: lambda n, d: -(-n // d),
    FLOOR: lambda n, d: n // d,
}

# --------------------------------------------------------------------------
# Currencies and amounts.

CURRENCY_EXPONENT = {
    "SEK": 2, "EUR": 2, "USD": 2, "NOK": 2, "DKK": 2, "GBP": 2, "CHF": 2,
    "ISK": 0, "JPY": 0,
}


def parse_amount(text, exponent):
    """Major units ("5000.50") -> integer minor units; exact or an error."""
    clean = text.strip().replace(",", ".").replace("_", "").replace(" ", "")
    value = Fraction(decimal.Decimal(clean)) * 10 ** exponent
    if value.denominator != 1:
        raise ValueError("amount %r has more decimals than the currency" % text)
    return value.numerator


def format_amount(minor, exponent):
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    if exponent == 0:
        return "%s%d" % (sign, minor)
    unit = 10 ** exponent
    return "%s%d.%0*d" % (sign, minor // unit, exponent, minor % unit)


def parse_percent(text):
    """"8.5", "8.5%", "8,5 %" -> Fraction(17, 200)."""
    clean = text.strip().rstrip("%").strip().replace(",", ".")
    return Fraction(decimal.Decimal(clean)) / 100


# --------------------------------------------------------------------------
# Dates (datetime.date; ordinals where speed matters).

DAYS, WEEKS, MONTHS = "d", "w", "m"
FREQUENCY_NAMES = {
    "weekly": (WEEKS, 1),
    "biweekly": (WEEKS, 2),
    "monthly": (MONTHS, 1),
    "quarterly": (MONTHS, 3),
    "semiannual": (MONTHS, 6),
    "annual": (MONTHS, 12),
}


def parse_frequency(text):
    if text in FREQUENCY_NAMES:
        return FREQUENCY_NAMES[text]
    unit, every = text[-1], int(text[:-1])
    if unit not in (DAYS, WEEKS, MONTHS) or not 1 <= every <= 366:
        raise ValueError("bad frequency %r" % text)
    return unit, every


def is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year, month):
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def add_months(d, months):
    """d + months, the day clamped to the end of the target month."""
    y, m0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    m = m0 + 1
    return datetime.date(y, m, min(d.day, days_in_month(y, m)))


def add_periods(d, freq, count):
    unit, every = freq
    if unit == MONTHS:
        return add_months(d, every * count)
    if unit == WEEKS:
        return d + datetime.timedelta(days=7 * every * count)
    return d + datetime.timedelta(days=every * count)


def periods_per_year(freq):
    unit, every = freq
    return Fraction({MONTHS: 12, WEEKS: 52, DAYS: 365}[unit], every)


def easter_sunday(year):
    """Gregorian computus (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@functools.lru_cache(maxsize=None)
def swedish_holidays(year):
    easter = easter_sunday(year)
    one = datetime.timedelta(days=1)
    days = {
        datetime.date(year, 1, 1),
        datetime.date(year, 1, 6),
        easter - 2 * one,   # Good Friday
        easter + one,       # Easter Monday
        easter + 39 * one,  # Ascension Day
        datetime.date(year, 5, 1),
        datetime.date(year, 12, 24),
        datetime.date(year, 12, 25),
        datetime.date(year, 12, 26),
        datetime.date(year, 12, 31),
    }
    if year >= 2005:
        days.add(datetime.date(year, 6, 6))
    else:
        days.add(easter + 50 * one)  # Whit Monday, until 2004
    june19 = datetime.date(year, 6, 19)
    # Midsummer Eve: the Friday from 19 to 25 June (weekday(): Friday = 4).
    days.add(june19 + datetime.timedelta(days=(4 - june19.weekday()) % 7))
    return frozenset(days)


def is_business_day(calendar, d):
    if calendar == "none":
        return True
    if d.weekday() >= 5:
        return False
    if calendar == "weekends":
        return True
    if calendar == "se":
        return d not in swedish_holidays(d.year)
    raise ValueError("bad calendar %r" % calendar)


def adjust(d, calendar, convention):
    if convention == "unadjusted" or is_business_day(calendar, d):
        return d
    one = datetime.timedelta(days=1)

    def following(x):
        while not is_business_day(calendar, x):
            x += one
        return x

    def preceding(x):
        while not is_business_day(calendar, x):
            x -= one
        return x

    if convention == "following":
        return following(d)
    if convention == "preceding":
        return preceding(d)
    if convention == "modified-following":
        x = following(d)
        return x if x.month == d.month else preceding(d)
    if convention == "modified-preceding":
        x = preceding(d)
        return x if x.month == d.month else following(d)
    raise ValueError("bad business-day convention %r" % convention)


# Day-count fractions (exact).

def _thirty_360(y1, m1, d1, y2, m2, d2):
    return Fraction(360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1), 360)


def day_count_fraction(dc, start, end, maturity):
    if dc == "act365":
        return Fraction((end - start).days, 365)
    if dc == "act360":
        return Fraction((end - start).days, 360)
    if dc == "actact":
        total = Fraction(0)
        for year in range(start.year, end.year + 1):
            lo = max(start, datetime.date(year, 1, 1))
            hi = min(end, datetime.date(year + 1, 1, 1))
            if hi > lo:
                total += Fraction((hi - lo).days, 366 if is_leap(year) else 365)
        return total
    y1, m1, d1 = start.year, start.month, start.day
    y2, m2, d2 = end.year, end.month, end.day
    if dc == "30360":  # ISDA 2006 4.16(f), bond basis
        if d1 == 31:
            d1 = 30
        if d2 == 31 and d1 == 30:  # original D1 was 30 or 31
            d2 = 30
    elif dc == "30e360":  # 4.16(g), Eurobond basis
        d1 = min(d1, 30)
        d2 = min(d2, 30)
    elif dc == "30e360isda":  # 4.16(h)
        if d1 == days_in_month(y1, m1):
            d1 = 30
        if d2 == days_in_month(y2, m2) and not (end == maturity and m2 == 2):
            d2 = 30
    else:
        raise ValueError("bad day count %r" % dc)
    return _thirty_360(y1, m1, d1, y2, m2, d2)


# --------------------------------------------------------------------------
# Terms and the schedule.

class Terms:
    __slots__ = (
        "principal", "rate", "term", "frequency", "method", "interest",
        "disbursed", "first_due", "grace_principal", "grace_interest",
        "interest_free", "rounding", "installment_multiple", "upfront_fee",
        "upfront_fee_percent", "installment_fee", "calendar", "business_day",
        "adjusted_interest_periods", "exponent",
    )

    def __init__(self, principal, rate, term, disbursed, **kw):
        self.principal = principal          # minor units
        self.rate = rate                    # Fraction, annual nominal
        self.term = term                    # installments n
        self.disbursed = disbursed          # datetime.date
        self.frequency = kw.pop("frequency", (MONTHS, 1))
        self.method = kw.pop("method", "annuity")
        self.interest = kw.pop("interest", "per-period")
        self.first_due = kw.pop("first_due", None)
        self.grace_principal = kw.pop("grace_principal", 0)
        self.grace_interest = kw.pop("grace_interest", 0)
        self.interest_free = kw.pop("interest_free", 0)
        self.rounding = kw.pop("rounding", HALF_EVEN)
        self.installment_multiple = kw.pop("installment_multiple", 1)
        self.upfront_fee = kw.pop("upfront_fee", 0)            # minor units
        self.upfront_fee_percent = kw.pop("upfront_fee_percent", None)
        self.installment_fee = kw.pop("installment_fee", 0)
        self.calendar = kw.pop("calendar", "none")
        self.business_day = kw.pop("business_day", "unadjusted")
        self.adjusted_interest_periods = kw.pop("adjusted_interest_periods",
                                                False)
        self.exponent = kw.pop("exponent", 2)
        if kw:
            raise TypeError("unknown terms %s" % ", ".join(kw))


@functools.lru_cache(maxsize=None)
def due_dates(disbursed, first_due, frequency, n, calendar, business_day):
    """(unadjusted, adjusted) due dates of installments 1..n."""
    if first_due is not None:
        unadjusted = tuple(add_periods(first_due, frequency, k)
                           for k in range(n))
    else:
        unadjusted = tuple(add_periods(disbursed, frequency, k)
                           for k in range(1, n + 1))
    adjusted = tuple(adjust(d, calendar, business_day) for d in unadjusted)
    return unadjusted, adjusted


@functools.lru_cache(maxsize=None)
def annuity_factor(a, b, m):
    """r/(1-(1+r)^-m) for r = a/b > 0, as (num, den):
    A = P * a (a+b)^m / (b ((a+b)^m - b^m))."""
    up = (a + b) ** m
    return a * up, b * (up - b ** m)


def period_rates(t, starts, ends):
    """The exact interest rate i_k of every period, as (num, den) pairs."""
    n = t.term
    if t.interest == "per-period":
        r = t.rate / periods_per_year(t.frequency)
        rates = [(r.numerator, r.denominator)] * n
        f, d = t.first_due, t.disbursed
        if f is not None and f != add_periods(d, t.frequency, 1):
            prev = add_periods(f, t.frequency, -1)
            i1 = r * Fraction((f - d).days, (f - prev).days)
            rates[0] = (i1.numerator, i1.denominator)
        return rates
    maturity = ends[-1]
    rates = []
    for s, e in zip(starts, ends):
        i = t.rate * day_count_fraction(t.interest, s, e, maturity)
        rates.append((i.numerator, i.denominator))
    return rates


def compute(t, deferred_rows=None):
    """The schedule of t as rows (n, due_date, principal, interest, fees,
    total, balance); row 0 is the upfront fee when there is one.

    deferred_rows: None, or a list to which one amount per row is appended, in
    the order of the rows: the row's interest_deferred (schedule.h), c_k on
    installments 1 .. grace_interest (the interest charged over the row's
    period and deferred to installment grace_interest + 1), 0 on every
    other row (row 0 included). The rows themselves are the same either
    way."""
    n = t.term
    P = t.principal
    rnd = NONNEG_ROUNDER[t.rounding]
    mult = t.installment_multiple
    unadjusted, adjusted = due_dates(t.disbursed, t.first_due, t.frequency, n,
                                     t.calendar, t.business_day)
    ends = adjusted if t.adjusted_interest_periods else unadjusted
    starts = (t.disbursed,) + ends[:-1]
    rates = period_rates(t, starts, ends)

    rows = []
    fee = t.upfront_fee
    if t.upfront_fee_percent is not None:
        pct = t.upfront_fee_percent
        fee = rnd(P * pct.numerator, pct.denominator)
    if fee > 0:
        rows.append((0, t.disbursed, 0, 0, fee, fee, P))
        if deferred_rows is not None:
            deferred_rows.append(0)

    gp, gi, free = t.grace_principal, t.grace_interest, t.interest_free
    m = n - gp
    method = t.method
    A = eq = 0
    if method == "annuity":
        r = t.rate / periods_per_year(t.frequency)
        if r == 0:
            A = rnd(P, m * mult) * mult
        else:
            num, den = annuity_factor(r.numerator, r.denominator, m)
            A = rnd(P * num, den * mult) * mult
    elif method == "equal-principal":
        eq = rnd(P, m)
    flat = method == "flat"
    ifee = t.installment_fee

    B = P
    deferred = 0
    for k in range(1, n + 1):
        if k <= free:
            c = 0
        else:
            inum, iden = rates[k - 1]
            c = rnd((P if flat else B) * inum, iden)
        if k <= gi:
            deferred += c
            due = 0
        elif k == gi + 1:
            due = c + deferred
            deferred = 0
        else:
            due = c
        if k == n:
            p = B
        elif k <= gp:
            p = 0
        elif method == "annuity":
            p = A - c
            p = 0 if p < 0 else (B if p > B else p)
        elif method == "equal-principal":
            p = eq if eq < B else B
        elif flat:
            inst = rnd(P + c * m, m * mult) * mult
            p = inst - c
            p = 0 if p < 0 else (B if p > B else p)
        elif method == "bullet":
            p = 0
        else:
            raise ValueError("bad method %r" % method)
        B -= p
        rows.append((k, adjusted[k - 1], p, due, ifee, p + due + ifee, B))
        if deferred_rows is not None:
            deferred_rows.append(c if k <= gi else 0)
    return rows


def interest_deferred(t):
    """interest_deferred of every row of compute(t), in the same order:
    c_k on installments 1 .. grace_interest, else 0."""
    out = []
    compute(t, out)
    return out


def to_csv(rows, exponent):
    out = ["n,due_date,principal,interest,fees,total,balance\n"]
    for k, d, p, i, f, tot, bal in rows:
        out.append("%d,%s,%s,%s,%s,%s,%s\n" % (
            k, d.isoformat(), format_amount(p, exponent),
            format_amount(i, exponent), format_amount(f, exponent),
            format_amount(tot, exponent), format_amount(bal, exponent)))
    return "".join(out)


# --------------------------------------------------------------------------
# Command line.

def terms_from_args(argv):
    ap = argparse.ArgumentParser(prog="schedule_ref.py schedule")
    ap.add_argument("--principal", required=True)
    ap.add_argument("--rate", required=True)
    ap.add_argument("--term", required=True, type=int)
    ap.add_argument("--frequency", default="monthly")
    ap.add_argument("--method", default="annuity",
                    choices=["annuity", "equal-principal", "flat", "bullet"])
    ap.add_argument("--interest", default="per-period",
                    choices=["per-period", "act365", "act360", "actact",
                             "30360", "30e360", "30e360isda"])
    ap.add_argument("--disbursed", required=True)
    ap.add_argument("--first-due")
    ap.add_argument("--grace-principal", type=int, default=0)
    ap.add_argument("--grace-interest", type=int, default=0)
    ap.add_argument("--interest-free", type=int, default=0)
    ap.add_argument("--rounding", default="half-even",
                    choices=list(ROUNDING_NAMES))
    ap.add_argument("--installment-multiple")
    ap.add_argument("--upfront-fee")
    ap.add_argument("--installment-fee")
    ap.add_argument("--calendar", default="none",
                    choices=["none", "weekends", "se"])
    ap.add_argument("--business-day", default="unadjusted",
                    choices=["unadjusted", "following", "modified-following",
                             "preceding", "modified-preceding"])
    ap.add_argument("--adjusted-interest-periods", action="store_true")
    ap.add_argument("--currency", default="SEK")
    a = ap.parse_args(argv)

    exp = CURRENCY_EXPONENT[a.currency.upper()]
    kw = {}
    if a.upfront_fee is not None:
        text = a.upfront_fee.strip()
        if text.endswith("%"):
            kw["upfront_fee_percent"] = parse_percent(text)
        else:
            kw["upfront_fee"] = parse_amount(text, exp)
    return Terms(
        parse_amount(a.principal, exp),
        parse_percent(a.rate),
        a.term,
        datetime.date.fromisoformat(a.disbursed),
        frequency=parse_frequency(a.frequency),
        method=a.method,
        interest=a.interest,
        first_due=(datetime.date.fromisoformat(a.first_due)
                   if a.first_due else None),
        grace_principal=a.grace_principal,
        grace_interest=a.grace_interest,
        interest_free=a.interest_free,
        rounding=ROUNDING_NAMES[a.rounding],
        installment_multiple=(parse_amount(a.installment_multiple, exp)
                              if a.installment_multiple is not None else 1),
        installment_fee=(parse_amount(a.installment_fee, exp)
                         if a.installment_fee is not None else 0),
        calendar=a.calendar,
        business_day=a.business_day,
        adjusted_interest_periods=a.adjusted_interest_periods,
        exponent=exp,
        **kw)


def cmd_schedule(argv):
    t = terms_from_args(argv)
    sys.stdout.write(to_csv(compute(t), t.exponent))
    return 0


def bench(count):
    """Loan i: principal 10000 + (i*7919 mod 240000) SEK, term 6 + (i mod 55)
    months, 8.5 %, per-period, monthly annuity, half-up, disbursed
    2026-01-15. Checksum: the total interest of all loans in öre."""
    rate = Fraction(85, 1000)
    disbursed = datetime.date(2026, 1, 15)
    checksum = 0
    installments = 0
    start = time.perf_counter()
    for i in range(count):
        t = Terms((10000 + (i * 7919) % 240000) * 100, rate, 6 + i % 55,
                  disbursed, rounding=HALF_UP)
        rows = compute(t)
        installments += len(rows)
        for row in rows:
            checksum += row[3]
    seconds = time.perf_counter() - start
    print("python-decimal-reference schedules=%d seconds=%.3f "
          "schedules_per_s=%.0f installments_per_s=%.0f checksum=%d"
          % (count, seconds, count / seconds, installments / seconds,
             checksum))
    return 0


def selftest():
    rng = random.Random(20260115)
    ctx = decimal.Context(prec=200)
    checked = 0
    for _ in range(200000):
        den = rng.choice([1, 2, 3, 4, 7, 10, 12, 100, 2400, 4800,
                          rng.randint(1, 10 ** 6)])
        num = rng.randint(-10 ** 7, 10 ** 7)
        if rng.random() < 0.3:  # force exact ties
            num = (2 * rng.randint(-10 ** 6, 10 ** 6) + 1) * den
            den *= 2
        for mode, dmode in DECIMAL_MODE.items():
            # num/den is exact in decimal when den has only 2s and 5s; else
            # compare with a 200-digit quotient (far from any tie).
            x = ctx.divide(decimal.Decimal(num), decimal.Decimal(den))
            want = int(x.quantize(decimal.Decimal(1), rounding=dmode,
                                  context=ctx))
            got = round_div(num, den, mode)
            if got != want:
                raise AssertionError((num, den, mode, got, want))
            if num >= 0 and NONNEG_ROUNDER[mode](num, den) != want:
                raise AssertionError(("nonneg", num, den, mode, want))
            checked += 1
    # Fixed facts.
    assert easter_sunday(2026) == datetime.date(2026, 4, 5)
    assert easter_sunday(2024) == datetime.date(2024, 3, 31)
    assert easter_sunday(2000) == datetime.date(2000, 4, 23)
    assert datetime.date(2026, 6, 19) in swedish_holidays(2026)  # Midsummer Eve
    assert datetime.date(2026, 5, 14) in swedish_holidays(2026)  # Ascension
    assert datetime.date(2004, 5, 31) in swedish_holidays(2004)  # Whit Monday
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2026, 1, 31), 2) == datetime.date(2026, 3, 31)
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)
    assert day_count_fraction("actact", datetime.date(2003, 11, 1),
                              datetime.date(2004, 5, 1), None) \
        == Fraction(61, 365) + Fraction(121, 366)
    print("selftest ok: %d roundings checked against decimal.quantize" % checked)
    return 0


def main(argv):
    if len(argv) >= 1 and argv[0] == "schedule":
        return cmd_schedule(argv[1:])
    if len(argv) >= 1 and argv[0] == "bench":
        ap = argparse.ArgumentParser(prog="schedule_ref.py bench")
        ap.add_argument("--count", type=int, default=1000000)
        return bench(ap.parse_args(argv[1:]).count)
    if len(argv) >= 1 and argv[0] == "selftest":
        return selftest()
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
