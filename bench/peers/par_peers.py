#!/usr/bin/env python3
"""`mikrolan par` against DuckDB and sqlite3: PAR30 of the same programme.

    par_peers.py --mikrolan PATH --installments PATH [--loans N] [--seed S]
                 [--as-of YYYY-MM-DD] [--threads 1,2] [--duckdb-threads 2]
                 [--workdir DIR] [--keep]

Issue 5's peer comparison (standard library only). Steps:

1. Generates, deterministically from --seed (a splitmix64 stream per loan,
   integers only), a programme whose journals hold only a disbursement and
   repayments: no fees, penalties, waivers, reschedules or write-offs, and
   no repayment ever larger than what is due on its date, so that no
   prepayment or early settlement happens. `mikrolan generate` writes all
   of those, which SQL over installments and repayments cannot follow, so
   this script writes its own loans.csv and events.csv in the formats of
   `mikrolan par`: annuity or equal-principal loans, monthly, per-period or
   ACT/365 interest, 10,000 to 250,000 SEK in öre, 6 to 36 installments,
   disbursed over the three years before --as-of (and a few in the three
   weeks after it, pending at --as-of). Repayments run to a month after
   --as-of (an export made later), so every engine must leave out what
   comes after the date. Borrowers pay on time, late by a fixed number of
   days, in part, stop paying, or pay irregularly with catch-up payments.
2. Writes each loan's installments (n, due date, principal, interest,
   total) with the --installments program (bench/peers/installments.c,
   ml_schedule_compute over loans.csv). That prepares the SQL engines'
   input; its time is not counted.
3. Times, each as a child process (wall time, peak RSS from wait4):
   `mikrolan par --as-of D --format json` with each --threads count; the
   DuckDB node script bench/peers/duckdb/par_duckdb.mjs (read_csv over the
   three files, --duckdb-threads threads); and the sqlite3 command-line
   shell (an in-memory database, `.import --csv` of the three files, then
   the same SQL). The SQL engines' times include reading the CSV files, as
   mikrolan's does.

The rules the SQL implements, which are the ledger's for such journals
(include/mikrolan/loan.h with the default options): repayments dated on or
before --as-of pay the installments oldest first, each installment's
interest before its principal (the default allocation penalties, fees,
interest, principal with no fees or penalties); a loan with nothing unpaid
is closed and left out; days past due = --as-of minus the due date of the
oldest installment not fully paid that fell due before --as-of (so a loan
is 1 day past due the day after a due date it missed); gross portfolio =
outstanding principal of the active loans (disbursed by --as-of, not
closed); PAR30 = outstanding principal of the active loans more than 30
days past due.

Prints one line per engine (loans, seconds, loans/s, peak RSS, PAR30, the
gross portfolio and active loans), then the ratios of time and peak RSS of
each SQL engine to `mikrolan par`, and fails (exit 1) unless the three
agree to the öre on PAR30 and the gross portfolio and on the number of
active loans. Exits 77 (skipped) when node, the npm package (run `npm ci`
in bench/peers/duckdb/, as `./dev bench` does) or sqlite3 is missing.
"""

import argparse
import datetime
import decimal
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DUCKDB_DIR = os.path.join(HERE, "duckdb")
SKIP = 77
MASK = (1 << 64) - 1


# ---- the programme ---------------------------------------------------------

class Stream:
    """splitmix64: the same integers on every machine and Python version."""

    def __init__(self, seed, loan, purpose):
        self.x = (seed * 0x9E3779B97F4A7C15 + loan * 0xD1B54A32D192ED03
                  + purpose * 0x8CB92BA72F3D8DD7) & MASK

    def next(self, bound):
        """An integer in 0..bound-1 (the modulo bias is of no concern)."""
        self.x = (self.x + 0x9E3779B97F4A7C15) & MASK
        z = self.x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return (z ^ (z >> 31)) % bound


def money(ore):
    """Öre as the files spell amounts: "1234.50"."""
    return f"{ore // 100}.{ore % 100:02d}"


LOAN_HEADER = ("loan_id,principal,rate,term,frequency,method,interest,"
               "disbursed_on\n")


