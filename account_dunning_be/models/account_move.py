import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from .. import law
from ..tools import format_amount, format_date, to_decimal
from .res_partner import ACCOUNTING_GROUPS

_logger = logging.getLogger(__name__)

# The dunning wizard opens wide: invoice numbers, customers and dates fit in every language.
DIALOG_CONTEXT = {"dialog_size": "extra-large"}


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_level_id = fields.Many2one(
        "account.dunning.level", string="Dunning level", readonly=True, copy=False, index=True,
        tracking=True, groups=ACCOUNTING_GROUPS,
        help="The level of the last letter that listed the invoice.",
    )
    dunning_last_date = fields.Date(
        string="Last dunning step", readonly=True, copy=False, groups=ACCOUNTING_GROUPS)
    dunning_file_id = fields.Many2one(
        "account.dunning.file", string="Dunning file", readonly=True, copy=False, index=True,
        groups=ACCOUNTING_GROUPS,
        help="The customer's dunning file the invoice belongs to: its next step is the file's.",
    )
    dunning_next_date = fields.Date(
        string="Next dunning step", compute="_compute_dunning_next_date", store=True,
        index=True, copy=False,
        groups=ACCOUNTING_GROUPS,
    )
    dunning_days_overdue = fields.Integer(
        string="Days late", compute="_compute_dunning_days_overdue",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_blocked = fields.Boolean(
        string="Dunning blocked", copy=False, tracking=True, groups=ACCOUNTING_GROUPS)
    dunning_block_reason = fields.Selection(
        [("disputed", "Disputed"), ("payment_plan", "Payment plan agreed"), ("other", "Other")],
        string="Block reason", copy=False, tracking=True,
        groups=ACCOUNTING_GROUPS,
    )
    dunning_block_note = fields.Char(
        string="Block note", copy=False, groups=ACCOUNTING_GROUPS)
    dunning_block_until = fields.Date(
        string="Blocked until", copy=False,
        help="Dunning resumes the day after; leave empty to block until unblocked by hand.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_letter_line_ids = fields.One2many(
        "account.dunning.letter.line", "move_id", string="Dunning history",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_last_line_id = fields.Many2one(
        "account.dunning.letter.line", string="Last dunning claim",
        compute="_compute_dunning_last_line_id", groups=ACCOUNTING_GROUPS,
    )
    dunning_claim_status = fields.Selection(
        selection=lambda self: self.env["account.dunning.letter.line"]._fields[
            "claim_status"]._description_selection(self.env),
        string="Claim", compute="_compute_dunning_last_line_id", groups=ACCOUNTING_GROUPS)
    dunning_claimed = fields.Monetary(
        string="Costs claimed", compute="_compute_dunning_last_line_id",
        currency_field="currency_id", groups=ACCOUNTING_GROUPS,
        help="Interest, flat fee and penalty or damages the last letter claimed for it.",
    )
    dunning_letter_count = fields.Integer(
        compute="_compute_dunning_letter_count", groups=ACCOUNTING_GROUPS)
    dunning_interest = fields.Monetary(
        string="Interest to date", compute="_compute_dunning_interest",
        currency_field="currency_id",
        groups=ACCOUNTING_GROUPS,
    )

    dunning_claim_ids = fields.One2many(
        "account.dunning.claim", "move_id", string="Claimed interest and fees",
        help="What claim invoices charged for this invoice.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_claim_source_ids = fields.One2many(
        "account.dunning.claim", "claim_move_id", string="Claimed for",
        help="The invoices and periods this claim invoice charges interest and fees for.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_claim_move_ids = fields.Many2many(
        "account.move", string="Claim invoices", compute="_compute_dunning_claim_links",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_claim_source_move_ids = fields.Many2many(
        "account.move", string="Source invoices", compute="_compute_dunning_claim_links",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_is_claim = fields.Boolean(
        string="Interest and fees claim", compute="_compute_dunning_is_claim", store=True,
        groups=ACCOUNTING_GROUPS,
        help="An invoice of interest and fees: dunning letters list it as an open item and "
        "never charge interest, a flat fee or a penalty on it.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("move_type", "state", "payment_state", "invoice_date_due", "invoice_date",
                 "dunning_file_id.next_date", "dunning_file_id.state",
                 "company_id.dunning_grace_days")
    def _compute_dunning_next_date(self):
        """The file's next step for an invoice in an open file; for another overdue
        invoice, the first level's delay (and the days of grace) after its due date."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted"
                                 and m.payment_state in ("not_paid", "partial"))
        (self - invoices).dunning_next_date = False
        Level = self.env["account.dunning.level"]
        ladders = Level._get_ladders(invoices.company_id)
        for move in invoices:
            file = move.dunning_file_id
            if file and file.state != "closed":
                move.dunning_next_date = file.next_date
                continue
            first = Level._next_level(ladders[move.company_id.id], Level)
            start = move.invoice_date_due or move.invoice_date
            move.dunning_next_date = first and start and start + timedelta(
                days=first.delay + move.company_id.dunning_grace_days)

    def _compute_dunning_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            due = move.invoice_date_due or move.invoice_date
            open_invoice = move.move_type == "out_invoice" and move.state == "posted" \
                and move.payment_state in ("not_paid", "partial")
            move.dunning_days_overdue = max((today - due).days, 0) if open_invoice and due else 0

    @api.depends("dunning_letter_line_ids.state")
    def _compute_dunning_last_line_id(self):
        lines = self.env["account.dunning.letter.line"].search(
            [("move_id", "in", self._origin.ids), ("state", "!=", "cancelled")],
            order="date, id")
        last = {line.move_id.id: line for line in lines}
        for move in self:
            line = last.get(move._origin.id, lines.browse())
            move.dunning_last_line_id = line
            move.dunning_claim_status = line.claim_status
            move.dunning_claimed = line.interest + line.flat_fee + line.penalty

    @api.depends("dunning_letter_line_ids")
    def _compute_dunning_letter_count(self):
        for move in self:
            move.dunning_letter_count = len(move.dunning_letter_line_ids.letter_id)

    def _compute_dunning_interest(self):
        """The interest the invoice lets the company claim today (what claim invoices
        charged deducted). An invoice form never fails on a dunning figure: a figure
        that cannot be computed shows as 0 and is logged."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted"
                                 and m.id)
        (self - invoices).dunning_interest = 0.0
        today = fields.Date.context_today(self)
        try:
            claims = invoices._dunning_get_claims(today)
        except Exception:
            # an invoice form never fails on a dunning figure: find the invoices at fault
            claims = {}
            for move in invoices:
                try:
                    claims.update(move._dunning_get_claims(today))
                except Exception:
                    _logger.exception("Interest of %s cannot be computed; shown as 0",
                                      move.display_name)
        for move in invoices:
            claim = claims.get(move.id)
            move.dunning_interest = float(claim.interest) if claim else 0.0

    @api.depends("dunning_claim_ids.claim_move_id", "dunning_claim_source_ids.move_id")
    def _compute_dunning_claim_links(self):
        for move in self:
            move.dunning_claim_move_ids = move.dunning_claim_ids.claim_move_id
            move.dunning_claim_source_move_ids = move.dunning_claim_source_ids.move_id

    @api.depends("dunning_claim_source_ids")
    def _compute_dunning_is_claim(self):
        for move in self:
            move.dunning_is_claim = bool(move.dunning_claim_source_ids)

    # ------------------------------------------------------------
    # BUSINESS METHODS: what may be claimed
    # ------------------------------------------------------------

    def _dunning_balance_steps(self):
        """{invoice id: [(date, outstanding)]} in the invoice currency, from the reconciliation.

        The first step is the invoice total on the invoice date; each later step is what
        remained after the payments or credit notes of that date. One query for all invoices.
        """
        # grouped in the database: only the receivable lines with a payment are loaded
        paid_by_date = defaultdict(lambda: defaultdict(float))
        partials = self.env["account.partial.reconcile"]._read_group(
            [("debit_move_id.move_id", "in", self.ids),
             ("debit_move_id.account_type", "=", "asset_receivable")],
            ["debit_move_id", "max_date:day"],
            ["debit_amount_currency:sum"],
        )
        for line, day, amount in partials:
            paid_by_date[line.move_id.id][day] += amount
        steps = {}
        for move in self:
            start = min(filter(None, (move.invoice_date, move.invoice_date_due, move.date)))
            outstanding = to_decimal(move.amount_total)
            move_steps = [(start, outstanding)]
            for day, amount in sorted(paid_by_date[move.id].items()):
                outstanding = max(outstanding - to_decimal(amount), Decimal(0))
                if day <= start:
                    move_steps[0] = (start, outstanding)
                else:
                    move_steps.append((day, outstanding))
            steps[move.id] = move_steps
        return steps

    def _dunning_payment_entries(self):
        """The payments and credit notes reconciled with the invoice: [{date, name,
        amount}] in the invoice currency, oldest first."""
        self.ensure_one()
        receivable = self.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")
        partials = self.env["account.partial.reconcile"].search(
            [("debit_move_id", "in", receivable.ids)], order="max_date, id")
        return [{
            "date": partial.max_date,
            "name": partial.credit_move_id.move_id.display_name,
            "amount": partial.debit_amount_currency,
        } for partial in partials]

    def _dunning_balance_history(self):
        """{invoice id: text} the balance history the interest is computed on."""
        steps = self._dunning_balance_steps()
        texts = {}
        for move in self:
            entries = defaultdict(list)
            for entry in move._dunning_payment_entries():
                entries[entry["date"]].append(entry["name"])
            rows = []
            for day, outstanding in steps[move.id]:
                names = ", ".join(entries.get(day, [])) or move.name
                rows.append(self.env._(
                    "%(date)s %(documents)s: outstanding %(amount)s",
                    date=format_date(self.env, day), documents=names,
                    amount=format_amount(self.env, outstanding, move.currency_id)))
            texts[move.id] = "\n".join(rows)
        return texts

    def _dunning_announcements(self, on_date):
        """{invoice id: law.Announcement} of the consumer reminder that first covered
        each invoice and announced the amounts (sent on or before ``on_date``). Book XIX
        counts the waiting period from it; a registered letter from its deposit date."""
        lines = self.env["account.dunning.letter.line"].search(
            [("move_id", "in", self.ids), ("claim_status", "=", law.ANNOUNCED),
             ("state", "in", ("sent", "printed")), ("date", "<=", on_date)],
            order="date, id",
        )
        first = {}
        for line in lines:
            if line.move_id.id not in first:
                letter = line.letter_id
                first[line.move_id.id] = law.Announcement(
                    letter._get_sent_on(), letter._get_channel(),
                    to_decimal(line.damages_announced))
        return first

    def _dunning_previous_claims(self, on_date):
        """{invoice id: law.Claimed} of the last letter sent for each invoice on or
        before ``on_date``: a later letter never claims less."""
        lines = self.env["account.dunning.letter.line"].search(
            [("move_id", "in", self.ids), ("state", "in", ("sent", "printed")),
             ("date", "<=", on_date)],
            order="date desc, id desc",
        )
        last = {}
        for line in lines:
            if line.move_id.id not in last:
                last[line.move_id.id] = law.Claimed(
                    interest=to_decimal(line.interest) + to_decimal(line.interest_invoiced),
                    flat_fee=to_decimal(line.flat_fee), penalty=to_decimal(line.penalty))
        return last

    def _dunning_claimed(self):
        """{invoice id: {"interest_to": last day of interest claimed or None,
        "interest": interest claimed, "flat_fee": bool, "penalty": bool}} from the claim
        invoices that are not cancelled."""
        result = {
            move.id: {"interest_to": None, "interest": 0.0, "flat_fee": False, "penalty": False}
            for move in self
        }
        claims = self.env["account.dunning.claim"].sudo().search(
            self.env["account.dunning.claim"]._get_active_domain(self))
        for claim in claims:
            done = result[claim.move_id.id]
            if claim.kind == "interest":
                done["interest"] += claim.amount
                if not done["interest_to"] or claim.date_to > done["interest_to"]:
                    done["interest_to"] = claim.date_to
            else:
                done[claim.kind] = True
        return result

    def _dunning_invoiced(self):
        """{invoice id: law.Invoiced}: what posted claim invoices already charged."""
        return {
            move_id: law.Invoiced(
                interest_to=done["interest_to"], interest=to_decimal(done["interest"]),
                flat_fee=done["flat_fee"], penalty=done["penalty"])
            for move_id, done in self._dunning_claimed().items()
        }

    def _dunning_terms(self, b2b_table, legal_table, eur, on_date):
        """The creditor's terms (``law.Terms``) for the invoice ``self``."""
        self.ensure_one()
        company = self.company_id
        is_b2b = self.commercial_partner_id.dunning_is_b2b
        return law.Terms(
            regime="b2b" if is_b2b else "b2c",
            b2b_rates=b2b_table,
            legal_rates=legal_table,
            contract_rate=to_decimal(company.dunning_interest_rate) or None,
            flat_fee=(self._dunning_in_currency(law.flat_fee_b2b(), eur, on_date)
                      if is_b2b and company.dunning_flat_fee else None),
            penalty_percent=to_decimal(company.dunning_penalty_percent) or None,
            penalty_min=to_decimal(company.dunning_penalty_min) or None,
            penalty_max=to_decimal(company.dunning_penalty_max) or None,
            consumer_damages=company.dunning_consumer_damages,
        )

    def _dunning_get_claims(self, on_date, asks=None):
        """{invoice id: law.InvoiceClaim}: what each invoice lets the company claim on
        ``on_date``, decided by ``law.invoice_claim`` from the company's terms, the
        balance history, the consumer reminder that announced the amounts, what claim
        invoices charged and what the last letter claimed.

        ``asks``: {invoice id: law.Asks} (what the letter's level claims), or one
        ``law.Asks`` for all; by default everything the law and the terms allow (the
        wizard). A constant number of queries for all the invoices.
        """
        Rate = self.env["account.dunning.rate"]
        b2b_table = Rate._get_rate_table("b2b")
        legal_table = Rate._get_rate_table("legal")
        steps = self._dunning_balance_steps()
        announcements = self._dunning_announcements(on_date)
        previous = self._dunning_previous_claims(on_date)
        invoiced = self._dunning_invoiced()
        eur = self.env.ref("base.EUR")
        everything = law.Asks.everything()
        claims = {}
        for move in self:
            ask = asks.get(move.id, everything) if isinstance(asks, dict) else (
                asks or everything)
            claims[move.id] = law.invoice_claim(
                move.invoice_date_due or move.invoice_date, steps[move.id], on_date,
                move._dunning_terms(b2b_table, legal_table, eur, on_date), ask,
                announcement=announcements.get(move.id),
                invoiced=invoiced.get(move.id, law.NOTHING_INVOICED),
                previous=previous.get(move.id, law.NOTHING_CLAIMED),
                is_claim_invoice=move.dunning_is_claim,
            )
        return claims

    def _dunning_in_currency(self, amount_eur, eur, on_date):
        """A legal figure in euro, in the invoice's currency."""
        self.ensure_one()
        if self.currency_id == eur:
            return amount_eur
        converted = eur._convert(float(amount_eur), self.currency_id, self.company_id, on_date)
        return to_decimal(converted)

    # ------------------------------------------------------------
    # BUSINESS METHODS: claim invoices
    # ------------------------------------------------------------

    def _dunning_lock_for_claim(self):
        """Lock the invoices about to be claimed for, or tell the user someone else is on
        them: two claims posted at the same moment never both read "nothing claimed yet"."""
        if not self:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM account_move WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    tuple(self.ids),
                ), log_exceptions=False)
        except psycopg2.errors.LockNotAvailable:
            raise UserError(self.env._(
                "Another user is claiming or changing %(invoices)s right now. Try again in a "
                "moment: the wizard then shows what is left to claim.",
                invoices=", ".join(self.mapped("name")))) from None

    # ------------------------------------------------------------
    # BUSINESS METHODS: the dunning wizard
    # ------------------------------------------------------------

    def _dunning_wizard_check(self):
        """The wizard takes posted customer invoices of one company and one currency."""
        _ = self.env._
        if not self:
            raise UserError(_("Select at least one customer invoice."))
        not_invoices = self.filtered(lambda m: m.move_type != "out_invoice")
        if not_invoices:
            raise UserError(_(
                "Only customer invoices can be dunned; not %(moves)s.",
                moves=", ".join(not_invoices.mapped("display_name"))))
        not_posted = self.filtered(lambda m: m.state != "posted")
        if not_posted:
            raise UserError(_(
                "Only posted invoices can be dunned; %(moves)s are draft or cancelled.",
                moves=", ".join(not_posted.mapped("display_name"))))
        if len(self.company_id) > 1:
            raise UserError(_(
                "The selected invoices belong to several companies (%(companies)s): select the "
                "invoices of one company.", companies=", ".join(self.company_id.mapped("name"))))
        if len(self.currency_id) > 1:
            raise UserError(_(
                "The selected invoices are in several currencies (%(currencies)s): select the "
                "invoices of one currency.",
                currencies=", ".join(self.currency_id.mapped("name"))))
        undecided = self.commercial_partner_id.filtered(lambda p: not p.dunning_partner_type)
        if undecided:
            raise UserError(_(
                "Say whether %(customers)s is an enterprise or a consumer (field Dunning "
                "regime, Invoicing tab of the customer): the law that applies depends on it.",
                customers=", ".join(undecided.mapped("display_name"))))

    # ------------------------------------------------------------
    # BUSINESS METHODS: escalation (decided by account.dunning.escalation)
    # ------------------------------------------------------------

    @api.model
    def _get_dunning_open_items_domain(self, today):
        """The customer invoices a letter of ``today`` lists: overdue and open, not
        blocked, not excluded; the open claim invoices too, due or not (their amounts
        are deducted from what the letter claims)."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            "|", ("invoice_date_due", "<", today), ("dunning_is_claim", "=", True),
            ("commercial_partner_id.dunning_excluded", "=", False),
            "|", ("dunning_blocked", "=", False),
            ("dunning_block_until", "<", today),
        ]

    @api.model
    def _get_dunning_due_domain(self, today):
        """Open customer invoices whose customer's next dunning step has come."""
        return self._get_dunning_open_items_domain(today) + [
            ("dunning_next_date", "<=", today)]

    @api.model
    def _dunning_recompute_next_date(self, companies):
        """After a change of the ladder: the files and the open invoices follow it."""
        files = self.env["account.dunning.file"].search([
            ("company_id", "in", companies.ids), ("state", "in", ("open", "waiting"))])
        files._sync_from_letters()
        moves = self.search([
            ("company_id", "in", companies.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ])
        self.env.add_to_compute(self._fields["dunning_next_date"], moves)

    def _dunning_set_step(self, level, on_date):
        """Record the dunning step the invoices of ``self`` reached (one UPDATE):
        ``account.move.write`` re-checks and re-synchronises the lines of every invoice,
        queries per invoice for fields no accounting depends on."""
        fnames = ["dunning_level_id", "dunning_last_date"]
        if not self:
            return
        self.flush_recordset(fnames)
        self.env.cr.execute(SQL(
            "UPDATE account_move SET dunning_level_id = %s, dunning_last_date = %s "
            "WHERE id IN %s",
            level.id or None, on_date or None, tuple(self.ids),
        ))
        self.invalidate_recordset(fnames)
        self.modified(fnames)

    def _dunning_log_batch(self, bodies):
        """Log ``bodies`` ({invoice id: plain text}) as notes in the invoices' chatter.

        The notes ``_message_log_batch`` logs (the body escaped in a paragraph, as its
        sanitizer leaves it), in one INSERT: through the ORM, a nightly run spent a third
        of its time creating them.
        """
        if not bodies:
            return
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
        now = self.env.cr.now()
        uid = self.env.uid
        self.env["mail.message"].flush_model()
        self.env.cr.execute(SQL(
            """INSERT INTO mail_message (
                   model, res_id, body, message_type, is_internal, subtype_id, author_id,
                   email_from, reply_to, message_id, email_add_signature, date,
                   create_uid, create_date, write_uid, write_date)
               SELECT %s, note.res_id, note.body, 'notification', TRUE, %s, %s, %s, %s, %s,
                      FALSE, %s, %s, %s, %s, %s
                 FROM unnest(%s::int[], %s::text[]) AS note(res_id, body)""",
            self._name, self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            author_id or None, email_from or None, reply_to or None,
            generate_tracking_message_id("message-notify"), now, uid, now, uid, now,
            list(bodies), [str(Markup("<p>%s</p>") % body) for body in bodies.values()],
        ))
        self.browse(list(bodies)).invalidate_recordset(
            ["message_ids", "message_needaction", "message_needaction_counter"])

    # ------------------------------------------------------------
    # PUBLIC ACTIONS
    # ------------------------------------------------------------

    def action_dunning_escalate(self):
        """Escalate now: what the nightly run does, for the customers of the selected
        invoices (each letter lists all of the customer's overdue invoices)."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        if not invoices:
            raise UserError(self.env._("Select customer invoices to escalate."))
        letters = self.env["account.dunning.escalation"]._escalate(
            fields.Date.context_today(self), invoices.commercial_partner_id)
        if not letters:
            raise UserError(self.env._(
                "None of the selected customers is due for a dunning step today: the "
                "invoices are paid, blocked, excluded or below the minimum, the last letter "
                "waits for review or its payment deadline has not passed yet, the file was "
                "handed over, or paper letters wait for a working day."))
        return letters._get_records_action(name=self.env._("Dunning letters"))

    def action_open_dunning_letters(self):
        self.ensure_one()
        return self.dunning_letter_line_ids.letter_id._get_records_action(
            name=self.env._("Dunning letters"))

    def action_open_dunning_wizard(self):
        """The wizard on the selected invoices (from the list or the form)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dunning"),
            "res_model": "account.move.dunning",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids,
                        **DIALOG_CONTEXT},
        }

    def action_open_dunning_claims(self):
        self.ensure_one()
        moves = self.dunning_claim_move_ids | self.dunning_claim_source_move_ids
        return moves._get_records_action(name=self.env._("Claims"))

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _cron_account_dunning(self, batch_size=200):
        """Nightly escalation, a batch of customers at a time (the escalation service)."""
        return self.env["account.dunning.escalation"]._cron_escalate(batch_size=batch_size)
