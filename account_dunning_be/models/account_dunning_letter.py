import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .. import law

_logger = logging.getLogger(__name__)


class AccountDunningLetter(models.Model):
    _name = "account.dunning.letter"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Dunning letter"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    file_id = fields.Many2one(
        "account.dunning.file", string="Dunning file", readonly=True, index=True,
        check_company=True, ondelete="restrict",
    )
    file_state = fields.Selection(related="file_id.state", string="File status")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    contact_id = fields.Many2one("res.partner", string="Addressed to", readonly=True)
    level_id = fields.Many2one(
        "account.dunning.level", required=True, readonly=True, index=True, check_company=True,
        ondelete="restrict",
    )
    date = fields.Date(required=True, readonly=True, index=True)
    date_sent = fields.Date(
        string="Sent on", readonly=True, copy=False,
        help="When the letter went out (e-mailed or printed); a registered letter counts "
        "from its deposit date. The next level's delay counts from it.",
    )
    payment_deadline = fields.Date(
        compute="_compute_payment_deadline", store=True, readonly=True,
        help="The date by which the customer must pay, printed on the letter: the company's "
        "payment term from the sending (or deposit) date; for a consumer never before the "
        "end of the 14-day waiting period (Book XIX); moved to the next working day when it "
        "falls on a weekend or a public holiday. No next step comes before it.",
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    lang = fields.Selection(selection="_get_lang_selection", string="Language", readonly=True)
    state = fields.Selection(
        [("draft", "To review"), ("sent", "Sent"), ("printed", "Printed"),
         ("cancelled", "Cancelled")],
        default="draft", required=True, readonly=True, tracking=True, index=True,
    )
    by_email = fields.Boolean(string="By e-mail", readonly=True)
    by_post = fields.Selection(
        [("none", "No"), ("letter", "Letter"), ("registered", "Registered letter")],
        string="By post", default="none", required=True, readonly=True,
    )
    is_b2b = fields.Boolean(string="Enterprise debtor", readonly=True)
    review_reason = fields.Text(
        readonly=True, help="Why the letter waits for review instead of going out by itself."
    )
    line_ids = fields.One2many("account.dunning.letter.line", "letter_id", readonly=True)
    move_ids = fields.Many2many(
        "account.move", string="Invoices", compute="_compute_move_ids"
    )
    # letters overlap (an invoice is in each letter of its file): no sums across letters
    amount_residual = fields.Monetary(
        string="Outstanding", compute="_compute_amounts", store=True, aggregator=None)
    amount_interest = fields.Monetary(
        string="Interest", compute="_compute_amounts", store=True, aggregator=None)
    amount_flat_fee = fields.Monetary(
        string="Flat fees", compute="_compute_amounts", store=True, aggregator=None)
    amount_penalty = fields.Monetary(
        string="Penalty or damages", compute="_compute_amounts", store=True, aggregator=None)
    amount_total = fields.Monetary(
        string="Total", compute="_compute_amounts", store=True, aggregator=None)
    mail_message_id = fields.Many2one("mail.message", readonly=True, copy=False)
    registered_number = fields.Char(copy=False, tracking=True)
    registered_date = fields.Date(string="Deposit date", copy=False, tracking=True)
    is_reviewed = fields.Boolean(
        string="Reviewed", copy=False, tracking=True, readonly=True,
        help="The accountant read the letter and let it go: \"Send all reviewed\" sends it.",
    )
    cancel_reason = fields.Text(
        string="Reason for cancellation", readonly=True, copy=False, tracking=True,
        help="Why a letter that had gone out was cancelled.",
    )

    def init(self):
        # one live letter per file and level: a file never takes a level twice
        self.env.cr.execute(SQL("""
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_letter_file_level_uniq
                ON account_dunning_letter (file_id, level_id)
             WHERE state != 'cancelled'
        """))

    @api.model
    def _get_lang_selection(self):
        return self.env["res.lang"].get_installed()

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("date", "date_sent", "registered_date", "is_b2b", "by_email", "by_post",
                 "company_id.dunning_payment_days")
    def _compute_payment_deadline(self):
        for letter in self:
            if not letter.date:
                letter.payment_deadline = False
                continue
            sent_on = letter._get_sent_on()
            deadline = sent_on + timedelta(days=letter.company_id.dunning_payment_days)
            if not letter.is_b2b:
                # Book XIX: never before the end of the waiting period
                deadline = max(deadline, law.b2c_waiting_period_end(
                    sent_on, letter._get_channel()))
            while not law.is_working_day(deadline):
                # a transfer cannot arrive on a Sunday or a public holiday
                deadline += timedelta(days=1)
            letter.payment_deadline = deadline

    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for letter in self:
            letter.move_ids = letter.line_ids.move_id

    @api.depends("line_ids.amount_residual", "line_ids.interest", "line_ids.flat_fee",
                 "line_ids.penalty")
    def _compute_amounts(self):
        for letter in self:
            lines = letter.line_ids
            letter.amount_residual = sum(lines.mapped("amount_residual"))
            letter.amount_interest = sum(lines.mapped("interest"))
            letter.amount_flat_fee = sum(lines.mapped("flat_fee"))
            letter.amount_penalty = sum(lines.mapped("penalty"))
            letter.amount_total = (letter.amount_residual + letter.amount_interest
                                   + letter.amount_flat_fee + letter.amount_penalty)

    @api.model_create_multi
    def create(self, vals_list):
        unnamed = defaultdict(list)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                unnamed[vals.get("company_id"), vals.get("date")].append(vals)
        for (company_id, day), company_vals in unnamed.items():
            names = self.with_company(company_id).with_context(
                ir_sequence_date=day)._reserve_names(len(company_vals))
            for vals, name in zip(company_vals, names, strict=True):
                vals["name"] = name
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("state") == "draft":
            # back in review (a failed e-mail): it must be read again before it goes
            vals = dict(vals, is_reviewed=False)
        result = super().write(vals)
        if {"state", "date_sent", "registered_date"} & set(vals):
            # the file's stage, deadline and next step follow its letters
            self.file_id._sync_from_letters()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_gone_out(self):
        """A letter that reached the customer is evidence (for a consumer, the first
        reminder's date decides when costs may start): it can only be cancelled."""
        for letter in self:
            if letter.state in ("sent", "printed") or letter.date_sent:
                raise UserError(self.env._(
                    "Letter %(letter)s went out on %(date)s: it cannot be deleted. Cancel it "
                    "instead, giving the reason.", letter=letter.name,
                    date=format_date(self.env, letter.date_sent or letter.date)))

    def unlink(self):
        # a deleted draft never existed: its invoices go back to their level, as when it
        # is cancelled, and its file to the letter before (checked first: nothing undone
        # for a letter that may not go; uninstalling skips the check, as ondelete does)
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            self._unlink_except_gone_out()
        files = self.file_id
        self.filtered(lambda letter: letter.state != "cancelled").line_ids \
            ._restore_previous_level()
        result = super().unlink()
        files.exists()._sync_from_letters()
        return result

    def _get_sent_on(self):
        """The day the letter counts from: its deposit date when registered, else the
        day it was sent, else its date."""
        self.ensure_one()
        return self.registered_date or self.date_sent or self.date

    def _get_channel(self):
        """``"email"`` for a letter that went by e-mail only, ``"post"`` otherwise
        (Book XIX's waiting period starts later for paper)."""
        self.ensure_one()
        return "email" if self.by_email and self.by_post == "none" else "post"

    @api.model
    def _reserve_names(self, count):
        """``count`` letter references from the sequence, in one query when it can."""
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "account.dunning.letter"),
             ("company_id", "in", [self.env.company.id, False])],
            order="company_id", limit=1,
        )
        if not count or not sequence:
            return ["/"] * count
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence.next_by_id() for _i in range(count)]
        self.env.cr.execute(SQL(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            f"ir_sequence_{sequence.id:03d}", count,
        ))
        return [sequence.get_next_char(number) for [number] in self.env.cr.fetchall()]

    # ------------------------------------------------------------
    # PUBLIC ACTIONS
    # ------------------------------------------------------------

    def action_send(self):
        """Send the e-mail letters, mark the paper ones printed; cancel what was paid."""
        todo = self.filtered(lambda letter: letter.state == "draft")
        if not todo:
            raise UserError(self.env._("Only letters to review can be sent."))
        paid = todo._cancel_if_paid()
        for letter in todo - paid:
            if letter.by_email:
                letter._send_email()
            else:
                letter._mark_printed()
        return True

    def _mark_printed(self):
        """The paper letters of ``self`` went out today."""
        self.write({"state": "printed", "date_sent": fields.Date.context_today(self)})

    def action_cancel(self):
        """Cancel the letters; their invoices go back to the level they had before, and
        the file to the letter before. The form cancels a letter that went out through
        ``action_open_cancel_wizard`` (a reason is asked); code may call this directly."""
        if any(letter.state == "cancelled" for letter in self):
            raise UserError(self.env._("This letter is already cancelled."))
        self.state = "cancelled"
        self.line_ids._restore_previous_level()
        return True

    def action_mark_reviewed(self):
        """The accountant read the letters: "Send all reviewed" may send them."""
        if any(letter.state != "draft" for letter in self):
            raise UserError(self.env._("Only letters to review can be marked reviewed."))
        self.is_reviewed = True
        return True

    def action_send_reviewed(self):
        """Send the reviewed letters to review among the selected ones (all of them when
        none is selected)."""
        letters = self or self.search([
            ("company_id", "in", self.env.companies.ids), ("state", "=", "draft"),
            ("is_reviewed", "=", True)])
        return letters._send_reviewed()

    def _send_reviewed(self):
        reviewed = self.filtered(lambda letter: letter.state == "draft" and letter.is_reviewed)
        if not reviewed:
            raise UserError(self.env._(
                "No reviewed letter to send: open the letters to review, check them and "
                "mark them reviewed first."))
        return reviewed._send_or_print()

    def _send_or_print(self):
        """The e-mail letters go out; the paper ones come back as one PDF to post (they
        then count as sent). A message says what was done when nothing is to print."""
        emails = self.filtered("by_email")
        paper = self.filtered(lambda letter: letter.by_post != "none")
        if emails:
            emails.action_send()
        if paper:
            return paper.action_print()
        sent = emails.filtered(lambda letter: letter.state == "sent")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s letter(s) sent by e-mail: %(letters)s.", count=len(sent),
                    letters=", ".join(sent.mapped("name"))),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_cancel_wizard(self):
        """The dialog that cancels letters which went out, with the reason."""
        if any(letter.state == "cancelled" for letter in self):
            raise UserError(self.env._("This letter is already cancelled."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel letter"),
            "res_model": "account.dunning.letter.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_letter_ids": self.ids},
        }

    def action_open_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _cancel_if_paid(self):
        """Letters whose claimed invoices were all paid meanwhile are cancelled, not sent."""
        paid = self.filtered(lambda letter: all(
            line.move_id.payment_state in ("paid", "in_payment", "reversed")
            for line in letter.line_ids
        ))
        for letter in paid:
            letter.message_post(body=self.env._(
                "Cancelled: the invoices it claims were paid before it was sent."))
        if paid:
            paid.action_cancel()
        return paid

    @api.model
    def _return_failed_to_review(self, messages):
        """The sent letters whose e-mail (one of ``messages``) failed or bounced go back
        to review with the reason; their file waits for the accountant. Nothing is
        resent: the accountant sends the letter again or prints it."""
        returned = self.browse()
        for letter in self.search([("mail_message_id", "in", messages.ids),
                                   ("state", "=", "sent")]):
            failed = letter.mail_message_id.notification_ids.filtered(
                lambda notif: notif.notification_type == "email"
                and notif.notification_status in ("exception", "bounce"))
            if failed:
                letter._return_to_review(letter._get_mail_failure_reason(failed))
                returned |= letter
        return returned

    def _get_mail_failure_reason(self, notifications):
        """Why the e-mail of the letter did not arrive, in words for the accountant."""
        self.ensure_one()
        fields_ = notifications._fields
        failures = dict(fields_["failure_type"]._description_selection(self.env))
        statuses = dict(fields_["notification_status"]._description_selection(self.env))
        causes = []
        for notif in notifications:
            cause = failures.get(notif.failure_type) or statuses[notif.notification_status]
            # a refused SMTP connection leaves its words on the e-mail only
            detail = notif.failure_reason or notif.mail_mail_id.failure_reason
            if detail:
                cause = f"{cause}: {' '.join(detail.split())}"
            partner = notif.res_partner_id
            causes.append(f"{partner.email or partner.display_name} ({cause})")
        return self.env._(
            "The e-mail of letter %(letter)s did not arrive: %(causes)s. The letter is back "
            "in review: check the address, then send it again or print it.",
            letter=self.name, causes="; ".join(causes))

    def _return_to_review(self, reason):
        """The letter did not reach the customer: back to review, as if never sent."""
        self.ensure_one()
        self.write({"state": "draft", "date_sent": False, "review_reason": reason,
                    "printed_attachment_id": False})
        self.message_post(body=reason, subtype_xmlid="mail.mt_note")
        if self.file_id:
            self.file_id._message_log(body=reason)