def write_loans(path, loans, seed, as_of):
    width = max(6, len(str(loans)))
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(LOAN_HEADER)
        for i in range(loans):
            r = Stream(seed, i, 1)
            principal = 1_000_000 + r.next(24_000_001)          # öre
            rate = 400 + r.next(1100)                            # basis points
            term = 6 + r.next(31)
            method = "annuity" if r.next(10) < 7 else "equal-principal"
            interest = "per-period" if r.next(5) < 4 else "act365"
            back = r.next(1096) if r.next(50) else -1 - r.next(21)
            disbursed = as_of - datetime.timedelta(days=back)
            out.write(f"L{i + 1:0{width}d},{money(principal)},"
                      f"{rate // 100}.{rate % 100:02d},{term},monthly,"
                      f"{method},{interest},{disbursed.isoformat()}\n")


def repayments(r, rows, cutoff):
    """The (date, öre) repayments of a loan whose installments are rows of
    (due date text, total öre), none after cutoff (text), never more than
    is due on its date."""
    kind = r.next(100)
    out = []
    if kind < 55:                                    # on time
        out = [(due, total) for due, total in rows if due <= cutoff]
    elif kind < 70:                                  # late by `late` days
        late = datetime.timedelta(days=1 + r.next(75))
        for due, total in rows:
            day = (datetime.date.fromisoformat(due) + late).isoformat()
            if day > cutoff:
                break
            out.append((day, total))
    elif kind < 80:                                  # a share of each one
        share = 40 + r.next(56)
        out = [(due, total * share // 100) for due, total in rows
               if due <= cutoff]
    elif kind < 88:                                  # stops after `paid`
        paid = r.next(len(rows) + 1)
        out = [(due, total) for due, total in rows[:paid] if due <= cutoff]
    else:                                            # irregular, catching up
        due_so_far = paid = 0
        for due, total in rows:
            if due > cutoff:
                break
            due_so_far += total
            v = r.next(100)
            amount = (total if v < 70 else 0 if v < 85
                      else due_so_far - paid if v < 95
                      else (due_so_far - paid) // 2)
            if amount > 0:
                out.append((due, amount))
                paid += amount
    return [(day, amount) for day, amount in out if amount > 0]


def write_events(installments_path, loans_path, events_path, seed, cutoff):
    """Events of every loan, from its installments; the number written."""
    count = 0
    with open(loans_path, encoding="utf-8") as loans, \
         open(installments_path, encoding="utf-8") as inst, \
         open(events_path, "w", encoding="utf-8", newline="") as out:
        out.write("loan_id,date,type,amount,ref\n")
        next(loans)
        next(inst)
        pending = next(inst, None)
        for i, line in enumerate(loans):
            loan_id, principal, _, _, _, _, _, disbursed = \
                line.rstrip("\n").split(",")
            rows = []
            while pending is not None and pending.startswith(loan_id + ","):
                f = pending.split(",")
                rows.append((f[2], int(f[5].replace(".", ""))))
                pending = next(inst, None)
            if not rows:
                raise SystemExit(f"par_peers: no installments for {loan_id}")
            lines = [f"{loan_id},{disbursed},disbursement,{principal},\n"]
            for day, amount in repayments(Stream(seed, i, 2), rows, cutoff):
                lines.append(f"{loan_id},{day},repayment,{money(amount)},\n")
            out.write("".join(lines))
            count += len(lines)
        if pending is not None:
            raise SystemExit("par_peers: installments of an unknown loan")
    return count


# ---- running and timing children ------------------------------------------

class Run:
    def __init__(self, seconds, peak_rss_kib, stdout):
        self.seconds = seconds
        self.peak_rss_kib = peak_rss_kib
        self.stdout = stdout


def run(argv, stdin_text=None, cwd=None):
    """Runs argv; its wall time and its own peak RSS (wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
         tempfile.TemporaryFile() as inp:
        if stdin_text is not None:
            inp.write(stdin_text.encode())
            inp.seek(0)
        start = time.monotonic()
        child = subprocess.Popen(argv, stdin=inp, stdout=out, stderr=err,
                                 cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"par_peers: {' '.join(argv[:3])}... failed "
                         f"({child.returncode}):\n{stderr}")
    return Run(seconds, usage.ru_maxrss, stdout)


# ---- the engines -----------------------------------------------------------

def ore(text):
    """An exact decimal amount ("1234.5", "1234.50") as öre."""
    value = decimal.Decimal(text) * 100
    if value != value.to_integral_value():
        raise SystemExit(f"par_peers: {text!r} is not a whole number of öre")
    return int(value)


def mikrolan_par(mikrolan, work, as_of, threads):
    r = run([mikrolan, "par", "--loans", f"{work}/loans.csv",
             "--events", f"{work}/events.csv", "--as-of", as_of,
             "--format", "json", "--threads", str(threads)])
    total = json.loads(r.stdout)["total"]
    return r, {"loans": total["loans"], "active": total["active"],
               "glp": ore(total["gross_portfolio"]),
               "par30": ore(total["par"]["30"]["amount"])}


def duckdb(work, as_of, threads):
    r = run(["node", os.path.join(DUCKDB_DIR, "par_duckdb.mjs"), work, as_of,
             str(threads)], cwd=DUCKDB_DIR)
    row = json.loads(r.stdout)
    print(f"duckdb: the query itself (in node, after start-up) took "
          f"{row['query_seconds']:.3f} s", flush=True)
    return r, {"loans": int(row["loans"]), "active": int(row["active"]),
               "glp": ore(row["gross_portfolio"]), "par30": ore(row["par30"])}


# The SQL of par_duckdb.mjs in sqlite3's dialect. The files' amounts all
# have two decimals, so removing the '.' gives exact integer öre (no
# floating point); dates are ISO text, which compares in date order, and
# julianday differences of two dates are whole days.
SQLITE_SCRIPT = """\
.bail on
CREATE TABLE loans(loan_id TEXT, principal TEXT, rate TEXT, term TEXT,
  frequency TEXT, method TEXT, interest TEXT, disbursed_on TEXT);
CREATE TABLE installments(loan_id TEXT, n INTEGER, due_date TEXT,
  principal TEXT, interest TEXT, total TEXT);
CREATE TABLE events(loan_id TEXT, date TEXT, type TEXT, amount TEXT,
  ref TEXT);
.import --csv --skip 1 '{work}/loans.csv' loans
.import --csv --skip 1 '{work}/installments.csv' installments
.import --csv --skip 1 '{work}/events.csv' events
.mode list
.separator ,
WITH
ore AS (
  SELECT loan_id, n, due_date,
         CAST(REPLACE(principal, '.', '') AS INTEGER) AS principal,
         CAST(REPLACE(interest, '.', '') AS INTEGER) AS interest,
         CAST(REPLACE(total, '.', '') AS INTEGER) AS total
  FROM installments),
repaid AS (
  SELECT loan_id, SUM(CAST(REPLACE(amount, '.', '') AS INTEGER)) AS repaid
  FROM events WHERE type = 'repayment' AND date <= '{as_of}'
  GROUP BY loan_id),
allocated AS (
  SELECT o.loan_id, o.due_date, o.principal, o.interest, o.total,
         MIN(MAX(COALESCE(r.repaid, 0)
                 - (SUM(o.total) OVER (PARTITION BY o.loan_id ORDER BY o.n
                                       ROWS UNBOUNDED PRECEDING) - o.total),
                 0), o.total) AS paid
  FROM ore o LEFT JOIN repaid r ON r.loan_id = o.loan_id),
per_loan AS (
  SELECT loan_id,
         SUM(principal - MIN(MAX(paid - interest, 0), principal)) AS outstanding,
         MIN(CASE WHEN paid < total AND due_date < '{as_of}' THEN due_date END)
           AS oldest_overdue,
         MAX(paid < total) AS open
  FROM allocated GROUP BY loan_id),
active AS (
  SELECT p.* FROM per_loan p JOIN loans l ON l.loan_id = p.loan_id
  WHERE p.open AND l.disbursed_on <= '{as_of}')
SELECT (SELECT COUNT(*) FROM loans),
       (SELECT COUNT(*) FROM installments
        WHERE total NOT GLOB '*[0-9].[0-9][0-9]'
           OR principal NOT GLOB '*[0-9].[0-9][0-9]'
           OR interest NOT GLOB '*[0-9].[0-9][0-9]')
     + (SELECT COUNT(*) FROM events WHERE amount NOT GLOB '*[0-9].[0-9][0-9]'),
       COUNT(*),
       COALESCE(SUM(outstanding), 0),
       COALESCE(SUM(CASE WHEN julianday('{as_of}') - julianday(oldest_overdue) > 30
                         THEN outstanding END), 0)
FROM active;
"""


def sqlite(work, as_of):
    r = run(["sqlite3", "-batch", ":memory:"],
            stdin_text=SQLITE_SCRIPT.format(work=work, as_of=as_of))
    loans, malformed, active, glp, par30 = r.stdout.strip().split(",")
    if int(malformed) != 0:
        raise SystemExit(f"par_peers: {malformed} amounts without two decimals")
    return r, {"loans": int(loans), "active": int(active), "glp": int(glp),
               "par30": int(par30)}


# ---- the report ------------------------------------------------------------

def ratio_text(num, den):
    """num/den rounded half-even to 6 places, from integers only."""
    q = decimal.Decimal(num) / decimal.Decimal(den)
    return str(q.quantize(decimal.Decimal("0.000001"),
                          rounding=decimal.ROUND_HALF_EVEN))


def print_line(name, loans, r, figures):
    print(f"{name:<26} loans={loans} seconds={r.seconds:.3f} "
          f"loans_per_s={loans / r.seconds:.0f} "
          f"peak_rss_kib={r.peak_rss_kib} par30={money(figures['par30'])} "
          f"gross_portfolio={money(figures['glp'])} "
          f"active={figures['active']}", flush=True)


def missing_peers():
    if shutil.which("sqlite3") is None:
        return "sqlite3 is not installed (Debian package sqlite3)"
    if shutil.which("node") is None:
        return "node is not installed (Debian packages nodejs and npm)"
    if not os.path.isdir(os.path.join(DUCKDB_DIR, "node_modules", "@duckdb",
                                      "node-api")):
        return (f"@duckdb/node-api is not installed; run `npm ci` in "
                f"{DUCKDB_DIR} (./dev bench does)")
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mikrolan", required=True)
    p.add_argument("--installments", required=True)
    p.add_argument("--loans", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=20260630)
    p.add_argument("--as-of", default="2026-06-30")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--duckdb-threads", type=int, default=2)
    p.add_argument("--workdir", help="where the files go (default: a "
                   "temporary directory, removed at the end)")
    p.add_argument("--keep", action="store_true",
                   help="leave the files in the work directory")
    a = p.parse_args()
    reason = missing_peers()
    if reason is not None:
        print(f"par_peers: skipped: {reason}")
        return SKIP
    as_of = datetime.date.fromisoformat(a.as_of)
    work = a.workdir or tempfile.mkdtemp(prefix="par_peers.")
    os.makedirs(work, exist_ok=True)
    work = os.path.abspath(work)
    try:
        return compare(a, as_of, work)
    finally:
        if not a.keep:
            for name in ("loans.csv", "installments.csv", "events.csv"):
                if os.path.exists(f"{work}/{name}"):
                    os.unlink(f"{work}/{name}")
            if a.workdir is None:
                os.rmdir(work)


def compare(a, as_of, work):
    start = time.monotonic()
    write_loans(f"{work}/loans.csv", a.loans, a.seed, as_of)
    inst = run([a.installments, f"{work}/loans.csv",
                f"{work}/installments.csv"])
    cutoff = (as_of + datetime.timedelta(days=31)).isoformat()
    events = write_events(f"{work}/installments.csv", f"{work}/loans.csv",
                          f"{work}/events.csv", a.seed, cutoff)
    print(f"prepared loans={a.loans} events={events} seed={a.seed} "
          f"as_of={a.as_of} seconds={time.monotonic() - start:.1f} "
          f"(installments: {inst.seconds:.3f} s, not counted)", flush=True)
    results = []
    for t in a.threads.split(","):
        r, f = mikrolan_par(a.mikrolan, work, a.as_of, int(t))
        results.append((f"mikrolan par threads={t}", r, f))
        print_line(results[-1][0], a.loans, r, f)
    r, f = duckdb(work, a.as_of, a.duckdb_threads)
    results.append((f"duckdb threads={a.duckdb_threads}", r, f))
    print_line(results[-1][0], a.loans, r, f)
    r, f = sqlite(work, a.as_of)
    results.append(("sqlite3 threads=1", r, f))
    print_line(results[-1][0], a.loans, r, f)
    ours = [x for x in results if x[0].startswith("mikrolan")]
    for name, r, _ in results:
        if name.startswith("mikrolan"):
            continue
        for our_name, ours_r, _ in ours:
            print(f"ratio {name} / {our_name}: "
                  f"seconds {r.seconds / ours_r.seconds:.1f}x, "
                  f"peak RSS {r.peak_rss_kib / ours_r.peak_rss_kib:.1f}x")
    first = results[0][2]
    agree = all(f == first for _, _, f in results)
    if first["loans"] != a.loans:
        agree = False
    print(f"PAR30 {money(first['par30'])} of gross portfolio "
          f"{money(first['glp'])} = {ratio_text(first['par30'], first['glp'])}"
          f"; {'all engines agree to the öre' if agree else 'ENGINES DIFFER: FAILED'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
