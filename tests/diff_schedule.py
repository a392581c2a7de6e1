#!/usr/bin/env python3
"""Differential test: `mikrolan schedule` against the independent reference.

    diff_schedule.py MIKROLAN_BINARY REF_SCRIPT [--cases N] [--seed S]
                     [--plain-monthly]
    diff_schedule.py --self-check REF_SCRIPT [--cases N] [--seed S]

Generates N seeded random loan terms that walk every method x interest basis
x grace kind x rounding x frequency x fee x calendar/business-day value, runs
`MIKROLAN_BINARY schedule FLAGS --format csv` and `python3 REF_SCRIPT
schedule FLAGS`, and compares the two CSVs byte for byte. Prints TAP; a
failure shows the first differing line and how to rerun it; exit status 1 on
any failure.

--plain-monthly keeps to the terms whose regular rows the library computes
on its own short path (annuity or equal principal, per-period interest,
monthly, no business-day adjustment); every other axis varies as before.

--self-check runs only the reference and checks the invariants of its output
(row count, principal parts summing to the principal, balances falling to 0,
total = principal + interest + fees), to smoke-test the generator.
"""

import argparse
import concurrent.futures
import datetime
import os
import random
import subprocess
import sys
from decimal import Decimal

METHODS = ["annuity", "equal-principal", "flat", "bullet"]
INTERESTS = ["per-period", "act365", "act360", "actact", "30360", "30e360",
             "30e360isda"]
GRACE_KINDS = ["none", "principal", "interest", "interest-free", "all"]
ROUNDINGS = ["half-even", "half-up", "half-down", "up", "down", "ceiling",
             "floor"]
FREQUENCIES = ["monthly", "weekly", "biweekly", "quarterly", "semiannual",
               "annual", "1d", "10d", "14d", "30d", "91d", "366d", "3w", "4w",
               "2m", "4m", "18m"]
FEE_KINDS = ["none", "upfront-amount", "upfront-percent", "installment",
             "both"]
CALENDARS = ["none", "weekends", "se"]
BUSINESS_DAYS = ["unadjusted", "following", "modified-following",
                 "preceding", "modified-preceding"]
MULTIPLES = ["0.01", "1", "10", "20"]
# Rates whose period rates are simple fractions, so B x i_k often ends in a
# half öre exactly.
TIE_RATES = ["0", "6", "12", "2.4", "4.8", "3", "18", "24", "36", "1.2",
             "7.2", "36.5", "18.25", "3.65"]

LAST_DUE_LIMIT = datetime.date(2190, 12, 31)  # well inside 1900..2200


def period_days(freq):
    """A period's approximate length in days (for picking first due dates)."""
    names = {"weekly": "1w", "biweekly": "2w", "monthly": "1m",
             "quarterly": "3m", "semiannual": "6m", "annual": "12m"}
    f = names.get(freq, freq)
    n, unit = int(f[:-1]), f[-1]
    return n * {"d": 1, "w": 7, "m": 30}[unit]


def amount_text(minor, exponent):
    if exponent == 0:
        return str(minor)
    return "%d.%02d" % divmod(minor, 100)


def rate_text(rng):
    if rng.random() < 0.08:
        return "0"
    value = Decimal(rng.randint(1, 40000)) / 1000  # 0.001 .. 40 %, 3 decimals
    if rng.random() < 0.3:
        value = Decimal(rng.randint(1, 40))
    text = format(value.normalize(), "f")
    return text


def random_date(rng, lo_year=2024, hi_year=2030):
    y = rng.randint(lo_year, hi_year)
    m = rng.randint(1, 12)
    roll = rng.random()
    if roll < 0.25:  # month ends, where clamping matters
        nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
        return nxt - datetime.timedelta(days=rng.randint(1, 3))
    if roll < 0.4:  # near Swedish holidays
        return rng.choice([datetime.date(y, 12, rng.randint(20, 31)),
                           datetime.date(y, 6, rng.randint(1, 25)),
                           datetime.date(y, 1, rng.randint(1, 8)),
                           datetime.date(y, 4, rng.randint(1, 25)),
                           datetime.date(y, 5, rng.randint(1, 31))])
    return datetime.date(y, m, rng.randint(1, 28))


