#!/usr/bin/env python3
"""Independent reference for `mikrolan par --format json` with any
portfolio options: --thresholds, --buckets, --provisioning,
--period-start, --reserve, --no-restructured-at-risk and --by with one
or more columns.

Written from the documentation only, sharing no code with lib/ or cli/
and none with ref_ledger.py's portfolio accumulator (Figures, report_of):
  - README.md, "Portfolio quality (`mikrolan/portfolio.h`)" (the table of
    definitions) and "`mikrolan par`" (options, "The figures", "Output");
  - `mikrolan par --help` (DESCRIPTION, OPTIONS, OUTPUT json);
  - include/mikrolan/portfolio.h (the definitions in its top comment,
    ml_portfolio_options: bucket k holds days past due from
    bucket_to[k-1] + 1 (0 for the first) to bucket_to[k], then one open
    bucket; ml_ratio: a zero denominator gives 0);
  - SEEP MFRS / CGAP, which README cites: PAR>30 includes renegotiated
    (restructured) loans; write-off ratio = value of loans written off /
    average gross loan portfolio; risk coverage = loan loss reserve /
    PAR>30.
Each loan's status at a date comes from ref_ledger.py (loan_statuses,
batch_statuses), the independent ledger reference: this file reads only
its state, outstanding principal, arrears, days past due, restructured
flag, closed_on (the write-off date of a written-off loan) and what its
installments wrote off of principal.

Money is integer minor units (SEK, 2 decimals); ratios Fraction, rounded
half-even to 6 places only when written.

  ref_portfolio.py --loans F --events F --as-of D [--by C1,C2] [par options]
"""
import argparse
import datetime
import json
import os
import sys
from fractions import Fraction

EXPONENT = 2  # SEK
DEFAULT_THRESHOLDS = (1, 30, 60, 90, 180, 365)
DEFAULT_BUCKETS = (0, 30, 60, 90, 180, 365)  # last day of each closed bucket
DEFAULT_PROVISIONING = ("0", "10", "25", "50", "75", "90", "100")  # percent
MAX_THRESHOLDS = 16
MAX_BUCKETS = 15  # closed ones; one open bucket follows
KEY_SEPARATOR = "\x1f"  # README: separates the values inside the key


class OptionError(ValueError):
    """Options `mikrolan par` must refuse (exit status 2)."""


# ------------------------------------------------------------ numbers
def parse_decimal(text):
    """A plain decimal text (digits, one optional '.') as a Fraction."""
    t = text.strip()
    body = t[1:] if t[:1] in "+-" else t
    if not body or body.count(".") > 1 or not body.replace(".", "").isdigit():
        raise OptionError("not a decimal number: %r" % text)
    return Fraction(t)


def parse_percent(text):
    """'12.5' -> Fraction(1, 8)."""
    return parse_decimal(text) / 100


def parse_money(text):
    """Major units ('1006.25') -> minor units, never rounded."""
    q = parse_decimal(text) * 10 ** EXPONENT
    if q.denominator != 1:
        raise OptionError("more decimals than the currency has: %r" % text)
    return int(q)


def round_half_even(q):
    """The integer nearest the Fraction q, ties to even."""
    q = Fraction(q)
    n, r = divmod(q.numerator, q.denominator)  # floor division
    twice = 2 * r
    if twice > q.denominator or (twice == q.denominator and n % 2 == 1):
        n += 1
    return n


def money_text(minor):
    """'1234.50' of 123450 minor units."""
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10 ** EXPONENT)
    return "%s%d.%0*d" % (sign, whole, EXPONENT, part)


def ratio_text(num, den, places=6):
    """num/den as a decimal rounded half-even to `places`; a zero
    denominator gives 0 (portfolio.h, ml_ratio)."""
    q = Fraction(0) if den == 0 else Fraction(num, den)
    n = round_half_even(q * 10 ** places)
    sign = "-" if n < 0 else ""
    whole, part = divmod(abs(n), 10 ** places)
    return "%s%d.%0*d" % (sign, whole, places, part)


