#!/usr/bin/env python3
"""Differential test: `mikrolan apr` against the independent reference.

    diff_apr.py MIKROLAN_BINARY REF_SCRIPT [--cases N] [--seed S] [--jobs J]

Generates N seeded random cases and runs `MIKROLAN_BINARY apr ARGS` and
`python3 REF_SCRIPT apr ARGS` on each (the same flows file or standard
input). Cases cycle through:

  flows     random loans: 1-4 drawdowns, 1-80 repayments, fees and
            same-date flows, zero flows, shuffled rows, month ends and leap
            days, every --basis and --xirr (also with the first flow a
            repayment), rates from -95 % to 9000 %, decimals 1..9, SEK, EUR,
            ISK, JPY, table and json, CRLF, BOM, "1 234,50" amounts, stdin;
  ties      roots exactly on a rounding boundary (t = 1, 2, 1/2 years in
            every basis, multi-flow ties at whole years), and the same
            nudged by one minor unit on large amounts;
  time      two to four flows at month ends, 29 February, century years,
            near whole periods, 1900..2200, with 7-9 decimals: each rate
            pins the year fractions of the time rule;
  terms     the loan terms of tests/diff_schedule.py's generator (every
            method, day count, grace, rounding, frequency, fee, calendar
            and business-day value), plus high rates and --max-principal;
  errors    inputs the documentation rejects (compared by exit status).

Both exit 0: stdout must be the same bytes, and for --flows the number of
merged flows in the standard-error note must agree. Otherwise the exit
statuses must be equal (the documented class: 2 for a bad input or flows
without a rate), and mikrolan must write nothing on standard output. Prints
TAP; each failure shows both outputs and a command that reproduces it; exit
status 1 on any failure.
"""

import argparse
import concurrent.futures
import datetime
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import diff_schedule  # noqa: E402  (its term generator)

D = datetime.date
INT64_MAX = (1 << 63) - 1
CURRENCIES = [("SEK", 2)] * 8 + [("EUR", 2), ("JPY", 0), ("ISK", 0),
                                 ("usd", 2)]


# --------------------------------------------------------------------------
# Dates and amounts.

def add_months(d, n):
    y, m0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    dim = [31, 29 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 28, 31,
           30, 31, 30, 31, 31, 30, 31, 30, 31][m0]
    return D(y, m0 + 1, min(d.day, dim))


def random_date(rng, lo=1990, hi=2090):
    y = rng.randint(lo, hi)
    roll = rng.random()
    if roll < 0.15:
        y = rng.choice([y - y % 4, y - y % 4 + 4])  # leap years
        if y % 100 == 0 and y % 400:
            y += 4
        return rng.choice([D(y, 2, 29), D(y, 2, 28), D(y, 3, 1),
                           D(y, 12, 31)])
    m = rng.randint(1, 12)
    if roll < 0.4:  # month ends
        return add_months(D(y, m, 1), 1) - \
            datetime.timedelta(days=rng.randint(1, 3))
    return D(y, m, rng.randint(1, 28))


def amount_text(minor, exponent, rng, style=True):
    """Major units, in one of the forms ml_amount_parse reads."""
    sign = "-" if minor < 0 else ""
    q, r = divmod(abs(minor), 10 ** exponent)
    if exponent:
        frac = "%0*d" % (exponent, r)
        if style and rng.random() < 0.2:
            frac = frac.rstrip("0")  # fewer decimals are fine
    else:
        frac = ""
    mark = "."
    digits = str(q)
    if style and rng.random() < 0.15:
        mark = ","
        groups = []
        while len(digits) > 3:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        groups.insert(0, digits)
        digits = rng.choice([" ", "_"]).join(groups)
    if style and not sign and rng.random() < 0.05:
        sign = "+"
    text = sign + digits + ((mark + frac) if frac else "")
    return text


def csv_bytes(rows, rng, style=True):
    """rows: [(date text, amount text)] -> the file."""
    eol = "\r\n" if style and rng.random() < 0.2 else "\n"
    lines = ["date,amount"]
    for d, a in rows:
        if "," in a or " " in a or (style and rng.random() < 0.05):
            a = '"' + a + '"'
        lines.append("%s,%s" % (d, a))
    text = eol.join(lines)
    if not style or rng.random() < 0.85:
        text += eol
    if style and rng.random() < 0.05:
        text += eol  # a blank line at the end
    data = text.encode()
    if style and rng.random() < 0.1:
        data = b"\xef\xbb\xbf" + data
    return data


# --------------------------------------------------------------------------
# Case generators. A case is (description, args, flows file bytes or None,
# via_stdin).

