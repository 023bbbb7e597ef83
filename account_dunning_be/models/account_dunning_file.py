from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from .. import law

# A file's states, in the order an accountant works them.
FILE_STATES = [
    ("open", "To act"),
    ("waiting", "Waiting for the deadline"),
    ("handed_over", "Handed over"),
    ("closed", "Closed"),
]


class AccountDunningFile(models.Model):
    """A customer's dunning file: one per commercial partner, company and currency.

    The sequence of letters a customer receives is decided here, not per invoice: the
    file has one stage (the level of its last letter), one letter at a time listing
    every overdue open invoice, and the next stage only once the level's delay since the
    last letter has passed and never before that letter's payment deadline plus the
    days a transfer takes to arrive. Levels never go down while the file is open; after
    the final level the file is handed over to the accountant; it closes when nothing
    overdue is left, and a later overdue invoice opens a new file at the first level.

    The escalation service (``account.dunning.escalation``) is the only one that moves a
    file; the file keeps its own figures in step with its letters (``_sync_from_letters``).
    """

    _name = "account.dunning.file"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Customer dunning file"
    _order = "date_open desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    state = fields.Selection(
        FILE_STATES, default="open", required=True, readonly=True, index=True,
        help="To act: the next step is due or a letter waits for review. Waiting: the last "
        "letter went out and its payment deadline (or the level's delay) runs. Handed "
        "over: the final level was reached; the accountant decides the route. Closed: "
        "nothing overdue is left.",
    )
    level_id = fields.Many2one(
        "account.dunning.level", string="Stage", readonly=True, check_company=True,
        help="The level of the last letter: the stage the file reached.",
    )
    letter_ids = fields.One2many("account.dunning.letter", "file_id", string="Letters")
    letter_count = fields.Integer(compute="_compute_letter_count")
    last_letter_id = fields.Many2one("account.dunning.letter", readonly=True)
    last_sent_date = fields.Date(
        string="Last letter sent", readonly=True,
        help="When the last letter went out (its deposit date for a registered letter).",
    )
    payment_deadline = fields.Date(
        readonly=True, help="The payment deadline the last letter gives the customer.",
    )
    next_date = fields.Date(
        string="Next step", readonly=True, index=True,
        help="The first day the next stage (or the hand-over after the final level) may "
        "come: the level's delay after the last letter, and never before its payment "
        "deadline plus the days a transfer takes.",
    )
    date_open = fields.Date(string="Opened", readonly=True, default=fields.Date.context_today)
    date_closed = fields.Date(string="Closed on", readonly=True)
    move_ids = fields.One2many("account.move", "dunning_file_id", string="Invoices")
    open_move_ids = fields.Many2many(
        "account.move", string="Open invoices", compute="_compute_open_move_ids",
    )
    amount_residual = fields.Monetary(string="Outstanding", compute="_compute_open_move_ids")
    is_b2b = fields.Boolean(related="partner_id.dunning_is_b2b", string="Enterprise debtor")
    user_id = fields.Many2one(
        "res.users", string="Responsible", tracking=True, index=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Who follows the customer up: the customer's salesperson when the file opens.",
    )
    draft_letter_id = fields.Many2one(
        "account.dunning.letter", string="Letter to review", compute="_compute_next_action",
    )
    next_action = fields.Char(string="Next action", compute="_compute_next_action")
    next_action_date = fields.Date(
        string="Next action on", compute="_compute_next_action",
        help="The day the accountant (or the nightly run) acts next on the file.",
    )

    def init(self):
        # one open file per customer, company and currency
        self.env.cr.execute(SQL("""
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_file_open_uniq
                ON account_dunning_file (partner_id, company_id, currency_id)
             WHERE state != 'closed'
        """))

    @api.model_create_multi
    def create(self, vals_list):
        partners = self.env["res.partner"].browse(
            [vals["partner_id"] for vals in vals_list if vals.get("partner_id")])
        salespeople = {partner.id: partner.user_id.id for partner in partners}
        for vals in vals_list:
            if "user_id" not in vals:
                vals["user_id"] = salespeople.get(vals.get("partner_id")) or False
        return super().create(vals_list)

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("state", "next_date", "level_id", "letter_ids.state")
    def _compute_next_action(self):
        drafts = self.env["account.dunning.letter"].search(
            [("file_id", "in", self.ids), ("state", "=", "draft")], order="date, id")
        draft_by_file = {letter.file_id.id: letter for letter in drafts}
        today = fields.Date.context_today(self)
        for file in self:
            draft = draft_by_file.get(file.id, self.env["account.dunning.letter"])
            file.draft_letter_id = draft
            file.next_action, file.next_action_date = file._get_next_action(draft, today)

    def _get_next_action(self, draft, today):
        """(what comes next, on which day) as the accountant reads it in the queue."""
        self.ensure_one()
        if self.state == "closed":
            return self.env._("Nothing: the customer owes nothing overdue."), False
        if draft:
            return self.env._(
                "Review letter %(letter)s (%(level)s), then send it.",
                letter=draft.name, level=draft.level_id.name), draft.date
        if self.state == "handed_over":
            return self.env._(
                "Decide the route: the automatic letters ended (see the wizard's "
                "recommendation)."), today
        if not self.next_date:
            return self.env._("The nightly run writes the first letter."), today
        when = format_date(self.env, self.next_date)
        if self.level_id.is_final:
            return self.env._(
                "Hand over to the accountant from %(date)s if still unpaid.", date=when,
            ), self.next_date
        return self.env._(
            "Next letter from %(date)s if still unpaid.", date=when), self.next_date

    @api.depends("partner_id.display_name", "currency_id.name")
    def _compute_name(self):
        for file in self:
            file.name = self.env._(
                "%(customer)s (%(currency)s)", customer=file.partner_id.display_name,
                currency=file.currency_id.name)

    @api.depends("letter_ids")
    def _compute_letter_count(self):
        counts = dict(self.env["account.dunning.letter"]._read_group(
            [("file_id", "in", self.ids)], ["file_id"], ["__count"]))
        for file in self:
            file.letter_count = counts.get(file, 0)

    @api.depends("move_ids.amount_residual", "move_ids.payment_state")
    def _compute_open_move_ids(self):
        for file in self:
            moves = file.move_ids.filtered(
                lambda m: m.state == "posted" and m.payment_state in ("not_paid", "partial"))
            file.open_move_ids = moves
            file.amount_residual = sum(moves.mapped("amount_residual"))

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _earliest_after_deadline(self, deadline, company):
        """The first day after ``deadline`` plus the company's transfer days (working
        days) on which a next step may come: a payment made on the deadline has
        arrived by then."""
        days = company.dunning_transfer_days
        last = law.add_working_days(deadline, days) if days > 0 else deadline
        return last + timedelta(days=1)

    def _get_next_date(self, next_level, sent_on, deadline, ignore_delay=False):
        """The first day the step after the last letter (sent on ``sent_on`` with
        ``deadline``) may come: ``next_level``'s delay after it (no delay for the
        hand-over after the final level, nor with ``ignore_delay``), never before the
        deadline plus the transfer days."""
        self.ensure_one()
        after_deadline = self._earliest_after_deadline(deadline, self.company_id)
        by_delay = sent_on + timedelta(days=next_level.delay if next_level and not
                                       ignore_delay else 0)
        return max(by_delay, after_deadline)

    def _sync_from_letters(self):
        """Stage, last letter, deadline, next step and state from the file's live letters
        (cancelled ones never reached the customer). A handed-over or closed file keeps
        its state.

        The stage is the level of the last step (letters of the earlier history are not
        steps, see ``is_history``); the deadline is the latest any live letter gave, and
        the next step counts its delay from the last letter."""
        if not self:
            return
        Level = self.env["account.dunning.level"]
        ladders = Level._get_ladders(self.company_id)
        letters = self.env["account.dunning.letter"].search(
            [("file_id", "in", self.ids), ("state", "!=", "cancelled")], order="date, id")
        last_by_file, step_by_file, deadline_by_file = {}, {}, {}
        for letter in letters:
            key = letter.file_id.id
            last_by_file[key] = letter
            if not letter.is_history:
                step_by_file[key] = letter
            deadline_by_file[key] = max(
                filter(None, (deadline_by_file.get(key), letter.payment_deadline)),
                default=False)
        for file in self:
            last = last_by_file.get(file.id)
            step = step_by_file.get(file.id) or last
            stage = step.level_id if step else Level
            deadline = deadline_by_file.get(file.id, False)
            vals = {
                "last_letter_id": last.id if last else False,
                "level_id": stage.id,
                "payment_deadline": deadline,
                "last_sent_date": last and last.state != "draft" and last._get_sent_on(),
                "next_date": False,
            }
            if last and last.state != "draft":
                next_level = not stage.is_final and Level._next_level(
                    ladders[file.company_id.id], stage)
                vals["next_date"] = file._get_next_date(
                    next_level, last._get_sent_on(), deadline)
            if file.state not in ("handed_over", "closed"):
                # a letter to review, or no letter at all: the accountant acts
                vals["state"] = "waiting" if last and last.state != "draft" else "open"
            file.write(vals)

    @api.model
    def _get_earlier_history(self, letters):
        """The letters of ``letters`` (live letters of one file) that are not steps of
        its ladder: in date order, each letter at or below the highest level an earlier
        one reached. The first release wrote one letter per invoice (several at a level,
        and lower levels after higher ones); a merged customer brings its own letters.
        What remains climbs one level at a time, as the letters of the ladder do."""
        reached, history = None, letters.browse()
        for letter in letters.sorted(lambda lt: (lt.date, lt.id)):
            position = (letter.level_id.sequence, letter.level_id.id)
            if reached is not None and position <= reached:
                history |= letter
            else:
                reached = position
        return history

    def _merge_files(self, others):
        """The open files ``others``, of customers merged into this file's customer (same
        company and currency), join this one: their letters, invoices, messages and
        activities move here, and the emptied files are deleted.

        Every letter stays as the customer received it. The stage is the highest either
        file reached: the invoices of the other file join at it, as an invoice falling
        due later does, and none goes a level down; the letters that no longer raise the
        stage become the earlier history. The next step waits for the latest deadline any
        of the letters gave and the level's delay after the last one. A file handed over
        to the accountant hands the joined file over. Refused while a letter waits for
        review: two letters would then go out for one customer."""
        self.ensure_one()
        files = self | others
        waiting = files.letter_ids.filtered(lambda lt: lt.state == "draft")[:1]
        if waiting:
            raise UserError(self.env._(
                "Letter %(letter)s of %(customer)s waits for review: send or cancel it "
                "before merging the customers, whose dunning files then become one.",
                letter=waiting.name, customer=waiting.partner_id.display_name))
        live = files.letter_ids.filtered(lambda lt: lt.state != "cancelled")
        # flagged while each file still holds its own letters: one step per level
        (self._get_earlier_history(live) - live.filtered("is_history")).write(
            {"is_history": True})
        self.env.flush_all()
        Message = self.env["mail.message"]
        for other in others:
            names = ", ".join(other.letter_ids.sorted(lambda lt: (lt.date, lt.id)).mapped(
                "name")) or self.env._("none")
            other.letter_ids.write({"file_id": self.id})
            self.env["account.dunning.escalation"]._join_files([(self, other.move_ids)])
            Message.search([("model", "=", other._name), ("res_id", "=", other.id)]).write(
                {"res_id": self.id})
            other.activity_ids.write({"res_id": self.id})
            self._message_log(body=self.env._(
                "The dunning file of %(customer)s joined this one when the customers were "
                "merged: its letters %(letters)s and its invoices are now here.",
                customer=other.partner_id.display_name, letters=names))
        vals = {"date_open": min(files.mapped("date_open"))}
        if "handed_over" in others.mapped("state"):
            vals["state"] = "handed_over"
            vals["next_date"] = False
        if not self.user_id and others.user_id:
            vals["user_id"] = others.user_id[0].id
        others.unlink()
        self.write(vals)
        self._sync_from_letters()

    def _close_settled(self, today):
        """Close the files of ``self`` whose customer owes nothing overdue any more (in
        the file's company and currency): a later overdue invoice opens a new file."""
        files = self.filtered(lambda f: f.state != "closed")
        if not files:
            return files
        overdue = self.env["account.move"]._read_group(
            [("commercial_partner_id", "in", files.partner_id.ids),
             ("company_id", "in", files.company_id.ids),
             ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
             ("payment_state", "in", ("not_paid", "partial")),
             ("invoice_date_due", "<", today)],
            ["commercial_partner_id", "company_id", "currency_id"])
        busy = set(overdue)
        settled = files.filtered(
            lambda f: (f.partner_id, f.company_id, f.currency_id) not in busy)
        if settled:
            settled.write({"state": "closed", "date_closed": today, "next_date": False})
            settled.activity_unlink(["mail.mail_activity_data_todo"])
        return settled

    # ------------------------------------------------------------
    # CUSTOMER STATEMENT
    # ------------------------------------------------------------

    def _get_statement_paper(self):
        """A letter in memory for the statement's letterhead: the creditor's identity,
        the envelope window and the language are the letters' (``_get_address_lines``,
        ``_get_register_line``, ``_fmt_date`` ...)."""
        self.ensure_one()
        Letter = self.env["account.dunning.letter"]
        contact = self.partner_id._get_dunning_contact()
        return Letter.new({
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "contact_id": contact.id,
            "currency_id": self.currency_id.id,
            "lang": Letter._get_default_letter_lang(contact),
        })

    def _get_statement_date(self):
        return fields.Date.context_today(self)

    def _get_statement_texts(self, paper, today, overdue, bank):
        """The statement's subject and payment request, in the statement's language."""
        self.ensure_one()
        env = self.with_context(lang=paper.lang).env
        texts = {"subject": env._("Statement of open items on %(date)s",
                                  date=paper._fmt_date(today)),
                 "payment": False}
        if overdue > 0 and bank:
            texts["payment"] = env._(
                "Please transfer the overdue amount of %(amount)s to %(iban)s, quoting each "
                "invoice's communication. If you paid meanwhile, please disregard this "
                "statement.", amount=paper._fmt_amount(overdue), iban=bank.acc_number)
        return texts

    def _get_statement_lines(self, today):
        """The customer's open items in the file's company and currency, oldest first:
        every open invoice and credit note, due or not, with its days late."""
        self.ensure_one()
        moves = self.env["account.move"].search([
            ("commercial_partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("currency_id", "=", self.currency_id.id),
            ("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ])
        moves = moves.sorted(lambda m: (m.invoice_date_due or m.invoice_date, m.id))
        sign = {"out_invoice": 1, "out_refund": -1}
        return [{
            "move": move,
            "date_due": move.invoice_date_due or move.invoice_date,
            "days_late": max((today - (move.invoice_date_due or move.invoice_date)).days, 0),
            "amount_total": sign[move.move_type] * move.amount_total,
            "amount_residual": sign[move.move_type] * move.amount_residual,
        } for move in moves]

    # ------------------------------------------------------------
    # PUBLIC ACTIONS
    # ------------------------------------------------------------

    def _get_letters_out(self):
        """The file's letters that went out or wait to (not cancelled), newest first."""
        return self.letter_ids.filtered(lambda lt: lt.state != "cancelled").sorted(
            lambda lt: (lt.date, lt.id), reverse=True)

    def _get_letter_to_show(self):
        """The letter the file's buttons act on: the one to review, else the last one."""
        self.ensure_one()
        letter = self.draft_letter_id or self._get_letters_out()[:1]
        if not letter:
            raise UserError(self.env._(
                "The dunning file of %(customer)s has no letter yet.",
                customer=self.partner_id.display_name))
        return letter

    def action_preview(self):
        """The letter to review (or the last one) as PDF; nothing changes."""
        self.ensure_one()
        return self._get_letter_to_show().action_preview()

    def action_send(self):
        """Send the letter to review: by e-mail, or printed for the post."""
        self.ensure_one()
        if not self.draft_letter_id:
            raise UserError(self.env._(
                "No letter of %(customer)s waits for review: nothing to send.",
                customer=self.partner_id.display_name))
        return self.draft_letter_id._send_or_print()

    def action_print(self):
        """Print the letter to review (it then counts as sent) or the last one (a copy)."""
        self.ensure_one()
        return self._get_letter_to_show().action_print()

    def action_hand_over(self):
        """Done: the automatic letters end; the accountant takes the file over."""
        waiting = self.filtered("draft_letter_id")
        if waiting:
            raise UserError(self.env._(
                "Letter %(letter)s of %(customer)s waits for review: send or cancel it "
                "before handing the file over.", letter=waiting[0].draft_letter_id.name,
                customer=waiting[0].partner_id.display_name))
        if any(file.state in ("handed_over", "closed") for file in self):
            raise UserError(self.env._("Only a file in progress can be handed over."))
        self.env["account.dunning.escalation"]._hand_over(
            self, fields.Date.context_today(self), by_hand=True)
        return True

    def action_print_statement(self):
        """The customer's statement of open items, as PDF."""
        return self.env.ref("account_dunning_be.action_report_dunning_statement") \
            .report_action(self)

    def action_send_reviewed(self):
        """Send every reviewed letter of the selected files (of every file when none is
        selected): the e-mail ones go out, the paper ones come back as one PDF to post."""
        files = self or self.search([("state", "!=", "closed")])
        return files.letter_ids._send_reviewed()

    def action_open_letters(self):
        self.ensure_one()
        return self.letter_ids._get_records_action(name=self.env._("Dunning letters"))

    def action_open_moves(self):
        self.ensure_one()
        return self.move_ids._get_records_action(name=self.env._("Invoices"))
