import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class AccountDunningLetter(models.Model):
    _name = "account.dunning.letter"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Dunning letter"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
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
    amount_residual = fields.Monetary(string="Outstanding", compute="_compute_amounts", store=True)
    amount_interest = fields.Monetary(string="Interest", compute="_compute_amounts", store=True)
    amount_flat_fee = fields.Monetary(string="Flat fees", compute="_compute_amounts", store=True)
    amount_penalty = fields.Monetary(
        string="Penalty or damages", compute="_compute_amounts", store=True
    )
    amount_total = fields.Monetary(string="Total", compute="_compute_amounts", store=True)
    mail_message_id = fields.Many2one("mail.message", readonly=True, copy=False)
    registered_number = fields.Char(copy=False, tracking=True)
    registered_date = fields.Date(string="Deposit date", copy=False, tracking=True)

    @api.model
    def _get_lang_selection(self):
        return self.env["res.lang"].get_installed()

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

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
                letter.state = "printed"
        return True

    def action_cancel(self):
        """Cancel the letters; their invoices go back to the level they had before."""
        if any(letter.state == "cancelled" for letter in self):
            raise UserError(self.env._("This letter is already cancelled."))
        self.state = "cancelled"
        self.line_ids.filtered("is_due")._restore_previous_level()
        return True

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
            for line in letter.line_ids.filtered("is_due")
        ))
        for letter in paid:
            letter.message_post(body=self.env._(
                "Cancelled: the invoices it claims were paid before it was sent."))
        if paid:
            paid.action_cancel()
        return paid

    def _send_email(self):
        self.ensure_one()
        template = self.level_id.mail_template_id or self.env.ref(
            "account_dunning_be.mail_template_dunning_letter", raise_if_not_found=False)
        if not template:
            raise UserError(self.env._(
                "The dunning level %(level)s has no e-mail template.", level=self.level_id.name))
        message = self.with_context(lang=self.lang).message_post_with_source(
            template,
            subtype_xmlid="mail.mt_comment",
            partner_ids=(self.contact_id or self.partner_id).ids,
        )
        self.write({"state": "sent", "mail_message_id": message.id if message else False})


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
    currency_id = fields.Many2one(related="letter_id.currency_id")
    is_due = fields.Boolean(
        string="Escalated", help="The letter takes this invoice to its level; the other "
        "invoices are listed for information."
    )
    previous_level_id = fields.Many2one("account.dunning.level", readonly=True)
    previous_date = fields.Date(readonly=True)
    date_due = fields.Date(string="Due date")
    amount_total = fields.Monetary(string="Amount")
    amount_residual = fields.Monetary(string="Outstanding")
    days_late = fields.Integer()
    interest = fields.Monetary()
    interest_periods = fields.Json(help="The periods, rates and amounts of the interest.")
    flat_fee = fields.Monetary()
    penalty = fields.Monetary(string="Penalty or damages")
    damages_announced = fields.Monetary(
        help="Consumer damages that will be claimed if the invoice is not paid in time."
    )
    total = fields.Monetary(compute="_compute_total", store=True)

    def init(self):
        # nothing is ever sent twice: one live letter per invoice and level
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_letter_line_move_level_uniq
                ON account_dunning_letter_line (move_id, level_id)
             WHERE is_due AND state != 'cancelled'
        """)

    @api.depends("amount_residual", "interest", "flat_fee", "penalty")
    def _compute_total(self):
        for line in self:
            line.total = line.amount_residual + line.interest + line.flat_fee + line.penalty

    def _restore_previous_level(self):
        for line in self:
            move = line.move_id
            if move.dunning_level_id == line.level_id:
                move._dunning_set_step(line.previous_level_id, line.previous_date)
