#!/usr/bin/env python3
"""Random programmes over a wider space than `mikrolan generate`, for
diff_ledger.py --wide: every method, several frequencies and day counts,
grace, interest-free periods, rounding modes, installment multiples,
upfront and installment fees, Swedish bank days with a business-day
convention, first due dates, the restructured column; journals with
repayments (on time, late, partial, paid ahead, exactly the payoff, just
below or above it), fees, penalties, waivers, reversals, reschedules
(some after paying ahead), write-offs, a disbursement moved or of another
amount, and rows entered out of date order. Some journals are invalid on
purpose (a reversal of a later row, events after closing, ...): par must
skip exactly the loans invalid at its as-of date (ref_ledger.batch_problem),
status reject those invalid at any date (ref_ledger.append_problem).

Standard library only (and ref_ledger.py next to it); the same seed gives
the same files.

  gen_ledger_programme.py OUTDIR --loans N --seed S [--prepayment POLICY]
"""
import argparse
import csv
import datetime
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ref_ledger as R  # noqa: E402

EVENT_COLUMNS = ["loan_id", "date", "type", "amount", "ref", "id", "component", "target",
                 "rate", "term", "grace_principal", "installment"]
LOAN_COLUMNS = ["loan_id", "principal", "rate", "term", "frequency", "method", "interest",
                "disbursed_on", "first_due", "grace_principal", "grace_interest",
                "interest_free", "rounding", "installment_multiple", "upfront_fee",
                "installment_fee", "calendar", "business_day", "restructured", "kommun"]
LAST_EVENT_DATE = datetime.date(2027, 6, 30)
DAY = datetime.timedelta(days=1)


def money(minor):
    return R.format_amount(minor)


def random_terms(rng):
    """A loans-file row (without loan_id) whose terms the schedule layer takes."""
    row = {}
    row["principal"] = money(rng.choice([rng.randint(10, 250) * 100000,
                                         rng.randint(100000, 25000000)]))
    row["rate"] = rng.choice(["0", "%g" % (rng.randint(8, 120) / 4), "8.5", "12", "36"])
    n = rng.choice([1, 2, 3, 6, 12, 18, 24, 36])
    row["term"] = str(n)
    d0 = datetime.date(2023, 1, 1) + rng.randint(0, 1000) * DAY
    if rng.random() < 0.15:  # a month end
        d0 = d0.replace(day=R.S.days_in_month(d0.year, d0.month))
    row["disbursed_on"] = d0.isoformat()
    row["frequency"] = rng.choice(["monthly", "monthly", "weekly", "biweekly", "quarterly",
                                   "10d", "2m"])
    row["method"] = rng.choice(["annuity", "equal-principal", "flat", "bullet"])
    row["interest"] = rng.choice(["per-period", "per-period", "act365", "act360",
                                  "actact", "30360", "30e360"])
    if rng.random() < 0.2:
        row["first_due"] = (d0 + rng.randint(5, 75) * DAY).isoformat()
    if n > 2 and rng.random() < 0.2:
        row["grace_principal"] = str(rng.randint(1, n - 1))
    if n > 2 and rng.random() < 0.15:
        row["grace_interest"] = str(rng.randint(1, n - 1))
    if n > 2 and rng.random() < 0.1:
        row["interest_free"] = str(rng.randint(1, n))
    if rng.random() < 0.2:
        row["rounding"] = rng.choice(["half-up", "down", "up", "ceiling", "floor", "half-down"])
    if rng.random() < 0.15:
        row["installment_multiple"] = rng.choice(["1", "10", "0.50"])
    if rng.random() < 0.2:
        row["upfront_fee"] = rng.choice(["500", "2%", "150.25"])
    if rng.random() < 0.2:
        row["installment_fee"] = rng.choice(["25", "60"])
    if rng.random() < 0.2:
        row["calendar"] = "se"
        row["business_day"] = rng.choice(["following", "modified-following", "preceding"])
    if rng.random() < 0.05:
        row["restructured"] = "yes"
    return row


class Journal:
    """The rows of one loan's journal as they are written, and the loan's
    status by them, kept with the prepayment policy (a policy name or
    ref_ledger.Options: every loan option)."""

    def __init__(self, loan_id, terms, restructured, prepayment=R.NEXT_INSTALLMENTS):
        self.loan_id, self.terms, self.restructured = loan_id, terms, restructured
        self.prepayment = prepayment
        self.rows = []
        self._status = {}  # (rows, row count, date) -> status; rows only grow

    def add(self, d, kind, **fields):
        e = {k: "" for k in EVENT_COLUMNS}
        e.update(loan_id=self.loan_id, date=d.isoformat(), type=kind,
                 **{k: str(v) for k, v in fields.items()})
        self.rows.append(e)

    def status(self, d):
        key = (id(self.rows), len(self.rows), d)
        if key not in self._status:
            self._status = {key: R.loan_status(self.terms, self.restructured, self.rows, d,
                                               prepayment=self.prepayment)}
        return self._status[key]