# ------------------------------------------------------------ options
def ints(text, what):
    try:
        out = [int(x) for x in text.split(",")]
    except ValueError:
        raise OptionError("%s: not a list of whole days: %r" % (what, text)) from None
    return out


class PortfolioOptions:
    """The portfolio options of `mikrolan par` (ml_portfolio_options plus
    the reserve). thresholds, buckets: lists of days; provisioning: list of
    percent texts (one per bucket, the open one too); period_start: a date
    or None; reserve: minor units or None."""

    def __init__(self, thresholds=None, buckets=None, provisioning=None, period_start=None,
                 reserve=None, restructured_at_risk=True):
        self.thresholds = list(DEFAULT_THRESHOLDS if thresholds is None else thresholds)
        self.buckets = list(DEFAULT_BUCKETS if buckets is None else buckets)
        self.provisioning_given = provisioning is not None
        self.provisioning = list(DEFAULT_PROVISIONING if provisioning is None else provisioning)
        self.period_start = period_start
        self.reserve = reserve
        self.restructured_at_risk = restructured_at_risk

    @property
    def rates(self):
        return [parse_percent(p) for p in self.provisioning]

    def validate(self, as_of):
        """Raise OptionError for what README / --help say par refuses."""
        def ascending(xs):
            # "ascending": taken as strictly ascending (a repeated threshold
            # or bucket bound would be an empty bucket or a repeated key)
            return all(a < b for a, b in zip(xs, xs[1:]))

        if not 1 <= len(self.thresholds) <= MAX_THRESHOLDS:
            raise OptionError("thresholds: 1 to %d of them" % MAX_THRESHOLDS)
        if min(self.thresholds) < 0 or not ascending(self.thresholds):
            raise OptionError("thresholds: ascending, >= 0")
        if not 1 <= len(self.buckets) <= MAX_BUCKETS:
            raise OptionError("buckets: 1 to %d of them" % MAX_BUCKETS)
        if min(self.buckets) < 0 or not ascending(self.buckets):
            raise OptionError("buckets: ascending, >= 0")
        if len(self.provisioning) != len(self.buckets) + 1:
            raise OptionError("provisioning: one rate per bucket (%d), the open one too"
                              % (len(self.buckets) + 1))
        for r in self.rates:
            if not 0 <= r <= 1:
                raise OptionError("provisioning: each rate 0 to 100 %")
        if self.reserve is not None and self.reserve < 0:
            # README, bad input 119: "a loan loss reserve is 0 or more"
            raise OptionError("--reserve: 0 or more")
        if self.period_start is not None and not self.period_start < as_of:
            raise OptionError("--period-start: before --as-of")
        # --reserve without 30 among the thresholds: README and --help say
        # only that the reserve "needs 30 among the thresholds" for risk
        # coverage, not that par refuses it. Assumed: accepted; the report
        # has loan_loss_reserve and a risk_coverage of null (no ratio).

    @classmethod
    def parse(cls, argv):
        """The options of `mikrolan par` flags (a list of words: a flag and
        its value as two words, or --flag=value)."""
        takes = {"--thresholds", "--buckets", "--provisioning", "--period-start", "--reserve"}
        given, words = {}, list(argv)
        while words:
            w = words.pop(0)
            flag, eq, value = w.partition("=")
            if flag == "--no-restructured-at-risk" and not eq:
                given[flag] = True
            elif flag in takes:
                if not eq:
                    if not words:
                        raise OptionError("%s: a value is needed" % flag)
                    value = words.pop(0)
                given[flag] = value
            else:
                raise OptionError("not a portfolio option: %r" % w)
        try:
            period = given.get("--period-start")
            period = datetime.date.fromisoformat(period) if period else None
        except ValueError:
            raise OptionError("--period-start: not a date") from None
        return cls(ints(given["--thresholds"], "thresholds") if "--thresholds" in given else None,
                   ints(given["--buckets"], "buckets") if "--buckets" in given else None,
                   given["--provisioning"].split(",") if "--provisioning" in given else None,
                   period,
                   parse_money(given["--reserve"]) if "--reserve" in given else None,
                   not given.get("--no-restructured-at-risk"))

    def argv(self):
        """The flags of `mikrolan par` that ask for these options."""
        out = ["--thresholds", ",".join(map(str, self.thresholds)),
               "--buckets", ",".join(map(str, self.buckets))]
        if self.provisioning_given or self.buckets != list(DEFAULT_BUCKETS):
            out += ["--provisioning", ",".join(self.provisioning)]
        if self.period_start is not None:
            out += ["--period-start", self.period_start.isoformat()]
        if self.reserve is not None:
            out += ["--reserve", money_text(self.reserve)]
        if not self.restructured_at_risk:
            out.append("--no-restructured-at-risk")
        return out

    def bucket_bounds(self):
        """[(from_days, to_days or None)] of every bucket (portfolio.h:
        bucket k from bucket_to[k-1] + 1, 0 for the first, to bucket_to[k];
        then the open one)."""
        out, first = [], 0
        for last in self.buckets:
            out.append((first, last))
            first = last + 1
        out.append((first, None))
        return out

    def bucket_of(self, dpd):
        for k, last in enumerate(self.buckets):
            if dpd <= last:
                return k
        return len(self.buckets)


