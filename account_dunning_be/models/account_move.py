import functools
import json
import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round
from odoo.tools.mail import generate_tracking_message_id

from .. import law
from .res_partner import ACCOUNTING_GROUPS

_logger = logging.getLogger(__name__)

CRON_CURSOR = "account_dunning_be.cron_cursor"


def _dec(value, digits=2):
    """An Odoo float amount as the Decimal law/ takes."""
    return Decimal(str(float_round(value or 0.0, precision_digits=digits)))


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_level_id = fields.Many2one(
        "account.dunning.level", string="Dunning level", readonly=True, copy=False, index=True,
        tracking=True,
        groups=ACCOUNTING_GROUPS,
    )
    dunning_last_date = fields.Date(
        string="Last dunning step", readonly=True, copy=False, groups=ACCOUNTING_GROUPS)
    dunning_next_date = fields.Date(
        string="Next dunning step", compute="_compute_dunning_next_date", store=True,
        index=True, copy=False,
        groups=ACCOUNTING_GROUPS,
    )
    dunning_days_overdue = fields.Integer(
        string="Days overdue", compute="_compute_dunning_days_overdue",
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
    dunning_letter_count = fields.Integer(
        compute="_compute_dunning_letter_count", groups=ACCOUNTING_GROUPS)
    dunning_interest = fields.Monetary(
        string="Interest to date", compute="_compute_dunning_interest",
        currency_field="currency_id",
        groups=ACCOUNTING_GROUPS,
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("move_type", "state", "invoice_date_due", "invoice_date", "dunning_level_id",
                 "dunning_last_date", "company_id.dunning_grace_days")
    def _compute_dunning_next_date(self):
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted")
        (self - invoices).dunning_next_date = False
        ladders = self.env["account.dunning.level"]._get_ladders(invoices.company_id)
        for move in invoices:
            move.dunning_next_date = move._dunning_next_date_at(
                move.dunning_level_id, move.dunning_last_date, ladders)

    def _dunning_next_date_at(self, level, last_date, ladders):
        """The next step of the posted invoice ``self`` once at ``level`` since ``last_date``.

        ``ladders``: ``account.dunning.level._get_ladders``. False at the last level.
        """
        self.ensure_one()
        next_level = ladders[self.company_id.id].get(level.id or None)
        if not next_level:
            return False
        if level:
            return last_date + timedelta(days=next_level.delay)
        start = self.invoice_date_due or self.invoice_date
        return start and start + timedelta(
            days=next_level.delay + self.company_id.dunning_grace_days)

    def _compute_dunning_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            due = move.invoice_date_due or move.invoice_date
            open_invoice = move.move_type == "out_invoice" and move.state == "posted" \
                and move.payment_state in ("not_paid", "partial")
            move.dunning_days_overdue = max((today - due).days, 0) if open_invoice and due else 0

    @api.depends("dunning_letter_line_ids")
    def _compute_dunning_letter_count(self):
        for move in self:
            move.dunning_letter_count = len(move.dunning_letter_line_ids.letter_id)

    def _compute_dunning_interest(self):
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted")
        (self - invoices).dunning_interest = 0.0
        today = fields.Date.context_today(self)
        try:
            claims = invoices._dunning_compute_claims(today)
        except Exception:
            # an invoice form never fails on a dunning figure: find the invoices at fault
            claims = {}
            for move in invoices:
                try:
                    claims.update(move._dunning_compute_claims(today))
                except Exception:
                    _logger.exception("Interest of %s cannot be computed; shown as 0",
                                      move.display_name)
        for move in invoices:
            claim = claims.get(move.id)
            move.dunning_interest = float(claim["interest"]) if claim else 0.0

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
            outstanding = _dec(move.amount_total)
            move_steps = [(start, outstanding)]
            for day, amount in sorted(paid_by_date[move.id].items()):
                outstanding = max(outstanding - _dec(amount), Decimal(0))
                if day <= start:
                    move_steps[0] = (start, outstanding)
                else:
                    move_steps.append((day, outstanding))
            steps[move.id] = move_steps
        return steps

    def _dunning_first_reminders(self):
        """{invoice id: (date sent, channel)} of the first reminder each invoice received.

        Book XIX counts the consumer's waiting period from it; a registered letter counts
        from its deposit date.
        """
        lines = self.env["account.dunning.letter.line"].search(
            [("move_id", "in", self.ids), ("is_due", "=", True),
             ("state", "in", ("sent", "printed"))],
            order="date, id",
        )
        first = {}
        for line in lines:
            if line.move_id.id in first:
                continue
            letter = line.letter_id
            sent_on = letter.registered_date or letter.date
            first[line.move_id.id] = (sent_on, "email" if letter.by_email else "post")
        return first

    def _dunning_compute_claims(self, on_date, level=None):
        """What may lawfully be claimed for each invoice on ``on_date``.

        Returns {invoice id: dict(amount_residual, days_late, interest, interest_periods,
        interest_error, flat_fee, penalty, damages_announced)}, Decimals in the invoice
        currency. ``level`` limits the claims to what that level asks for; without a level,
        everything the law and the company's terms allow is computed. Every figure comes
        from law/.
        """
        Rate = self.env["account.dunning.rate"]
        b2b_table = Rate._get_rate_table("b2b")
        legal_table = Rate._get_rate_table("legal")
        steps_by_move = self._dunning_balance_steps()
        first_reminders = self._dunning_first_reminders()
        eur = self.env.ref("base.EUR")
        claims = {}
        for move in self:
            company = move.company_id
            partner = move.commercial_partner_id
            due = move.invoice_date_due or move.invoice_date
            residual = _dec(move.amount_residual)
            steps = steps_by_move[move.id]
            claim = {
                "amount_residual": residual,
                "days_late": max((on_date - due).days, 0),
                "interest": Decimal(0),
                "interest_periods": [],
                "interest_error": False,
                "flat_fee": Decimal(0),
                "penalty": Decimal(0),
                "damages_announced": Decimal(0),
            }
            claims[move.id] = claim
            if on_date <= due:
                continue
            contract_rate = _dec(company.dunning_interest_rate) or None
            if partner.dunning_is_b2b:
                # law of 2 August 2002: interest from the day after the due date, no notice
                start = due + timedelta(days=1)
                table = None if contract_rate else b2b_table
                if company.dunning_flat_fee:
                    claim["flat_fee"] = move._dunning_in_currency(law.flat_fee_b2b(), eur, on_date)
                if company.dunning_penalty_percent:
                    claim["penalty"] = law.penalty_clause(
                        residual, _dec(company.dunning_penalty_percent),
                        minimum=_dec(company.dunning_penalty_min) or None,
                        maximum=_dec(company.dunning_penalty_max) or None,
                    )
            else:
                # Book XIX: nothing before the waiting period after the first reminder ends
                if company.dunning_consumer_damages:
                    claim["damages_announced"] = law.b2c_damages_cap(residual)
                reminder = first_reminders.get(move.id)
                if not reminder:
                    continue
                start = law.b2c_waiting_period_end(*reminder) + timedelta(days=1)
                if on_date < start:
                    continue
                table = b2b_table if contract_rate else legal_table
                if company.dunning_consumer_damages:
                    claim["penalty"] = claim["damages_announced"]
            try:
                result = law.late_interest(
                    steps, start, on_date, rate_table=table, fixed_rate=contract_rate)
            except law.MissingRate as error:
                claim["interest_error"] = str(error)
                continue
            claim["interest"] = result.amount
            claim["interest_periods"] = [
                {"date_from": str(p.date_from), "date_to": str(p.date_to), "days": p.days,
                 "base": str(p.base), "rate": str(p.rate), "amount": str(p.amount)}
                for p in result.periods
            ]
        if level is not None:
            claims = {move_id: self._dunning_level_claim(claim, level)
                      for move_id, claim in claims.items()}
        return claims

    @api.model
    def _dunning_level_claim(self, claim, level):
        """``claim`` limited to what ``level`` asks for (a copy)."""
        claim = dict(claim)
        if not level.claim_interest:
            claim.update(interest=Decimal(0), interest_periods=[], interest_error=False)
        if not level.claim_flat_fee:
            claim["flat_fee"] = Decimal(0)
        if not level.claim_penalty:
            claim["penalty"] = Decimal(0)
        return claim

    def _dunning_in_currency(self, amount_eur, eur, on_date):
        """A legal figure in euro, in the invoice's currency."""
        self.ensure_one()
        if self.currency_id == eur:
            return amount_eur
        converted = eur._convert(float(amount_eur), self.currency_id, self.company_id, on_date)
        return _dec(converted)

    # ------------------------------------------------------------
    # BUSINESS METHODS: escalation
    # ------------------------------------------------------------

    @api.model
    def _get_dunning_due_domain(self, today):
        """Open customer invoices whose next dunning step has come."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("dunning_next_date", "<=", today),
            ("commercial_partner_id.dunning_excluded", "=", False),
            "|", ("dunning_blocked", "=", False),
            ("dunning_block_until", "<", today),
        ]

    @api.model
    def _dunning_recompute_next_date(self, companies):
        """After a change of the ladder: the next steps of the open invoices follow it."""
        moves = self.search([
            ("company_id", "in", companies.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ])
        self.env.add_to_compute(self._fields["dunning_next_date"], moves)

    def _dunning_escalate(self, today=None):
        """Take the invoices of ``self`` (all invoices when empty) whose next step has come
        one level up: one letter per customer, level and currency; the customer's other
        overdue invoices are listed in it for information.

        A customer that fails is logged and skipped; the others go on. Returns the letters.
        """
        today = today or fields.Date.context_today(self)
        domain = self._get_dunning_due_domain(today)
        if self:
            domain = [("id", "in", self.ids)] + domain
        due = self.search(domain, order="commercial_partner_id, invoice_date_due, id")
        due = due.filtered(lambda m: m.amount_residual >= m.company_id.dunning_min_amount
                           and m.amount_residual > 0)
        groups = due.grouped(lambda m: (m.company_id, m.commercial_partner_id))
        if not due:
            return self.env["account.dunning.letter"]

        others = self.search([
            ("commercial_partner_id", "in", due.commercial_partner_id.ids),
            ("company_id", "in", due.company_id.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", today),
            ("id", "not in", due.ids),
        ])
        others_by_key = others.grouped(lambda m: (m.company_id, m.commercial_partner_id))
        ladders = self.env["account.dunning.level"]._get_ladders(due.company_id)
        claims = (due | others)._dunning_compute_claims(today)

        try:
            with self.env.cr.savepoint():
                return self._dunning_create_letters(today, groups, ladders, claims, others_by_key)
        except Exception:
            _logger.warning("Dunning batch failed; retrying customer by customer", exc_info=True)
        letters = self.env["account.dunning.letter"]
        for key, moves in groups.items():
            try:
                with self.env.cr.savepoint():
                    letters |= self._dunning_create_letters(
                        today, {key: moves}, ladders, claims, others_by_key)
            except Exception:
                company, partner = key
                _logger.exception("Dunning of %s (%s) failed; the others go on",
                                  partner.display_name, company.name)
        return letters

    @api.model
    def _dunning_create_letters(self, today, groups, ladders, claims, others_by_key):
        """One letter per customer, level and currency for the invoices in ``groups``.

        ``groups``: {(company, customer): invoices due for their next step};
        ``ladders``: {company id: {current level id or None: level to reach}};
        ``claims``: the invoices' claims (``_dunning_compute_claims``);
        ``others_by_key``: the customers' other overdue invoices, listed for information.
        Everything is written in batches: the queries do not grow with the invoices.
        """
        Letter = self.env["account.dunning.letter"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        letter_vals, line_vals, steps = [], [], []
        for (company, partner), due in groups.items():
            contact = partner._get_dunning_contact()
            others = others_by_key.get((company, partner), self.browse())
            ladder = ladders[company.id]
            by_level = due.grouped(
                lambda m, ladder=ladder: (ladder[m.dunning_level_id.id or None], m.currency_id))
            for (level, currency), moves in by_level.items():
                if level.min_amount and sum(moves.mapped("amount_residual")) < level.min_amount:
                    continue
                level_claims = {
                    m.id: self._dunning_level_claim(claims[m.id], level) for m in moves}
                lines = [
                    self._prepare_dunning_line_vals(move, level_claims[move.id], True)
                    for move in moves
                ] + [
                    self._prepare_dunning_line_vals(move, claims[move.id], False)
                    for move in others.filtered(lambda m, cur=currency: m.currency_id == cur)
                ]
                vals = moves._prepare_dunning_letter_vals(today, level, currency, contact)
                errors = {claim["interest_error"] for claim in level_claims.values()} - {False}
                if errors:
                    vals["review_reason"] = "\n".join(sorted(errors))
                letter_vals.append(vals)
                line_vals.append(lines)
                steps.append((level, moves))
        if not letter_vals:
            return Letter
        letters = Letter.create(letter_vals)
        # the lines of all letters in a single INSERT
        self._dunning_insert_letter_lines([
            dict(line, letter_id=letter.id, currency_id=letter.currency_id.id)
            for letter, lines in zip(letters, line_vals, strict=True) for line in lines
        ])

        for level, moves in self._dunning_merge_steps(steps):
            moves._dunning_set_step(level, today)
        bodies = {}
        for letter, (level, moves) in zip(letters, steps, strict=True):
            bodies.update(dict.fromkeys(moves.ids, self.env._(
                "Dunning level %(level)s reached: letter %(letter)s.",
                level=level.name, letter=letter.name)))
        self.browse(list(bodies))._dunning_log_batch(bodies)
        no_email = letters.filtered(lambda lt: lt.level_id.action_email and not lt.by_email)
        no_email._message_log_batch(bodies={
            letter.id: self.env._(
                "%(customer)s has no e-mail address: this reminder goes by post.",
                customer=letter.contact_id.display_name)
            for letter in no_email
        })
        for letter in letters.filtered(lambda lt: lt.level_id.action_call):
            moves = letter.line_ids.filtered("is_due").move_id
            letter.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._("Call %(customer)s about the overdue invoices",
                                   customer=letter.partner_id.display_name),
                user_id=(letter.level_id.call_user_id or moves[:1].invoice_user_id
                         or self.env.user).id,
            )
        auto = letters.filtered(lambda lt: lt.company_id.dunning_auto_send and lt.by_email
                                and lt.by_post == "none" and not lt.review_reason)
        for letter in auto:
            try:
                with self.env.cr.savepoint():
                    letter.action_send()
            except UserError as error:
                # what the user must fix (no IBAN, ...) keeps the letter in review
                letter.review_reason = str(error)
        return letters

    @api.model
    def _dunning_merge_steps(self, steps):
        """[(level, invoices)] merged per level: one UPDATE a level."""
        merged = defaultdict(list)
        for level, moves in steps:
            merged[level] += moves.ids  # a union of recordsets per letter is quadratic
        return [(level, self.env["account.move"].browse(ids)) for level, ids in merged.items()]

    def _dunning_set_step(self, level, on_date):
        """Record the dunning step the invoices of ``self`` reached, and their next step.

        One UPDATE per next date (a single one in a nightly run): ``account.move.write``
        re-checks and re-synchronises the lines of every invoice, queries per invoice for
        fields no accounting depends on; letting the ORM recompute the next date would
        rewrite every row a second time.
        """
        fnames = ["dunning_level_id", "dunning_last_date", "dunning_next_date"]
        self.flush_recordset(fnames)
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted")
        ladders = self.env["account.dunning.level"]._get_ladders(invoices.company_id)
        ids_by_next = defaultdict(list)
        invoice_ids = set(invoices.ids)
        for move in self:
            next_date = move.id in invoice_ids and move._dunning_next_date_at(
                level, on_date, ladders)
            ids_by_next[next_date or None].append(move.id)
        for next_date, ids in ids_by_next.items():
            self.env.cr.execute(SQL(
                "UPDATE account_move SET dunning_level_id = %s, dunning_last_date = %s, "
                "dunning_next_date = %s WHERE id IN %s",
                level.id or None, on_date or None, next_date, tuple(ids),
            ))
        self.invalidate_recordset(fnames)
        self.modified(fnames)
        # written above: nothing left for the ORM to recompute
        self.env.remove_to_compute(self._fields["dunning_next_date"], self)

    @api.model
    def _dunning_insert_letter_lines(self, vals_list):
        """Create the letter lines of ``vals_list`` (with their letter's ``currency_id``) in
        one INSERT; returns them.

        ``create`` builds a record for each amount of each line to find its currency, then
        rewrites every line with the fields it copies from its letter: two thirds of a
        nightly run. Here the copied fields and the total are written with the line and the
        amounts rounded in the letter's currency; the other fields take their defaults.
        The line model has no ``create`` override nor Python constraint to bypass.
        """
        Line = self.env["account.dunning.letter.line"]
        if not vals_list:
            return Line
        Letter = self.env["account.dunning.letter"]
        currencies = self.env["res.currency"].browse({vals["currency_id"] for vals in vals_list})
        # rounded as the ORM does (Python's round is enough for a currency of cents)
        round_in = {
            currency.id: currency.round if currency.rounding != 0.01
            else functools.partial(round, ndigits=2)
            for currency in currencies
        }
        letters = Letter.browse({vals["letter_id"] for vals in vals_list})
        copied = {letter.id: {
            "level_id": letter.level_id.id, "state": letter.state, "date": letter.date,
            "company_id": letter.company_id.id,
        } for letter in letters}
        columns = {
            name: field for name, field in Line._fields.items()
            if field.store and field.column_type
            and name not in ("id", "create_uid", "create_date", "write_uid", "write_date")
        }
        rows = []
        for vals in vals_list:
            row = dict(vals)
            rounded = round_in[row.pop("currency_id")]
            row.update(copied[row["letter_id"]])
            for fname, value in row.items():
                field = columns[fname]
                if field.type == "monetary":
                    row[fname] = rounded(value or 0.0)
                elif isinstance(value, models.BaseModel):
                    row[fname] = value.id or None
                elif field.type == "json" and not value:
                    row[fname] = None
                elif value is False and field.type != "boolean":
                    row[fname] = None
            row["total"] = rounded(sum(
                row.get(fname) or 0.0
                for fname in ("amount_residual", "interest", "flat_fee", "penalty")))
            rows.append(row)
        given = set().union(*rows)
        defaults = Line.default_get([name for name in columns if name not in given])
        names = sorted(given | set(defaults))
        now = self.env.cr.now()
        self.env.cr.execute(SQL(
            """INSERT INTO %s (%s, create_uid, create_date, write_uid, write_date)
               SELECT %s, %s, %s, %s, %s FROM jsonb_to_recordset(%s::jsonb) AS line(%s)
               RETURNING id""",
            SQL.identifier(Line._table),
            SQL(", ").join(SQL.identifier(name) for name in names),
            SQL(", ").join(SQL.identifier("line", name) for name in names),
            self.env.uid, now, self.env.uid, now,
            json.dumps([dict(defaults, **row) for row in rows], default=str),
            SQL(", ").join(SQL("%s %s", SQL.identifier(name), SQL(columns[name].column_type[1]))
                           for name in names),
        ))
        lines = Line.browse(sorted(line_id for [line_id] in self.env.cr.fetchall()))
        Letter.invalidate_model(["line_ids"])
        self.invalidate_model(["dunning_letter_line_ids"])
        lines.modified(names, create=True)
        for field in Line._fields.values():
            if field.compute and field.store:
                # written above
                self.env.remove_to_compute(field, lines)
        return lines

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

    def _prepare_dunning_letter_vals(self, today, level, currency, contact):
        partner = self.commercial_partner_id
        has_email = bool(contact.email)
        by_post = "registered" if level.action_registered else (
            "letter" if level.action_letter or (level.action_email and not has_email) else "none")
        return {
            "company_id": self.company_id.id,
            "partner_id": partner.id,
            "contact_id": contact.id,
            "level_id": level.id,
            "date": today,
            "currency_id": currency.id,
            "lang": contact.lang or partner.lang,
            "by_email": level.action_email and has_email,
            "by_post": by_post,
            "is_b2b": partner.dunning_is_b2b,
        }

    def _prepare_dunning_line_vals(self, move, claim, is_due):
        vals = {
            "move_id": move.id,
            "is_due": is_due,
            "date_due": move.invoice_date_due or move.invoice_date,
            "amount_total": move.amount_total,
            "amount_residual": float(claim["amount_residual"]),
            "days_late": claim["days_late"],
        }
        if is_due:
            vals.update({
                "previous_level_id": move.dunning_level_id.id,
                "previous_date": move.dunning_last_date,
                "interest": float(claim["interest"]),
                "interest_periods": claim["interest_periods"],
                "flat_fee": float(claim["flat_fee"]),
                "penalty": float(claim["penalty"]),
                "damages_announced": float(claim["damages_announced"]),
            })
        return vals

    # ------------------------------------------------------------
    # PUBLIC ACTIONS
    # ------------------------------------------------------------

    def action_dunning_escalate(self):
        """Escalate now: what the nightly run does, for the selected invoices."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        if not invoices:
            raise UserError(self.env._("Select customer invoices to escalate."))
        letters = invoices._dunning_escalate()
        if not letters:
            raise UserError(self.env._(
                "None of the selected invoices is due for its next dunning step today "
                "(paid, blocked, excluded, below the minimum, already escalated today, or at "
                "the last level)."))
        return letters._get_records_action(name=self.env._("Dunning letters"))

    def action_open_dunning_letters(self):
        self.ensure_one()
        return self.dunning_letter_line_ids.letter_id._get_records_action(
            name=self.env._("Dunning letters"))

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _cron_account_dunning(self, batch_size=200):
        """Nightly escalation, a batch of customers at a time.

        The runner commits after each call and calls again while customers remain. A
        cursor (the last customer done today) makes a crashed run resume where it stopped
        and keeps a customer that fails from blocking the others.
        """
        today = fields.Date.context_today(self)
        Param = self.env["ir.config_parameter"].sudo()
        day, _sep, last_id = (Param.get_param(CRON_CURSOR) or "").partition(":")
        after = int(last_id) if day == str(today) and last_id else 0
        domain = self._get_dunning_due_domain(today)
        partners = sorted(
            (partner for [partner] in self._read_group(domain, ["commercial_partner_id"])
             if partner.id > after),
            key=lambda partner: partner.id,
        )
        batch = self.env["res.partner"].concat(*partners[:batch_size])
        letters = self.env["account.dunning.letter"]
        if batch:
            moves = self.search(domain + [("commercial_partner_id", "in", batch.ids)])
            letters = moves._dunning_escalate(today)
            Param.set_param(CRON_CURSOR, f"{today}:{batch[-1].id}")
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=len(partners) - len(batch))
        return letters