def common_opts(rng, decimals=None, currency=None):
    args = []
    if decimals is None:
        decimals = rng.randint(1, 9)
    if decimals != 1 or rng.random() < 0.5:
        args += ["--decimals", str(decimals)]
    fmt = rng.choice(["json", "json", "table", None])
    if fmt:
        args += ["--format", fmt]
    if currency and (currency != "SEK" or rng.random() < 0.2):
        args += ["--currency", currency]
    if rng.random() < 0.2:  # --name=value spelling
        args = [a + "=" + b for a, b in zip(args[::2], args[1::2])]
    return args


def mode_opts(rng, mode):
    if mode == "xirr":
        return ["--xirr"]
    if mode == "years" and rng.random() < 0.5:
        return []  # the default basis
    return ["--basis", mode]


def loan_flows(rng, exponent):
    """A random loan's flows [(date, minor)] priced near a random rate."""
    roll = rng.random()
    if roll < 0.55:
        X = rng.uniform(0, 0.4)
    elif roll < 0.7:
        X = rng.uniform(-0.6, 0)
    elif roll < 0.8:
        X = rng.uniform(0.4, 90)
    elif roll < 0.9:
        X = rng.uniform(-0.0006, 0.0006)  # around 0, signs of tiny rates
    else:
        X = rng.uniform(-0.95, 3)
    start = random_date(rng)
    ndraw = 1 if rng.random() < 0.7 else rng.randint(2, 4)
    draws = [start]
    for _ in range(ndraw - 1):
        draws.append(draws[-1] + datetime.timedelta(days=rng.randint(0, 45)))
    last_draw = draws[-1]
    nrep = rng.choice([1, 1, 2, 3, rng.randint(4, 24), rng.randint(12, 80)])
    kind = rng.choice(["monthly", "weekly", "daily", "random", "anchor"])
    reps = []
    anchor = last_draw if kind != "anchor" else start
    for k in range(1, nrep + 1):
        if kind in ("monthly", "anchor"):
            reps.append(add_months(anchor, k * rng.choice([1, 1, 1, 3])
                                   if nrep < 4 else k))
        elif kind == "weekly":
            reps.append(anchor + datetime.timedelta(days=7 * k))
        elif kind == "daily":
            reps.append(anchor + datetime.timedelta(days=k))
        else:
            reps.append(anchor + datetime.timedelta(
                days=rng.randint(1, 365 * rng.choice([1, 3, 10, 30]))))
    reps = [d if d > last_draw else last_draw + datetime.timedelta(days=1)
            for d in reps]
    reps = [min(d, D(2200, 12, 31)) for d in reps]
    scale = 10 ** exponent
    draw_amts = [rng.randint(1, 10 ** rng.randint(2, 7)) * scale //
                 rng.choice([1, 1, 100]) or 1 for _ in draws]
    weights = [rng.uniform(0.2, 1.0) for _ in reps]
    if rng.random() < 0.4:
        weights = [1.0] * len(reps)  # an annuity
    # PV at X of the drawdowns and the weights, ACT/365 (close enough to
    # land the rate near X whatever the basis).
    def pv(d):
        return (1 + X) ** (-(d - start).days / 365.0)
    need = sum(a * pv(d) for a, d in zip(draw_amts, draws))
    have = sum(w * pv(d) for w, d in zip(weights, reps))
    k = need / have if have > 0 else 1.0
    rep_amts = [max(1, int(round(w * k))) for w in weights]
    rep_amts = [min(a, 10 ** 15) for a in rep_amts]
    flows = [(d, -a) for d, a in zip(draws, draw_amts)]
    flows += list(zip(reps, rep_amts))
    # Same-date flows: split a repayment, add a fee on a repayment date,
    # a zero flow, a fee on the disbursement date (net drawdown).
    roll = rng.random()
    if roll < 0.15 and len(flows) > 1:
        i = rng.randrange(len(flows))
        d, a = flows[i]
        part = a // 3 if a // 3 else a
        if part != a:
            flows[i] = (d, a - part)
            flows.append((d, part))
    elif roll < 0.25:
        d = rng.choice(reps)
        flows.append((d, rng.randint(1, 50 * scale)))
    elif roll < 0.3:
        flows.append((rng.choice(reps + draws), 0))
    elif roll < 0.38:
        flows.append((start, min(draw_amts[0] - 1, rng.randint(1, 500 * scale))
                      if draw_amts[0] > 1 else 0))
    return flows


