"""law/ must stay free of Odoo: it is imported and tested without a database."""

import re
from pathlib import Path

import law

LAW_DIR = Path(law.__file__).resolve().parent
ODOO_IMPORT = re.compile(r"^\s*(import\s+odoo\b|from\s+odoo\b)", re.MULTILINE)
ABSOLUTE_SELF_IMPORT = re.compile(
    r"^\s*(import|from)\s+(law|account_dunning_be)\b", re.MULTILINE
)


def test_law_sources_do_not_import_odoo():
    sources = sorted(LAW_DIR.glob("*.py"))
    assert sources, "no source found in law/"
    offenders = [p.name for p in sources if ODOO_IMPORT.search(p.read_text("utf-8"))]
    assert offenders == []


def test_law_imports_itself_relatively():
    # Imported as odoo.addons.account_dunning_be.law by Odoo and as law in these tests.
    sources = sorted(LAW_DIR.glob("*.py"))
    offenders = [
        p.name for p in sources if ABSOLUTE_SELF_IMPORT.search(p.read_text("utf-8"))
    ]
    assert offenders == []


def test_public_api_is_exported():
    for name in (
        "RatePeriod",
        "default_b2b_rates",
        "default_legal_rates",
        "statutory_b2b_rate",
        "statutory_rate_from_ecb",
        "late_interest",
        "InterestResult",
        "InterestPeriod",
        "flat_fee_b2b",
        "penalty_clause",
        "b2c_damages_cap",
        "b2c_waiting_period_end",
        "competent_court",
        "injunction_costs",
        "CourtCosts",
        "MissingRate",
        "semester_of",
        "missing_semesters",
        "court_cost_table",
        "procedural_indemnity_table",
    ):
        assert name in law.__all__
        assert hasattr(law, name)
    assert callable(law.tables.read_b2b_rates)
