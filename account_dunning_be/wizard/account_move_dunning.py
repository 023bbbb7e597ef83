import io
import json
from datetime import timedelta
from decimal import Decimal

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .. import law
from ..models.account_dunning_claim import CLAIM_PAYMENT_DAYS
from ..models.account_dunning_escalation import HAND_OVER
from ..models.account_move import DIALOG_CONTEXT
from ..tools import (
    CLOSE,
    format_amount,
    format_date,
    format_number,
    notification_action,
    to_decimal,
)


class AccountMoveDunning(models.TransientModel):
    """The dunning wizard: what each selected invoice lets the company claim on a date,
    what court would cost per customer, and the actions on it."""

    _name = "account.move.dunning"
    _description = "Dunning wizard"
    _check_company_auto = True

    date = fields.Date(
        string="Computation date", required=True,
        default=lambda self: fields.Date.context_today(self),
    )
    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    line_ids = fields.One2many(
        "account.move.dunning.line", "wizard_id", string="Invoice lines",
        compute="_compute_line_ids", store=True, readonly=False,
    )
    partner_ids = fields.One2many(
        "account.move.dunning.partner", "wizard_id", string="Customers",
        compute="_compute_partner_ids", store=True, readonly=False,
    )
    warning = fields.Text(compute="_compute_warning")
    missing_rate = fields.Boolean(compute="_compute_warning")
    amount_total = fields.Monetary(string="Total claim", compute="_compute_amount_total")
    level_id = fields.Many2one(
        "account.dunning.level", string="Level",
        domain="[('company_id', '=', company_id)]",
        help="Leave empty to send each invoice's next level. A consumer's invoice that never "
        "received its first reminder gets the first level whatever is chosen here.",
    )
    block_until = fields.Date(string="Blocked until")
    block_note = fields.Char(string="Note")
    state = fields.Selection(
        [("edit", "Edit"), ("confirm_claim", "Confirm the claim"),
         ("confirm_letters", "Confirm the letters")],
        default="edit", required=True,
        help="Posting a claim and sending letters first show what will be done: nothing "
        "is created before Confirm.",
    )
    # built by the wizard from escaped values (markupsafe), never from user HTML
    preview = fields.Html(readonly=True, sanitize=False, help="What Confirm will post or send.")

    # ------------------------------------------------------------
    # DEFAULTS AND CHECKS
    # ------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") != "account.move":
            return values
        moves = self.env["account.move"].browse(self.env.context.get("active_ids") or [])
        moves._dunning_wizard_check()
        values.update({
            "move_ids": [Command.set(moves.ids)],
            "company_id": moves.company_id.id,
            "currency_id": moves.currency_id.id,
        })
        return values

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("move_ids") and not vals.get("company_id"):
                moves = self.new({"move_ids": vals["move_ids"]}).move_ids._origin
                moves._dunning_wizard_check()
                vals["company_id"] = moves.company_id.id
                vals["currency_id"] = moves.currency_id.id
        return super().create(vals_list)

    def _check_date(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.date > today:
            raise UserError(self.env._(
                "The computation date %(date)s is in the future: interest, fees and letters "
                "can only be dated today (%(today)s) or earlier.",
                date=format_date(self.env, self.date), today=format_date(self.env, today)))
        early = self.move_ids.filtered(
            lambda m: (m.invoice_date_due or m.invoice_date) > self.date)
        if early:
            raise UserError(self.env._(
                "The computation date %(date)s is before the due date of %(invoices)s: "
                "nothing is owed yet on it.",
                date=format_date(self.env, self.date),
                invoices=", ".join(early.mapped("name"))))

    def _missing_rate_text(self, error, interest_to):
        """(semester label, translated message) for a ``law.MissingRate`` that stopped
        the interest after ``interest_to``."""
        if not error:
            return False, False
        return error.semester, self.env._(
            "Interest up to %(date)s only: no interest rate for semester %(semester)s "
            "(%(date_from)s to %(date_to)s) in the rate table.",
            date=format_date(self.env, interest_to), semester=error.semester,
            date_from=format_date(self.env, error.date_from),
            date_to=format_date(self.env, error.date_to))

    def _check_ready(self):
        """Everything an action needs: a date on or after every due date. A missing
        semester does not stop it: the interest runs to the last day the rates cover."""
        self.ensure_one()
        self.move_ids._dunning_wizard_check()
        self._check_date()

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("date", "move_ids")
    def _compute_line_ids(self):
        for wizard in self:
            commands = [Command.clear()]
            if wizard.date and wizard.move_ids:
                commands += [Command.create(vals) for vals in wizard._prepare_line_vals()]
            wizard.line_ids = commands

    @api.depends("line_ids")
    def _compute_partner_ids(self):
        for wizard in self:
            partners = wizard.line_ids.partner_id
            wizard.partner_ids = [Command.clear()] + [
                Command.create({"partner_id": partner.id}) for partner in partners]

    @api.depends("line_ids.interest_error", "line_ids.interest_periods", "date", "move_ids",
                 "company_id")
    def _compute_warning(self):
        for wizard in self:
            messages = []
            if wizard.date and wizard.date > fields.Date.context_today(wizard):
                messages.append(self.env._(
                    "The computation date is in the future: nothing can be claimed or sent "
                    "on it."))
            early = wizard.move_ids.filtered(
                lambda m, w=wizard: w.date and (m.invoice_date_due or m.invoice_date) > w.date)
            if early:
                messages.append(self.env._(
                    "The computation date is before the due date of %(invoices)s.",
                    invoices=", ".join(early.mapped("name"))))
            errors = wizard.line_ids.filtered("interest_error")
            wizard.missing_rate = bool(errors)
            for semester, lines in errors.grouped("interest_missing_semester").items():
                messages.append(self.env._(
                    "No interest rate for semester %(semester)s: the interest of %(invoices)s "
                    "stops on %(date)s, the last day the rate table covers. Add the rate (or "
                    "derive it from the ECB rate) to claim the rest; a claim posted now runs "
                    "to %(date)s only.",
                    semester=semester, invoices=", ".join(lines.move_id.mapped("name")),
                    date=format_date(self.env, min(lines.mapped("interest_date_to")))))
            messages += wizard._get_derived_rate_warnings()
            messages += wizard._get_estimate_warnings()
            wizard.warning = "\n".join(messages) or False

    def _get_derived_rate_warnings(self):
        """A warning per derived rate (computed from the ECB rate, not yet published)
        the lines' interest runs at."""
        self.ensure_one()
        periods = [period for line in self.line_ids
                   for period in json.loads(line.interest_periods or "[]")]
        if not periods:
            return []
        first = min(fields.Date.to_date(p["date_from"]) for p in periods)
        last = max(fields.Date.to_date(p["date_to"]) for p in periods)
        derived = self.env["account.dunning.rate"].sudo().search([
            ("status", "=", "derived"), ("date_from", "<=", last), ("date_to", ">=", first),
        ], order="date_from")
        used = derived.filtered(lambda rate: any(
            fields.Date.to_date(p["date_from"]) <= rate.date_to
            and fields.Date.to_date(p["date_to"]) >= rate.date_from
            and Decimal(p["rate"]) == to_decimal(rate.rate) for p in periods))
        return [self.env._(
            "The rate of %(rate)s %% from %(date_from)s to %(date_to)s is only derived from "
            "the ECB rate: check it against the rate published in the Moniteur belge before "
            "claiming.",
            rate=format_number(self.env, rate.rate),
            date_from=format_date(self.env, rate.date_from),
            date_to=format_date(self.env, rate.date_to)) for rate in used]

    def _get_estimate_warnings(self):
        """A warning when the company estimates no bailiff or no lawyer: the cost to
        advance then leaves them out."""
        self.ensure_one()
        company = self.company_id
        if not company or not self.line_ids:
            return []
        return self.env["account.move.dunning.partner"]._get_estimate_warnings(company)

    @api.depends("line_ids.total")
    def _compute_amount_total(self):
        for wizard in self:
            wizard.amount_total = sum(wizard.line_ids.mapped("total"))

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _prepare_line_vals(self):
        """One line per invoice, from what ``law.invoice_claim`` lets it claim on the
        date (everything the law and the terms allow), less what was already claimed on
        a posted claim invoice."""
        self.ensure_one()
        moves = self.move_ids._origin if self.move_ids._origin else self.move_ids
        moves = moves.sorted(lambda m: (m.commercial_partner_id.id, m.invoice_date_due or
                                        m.invoice_date, m.id))
        claims = moves._dunning_get_claims(self.date)
        claimed = moves._dunning_claimed()
        history = moves._dunning_balance_history()
        vals_list = []
        for move in moves:
            claim = claims[move.id]
            done = claimed[move.id]
            periods = [
                {"date_from": str(p.date_from), "date_to": str(p.date_to), "days": p.days,
                 "base": str(p.base), "rate": str(p.rate), "amount": str(p.amount)}
                for p in (claim.interest_result.periods if claim.interest_result else [])
            ]
            date_from = claim.interest_start or False
            note = []
            if claim.status == law.CLAIM_INVOICE:
                note.append(self.env._(
                    "An invoice of interest and fees: it bears no interest, fee or penalty."))
            if done["interest_to"]:
                # the lawful interest to this date, less what earlier claims charged
                date_from = done["interest_to"] + timedelta(days=1)
                note.append(self.env._(
                    "Interest claimed up to %(date)s: %(amount)s.",
                    date=format_date(self.env, done["interest_to"]),
                    amount=format_amount(self.env, done["interest"], move.currency_id)))
            date_to = claim.interest_end or (self.date if date_from else False)
            semester, error = self._missing_rate_text(claim.missing_rate, date_to)
            if done["flat_fee"]:
                note.append(self.env._("Flat fee already claimed."))
            if done["penalty"]:
                note.append(self.env._("Penalty or damages already claimed."))
            if claim.status in (law.ANNOUNCED, law.WAITING):
                note.append(self.env._(
                    "Consumer: nothing may be charged before a reminder announced the amounts "
                    "and its 14-day waiting period ran out%(until)s.",
                    until=self.env._(" (until %(date)s)", date=format_date(
                        self.env, claim.waiting_end)) if claim.waiting_end else ""))
            vals_list.append({
                "move_id": move.id,
                "days_late": claim.days_late,
                "amount_residual": float(claim.balance),
                "balance_history": history[move.id],
                "interest": float(claim.interest),
                "interest_computed": float(claim.interest_total),
                "interest_periods_text": self._format_periods(periods, move.currency_id),
                "interest_periods": json.dumps(periods),
                "interest_date_from": date_from,
                "interest_date_to": date_to,
                "interest_error": error,
                "interest_missing_semester": semester,
                "claimed_up_to": done["interest_to"],
                "flat_fee": float(claim.flat_fee),
                "penalty": float(claim.penalty),
                "interest_max": float(claim.interest),
                "flat_fee_max": float(claim.flat_fee),
                "penalty_max": float(claim.penalty),
                "damages_announced": float(claim.damages_announced),
                "is_b2b": move.commercial_partner_id.dunning_is_b2b,
                "note": "\n".join(note) or False,
            })
        return vals_list

    def _format_periods(self, periods, currency):
        return "\n".join(
            self.env._(
                "%(date_from)s to %(date_to)s: %(days)s days on %(base)s at %(rate)s %% = "
                "%(amount)s",
                date_from=format_date(self.env, fields.Date.to_date(period["date_from"])),
                date_to=format_date(self.env, fields.Date.to_date(period["date_to"])),
                days=period["days"],
                base=format_amount(self.env, Decimal(period["base"]), currency),
                rate=format_number(self.env, period["rate"]),
                amount=format_amount(self.env, Decimal(period["amount"]), currency))
            for period in periods
        ) or False

    def _get_court_costs(self, claim, is_b2b):
        """law.injunction_costs with the company's tables and estimates, or None with the
        reason when a figure is missing."""
        company = self.company_id
        try:
            return law.injunction_costs(
                claim, is_b2b, self.date,
                bailiff_estimate=to_decimal(company.dunning_bailiff_estimate),
                lawyer_estimate=to_decimal(company.dunning_lawyer_estimate),
                cost_table=self.env["account.dunning.court.cost"]._get_table(),
                indemnity_table=self.env["account.dunning.indemnity.bracket"]._get_table(),
            ), False
        except law.MissingFigure as error:
            figures = {
                "roll_fee": self.env._("court roll fee"),
                "legal_aid_fund_contribution": self.env._("legal aid fund contribution"),
                "procedural_indemnity": self.env._("procedural indemnity bracket"),
            }
            # law/ names the figure "item (court)"
            item, _sep, court = error.item.partition(" (")
            courts = dict(self.env["account.move.dunning.partner"]._fields["court"]
                          ._description_selection(self.env))
            figure = figures.get(item, item)
            if court:
                figure = f"{figure} ({courts.get(court.rstrip(')'), court.rstrip(')'))})"
            return None, self.env._(
                "The court cost tables have no %(figure)s valid on %(date)s: add it under "
                "Invoicing > Configuration > Dunning.",
                figure=figure, date=format_date(self.env, error.on_date))

    # ------------------------------------------------------------
    # PUBLIC ACTIONS
    # ------------------------------------------------------------

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Dunning"),
            "context": DIALOG_CONTEXT,
        }

    def action_recompute(self):
        """Recompute the lines (after a change of date); edits are lost."""
        self.ensure_one()
        self._compute_line_ids()
        return self._reopen()

    def action_post_claim(self):
        """Show what posting the claim does: per customer the claim invoice's lines and
        total. Nothing is created before :meth:`action_confirm`."""
        self.ensure_one()
        lines = self._get_claim_lines()
        self.write({"state": "confirm_claim", "preview": self._get_claim_preview(lines)})
        return self._reopen()

    def action_send_letters(self):
        """Show which customer gets which level by which channel, and the invoices each
        letter lists. Nothing is created or sent before :meth:`action_confirm`."""
        self.ensure_one()
        partners = self._get_letter_partners()
        steps = self._get_letter_steps(partners)
        if not any(step and step is not HAND_OVER for _key, step, _moves in steps):
            raise UserError(self._no_letter_message())
        self.write({"state": "confirm_letters", "preview": self._get_letters_preview(steps)})
        return self._reopen()

    def action_confirm(self):
        """Post the claim or send the letters the preview showed."""
        self.ensure_one()
        if self.state == "confirm_claim":
            return self._post_claim()
        if self.state == "confirm_letters":
            return self._send_letters()
        raise UserError(self.env._("Nothing to confirm: choose Post the claim or Send letters."))

    def action_back(self):
        """Back from the preview to the lines, nothing done."""
        self.ensure_one()
        self.write({"state": "edit", "preview": False})
        return self._reopen()

    # ------------------------------------------------------------
    # BUSINESS METHODS: claims and letters
    # ------------------------------------------------------------

    def _get_claim_lines(self):
        """The lines a claim charges, checked: nothing is posted from a wrong figure."""
        self._check_ready()
        lines = self.line_ids.filtered(lambda line: line.total_claim > 0)
        if not lines:
            raise UserError(self.env._(
                "Nothing to claim: the selected invoices give no interest, flat fee or penalty "
                "on %(date)s, or it was already claimed.",
                date=format_date(self.env, self.date)))
        lines._check_not_claimed()
        return lines

    def _post_claim(self):
        """One claim invoice per customer for the interest, flat fees and penalties of the
        lines; the original invoices are not changed."""
        lines = self._get_claim_lines()
        lines.move_id._dunning_lock_for_claim()
        lines._check_not_claimed()
        Claim = self.env["account.dunning.claim"]
        claims = self.env["account.move"]
        for partner_lines in lines.grouped("partner_id").values():
            claims |= Claim._create_claim_move(
                partner_lines.move_id, partner_lines._prepare_claim_vals_list(), self.date)
        return claims._get_records_action(name=self.env._("Claims"))

    def _get_claim_preview(self, lines):
        """HTML: per customer the lines its claim invoice will have (in the customer's
        language, as posted) and their total."""
        _ = self.env._
        parts = []
        for partner, partner_lines in lines.grouped("partner_id").items():
            move_vals = self.env["account.dunning.claim"].with_context(
                lang=partner.lang)._prepare_claim_move_vals(
                partner_lines.move_id, partner_lines._prepare_claim_vals_list(), self.date)
            rows = [(vals["name"], vals["price_unit"])
                    for _cmd, _id, vals in move_vals["invoice_line_ids"]]
            total = sum(amount for _name, amount in rows)
            parts.append(Markup(
                "<h5>%s</h5><table class='table table-sm o_dunning_preview'>"
                "<tbody>%s</tbody><tfoot><tr><th>%s</th>"
                "<th class='text-end text-nowrap'>%s</th></tr></tfoot></table>") % (
                    partner.display_name,
                    Markup("").join(
                        Markup("<tr><td>%s</td><td class='text-end text-nowrap'>%s</td></tr>")
                        % (name, format_amount(self.env, amount, self.currency_id))
                        for name, amount in rows),
                    _("Total of the claim invoice"),
                    format_amount(self.env, total, self.currency_id)))
        intro = _("Confirm posts these claim invoices, dated %(date)s, payable within "
                  "%(days)s days:", date=format_date(self.env, self.date), days=CLAIM_PAYMENT_DAYS)
        return Markup("<p>%s</p>") % intro + Markup("").join(parts)

    def _get_letter_partners(self):
        """The customers the letters go to, checked: a letter is dated today."""
        self._check_ready()
        today = fields.Date.context_today(self)
        if self.date != today:
            raise UserError(self.env._(
                "Letters are dated and sent today: set the computation date to %(today)s to "
                "send them.", today=format_date(self.env, today)))
        partners = self.line_ids.move_id.commercial_partner_id
        self._check_level_not_reached(partners)
        return partners

    def _get_letter_steps(self, partners):
        """[(file key, step, overdue invoices)]: what the escalation service would do for
        each customer file today (a level, ``HAND_OVER`` or None), decided by its own
        rules, without creating anything."""
        Escalation = self.env["account.dunning.escalation"]
        groups = Escalation._get_open_items(self.date, partners)
        files = Escalation._get_open_files(groups)
        closed_last = Escalation._get_closed_last_letters(
            [key for key in groups if key not in files])
        ladders = self.env["account.dunning.level"]._get_ladders(
            self.env["res.company"].concat(*{key[1] for key in groups}))
        return [(key, Escalation._get_step(
            files.get(key), moves, self.date, ladders[key[1].id], level=self.level_id,
            ignore_delay=True, closed_last=closed_last), moves)
            for key, moves in groups.items()]

    def _get_letter_channel(self, level, partner):
        """How the letter of ``level`` reaches ``partner``, as the letter will say it."""
        _ = self.env._
        contact = partner._get_dunning_contact()
        channels = []
        if level.action_email and contact.email:
            channels.append(_("e-mail to %(email)s", email=contact.email))
        if level.action_registered:
            channels.append(_("registered letter"))
        elif level.action_letter or (level.action_email and not contact.email):
            channels.append(_("letter by post"))
        return ", ".join(channels) or _("no e-mail or letter (phone call)")

    def _get_letters_preview(self, steps):
        """HTML: per customer the level, the channel and the invoices its letter lists."""
        _ = self.env._
        parts = []
        for key, step, moves in steps:
            partner = key[0]
            if step is HAND_OVER:
                what = _("no letter: the final level's deadline passed, the file is handed "
                         "over")
            elif not step:
                what = _("no letter today (the last letter's deadline has not passed, or "
                         "it waits for review)")
            else:
                what = _("%(level)s by %(channel)s", level=step.name,
                         channel=self._get_letter_channel(step, partner))
            rows = Markup("").join(
                Markup("<tr><td class='text-nowrap'>%s</td><td class='text-nowrap'>%s</td>"
                       "<td class='text-end text-nowrap'>%s</td></tr>") % (
                    move.name, format_date(self.env, move.invoice_date_due or move.invoice_date),
                    format_amount(self.env, move.amount_residual, move.currency_id))
                for move in moves) if step and step is not HAND_OVER else Markup("")
            parts.append(Markup(
                "<h5>%s: %s</h5><table class='table table-sm o_dunning_preview'>"
                "<tbody>%s</tbody></table>") % (partner.display_name, what, rows))
        intro = _("Confirm creates and sends these letters, dated %(date)s; each lists every "
                  "overdue invoice of the customer:", date=format_date(self.env, self.date))
        return Markup("<p>%s</p>") % intro + Markup("").join(parts)

    def _no_letter_message(self):
        return self.env._(
            "No letter to send: the selected invoices are paid or their dunning is "
            "blocked, the last letter waits for review or its payment deadline (plus the "
            "days a transfer takes) has not passed, the file was handed over after the "
            "final level, or paper letters wait for a working day.")

    def _send_letters(self):
        """The next letter of each selected customer's file (or the chosen higher level),
        through the escalation service: each letter lists every overdue open invoice of
        the customer. The levels' delays do not hold it back; the last letter's payment
        deadline does. The letters are then sent (e-mail) or marked printed."""
        partners = self._get_letter_partners()
        letters = self.env["account.dunning.escalation"]._escalate(
            self.date, partners, level=self.level_id, ignore_delay=True)
        if not letters:
            raise UserError(self._no_letter_message())
        drafts = letters.filtered(lambda letter: letter.state == "draft")
        if drafts:
            drafts.action_send()
        return letters._get_records_action(name=self.env._("Dunning letters"))

    def _check_level_not_reached(self, partners):
        """A level chosen in the wizard takes a file up, never back to a level it reached:
        say so instead of sending the next level unasked."""
        if not self.level_id:
            return
        files = self.env["account.dunning.file"].search([
            ("partner_id", "in", partners.ids), ("company_id", "=", self.company_id.id),
            ("currency_id", "=", self.currency_id.id), ("state", "!=", "closed")])
        position = (self.level_id.sequence, self.level_id.id)
        reached = files.filtered(
            lambda f: f.level_id and (f.level_id.sequence, f.level_id.id) >= position)
        if reached:
            raise UserError(self.env._(
                "The dunning file of %(customer)s already reached %(stage)s: a file never "
                "goes back to a level. Choose a higher level, or leave the level empty to "
                "send its next one.",
                customer=reached[0].partner_id.display_name, stage=reached[0].level_id.name))

    def _block(self, reason):
        self.ensure_one()
        moves = self.line_ids.move_id or self.move_ids
        moves.write({
            "dunning_blocked": True,
            "dunning_block_reason": reason,
            "dunning_block_until": self.block_until,
            "dunning_block_note": self.block_note,
        })
        return moves

    def _notify(self, title, message):
        """A notification that says what was done, then the wizard closes."""
        return notification_action(message, next_action=CLOSE, title=title)

    def action_mark_disputed(self):
        """Block the invoices' dunning as disputed; a notification says so."""
        self.ensure_one()
        if not self.block_note:
            raise UserError(self.env._("Say what the customer disputes in the note."))
        moves = self._block("disputed")
        return self._notify(self.env._("Marked disputed"), self.env._(
            "%(invoices)s of %(customers)s marked disputed: no letter goes out for them until "
            "the dispute is settled.",
            invoices=", ".join(moves.mapped("name")),
            customers=", ".join(moves.commercial_partner_id.mapped("display_name"))))

    def action_payment_plan(self):
        """Block the invoices' dunning until the plan ends; a notification says so."""
        self.ensure_one()
        if not self.block_until:
            raise UserError(self.env._(
                "Give the date the payment plan ends: dunning resumes the day after."))
        if self.block_until < self.date:
            raise UserError(self.env._(
                "The payment plan cannot end on %(end)s, before the computation date %(date)s.",
                end=format_date(self.env, self.block_until),
                date=format_date(self.env, self.date)))
        moves = self._block("payment_plan")
        return self._notify(self.env._("Payment plan"), self.env._(
            "Payment plan until %(date)s for %(invoices)s of %(customers)s: dunning resumes on "
            "%(resume)s.",
            date=format_date(self.env, self.block_until), invoices=", ".join(moves.mapped("name")),
            customers=", ".join(moves.commercial_partner_id.mapped("display_name")),
            resume=format_date(self.env, self.block_until + timedelta(days=1))))

    def action_export_xlsx(self):
        """The claim as a spreadsheet for a lawyer or a bailiff."""
        self.ensure_one()
        self._check_ready()
        content = self._export_xlsx()
        attachment = self.env["ir.attachment"].create({
            "name": self.env._("Claim %(date)s.xlsx", date=fields.Date.to_string(self.date)),
            "raw": content,
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _export_xlsx(self):
        import xlsxwriter

        self.ensure_one()
        _ = self.env._
        buffer = io.BytesIO()
        # names, references and numbers typed by users are data, never formulas or links
        # (OWASP, CSV injection): every text cell is written as a string
        book = xlsxwriter.Workbook(buffer, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False,
        })
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0.00"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})

        def sheet(name, header, rows):
            ws = book.add_worksheet(name)
            for c, title in enumerate(header):
                ws.write_string(0, c, title, bold)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    if value is None or value is False:
                        ws.write_blank(r, c, None)
                    elif isinstance(value, float):
                        ws.write_number(r, c, value, money)
                    elif isinstance(value, int):
                        ws.write_number(r, c, value)
                    elif hasattr(value, "isoformat"):
                        ws.write_datetime(r, c, fields.Datetime.to_datetime(value), day)
                    else:
                        ws.write_string(r, c, str(value))
            ws.set_column(0, len(header) - 1, 18)
            return ws

        lines = self.line_ids
        sheet(_("Invoices"), [
            _("Customer"), _("Invoice"), _("Invoice date"), _("Due date"), _("Days late"),
            _("Amount"), _("Outstanding"), _("Interest"), _("Flat fee"),
            _("Penalty or damages"), _("Total claim"), _("Computation date"),
        ], [(
            line.partner_id.display_name, line.move_id.name, line.move_id.invoice_date,
            line.date_due, line.days_late, line.amount_total, line.amount_residual,
            line.interest, line.flat_fee, line.penalty, line.total, self.date,
        ) for line in lines])
        payments = []
        for move in lines.move_id:
            for entry in move._dunning_payment_entries():
                payments.append((move.name, entry["date"], entry["name"], entry["amount"]))
        sheet(_("Payments"), [_("Invoice"), _("Date"), _("Payment or credit note"),
                              _("Amount")], payments)
        periods = []
        for line in lines:
            for period in json.loads(line.interest_periods or "[]"):
                periods.append((
                    line.move_id.name, fields.Date.to_date(period["date_from"]),
                    fields.Date.to_date(period["date_to"]), period["days"],
                    float(period["base"]), float(period["rate"]), float(period["amount"])))
        sheet(_("Interest periods"), [_("Invoice"), _("From"), _("To"), _("Days"),
                                      _("Balance"), _("Rate (%)"), _("Interest")], periods)
        fees = []
        for line in lines:
            if line.flat_fee:
                fees.append((line.move_id.name, _("Flat recovery fee"), line.flat_fee))
            if line.penalty:
                fees.append((line.move_id.name, line.penalty_label, line.penalty))
        sheet(_("Fees"), [_("Invoice"), _("Fee"), _("Amount")], fees)
        reminders = self.env["account.dunning.letter.line"].search(
            [("move_id", "in", lines.move_id.ids), ("state", "in", ("sent", "printed"))],
            order="date, id")
        sheet(_("Reminders"), [_("Invoice"), _("Date"), _("Level"), _("Letter"),
                               _("Registered letter")], [(
            rem.move_id.name, rem.letter_id.registered_date or rem.date, rem.level_id.name,
            rem.letter_id.name, rem.letter_id.registered_number or "",
        ) for rem in reminders])
        book.close()
        return buffer.getvalue()
