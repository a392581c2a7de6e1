#!/usr/bin/env python3
"""TAP tests of `mikrolan status`: usage: test_cli_status.py PATH-TO-mikrolan.

Runs the binary on journal files written here and checks its outputs, exit
statuses and messages. Standard library only. The golden statuses are
computed here, independently of the code under test, with fractions
(exact) and datetime, from the rules of include/mikrolan/schedule.h and
include/mikrolan/loan.h:

The anchor loan (250,000 SEK at 8.5 % over 36 months from 2026-01-15,
annuity, half-even) has the installment 7,891.88 (hand-checked in
tests/test_cli.py). Its journal: the disbursement, 7,891.88 paid on the
due date 2026-02-15, 7,891.88 paid ten days late on 2026-03-25, and
5,000.00 on 2026-04-15 against the 7,891.88 due, which pays its interest
1,683.81 and 3,316.19 of its principal (penalties, fees, interest,
principal: oldest installment first). On 2026-05-20 installment 3 has
2,891.88 of principal and installment 4 all its 7,891.88 unpaid: arrears
10,783.76, 35 days past due, overdue since 2026-04-16. The payoff is what
is due by then, all later principal, and installment 5's interest pro rata
of the 5 of its 31 days passed: 1595.55 * 5 / 31 = 257.346... -> 257.35.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
from fractions import Fraction

MIKROLAN = sys.argv[1]
ANCHOR = ["--principal", "250000", "--rate", "8.5", "--term", "36",
          "--disbursed", "2026-01-15"]
AS_OF = "2026-05-20"
COMPONENTS = ["principal", "interest", "fees", "penalties"]

from tap import check, results, run_tests  # noqa: E402

TMP = tempfile.mkdtemp(prefix="mikrolan-status-")


def run(args, stdin=None, stdout=subprocess.PIPE):
    """Runs mikrolan with args; (exit status, stdout, stderr)."""
    p = subprocess.run([MIKROLAN] + args, input=stdin, stdout=stdout,
                       stderr=subprocess.PIPE)
    out = p.stdout.decode() if p.stdout is not None else ""
    return p.returncode, out, p.stderr.decode()


def journal(name, text):
    """Writes a journal file (bytes or text) and returns its path."""
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())
    return path


def status(path, *extra, stdout=subprocess.PIPE):
    return run(["status"] + ANCHOR + ["--events", path, "--as-of", AS_OF] +
               list(extra), stdout=stdout)


# ---- the independent oracle ------------------------------------------------


def add_months(d, months):
    """d + months, the day clamped to the end of the target month."""
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(d.day, last))


def cents(minor):
    """Minor units -> "1234.56"."""
    sign = "-" if minor < 0 else ""
    q, r = divmod(abs(minor), 100)
    return "%s%d.%02d" % (sign, q, r)


def sv(minor):
    """Minor units -> Swedish style "1 234,56"."""
    q, r = divmod(minor, 100)
    return "{:,}".format(q).replace(",", " ") + ",%02d" % r


def anchor_rows():
    """[(due date, principal, interest)] of the anchor: monthly per-period
    annuity, half-even (Python's round on a Fraction)."""
    principal, r, n = 25000000, Fraction("8.5") / 100 / 12, 36
    a = round(principal * r / (1 - (1 + r) ** -n))
    rows, balance = [], principal
    start = datetime.date(2026, 1, 15)
    for k in range(1, n + 1):
        interest = round(balance * r)
        part = balance if k == n else min(max(a - interest, 0), balance)
        balance -= part
        rows.append((add_months(start, k), part, interest))
    return rows


ROWS = anchor_rows()
PAYMENTS = [(datetime.date(2026, 2, 15), 789188),
            (datetime.date(2026, 3, 25), 789188),
            (datetime.date(2026, 4, 15), 500000)]


def replay(as_of):
    """Per installment [due, paid, outstanding] by component after the
    payments dated on or before as_of, none of which exceeds what is due:
    each pays the installments due by its date, oldest first, interest
    before principal (no fees or penalties here)."""
    due = [[p, i, 0, 0] for (_, p, i) in ROWS]
    paid = [[0, 0, 0, 0] for _ in ROWS]
    for day, amount in PAYMENTS:
        if day > as_of:
            continue
        for k, (when, _, _) in enumerate(ROWS):
            if when > day:
                break
            for c in (1, 0):
                take = min(amount, due[k][c] - paid[k][c])
                paid[k][c] += take
                amount -= take
        assert amount == 0
    out = [[due[k][c] - paid[k][c] for c in range(4)] for k in range(len(ROWS))]
    return due, paid, out


def golden_status(as_of):
    due, paid, out = replay(as_of)
    past = [k for k, (when, _, _) in enumerate(ROWS) if when < as_of]
    arrears = sum(sum(out[k]) for k in past)
    unpaid = [k for k in past if sum(out[k]) > 0]
    oldest = ROWS[unpaid[0]][0] if unpaid else None
    current = next(k for k, (when, _, _) in enumerate(ROWS) if when > as_of)
    start = ROWS[current - 1][0] if current > 0 else datetime.date(2026, 1, 15)
    end = ROWS[current][0]
    accrued = round(Fraction(ROWS[current][2] * (as_of - start).days,
                             (end - start).days))
    payoff = (sum(sum(out[k]) for k in range(current)) +
              sum(out[k][0] for k in range(current, len(ROWS))) + accrued)
    return {
        "as_of": as_of.isoformat(),
        "loan_id": "L1",
        "currency": "SEK",
        "state": "active",
        "days_past_due": (as_of - oldest).days if oldest else 0,
        "overdue_since": (oldest + datetime.timedelta(days=1)).isoformat()
                         if oldest else None,
        "outstanding": {c: cents(sum(o[i] for o in out))
                        for i, c in enumerate(COMPONENTS)},
        "arrears": cents(arrears),
        "payoff": cents(payoff),
        "restructured": False,
        "credit_balance": "0.00",
        "paid_total": cents(sum(a for d, a in PAYMENTS if d <= as_of)),
        "written_off_total": "0.00",
        "closed_on": None,
        "next_due_date": end.isoformat(),
        "next_due_amount": cents(sum(out[current])),
        "installments": [
            {"n": k + 1, "due_date": ROWS[k][0].isoformat(),
             "due": dict(zip(COMPONENTS, map(cents, due[k]))),
             "paid": dict(zip(COMPONENTS, map(cents, paid[k]))),
             "waived": dict(zip(COMPONENTS, ["0.00"] * 4)),
             "written_off": dict(zip(COMPONENTS, ["0.00"] * 4)),
             "outstanding": dict(zip(COMPONENTS, map(cents, out[k])))}
            for k in range(len(ROWS))],
    }


def golden_postings(as_of):
    """(event id, date, account, debit, credit) in minor units: the
    disbursement, then per repayment cash against what it paid (principal
    to loans receivable, interest to interest income), debits first."""
    lines = [(1, "2026-01-15", "loans-receivable", 25000000, 0),
             (1, "2026-01-15", "cash", 0, 25000000)]
    due = [[p, i] for (_, p, i) in ROWS]
    for event, (day, amount) in enumerate(PAYMENTS, start=2):
        if day > as_of:
            continue
        principal = interest = 0
        for k, (when, _, _) in enumerate(ROWS):
            if when > day:
                break
            take = min(amount, due[k][1])
            due[k][1] -= take
            interest += take
            amount -= take
            take = min(amount, due[k][0])
            due[k][0] -= take
            principal += take
            amount -= take
        iso = day.isoformat()
        lines.append((event, iso, "cash", principal + interest, 0))
        if principal:
            lines.append((event, iso, "loans-receivable", 0, principal))
        if interest:
            lines.append((event, iso, "interest-income", 0, interest))
    return lines


GOLDEN = golden_status(datetime.date(2026, 5, 20))

ANCHOR_JOURNAL = (
    "loan_id,date,type,amount,ref\n"
    "L1,2026-01-15,disbursement,250000.00,contract 17\n"
    "L1,2026-02-15,repayment,7891.88,bg 1\n"
    "L1,2026-03-25,repayment,7891.88,\"bg 2, late\"\n"
    "L1,2026-04-15,repayment,5000.00,bg 3\n")

# ---- the oracle itself ---------------------------------------------------


def test_oracle_matches_the_hand_figures():
    g = GOLDEN
    check(g["arrears"] == "10783.76" and g["days_past_due"] == 35 and
          g["overdue_since"] == "2026-04-16" and g["payoff"] == "236295.55"
          and g["next_due_amount"] == "7891.88" and
          g["installments"][2]["paid"]["principal"] == "3316.19",
          "independent oracle agrees with the figures worked by hand",
          json.dumps({k: g[k] for k in ("arrears", "days_past_due",
                                        "payoff")}))


# ---- the anchor in every format ------------------------------------------


def test_json():
    path = journal("anchor.csv", ANCHOR_JOURNAL)
    code, out, err = status(path, "--format", "json")
    check(code == 0 and err == "", "json: exit 0, no stderr", err)
    try:
        doc = json.loads(out)
    except ValueError as e:
        check(False, "json parses", "%s\n%s" % (e, out))
        return
    for key in GOLDEN:
        check(doc.get(key) == GOLDEN[key], "json: %s is exact" % key,
              "%r\n!= %r" % (doc.get(key), GOLDEN[key]))
    check(set(doc) == set(GOLDEN), "json: exactly the documented keys",
          sorted(set(doc) ^ set(GOLDEN)))
    numbers = re.findall(r':\s*-?[0-9]+\.[0-9]', out)
    check(not numbers, "json: no amount is a JSON number", numbers[:3])


def test_csv():
    path = journal("anchor.csv", ANCHOR_JOURNAL)
    code, out, err = status(path, "--format", "csv")
    groups = ["due", "paid", "waived", "written_off", "outstanding"]
    header = "n,due_date," + ",".join(
        "%s_%s" % (g, c) for g in groups for c in COMPONENTS)
    lines = [header]
    for row in GOLDEN["installments"]:
        cells = [str(row["n"]), row["due_date"]]
        for g in groups:
            cells += [row[g][c] for c in COMPONENTS]
        lines.append(",".join(cells))
    want = "\n".join(lines) + "\n"
    check(code == 0 and err == "" and out == want,
          "csv: header and all 36 installments exact",
          "status %d %s\n%s" % (code, err, out[:600]))


def test_table():
    path = journal("anchor.csv", ANCHOR_JOURNAL)
    code, out, err = status(path)
    lines = out.split("\n")
    check(code == 0 and err == "" and out.endswith("\n"),
          "table: exit 0, no stderr", err)
    want_summary = [
        "Loan L1 as of 2026-05-20: active",
        "  days past due   35 (overdue since 2026-04-16)",
        "  arrears         10 783,76 SEK",
        "  outstanding     principal %s, interest %s, fees 0,00, "
        "penalties 0,00" % (sv(23439836), sv(2892574)),
        "  payoff          236 295,55 SEK",
        "  next due        2026-06-15, 7 891,88 SEK",
        "  paid            20 783,76 SEK",
        "  credit balance  0,00 SEK",
        "  restructured    no",
    ]
    check(lines[:9] == want_summary, "table: the summary lines",
          "\n".join(lines[:9]))
    table = [l for l in lines[10:] if l and not set(l) <= {"-"}]
    check(table[0].split() == ["principal", "interest"],
          "table: component groups over the columns", table[0])
    check(table[1].split() == ["n", "due", "date", "due", "paid",
                               "outstanding", "due", "paid", "outstanding"],
          "table: the column header", table[1])
    cells = [re.split(r"\s{2,}", l.strip()) for l in table[2:]]
    want = []
    for row in GOLDEN["installments"]:
        minor = {g: [int(Fraction(row[g][c]) * 100) for c in COMPONENTS[:2]]
                 for g in ("due", "paid", "outstanding")}
        want.append([str(row["n"]), row["due_date"]] + [
            sv(minor[g][c]) for c in (0, 1)
            for g in ("due", "paid", "outstanding")])
    check(cells[:36] == want, "table: every installment in Swedish style",
          "\n".join(table[2:5]))
    check(cells[36][0] == "total" and cells[36][1] == sv(25000000),
          "table: totals line", table[-1])
    check(all(l == l.rstrip() for l in lines), "table: no trailing space")
    widths = {len(l) for l in table[1:38]}
    check(len(widths) == 1, "table: header and rows of one width", widths)


def test_postings():
    path = journal("anchor.csv", ANCHOR_JOURNAL)
    want = golden_postings(datetime.date(2026, 5, 20))
    code, out, err = status(path, "--postings", "--format", "csv")
    csv = "event_id,date,account,debit,credit\n" + "".join(
        "%d,%s,%s,%s,%s\n" % (e, d, a, cents(dr), cents(cr))
        for e, d, a, dr, cr in want)
    check(code == 0 and err == "" and out == csv,
          "postings csv: every line exact", out)
    code, out, err = status(path, "--postings", "--format", "json")
    doc = json.loads(out) if code == 0 else {}
    lines = [{"event_id": e, "date": d, "account": a, "debit": cents(dr),
              "credit": cents(cr)} for e, d, a, dr, cr in want]
    total = cents(sum(l[3] for l in want))
    check(doc == {"as_of": AS_OF, "loan_id": "L1", "currency": "SEK",
                  "postings": lines,
                  "totals": {"debit": total, "credit": total}},
          "postings json: lines and balanced totals", out[:400])
    code, out, err = status(path, "--postings")
    rows = [re.split(r"\s{2,}", l.strip()) for l in out.split("\n")
            if l and not set(l) <= {"-"}]
    check(rows[0] == ["event", "date", "account", "debit", "credit"] and
          rows[1] == ["1", "2026-01-15", "loans-receivable", "250 000,00"]
          and rows[-1] == ["total", sv(sum(l[3] for l in want)),
                           sv(sum(l[4] for l in want))],
          "postings table: header, a debit line, the totals", out)
    check(code == 0 and err == "" and len(rows) == len(want) + 2,
          "postings table: one line per posting")


def test_other_dates_and_stdin():
    path = journal("anchor.csv", ANCHOR_JOURNAL)
    code, out, err = run(["status"] + ANCHOR + ["--events", path,
                                                "--as-of", "2026-02-20",
                                                "--format", "json"])
    doc = json.loads(out) if code == 0 else {}
    g = golden_status(datetime.date(2026, 2, 20))
    check(doc == g, "as of 2026-02-20 (paid on time, nothing overdue)",
          json.dumps({k: doc.get(k) for k in ("arrears", "payoff")}))
    check(doc.get("days_past_due") == 0 and doc.get("overdue_since") is None,
          "nothing overdue: 0 days, overdue_since null")
    code, out2, err = run(["status"] + ANCHOR + ["--events", "-", "--as-of",
                                                 AS_OF, "--format", "json"],
                          stdin=ANCHOR_JOURNAL.encode())
    check(code == 0 and json.loads(out2) == GOLDEN, "--events - reads stdin",
          err)


def test_loan_id_and_journal_columns():
    # Two loans, columns in another order, ids, a quoted ref with a line
    # break; the second loan is the anchor.
    text = ("id,type,loan_id,date,amount,ref\n"
            "1,disbursement,L0,2026-01-15,1000,x\n"
            "1,disbursement,L1,2026-01-15,250000.00,\"multi\nline\"\n"
            "2,repayment,L1,2026-02-15,7891.88,\n"
            ",repayment,L1,2026-03-25,\"7 891,88\",\n"
            "4,repayment,L1,2026-04-15,5000,\n")
    path = journal("two.csv", text)
    code, out, err = status(path, "--loan-id", "L1", "--format", "json")
    check(code == 0 and json.loads(out) == GOLDEN,
          "--loan-id picks the loan; columns in any order; ids checked",
          err or out[:300])
    # no events at all: the terms are the disbursement
    path = journal("empty.csv", "loan_id,date,type,amount,ref\n")
    code, out, err = status(path, "--format", "json")
    doc = json.loads(out) if code == 0 else {}
    check(doc.get("loan_id") is None and doc.get("arrears") == cents(
        sum(r[1] + r[2] for r in ROWS[:4])) and doc.get("days_past_due") ==
          (datetime.date(2026, 5, 20) - ROWS[0][0]).days,
          "a journal without rows: the terms' disbursement, nothing paid",
          err or out[:300])


def test_fee_waived():
    # A 60.00 fee on 2026-04-20 goes to the installment whose period holds
    # it (the first due on or after it: 2026-05-15, n = 4); waived on
    # 2026-04-25 it is due and waived there, outstanding 0.
    text = ANCHOR_JOURNAL + ("L1,2026-04-20,fee,60.00,påminnelse\n")
    path = journal("fee.csv", "loan_id,date,type,amount,ref,component\n" +
                   "".join(l + ",\n" for l in text.splitlines()[1:]) +
                   "L1,2026-04-25,waiver,60,,fees\n")
    code, out, err = status(path, "--format", "json")
    doc = json.loads(out) if code == 0 else {"installments": [{}] * 4}
    row = doc["installments"][3]
    check(code == 0 and row.get("due", {}).get("fees") == "60.00" and
          row.get("waived", {}).get("fees") == "60.00" and
          row.get("outstanding", {}).get("fees") == "0.00" and
          doc.get("arrears") == GOLDEN["arrears"],
          "a fee and its waiver: due 60.00, waived 60.00, nothing owed",
          err or json.dumps(row))
    code, out, err = status(path, "--postings", "--format", "csv")
    check(code == 0 and "5,2026-04-20,fees-receivable,60.00,0.00\n"
          "5,2026-04-20,fee-income,0.00,60.00\n" in out and
          "6,2026-04-25,fee-income,60.00,0.00\n"
          "6,2026-04-25,fees-receivable,0.00,60.00\n" in out,
          "the fee is income when charged; the waiver reverses it", out)


# ---- help and rejections -----------------------------------------------------


def test_help():
    code, out, err = run(["status", "--help"])
    sections = ["NAME", "SYNOPSIS", "DESCRIPTION", "JOURNAL FILE", "OPTIONS",
                "OUTPUT", "EXIT STATUS", "EXAMPLES"]
    check(code == 0 and err == "" and
          all(("\n%s\n" % s) in "\n" + out for s in sections),
          "status --help: a manual with every section", out[:200])
    flags = ["--events", "--loan-id", "--as-of", "--allocation",
             "--prepayment", "--arrears-tolerance", "--late-fee",
             "--late-fee-days", "--default-rate", "--default-day-count",
             "--format", "--postings", "--principal", "--currency"]
    check(all(f in out for f in flags), "status --help names every option",
          [f for f in flags if f not in out])
    code, out, err = run(["--help"])
    check(code == 0 and "    status\n" in out, "mikrolan --help lists status")


def rejected(args, want, description, stdin=None):
    """The command must exit 2 with nothing on stdout and exactly one
    stderr line, equal to want (or matching it when it is a regex)."""
    code, out, err = run(args, stdin=stdin)
    line = err.rstrip("\n")
    ok = (code == 2 and out == "" and err.count("\n") == 1 and
          (line == want if isinstance(want, str) else want.fullmatch(line)))
    check(ok, "rejected: " + description,
          "status %d\nstdout %r\nstderr %r" % (code, out[:200], err))


def test_rejected_options():
    path = journal("anchor.csv", ANCHOR_JOURNAL)
    base = ["status"] + ANCHOR + ["--events", path, "--as-of", AS_OF]
    p = "mikrolan status: "
    rejected(["status"] + ANCHOR + ["--as-of", AS_OF],
             p + "--events: required option is missing; see --help",
             "no --events")
    rejected(["status"] + ANCHOR + ["--events", path],
             p + "--as-of: required option is missing; see --help",
             "no --as-of")
    rejected(["status", "--rate", "8.5", "--term", "36", "--disbursed",
              "2026-01-15", "--events", path, "--as-of", AS_OF],
             p + "--principal: required option is missing; see --help",
             "no --principal")
    rejected(base[:-1] + ["2026-02-30"],
             re.compile(re.escape(p) + r'--as-of: date "2026-02-30" .*'),
             "an impossible --as-of")
    rejected(base + ["--format", "xml"],
             p + '--format: unknown value "xml": expected one of table, '
             'csv, json', "an unknown format")
    rejected(base + ["--allocation", "fifo"],
             re.compile(re.escape(p) + '--allocation: unknown allocation '
                        '"fifo": expected one of '
                        'penalties-fees-interest-principal'
                        '.*'), "an unknown allocation")
    rejected(base + ["--prepayment", "later"],
             re.compile(re.escape(p) + '--prepayment: unknown prepayment '
                        '"later".*'), "an unknown prepayment policy")
    rejected(base + ["--default-day-count", "act999"],
             re.compile(re.escape(p) + '--default-day-count: .*"act999".*'),
             "an unknown day count")
    rejected(base + ["--late-fee", "60.005"],
             p + '--late-fee: amount "60.005" has too many decimals: SEK '
             'has 2 and amounts are never rounded; expected at most 2',
             "a late fee with three decimals")
    rejected(base + ["--late-fee-days", "-3"],
             re.compile(re.escape(p) + '--late-fee-days: "-3" is not a '
                        'whole number.*'), "negative late-fee days")
    rejected(base + ["--default-rate", "8.5x"],
             re.compile(re.escape(p) + '--default-rate: rate "8.5x".*'),
             "a malformed default rate")
    rejected(base + ["--arrears-tolerance", "ten"],
             re.compile(re.escape(p) + '--arrears-tolerance: amount "ten".*'),
             "a malformed tolerance")
    rejected(base + ["--late-fee", "-60"],
             re.compile(re.escape(p) + '--late-fee: .*'),
             "a negative late fee (the library's verdict)")
    # past the library's 10^15 minor units, said in kronor as given
    rejected(base + ["--late-fee", "10000000000000.01"],
             p + "--late-fee: 10000000000000.01 SEK is above the limit of "
             "10000000000000.00 SEK", "a late fee past its limit")
    rejected(base + ["--arrears-tolerance", "10000000000001"],
             p + "--arrears-tolerance: 10000000000001.00 SEK is above the "
             "limit of 10000000000000.00 SEK", "a tolerance past its limit")
    rejected(base + ["--postings=yes"],
             p + '--postings: takes no value, but got "=yes"',
             "a value on the --postings flag")
    rejected(base + ["--as-of", AS_OF],
             p + "--as-of: given more than once; give it once",
             "a repeated option")
    rejected(base + ["--colour", "red"],
             p + "--colour: unknown option; see --help for the options",
             "an unknown option")
    rejected(base + ["extra"],
             re.compile(re.escape(p) + 'unexpected argument "extra".*'),
             "a stray argument")
    rejected(["status", "--principal", "0"] + ANCHOR[2:] +
             ["--events", path, "--as-of", AS_OF],
             p + "--principal: must be greater than 0",
             "terms the schedule rejects")


def test_rejected_journals():
    p = "mikrolan status: --events: "
    h = "loan_id,date,type,amount,ref\n"

    def bad(name, text, want, description, *extra):
        path = journal(name, text)
        if not isinstance(want, str):
            want = re.compile(re.escape(p + path) + want.pattern)
        else:
            want = p + path + want
        rejected(["status"] + ANCHOR + ["--events", path, "--as-of", AS_OF] +
                 list(extra), want, description)

    missing = os.path.join(TMP, "missing.csv")
    rejected(["status"] + ANCHOR + ["--events", missing, "--as-of", AS_OF],
             p + 'cannot open "%s": No such file or directory' % missing,
             "a journal that does not exist")
    rejected(["status"] + ANCHOR + ["--events", TMP, "--as-of", AS_OF],
             p + 'cannot read "%s": Is a directory' % TMP,
             "a journal that is a directory")
    rejected(["status"] + ANCHOR + ["--events", "", "--as-of", AS_OF],
             p + "an empty file name; name a file", "an empty journal name")
    # "L1,2026-02-15,repayment," is 24 bytes: the amount's 'a' at 27
    bad("amount.csv", h + "L1,2026-02-15,repayment,12a,\n",
        ":2:27: amount \"12a\": unexpected 'a' at column 3; expected a "
        "digit, a group separator or a decimal mark ('.' or ',')",
        "a malformed amount: file, line, column and reason")
    bad("decimals.csv", h + "L1,2026-02-15,repayment,1.234,\n",
        re.compile(re.escape(':2:29: amount "1.234" has 3 decimals but SEK '
                             'has 2') + ".*"),
        "an amount with three decimals")
    bad("type.csv", h + "L1,2026-02-15,loan,12,\n",
        ':2:15: unknown type "loan": expected one of disbursement, '
        'repayment, fee, penalty, waiver, write-off, reversal, reschedule',
        "an unknown event type")
    bad("date.csv", h + "L1,2026-02-30,repayment,12,\n",
        re.compile(re.escape(':2:12: date "2026-02-30" is not a supported '
                             'date') + ".*"), "an impossible date")
    bad("column.csv", "loan_id,date,type,amount\n",
        ":1: the header has no ref column; a journal needs loan_id, date, "
        "type, amount and ref",
        "a missing column")
    bad("unknown.csv", "loan_id,date,type,amount,ref,amout\n",
        ':1:30: unknown column "amout"; a journal\'s columns are loan_id, '
        "date, type, amount, ref, id, component, target, rate, term, "
        "grace_principal and installment",
        "an unknown column")
    bad("unused.csv", h + "L1,2026-02-15,write-off,5,\n",
        ':2:25: amount "5" is not used by a write-off; leave it empty',
        "an amount on a write-off")
    bad("waiver.csv", h + "L1,2026-02-15,waiver,5,\n",
        ":2: a waiver needs a component, but the file has no component "
        "column", "a waiver without a component column")
    bad("grouped.csv", h + "L1,2026-02-15,repayment,1,\n"
        "L2,2026-02-15,repayment,1,\nL1,2026-03-15,repayment,1,\n",
        ':4:1: loan_id: the rows of loan "L1" are not together: it also has rows '
        "from line 2; a journal lists each loan's rows one after another",
        "a loan's rows apart", "--loan-id", "L2")
    bad("utf8.csv", (h + "L1,2026-02-15,repayment,1,caf\xe9\n").encode(
        "latin-1"),
        ":2:30: ref: invalid UTF-8: the sequence starting here is cut short "
        "or malformed (then byte 0x0a at column 31); the input must be "
        "UTF-8 text", "a Latin-1 byte (0xe9 then a line feed)")
    bad("quote.csv", h + "L1,2026-02-15,repayment,1,\"open\n",
        ":2:27: ref: the quoted field starting here is never closed; "
        "expected a closing '\"'", "an unterminated quote")
    bad("id.csv", "loan_id,date,type,amount,ref,id\n"
        "L1,2026-02-15,repayment,1,,2\n",
        ':2:28: id 2 is not the event\'s position: this row is event 1 of '
        'loan "L1" (ids count 1, 2, 3... per loan in file order)',
        "an id out of place")
    bad("before.csv", h + "L1,2026-01-10,repayment,100,\n",
        ":2: repayment rejected: event 1: dated before the disbursement",
        "a repayment before the disbursement (the library's verdict)")
    bad("zero.csv", h + "L1,2026-02-15,repayment,0,\n",
        ":2: repayment rejected: event 1: the amount must be greater than 0",
        "a zero repayment")
    bad("reversal.csv", "loan_id,date,type,amount,ref,target\n"
        "L1,2026-02-15,repayment,100,,\nL1,2026-02-16,reversal,,,7\n",
        ":3: reversal rejected: event 2: the reversal names no earlier event",
        "a reversal of an unknown event")
    bad("twice.csv", h + "L1,2026-01-15,disbursement,250000,\n"
        "L1,2026-01-16,disbursement,250000,\n",
        re.compile(re.escape(":3: disbursement rejected: event 2: the loan "
                             "is already disbursed") + ".*"),
        "a second disbursement")
    path = journal("two.csv", h + "A,2026-02-15,repayment,1,\n"
                   "B,2026-02-15,repayment,1,\n")
    rejected(["status"] + ANCHOR + ["--events", path, "--as-of", AS_OF],
             'mikrolan status: --loan-id: %s holds more than one loan ("A", '
             '"B", ...); choose one with --loan-id' % path,
             "several loans without --loan-id")
    rejected(["status"] + ANCHOR + ["--events", path, "--as-of", AS_OF,
                                    "--loan-id", "C"],
             'mikrolan status: --loan-id: no loan "C" in %s' % path,
             "a --loan-id the file does not have")
    rejected(["status"] + ANCHOR + ["--events", "-", "--as-of", AS_OF],
             p + "<stdin>:2:27: amount \"12a\": unexpected 'a' at column 3; "
             "expected a digit, a group separator or a decimal mark ('.' or "
             "',')", "a malformed row on stdin",
             stdin=(h + "L1,2026-02-15,repayment,12a,\n").encode())


def test_write_failures():
    if not os.path.exists("/dev/full"):
        print("ok %d # SKIP no /dev/full" % (len(results) + 1))
        results.append(True)
        return
    path = journal("anchor.csv", ANCHOR_JOURNAL)
    for extra in ([], ["--format", "json"], ["--format", "csv"],
                  ["--postings"]):
        with open("/dev/full", "w") as full:
            code, _, err = status(path, *extra, stdout=full)
        check(code == 1 and err == "mikrolan status: cannot write the "
              "output: No space left on device\n",
              "> /dev/full %s: exit 1, one line" % " ".join(extra), err)


def main():
    tests = [test_oracle_matches_the_hand_figures, test_json, test_csv,
             test_table, test_postings, test_other_dates_and_stdin,
             test_loan_id_and_journal_columns, test_fee_waived, test_help,
             test_rejected_options, test_rejected_journals,
             test_write_failures]
    return run_tests(tests, catch=False)


if __name__ == "__main__":
    sys.exit(main())
