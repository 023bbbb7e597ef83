"""Benchmark of law.late_interest (a script, not a timed test).

Generates 100,000 invoices (fixed seed) due between 2023-01-01 and 2025-12-31, each with
1 to 5 balance steps (the invoice, then up to 4 partial payments, the last maybe in
full), computes their interest up to 2025-12-31 against the shipped B2B table and
prints invoices per second on one core.  Target: over 20,000 a second.

    python3 bench/bench_interest.py [count]
"""

import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "account_dunning_be"))

import law  # pure Python: no Odoo needed

FIRST = date(2023, 1, 1)
LAST = date(2025, 12, 31)


def make_invoices(count, seed=20250718):
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    invoices = []
    for _ in range(count):
        due = FIRST + timedelta(days=rng.randrange(span - 10))
        balance = rng.randrange(1000, 5_000_000)  # cents
        steps = [(due, Decimal(balance).scaleb(-2))]
        when = due
        for _ in range(rng.randrange(5)):  # 0 to 4 payments: 1 to 5 steps
            when += timedelta(days=rng.randrange(1, 120))
            if when >= LAST or balance == 0:
                break
            balance -= rng.randrange(balance + 1) if rng.random() < 0.8 else balance
            steps.append((when, Decimal(balance).scaleb(-2)))
        invoices.append((steps, due + timedelta(days=1), LAST))
    return invoices


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    invoices = make_invoices(count)
    law.late_interest(*invoices[0])  # load the table outside the timing
    steps_total = sum(len(steps) for steps, _start, _end in invoices)
    best = None
    for _ in range(3):
        began = time.perf_counter()
        total = Decimal(0)
        for steps, start, end in invoices:
            total += law.late_interest(steps, start, end).amount
        elapsed = time.perf_counter() - began
        best = elapsed if best is None else min(best, elapsed)
    print(
        f"{count} invoices ({steps_total / count:.2f} balance steps on average),"
        f" interest total EUR {total}"
    )
    print(f"best of 3: {best:.3f} s, {count / best:,.0f} invoices/second")


if __name__ == "__main__":
    main()