def gen_flows(rng, k):
    currency, exponent = rng.choice(CURRENCIES)
    mode = ["years", "months", "weeks", "xirr"][k % 4]
    flows = loan_flows(rng, exponent)
    desc = "flows %s" % mode
    if mode == "xirr" and rng.random() < 0.3:
        flows = [(d, -a) for d, a in flows]  # an investment: first flow > 0
        desc += " first-positive"
    if rng.random() < 0.5:
        rng.shuffle(flows)
    else:
        flows.sort(key=lambda f: f[0])
    rows = [(d.isoformat(), amount_text(a, exponent, rng)) for d, a in flows]
    args = mode_opts(rng, mode) + common_opts(rng, currency=currency)
    return desc, args, csv_bytes(rows, rng), rng.random() < 0.15


def tie_values(rng, decimals):
    """A rate X (as a Fraction of 1) exactly halfway between two values of
    `decimals` decimals in percent; away from 0 either way."""
    unit = Fraction(1, 100 * 10 ** decimals)
    if rng.random() < 0.7:
        R = rng.randint(0, 40 * 10 ** decimals)
        return (R + Fraction(1, 2)) * unit
    R = rng.randint(1, 60 * 10 ** decimals)
    return -(R + Fraction(1, 2)) * unit


def power_ties():
    """(m, s, decimals): s = 1 + j/N rational with s^m - 1, in percent, a
    tie at `decimals` (1..9): then flows at t = i/m years meet z^(-i/m) =
    s^(-i), with integer amounts."""
    out = []
    for m in (1, 2, 3, 4, 5, 6, 12):
        for N in (2, 4, 5, 8, 10, 20, 25, 40, 50, 80, 100, 200, 400, 500,
                  1000, 2000):
            for j in range(-N + 1, 2 * N):
                s = 1 + Fraction(j, N)
                if j == 0 or s.denominator != N:
                    continue
                pct = (s ** m - 1) * 100
                if not -99 < pct < 10000:
                    continue
                for dec in range(1, 10):
                    if (pct * 10 ** dec).denominator == 2:
                        out.append((m, s, dec))
                        break
    return out


POWER_TIES = power_ties()


