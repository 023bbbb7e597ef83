from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

import odoo.modules.module
from odoo.tests import HttpCase, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningLetterReviewTour(DunningCommon, HttpCase):
    """In the browser, in French: a sent letter cancelled with its reason; a registered
    letter printed through the deposit dialog."""

    def test_letter_review_tour(self):
        self.env["res.lang"]._activate_lang("fr_BE")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_be"], ["fr_BE"], overwrite=True)
        self.env.user.lang = "fr_BE"
        self.company.write({
            "company_registry": "0477472701",
            "external_report_layout_id": self.env.ref("web.external_layout_standard").id,
        })
        sent = self._escalate("2026-03-09", self._invoice(
            self.b2c, 300.0, "2026-02-01", "2026-03-01"))
        # Odoo's test mode for the e-mail sent here, as DunningCommon gives the other tests
        # (not to the browser's requests: see common.py)
        with patch.object(odoo.modules.module, "current_test", True):
            self._send(sent, "2026-03-09")
        self.assertEqual(sent.state, "sent")
        self.friendly.write({"action_email": False, "action_registered": True})
        registered = self._escalate("2026-03-09", self._invoice(
            self.b2b, 400.0, "2026-02-01", "2026-03-01"))
        self.assertEqual((registered.by_post, registered.state), ("registered", "draft"))
        action = "/odoo/action-account_dunning_be.account_dunning_letter_action"
        with freeze_time("2026-03-10 10:00:00", tick=True):
            self.start_tour(f"{action}/{sent.id}", "account_dunning_be_letter_cancel_tour",
                            login=self.env.user.login, timeout=120)
            self.start_tour(f"{action}/{registered.id}",
                            "account_dunning_be_letter_deposit_tour",
                            login=self.env.user.login, timeout=120)
        self.assertEqual(sent.state, "cancelled")
        self.assertEqual(sent.cancel_reason, "Envoyée à l'ancienne adresse")
        self.assertEqual(registered.state, "printed")
        self.assertEqual(registered.registered_number, "RR123456785BE")
        self.assertEqual(registered.registered_date, date(2026, 3, 10))
        self.assertTrue(registered.printed_attachment_id)
