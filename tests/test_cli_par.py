#!/usr/bin/env python3
"""TAP tests of `mikrolan par` and `mikrolan generate`:
usage: test_cli_par.py PATH-TO-mikrolan.

Runs the binary on small hand-made files and checks every figure, every
format, the file errors (exit status and the exact line on standard error),
--skip-bad, thread counts and the generator's determinism. Standard library
only.

The hand portfolio (HAND_LOANS, HAND_EVENTS) is 18 loans at 0 % interest,
so that every installment is principal / term and every figure can be
worked out on paper. As of 2026-06-30 (statuses per include/mikrolan/loan.h:
an installment due ON the as-of date is not yet overdue; days past due =
as-of - due date of the oldest unpaid installment), each loan is:

  id   kommun gender principal  state           dpd  arrears  outstanding
  L01  Alby   F        6000     active            0        0     3000  (3 of 6 paid)
  L02  Alby   F       10000     active            0        0    10000  (first due = as-of)
  L03  Alby   M       12000     active            1     1000    12000
  L04  Alby   M       24000     active           30     2000    24000
  L05  Berg   F        6000     active           31     1000     6000
  L06  Berg   F       30000     active           60     6000    30000  (due 05-01, 06-01)
  L07  Berg   M       20000     active           61     4000    20000  (due 04-30, 05-30)
  L08  Berg   M       36000     active           90     9000    36000  (04-01, 05-01, 06-01)
  L09  City   F       48000     active           91    12000    48000  (03-31, 04-30, 05-31)
  L10  City   F       60000     active          180    30000    60000  (01-01 .. 06-01)
  L11  City   M       72000     active          181    36000    72000  (12-31 .. 05-31)
  L12  City   M       84000     active          365    84000    84000  (all 12 due)
  L13  Dal    F       96000     active          366    96000    96000  (all 12 due)
  L14  Dal    F       12000     written off 2025-09-01
  L15  Dal    M        6000     closed (6 x 1000 paid)
  L16  Dal    M        6000     credit balance (7000 paid at once)
  L17  Ek     F       12000     active, restructured (column) 29 1000 12000
  L18  Ek     M       12000     pending (disbursed 2026-07-15)

So (by hand): 18 loans, 14 active, 2 closed (1 of them with a credit
balance), 1 written off, 1 pending; gross portfolio = 3000 + 10000 + 12000
+ 24000 + 6000 + 30000 + 20000 + 36000 + 48000 + 60000 + 72000 + 84000 +
96000 + 12000 = 513000.
PAR>x = principal of the loans with dpd > x, plus L17 (restructured) for
x >= 30:
  PAR>1   = all active but L01, L02, L03 (dpd 1 is not > 1) = 488000
  PAR>30  = L05..L13 (452000) + L17 = 464000   (L04 at 30 is not > 30)
  PAR>60  = L07..L13 (416000) + L17 = 428000
  PAR>90  = L09..L13 (360000) + L17 = 372000
  PAR>180 = L11..L13 (252000) + L17 = 264000
  PAR>365 = L13 (96000) + L17       = 108000
Ratios to 513000, half-even to 6 places (long division): 488/513 =
0.9512670..., 464/513 = 0.9044834..., 428/513 = 0.8343079...,
372/513 = 0.7251461..., 264/513 = 0.5146198..., 108/513 = 0.2105263....
Buckets (count, principal, overdue):
  0        L01 L02          2   13000       0
  1-30     L03 L04 L17      3   48000    4000
  31-60    L05 L06          2   36000    7000
  61-90    L07 L08          2   56000   13000
  91-180   L09 L10          2  108000   42000
  181-365  L11 L12          2  156000  120000
  366+     L13              1   96000   96000
Overdue 282000; arrears rate 282/513 = 0.5497076... Provisioning =
0 + 4800 + 9000 + 28000 + 81000 + 140400 + 96000 = 359200.
With --period-start 2025-06-30: active then were L12 (84000), L13 (96000)
and L14 (12000): 192000; written off in the period: L14's 12000; ratio
12000 / ((192000 + 513000) / 2) = 24000/705000 = 0.0340425...
With --reserve 100000: coverage 100000/464000 = 0.2155172...
"""

import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

MIKROLAN = sys.argv[1]
AS_OF = ["--as-of", "2026-06-30"]
P = "mikrolan par: "

from tap import check, run_tests, tests_of  # noqa: E402