def generate(k, rng, plain_monthly=False):
    """Flags (a list of strings) of case k. Cycles through the product
    method x interest x grace kind; rounding, frequency, fee, calendar and
    business day go by their own strides, chosen so that the default 400
    cases hold every pair of values of any two of these axes; the rest is
    random."""
    method = METHODS[k % len(METHODS)]
    interest = INTERESTS[(k // len(METHODS)) % len(INTERESTS)]
    grace = GRACE_KINDS[(k // (len(METHODS) * len(INTERESTS)))
                        % len(GRACE_KINDS)]
    rounding = ROUNDINGS[(k * 3 + k // 7) % len(ROUNDINGS)]
    frequency = FREQUENCIES[(k + k // 2) % len(FREQUENCIES)]
    fee_kind = FEE_KINDS[(k + k // 5) % len(FEE_KINDS)]
    calendar = CALENDARS[k % len(CALENDARS)]
    business_day = BUSINESS_DAYS[(k // 3 + k) % len(BUSINESS_DAYS)]
    if calendar == "none" and rng.random() < 0.5:
        business_day = "unadjusted"
    if plain_monthly:
        method = METHODS[k % 2]
        interest, frequency, business_day = "per-period", "monthly", "unadjusted"

    currency = "SEK"
    roll = rng.random()
    if roll < 0.04:
        currency = "JPY"
    elif roll < 0.08:
        currency = "EUR"
    exponent = 0 if currency == "JPY" else 2

    while True:
        roll = rng.random()
        if roll < 0.55:
            term = rng.randint(1, 60)
        elif roll < 0.9:
            term = rng.randint(1, 120)
        else:
            term = rng.randint(121, 600)
        disbursed = random_date(rng)
        first_due = None
        pdays = period_days(frequency)
        if rng.random() < 0.45:
            # A first period shorter or longer than a regular one. Away from
            # the disbursement by at least 10 days when dates move, so no
            # adjusted date can fall on or before the disbursement.
            lo = 10 if business_day != "unadjusted" else 1
            if rng.random() < 0.5:
                gap = rng.randint(lo, max(lo, pdays - 1))
            else:
                gap = rng.randint(pdays + 1, max(pdays + 2, 2 * pdays))
            first_due = disbursed + datetime.timedelta(days=gap)
        elif business_day != "unadjusted" and pdays < 10:
            first_due = disbursed + datetime.timedelta(days=10 + rng.randint(0, 20))
        anchor = first_due or disbursed
        if anchor + datetime.timedelta(days=pdays * 1.02 * (term + 1)
                                       + 40) <= LAST_DUE_LIMIT:
            break

    gp = gi = free = 0
    if term > 1:
        if grace in ("principal", "all"):
            gp = rng.randint(1, term - 1)
        if grace in ("interest", "all"):
            gi = rng.randint(1, term - 1)
    if grace in ("interest-free", "all"):
        free = rng.randint(1, term) if rng.random() < 0.15 else \
            rng.randint(1, max(1, term - 1))

    multiple = rng.choice(MULTIPLES)
    if exponent == 0 and multiple == "0.01":
        multiple = "1"
    mult_minor = int(Decimal(multiple).scaleb(exponent))

    if exponent == 0:
        principal = rng.randint(1, 250000)
    elif rng.random() < 0.1:
        principal = rng.randint(100, 100000)  # small: 1.00 .. 1000.00
    else:
        principal = rng.randint(100, 25000000)  # 1.00 .. 250000.00
    if rng.random() < 0.15:  # round amounts
        principal = max(10 ** exponent, principal // 100000 * 100000)

    # Exact ties are what tell the rounding modes apart, and random terms
    # rarely hit them. Half of the cases bait them: rates whose period
    # rate has a small denominator (12 %/12 = 1/100, 6 %/12 = 1/200, ...),
    # and principals whose P/m lies exactly halfway between two öre (or two
    # installment multiples, which a 0 % annuity or flat loan rounds to).
    rate = rate_text(rng)
    if rng.random() < 0.5:
        rate = rng.choice(TIE_RATES)
        m = term - gp
        step = m * (mult_minor if rng.random() < 0.5 else 1)
        if step % 2 == 0 and rng.random() < 0.5:
            top = max(1, (25000000 if exponent else 250000) // step - 1)
            principal = rng.randint(0, min(top, 10 ** 6)) * step + step // 2
        else:  # B x i = x.5 öre when i = 1/M, with B = P while it lasts
            M = rng.choice([100, 200, 1000, 2000, 10000])
            principal = principal // M * M + M // 2

    flags = ["--principal", amount_text(principal, exponent),
             "--rate", rate,
             "--term", str(term),
             "--frequency", frequency,
             "--method", method,
             "--interest", interest,
             "--disbursed", disbursed.isoformat(),
             "--rounding", rounding]
    if first_due is not None:
        flags += ["--first-due", first_due.isoformat()]
    if gp:
        flags += ["--grace-principal", str(gp)]
    if gi:
        flags += ["--grace-interest", str(gi)]
    if free:
        flags += ["--interest-free", str(free)]
    if multiple != "0.01" or rng.random() < 0.5:
        flags += ["--installment-multiple", multiple]

    if fee_kind in ("upfront-amount", "both"):
        flags += ["--upfront-fee",
                  amount_text(rng.choice([0, rng.randint(1, 500000)]) //
                              (1 if exponent else 4),  # JPY: within the limit
                              exponent)]
    if fee_kind == "upfront-percent":
        pct = Decimal(rng.choice([0, rng.randint(1, 500),
                                  rng.randint(1, 10000)])) / 100
        flags += ["--upfront-fee", format(pct.normalize(), "f") + "%"]
    if fee_kind in ("installment", "both"):
        flags += ["--installment-fee",
                  amount_text(rng.randint(0, 10000), exponent)]

    if calendar != "none" or rng.random() < 0.3:
        flags += ["--calendar", calendar]
    if business_day != "unadjusted" or rng.random() < 0.3:
        flags += ["--business-day", business_day]
    if rng.random() < 0.3:
        flags += ["--adjusted-interest-periods"]
    if currency != "SEK" or rng.random() < 0.1:
        flags += ["--currency", currency]
    return flags


def run(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        return 127, b"", str(e).encode()
    return p.returncode, p.stdout, p.stderr


def first_difference(a, b):
    la, lb = a.split(b"\n"), b.split(b"\n")
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else b"<missing>"
        y = lb[i] if i < len(lb) else b"<missing>"
        if x != y:
            return i + 1, x.decode(errors="replace"), y.decode(errors="replace")
    return None


def parse_amount(text):
    return int(Decimal(text).scaleb(2 if "." in text else 0))


def check_invariants(flags, csv):
    """Problems in the reference's own output (for --self-check)."""
    opts = {}
    for i, f in enumerate(flags):
        if f.startswith("--"):
            opts[f] = flags[i + 1] if i + 1 < len(flags) and \
                not flags[i + 1].startswith("--") else True
    lines = csv.decode().split("\n")
    if lines[0] != "n,due_date,principal,interest,fees,total,balance":
        return "bad header %r" % lines[0]
    if lines[-1] != "":
        return "no final newline"
    rows = [ln.split(",") for ln in lines[1:-1]]
    term = int(opts["--term"])
    expect = term + (1 if rows and rows[0][0] == "0" else 0)
    if len(rows) != expect:
        return "%d rows for term %d" % (len(rows), term)
    principal = parse_amount(opts["--principal"])
    paid = 0
    balance = principal
    last_date = None
    for r in rows:
        n, date, p, i, f, tot, bal = r[0], r[1], *map(parse_amount, r[2:])
        if min(p, i, f, tot, bal) < 0:
            return "negative amount in row %s" % n
        if tot != p + i + f:
            return "total != principal + interest + fees in row %s" % n
        if bal != balance - p:
            return "balance does not follow in row %s" % n
        balance = bal
        paid += p
        d = datetime.date.fromisoformat(date)
        if last_date is not None and d < last_date:
            return "due dates go back in row %s" % n
        last_date = d
    if paid != principal or balance != 0:
        return "principal parts sum to %d, not %d" % (paid, principal)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+",
                    help="MIKROLAN_BINARY REF_SCRIPT (REF_SCRIPT alone with "
                         "--self-check)")
    ap.add_argument("--cases", type=int, default=400)
    ap.add_argument("--seed", type=int, default=20260115)
    ap.add_argument("--self-check", action="store_true")
    ap.add_argument("--plain-monthly", action="store_true")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    if a.self_check:
        binary, ref = None, a.paths[-1]
    else:
        if len(a.paths) != 2:
            ap.error("need MIKROLAN_BINARY and REF_SCRIPT")
        binary, ref = a.paths

    rng = random.Random(a.seed)
    cases = [generate(k, rng, a.plain_monthly) for k in range(a.cases)]

    def one(flags):
        want = run([sys.executable, ref, "schedule"] + flags)
        if binary is None:
            return want, None
        got = run([binary, "schedule"] + flags + ["--format", "csv"])
        return want, got

    print("1..%d" % len(cases))
    print("# seed %d" % a.seed)
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for k, (flags, (want, got)) in enumerate(
                zip(cases, pool.map(one, cases)), start=1):
            shown = " ".join(flags)
            problem = []
            if want[0] != 0:
                problem.append("# reference failed (%d): %s"
                               % (want[0], want[2].decode().strip()
                                  .splitlines()[-1:]))
            elif got is None:
                bad = check_invariants(flags, want[1])
                if bad:
                    problem.append("# reference output: " + bad)
            elif got[0] != 0:
                problem.append("# mikrolan exited %d: %s"
                               % (got[0], got[2].decode(errors="replace")
                                  .strip()))
            elif got[1] != want[1]:
                line, g, w = first_difference(got[1], want[1])
                problem.append("# line %d differs" % line)
                problem.append("#   mikrolan:  %s" % g)
                problem.append("#   reference: %s" % w)
            if problem:
                failures += 1
                print("not ok %d - %s" % (k, shown))
                for p in problem:
                    print(p)
                print("# rerun: %s schedule %s" % (ref, shown))
            else:
                print("ok %d - %s" % (k, shown))
            sys.stdout.flush()
    if failures:
        print("# %d of %d failed (seed %d)" % (failures, len(cases), a.seed))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
