#!/usr/bin/env python3
"""Runs the schedule benchmark and its exact Python peer on the same loans in
one session and prints their figures and the ratio.

Usage: compare_schedule.py BENCH_SCHEDULE PEER_SCRIPT [COUNT]"""
import re
import subprocess
import sys


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    print(out.strip())
    fields = dict(re.findall(r"(\w+)=(\S+)", out))
    return float(fields["schedules_per_s"]), fields["checksum"]


def main():
    bench, peer = sys.argv[1], sys.argv[2]
    count = sys.argv[3] if len(sys.argv) > 3 else "1000000"
    c_rate, c_sum = run([bench, count])
    py_rate, py_sum = run([sys.executable, peer, "bench", "--count", count])
    if c_sum != py_sum:
        print(f"checksums differ: mikrolan {c_sum}, python {py_sum}")
        return 1
    print(f"ratio mikrolan/python-decimal-reference = {c_rate / py_rate:.1f}x "
          f"(same {count} loans, same checksum {c_sum})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