def gen_tie(rng, k):
    kind = k % 6
    currency, exponent = "SEK", 2
    nudge = rng.random() < 0.3
    if kind in (0, 1, 2):
        # t = a whole number of periods: 1 year / 12 months / 52 weeks /
        # 365 days; two flows, or at whole years several flows.
        mode = ["years", "months", "weeks", "xirr"][rng.randrange(4)]
        dec = rng.randint(1, 9) if kind == 0 else rng.randint(1, 3)
        z = 1 + tie_values(rng, dec)
        start = random_date(rng, 1990, 2150)
        nyears = 1 if kind != 1 else rng.randint(2, 3)
        if dec > 3:
            nyears = 1
        if mode == "xirr":
            dates = [start + datetime.timedelta(days=365 * j)
                     for j in range(nyears + 1)]
        elif mode == "weeks":
            dates = [start + datetime.timedelta(days=364 * j)
                     for j in range(nyears + 1)]
        else:
            dates = [add_months(start, 12 * j) for j in range(nyears + 1)]
        p, q = z.numerator, z.denominator
        K = nyears
        # a_j p^K z^-j = a_j p^(K-j) q^j is an integer.
        pay = [rng.randint(1, 9) for _ in range(K)]
        if kind == 2:
            pay = [0] * (K - 1) + [1]
        flows = []
        total = 0
        for j in range(1, K + 1):
            a = pay[j - 1] * p ** K  # amount at year j
            flows.append((dates[j], a))
            total += pay[j - 1] * p ** (K - j) * q ** j
        flows.insert(0, (dates[0], -total))
        big = max(abs(a) for _, a in flows)
        c = max(1, min(10 ** 6, (10 ** 16) // big))
        c = rng.randint(1, c)
        flows = [(d, a * c) for d, a in flows]
        if max(abs(a) for _, a in flows) > 10 ** 17:
            flows = [(d, a // c) for d, a in flows]
    else:
        # t = i/m years: months (12/m months each), weeks (52/m weeks),
        # years (183, 122 or 61 days over 366; 73 over 365), XIRR (73 days).
        mode = ["months", "weeks", "years", "xirr"][rng.randrange(4)]
        allowed = {"months": (1, 2, 3, 4, 6, 12), "weeks": (1, 2, 4),
                   "years": (2, 3, 5, 6), "xirr": (1, 5)}[mode]
        m, s, dec = rng.choice([c for c in POWER_TIES if c[0] in allowed])
        if mode == "years":
            if m == 5:  # 73/365: no 29 February in the year ending at E
                y = rng.choice([y for y in range(1901, 2199) if y % 4 == 1])
                start = D(y, rng.randint(3, 12), rng.randint(1, 28))
                days = 73
            else:  # 366/m days, within a span holding 29 February
                y = rng.choice(range(1904, 2196, 4))
                if y % 100 == 0 and y % 400:
                    y += 4
                start = D(y, rng.randint(1, 2), rng.randint(1, 28))
                days = 366 // m
            dates = [start, start + datetime.timedelta(days=days)]
        else:
            start = random_date(rng, 1950, 2150)
            K = rng.randint(1, 4)
            if mode == "months":
                dates = [add_months(start, i * 12 // m) for i in range(K + 1)]
            elif mode == "weeks":
                dates = [start + datetime.timedelta(days=7 * i * 52 // m)
                         for i in range(K + 1)]
            else:
                dates = [start + datetime.timedelta(days=i * 365 // m)
                         for i in range(K + 1)]
        K = len(dates) - 1
        p, q = s.numerator, s.denominator
        while K > 1 and p ** K * 9 * K > 10 ** 16:
            K -= 1
        dates = dates[:K + 1]
        pay = [rng.randint(0, 9) for _ in range(K - 1)] + [rng.randint(1, 9)]
        flows = [(dates[i], pay[i - 1] * p ** K) for i in range(1, K + 1)]
        total = sum(pay[i - 1] * p ** (K - i) * q ** i for i in range(1, K + 1))
        flows.insert(0, (dates[0], -total))
        big = max(abs(a) for _, a in flows)
        c = rng.randint(1, max(1, min(10 ** 6, 10 ** 16 // big)))
        flows = [(d, a * c) for d, a in flows if a]
    desc = "tie %s" % mode
    if nudge:
        i = rng.randrange(len(flows))
        d, a = flows[i]
        flows[i] = (d, a + rng.choice([-1, 1]))
        desc += " nudged"
    if mode == "xirr" and rng.random() < 0.3:
        flows = [(d, -a) for d, a in flows]
        desc += " first-positive"
    rows = [(d.isoformat(), amount_text(a, exponent, rng, style=False))
            for d, a in flows]
    args = mode_opts(rng, mode) + common_opts(rng, decimals=dec,
                                              currency=currency)
    return desc, args, csv_bytes(rows, rng, style=False), False


def edge_date(rng, lo=1900, hi=2199):
    """A date where the time rule's clamping and leap years matter."""
    y = rng.randint(lo, hi)
    m = rng.randint(1, 12)
    end = add_months(D(y, m, 1), 1) - datetime.timedelta(days=1)
    roll = rng.random()
    if roll < 0.5:
        return end - datetime.timedelta(days=rng.randint(0, 3))
    if roll < 0.7:
        return rng.choice([D(y, 2, 28), D(y, 3, 1), D(y, 2, end.day)
                           if m == 2 else D(y, 1, 31)])
    return D(y, m, rng.randint(1, end.day))


def gen_time(rng, k):
    """Few flows at month ends, leap days and century years, 7-9
    decimals: each rate pins the year fractions of the time rule."""
    mode = ["years", "months", "weeks", "xirr", "months", "years"][k % 6]
    first = edge_date(rng)
    span = rng.choice([40, 400, 800, 4000, 20000])
    dates = [first]
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        step = rng.randint(1, span)
        if rng.random() < 0.4:  # land near first + j periods
            j = rng.randint(1, 30)
            step = (add_months(first, j * rng.choice([1, 12])) - first).days \
                + rng.randint(-2, 2)
            step = max(1, step)
        d = dates[-1] + datetime.timedelta(days=step)
        if d > D(2200, 12, 31):
            break
        dates.append(d)
    if len(dates) < 2:
        dates.append(first + datetime.timedelta(days=rng.randint(1, 60)))
    lent = rng.randint(10000, 10 ** 9)
    g = rng.uniform(1.0, 1.3)
    flows = [(dates[0], -lent)]
    for d in dates[1:]:
        yrs = (d - first).days / 365.0
        flows.append((d, max(1, int(lent / (len(dates) - 1) * g ** yrs))))
    rows = [(d.isoformat(), amount_text(a, 2, rng, style=False))
            for d, a in flows]
    args = mode_opts(rng, mode) + ["--decimals", str(rng.randint(7, 9)),
                                   "--format", "json"]
    return ("time %s" % mode, args, csv_bytes(rows, rng, style=False),
            False)


def gen_terms(rng, k):
    flags = diff_schedule.generate(k, rng)
    desc = "terms"
    roll = rng.random()
    if roll < 0.1:  # high nominal rates, some beyond 10000 % effective
        i = flags.index("--rate")
        flags[i + 1] = str(rng.choice([100, 250, 480, 999, 1000,
                                       rng.randint(41, 1000)]))
        desc += " high-rate"
    elif roll < 0.15:
        i = flags.index("--principal")
        exp = 0 if "JPY" in flags else 2
        pmin = int(Fraction(flags[i + 1].replace(",", ".")) * 10 ** exp)
        flags += ["--max-principal",
                  diff_schedule.amount_text(rng.choice(
                      [pmin, pmin + 1, max(1, pmin - 1), 10 ** 15,
                       10 ** 15 + 1]), exp)]
        desc += " max-principal"
    elif roll < 0.25:
        # A first due date a few days after the disbursement, moved back by
        # a preceding convention: onto the disbursement (merged flows) or
        # before it (an error).
        for opt in ("--first-due", "--calendar", "--business-day"):
            if opt in flags:
                i = flags.index(opt)
                del flags[i:i + 2]
        disbursed = D.fromisoformat(flags[flags.index("--disbursed") + 1])
        flags += ["--first-due", (disbursed + datetime.timedelta(
                      days=rng.randint(1, 4))).isoformat(),
                  "--calendar", rng.choice(["weekends", "se"]),
                  "--business-day", rng.choice(["preceding",
                                                "modified-preceding"])]
        desc += " first-due-preceding"
    args = flags + common_opts(rng)
    return desc, args, None, False


# Error cases and edge probes: (description, args, rows or raw bytes).
def fixed_cases():
    S = "1994-01-01"
    out = []

    def flows(desc, rows, args=(), raw=None):
        data = raw if raw is not None else \
            ("date,amount\n" + "".join("%s,%s\n" % r for r in rows)).encode()
        out.append((desc, list(args), data, False))

    def terms(desc, args):
        base = {"--principal": "10000", "--rate": "12", "--term": "12",
                "--disbursed": "2026-01-15"}
        base.update(dict(zip(args[::2], args[1::2])))
        a = []
        for kk, v in base.items():
            if v != "OMIT":
                a += [kk] if v is None else [kk, v]
        out.append((desc, a, None, False))

    flows("error: no flows", [])
    flows("error: all drawdowns", [(S, "-100"), ("1995-01-01", "-5")])
    flows("error: all repayments", [(S, "100"), ("1995-01-01", "5")])
    flows("error: nets to 0 by date", [(S, "-100"), (S, "100")])
    flows("error: two sign changes", [(S, "-100"), ("1994-06-01", "60"),
                                      ("1994-09-01", "-10"),
                                      ("1995-01-01", "60")])
    flows("error: two sign changes xirr", [(S, "-100"), ("1994-06-01", "60"),
                                           ("1994-09-01", "-10"),
                                           ("1995-01-01", "60")], ["--xirr"])
    flows("error: first flow a repayment", [(S, "1000"),
                                            ("1995-07-01", "-1200")])
    flows("xirr: first flow a repayment", [(S, "1000"),
                                           ("1995-07-01", "-1200")],
          ["--xirr", "--decimals", "4"])
    for dec in ("0", "10", "01", "-1"):
        flows("error: --decimals %s" % dec, [(S, "-1000"),
                                             ("1995-07-01", "1200")],
              ["--decimals", dec])
    flows("error: --xirr --basis", [(S, "-1000"), ("1995-07-01", "1200")],
          ["--xirr", "--basis", "years"])
    flows("error: --basis days", [(S, "-1000"), ("1995-07-01", "1200")],
          ["--basis", "days"])
    flows("error: --flows with --rate", [(S, "-1000"), ("1995-07-01", "1200")],
          ["--rate", "5"])
    flows("error: amount with 3 decimals", [(S, "-1000.005"),
                                            ("1995-07-01", "1200")])
    flows("error: JPY amount with decimals", [(S, "-1000.5"),
                                              ("1995-07-01", "1200")],
          ["--currency", "JPY"])
    flows("error: amount 12x", [(S, "-1000"), ("1995-07-01", "12x")])
    flows("error: 2026-02-29", [(S, "-1000"), ("2026-02-29", "1200")])
    flows("error: date 1899-12-31", [("1899-12-31", "-1000"),
                                     ("1995-07-01", "1200")])
    flows("error: date 2201-01-01", [(S, "-1000"), ("2201-01-01", "1200")])
    flows("range: 1900-01-01 to 2200-12-31", [("1900-01-01", "-1000"),
                                              ("2200-12-31", "1000000")],
          ["--decimals", "9"])
    flows("error: bad header", None, raw=b"amount,date\n-1000,1994-01-01\n")
    flows("error: three fields", None,
          raw=b"date,amount\n1994-01-01,-1000,x\n1995-01-01,1200\n")
    flows("error: drawdowns beyond int64",
          [(S, "-92233720368547758.07"), (S, "-1"), ("1995-01-01", "5")])
    flows("error: repayments beyond int64",
          [(S, "-1000"), ("1995-01-01", "92233720368547758.07"),
           ("1996-01-01", "0.01")])
    flows("edge: drawdown INT64_MIN", [(S, "-92233720368547758.08"),
                                       ("1995-01-01", "92233720368547758.07")],
          ["--format", "json"])
    flows("edge: drawdown -INT64_MAX", [(S, "-92233720368547758.07"),
                                        ("1995-01-01",
                                         "92233720368547758.07")],
          ["--format", "json"])
    flows("error: root exactly 10000 %", [(S, "-1"), ("1995-01-01", "101")])
    flows("range: root 9999.9 %", [(S, "-10"), ("1995-01-01", "1009.99")],
          ["--decimals", "3"])
    flows("error: root exactly -99 %", [(S, "-100"), ("1995-01-01", "1")])
    flows("error: root below -99 %", [(S, "-1000"), ("1995-01-01", "9.99")])
    flows("range: root -98.99 %", [(S, "-10000"), ("1995-01-01", "101")],
          ["--decimals", "2"])
    flows("error: one day at 1000 % (beyond 10000 % a year)",
          [(S, "-100"), ("1994-01-02", "110")])
    flows("range: 1 day at 1 %", [(S, "-100"), ("1994-01-02", "101")],
          ["--decimals", "9"])
    flows("range: 9999.96 % shown as 10000.0", [(S, "-1000"),
                                                 ("1995-01-01", "100999.60")])
    flows("range: 9999.96 % at 9 decimals", [(S, "-1000"),
                                              ("1995-01-01", "100999.60")],
          ["--decimals", "9", "--format", "json"])
    flows("range: -98.96 % shown as -99.0", [(S, "-10000"),
                                             ("1995-01-01", "104")])
    # Year fractions where clamping and 29 February meet (9 decimals).
    for f0, d1, basis in [("2024-03-01", "2028-02-29", "years"),
                          ("2024-02-29", "2025-02-28", "years"),
                          ("2024-02-29", "2028-02-28", "years"),
                          ("2024-02-29", "2025-03-01", "years"),
                          ("2023-03-01", "2024-02-29", "years"),
                          ("2025-01-31", "2025-03-29", "months"),
                          ("2025-01-31", "2025-03-30", "months"),
                          ("2025-01-31", "2025-03-31", "months"),
                          ("2023-03-31", "2024-02-29", "months"),
                          ("2024-01-30", "2024-02-29", "months"),
                          ("2024-02-29", "2024-03-28", "months"),
                          ("1900-02-28", "1901-03-01", "years"),
                          ("2099-12-31", "2100-03-01", "months"),
                          ("2023-03-02", "2024-03-01", "weeks"),
                          ("2023-03-02", "2024-03-02", "weeks")]:
        flows("time: %s -> %s %s" % (f0, d1, basis),
              [(f0, "-1000"), (d1, "1100")],
              ["--basis", basis, "--decimals", "9"])
    flows("error: empty amount", None,
          raw=b"date,amount\n1994-01-01,-100\n1995-01-01,\n")
    flows("error: --format csv", [(S, "-1000"), ("1995-07-01", "1200")],
          ["--format", "csv"])
    flows("error: --currency XYZ", [(S, "-1000"), ("1995-07-01", "1200")],
          ["--currency", "XYZ"])
    flows("error: --basis twice", [(S, "-1000"), ("1995-07-01", "1200")],
          ["--basis", "years", "--basis", "months"])
    flows("zero: rate exactly 0", [(S, "-100"), ("1994-07-01", "40"),
                                   ("1995-01-01", "60")], ["--decimals", "5"])
    flows("zero: tiny negative rounds to 0.0",
          [(S, "-100000"), ("1995-01-01", "99999.99")], ["--format", "json"])
    flows("merge: zero flows", [(S, "-100"), (S, "0"), ("1994-05-05", "0"),
                                ("1995-01-01", "110"), ("1995-01-01", "0")])
    # Ambiguity probe: the earliest date nets to 0; is t counted from it or
    # from the first drawdown left in the equation?
    # (From 1994-01-31: 327.140400 %; from 1994-03-15: 332.868220 %.)
    flows("probe: earliest date nets to 0 (months)",
          [("1994-01-31", "-50"), ("1994-01-31", "50"),
           ("1994-03-15", "-1000"), ("1994-04-30", "1200")],
          ["--basis", "months", "--decimals", "6"])
    flows("probe: earliest flow is 0 (months)",
          [("1994-01-31", "0"), ("1994-03-15", "-1000"),
           ("1994-04-30", "1200")], ["--basis", "months", "--decimals", "6"])
    big = b"date,amount\n" + b"".join(
        b"%s,%s\n" % ((b"2020-01-01", b"-1") if i < 50000 else
                      ((b"2021-01-01" if i % 2 else b"2021-06-30"), b"1.10"))
        for i in range(100000))
    flows("limit: 100000 flows", None, ["--format", "json"], raw=big)
    flows("error: 100001 flows", None, [], raw=big + b"2021-06-30,1\n")
    out.append(("error: missing flows file", ["--flows",
                                              "/nonexistent/flows.csv"],
                None, False))
    terms("terms: defaults", [])
    terms("error: term 0", ["--term", "0"])
    terms("error: term 601", ["--term", "601"])
    terms("error: grace-principal = term", ["--grace-principal", "12"])
    terms("error: grace-interest = term", ["--grace-interest", "12"])
    terms("error: interest-free term+1", ["--interest-free", "13"])
    terms("terms: interest-free = term", ["--interest-free", "12"])
    terms("error: first-due = disbursed", ["--first-due", "2026-01-15"])
    terms("error: principal above max", ["--principal", "250000.01"])
    terms("error: max-principal above 10^15",
          ["--max-principal", "10000000000000.01"])
    terms("error: upfront fee 100.5 %", ["--upfront-fee", "100.5%"])
    terms("error: upfront fee 100 % (nothing drawn)", ["--upfront-fee",
                                                       "100%"])
    terms("error: upfront fee = principal", ["--upfront-fee", "10000"])
    terms("error: upfront fee > principal", ["--upfront-fee", "10000.01"])
    terms("terms: upfront fee 99 %", ["--upfront-fee", "99%"])
    terms("error: rate 1000.5", ["--rate", "1000.5"])
    terms("error: rate 1000 monthly (beyond 10000 %)", ["--rate", "1000"])
    terms("terms: rate 1000 over 12 days", ["--rate", "1000", "--frequency",
                                            "1d"])
    terms("error: last due after 2200", ["--disbursed", "2199-06-01",
                                         "--term", "24"])
    terms("terms: last due 2200-12-31", ["--disbursed", "2199-12-31",
                                         "--term", "12"])
    terms("error: --basis with terms", ["--basis", "months"])
    terms("error: --xirr with terms", ["--xirr", None])
    terms("error: unknown option", ["--frobnicate", "1"])
    terms("error: missing --disbursed", ["--disbursed", "OMIT"])
    terms("terms: rate 0, fees", ["--rate", "0", "--upfront-fee", "100",
                                  "--installment-fee", "10",
                                  "--decimals", "9", "--format", "json"])
    terms("terms: weekly, 0 % no fees", ["--rate", "0", "--frequency",
                                         "weekly", "--format", "json"])
    terms("terms: 31 Jan monthly", ["--disbursed", "2024-01-31", "--term",
                                    "36", "--decimals", "9"])
    terms("terms: 29 Feb annual", ["--disbursed", "2024-02-29",
                                   "--frequency", "annual", "--term", "5",
                                   "--decimals", "9"])
    terms("terms: first due moved onto the disbursement",
          ["--disbursed", "2026-12-18", "--first-due", "2026-12-20",
           "--calendar", "weekends", "--business-day", "preceding",
           "--decimals", "6"])
    terms("error: one installment moved onto the disbursement",
          ["--disbursed", "2026-12-18", "--first-due", "2026-12-20",
           "--term", "1", "--calendar", "weekends", "--business-day",
           "preceding"])
    terms("error: first due moved before the disbursement",
          ["--disbursed", "2026-12-19", "--first-due", "2026-12-20",
           "--calendar", "weekends", "--business-day", "preceding"])
    terms("terms: daily se following", ["--disbursed", "2026-12-20",
                                        "--frequency", "1d", "--term", "30",
                                        "--calendar", "se", "--business-day",
                                        "following", "--decimals", "6"])
    return out


# --------------------------------------------------------------------------
# Running and comparing.

def run(cmd, stdin=None):
    # A binary being relinked meanwhile cannot be started for a moment
    # (EACCES, ETXTBSY): retry a few times before reporting it.
    for attempt in range(6):
        try:
            p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=120)
        except subprocess.TimeoutExpired:
            return 124, b"", b"timeout"
        except OSError as e:
            if attempt == 5:
                return 127, b"", str(e).encode()
            time.sleep(1 + attempt)
            continue
        return p.returncode, p.stdout, p.stderr


NOTE_RE = re.compile(rb"note: (\d+) flows? fell on the date")


def merged_note(stderr):
    m = NOTE_RE.search(stderr)
    return int(m.group(1)) if m else 0


def repro(binary, args, data, path):
    """A shell command reproducing a case."""
    if data is None:
        return "%s apr %s" % (binary, " ".join(shlex.quote(a) for a in args))
    if len(data) > 2000:
        return "(flows file of %d bytes) %s apr %s" % (
            len(data), binary, " ".join(shlex.quote(a) for a in
                                        ["--flows", path] + args))
    text = data.decode("utf-8", "replace").replace("\ufeff", "\\357\\273\\277")
    text = text.replace("\\", "\\\\") if "\\357" not in text else text
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("%", "%%")
    return "printf %s | %s apr --flows - %s" % (
        shlex.quote(text), binary, " ".join(shlex.quote(a) for a in args))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("ref")
    ap.add_argument("--cases", type=int, default=400)
    ap.add_argument("--seed", type=int, default=20260301)
    # Process start-up, not CPU, dominates a case: run more than one per core.
    ap.add_argument("--jobs", type=int, default=2 * (os.cpu_count() or 1) + 2)
    a = ap.parse_args()

    rng = random.Random(a.seed)
    cases = fixed_cases()
    gens = [gen_flows, gen_time, gen_tie, gen_terms, gen_flows]
    k = 0
    while len(cases) < a.cases or k < 4:
        g = gens[k % len(gens)]
        cases.append(g(rng, k // len(gens)))
        k += 1
    cases = cases[:max(a.cases, 1)]

    tmp = tempfile.TemporaryDirectory(prefix="diff_apr.")

    def one(item):
        idx, (desc, args, data, via_stdin) = item
        full = list(args)
        path = None
        stdin = None
        if data is not None:
            if via_stdin:
                full = ["--flows", "-"] + full
                stdin = data
            else:
                path = os.path.join(tmp.name, "case%d.csv" % idx)
                with open(path, "wb") as f:
                    f.write(data)
                full = ["--flows", path] + full
        got = run([a.binary, "apr"] + full, stdin)
        want = run([sys.executable, "-S", a.ref, "apr"] + full, stdin)
        return full, path, got, want

    print("1..%d" % (len(cases) + 1))
    print("# seed %d" % a.seed)
    # The reference first, against its cases computed by hand.
    check = run([sys.executable, "-S", a.ref, "--self-check"])
    lines = check[1].decode(errors="replace").splitlines()
    hand_ok = check[0] == 0 and lines[-1:] == ["0 failure(s)"]
    print("%s 1 - reference self-check: %d cases computed by hand" % (
        "ok" if hand_ok else "not ok", len(lines) - 1))
    for line in lines if not hand_ok else []:
        print("# " + line)
    failures = 0 if hand_ok else 1
    tally = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for n, ((desc, args, data, via_stdin),
                (full, path, got, want)) in enumerate(
                    zip(cases, pool.map(one, enumerate(cases))), start=2):
            shown = "%s: %s" % (desc, " ".join(args))
            key = (desc.split(":")[0].split(" ")[0], want[0])
            tally[key] = tally.get(key, 0) + 1
            problem = []
            if want[0] not in (0, 2):
                problem.append("# reference crashed (%d): %s" % (
                    want[0], want[2].decode(errors="replace")
                    .strip().splitlines()[-1:]))
            elif got[0] != want[0]:
                problem.append("# exit status: mikrolan %d, reference %d"
                               % (got[0], want[0]))
            elif got[0] == 0 and got[1] != want[1]:
                problem.append("# output differs")
            elif got[0] == 0 and data is not None and \
                    merged_note(got[2]) != merged_note(want[2]):
                problem.append("# merged-flows note: mikrolan %d, reference %d"
                               % (merged_note(got[2]), merged_note(want[2])))
            elif got[0] != 0 and got[1]:
                problem.append("# mikrolan wrote to stdout on exit %d"
                               % got[0])
            if problem:
                failures += 1
                print("not ok %d - %s" % (n, shown))
                for p in problem:
                    print(p)
                for who, r in (("mikrolan", got), ("reference", want)):
                    print("#   %s: exit %d, stdout %r, stderr %r" % (
                        who, r[0], r[1].decode(errors="replace"),
                        r[2].decode(errors="replace").strip()[:300]))
                print("# rerun: %s" % repro(a.binary, args, data, path))
            else:
                print("ok %d - %s" % (n, shown))
            sys.stdout.flush()
    print("# cases by kind and expected exit status: " + ", ".join(
        "%s/%d: %d" % (kind, rc, c) for (kind, rc), c in sorted(tally.items())))
    if failures:
        print("# %d of %d failed (seed %d)" % (failures, len(cases) + 1,
                                                a.seed))
        print("# failing flows files kept in %s" % tmp.name)
        tmp._finalizer.detach()  # keep the files for the reruns
    else:
        tmp.cleanup()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