# ------------------------------------------------------------ one loan
class Loan:
    """What the report needs of a loan's status at one date."""

    __slots__ = ("state", "principal", "arrears", "dpd", "restructured", "written_off_on",
                 "written_off_principal")

    def __init__(self, state, principal=0, arrears=0, dpd=0, restructured=False,
                 written_off_on=None, written_off_principal=0):
        self.state = state  # pending, active, closed, credit-balance, written-off
        self.principal = principal  # outstanding principal, minor units
        self.arrears = arrears
        self.dpd = dpd
        self.restructured = restructured
        self.written_off_on = written_off_on
        self.written_off_principal = written_off_principal


def loan_of_status(st):
    """A Loan of a ref_ledger status dict (None: the loan did not exist)."""
    if st is None:
        return None
    wo_on = st["closed_on"] if st["state"] == "written-off" else None
    # principal is component 0 of the status's per-component lists
    wo_principal = sum(it.written_off[0] for it in st["installments"]) if wo_on else 0
    return Loan(st["state"], st["outstanding"][0], st["arrears"], st["days_past_due"],
                bool(st["restructured"]), wo_on, wo_principal)


# ------------------------------------------------------------ sums
class Sums:
    """The exact sums of one segment (or the total)."""

    def __init__(self, opts):
        self.o = opts
        self.loans = 0
        self.states = {"pending": 0, "active": 0, "closed": 0, "credit-balance": 0,
                       "written-off": 0}
        self.glp = 0
        self.overdue = 0
        self.par = [0] * len(opts.thresholds)
        nb = len(opts.buckets) + 1
        self.b_count, self.b_principal, self.b_overdue = [0] * nb, [0] * nb, [0] * nb
        self.glp_start = 0
        self.written_off_in_period = 0

    def add(self, end, start, as_of):
        """end: Loan at as_of; start: Loan at period start or None."""
        o = self.o
        self.loans += 1
        self.states[end.state] += 1
        if end.state == "active":
            p = end.principal
            self.glp += p
            self.overdue += end.arrears
            for k, x in enumerate(o.thresholds):
                # README: "more than x days past due", plus for x >= 30 every
                # active restructured loan (unless --no-restructured-at-risk)
                if end.dpd > x or (x >= 30 and end.restructured and o.restructured_at_risk):
                    self.par[k] += p
            b = o.bucket_of(end.dpd)
            self.b_count[b] += 1
            self.b_principal[b] += p
            self.b_overdue[b] += end.arrears
        if o.period_start is not None:
            if start is not None and start.state == "active":
                self.glp_start += start.principal
            # portfolio.h: write-off date in (period_start, as_of]
            if (end.state == "written-off" and end.written_off_on is not None
                    and o.period_start < end.written_off_on <= as_of):
                self.written_off_in_period += end.written_off_principal

    def provisioning(self):
        return sum(round_half_even(p * r) for p, r in zip(self.b_principal, self.o.rates))

    def json(self, total=False):
        o = self.o
        closed = self.states["closed"] + self.states["credit-balance"]
        out = {
            "loans": self.loans, "pending": self.states["pending"],
            "active": self.states["active"], "closed": closed,
            "credit_balance": self.states["credit-balance"],
            "written_off": self.states["written-off"],
            "gross_portfolio": money_text(self.glp),
            "par": {str(x): {"amount": money_text(self.par[k]),
                             "ratio": ratio_text(self.par[k], self.glp)}
                    for k, x in enumerate(o.thresholds)},
            "overdue": money_text(self.overdue),
            "arrears_rate": ratio_text(self.overdue, self.glp),
            "buckets": [{"from_days": lo, "to_days": hi, "count": self.b_count[k],
                         "principal": money_text(self.b_principal[k]),
                         "overdue": money_text(self.b_overdue[k]),
                         "provisioning_rate": ratio_text(r.numerator, r.denominator)}
                        for k, ((lo, hi), r) in enumerate(zip(o.bucket_bounds(), o.rates))],
            "provisioning": money_text(self.provisioning()),
        }
        if o.period_start is not None:
            out["gross_portfolio_at_start"] = money_text(self.glp_start)
            out["written_off_in_period"] = money_text(self.written_off_in_period)
            # written off / ((start + end) / 2) = 2 * written off / (start + end)
            out["write_off_ratio"] = ratio_text(2 * self.written_off_in_period,
                                                self.glp_start + self.glp)
        if o.reserve is not None and total:
            out["loan_loss_reserve"] = money_text(o.reserve)
            if 30 in o.thresholds:
                out["risk_coverage"] = ratio_text(o.reserve, self.par[o.thresholds.index(30)])
            else:  # no PAR>30 to divide by (an assumption, see validate)
                out["risk_coverage"] = None
        return out