class AccountDunningLetterLine(models.Model):
    _name = "account.dunning.letter.line"
    _description = "Invoice in a dunning letter"
    _order = "letter_id, date_due, id"

    letter_id = fields.Many2one(
        "account.dunning.letter", required=True, ondelete="cascade", index=True
    )
    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True,
                              ondelete="restrict")
    # stored copies of the letter's level and state: the unique index below needs them
    level_id = fields.Many2one(related="letter_id.level_id", store=True, index=True)
    state = fields.Selection(related="letter_id.state", store=True)
    date = fields.Date(related="letter_id.date", store=True)
    company_id = fields.Many2one(related="letter_id.company_id", store=True)
    file_id = fields.Many2one(related="letter_id.file_id", store=True, index=True)
    currency_id = fields.Many2one(related="letter_id.currency_id")
    claim_status = fields.Selection(
        [("not_due", "Not due"), ("claim_invoice", "Interest and fees invoice"),
         ("reminder", "Reminder"), ("announced", "Costs announced"),
         ("waiting", "No costs claimed yet"), ("claimed", "Costs claimed")],
        string="Claim", readonly=True,
        help="Why the line claims what it claims (law.invoice_claim): a consumer's invoice "
        "is charged nothing before a reminder announced the amounts and its 14-day waiting "
        "period ran out.",
    )
    previous_level_id = fields.Many2one("account.dunning.level", readonly=True)
    previous_date = fields.Date(readonly=True)
    date_due = fields.Date(string="Due date")
    amount_total = fields.Monetary(string="Amount")
    amount_residual = fields.Monetary(string="Outstanding")
    days_late = fields.Integer()
    interest = fields.Monetary(help="Interest claimed by this letter, less what claim "
                               "invoices already charged.")
    interest_invoiced = fields.Monetary(
        help="Interest already charged on a claim invoice, deducted from the letter.")
    interest_date_from = fields.Date(string="Interest from")
    interest_periods = fields.Json(help="The periods, rates and amounts of the interest.")
    flat_fee = fields.Monetary()
    penalty = fields.Monetary(string="Penalty or damages")
    damages_announced = fields.Monetary(
        help="Consumer damages that will be claimed if the invoice is not paid in time."
    )
    waiting_end = fields.Date(
        string="Waiting period until",
        help="Last day of the consumer's 14-day waiting period for this invoice.",
    )
    total = fields.Monetary(compute="_compute_total", store=True)

    def init(self):
        # nothing is ever sent twice: an invoice reaches a level once in a file
        self.env.cr.execute(SQL(
            "DROP INDEX IF EXISTS account_dunning_letter_line_move_level_uniq"))
        self.env.cr.execute(SQL("""
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_letter_line_file_level_uniq
                ON account_dunning_letter_line (file_id, move_id, level_id)
             WHERE state != 'cancelled'
        """))

    @api.depends("amount_residual", "interest", "flat_fee", "penalty")
    def _compute_total(self):
        for line in self:
            line.total = line.amount_residual + line.interest + line.flat_fee + line.penalty

    def _restore_previous_level(self):
        """The invoices of cancelled lines go back to the level they had before."""
        for line in self:
            move = line.move_id
            if move.dunning_level_id == line.level_id:
                move._dunning_set_step(line.previous_level_id, line.previous_date)