def later_rows(st, d):
    return [it for it in st["installments"] if it.n > 0 and it.due_date > d]


# Behaviours whose borrower pays on schedule, then stops after some payments.
STOPPING = ("stop", "writeoff", "reschedule")
# What a step of a loan that stopped paying does: end the journal or skip the step.
END, SKIP = "end", "skip"


class Plan:
    """How a loan's borrower pays, and how many payments it has made."""

    def __init__(self, rng, n):
        """Draw the behaviour and, for n installments, when it stops paying."""
        behaviour = rng.choice(["ontime", "late", "partial", "prepay", "payoff", "stop",
                                "reschedule", "writeoff", "misc", "misc", "prepay-reschedule"])
        # pays ahead on its last payment before it stops, then reschedules
        self.prepay_first = behaviour == "prepay-reschedule"
        self.behaviour = "reschedule" if self.prepay_first else behaviour
        self.stop_after = rng.randint(0, n) if self.behaviour in STOPPING else 0
        self.payments = 0

    def stopped(self):
        """Whether a borrower that stops paying has made its last payment."""
        return self.behaviour in STOPPING and self.payments >= self.stop_after


def random_journal(rng, loan_id, row, prepayment=R.NEXT_INSTALLMENTS):
    """The events rows of one loan kept with the prepayment policy: a
    disbursement, events by a random behaviour, sometimes a row out of date
    order or rows that spoil it."""
    terms, restructured = R.terms_of_row(row)
    j = Journal(loan_id, terms, restructured, prepayment)
    d = add_disbursement(rng, j, row)
    n = sum(1 for it in R.schedule_installments(terms) if it.n > 0)
    plan = Plan(rng, n)
    add_events(rng, j, plan, d, row["rate"], rng.randint(0, 3 * n + 2))
    rows = enter_one_row_out_of_order(rng, j.rows)
    if rows and rng.random() < 0.12:
        spoil(rng, j, rows)
    for i, e in enumerate(rows):
        e["id"] = str(i + 1)
    return rows


def add_disbursement(rng, j, row):
    """Add the disbursement (usually) and return its date."""
    d = j.terms.disbursed
    if rng.random() < 0.9:
        # the event's date is the disbursement date (README, event table); not
        # moved with a first due date, which must stay after it
        if rng.random() < 0.1 and "first_due" not in row:
            d += rng.randint(-5, 5) * DAY
        amount = j.terms.principal if rng.random() < 0.85 else rng.randint(100000, 25000000)
        j.add(d, "disbursement", amount=money(amount))
        if rng.random() < 0.05:
            j.add(d, "repayment", amount=money(rng.randint(100, 50000)))
    return d


def add_events(rng, j, plan, cur, rate, steps):
    """Add the events of up to steps dates after cur by the plan's behaviour."""
    for _ in range(steps):
        stopped = plan.stopped()
        cur = next_event_date(rng, j, plan, cur, stopped)
        if cur > LAST_EVENT_DATE:
            return
        st = j.status(cur)
        if st["state"] != "active":
            return
        # drawn at every step though used only once stopped: a seed's files
        # depend on the order of the draws
        r = rng.random()
        if stopped:
            step = event_after_stopping(rng, j, plan, st, cur, r, rate)
            if step == END:
                return
            if step == SKIP:
                continue
        pay_or_charge(rng, j, plan, st, cur)


def next_event_date(rng, j, plan, cur, stopped):
    """The date of the next event after cur, by the plan's behaviour."""
    if plan.behaviour == "ontime" or (plan.behaviour in STOPPING and not stopped):
        nxt = later_rows(j.status(cur), cur)
        return nxt[0].due_date if nxt else cur + rng.randint(1, 40) * DAY
    if plan.behaviour == "payoff" and rng.random() < 0.5:
        return date_just_before_due(rng, j, cur)
    return cur + rng.randint(0, 45) * DAY


def date_just_before_due(rng, j, cur):
    """A date a day or three before the next due date after cur."""
    # or after the end of its interest period when a bank day moved the due
    # date later: the payoff of a period that has ended but is not yet due
    nxt = [it for it in later_rows(j.status(cur), cur) if it.end > cur]
    moved = [it for it in nxt if (it.due_date - it.end).days >= 2]
    if moved and rng.random() < 0.7:
        it = moved[0]
        return it.end + rng.randint(1, (it.due_date - it.end).days - 1) * DAY
    if nxt:
        return max(cur, nxt[0].due_date - rng.randint(1, 3) * DAY)
    return cur + DAY


