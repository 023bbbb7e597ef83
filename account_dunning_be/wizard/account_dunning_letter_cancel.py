from odoo import fields, models
from odoo.exceptions import UserError


class AccountDunningLetterCancel(models.TransientModel):
    """Cancel letters with the reason: a letter that went out stays on record, cancelled,
    and says why."""

    _name = "account.dunning.letter.cancel"
    _description = "Cancel dunning letters"

    letter_ids = fields.Many2many("account.dunning.letter", string="Letters", required=True)
    reason = fields.Text(required=True)

    def action_cancel_letters(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the letter is cancelled."))
        letters = self.letter_ids
        if any(letter.state == "cancelled" for letter in letters):
            raise UserError(self.env._("This letter is already cancelled."))
        letters.write({"cancel_reason": reason})
        for letter in letters:
            letter.message_post(
                body=self.env._("Letter cancelled: %(reason)s", reason=reason),
                subtype_xmlid="mail.mt_note")
        letters.action_cancel()
        return {"type": "ir.actions.act_window_close"}
