import functools
import json
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from .. import law

_logger = logging.getLogger(__name__)

# The customers that failed in the cron run under way: "<run>:<id>,<id>"
CRON_SKIP = "account_dunning_be.cron_skip"
# What a file's next step is when the final level was reached
HAND_OVER = "hand_over"


class AccountDunningEscalation(models.AbstractModel):
    """The escalation service: the only path that creates dunning letters.

    Like Odoo's ``account.move.send``, an AbstractModel that its callers share: the
    nightly cron (``_cron_escalate``), "Escalate now" on the invoice list and the
    wizard's "Send letters" (``_escalate``). Per customer file (commercial partner,
    company, currency) and run it decides at most one step: the file's next level, or the
    hand-over after the final level, once it is due (``_get_step``). A letter lists every
    overdue open invoice of the customer that is not blocked or excluded, each with what
    ``law.invoice_claim`` lets it claim. Everything is written in batches: the queries of
    a run do not grow with the invoices per customer.
    """

    _name = "account.dunning.escalation"
    _description = "Dunning escalation"

    # ------------------------------------------------------------
    # ENTRY POINTS
    # ------------------------------------------------------------

    @api.model
    def _escalate(self, today, partners=None, level=None, ignore_delay=False):
        """One step for each customer file of ``partners`` (every customer when None)
        whose next step has come on ``today``; returns the letters created.

        ``level``: a higher level to reach than the next one (the wizard), never a lower
        one; a consumer's first letter stays the first level. ``ignore_delay``: the
        levels' delays do not hold back the step (the wizard, by hand); the payment
        deadline of the last letter always does. A customer that fails is logged and
        skipped; the others go on.
        """
        letters, _failed = self._escalate_customers(
            today, partners, level=level, ignore_delay=ignore_delay)
        return letters

    @api.model
    def _cron_escalate(self, batch_size=200):
        """The nightly escalation, a batch of customers at a time.

        The runner commits after each call and calls again while customers remain. What
        a batch did is no longer due, so a rerun the same day picks up exactly what is
        still due; a customer that failed is skipped for the rest of this run (the
        runner's ``lastcall``) and taken up again by the next one.
        """
        today = fields.Date.context_today(self)
        Param = self.env["ir.config_parameter"].sudo()
        run = str(self.env.context.get("lastcall") or today)
        skip_run, _sep, skip_ids = (Param.get_param(CRON_SKIP) or "").partition(":")
        skipped = {int(pid) for pid in skip_ids.split(",") if pid} if skip_run == run else set()
        Move = self.env["account.move"]
        if skip_run != run:
            # once a run, not once a batch: the scan covers every open file
            self.env["account.dunning.file"].search(
                [("state", "!=", "closed")])._close_settled(today)
        partners = sorted(
            (partner for [partner] in Move._read_group(
                Move._get_dunning_due_domain(today), ["commercial_partner_id"])
             if partner.id not in skipped),
            key=lambda partner: partner.id,
        )
        batch = self.env["res.partner"].concat(*partners[:batch_size])
        letters = self.env["account.dunning.letter"]
        if batch:
            letters, failed = self._escalate_customers(today, batch)
            if failed:
                skipped |= set(failed.ids)
            # a customer the batch left due (nothing to send yet) is not taken again
            # in this run either
            skipped |= set(batch.ids) - set(letters.partner_id.ids)
            Param.set_param(CRON_SKIP, f"{run}:{','.join(map(str, sorted(skipped)))}")
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=len(partners) - len(batch))
        return letters

    # ------------------------------------------------------------
    # THE DECISION: which step a file takes today
    # ------------------------------------------------------------

    @api.model
    def _get_step(self, file, moves, today, ladder, level=None, ignore_delay=False,
                  closed_last=None):
        """The step the customer file ``file`` (None: no open file yet) with the overdue
        invoices ``moves`` takes on ``today``: a level, ``HAND_OVER``, or None (nothing
        yet).

        - a handed-over file gets no more automatic letters; a letter waiting for review
          does not count as sent: the file waits;
        - the first level comes its delay (plus the days of grace) after the oldest due
          date; a next level its delay after the last letter was sent, and never before
          that letter's payment deadline plus the transfer days; the hand-over after the
          final level likewise after its deadline;
        - a new file's first letter waits, too, for the deadline of the last letter of
          the customer's previous file (``closed_last``: {partner id: that letter});
        - levels never go down; ``level`` may take a file higher than its next level;
        - paper letters are created on Belgian working days only; e-mail any day.
        """
        Level = self.env["account.dunning.level"]
        company = moves.company_id
        if file and file.state == "handed_over":
            return None
        last = file.last_letter_id if file else None
        if last and last.state == "draft":
            return None
        current = file.level_id if file and last else Level
        next_level = Level._next_level(ladder, current)
        if last:
            # the latest deadline the file's letters gave (its earlier history may have
            # given a later one than the last letter)
            deadline = max(filter(None, (last.payment_deadline, file.payment_deadline)))
            if not next_level or current.is_final:
                due_on = file._get_next_date(None, last._get_sent_on(), deadline)
                return HAND_OVER if today >= due_on else None
            due_on = file._get_next_date(
                next_level, last._get_sent_on(), deadline, ignore_delay=ignore_delay)
        else:
            if not next_level:
                return None
            oldest = min(moves.mapped(lambda m: m.invoice_date_due or m.invoice_date))
            due_on = oldest + timedelta(
                days=0 if ignore_delay else next_level.delay + company.dunning_grace_days)
            closed = closed_last.get(moves.commercial_partner_id.id) if closed_last else None
            if closed:
                # the deadline of a closed file's last letter still holds for the customer
                # (the latest of the file: its earlier history may have given a later one)
                deadline = max(filter(None, (closed.payment_deadline,
                                             closed.file_id.payment_deadline)))
                due_on = max(due_on, self.env["account.dunning.file"]._earliest_after_deadline(
                    deadline, company))
        if today < due_on:
            return None
        target = next_level
        partner = moves.commercial_partner_id
        if level and level in ladder and ladder.index(level) > ladder.index(target) and (
                last or partner.dunning_is_b2b):
            # a consumer's first letter is the free first reminder (Book XIX)
            target = level
        contact = partner._get_dunning_contact()
        if target._goes_by_post(contact) and not law.is_working_day(today):
            return None
        if target.min_amount and sum(moves.mapped("amount_residual")) < target.min_amount:
            return None
        return target

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _get_open_items(self, today, partners=None):
        """The overdue open customer invoices a letter of ``today`` lists: not blocked,
        not excluded, not below the company's minimum; grouped per customer file key
        (commercial partner, company, currency), oldest due first."""
        Move = self.env["account.move"]
        domain = Move._get_dunning_open_items_domain(today)
        if partners is not None:
            domain += [("commercial_partner_id", "in", partners.commercial_partner_id.ids)]
        moves = Move.search(domain, order="commercial_partner_id, invoice_date_due, id")
        moves = moves.filtered(lambda m: m.amount_residual > 0
                               and m.amount_residual >= m.company_id.dunning_min_amount)
        return moves.grouped(lambda m: (m.commercial_partner_id, m.company_id, m.currency_id))

    @api.model
    def _get_open_files(self, keys):
        """{key: the open file} of the keys (commercial partner, company, currency)."""
        partners = self.env["res.partner"].concat(*{key[0] for key in keys})
        files = self.env["account.dunning.file"].search([
            ("partner_id", "in", partners.ids), ("state", "!=", "closed")])
        return {(f.partner_id, f.company_id, f.currency_id): f for f in files}

    @api.model
    def _get_closed_last_letters(self, keys):
        """{partner id: the last letter sent} of the closed files of the keys' customers
        (commercial partner, company, currency) that have no open file: one query."""
        if not keys:
            return {}
        letters = self.env["account.dunning.letter"].search([
            ("partner_id", "in", [key[0].id for key in keys]),
            ("file_id.state", "=", "closed"), ("state", "in", ("sent", "printed"))],
            order="date, id")
        wanted = {(key[0].id, key[1].id, key[2].id) for key in keys}
        return {
            letter.partner_id.id: letter for letter in letters
            if (letter.partner_id.id, letter.company_id.id, letter.currency_id.id) in wanted
        }

    @api.model
    def _escalate_customers(self, today, partners, level=None, ignore_delay=False):
        """(letters created, customers that failed) for the customers of ``partners``."""
        Letter = self.env["account.dunning.letter"]
        failed = self.env["res.partner"]
        groups = self._get_open_items(today, partners)
        if not groups:
            return Letter, failed
        files = self._get_open_files(groups)
        closed_last = self._get_closed_last_letters(
            [key for key in groups if key not in files])
        ladders = self.env["account.dunning.level"]._get_ladders(
            self.env["res.company"].concat(*{key[1] for key in groups}))
        steps, hand_overs, joining = {}, [], []
        for key, moves in groups.items():
            partner, company, _currency = key
            file = files.get(key)
            try:
                step = self._get_step(file, moves, today, ladders[company.id],
                                      level=level, ignore_delay=ignore_delay,
                                      closed_last=closed_last)
            except Exception:
                _logger.exception("Dunning of %s (%s) failed; the others go on",
                                  partner.display_name, company.name)
                failed |= partner
                continue
            if step is HAND_OVER:
                hand_overs.append(file)
            elif step:
                steps[key] = step
            elif file:
                # an invoice that fell due later joins the open file, at its pace
                joining.append((file, moves.filtered(lambda m, f=file: m.dunning_file_id != f)))
        self._join_files(joining)
        if hand_overs:
            self._hand_over(self.env["account.dunning.file"].concat(*hand_overs), today)
        if not steps:
            return Letter, failed
        try:
            with self.env.cr.savepoint():
                letters = self._create_letters(today, steps, groups, files)
        except Exception:
            _logger.warning("Dunning batch failed; retrying customer by customer", exc_info=True)
            letters = Letter
            for key, step in steps.items():
                try:
                    with self.env.cr.savepoint():
                        letters |= self._create_letters(today, {key: step}, groups, files)
                except Exception:
                    _logger.exception("Dunning of %s (%s) failed; the others go on",
                                      key[0].display_name, key[1].name)
                    failed |= key[0]
        self._auto_send(letters)
        return letters, failed

    @api.model
    def _join_files(self, joining):
        """Attach later overdue invoices to their customer's open file: their next step
        is the file's."""
        rows = [(file.id, move_id) for file, moves in joining for move_id in moves.ids]
        if not rows:
            return
        for file, moves in joining:
            if moves and file.state == "handed_over":
                # no automatic letter any more: the accountant decides for them too
                file.message_post(body=self.env._(
                    "%(invoices)s fell due and joined the file handed over to you: no "
                    "automatic letter is sent for it.",
                    invoices=", ".join(moves.mapped("name"))))
        moves = self.env["account.move"].browse([move_id for _file, move_id in rows])
        moves.flush_recordset(["dunning_file_id"])
        self.env.cr.execute(SQL(
            """UPDATE account_move AS move SET dunning_file_id = data.file_id
                 FROM unnest(%s::int[], %s::int[]) AS data(file_id, move_id)
                WHERE move.id = data.move_id""",
            [file_id for file_id, _move in rows], [move_id for _file, move_id in rows],
        ))
        moves.invalidate_recordset(["dunning_file_id"])
        moves.modified(["dunning_file_id"])

    @api.model
    def _create_letters(self, today, steps, groups, files):
        """One letter per file of ``steps`` ({key: level}), listing the key's overdue
        invoices of ``groups``; the files that do not exist yet are opened."""
        Letter = self.env["account.dunning.letter"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        File = self.env["account.dunning.file"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        new_keys = [key for key in steps if key not in files]
        new_files = File.create([
            {"partner_id": key[0].id, "company_id": key[1].id, "currency_id": key[2].id,
             "date_open": today}
            for key in new_keys
        ])
        files = {**files, **dict(zip(new_keys, new_files, strict=True))}
        moves = self.env["account.move"].concat(*(groups[key] for key in steps))
        asks = {
            move.id: steps[key]._get_asks()
            for key in steps for move in groups[key]
        }
        claims = moves._dunning_get_claims(today, asks)
        letter_vals, line_vals = [], []
        for key, level in steps.items():
            file = files[key]
            key_moves = groups[key]
            contact = key[0]._get_dunning_contact()
            vals = self._prepare_letter_vals(file, level, today, contact)
            missing = [(claims[m.id].missing_rate, claims[m.id].interest_end)
                       for m in key_moves if claims[m.id].missing_rate]
            if missing:
                vals["review_reason"] = self._missing_rate_reason(missing)
            letter_vals.append(vals)
            line_vals.append([
                self._prepare_line_vals(move, claims[move.id]) for move in key_moves])
        letters = Letter.create(letter_vals)
        self._insert_letter_lines([
            dict(line, letter_id=letter.id, currency_id=letter.currency_id.id)
            for letter, lines in zip(letters, line_vals, strict=True) for line in lines
        ])
        self._write_invoice_steps(letters, today)
        lettered = set(letters.file_id.ids)  # a set: files x letters would be quadratic
        File.concat(*files.values()).filtered(lambda f: f.id in lettered)._sync_from_letters()
        self._log_letters(letters)
        return letters

    @api.model
    def _missing_rate_reason(self, missing):
        """The review reason of a letter whose interest stops before its date:
        ``missing`` is [(law.MissingRate, last day of interest)]. The letter claims the
        interest up to that day only; the accountant adds the semester's rate."""
        by_semester = {}
        for error, interest_end in missing:
            known = by_semester.setdefault(error.semester, (error, interest_end))
            if interest_end and (not known[1] or interest_end < known[1]):
                by_semester[error.semester] = (error, interest_end)
        return "\n".join(self.env._(
            "No interest rate for semester %(semester)s (%(date_from)s to %(date_to)s): the "
            "letter claims interest up to %(date)s only. Add the rate to the rate table (or "
            "derive it from the ECB rate) to claim the rest.",
            semester=semester, date_from=format_date(self.env, error.date_from),
            date_to=format_date(self.env, error.date_to),
            date=format_date(self.env, interest_end) if interest_end else "")
            for semester, (error, interest_end) in sorted(by_semester.items()))

    @api.model
    def _prepare_letter_vals(self, file, level, today, contact):
        partner = file.partner_id
        has_email = bool(contact.email)
        by_post = "registered" if level.action_registered else (
            "letter" if level.action_letter or (level.action_email and not has_email) else "none")
        return {
            "file_id": file.id,
            "company_id": file.company_id.id,
            "partner_id": partner.id,
            "contact_id": contact.id,
            "level_id": level.id,
            "date": today,
            "currency_id": file.currency_id.id,
            "lang": contact.lang or partner.lang,
            "by_email": level.action_email and has_email,
            "by_post": by_post,
            "is_b2b": partner.dunning_is_b2b,
        }

    @api.model
    def _prepare_line_vals(self, move, claim):
        """A letter line: the invoice and what ``claim`` (a ``law.InvoiceClaim``) says."""
        result = claim.interest_result
        return {
            "move_id": move.id,
            "previous_level_id": move.dunning_level_id.id,
            "previous_date": move.dunning_last_date,
            "date_due": move.invoice_date_due or move.invoice_date,
            "amount_total": move.amount_total,
            "amount_residual": float(claim.balance),
            "days_late": claim.days_late,
            "claim_status": claim.status,
            "interest": float(claim.interest),
            "interest_invoiced": float(claim.interest_invoiced),
            "interest_date_from": claim.interest_start,
            "interest_periods": [
                {"date_from": str(p.date_from), "date_to": str(p.date_to), "days": p.days,
                 "base": str(p.base), "rate": str(p.rate), "amount": str(p.amount)}
                for p in result.periods
            ] if result else [],
            "flat_fee": float(claim.flat_fee),
            "penalty": float(claim.penalty),
            "damages_announced": float(claim.damages_announced),
            "waiting_end": claim.waiting_end,
        }

    @api.model
    def _write_invoice_steps(self, letters, today):
        """The invoices of ``letters`` take their letter's level, date and file: one
        UPDATE for all. ``account.move.write`` re-checks and re-synchronises every
        invoice's lines, queries per invoice for fields no accounting depends on."""
        Move = self.env["account.move"]
        rows = [
            (move_id, letter.level_id.id, letter.file_id.id)
            for letter in letters for move_id in letter.line_ids.move_id.ids
        ]
        if not rows:
            return
        fnames = ["dunning_level_id", "dunning_last_date", "dunning_file_id"]
        moves = Move.browse([row[0] for row in rows])
        moves.flush_recordset(fnames)
        self.env.cr.execute(SQL(
            """UPDATE account_move AS move
                  SET dunning_level_id = data.level_id, dunning_file_id = data.file_id,
                      dunning_last_date = %s
                 FROM unnest(%s::int[], %s::int[], %s::int[]) AS data(move_id, level_id, file_id)
                WHERE move.id = data.move_id""",
            today, [row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows],
        ))
        moves.invalidate_recordset(fnames)
        moves.modified(fnames)

    @api.model
    def _log_letters(self, letters):
        """Chatter notes on the invoices, the e-mail-less customers' letters, and the
        phone-call activities of the levels that ask for one."""
        bodies = {}
        for letter in letters:
            bodies.update(dict.fromkeys(letter.line_ids.move_id.ids, self.env._(
                "Dunning level %(level)s reached: letter %(letter)s.",
                level=letter.level_id.name, letter=letter.name)))
        self.env["account.move"].browse(list(bodies))._dunning_log_batch(bodies)
        no_email = letters.filtered(lambda lt: lt.level_id.action_email and not lt.by_email)
        no_email._message_log_batch(bodies={
            letter.id: self.env._(
                "%(customer)s has no e-mail address: this reminder goes by post.",
                customer=letter.contact_id.display_name)
            for letter in no_email
        })
        for letter in letters.filtered(lambda lt: lt.level_id.action_call):
            moves = letter.line_ids.move_id
            letter.activity_schedule(
                "mail.mail_activity_data_call",
                summary=self.env._("Call %(customer)s about the overdue invoices",
                                   customer=letter.partner_id.display_name),
                user_id=(letter.level_id.call_user_id or moves[:1].invoice_user_id
                         or self.env.user).id,
            )

    @api.model
    def _auto_send(self, letters):
        """Send the e-mail-only letters of the companies that want it; a problem the
        user must fix (no IBAN, ...) keeps the letter in review with the reason."""
        auto = letters.filtered(lambda lt: lt.company_id.dunning_auto_send and lt.by_email
                                and lt.by_post == "none" and not lt.review_reason)
        for letter in auto:
            try:
                with self.env.cr.savepoint():
                    letter.action_send()
            except UserError as error:
                letter.review_reason = str(error)

    @api.model
    def _hand_over(self, files, today, by_hand=False):
        """After the final level's deadline (or ``by_hand``, when the accountant marks the
        file done) the automatic letters end: the file is handed over, with an activity
        for the accountant naming the wizard's recommended route."""
        for file in files:
            moves = file.open_move_ids or file.move_ids.filtered(
                lambda m: m.payment_state in ("not_paid", "partial"))
            route = reasons = ""
            if moves:
                try:
                    with self.env.cr.savepoint():
                        wizard = self.env["account.move.dunning"].create({
                            "move_ids": [(6, 0, moves.ids)], "date": today})
                        summary = wizard.partner_ids[:1]
                        routes = dict(summary._fields["recommendation"]._description_selection(
                            self.env))
                        route = routes.get(summary.recommendation, "")
                        reasons = summary.recommendation_reasons or ""
                        wizard.unlink()
                except Exception:  # the hand-over must happen even without a recommendation
                    _logger.warning("No recommendation for the dunning file %s", file.name,
                                    exc_info=True)
            file.write({"state": "handed_over", "next_date": False})
            route = route or self.env._("open the dunning wizard to decide")
            if by_hand:
                note = self.env._(
                    "%(user)s took the file over at %(stage)s: no automatic letter any more. "
                    "Recommended route: %(route)s.", user=self.env.user.name,
                    stage=file.level_id.name or self.env._("no letter yet"), route=route)
            else:
                note = self.env._(
                    "The final level %(level)s went unanswered: the file is handed over to "
                    "you. Recommended route: %(route)s.", level=file.level_id.name,
                    route=route)
            if reasons:
                note += "\n" + reasons
            file.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Dunning handed over: %(route)s", route=route),
                note=note,
                user_id=(file.user_id or file.level_id.call_user_id
                         or moves[:1].invoice_user_id or self.env.user).id,
            )
            file.message_post(body=note)

    @api.model
    def _insert_letter_lines(self, vals_list):
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
            "company_id": letter.company_id.id, "file_id": letter.file_id.id,
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
        self.env["account.move"].invalidate_model(["dunning_letter_line_ids"])
        lines.modified(names, create=True)
        for field in Line._fields.values():
            if field.compute and field.store:
                # written above
                self.env.remove_to_compute(field, lines)
        return lines