def event_after_stopping(rng, j, plan, st, cur, r, rate):
    """A write-off (END), a reschedule or nothing (SKIP), or None: pay anyway."""
    if plan.behaviour == "writeoff" and r < 0.3:
        j.add(cur, "write-off")
        return END
    if plan.behaviour == "reschedule" and r < 0.3 and not j.restructured:
        add_reschedule(rng, j, plan, st, cur, rate)
        return SKIP
    # now and then a payment after all
    return SKIP if r < 0.8 else None


def add_reschedule(rng, j, plan, st, cur, rate):
    """Reschedule the installments after cur; the borrower then pays on time."""
    later = later_rows(st, cur)
    if not later:
        return
    installment = money(rng.randint(50000, 500000)) if rng.random() < 0.15 else ""
    j.add(cur, "reschedule", rate=rng.choice(["0", "6", "7.5", rate]),
          term=rng.randint(1, len(later) + 6),
          grace_principal=rng.choice([0, 0, 1]) if len(later) > 2 else 0,
          installment=installment)
    j.restructured = True
    plan.behaviour, plan.payments, plan.stop_after = "ontime", 0, 0


def pay_or_charge(rng, j, plan, st, cur):
    """Add the step's events: a repayment by the plan's behaviour, maybe a charge."""
    due_now = sum(it.out_total() for it in st["installments"] if it.due_date <= cur)
    payoff = st["payoff"]
    kind = rng.random()
    if plan.behaviour == "payoff" and kind < 0.25 and payoff > 0:
        # exactly the payoff, a minor unit either side of it, or a little more
        amount = payoff + rng.choice([0, 0, 0, -1, 1, 500])
        if amount > 0:
            add_repayment(j, plan, cur, amount)
        return
    if plan.behaviour == "misc" and kind < 0.25:
        misc_event(rng, j, st, cur)
        return
    nxt = later_rows(st, cur)
    next_amount = nxt[0].out_total() if nxt else 0
    if plan.prepay_first and plan.payments + 1 == plan.stop_after and nxt:
        # pay ahead into the next installment, then reschedule
        amount = due_now + next_amount + rng.randint(1, max(2, next_amount))
        add_repayment(j, plan, cur, amount)
        return
    if rng.random() < 0.05:
        j.add(cur, rng.choice(["fee", "penalty"]), amount="60")
    amount = repayment_amount(rng, plan.behaviour, due_now, next_amount, payoff)
    tolerance = getattr(j.prepayment, "arrears_tolerance", 0)
    if tolerance and amount > 0 and due_now > 0 and rng.random() < 0.25:
        # with an arrears tolerance (--options): a little short, by up to
        # twice the tolerance, so that some installments owe no more than
        # it (drawn only then: the programmes without it stay the same)
        amount = max(1, amount - rng.randint(1, 2 * tolerance))
    if amount > 0:
        add_repayment(j, plan, cur, amount)


def repayment_amount(rng, behaviour, due_now, next_amount, payoff):
    """The amount of an ordinary repayment: what is due, or less or more by behaviour."""
    if behaviour == "partial" and rng.random() < 0.3:
        return (due_now or next_amount) * rng.randint(50, 90) // 100
    if behaviour == "prepay" and rng.random() < 0.3:
        return due_now + next_amount * rng.randint(1, 3) + rng.randint(0, 1000)
    if behaviour == "misc" and rng.random() < 0.2:
        return rng.randint(1, max(2, payoff + 1000))
    # what is due, or the next installment when nothing is
    return due_now if due_now > 0 else next_amount


def add_repayment(j, plan, cur, amount):
    """Add a repayment of amount (minor units) and count it as a payment."""
    j.add(cur, "repayment", amount=money(amount))
    plan.payments += 1


def enter_one_row_out_of_order(rng, rows):
    """Sometimes move a row before rows dated earlier; the rows to write."""
    if rng.random() < 0.1 and len(rows) > 3:
        # reversals would now point at other rows: leave them out
        i = rng.randrange(1, len(rows))
        e = rows.pop(i)
        rows.insert(rng.randrange(1, i + 1) if i > 1 else 1, e)
        rows = [x for x in rows if x["type"] != "reversal"]
    return rows


