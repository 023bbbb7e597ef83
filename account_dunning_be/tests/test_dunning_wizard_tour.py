from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningWizardTour(DunningCommon, HttpCase):
    """In the browser, in French and in Dutch: select two overdue invoices of one
    enterprise customer in the invoice list, run the dunning wizard from the actions menu,
    open the customer's court cost breakdown, post the claim through its confirmation."""

    # what the breakdown's labels read in each language (the shipped translations)
    LABELS = {
        "fr_BE": {
            "roll_fee": "Droit de mise au rôle",
            "legal_aid_contribution": "Contribution au fonds d'aide juridique de deuxième ligne",
            "bailiff_estimate": "Huissier de justice",
            "lawyer_estimate": "Avocat",
            "to_advance": "Frais à avancer",
            "recoverable_if_won": "Récupérable si la demande est accueillie",
        },
        "nl_BE": {
            "roll_fee": "Rolrecht",
            "legal_aid_contribution": "Bijdrage aan het fonds voor juridische tweedelijnsbijstand",
            "bailiff_estimate": "Gerechtsdeurwaarder",
            "lawyer_estimate": "Advocaat",
            "to_advance": "Voor te schieten kosten",
            "recoverable_if_won": "Terug te vorderen als de vordering wordt toegewezen",
        },
    }
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"dunning_bailiff_estimate": 200.0, "dunning_lawyer_estimate": 250.0})

    def _run_tour(self, lang):
        self.env["res.lang"]._activate_lang(lang)
        self.env.user.lang = lang
        with freeze_time("2025-07-31 10:00:00", tick=True):
            customer = self.env["res.partner"].create({
                "name": "Tour Brewery SRL", "is_company": True, "vat": "BE0403170701",
                "lang": lang,  # the claim invoice speaks the customer's language
            })
            inv_1 = self._invoice(customer, 1000.0, "2025-05-01", "2025-05-31")
            inv_2 = self._invoice(customer, 500.0, "2025-01-01", "2025-01-31")
            self._pay(inv_2, 500.0, "2025-03-02")
            self.start_tour(
                "/odoo/action-account.action_move_out_invoice_type",
                "account_dunning_be_wizard_tour",
                login=self.env.user.login,
                timeout=180,
            )
        return customer, inv_1, inv_2

    def _assert_claim(self, lang, customer, inv_1, inv_2):
        claim = inv_1.dunning_claim_move_ids
        self.assertEqual(len(claim), 1)
        self.assertEqual(inv_2.dunning_claim_move_ids, claim)
        self.assertEqual(claim.state, "posted")
        self.assertEqual(claim.partner_id, customer)
        self.assertFalse(claim.invoice_line_ids.tax_ids)
        env = self.env(context={"lang": lang})
        _ = env._

        def day(value):
            return format_date(env, value, lang_code=lang)

        got = [(line.name, line.account_id.code[:3], line.price_unit)
               for line in claim.invoice_line_ids]
        self.assertEqual(got, [
            (_("Late payment interest on %(invoice)s from %(date_from)s to %(date_to)s",
               invoice=inv_2.name, date_from=day("2025-02-01"), date_to=day("2025-07-31")),
             "751", 4.73),
            (_("Flat recovery fee (law of 2 August 2002, art. 6) for %(invoice)s due %(date)s",
               invoice=inv_2.name, date=day("2025-01-31")), "743", 40.0),
            (_("Late payment interest on %(invoice)s from %(date_from)s to %(date_to)s",
               invoice=inv_1.name, date_from=day("2025-06-01"), date_to=day("2025-07-31")),
             "751", 18.37),
            (_("Flat recovery fee (law of 2 August 2002, art. 6) for %(invoice)s due %(date)s",
               invoice=inv_1.name, date=day("2025-05-31")), "743", 40.0),
            (_("Penalty clause of our terms for %(invoice)s due %(date)s",
               invoice=inv_1.name, date=day("2025-05-31")), "743", 100.0),
        ])
        self.assertNotIn("Late payment interest", got[0][0], "the claim speaks the language")
        self.assertAlmostEqual(claim.amount_total, 203.10, places=2)

    def _assert_breakdown(self, lang, customer):
        """The labels and reasons the customer's form showed (logged by the tour)."""
        note = customer.message_ids.filtered(lambda m: "dunning-tour" in (m.body or ""))
        self.assertEqual(len(note), 1, "the tour opened the customer's form once")
        seen = dict(
            line.split("=", 1) for line in str(note.body).replace("<br>", "\n")
            .replace("<p>", "").replace("</p>", "").split("\n") if "=" in line)
        for field, label in self.LABELS[lang].items():
            self.assertEqual(seen[field], label, field)
        # the recommendation's reasons in full, in the user's language
        reason = self.env(context={"lang": lang})._(
            "%(sent)s of the %(needed)s usual reminders sent (friendly reminder, second "
            "reminder, formal notice): reminders cost nothing and settle most claims.",
            sent=0, needed=3)
        self.assertNotIn("usual reminders", reason, "the translation is loaded")
        self.assertEqual(seen["reasons"].split(" | ")[0], reason)

    def test_dunning_wizard_tour_fr(self):
        customer, inv_1, inv_2 = self._run_tour("fr_BE")
        self._assert_breakdown("fr_BE", customer)
        self._assert_claim("fr_BE", customer, inv_1, inv_2)

    def test_dunning_wizard_tour_nl(self):
        customer, inv_1, inv_2 = self._run_tour("nl_BE")
        self._assert_breakdown("nl_BE", customer)
        self._assert_claim("nl_BE", customer, inv_1, inv_2)
