"""Shared helpers of the law engine: data directory, CSV reading, argument checks.

Money and rates are :class:`decimal.Decimal`; ``int`` is accepted and converted.
``float`` is refused (``TypeError``): a binary float cannot hold 0.1 exactly, and a
silent conversion would put a wrong cent in a legal letter.  Convert floats coming
from elsewhere with ``Decimal(str(value))`` before calling the engine.
"""

import csv
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal
from pathlib import Path

# The legal tables shipped with the addon: the one source of truth for every figure.
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "legal"

CENT = Decimal("0.01")
ZERO = Decimal(0)

# Arithmetic context of the engine, independent of the caller's thread context:
# decimal128 precision; the only rounding the law asks for is explicit (half-up, cents).
CONTEXT = Context(prec=34)


def round_cent(value):
    """Round a Decimal half-up to the cent (the final figure of each function)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=CONTEXT)


def floor_cent(value):
    """Round a non-negative Decimal down to the cent: for a ceiling the law sets (a
    figure above it is deemed unwritten, so never half a cent more)."""
    return value.quantize(CENT, rounding=ROUND_DOWN, context=CONTEXT)


def read_csv(path):
    """Rows of a CSV file with a header line, as dicts of stripped strings."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            {key.strip(): (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def check_date(value, name):
    """``value`` if it is a ``datetime.date`` (not a datetime); else TypeError."""
    if type(value) is date:  # fast path
        return value
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def check_decimal(value, name):
    """Return ``value`` as a finite Decimal; accept Decimal and int only."""
    if type(value) is Decimal:  # fast path
        if not value.is_finite():
            raise ValueError(f"{name} must be a finite number, not {value}")
        return value
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(
            f"{name} must be a Decimal or an int, not {type(value).__name__}"
            " (convert floats with Decimal(str(value)))"
        )
    return check_decimal(Decimal(value), name)


def check_amount(value, name):
    """Return ``value`` as a non-negative finite Decimal (money or a rate)."""
    value = check_decimal(value, name)
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def parse_decimal(text, name):
    """A Decimal read from a data file; a missing figure is an error naming it."""
    if not text:
        raise ValueError(f"{name}: empty value in a legal table")
    return Decimal(text)


def parse_date(text, name):
    if not text:
        raise ValueError(f"{name}: empty date in a legal table")
    return date.fromisoformat(text)