def spoil(rng, j, rows):
    """Append rows that make the journal invalid, at some date or at every
    date, or that only look suspicious (a reversal of the closing repayment
    with a repayment after it: valid or not by their order)."""
    j.rows = rows
    first = R.parse_date(rows[0]["date"])
    last = max(R.parse_date(e["date"]) for e in rows)
    pick = rng.randrange(8)
    if pick == 0:    # after the end: invalid when the loan is closed
        j.add(last + rng.randint(0, 60) * DAY, "repayment", amount=money(rng.randint(100, 9999)))
    elif pick == 1:  # a waiver of more than is owed (usually)
        j.add(first + rng.randint(0, 400) * DAY, "waiver", amount="100000", component="interest")
    elif pick == 2:  # a reversal dated before its event
        later = [i for i, e in enumerate(rows) if e["type"] != "disbursement"
                 and R.parse_date(e["date"]) > first]
        if later:
            i = rng.choice(later)
            j.add(R.parse_date(rows[i]["date"]) - DAY, "reversal", target=i + 1)
    elif pick == 3:  # a reversal of no earlier event
        j.add(last, "reversal", target=len(rows) + 1)
    elif pick == 4:  # a reversal of the disbursement (or of the first row)
        j.add(last, "reversal", target=1)
    elif pick == 5:  # before the disbursement
        j.add(j.terms.disbursed - rng.randint(1, 20) * DAY, "fee", amount="60")
    elif pick == 6:  # a second disbursement
        j.add(last, "disbursement", amount=money(100000))
    else:            # the closing repayment reversed, a repayment around it
        closing = [i for i, e in enumerate(rows) if e["type"] == "repayment"]
        if closing:
            i = closing[-1]
            c = R.parse_date(rows[i]["date"])
            gap = rng.randint(1, 20)
            if rng.random() < 0.5:
                j.add(c + gap * DAY, "repayment", amount=money(rng.randint(100, 9999)))
                j.add(c + (gap + rng.randint(0, 10)) * DAY, "reversal", target=i + 1)
            else:
                j.add(c + gap * DAY, "reversal", target=i + 1)
                j.add(c + (gap + rng.randint(0, 10)) * DAY, "repayment",
                      amount=money(rng.randint(100, 9999)))


def misc_event(rng, j, st, cur):
    """A fee or penalty, a waiver, a reversal or a backdated repayment."""
    kind = rng.random()
    if kind < 0.4:
        j.add(cur, rng.choice(["fee", "penalty"]), amount=rng.choice(["60", "60.00", "125.50"]))
    elif kind < 0.68:
        owed = [sum(it.out(c) for it in st["installments"]) for c in range(4)]
        c = rng.choice([1, 2, 3])
        if owed[c] > 0:
            j.add(cur, "waiver", amount=money(rng.randint(1, owed[c])),
                  component=R.COMPONENTS[c])
    elif kind < 0.88:
        types = (("repayment",) if rng.random() < 0.7 else
                 ("repayment", "fee", "penalty", "waiver", "reschedule"))
        targeted = {e["target"] for e in j.rows if e["type"] == "reversal"}
        candidates = [i for i, e in enumerate(j.rows) if e["type"] in types
                      and e["date"] <= cur.isoformat() and str(i + 1) not in targeted]
        if candidates:
            j.add(cur, "reversal", target=rng.choice(candidates) + 1)
    else:
        d = cur - rng.randint(1, 30) * DAY
        if d > j.terms.disbursed:
            j.add(d, "repayment", amount=money(rng.randint(100, 100000)))


def generate(seed, count, prepayment=R.NEXT_INSTALLMENTS):
    """(loans rows, events rows) of a programme of count loans kept with
    the prepayment policy (the journals follow the statuses it gives)."""
    rng = random.Random(seed)
    loans, events = [], []
    for i in range(count):
        row = random_terms(rng)
        row["loan_id"] = "W%06d" % (i + 1)
        row["kommun"] = rng.choice(["A", "B", "C"])
        loans.append(row)
        events.extend(random_journal(rng, row["loan_id"], row, prepayment))
    return loans, events


def write(outdir, loans, events):
    os.makedirs(outdir, exist_ok=True)
    for name, columns, rows in (("loans.csv", LOAN_COLUMNS, loans),
                                ("events.csv", EVENT_COLUMNS, events)):
        with open(os.path.join(outdir, name), "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, columns, restval="", lineterminator="\n")
            w.writeheader()
            w.writerows(rows)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--loans", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--schedule-ref", help="path of bench/peers/schedule_ref.py")
    ap.add_argument("--prepayment", choices=R.PREPAYMENTS, default=R.NEXT_INSTALLMENTS)
    a = ap.parse_args(argv)
    R.load_schedule_ref(a.schedule_ref)
    loans, events = generate(a.seed, a.loans, a.prepayment)
    write(a.out, loans, events)
    print("%d loans, %d events" % (len(loans), len(events)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
