import re

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

# what the dialog prints once the deposit is recorded
REPORTS = {
    "letters": "account_dunning_be.account_dunning_letter_report",
    "registered": "account_dunning_be.account_dunning_registered_letters_report",
}


class AccountDunningLetterRegister(models.TransientModel):
    """The registered numbers and the deposit date of registered letters, asked before
    they are printed; then prints them. One date for the batch, each line editable."""

    _name = "account.dunning.letter.register"
    _description = "Deposit of registered dunning letters"

    letter_ids = fields.Many2many("account.dunning.letter", string="Letters", required=True)
    report = fields.Selection(
        [("letters", "Letters"), ("registered", "Deposit list and registered letters")],
        string="Print", required=True, default="letters",
    )
    deposit_date = fields.Date(
        string="Deposit date", required=True, default=lambda self: self._default_deposit_date(),
        help="The day the letters are handed in at the post office (a working day): every "
        "line takes it. The payment deadline counts from it.",
    )
    line_ids = fields.One2many(
        "account.dunning.letter.register.line", "wizard_id", string="Registered letters")

    @api.model
    def _default_deposit_date(self):
        Letter = self.env["account.dunning.letter"]
        return Letter._get_deposit_working_day(fields.Date.context_today(self))

    @api.model
    def _prepare_vals(self, letters, report_xmlid, deposit_date=None):
        """The dialog for printing ``letters`` with ``report_xmlid``: one line per
        registered letter whose number or deposit date is missing."""
        report = next(key for key, xmlid in REPORTS.items() if xmlid == report_xmlid)
        deposit_date = deposit_date or self._default_deposit_date()
        todo = letters.filtered(lambda lt: lt.by_post == "registered" and lt.state != "cancelled"
                                and not (lt.registered_number and lt.registered_date))
        return {
            "letter_ids": [Command.set(letters.ids)],
            "report": report,
            "deposit_date": deposit_date,
            "line_ids": [Command.create({
                "letter_id": letter.id,
                "registered_number": letter.registered_number,
                "registered_date": letter.registered_date or deposit_date,
            }) for letter in todo.sorted("name")],
        }

    def action_print(self):
        """Record the numbers and deposit dates on the letters, then print them."""
        self.ensure_one()
        self.line_ids._check_registered_numbers()
        # one write a deposit day (each re-syncs the letters' files), then the numbers
        for day, lines in self.line_ids.grouped("registered_date").items():
            lines.letter_id.write({"registered_date": day})
        for line in self.line_ids.filtered("registered_number"):
            line.letter_id.registered_number = line._normalize_number(line.registered_number)
        action = self.letter_ids.with_context(dunning_deposit_recorded=True)._print_with(
            REPORTS[self.report])
        if action.get("type") == "ir.actions.report":
            action["close_on_report_download"] = True
        return action


class AccountDunningLetterRegisterLine(models.TransientModel):
    _name = "account.dunning.letter.register.line"
    _description = "Registered dunning letter to deposit"
    _order = "id"

    wizard_id = fields.Many2one(
        "account.dunning.letter.register", required=True, ondelete="cascade")
    letter_id = fields.Many2one(
        "account.dunning.letter", string="Letter", required=True, readonly=True,
        ondelete="cascade")
    partner_id = fields.Many2one(related="letter_id.partner_id")
    level_id = fields.Many2one(related="letter_id.level_id")
    registered_number = fields.Char(
        help="The number on the bpost label of the envelope (e.g. RR123456785BE); left "
        "blank, it is written by hand on the deposit list.")
    registered_date = fields.Date(
        string="Deposit date", compute="_compute_registered_date", store=True,
        readonly=False, required=True)

    @api.depends("wizard_id.deposit_date")
    def _compute_registered_date(self):
        for line in self:
            line.registered_date = line.wizard_id.deposit_date

    @api.model
    def _normalize_number(self, number):
        return re.sub(r"\s+", "", number or "").upper()

    def _check_registered_numbers(self):
        """A registered number belongs to one letter."""
        numbers = [self._normalize_number(line.registered_number) for line in self]
        taken = [number for number in numbers if number and numbers.count(number) > 1]
        others = self.env["account.dunning.letter"].search([
            ("registered_number", "in", [number for number in numbers if number]),
            ("id", "not in", self.letter_id.ids),
        ])
        taken += others.mapped("registered_number")
        if taken:
            raise UserError(self.env._(
                "A registered number belongs to one letter only: %(numbers)s is given twice.",
                numbers=", ".join(sorted(set(taken)))))
