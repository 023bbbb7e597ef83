"""Readers of the legal tables in ``data/legal/`` (the one source of truth).

The Odoo side loads the same files into records with these readers; each returns a
tuple of small frozen dataclasses.  ``path`` defaults to the file shipped with the
addon.
"""

from ._base import DATA_DIR
from .court import (
    COURT_COSTS_FILE,
    PROCEDURAL_INDEMNITY_FILES,
    CourtCostRow,
    IndemnityBracket,
    read_court_costs,
    read_procedural_indemnity,
)
from .rates import (
    B2B_RATES_FILE,
    LEGAL_RATES_FILE,
    RatePeriod,
    read_b2b_rates,
    read_legal_rates,
)

__all__ = [
    "B2B_RATES_FILE",
    "COURT_COSTS_FILE",
    "DATA_DIR",
    "LEGAL_RATES_FILE",
    "PROCEDURAL_INDEMNITY_FILES",
    "CourtCostRow",
    "IndemnityBracket",
    "RatePeriod",
    "read_b2b_rates",
    "read_court_costs",
    "read_legal_rates",
    "read_procedural_indemnity",
]
