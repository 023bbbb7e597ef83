"""One bad setting must not stop the dunning (issue 12, item 2): the settings refuse what
no figure can be computed from, and an invoice form never fails on a dunning figure."""

import re
from datetime import date

from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import DunningCommon

# the dunning settings that are amounts, rates or days, with their label
NON_NEGATIVE = {
    "dunning_interest_rate": "Contractual interest rate",
    "dunning_penalty_percent": "Penalty clause",
    "dunning_penalty_min": "Penalty minimum",
    "dunning_penalty_max": "Penalty maximum",
    "dunning_min_amount": "Dunning minimum amount",
    "dunning_grace_days": "Days of grace",
    "dunning_payment_days": "Dunning payment term (days)",
    "dunning_bailiff_estimate": "Bailiff cost estimate",
    "dunning_lawyer_estimate": "Lawyer cost estimate",
}
INTEGER_SETTINGS = ("dunning_grace_days", "dunning_payment_days")


def bad_setting():
    """(field, negative value) for any of the dunning settings."""
    return st.sampled_from(sorted(NON_NEGATIVE)).flatmap(lambda fname: st.tuples(
        st.just(fname),
        st.integers(max_value=-1, min_value=-10**6) if fname in INTEGER_SETTINGS
        else st.integers(max_value=-1, min_value=-10**8).map(lambda cents: cents / 100)))


@tagged("post_install", "-at_install")
class TestDunningSettingsValidation(DunningCommon):
    """A setting is refused where it is typed, naming it."""

    @settings(max_examples=40, deadline=None)
    @given(bad=bad_setting())
    def test_negative_settings_are_refused(self, bad):
        fname, value = bad
        before = self.company[fname]
        with self.assertRaisesRegex(ValidationError, re.escape(NON_NEGATIVE[fname]) +
                                    ".*cannot be negative"):
            with self.env.cr.savepoint():
                self.company.write({fname: value})
        self.company.invalidate_recordset()
        self.assertEqual(self.company[fname], before)

    @settings(max_examples=40, deadline=None)
    @given(maximum=st.integers(min_value=1, max_value=10**7),
           above=st.integers(min_value=1, max_value=10**7))
    def test_penalty_minimum_above_maximum_is_refused(self, maximum, above):
        with self.assertRaisesRegex(ValidationError,
                                    "Penalty minimum .* cannot be above Penalty maximum"):
            with self.env.cr.savepoint():
                self.company.write({"dunning_penalty_min": (maximum + above) / 100,
                                    "dunning_penalty_max": maximum / 100})

    @settings(max_examples=25, deadline=None)
    @given(minimum=st.integers(min_value=0, max_value=10**6),
           spread=st.integers(min_value=0, max_value=10**6),
           no_maximum=st.booleans(),
           percent=st.integers(min_value=0, max_value=10000),
           rate=st.integers(min_value=0, max_value=5000))
    def test_valid_settings_are_kept_and_compute(self, minimum, spread, no_maximum, percent,
                                                 rate):
        values = {
            "dunning_penalty_min": minimum / 100,
            "dunning_penalty_max": 0.0 if no_maximum else (minimum + spread) / 100,
            "dunning_penalty_percent": percent / 100,
            "dunning_interest_rate": rate / 100,
        }
        with self.env.cr.savepoint(), freeze_time("2025-07-31"):
            self.company.write(values)
            invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
            claim = invoice._dunning_get_claims(date(2025, 7, 31))[invoice.id]
            self.assertGreaterEqual(claim.penalty, 0)
            self.assertGreaterEqual(claim.interest, 0)

    def test_settings_page_refuses_a_negative_rate(self):
        with self.assertRaisesRegex(ValidationError, "Contractual interest rate"):
            with self.env.cr.savepoint():
                self.env["res.config.settings"].create({"dunning_interest_rate": -2.0}).execute()
        self.assertEqual(self.company.dunning_interest_rate, 0.0)

    @freeze_time("2025-07-31")
    def test_invoice_form_survives_a_bad_setting(self):
        """Settings stored before the constraints existed (an upgrade): the invoice opens."""
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_company SET dunning_penalty_min = 500, dunning_penalty_max = 100 "
            "WHERE id = %s", [self.company.id])
        self.env.invalidate_all()
        with self.assertLogs("odoo.addons.account_dunning_be.models.account_move",
                             "ERROR") as logs:
            form = Form(invoice)
            self.assertEqual(form.dunning_interest, 0.0)
        self.assertIn(invoice.name, logs.output[0])
        self.assertEqual(form.name, invoice.name)
