"""The nightly run's batch contract (issue 12): a customer whose data fails in the middle
of a batch is logged and skipped, the batch's other customers get their letters, and the
next run takes the failing customer up again.

An Odoo test, run by pytest-odoo against a database where account_dunning_be is
installed (``make test``). It drives only the public entry point of the scheduled action,
``account.move._cron_account_dunning()``, and looks at letters and customers: it holds
whatever the escalation does inside. The failure is one customer's data that the
database refuses (a trigger on the letters, inside the test transaction, stands for it),
not a patched method.
"""

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.account_dunning_be.tests.common import DunningCommon


@tagged("post_install", "-at_install")
class TestNightlyBatchContract(DunningCommon):

    def _refuse_letters_of(self, partner):
        """From now on the database refuses any letter to ``partner``."""
        self.env.cr.execute("""
            CREATE FUNCTION dunning_test_refuse_letter() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the data of customer % cannot be dunned', NEW.partner_id;
            END $$ LANGUAGE plpgsql
        """)
        self.env.cr.execute(SQL(
            "CREATE TRIGGER dunning_test_refuse_letter BEFORE INSERT ON account_dunning_letter "
            "FOR EACH ROW WHEN (NEW.partner_id = %s) "
            "EXECUTE FUNCTION dunning_test_refuse_letter()", partner.id))

    def _repair(self):
        self.env.cr.execute("DROP TRIGGER dunning_test_refuse_letter ON account_dunning_letter")
        self.env.cr.execute("DROP FUNCTION dunning_test_refuse_letter()")

    def test_failing_customer_is_logged_skipped_and_retried(self):
        customers = self.env["res.partner"].create([
            {"name": f"Nightly Customer {i}", "is_company": True,
             "email": f"nightly{i}@example.be"}
            for i in range(5)
        ])
        for customer in customers:
            self._invoice(customer, 100.0, "2026-01-01", "2026-01-31")
        failing = customers[2]  # in the middle of the batch, whatever the order
        others = customers - failing
        self._refuse_letters_of(failing)
        Letter = self.env["account.dunning.letter"]
        Move = self.env["account.move"]

        with freeze_time("2026-02-07"), mute_logger("odoo.sql_db"), \
                self.assertLogs("odoo.addons.account_dunning_be", "WARNING") as logs:
            Move._cron_account_dunning()
        self.assertEqual(Letter.search([("partner_id", "in", customers.ids)]).partner_id,
                         others, "the other customers of the batch got their letter")
        self.assertFalse(Letter.search([("partner_id", "=", failing.id)]))
        self.assertTrue([line for line in logs.output if failing.name in line],
                        f"the failing customer is named in the log: {logs.output}")

        # the customer's data is repaired: the next night's run takes it up, and only it
        self._repair()
        with freeze_time("2026-02-08"):
            Move._cron_account_dunning()
        letter = Letter.search([("partner_id", "=", failing.id)])
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.level_id, self.friendly)
        self.assertEqual(letter.line_ids.move_id.partner_id, failing)
        self.assertEqual(Letter.search_count([("partner_id", "in", others.ids)]), 4,
                         "nothing is sent twice to the others")
