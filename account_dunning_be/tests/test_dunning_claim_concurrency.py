"""Two users post the same claim at the same moment (issue 12, item 1).

Two real transactions, each on a cursor of its own, as two workers of a server would run
them. The data they share is committed first (in the test database's main company) and
removed again after the test, whatever its outcome.
"""

import threading
from datetime import date

from odoo import Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

CLAIM_DATE = date(2025, 7, 31)


@tagged("post_install", "-at_install")
class TestClaimPostedTwiceAtOnce(TransactionCase):

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self._user_id(cr), {})
            partner = env["res.partner"].create({
                "name": "Concurrent Brewing SRL", "is_company": True,
                "vat": "BE0403170701", "dunning_partner_type": "b2b"})
            invoice = env["account.move"].create({
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": "2025-05-01",
                "invoice_date_due": "2025-05-31",
                "invoice_line_ids": [Command.create({
                    "name": "Beer", "quantity": 1, "price_unit": 1000.0,
                    "tax_ids": [Command.clear()]})],
            })
            invoice.action_post()
            wizards = env["account.move.dunning"].with_context(
                active_model="account.move", active_ids=invoice.ids,
            ).create([{"date": CLAIM_DATE}, {"date": CLAIM_DATE}])
            self.assertTrue(all(wizards.line_ids.mapped("flat_fee")))
            self.partner_id, self.invoice_id = partner.id, invoice.id
            self.wizard_ids = wizards.ids
        self.addCleanup(self._remove_committed_data)
        self.cursors = [self.registry.cursor(), self.registry.cursor()]
        for cr in self.cursors:
            self.addCleanup(cr.close)

    @staticmethod
    def _user_id(cr):
        """An accountant of the main company: the administrator."""
        return api.Environment(cr, 1, {}).ref("base.user_admin").id

    def _remove_committed_data(self):
        for cr in self.cursors:
            cr.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, 1, {})
            env["account.move.dunning"].browse(self.wizard_ids).exists().unlink()
            invoice = env["account.move"].browse(self.invoice_id)
            moves = invoice | invoice.sudo().dunning_claim_move_ids
            moves = moves.sorted("sequence_number", reverse=True)
            moves.filtered(lambda m: m.state != "draft").button_draft()
            moves.posted_before = False
            moves.unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def _post(self, cr, wizard_id):
        """Post the claim of a wizard in the transaction of ``cr``: the claim, or the error."""
        env = api.Environment(cr, self._user_id(cr), {})
        try:
            with mute_logger("odoo.sql_db"):
                # the preview, then Confirm: the race is on what Confirm posts
                wizard = env["account.move.dunning"].browse(wizard_id)
                wizard.action_post_claim()
                action = wizard.action_confirm()
        except UserError as error:
            cr.rollback()
            return error
        return action["res_id"]

    def _claims(self):
        with self.registry.cursor() as cr:
            cr.execute("""SELECT kind, date_from, date_to FROM account_dunning_claim
                           WHERE move_id = %s AND state = 'posted' ORDER BY kind""",
                       [self.invoice_id])
            return cr.fetchall()

    def _assert_claimed_once(self, refused):
        self.assertIsInstance(refused, UserError, "the second claim must be refused")
        claims = self._claims()
        self.assertEqual([kind for kind, _from, _to in claims], ["flat_fee", "interest"],
                         "one flat fee and one interest period, never two")
        self.assertEqual(claims[1][1:], (date(2025, 6, 1), CLAIM_DATE))

    def test_second_user_while_the_first_is_posting(self):
        """The second user posts while the first one's transaction is still running."""
        cr_a, cr_b = self.cursors
        first = self._post(cr_a, self.wizard_ids[0])
        self.assertIsInstance(first, int)
        result = {}
        second = threading.Thread(
            target=lambda: result.update(value=self._post(cr_b, self.wizard_ids[1])))
        second.start()
        # the second user gets an answer at once, not after the first one's commit
        second.join(timeout=30)
        answered_first = not second.is_alive()
        cr_a.commit()
        second.join(timeout=60)
        self.assertFalse(second.is_alive())
        if isinstance(result.get("value"), int):
            cr_b.commit()
        self.assertTrue(answered_first, "the second user waited for the first one")
        self._assert_claimed_once(result["value"])
        self.assertIn("Another user is claiming or changing", str(result["value"]))

    def test_second_user_on_a_snapshot_taken_before_the_first_commit(self):
        """The second transaction started before the first one committed (its snapshot
        shows nothing claimed) and posts after it: the database refuses."""
        cr_a, cr_b = self.cursors
        cr_b.execute("SELECT 1 FROM account_dunning_claim LIMIT 1")  # B's snapshot
        self.assertIsInstance(self._post(cr_a, self.wizard_ids[0]), int)
        cr_a.commit()
        second = self._post(cr_b, self.wizard_ids[1])
        if isinstance(second, int):
            cr_b.commit()
        self._assert_claimed_once(second)
        self.assertIn("claimed by another user meanwhile", str(second))
