from odoo import models


class MailNotification(models.Model):
    _inherit = "mail.notification"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("notification_status") == "bounce":
            # a bounce (mail.thread._routing_handle_bounce) on a dunning letter's e-mail
            # sends the letter back to review
            self.env["account.dunning.letter"].sudo()._return_failed_to_review(
                self.mail_message_id)
        return result