def run(args):
    """Runs mikrolan with args; (exit status, stdout, stderr)."""
    p = subprocess.run([MIKROLAN] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


WORK = tempfile.mkdtemp(prefix="test_cli_par.")


def write(name, text):
    """Writes text (str, or bytes as they are) to WORK/name; its path."""
    path = os.path.join(WORK, name)
    with open(path, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())
    return path


HAND_LOANS = """\
loan_id,kommun,gender,principal,rate,term,frequency,method,interest,disbursed_on,first_due,restructured
L01,Alby,F,6000,0,6,monthly,annuity,per-period,2026-03-01,,
L02,Alby,F,10000,0,10,monthly,annuity,per-period,2026-06-01,2026-06-30,
L03,Alby,M,12000,0,12,monthly,annuity,per-period,2026-06-01,2026-06-29,
L04,Alby,M,24000,0,12,monthly,annuity,per-period,2026-05-01,2026-05-31,
L05,Berg,F,6000,0,6,monthly,annuity,per-period,2026-05-01,2026-05-30,
L06,Berg,F,30000,0,10,monthly,annuity,per-period,2026-04-01,2026-05-01,
L07,Berg,M,20000,0,10,monthly,annuity,per-period,2026-04-01,2026-04-30,
L08,Berg,M,36000,0,12,monthly,annuity,per-period,2026-03-01,2026-04-01,
L09,City,F,48000,0,12,monthly,annuity,per-period,2026-03-01,2026-03-31,
L10,City,F,60000,0,12,monthly,annuity,per-period,2025-12-01,2026-01-01,
L11,City,M,72000,0,12,monthly,annuity,per-period,2025-12-01,2025-12-31,
L12,City,M,84000,0,12,monthly,annuity,per-period,2025-06-01,2025-06-30,
L13,Dal,F,96000,0,12,monthly,annuity,per-period,2025-06-01,2025-06-29,
L14,Dal,F,12000,0,12,monthly,annuity,per-period,2025-01-01,,
L15,Dal,M,6000,0,6,monthly,annuity,per-period,2025-10-01,,
L16,Dal,M,6000,0,6,monthly,annuity,per-period,2025-10-01,,
L17,Ek,F,12000,0,12,monthly,annuity,per-period,2026-05-01,,yes
L18,Ek,M,12000,0,12,monthly,annuity,per-period,2026-07-15,,
"""

HAND_EVENTS = """\
loan_id,date,type,amount,ref
L01,2026-03-01,disbursement,6000,
L01,2026-04-01,repayment,1000,
L01,2026-05-01,repayment,1000,
L01,2026-06-01,repayment,1000,
L14,2025-01-01,disbursement,12000,
L14,2025-09-01,write-off,,
L15,2025-10-01,disbursement,6000,
L15,2025-11-01,repayment,1000,
L15,2025-12-01,repayment,1000,
L15,2026-01-01,repayment,1000,
L15,2026-02-01,repayment,1000,
L15,2026-03-01,repayment,1000,
L15,2026-04-01,repayment,1000,
L16,2025-10-01,disbursement,6000,
L16,2025-11-01,repayment,7000,
"""

LOANS = write("loans.csv", HAND_LOANS)
EVENTS = write("events.csv", HAND_EVENTS)
HAND = ["par", "--loans", LOANS, "--events", EVENTS] + AS_OF


def hand(*extra):
    return run(HAND + list(extra))


def hand_json(*extra):
    status, out, err = hand("--format", "json", *extra)
    if status != 0:
        raise AssertionError("exit %d: %s" % (status, err))
    return json.loads(out)


def par(amount, ratio):
    return {"amount": amount, "ratio": ratio}


# The hand-computed buckets (see the docstring), and the default rates.
HAND_BUCKETS = [
    {"from_days": 0, "to_days": 0, "count": 2, "principal": "13000.00",
     "overdue": "0.00", "provisioning_rate": "0.000000"},
    {"from_days": 1, "to_days": 30, "count": 3, "principal": "48000.00",
     "overdue": "4000.00", "provisioning_rate": "0.100000"},
    {"from_days": 31, "to_days": 60, "count": 2, "principal": "36000.00",
     "overdue": "7000.00", "provisioning_rate": "0.250000"},
    {"from_days": 61, "to_days": 90, "count": 2, "principal": "56000.00",
     "overdue": "13000.00", "provisioning_rate": "0.500000"},
    {"from_days": 91, "to_days": 180, "count": 2, "principal": "108000.00",
     "overdue": "42000.00", "provisioning_rate": "0.750000"},
    {"from_days": 181, "to_days": 365, "count": 2, "principal": "156000.00",
     "overdue": "120000.00", "provisioning_rate": "0.900000"},
    {"from_days": 366, "to_days": None, "count": 1, "principal": "96000.00",
     "overdue": "96000.00", "provisioning_rate": "1.000000"},
]

HAND_TOTAL = {
    "loans": 18, "pending": 1, "active": 14, "closed": 2, "credit_balance": 1,
    "written_off": 1, "gross_portfolio": "513000.00",
    "par": {"1": par("488000.00", "0.951267"),
            "30": par("464000.00", "0.904483"),
            "60": par("428000.00", "0.834308"),
            "90": par("372000.00", "0.725146"),
            "180": par("264000.00", "0.514620"),
            "365": par("108000.00", "0.210526")},
    "overdue": "282000.00", "arrears_rate": "0.549708",
    "buckets": HAND_BUCKETS, "provisioning": "359200.00",
}


def test_hand_total_json():
    d = hand_json()
    check(d["as_of"] == "2026-06-30" and d["period_start"] is None and
          d["currency"] == "SEK" and d["by"] == [] and d["segments"] == [] and
          d["skipped"] == {"loans": 0, "rows": 0},
          "json: as_of, currency, no segments without --by", d)
    for key, want in HAND_TOTAL.items():
        check(d["total"].get(key) == want, "hand portfolio total %s" % key,
              "got %r\nwant %r" % (d["total"].get(key), want))
    check(set(d["total"]) == set(HAND_TOTAL), "total has exactly the figures",
          sorted(d["total"]))


def test_by_one_column():
    d = hand_json("--by", "kommun")
    keys = [s["key"] for s in d["segments"]]
    check(keys == [{"kommun": k} for k in
                   ["Alby", "Berg", "City", "Dal", "Ek"]],
          "--by kommun: segments in byte order", keys)
    seg = {s["key"]["kommun"]: s for s in d["segments"]}
    # Alby: L01..L04, GLP 3000+10000+12000+24000; only L04 (dpd 30) > 1.
    a = seg["Alby"]
    check(a["loans"] == 4 and a["gross_portfolio"] == "49000.00" and
          a["par"]["1"] == par("24000.00", "0.489796") and
          a["par"]["30"] == par("0.00", "0.000000") and
          a["overdue"] == "3000.00",
          "Alby: 24000/49000 = 0.4897959 at PAR>1, nothing at PAR>30", a)
    # Berg: L05..L08, 92000, all > 30; L07, L08 > 60 (56000/92000 =
    # 0.6086956...); provisioning 36000*25% + 56000*50% = 37000.
    b = seg["Berg"]
    check(b["gross_portfolio"] == "92000.00" and
          b["par"]["30"] == par("92000.00", "1.000000") and
          b["par"]["60"] == par("56000.00", "0.608696") and
          b["par"]["90"] == par("0.00", "0.000000") and
          b["provisioning"] == "37000.00",
          "Berg: PAR>60 = 56000 (0.608696), provisioning 37000", b)
    # Dal: L13 active (96000, dpd 366), L14 written off, L15 and L16 closed.
    dal = seg["Dal"]
    check(dal["loans"] == 4 and dal["active"] == 1 and dal["closed"] == 2 and
          dal["credit_balance"] == 1 and dal["written_off"] == 1 and
          dal["par"]["365"] == par("96000.00", "1.000000"),
          "Dal: states and PAR>365", dal)
    # Ek: L17 restructured (dpd 29) counts at >= 30; L18 pending.
    ek = seg["Ek"]
    check(ek["pending"] == 1 and ek["active"] == 1 and
          ek["par"]["1"] == par("12000.00", "1.000000") and
          ek["par"]["365"] == par("12000.00", "1.000000") and
          ek["buckets"][1]["count"] == 1,
          "Ek: restructured loan at risk for every x >= 30", ek)
    check(d["total"] == dict(HAND_TOTAL), "--by kommun: same total",
          d["total"])


def test_by_two_columns():
    d = hand_json("--by", "kommun,gender")
    keys = [(s["key"]["kommun"], s["key"]["gender"]) for s in d["segments"]]
    want = [(k, g) for k in ["Alby", "Berg", "City", "Dal", "Ek"]
            for g in ["F", "M"]]
    check(keys == want, "--by kommun,gender: 10 segments in order", keys)
    seg = {(s["key"]["kommun"], s["key"]["gender"]): s for s in d["segments"]}
    # City M: L11 (dpd 181) and L12 (dpd 365): 156000, all > 180, none > 365.
    cm = seg[("City", "M")]
    check(cm["gross_portfolio"] == "156000.00" and
          cm["par"]["180"] == par("156000.00", "1.000000") and
          cm["par"]["365"] == par("0.00", "0.000000") and
          [b["count"] for b in cm["buckets"]] == [0, 0, 0, 0, 0, 2, 0],
          "City M: both in 181-365", cm)
    # Alby M: L03 (dpd 1) and L04 (dpd 30), both in 1-30.
    am = seg[("Alby", "M")]
    check(am["buckets"][1] == {"from_days": 1, "to_days": 30, "count": 2,
                               "principal": "36000.00", "overdue": "3000.00",
                               "provisioning_rate": "0.100000"} and
          am["par"]["1"] == par("24000.00", "0.666667"),
          "Alby M: dpd 1 and 30 in 1-30; PAR>1 = 24000/36000", am)
    check(list(s["key"] for s in d["segments"])[0] ==
          {"kommun": "Alby", "gender": "F"}, "key is an object of columns")


def test_csv():
    status, out, err = hand("--format", "csv", "--by", "kommun")
    lines = out.splitlines()
    header = ("row,kommun,loans,pending,active,closed,credit_balance,"
              "written_off,gross_portfolio,par_1,par_1_ratio,par_30,"
              "par_30_ratio,par_60,par_60_ratio,par_90,par_90_ratio,par_180,"
              "par_180_ratio,par_365,par_365_ratio,overdue,arrears_rate,"
              "bucket_0_0_count,bucket_0_0_principal,bucket_0_0_overdue,"
              "bucket_1_30_count,bucket_1_30_principal,bucket_1_30_overdue,"
              "bucket_31_60_count,bucket_31_60_principal,bucket_31_60_overdue,"
              "bucket_61_90_count,bucket_61_90_principal,bucket_61_90_overdue,"
              "bucket_91_180_count,bucket_91_180_principal,"
              "bucket_91_180_overdue,bucket_181_365_count,"
              "bucket_181_365_principal,bucket_181_365_overdue,"
              "bucket_366_plus_count,bucket_366_plus_principal,"
              "bucket_366_plus_overdue,provisioning")
    total = ("total,,18,1,14,2,1,1,513000.00,488000.00,0.951267,464000.00,"
             "0.904483,428000.00,0.834308,372000.00,0.725146,264000.00,"
             "0.514620,108000.00,0.210526,282000.00,0.549708,"
             "2,13000.00,0.00,3,48000.00,4000.00,2,36000.00,7000.00,"
             "2,56000.00,13000.00,2,108000.00,42000.00,2,156000.00,"
             "120000.00,1,96000.00,96000.00,359200.00")
    check(status == 0 and len(lines) == 7 and lines[0] == header and
          lines[-1] == total, "csv: header and hand total row", out + err)
    check(lines[1].startswith("segment,Alby,4,0,4,0,0,0,49000.00,"
                              "24000.00,0.489796,0.00,0.000000,"),
          "csv: Alby row", lines[1:2])


def sv_fields(line):
    """A table line split at runs of two or more spaces."""
    return re.split(r" {2,}", line.strip())


def test_table():
    status, out, err = hand("--by", "kommun")
    lines = out.splitlines()
    check(status == 0 and lines[0] ==
          "Portfolio at risk as of 2026-06-30, amounts in SEK",
          "table: title line", out + err)
    header = [l for l in lines if l.startswith("kommun")]
    totals = [l for l in lines if l.startswith("Total")]
    check(header and sv_fields(header[0]) ==
          ["kommun", "Loans", "Active", "Closed", "Written off",
           "Gross portfolio", "PAR>1", "PAR>30", "PAR>60", "PAR>90",
           "PAR>180", "PAR>365", "Arrears", "Provisioning"],
          "table: column header", header)
    # Percents are the ratios half-even to 2 places: 0.951267 -> 95,13 %.
    check(totals and sv_fields(totals[0]) ==
          ["Total", "18", "14", "2", "1", "513 000,00", "95,13 %", "90,45 %",
           "83,43 %", "72,51 %", "51,46 %", "21,05 %", "54,97 %",
           "359 200,00"], "table: totals line in Swedish style", totals)
    widths = {len(l) for l in lines[2:10] if l and not l.startswith("-")}
    check(len(widths) == 1, "table: segment lines aligned", lines[2:10])
    aging = lines[lines.index("Aging of the active loans (total)") + 1:]
    check(sv_fields(aging[2]) == ["0 (current)", "2", "13 000,00", "0,00",
                                  "0,00 %"] and
          sv_fields(aging[8]) == ["366 and more", "1", "96 000,00",
                                  "96 000,00", "100,00 %"],
          "table: aging lines", aging)
    check("PAR>30: 464 000,00 (90,45 % of the gross portfolio)" in lines and
          "Overdue: 282 000,00 (arrears rate 54,97 %)" in lines and
          "Provisioning required: 359 200,00" in lines,
          "table: PAR amounts and totals", lines[-9:])
    check(err == "", "no progress line when stderr is not a terminal", err)


def test_dash_spelling_and_column_order():
    # The same loans with "first-due" spelt like the flag and the columns
    # in another order: the same report.
    rows = [l.split(",") for l in HAND_LOANS.splitlines()]
    rows[0][rows[0].index("first_due")] = "first-due"
    order = list(reversed(range(len(rows[0]))))
    text = "\n".join(",".join(r[i] for i in order) for r in rows) + "\n"
    loans = write("loans_dash.csv", text)
    want = hand("--format", "json", "--by", "gender")
    got = run(["par", "--loans", loans, "--events", EVENTS, "--format",
               "json", "--by", "gender"] + AS_OF)
    check(want[0] == 0 and got == want,
          "first-due spelt with '-', columns reversed: same report", got[2])


def test_no_restructured_at_risk():
    d = hand_json("--no-restructured-at-risk")
    # Without L17 (12000) at >= 30: 452000, 416000, 360000, 252000, 96000;
    # PAR>1 keeps it (dpd 29 > 1).
    got = {k: v["amount"] for k, v in d["total"]["par"].items()}
    check(got == {"1": "488000.00", "30": "452000.00", "60": "416000.00",
                  "90": "360000.00", "180": "252000.00", "365": "96000.00"},
          "--no-restructured-at-risk: L17 by its days only", got)


def test_period_and_reserve():
    d = hand_json("--period-start", "2025-06-30", "--reserve", "100000")
    t = d["total"]
    check(d["period_start"] == "2025-06-30" and
          t["gross_portfolio_at_start"] == "192000.00" and
          t["written_off_in_period"] == "12000.00" and
          t["write_off_ratio"] == "0.034043" and
          t["loan_loss_reserve"] == "100000.00" and
          t["risk_coverage"] == "0.215517",
          "write-offs, write-off ratio and risk coverage by hand", t)
    status, out, _ = hand("--period-start", "2025-06-30", "--reserve",
                          "100000")
    check("Written off after 2025-06-30: 12 000,00 (write-off ratio 3,40 %; "
          "gross portfolio then 192 000,00)" in out.splitlines() and
          "Loan loss reserve: 100 000,00 (risk coverage 21,55 % of PAR>30)"
          in out.splitlines(), "table: write-off and reserve lines", out)


def test_custom_thresholds_and_buckets():
    d = hand_json("--thresholds", "0,29", "--buckets", "29",
                  "--provisioning", "5,50")
    t = d["total"]
    # dpd > 0: all active but L01, L02 = 500000; dpd > 29: also not L03 and
    # L17 (29, and 29 < 30 so restructuring does not count) = 476000.
    # Buckets 0-29: L01 L02 L03 L17 = 37000 (overdue 2000); 30+: 476000
    # (overdue 280000). Provisioning 37000*5% + 476000*50% = 239850.
    check(t["par"] == {"0": par("500000.00", "0.974659"),
                       "29": par("476000.00", "0.927875")} and
          t["buckets"] == [
              {"from_days": 0, "to_days": 29, "count": 4,
               "principal": "37000.00", "overdue": "2000.00",
               "provisioning_rate": "0.050000"},
              {"from_days": 30, "to_days": None, "count": 10,
               "principal": "476000.00", "overdue": "280000.00",
               "provisioning_rate": "0.500000"}] and
          t["provisioning"] == "239850.00",
          "--thresholds 0,29 --buckets 29 --provisioning 5,50", t)


def test_largest_bucket_bound():
    """A last bound of 2147483647 days: the open bucket begins the day after
    (it overflowed 32 bits), in JSON, CSV and the table."""
    d = hand_json("--buckets", "2147483647", "--provisioning", "1,2")
    days = [(b["from_days"], b["to_days"]) for b in d["total"]["buckets"]]
    check(days == [(0, 2147483647), (2147483648, None)],
          "--buckets 2147483647: JSON days", days)
    status, out, err = hand("--format", "csv", "--buckets", "2147483647",
                            "--provisioning", "1,2")
    check(status == 0 and ",bucket_2147483648_plus_count," in out,
          "--buckets 2147483647: CSV header", err or out[:300])
    status, out, err = hand("--buckets", "2147483647", "--provisioning",
                            "1,2")
    check(status == 0 and "\n2147483648 and more " in out,
          "--buckets 2147483647: table", err or out)


def test_longest_segment():
    """README: a segment's values, with one byte between each two, are at
    most 1,023 bytes: 1023 bytes in one column or 511 + 1 + 511 in two are
    taken, one byte more is refused (the key and its NUL fill 1024)."""
    header = ("loan_id,principal,rate,term,frequency,method,interest,"
              "disbursed_on,k1,k2\n")
    events = write("longest_events.csv", "loan_id,date,type,amount,ref\n")

    def run_with(k1, k2, by):
        loans = write("longest_loans.csv", header +
                      "L1,1000,5,12,monthly,annuity,per-period,2026-01-15,%s,%s\n"
                      % (k1, k2))
        return run(["par", "--loans", loans, "--events", events, "--by", by,
                    "--format", "json"] + AS_OF)

    for k1, k2, by in [("a" * 1023, "x", "k1"), ("a" * 511, "b" * 511,
                                                 "k1,k2")]:
        status, out, err = run_with(k1, k2, by)
        keys = [s["key"] for s in json.loads(out)["segments"]] if status == 0 else []
        want = {"k1": k1} if by == "k1" else {"k1": k1, "k2": k2}
        check(keys == [want], "--by %s: %d bytes taken" % (by, len(k1) + (
            len(k2) + 1 if by == "k1,k2" else 0)), err)
    for k1, k2, by in [("a" * 1024, "x", "k1"), ("a" * 511, "b" * 512,
                                                 "k1,k2")]:
        status, out, err = run_with(k1, k2, by)
        check(status == 2 and out == "" and
              "the segment's values are 1024 bytes long together (with a "
              "byte between each two); at most 1023" in err,
              "--by %s: 1024 bytes refused" % by, err)


def test_table_shows_control_characters():
    """A quoted segment value may hold a line feed or a CR: the table shows
    them as \\xNN and keeps one line per segment; JSON keeps the value."""
    loans = write("control_loans.csv",
                  "loan_id,principal,rate,term,frequency,method,interest,"
                  "disbursed_on,kommun\n"
                  "A,1000,5,12,monthly,annuity,per-period,2026-01-15,"
                  "\"multi\nline\"\n"
                  "B,1000,5,12,monthly,annuity,per-period,2026-01-15,"
                  "\"cr\r\nlf\"\n")
    events = write("control_events.csv", "loan_id,date,type,amount,ref\n")
    args = ["par", "--loans", loans, "--events", events, "--by",
            "kommun"] + AS_OF
    status, out, err = run(args)
    lines = out.split("\n")
    check(status == 0 and "\r" not in out and
          any(l.startswith("cr\\x0d\\x0alf  ") for l in lines) and
          any(l.startswith("multi\\x0aline  ") for l in lines),
          "table: control characters as \\xNN", err or out)
    status, out, err = run(args + ["--format", "json"])
    keys = sorted(s["key"]["kommun"] for s in json.loads(out)["segments"])
    check(keys == ["cr\r\nlf", "multi\nline"], "json: values as they are",
          err or keys)


def test_too_many_segments():
    """100,001 distinct --by values: the message names --by, the same for
    one thread (the accumulator's add) and two (their merge)."""
    rows = "".join("L%06d,1000,5,12,monthly,annuity,per-period,2026-01-15,"
                   "v%d\n" % (i, i) for i in range(100001))
    loans = write("many_loans.csv", "loan_id,principal,rate,term,frequency,"
                  "method,interest,disbursed_on,k\n" + rows)
    events = write("many_events.csv", "loan_id,date,type,amount,ref\n")
    for threads in ["1", "2"]:
        status, out, err = run(["par", "--loans", loans, "--events", events,
                                "--by", "k", "--threads", threads] + AS_OF)
        check(status == 2 and out == "" and
              err == P + "--by: more than 100000 segments (distinct values "
              "of the --by columns); at most 100000\n",
              "--threads %s: too many segments" % threads, err)


def test_total_beyond_int64():
    """200 loans of 600 daily installments, all overdue with a late fee of
    900,000,000,000 each: every loan's arrears (54,000,000,000,108.44) fit,
    and so do those of a chunk of 128 loans (about 6.9e18 öre), but not the
    200 loans' total. It once aborted when the report was read; now it is
    refused the same way whichever meets it: one thread's add, or with two
    threads a worker's add or their merge."""
    rows = "".join("L%03d,1000,10,600,1d,annuity,per-period,2026-01-01,%s\n"
                   % (i, "AB"[i % 2]) for i in range(200))
    loans = write("overflow_loans.csv", "loan_id,principal,rate,term,"
                  "frequency,method,interest,disbursed_on,k\n" + rows)
    events = write("overflow_events.csv", "loan_id,date,type,amount,ref\n")
    for threads in ["1", "2"]:
        status, out, err = run(["par", "--loans", loans, "--events", events,
                                "--as-of", "2028-01-01", "--late-fee",
                                "900000000000", "--by", "k", "--threads",
                                threads])
        check(status == 2 and out == "" and
              err == P + "a sum of the portfolio's total leaves the int64 "
              "range (at most 9223372036854775807 minor units)\n",
              "--threads %s: a total beyond int64" % threads, err)


def test_threads_identical():
    outs = set()
    for fmt in ["json", "csv", "table"]:
        for threads in ["1", "2", "8"]:
            status, out, _ = hand("--by", "kommun,gender", "--format", fmt,
                                  "--threads", threads)
            outs.add((fmt, out, status))
    check(len(outs) == 3, "hand portfolio: same output for 1, 2, 8 threads")


def test_sort_events():
    # The events by date (rows of loans interleaved), then by --sort-events.
    lines = HAND_EVENTS.splitlines()
    rows = sorted(lines[1:], key=lambda l: (l.split(",")[1]))
    shuffled = write("events_by_date.csv", "\n".join([lines[0]] + rows) + "\n")
    want = hand("--format", "json", "--by", "kommun")[1]
    status, out, err = run(["par", "--loans", LOANS, "--events", shuffled,
                            "--format", "json", "--by", "kommun",
                            "--sort-events"] + AS_OF)
    check(status == 0 and out == want,
          "--sort-events: events by date give the same report", err)
    status, _, err = run(["par", "--loans", LOANS, "--events", shuffled] +
                         AS_OF)
    # By date, L16's first event (2025-10-01) comes before L15's second
    # (2025-11-01, line 6).
    check(status == 2 and err.startswith(
        P + "--events: " + shuffled + ":6:1: loan_id: the events of loan "
        "\"L15\" are out of order: they come after those of loan \"L16\""),
        "events by date without --sort-events: out of order", err)


# ---- generated programmes -------------------------------------------------

def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def generate(name, loans, seed):
    out = os.path.join(WORK, name)
    status, stdout, err = run(["generate", "--loans", str(loans), "--seed",
                               str(seed), "--out", out])
    if status != 0:
        raise AssertionError("generate: exit %d: %s" % (status, err))
    return out, stdout


def test_generate_determinism():
    a, out_a = generate("gen_a", 300, 42)
    b, _ = generate("gen_b", 300, 42)
    c, _ = generate("gen_c", 300, 43)
    same = all(digest(os.path.join(a, f)) == digest(os.path.join(b, f))
               for f in ["loans.csv", "events.csv"])
    check(same, "generate: same seed, same bytes")
    check(digest(os.path.join(a, "events.csv")) !=
          digest(os.path.join(c, "events.csv")) and
          digest(os.path.join(a, "loans.csv")) !=
          digest(os.path.join(c, "loans.csv")),
          "generate: another seed, other bytes")
    with open(os.path.join(a, "loans.csv")) as f:
        rows = f.read().splitlines()
    check(rows[0] == "loan_id,principal,rate,term,frequency,method,interest,"
          "disbursed_on,grace_principal,kommun,gender,group" and
          len(rows) == 301 and rows[1].startswith("L000001,") and
          rows[-1].startswith("L000300,"),
          "generate: loans.csv header and ids", rows[:2])
    check(out_a.startswith("300 loans and ") and out_a.endswith(
        " events written to %s/loans.csv and %s/events.csv\n" % (a, a)),
        "generate: summary line", out_a)


def test_generate_programme_shape():
    d, _ = generate("gen_shape", 2000, 5)
    with open(os.path.join(d, "loans.csv"), encoding="utf-8") as f:
        rows = [l.split(",") for l in f.read().splitlines()[1:]]
    kommuner = {r[9] for r in rows}
    women = sum(r[10] == "F" for r in rows)
    groups = {r[11] for r in rows}
    principals = [int(r[1]) for r in rows]
    terms = {int(r[3]) for r in rows}
    graces = [int(r[8]) for r in rows if r[8]]
    check(kommuner == {"Botkyrka", "Eskilstuna", "Gislaved", "Gnosjö",
                       "Göteborg", "Karlstad", "Katrineholm", "Linköping",
                       "Motala", "Nacka", "Norrköping", "Nyköping",
                       "Strängnäs", "Värnamo", "Västerås", "Örebro"},
          "generate: the 16 municipalities", sorted(kommuner))
    check(0.80 * 2000 <= women <= 0.90 * 2000, "generate: about 85 % women",
          women)
    check(groups == {"G%02d" % i for i in range(1, 46)},
          "generate: 45 network groups", sorted(groups))
    check(min(principals) >= 10000 and max(principals) <= 250000 and
          terms <= {12, 18, 24, 30, 36} and graces and
          min(graces) >= 6 and max(graces) <= 12,
          "generate: principals, terms and grace within the programme")


def test_generated_journals_accepted():
    d, _ = generate("gen_2000", 2000, 11)
    loans = os.path.join(d, "loans.csv")
    events = os.path.join(d, "events.csv")
    skip = os.path.join(WORK, "gen_skip.csv")
    status, out, err = run(["par", "--loans", loans, "--events", events,
                            "--format", "json", "--skip-bad", skip] + AS_OF)
    d_json = json.loads(out) if status == 0 else {}
    with open(skip) as f:
        skipped = f.read()
    check(status == 0 and d_json["skipped"] == {"loans": 0, "rows": 0} and
          d_json["total"]["loans"] == 2000 and
          skipped == "file,line,column,field,loan_id,reason\n",
          "2,000 generated loans: every journal accepted", err + skipped)
    states = d_json.get("total", {})
    check(states.get("active", 0) > 0 and states.get("closed", 0) > 0 and
          states.get("written_off", 0) > 0 and
          states.get("credit_balance", 0) > 0 and
          states["buckets"][-1]["count"] > 0,
          "generated: active, closed, written off, credit balance, >365",
          states)
    outs = set()
    for threads in ["1", "2", "8"]:
        outs.add(run(["par", "--loans", loans, "--events", events,
                      "--by", "kommun,gender", "--format", "json",
                      "--threads", threads] + AS_OF)[1])
    outs.add(run(["par", "--loans", loans, "--events", events,
                  "--by", "kommun,gender", "--format", "json",
                  "--sort-events", "--threads", "2"] + AS_OF)[1])
    check(len(outs) == 1, "generated: same report for 1, 2, 8 threads and "
          "--sort-events")


def run_traced(args):
    """Runs mikrolan with MIKROLAN_TRACE_RANGES set; (status, stdout,
    stderr without the trace line, the trace line)."""
    env = dict(os.environ, MIKROLAN_TRACE_RANGES="1")
    p = subprocess.run([MIKROLAN] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    lines = p.stderr.decode().splitlines(True)
    trace = [l for l in lines if l.startswith(P + "ranges") or
             l.startswith(P + "no ranges")]
    rest = "".join(l for l in lines if l not in trace)
    return p.returncode, p.stdout.decode(), rest, "".join(trace).strip()


def first_cut(path):
    """Where --threads 2 cuts a file: the first line that starts at or
    after the middle of its body (as cli/par_ranges.c computes it)."""
    with open(path, "rb") as f:
        data = f.read()
    header_end = data.index(b"\n") + 1
    target = header_end + (len(data) - header_end) // 2
    return data, data.index(b"\n", target - 1) + 1


def same_as_one_thread(name, loans, events, extra, want_trace):
    """--threads 2 and 8 give what --threads 1 gives (status, report,
    message, skip file), and the trace says how the run went."""
    results = []
    for threads in ["1", "2", "8"]:
        skip = os.path.join(WORK, "%s_skip_%s.csv" % (name, threads))
        args = ["par", "--loans", loans, "--events", events, "--by",
                "kommun,gender", "--format", "json", "--threads",
                threads] + AS_OF + [a.replace("SKIP", skip) for a in extra]
        status, out, err, trace = run_traced(args)
        skipped = open(skip).read() if os.path.exists(skip) else None
        results.append((status, out, err.replace(skip, "SKIP"), skipped))
        if threads == "2":
            check(trace.startswith(P + want_trace),
                  "%s: --threads 2: %s" % (name, want_trace), trace)
    check(results[1] == results[0] and results[2] == results[0],
          "%s: --threads 2 and 8 report what --threads 1 does" % name,
          repr(results)[:600])


def test_ranges():
    # --threads N reads N ranges of the files at once when the ids ascend;
    # anything amiss drops the ranges and reads the whole files.
    d, _ = generate("gen_ranges", 3000, 12)
    loans = os.path.join(d, "loans.csv")
    events = os.path.join(d, "events.csv")
    same_as_one_thread("clean", loans, events, [], "ranges (2)")
    same_as_one_thread("clean, period, reserve, skip file", loans, events,
                       ["--period-start", "2025-06-30", "--reserve", "1000",
                        "--skip-bad", "SKIP"], "ranges (2)")

    # CRLF line ends and a blank line after every row: still cut
    def spaced(path, name):
        with open(path, "rb") as f:
            data = f.read().replace(b"\n", b"\r\n\r\n")
        return write(name, data)
    same_as_one_thread("CRLF and blank lines",
                       spaced(loans, "ranges_blank_loans.csv"),
                       spaced(events, "ranges_blank_events.csv"), [],
                       "ranges (2)")

    # a quoted field over many lines, plain ids on each, at the cut
    data, cut = first_cut(loans)
    row_start = data.rindex(b"\n", 0, cut - 1) + 1
    row = data[row_start:cut].decode()
    kommun = row.split(",")[9]
    bulky = '"%s\n%s"' % (kommun, "\n".join(["L9999999"] * 4000))
    text = data[:row_start].decode() + row.replace(
        "," + kommun + ",", "," + bulky + ",", 1) + data[cut:].decode()
    quoted = write("ranges_quoted_loans.csv", text)
    same_as_one_thread("a quoted field across the cut", quoted, events, [],
                       "ranges dropped")

    # the same id on both sides of the cut (ids are of one width)
    data, cut = first_cut(loans)
    before = data.rindex(b"\n", 0, cut - 1) + 1
    dup = data[:cut] + data[before:before + 8] + data[cut + 8:]
    dup_loans = write("ranges_dup_loans.csv", dup)
    same_as_one_thread("a loan id twice across the cut", dup_loans, events,
                       [], "ranges dropped")
    same_as_one_thread("... with --skip-bad", dup_loans, events,
                       ["--skip-bad", "SKIP"], "ranges dropped")

    # ids that do not ascend
    lines = open(loans).read().splitlines(True)
    head, rows = lines[0], lines[1:]
    rows[0], rows[-1] = rows[-1], rows[0]
    swapped = write("ranges_swapped_loans.csv", head + "".join(rows))
    same_as_one_thread("ids that do not ascend", swapped, events,
                       ["--skip-bad", "SKIP"], "ranges dropped")

    # an events file that is not there to cut: one reader reports it
    same_as_one_thread("no events file", loans,
                       os.path.join(WORK, "missing.csv"), [],
                       "no ranges")


def read_programme(d):
    """A generated programme: the loans header and rows, the events header
    and each loan's event lines."""
    with open(os.path.join(d, "loans.csv")) as f:
        loan_lines = f.read().splitlines()
    with open(os.path.join(d, "events.csv")) as f:
        event_lines = f.read().splitlines()
    by_loan = {}
    for line in event_lines[1:]:
        by_loan.setdefault(line.split(",")[0], []).append(line)
    return loan_lines[0], loan_lines[1:], event_lines[0], by_loan


def write_programme(name, programme, rows):
    """The programme with these loans rows, the events in their order:
    the paths of the two files."""
    loan_header, _, event_header, by_loan = programme
    events = [event_header]
    for line in rows:
        events += by_loan.get(line.split(",")[0], [])
    return (write(name + "_loans.csv", "\n".join([loan_header] + rows) + "\n"),
            write(name + "_events.csv", "\n".join(events) + "\n"))


def test_shuffled_loans_file():
    # The same programme with the loans rows in another order (ids no
    # longer ascending) and the events in that order: same report.
    d, _ = generate("gen_shuffle", 700, 3)
    programme = read_programme(d)
    order = list(programme[1])
    random.Random(20260630).shuffle(order)
    loans2, events2 = write_programme("shuffled", programme, order)
    args = ["--by", "group", "--format", "csv"] + AS_OF
    want = run(["par", "--loans", os.path.join(d, "loans.csv"), "--events",
                os.path.join(d, "events.csv")] + args)
    got = run(["par", "--loans", loans2, "--events", events2] + args)
    check(want[0] == 0 and got == want,
          "loans file not sorted by id: same report", got[2])


def test_loans_order_found_during_the_run():
    # A run takes the loan ids to ascend and checks it as it reads; when
    # they turn out not to (late in the file, or after a problem stopped
    # the run), it is made again. The rows in ascending order, and the
    # same rows ascending for a while and then not, with one bad row early
    # in both: the same report and the same rows skipped, and the same
    # message when the bad row stops the run.
    d, _ = generate("gen_order", 600, 11)
    programme = read_programme(d)
    rows = list(programme[1])
    rows[3] = rows[3].replace(",monthly,", ",fortnightly-ish,")
    tail = rows[400:]
    random.Random(7).shuffle(tail)
    for label, order in (("descending near the end", rows[:-2] + rows[-1:] +
                          rows[-2:-1]),
                         ("descending after 400 rows", rows[:400] + tail)):
        ascending = write_programme("order_ascending", programme, rows)
        other = write_programme("order_other", programme, order)
        skipped = []
        reports = []
        for loans, events in (ascending, other):
            skip = os.path.join(WORK, "order_skip.csv")
            status, out, err = run(["par", "--loans", loans, "--events",
                                    events, "--by", "kommun", "--format",
                                    "csv", "--skip-bad", skip] + AS_OF)
            with open(skip) as f:
                skipped.append(sorted(line.split(",")[4]
                                      for line in f.read().splitlines()[1:]))
            reports.append((status, out))
        check(reports[0][0] == 0 and reports[1] == reports[0] and
              skipped[0] == skipped[1] and len(skipped[0]) == 1,
              label + ": same report and rows skipped as ascending",
              "%r %r" % (skipped, reports[1][0]))
        strict = []
        for loans, events in (ascending, other):
            status, out, err = run(["par", "--loans", loans, "--events",
                                    events] + AS_OF)
            strict.append((status, out, err.replace(loans, "LOANS")))
        check(strict[0] == strict[1] and strict[0][0] == 2 and
              "LOANS:5:21: frequency: unknown frequency" in strict[0][2],
              label + ": the bad row (line 5) stops the run", repr(strict))


# ---- file errors -------------------------------------------------------------

HEAD = "loan_id,principal,rate,term,frequency,method,interest,disbursed_on"
ROW = "X1,1200,0,12,monthly,annuity,per-period,2026-01-01"
EVENTS_X1 = "loan_id,date,type,amount,ref\nX1,2026-01-01,disbursement,1200,\n"


def file_error(name, loans, events, message, extra=(), status=2):
    """Runs par on the given file contents (None: the hand files); checks
    the exit status and the one line on stderr (PATH stands for the file's
    path)."""
    lp = write(name + "_loans.csv", loans) if loans is not None else LOANS
    ep = write(name + "_events.csv", events) if events is not None else EVENTS
    got_status, out, err = run(["par", "--loans", lp, "--events", ep] +
                               AS_OF + list(extra))
    want = P + message.replace("LOANS", lp).replace("EVENTS", ep) + "\n"
    check(got_status == status and err == want and out == "",
          "%s: exit %d, %s" % (name, status, message[:60]),
          "status %d\nstderr %r\nwant   %r" % (got_status, err, want))


UNKNOWN_HIGH = ("loan_id,date,type,amount,ref\n"
                "X1,2026-01-01,disbursement,1200,\nX9,2026-01-02,"
                "repayment,100,\nX2,2026-01-01,disbursement,1200,\n")


def test_unknown_loan_out_of_ascending_order():
    """With ascending ids the journal reader checks that the events' ids
    ascend; X9's events before X2's break that. With --skip-bad the run is
    made again with the set of ids: X9 is skipped, X1 and X2 counted, the
    same report and skip file as --sort-events and --threads 2 give (it
    stopped the run before)."""
    loans = write("unknown_high_loans.csv",
                  HEAD + "\n" + ROW + "\nX2" + ROW[2:] + "\n")
    events = write("unknown_high_events.csv", UNKNOWN_HIGH)
    skip = os.path.join(WORK, "unknown_high_skip.csv")
    want_skip = ("file,line,column,field,loan_id,reason\n"
                 "%s,3,1,loan_id,X9,\"no loan \"\"X9\"\" in %s\"\n"
                 % (events, loans))
    results = []
    for mode in [[], ["--threads", "2"], ["--sort-events"]]:
        status, out, err = run(["par", "--loans", loans, "--events", events,
                                "--skip-bad", skip, "--format", "json"] +
                               AS_OF + mode)
        with open(skip) as f:
            got_skip = f.read()
        d = json.loads(out) if status == 0 else {}
        check(status == 0 and got_skip == want_skip and
              d["skipped"] == {"loans": 0, "rows": 1} and
              d["total"]["loans"] == 2,
              "unknown loan out of the ascending order %s: skipped"
              % " ".join(mode), err + got_skip)
        results.append(out)
    check(results[0] == results[1] == results[2],
          "unknown loan out of the ascending order: the same report", "")
    status, out, err = run(["par", "--loans", loans, "--events", events,
                            "--skip-bad", skip, "--format", "csv"] + AS_OF)
    check(status == 0 and err == "mikrolan par: note: skipped 0 loans, 1 row "
          "listed in %s\n" % skip, "the note says 1 row, in the singular",
          err)
    # Out of order after such a group: the message names the known loan
    # whose events came before (X2), not the unknown one (X9).
    three = write("unknown_high3_loans.csv", HEAD + "\n" + ROW + "\nX2" +
                  ROW[2:] + "\nX3" + ROW[2:] + "\n")
    events = write("unknown_high3_events.csv",
                   "loan_id,date,type,amount,ref\n"
                   "X2,2026-01-01,disbursement,1200,\nX9,2026-01-02,"
                   "repayment,100,\nX1,2026-01-01,disbursement,1200,\n")
    status, out, err = run(["par", "--loans", three, "--events", events,
                            "--skip-bad", skip] + AS_OF)
    check(status == 2 and err == P + "--events: %s:4:1: loan_id: the events "
          "of loan \"X1\" are out of order: they come after those of loan "
          "\"X2\", but %s lists \"X1\" first (line 2); list each loan's "
          "events together in the order of the loans file, or give "
          "--sort-events\n" % (events, three),
          "out of order after an unknown loan: names the known loan before",
          err)


def test_unknown_loan_before_many():
    """An unknown loan's events out of the ascending order with many loans'
    events after them (each of which the journal reader then finds out of
    place): the run made again skips the unknown loan and reads the rest,
    as --sort-events does."""
    d = os.path.join(WORK, "many")
    run(["generate", "--loans", "2000", "--seed", "5", "--out", d])
    with open(os.path.join(d, "events.csv")) as f:
        lines = f.readlines()
    at = max(i for i, line in enumerate(lines) if line.startswith("L000500,"))
    stray = "L001999z,2025-01-01,repayment,100" + "," * 8 + "\n"
    events = write("many_events.csv", "".join(lines[:at + 1] + [stray] +
                                                lines[at + 1:]))
    loans = os.path.join(d, "loans.csv")
    skip = os.path.join(WORK, "many_skip.csv")
    outs = []
    for mode in [[], ["--sort-events"], ["--threads", "2"]]:
        status, out, err = run(["par", "--loans", loans, "--events", events,
                                "--skip-bad", skip, "--format", "json"] +
                               AS_OF + mode)
        d_out = json.loads(out) if status == 0 else {}
        check(status == 0 and d_out["total"]["loans"] == 2000 and
              d_out["skipped"] == {"loans": 0, "rows": 1},
              "an unknown loan before 1,500 loans' events %s: skipped, all "
              "2,000 loans read" % " ".join(mode), err)
        outs.append(out)
    check(outs[0] == outs[1] == outs[2],
          "an unknown loan before many: the same report in every mode", "")


def test_file_errors_open():
    missing = os.path.join(WORK, "missing.csv")
    status, out, err = run(["par", "--loans", missing, "--events", EVENTS] +
                           AS_OF)
    check(status == 2 and out == "" and err == P + "--loans: cannot open " +
          missing + ": No such file or directory\n", "missing loans file",
          err)
    status, out, err = run(["par", "--loans", LOANS, "--events", missing] +
                           AS_OF)
    check(status == 2 and err == P + "--events: cannot open " + missing +
          ": No such file or directory\n", "missing events file", err)
    status, out, err = run(["par", "--loans", WORK, "--events", EVENTS] +
                           AS_OF)
    check(status == 2 and err == P + "--loans: cannot read " + WORK +
          ": Is a directory\n", "unreadable loans file (a directory)", err)
    for extra in ([], ["--sort-events"], ["--threads", "2"]):
        status, out, err = run(["par", "--loans", LOANS, "--events", WORK] +
                               AS_OF + extra)
        check(status == 2 and out == "" and
              err == P + "--events: cannot read " + WORK +
              ": Is a directory\n",
              "unreadable events file (a directory) " + " ".join(extra), err)


def test_inputs_must_be_regular_files():
    """par reads each input more than once: a pipe read a second time is
    empty. Given as /dev/stdin, a loan without events once lost another
    loan's repayment with exit 0; now a pipe, FIFO or device is refused."""
    fifo = os.path.join(WORK, "events.fifo")
    os.mkfifo(fifo)
    with open(LOANS, "rb") as f:
        loans_bytes = f.read()
    for flag, path, stdin in (("--loans", "/dev/stdin", loans_bytes),
                              ("--events", fifo, None),
                              ("--events", "/dev/null", None)):
        args = ["par", "--loans", LOANS, "--events", EVENTS] + AS_OF
        args[args.index(flag) + 1] = path
        p = subprocess.run([MIKROLAN] + args, input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        check(p.returncode == 2 and p.stdout == b"" and
              p.stderr.decode() == P + "%s: %s is not a regular file (a "
              "pipe, FIFO or device): par reads its input files more than "
              "once; save the input to a file and name that\n" % (flag, path),
              "%s %s: refused" % (flag, path), p.stderr)


def test_near_miss_columns_noted():
    """A column named like one par reads but for case or spaces is, as any
    other column, a segment attribute; a note says so, since a misspelt
    restructured flag silently lowered PAR30 from 100 % to 0 %."""
    long_name = "restructured" + " " * 90 + "x"  # not a near miss
    loans = write("near_miss_loans.csv",
                  "loan_id,principal,rate,term,frequency,method,interest,"
                  "disbursed_on,Restructured, grace_principal ,Kommun,"
                  + long_name + "\n"
                  "A,1000,12,12,monthly,annuity,per-period,2026-01-01,yes,,"
                  "x,y\n")
    events = write("near_miss_events.csv", "loan_id,date,type,amount,ref\n")
    status, out, err = run(["par", "--loans", loans, "--events", events,
                            "--as-of", "2026-01-20", "--format", "csv"])
    note = P + ("note: the loans file's column %s is a segment attribute, "
                "not %s: column names are exact (lower case, no spaces)\n")
    check(status == 0 and
          err == note % ('"Restructured"', "restructured") +
          note % ('" grace_principal "', "grace_principal"),
          "near-miss columns noted, Kommun and a long name not", err)
    check(",par_30,par_30_ratio," in out and
          "\ntotal,1,0,1,0,0,0,1000.00,0.00,0.000000,0.00,0.000000," in out,
          "the misspelt flag is not read (PAR30 0.00)", out)


def test_file_errors_header():
    file_error("no_interest", "loan_id,principal,rate,term,frequency,method,"
               "disbursed_on\n" + "X1,1,0,1,monthly,annuity,2026-01-01\n",
               EVENTS_X1,
               "--loans: LOANS:1: the header has no interest column; a loans "
               "file needs loan_id, principal, rate, term, frequency, method, "
               "interest and disbursed_on")
    file_error("two_first_due", HEAD + ",first_due,first-due\n" + ROW +
               ",,\n", EVENTS_X1,
               "--loans: LOANS:1:78: the columns \"first_due\" and "
               "\"first-due\" both give --first-due; keep one")
    file_error("events_extra_column", HEAD + "\n" + ROW + "\n",
               "loan_id,date,type,amount,ref,note\n", "--events: EVENTS:1:30: "
               "note: unknown column \"note\"; a journal's columns are "
               "loan_id, date, type, amount, ref, id, component, target, "
               "rate, term, grace_principal and installment")
    file_error("events_no_amount", HEAD + "\n" + ROW + "\n",
               "loan_id,date,type,ref\n", "--events: EVENTS:1: amount: the "
               "header has no amount column; a journal needs loan_id, date, "
               "type, amount and ref")
    file_error("empty_loans", "", EVENTS_X1,
               "--loans: LOANS:1:1: the input is empty; expected a header "
               "row naming the columns")


def test_file_errors_rows():
    file_error("not_utf8", (HEAD + ",kommun\n" + ROW + ",G").encode() +
               b"\xf6teborg\n", EVENTS_X1,
               "--loans: LOANS:2:53: kommun: invalid UTF-8: byte 0xf6 does "
               "not start a valid sequence; the input must be UTF-8 text")
    file_error("bad_principal", HEAD + "\nX1,12x00,0,12,monthly,annuity,"
               "per-period,2026-01-01\n", EVENTS_X1,
               "--loans: LOANS:2:4: principal: amount \"12x00\": unexpected "
               "'x' at column 3; expected a digit, a group separator or a "
               "decimal mark ('.' or ',')")
    file_error("unknown_method", HEAD + "\nX1,1200,0,12,monthly,annuities,"
               "per-period,2026-01-01\n", EVENTS_X1,
               "--loans: LOANS:2:22: method: unknown method \"annuities\": "
               "expected one of annuity, equal-principal, flat, bullet")
    file_error("date_out_of_range", HEAD + "\nX1,1200,0,12,monthly,annuity,"
               "per-period,1899-12-31\n", EVENTS_X1,
               "--loans: LOANS:2:41: disbursed_on: date \"1899-12-31\" is not "
               "a supported date: year 1899 is outside the supported years "
               "1900..2200")
    file_error("duplicate_id", HEAD + "\n" + ROW + "\n" + ROW + "\n",
               EVENTS_X1, "--loans: LOANS:3:1: loan_id \"X1\" is a "
               "duplicate: line 2 has the same id")
    file_error("duplicate_id_unsorted", HEAD + "\nX2" + ROW[2:] + "\n" + ROW +
               "\nX2" + ROW[2:] + "\n", EVENTS_X1,
               "--loans: LOANS:4:1: loan_id \"X2\" is a duplicate: line 2 has "
               "the same id")
    file_error("empty_id", HEAD + "\n" + ROW[2:] + "\n", EVENTS_X1,
               "--loans: LOANS:2:1: loan_id is empty; every loan needs an id")
    file_error("grace_not_below_term", HEAD + ",grace_principal\n" + ROW +
               ",12\n", EVENTS_X1, "--loans: LOANS:2:52: grace_principal: 12 "
               "must be from 0 to 11 (below the term)")
    file_error("above_max_principal", HEAD + "\nX1,300000,0,12,monthly,"
               "annuity,per-period,2026-01-01\n", EVENTS_X1,
               "--loans: LOANS:2:4: principal: 300000.00 SEK is above the "
               "limit of 250000.00 SEK (see --max-principal)")
    file_error("bad_restructured", HEAD + ",restructured\n" + ROW + ",maybe\n",
               EVENTS_X1, "--loans: LOANS:2:52: restructured \"maybe\" is "
               "not a yes/no value; expected 1, yes, true, 0, no, false or "
               "empty")
    file_error("other_currency", HEAD + ",currency\n" + ROW + ",EUR\n",
               EVENTS_X1, "--loans: LOANS:2:52: currency EUR is not the "
               "report's currency SEK (see --currency)")
    file_error("too_many_fields", HEAD + "\n" + ROW + ",extra\n", EVENTS_X1,
               "--loans: LOANS:2:52: the record on line 2 has more fields "
               "than the header's 8")


def test_file_errors_events():
    loans = HEAD + "\n" + ROW + "\nX2" + ROW[2:] + "\n"
    file_error("bad_amount", loans, "loan_id,date,type,amount,ref\n"
               "X1,2026-01-01,disbursement,12x0,\n",
               "--events: EVENTS:2:30: amount \"12x0\": unexpected 'x' at "
               "column 3; expected a digit, a group separator or a decimal "
               "mark ('.' or ',')")
    file_error("unknown_type", loans, "loan_id,date,type,amount,ref\n"
               "X1,2026-01-01,payment,1200,\n",
               "--events: EVENTS:2:15: type: unknown type \"payment\": "
               "expected one of disbursement, repayment, fee, penalty, "
               "waiver, write-off, reversal, reschedule")
    file_error("rejected_event", loans, "loan_id,date,type,amount,ref\n"
               "X1,2025-12-01,repayment,100,\nX1,2026-01-01,disbursement,"
               "1200,\n", "--events: EVENTS:2: repayment rejected: event 1: "
               "dated before the disbursement")
    file_error("unknown_loan", loans, "loan_id,date,type,amount,ref\n"
               "X1,2026-01-01,disbursement,1200,\nX15,2026-01-02,repayment,"
               "100,\nX2,2026-01-01,disbursement,1200,\n",
               "--events: EVENTS:3:1: loan_id: no loan \"X15\" in LOANS")
    # an unknown loan's events out of the ascending order (X9 before X2)
    file_error("unknown_loan_high", loans, UNKNOWN_HIGH,
               "--events: EVENTS:3:1: loan_id: no loan \"X9\" in LOANS")
    file_error("out_of_order", loans, "loan_id,date,type,amount,ref\n"
               "X2,2026-01-01,disbursement,1200,\nX1,2026-01-01,"
               "disbursement,1200,\n",
               "--events: EVENTS:3:1: loan_id: the events of loan \"X1\" are "
               "out of order: they come after those of loan \"X2\", but LOANS "
               "lists \"X1\" first (line 2); list each loan's events together "
               "in the order of the loans file, or give --sort-events")
    file_error("not_together", loans, "loan_id,date,type,amount,ref\n"
               "X1,2026-01-01,disbursement,1200,\nX2,2026-01-01,"
               "disbursement,1200,\nX1,2026-02-01,repayment,100,\n",
               "--events: EVENTS:4:1: loan_id: the events of loan \"X1\" are "
               "out of order: they come after those of loan \"X2\", but LOANS "
               "lists \"X1\" first (line 2); list each loan's events together "
               "in the order of the loans file, or give --sort-events")
    file_error("sorted_unknown_loan", loans, "loan_id,date,type,amount,ref\n"
               "X9,2026-01-01,disbursement,1200,\n",
               "--events: EVENTS:2:1: loan_id: no loan \"X9\" in LOANS",
               extra=["--sort-events"])
    file_error("sorted_bad_amount", loans, "loan_id,date,type,amount,ref\n"
               "X2,2026-01-01,disbursement,1200,\n"
               "X1,2026-01-01,disbursement,\"12x0\",\n",
               "--events: EVENTS:3:31: amount \"12x0\": unexpected 'x' at "
               "column 3; expected a digit, a group separator or a decimal "
               "mark ('.' or ',')", extra=["--sort-events"])
    # --sort-events keeps a row without quotes by its cells' lengths and
    # any other by each cell's place: the column of a bad cell after a
    # quoted one (the 'y' of "X2",2026-01-01,disbursement,12y0 is at 32)
    # and in a row without quotes (at 30) is the file's.
    file_error("sorted_bad_after_quote", loans,
               "loan_id,date,type,amount,ref\n"
               "X1,2026-01-01,disbursement,1200,\n"
               "\"X2\",2026-01-01,disbursement,12y0,\n",
               "--events: EVENTS:3:32: amount \"12y0\": unexpected 'y' at "
               "column 3; expected a digit, a group separator or a decimal "
               "mark ('.' or ',')", extra=["--sort-events"])
    # the file's first cell empty: nothing stored yet (UBSan once saw a
    # zero offset added to the empty store's null pointer here)
    file_error("sorted_empty_first_id", loans,
               "loan_id,date,type,amount,ref\n,2026-01-01,disbursement,1200,\n",
               "--events: EVENTS:2:1: loan_id is empty; every row needs its "
               "loan's id", extra=["--sort-events"])
    file_error("sorted_bad_plain", loans,
               "loan_id,date,type,amount,ref\n"
               "X2,2026-01-01,disbursement,1200,\"a,\"\"b\"\n"
               "X1,2026-01-01,disbursement,12y0,\n",
               "--events: EVENTS:3:30: amount \"12y0\": unexpected 'y' at "
               "column 3; expected a digit, a group separator or a decimal "
               "mark ('.' or ',')", extra=["--sort-events"])


def test_journal_checked_up_to_as_of():
    # X1 closes on 03-01 and is repaid again on 05-01: a report as of
    # 04-01 does not reach that repayment; one as of 06-30 rejects it
    # (mikrolan status, which appends the events one by one, rejects it
    # at any date).
    loans = HEAD + "\n" + ROW + "\n"
    events = ("loan_id,date,type,amount,ref\nX1,2026-01-01,disbursement,"
              "1200,\nX1,2026-03-01,repayment,1200,\nX1,2026-05-01,"
              "repayment,5,\n")
    lp = write("up_to_loans.csv", loans)
    ep = write("up_to_events.csv", events)
    status, out, err = run(["par", "--loans", lp, "--events", ep, "--as-of",
                            "2026-04-01", "--format", "csv"])
    # one loan, closed
    check(status == 0 and err == "" and "\ntotal,1,0,0,1,0,0," in out,
          "a later bad event: the report before it",
          "status %d\nstdout %r\nstderr %r" % (status, out, err))
    file_error("up_to", loans, events, "--events: EVENTS:4: repayment "
               "rejected: event 3: the loan is closed by then")


def test_first_problem_in_file_order():
    # Two bad loans rows: the first stops the run, for any thread count.
    loans = (HEAD + "\n" + "\n".join(
        "X%03d,1200,0,12,monthly,annuity,per-period,2026-01-01" % i
        for i in range(1, 600)) + "\n")
    events = ["loan_id,date,type,amount,ref"]
    for i in range(1, 600):
        amount = "-5" if i in (300, 500) else "1200"
        events.append("X%03d,2026-01-01,disbursement,%s," % (i, amount))
    for threads in ["1", "2", "8"]:
        file_error("first_problem_%s" % threads, loans,
                   "\n".join(events) + "\n",
                   "--events: EVENTS:301: disbursement rejected: event 1: the "
                   "amount must be greater than 0",
                   extra=["--threads", threads])


def test_skip_bad():
    loans = write("skip_loans.csv", """\
loan_id,principal,rate,term,frequency,method,interest,disbursed_on,kommun
S1,12000,0,12,monthly,annuity,per-period,2026-01-01,A
S2,12x00,0,12,monthly,annuity,per-period,2026-01-01,A
S3,12000,0,12,monthly,annuity,per-period,2026-01-01,B
S4,12000,0,12,monthly,annuity,per-period,2026-01-01,B
S4,12000,0,12,monthly,annuity,per-period,2026-01-01,B
S5,12000,0,12,monthly,annuity,per-period,2026-01-01,B
""")
    events = write("skip_events.csv", """\
loan_id,date,type,amount,ref
S1,2026-01-01,disbursement,12000,
S1,2026-02-01,repayment,1000,
S2,2026-01-01,disbursement,12000,
S3,2026-01-01,disbursement,12000,
S3,2026-02-01,repayment,-5,
S3,2026-03-01,repayment,1000,
S35,2026-01-01,disbursement,12000,
S5,2026-01-01,disbursement,12000,
""")
    skip = os.path.join(WORK, "skipped.csv")
    want_skip = (
        "file,line,column,field,loan_id,reason\n"
        "%(l)s,3,4,principal,S2,\"amount \"\"12x00\"\": unexpected 'x' at "
        "column 3; expected a digit, a group separator or a decimal mark "
        "('.' or ',')\"\n"
        "%(l)s,6,1,loan_id,S4,\"loan_id \"\"S4\"\" is a duplicate: line 5 "
        "has the same id\"\n"
        "%(e)s,6,,,S3,repayment rejected: event 2: the amount must be greater "
        "than 0\n"
        "%(e)s,8,1,loan_id,S35,\"no loan \"\"S35\"\" in %(l)s\"\n"
    ) % {"l": loans, "e": events}
    for mode in [[], ["--sort-events"], ["--threads", "2"]]:
        status, out, err = run(["par", "--loans", loans, "--events", events,
                                "--skip-bad", skip, "--format", "json",
                                "--by", "kommun"] + AS_OF + mode)
        with open(skip) as f:
            got_skip = f.read()
        d = json.loads(out) if status == 0 else {}
        # Left: S1 (11000 outstanding, 5 months overdue), S4 and S5 (12000
        # each, nothing paid): 35000; S2, S3 and the second S4 left out.
        check(status == 0 and got_skip == want_skip and
              d["skipped"] == {"loans": 3, "rows": 4} and
              d["total"]["loans"] == 3 and
              d["total"]["gross_portfolio"] == "35000.00" and
              [(s["key"]["kommun"], s["loans"]) for s in d["segments"]] ==
              [("A", 1), ("B", 2)],
              "--skip-bad %s: skip file, counts, figures" % " ".join(mode),
              err + got_skip)
    status, out, err = run(["par", "--loans", loans, "--events", events,
                            "--skip-bad", skip] + AS_OF)
    check(status == 0 and "Skipped: 3 loans, 4 rows listed in %s" % skip in
          out.splitlines(), "--skip-bad: the table says what was skipped",
          out)
    status, out, err = run(["par", "--loans", loans, "--events", events,
                            "--skip-bad", skip, "--format", "csv"] + AS_OF)
    check(status == 0 and err == P.replace(": ", ": note: ") +
          "skipped 3 loans, 4 rows listed in %s\n" % skip and
          out.startswith("row,loans,"),
          "--skip-bad --format csv: a note on stderr says what was skipped",
          err)
    os.remove(skip)
    status, out, err = run(["par", "--loans", loans, "--events", events] +
                           AS_OF)
    check(status == 2 and out == "" and err.startswith(
        P + "--loans: %s:3:4: principal: " % loans) and
          not os.path.exists(skip),
          "without --skip-bad the first problem stops, nothing written", err)
    fatal = write("skip_fatal_events.csv", "loan_id,date,type,amount,ref\n"
                  "S3,2026-01-01,disbursement,12000,\n"
                  "S1,2026-01-01,disbursement,12000,\n")
    status, out, err = run(["par", "--loans", loans, "--events", fatal,
                            "--skip-bad", skip] + AS_OF)
    check(status == 2 and out == "" and not os.path.exists(skip) and
          "are out of order" in err,
          "--skip-bad: events out of order still stop the run", err)


def test_usage_errors():
    status, out, err = run(["par", "--events", EVENTS] + AS_OF)
    check(status == 2 and out == "" and err == P + "--loans: required "
          "option is missing; see --help\n", "usage: --loans missing", err)
    cases = [
        (["--threads", "0"], "--threads: 0 is outside the range 1 to 256"),
        (["--buckets", "30,60"], "--provisioning: 7 rates for 3 buckets (the "
         "2 bounds of --buckets and the open one); give one rate per bucket"),
        (["--thresholds", "30,1"],
         "--thresholds: at most 16, ascending, each >= 0"),
        (["--provisioning", "0,10,25,50,75,90,101"],
         "--provisioning: rate 7 must be from 0 % to 100 %"),
        # the list's own suggestion replaces the library's at the end only
        (["--provisioning", "0,10,25,50,75,90,x; expected a percentage"],
         "--provisioning: rate \"x; expected a percentage\": unexpected 'x' "
         "at column 1; expected a percentage such as \"8.5\" or \"8.5%\" "
         "(a decimal comma would split the list)"),
        (["--period-start", "2026-06-30"],
         "--period-start: must be before --as-of"),
        (["--by", "kommun,kommun"], "--by: column \"kommun\" is named twice"),
        # a long name is cut at 40 bytes, between characters: 20 e-acutes
        (["--by", "x" + "\u00e9" * 30 + ",x" + "\u00e9" * 30],
         "--by: column \"x" + "\u00e9" * 19 + "...\" is named twice"),
        (["--by", "region"], "--by: %s has no column \"region\"; its "
         "columns are loan_id, kommun, gender, principal, rate, term, "
         "frequency, method, interest, disbursed_on, first_due, restructured"
         % LOANS),
        (["--format", "xml"], "--format: unknown value \"xml\": expected one "
         "of table, csv, json"),
        (["--skip-bad", LOANS], "--skip-bad: %s is an input file; name "
         "another file" % LOANS),
        (["--late-fee-days", "4000"],
         "--late-fee-days: 4000 days is above the limit of 3660"),
    ]
    for args, message in cases:
        status, out, err = run(HAND + args)
        check(status == 2 and out == "" and err == P + message + "\n",
              "usage: %s" % message[:50], err)


def test_skip_file_is_never_an_input():
    """--skip-bad naming an input file another way (./, a path through its
    directory, a symbolic link) is refused like its own spelling: writing
    the skip file would destroy the input."""
    events = write("events_kept.csv", HAND_EVENTS)
    link = os.path.join(WORK, "events_link.csv")
    os.symlink(events, link)
    spellings = [os.path.join(WORK, ".", "events_kept.csv"),
                 os.path.join(WORK, "..", os.path.basename(WORK),
                              "events_kept.csv"), link]
    for skip in spellings:
        status, out, err = run(["par", "--loans", LOANS, "--events", events,
                                "--skip-bad", skip] + AS_OF)
        check(status == 2 and out == "" and
              err == P + "--skip-bad: %s is an input file; name another "
              "file\n" % skip, "--skip-bad %s: refused" % skip, err)
        with open(events, encoding="utf-8") as f:
            check(f.read() == HAND_EVENTS,
                  "--skip-bad %s: the events file is kept" % skip)
    # the file the report is written to (stdout redirected to it)
    report = os.path.join(WORK, "report.txt")
    with open(report, "wb") as out:
        p = subprocess.run([MIKROLAN, "par", "--loans", LOANS, "--events",
                            events, "--skip-bad", report] + AS_OF,
                           stdout=out, stderr=subprocess.PIPE)
    check(p.returncode == 2 and p.stderr.decode() == P + "--skip-bad: %s is "
          "where the report goes (standard output); name another file\n"
          % report, "--skip-bad: the standard output's file", p.stderr)
    # /dev/stdout while the standard output is a pipe (run's stdout)
    status, out, err = run(["par", "--loans", LOANS, "--events", events,
                            "--skip-bad", "/dev/stdout"] + AS_OF)
    check(status == 2 and out == "" and err == P + "--skip-bad: /dev/stdout "
          "is where the report goes (standard output); name another file\n",
          "--skip-bad /dev/stdout into a pipe: refused", err)
    status, out, err = run(["par", "--loans", LOANS, "--events", events,
                            "--skip-bad", "/dev/null"] + AS_OF)
    check(status == 0 and "Skipped: 0 loans" in out,
          "--skip-bad /dev/null: taken", err)
    status, out, err = run(["par", "--loans", LOANS, "--events", LOANS] +
                           AS_OF)
    check(status == 2 and out == "" and err == P + "--events: %s is the "
          "loans file too; name the events file\n" % LOANS,
          "--events naming the loans file: refused", err)
    status, out, err = run(["par", "--loans", LOANS, "--events", events,
                            "--skip-bad", ""] + AS_OF)
    check(status == 2 and out == "" and
          err == P + "--skip-bad: an empty file name; name a file\n",
          "--skip-bad '': refused", err)
    for flag, files in [("loans", ["--loans", "", "--events", events]),
                        ("events", ["--loans", LOANS, "--events", ""])]:
        status, out, err = run(["par"] + files + AS_OF)
        check(status == 2 and out == "" and
              err == P + "--%s: an empty file name; name a file\n" % flag,
              "--%s '': refused, saying so" % flag, err)


def test_stray_argument_names_own_option():
    """A stray argument's message offers an option the command takes."""
    for command, flag in (("par", "--loans"), ("generate", "--loans")):
        status, out, err = run([command, "extra"])
        check(status == 2 and out == "" and
              err == "mikrolan %s: unexpected argument \"extra\": every "
              "input is an option, such as %s; see --help\n"
              % (command, flag), "%s extra" % command, err)


def test_generate_usage():
    for args, message in [
            (["--out", WORK], "--loans: required option is missing; see "
             "--help"),
            (["--loans", "0", "--out", WORK], "--loans: 0 loans is outside "
             "the range 1 to 100000000"),
            (["--loans", "5", "--out", WORK, "--seed", "-1"],
             "--seed: \"-1\" is not a seed; expected a whole number from 0 "
             "to 18446744073709551615 (digits only)")]:
        status, out, err = run(["generate"] + args)
        check(status == 2 and out == "" and
              err == "mikrolan generate: " + message + "\n",
              "generate usage: %s" % message[:40], err)
    status, _, err = run(["generate", "--loans", "1", "--out",
                          os.path.join(WORK, "no", "such", "dir")])
    check(status == 1 and err.startswith("mikrolan generate: --out: cannot "
                                         "create "),
          "generate: a directory that cannot be made", err)
    one = os.path.join(WORK, "one")
    status, out, err = run(["generate", "--loans", "1", "--out", one])
    check(status == 0 and out.startswith("1 loan and ") and
          out.endswith(" events written to %s/loans.csv and %s/events.csv\n"
                       % (one, one)),
          "generate --loans 1: one loan, in the singular", out + err)


def test_help():
    for cmd in ["par", "generate"]:
        status, out, err = run([cmd, "--help"])
        check(status == 0 and out.startswith("NAME\n    mikrolan %s - " % cmd)
              and err == "", "%s --help" % cmd)
    status, out, _ = run(["--help"])
    check(status == 0 and "    par\n" in out and "    generate\n" in out,
          "mikrolan --help lists par and generate")


def main():
    status = run_tests(tests_of(globals()))
    shutil.rmtree(WORK, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
