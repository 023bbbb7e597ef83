from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # read before super deletes the auto-deleted e-mails
        messages = self.mail_message_id if failure_type else self.env["mail.message"]
        result = super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type)
        if messages:
            # a dunning letter whose e-mail failed goes back to review (the sending may
            # run after the commit, as the superuser: the letters are searched as such)
            self.env["account.dunning.letter"].sudo()._return_failed_to_review(messages)
        return result