def segment_order(values):
    """Byte order of a segment's key: its values joined by 0x1f."""
    return KEY_SEPARATOR.join(values).encode("utf-8")


def report(entries, as_of, by, opts, currency="SEK", skipped=(0, 0)):
    """`mikrolan par --format json` of entries: (loans-file row, Loan at
    as_of, Loan at the period start or None)."""
    total, segments = Sums(opts), {}
    for row, end, start in entries:
        total.add(end, start, as_of)
        if by:
            key = tuple(row.get(c, "") for c in by)
            if key not in segments:
                segments[key] = Sums(opts)
            segments[key].add(end, start, as_of)
    out = {"as_of": as_of.isoformat(),
           "period_start": opts.period_start.isoformat() if opts.period_start else None,
           "currency": currency, "by": list(by), "total": total.json(True), "segments": []}
    for key in sorted(segments, key=segment_order):
        seg = {"key": dict(zip(by, key))}
        seg.update(segments[key].json())
        out["segments"].append(seg)
    out["skipped"] = {"loans": skipped[0], "rows": skipped[1]}
    return out


def entries_of(R, loans, events, as_of, opts, loan_options=None):
    """(row, Loan at as_of, Loan at period start or None) of every loan,
    with ref_ledger (module R, its schedule reference loaded)."""
    kw = {} if loan_options is None else {"prepayment": loan_options}
    end = list(R.loan_statuses(loans, events, as_of, **kw))
    if opts.period_start is None:
        return [(row, loan_of_status(st), None) for row, st in end]
    start = list(R.loan_statuses(loans, events, opts.period_start, **kw))
    return [(row, loan_of_status(st), loan_of_status(st0))
            for (row, st), (_r, st0) in zip(end, start)]


def main(argv):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import ref_ledger as R
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loans", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--by", default="")
    a, rest = ap.parse_known_args(argv)
    R.load_schedule_ref()
    opts = PortfolioOptions.parse(rest)
    as_of = datetime.date.fromisoformat(a.as_of)
    opts.validate(as_of)
    with R.open_csv(a.loans) as f:
        loans = R.read_loans(f)
    with R.open_csv(a.events) as f:
        events = R.read_events(f)
    by = [c for c in a.by.split(",") if c]
    out = report(entries_of(R, loans, events, as_of, opts), as_of, by, opts)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
