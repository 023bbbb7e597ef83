import json
import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .. import law
from ..tools import (
    SOFT_RELOAD,
    belgian_language_of_zip,
    format_amount,
    format_date,
    format_number,
    format_structured_reference_be,
    is_valid_structured_reference_be,
    notification_action,
)

LETTER_REPORT = "account_dunning_be.account_dunning_letter_report"
REGISTERED_BATCH_REPORT = "account_dunning_be.account_dunning_registered_letters_report"

# the texts of the letter: one per shipped level, chosen by flags for the others
LETTER_KEYS = ("friendly", "second", "formal_notice", "last_notice")
# the EPC QR code (EPC069-12) carries at most EUR 999,999,999.99
EPC_MAX_AMOUNT = 999_999_999.99
MAIL_TEMPLATE = "account_dunning_be.mail_template_dunning_letter"

# Forms of address are each language's conventions, not translations of one sentence:
# French names no one ("Madame,"), Dutch, German and English name the surname, and the
# closing answers the greeting. Keyed by language and by the addressee's title
# (``male``, ``female``, or None: the neutral form, for companies and untitled people).
SALUTATIONS = {
    "fr": {
        "male": ("Monsieur,",
                 "Veuillez agréer, Monsieur, l'expression de nos salutations distinguées."),
        "female": ("Madame,",
                   "Veuillez agréer, Madame, l'expression de nos salutations distinguées."),
        None: ("Madame, Monsieur,", "Veuillez agréer, Madame, Monsieur, l'expression de nos "
               "salutations distinguées."),
    },
    "nl": {
        "male": ("Geachte heer {name},", "Met vriendelijke groeten,"),
        "female": ("Geachte mevrouw {name},", "Met vriendelijke groeten,"),
        None: ("Geachte heer, mevrouw,", "Hoogachtend,"),
    },
    "de": {
        "male": ("Sehr geehrter Herr {name},", "Mit freundlichen Grüßen"),
        "female": ("Sehr geehrte Frau {name},", "Mit freundlichen Grüßen"),
        None: ("Sehr geehrte Damen und Herren,", "Mit freundlichen Grüßen"),
    },
    "en": {
        "male": ("Dear Mr {name},", "Yours sincerely,"),
        "female": ("Dear Ms {name},", "Yours sincerely,"),
        None: ("Dear Sir or Madam,", "Yours faithfully,"),
    },
}
TITLE_GENDERS = {
    "base.res_partner_title_mister": "male",
    "base.res_partner_title_madam": "female",
    "base.res_partner_title_miss": "female",
}


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
    is_history = fields.Boolean(
        string="Earlier history", readonly=True, copy=False,
        help="A letter the customer received that is not a step of the file: a letter of "
        "the first release (one per invoice) at a stage the file had already reached, or "
        "of a customer merged into this one. It is kept as it went out and its deadline "
        "holds; the file's stage comes from its other letters.",
    )

    payment_reference = fields.Char(
        string="Structured communication",
        compute="_compute_payment_reference",
        store=True,
        readonly=True,
        copy=False,
        help="What the customer mentions when paying: the invoice's own structured "
        "communication when the letter asks for one invoice's balance only, a new one for "
        "the letter when it lists several invoices or claims costs.",
    )
    # the name is older than the e-mail copy: it holds the letter as it went out by
    # either channel
    printed_attachment_id = fields.Many2one(
        "ir.attachment", string="Letter as sent", readonly=True, copy=False,
        help="The letter as it went out, kept to show what the customer received: the PDF "
        "attached to the e-mail, or the letter printed for the post.",
    )

    def init(self):
        # one live letter per file and level: a file never takes a level twice. Earlier
        # history shares levels (the first release wrote one letter per invoice): it is
        # not a step, and the ladder only climbs above the stage of the steps.
        self.env.cr.execute(SQL(
            "DROP INDEX IF EXISTS account_dunning_letter_file_level_uniq"))
        self.env.cr.execute(SQL("""
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_letter_file_step_uniq
                ON account_dunning_letter (file_id, level_id)
             WHERE state != 'cancelled' AND is_history IS NOT TRUE
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

    @api.depends("line_ids.move_id.payment_reference", "line_ids.interest",
                 "line_ids.flat_fee", "line_ids.penalty")
    def _compute_payment_reference(self):
        for letter in self:
            letter.payment_reference = letter._default_payment_reference() if letter.id else False

    def _default_payment_reference(self):
        """The invoice's own reference when the letter asks for exactly that invoice's
        balance; otherwise the letter's own, so that a payment of the letter's total is
        not taken for an overpayment of one invoice."""
        self.ensure_one()
        moves = self.line_ids.move_id
        claims_costs = any(line.interest or line.flat_fee or line.penalty
                           for line in self.line_ids)
        if len(moves) == 1 and not claims_costs and is_valid_structured_reference_be(
                moves.payment_reference or ""):
            return moves.payment_reference
        # 9 + the letter id on 9 digits: never one of l10n_be's invoice-id references
        return format_structured_reference_be(f"9{self.id:09d}"[-10:])

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        unnamed = defaultdict(list)
        for vals in vals_list:
            if not vals.get("lang") and vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals.get("contact_id")
                                                         or vals["partner_id"])
                vals["lang"] = self._get_default_letter_lang(partner)
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

    @api.model
    def _get_default_letter_lang(self, partner):
        """The language of a customer who has none: by the region of a Belgian postcode
        (French in Brussels and Wallonia, Dutch in Flanders, German in the East Cantons),
        else the company's; only among the installed languages."""
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        wanted = []
        if not partner.country_id or partner.country_id.code == "BE":
            region_lang = belgian_language_of_zip(partner.zip)
            if region_lang:
                wanted += [f"{region_lang}_BE", {"de": "de_DE", "fr": "fr_FR", "nl": "nl_NL"}[
                    region_lang]]
        wanted += [self.env.company.partner_id.lang, "en_US"]
        return next((code for code in wanted if code in installed), installed[0])

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

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains("registered_date", "date")
    def _check_registered_date(self):
        today = fields.Date.context_today(self)
        for letter in self.filtered("registered_date"):
            if letter.registered_date < letter.date:
                raise ValidationError(self.env._(
                    "The deposit date of letter %(letter)s (%(deposit)s) cannot be before the "
                    "letter's date (%(date)s).", letter=letter.name,
                    deposit=letter.registered_date, date=letter.date))
            # on a day the post office is closed, the next working day's list is today's
            latest = today if law.is_working_day(today) else law.add_working_days(today, 1)
            if letter.registered_date > latest:
                raise ValidationError(self.env._(
                    "The deposit date of letter %(letter)s (%(deposit)s) is in the future: "
                    "record it once the letter is at the post office.",
                    letter=letter.name, deposit=letter.registered_date))
            if not law.is_working_day(letter.registered_date):
                raise ValidationError(self.env._(
                    "The deposit date of letter %(letter)s (%(deposit)s) is not a working day: "
                    "the post office takes registered letters from Monday to Friday, public "
                    "holidays excepted. The next working day is %(next)s.",
                    letter=letter.name, deposit=letter._fmt_date_lang(letter.registered_date),
                    next=letter._fmt_date_lang(
                        law.add_working_days(letter.registered_date, 1))))

    # ------------------------------------------------------------
    # REPORT HELPERS (used by the QWeb letter)
    # ------------------------------------------------------------

    def _get_letter_key(self):
        """Which text the letter takes: the shipped level's key, or one by the level's flags."""
        self.ensure_one()
        level = self.level_id
        if level.default_key in LETTER_KEYS:
            return level.default_key
        if level.is_final:
            return "last_notice"
        if level.is_formal_notice:
            return "formal_notice"
        if level.recall_terms:
            return "second"
        return "friendly"

    def _get_bank_account(self):
        """The creditor's account the customer pays to."""
        self.ensure_one()
        banks = self.line_ids.move_id.partner_bank_id.filtered(
            lambda bank: bank.active and bank.acc_number)
        if banks:
            return banks[:1]
        journal = self.env["account.journal"].search([
            ("company_id", "=", self.company_id.id), ("type", "=", "bank"),
            ("bank_account_id", "!=", False),
        ], limit=1)
        if journal.bank_account_id.active:
            return journal.bank_account_id
        return self.company_id.partner_id.bank_ids[:1]

    def _get_enterprise_number(self):
        """The company's enterprise number as 0123.456.789 (from its registry or VAT)."""
        self.ensure_one()
        company = self.company_id
        digits = re.sub(r"\D", "", company.company_registry or "") or (
            re.sub(r"\D", "", company.vat or "") if (company.vat or "").upper().startswith("BE")
            else "")
        if len(digits) == 9:
            digits = "0" + digits
        if len(digits) != 10:
            return company.company_registry or company.vat or ""
        return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"

    def _get_payment_deadline(self):
        """The date by which the customer must pay (the stored ``payment_deadline``)."""
        self.ensure_one()
        return self.payment_deadline

    def _get_waiting_period_end(self):
        """Last day of the consumer's Book XIX waiting period this letter opens."""
        self.ensure_one()
        return law.b2c_waiting_period_end(self._get_sent_on(), self._get_channel())

    def _get_consumer_rate(self, on_date):
        """The yearly rate a consumer's interest runs at from ``on_date``: the legal
        rate, or the contractual one capped by the B2B statutory rate; None if unknown."""
        self.ensure_one()
        Rate = self.env["account.dunning.rate"]
        contract = self.company_id.dunning_interest_rate
        table = Rate._get_rate_table("b2b" if contract else "legal")
        try:
            rate = law.statutory_b2b_rate(on_date, table)
        except law.MissingRate:
            return None
        return min(rate, Decimal(str(contract))) if contract else rate

    def _get_earlier_reminders(self):
        """The reminders already sent for the invoices of this letter, oldest first:
        [{'letter', 'date', 'channel' (translated), 'registered_number'}]."""
        self.ensure_one()
        letters = self.search([
            ("id", "!=", self.id),
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("state", "in", ("sent", "printed")),
            ("line_ids.move_id", "in", self.line_ids.move_id.ids),
            ("date", "<=", self.date),
        ], order="date, id")
        reminders = []
        for letter in letters:
            reminders.append({
                "letter": letter,
                "date": letter.registered_date or letter.date,
                "channel": self._get_channel_words(letter),
                "registered_number": letter.registered_number or "",
            })
        return reminders

    def _get_channel_words(self, letter=None):
        """How ``letter`` (default: this one) went, in words of this letter's language:
        "e-mail, letter" (German nouns keep their capital: "E-Mail, Brief")."""
        self.ensure_one()
        letter = letter or self
        _ = self.with_context(lang=self.lang or "en_US").env._
        channels = []
        if letter.by_email:
            channels.append(_("e-mail"))
        if letter.by_post == "letter":
            channels.append(_("letter"))
        elif letter.by_post == "registered":
            channels.append(_("registered letter"))
        return ", ".join(channels)

    def _get_epc_qr_vals(self):
        """What the EPC QR code carries: (amount, free communication, structured
        communication), or None when no QR code may be printed (not EUR, nothing due,
        above the EPC maximum of EUR 999,999,999.99)."""
        self.ensure_one()
        amount = self.currency_id.round(self.amount_total)
        if self.currency_id.name != "EUR" or amount <= 0 or amount > EPC_MAX_AMOUNT:
            return None
        reference = self.payment_reference or ""
        if is_valid_structured_reference_be(reference):
            return amount, "", re.sub(r"\D", "", reference)
        return amount, reference or self.name, ""

    def _get_epc_qr_image(self):
        """The EPC (SEPA credit transfer) QR code as a data URI, built by Odoo's
        ``account_qr_code_sepa`` on the creditor's bank account; False when none applies."""
        self.ensure_one()
        vals = self._get_epc_qr_vals()
        bank = self._get_bank_account()
        if not vals or not bank:
            return False
        amount, free, structured = vals
        return bank.build_qr_code_base64(
            amount, free, structured, self.currency_id, self.partner_id, qr_method="sct_qr",
            silent_errors=True) or False

    def _get_online_payment_providers(self):
        """The payment providers the customer can pay the letter with on the portal: the
        ones payment's own rules find for the company, the customer, the amount and the
        currency (enabled or in test mode), among those published for customers."""
        self.ensure_one()
        return self.env["payment.provider"].sudo()._get_compatible_providers(
            self.company_id.id, self.partner_id.id, self.amount_residual,
            currency_id=self.currency_id.id,
        ).filtered("is_published")

    def _get_online_payment_links(self):
        """{invoice: URL} of the portal page of each invoice the letter lists that can be
        paid online ("Pay now"), with the invoice's access token so that the customer
        needs no account; empty when no payment provider is available or online payment
        is off (account_payment's ``_has_to_be_paid``)."""
        self.ensure_one()
        moves = self.line_ids.move_id.filtered(lambda move: move._has_to_be_paid())
        if not moves or not self._get_online_payment_providers():
            return {}
        return {move: move.get_base_url() + move.get_portal_url() for move in moves}

    def _get_invoice_description(self, move):
        """What the invoice was for, in the letter's language: its reference, else its first
        product line, named as the product is in the letter's language when the line kept
        the product's own name, else the invoice's own text."""
        lines = move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        if move.ref:
            return move.ref
        line = lines[:1]
        label = (line.name or "").split("\n")[0]
        product = line.product_id
        if not product:
            return label
        lang = self.lang or "en_US"
        languages = {move.partner_id.lang, lang, "en_US", *[
            code for code, _name in self.env["res.lang"].get_installed()]}
        own_names = {product.with_context(lang=code).display_name for code in languages if code}
        if label in own_names:
            return product.with_context(lang=lang).display_name
        return label

    def _get_interest_periods(self, line):
        """The interest periods of ``line`` with dates and numbers, for the letter."""
        periods = []
        for period in line.interest_periods or []:
            periods.append({
                "date_from": fields.Date.to_date(period["date_from"]),
                "date_to": fields.Date.to_date(period["date_to"]),
                "days": period["days"],
                "base": float(period["base"]),
                "rate": float(period["rate"]),
                "amount": float(period["amount"]),
            })
        return periods

    def _get_subject_invoices(self):
        self.ensure_one()
        return ", ".join(self.line_ids.move_id.mapped("name"))

    def _get_customer_number(self):
        self.ensure_one()
        return self.partner_id.ref or str(self.partner_id.id)

    def _get_contact_person(self):
        """Who the customer can call: the invoices' salesperson, else the company."""
        self.ensure_one()
        user = self.line_ids.move_id.invoice_user_id.filtered(
            lambda u: not u._is_superuser() and not u.share)[:1]
        return user.partner_id if user else self.company_id.partner_id

    def _fmt_date(self, value):
        """A date written out in the letter's language: "1er août 2026", "1 augustus 2026",
        "1. August 2026", "1 August 2026"."""
        return self._fmt_date_lang(value, self.lang or "en_US")

    def _fmt_date_short(self, value):
        """A date in figures, for tables, as the letter's language writes it: 01/08/2026,
        01.08.2026 in German."""
        return format_date(self.env, value, self.lang or "en_US", "short")

    @api.model
    def _fmt_date_lang(self, value, lang=None):
        """A date written out in ``lang``, default the user's (the deposit list is for the
        post office, not for one customer)."""
        return format_date(self.env, value, lang, "long")

    def _get_salutation(self):
        """(greeting, closing) in the letter's language, from the addressee's title (Mister,
        Madam) when the letter goes to a person who has one; the neutral form otherwise."""
        self.ensure_one()
        person = self.contact_id or self.partner_id
        gender = None
        if person.title and not person.is_company:
            gender = next((gender for xmlid, gender in TITLE_GENDERS.items()
                           if self.env.ref(xmlid, raise_if_not_found=False) == person.title),
                          None)
        forms = SALUTATIONS.get((self.lang or "en_US").split("_")[0], SALUTATIONS["en"])
        greeting, closing = forms[gender]
        words = (person.name or "").split(None, 1)
        surname = words[-1] if words else ""
        return greeting.format(name=surname), closing

    def _fmt_breakable(self, text):
        """``text`` that may wrap after each slash (a structured communication, a long
        reference) rather than run beyond the margin."""
        return Markup("/<wbr/>").join(escape(part) for part in (text or "").split("/"))

    def _get_address_lines(self):
        """The recipient's address as printed in the envelope window: name, contact, street,
        postcode and city, and the country only when it is not the company's."""
        self.ensure_one()
        partner = self.partner_id
        contact = self.contact_id or partner
        lines = [partner.name or ""]
        if contact != partner and contact.name and contact.name != partner.name:
            lines.append(contact.name)
        address = contact.with_context(lang=self.lang or "en_US")._display_address(
            without_company=True)
        country = contact.country_id
        for line in address.split("\n"):
            line = line.strip()
            if not line or line in lines:
                continue
            if country and country == self.company_id.country_id and line == country.with_context(
                    lang=self.lang or "en_US").name:
                continue
            lines.append(line)
        return lines

    def _get_return_line(self):
        """The sender's return line over the window: name, street, postcode and city."""
        self.ensure_one()
        company = self.company_id
        city = " ".join(filter(None, [company.zip, company.city]))
        return " · ".join(filter(None, [company.name, company.street, company.street2, city]))

    def _get_register_line(self):
        """The enterprise number with the register of legal entities, in the letter's
        language: "Numéro d'entreprise : 0477.472.701 · RPM Bruxelles"."""
        self.ensure_one()
        letter = self.with_context(lang=self.lang or "en_US")
        register = letter.company_id.dunning_register
        number = letter.env._("Enterprise number: %(number)s",
                              number=letter._get_enterprise_number())
        return f"{number} · {register}" if register else number

    def _get_signatory(self):
        """(name, function) of who signs, on formal and last notices; (False, False)."""
        self.ensure_one()
        if self._get_letter_key() not in ("formal_notice", "last_notice"):
            return False, False
        company = self.company_id.with_context(lang=self.lang or "en_US")
        return company.dunning_signatory_name, company.dunning_signatory_function

    def _get_page_stamp(self):
        """What the PDF pipeline stamps on the pages of the letter (JSON): from page 2 on,
        the reference and the customer, and "page n / N"."""
        self.ensure_one()
        _ = self.with_context(lang=self.lang or "en_US").env._
        return json.dumps({
            "marker": f"letter-{self.id}",
            "model": self._name,
            "res_id": self.id,
            "header": f"{self.name} · {self.partner_id.name}",
            "page": _("page %(page)s / %(total)s"),
        })

    def _fmt_number(self, value, digits=None):
        """A figure (a rate, a percent) in the letter's language: 10,50 in French, 10.50 in
        English; ``digits=None`` drops trailing zeros (10 %, 12,5 %)."""
        return format_number(self.env, value, self.lang or "en_US", digits)

    def _fmt_amount(self, value):
        """An amount with its currency, in the letter's language, to the cent."""
        return format_amount(self.env, value, self.currency_id, self.lang or "en_US")

    def _get_letter_texts(self):
        """The sentences of the letter, in its language, values filled in.

        Sentences live in Python (``self.env._``) so that each translates whole, with its
        placeholders in the order the language needs; the template adds the headings.
        """
        self.ensure_one()
        letter = self.with_context(lang=self.lang or "en_US")
        _ = letter.env._
        key = letter._get_letter_key()
        company = letter.company_id
        bank = letter._get_bank_account()
        contact = letter._get_contact_person()
        amount = letter._fmt_amount(letter.amount_total)
        deadline = letter._fmt_date(letter._get_payment_deadline())
        titles = {
            "friendly": _("Payment reminder"),
            "second": _("Second reminder"),
            "formal_notice": _("Formal notice"),
            "last_notice": _("Last notice before legal action"),
        }
        invoices = letter._get_subject_invoices()
        texts = {
            "title": titles[key],
            "subject": (_("%(title)s: invoice %(invoices)s", title=titles[key], invoices=invoices)
                        if len(letter.line_ids.move_id) == 1 else
                        _("%(title)s: invoices %(invoices)s", title=titles[key],
                          invoices=invoices)),
            "place_date": _("%(place)s, %(date)s", place=company.city or "",
                            date=letter._fmt_date(letter.date)),
            "salutation": letter._get_salutation()[0],
            "paragraphs": [],
            "consumer": [],
            "notes": [],
            "next_step": "",
        }
        paragraphs = texts["paragraphs"]
        if key == "friendly":
            paragraphs.append(_(
                "According to our records, the payment of the invoices listed below has not "
                "reached us yet. It may simply have escaped your attention."))
            paragraphs.append(_(
                "We kindly ask you to pay %(amount)s by %(deadline)s at the latest.",
                amount=amount, deadline=deadline))
        elif key == "second":
            paragraphs.append(_(
                "Despite our previous reminder, the invoices listed below are still unpaid."))
            if letter.is_b2b:
                paragraphs.append(_(
                    "We remind you that under our general terms and conditions our invoices "
                    "are payable by their due date. Under the law of 2 August 2002 on late "
                    "payment in commercial transactions, late payment interest runs by law "
                    "from the day after the due date, and a flat compensation of EUR 40 is "
                    "due for each invoice paid late."))
            else:
                paragraphs.append(_(
                    "We remind you that under our general terms and conditions our invoices "
                    "are payable by their due date, and that late payment may give rise to "
                    "interest and damages within the limits of Book XIX of the Code of "
                    "Economic Law."))
            paragraphs.append(_(
                "We ask you to pay %(amount)s by %(deadline)s at the latest.",
                amount=amount, deadline=deadline))
        elif key == "formal_notice":
            paragraphs.append(_(
                "Despite our earlier reminders, listed below, the invoices below are still "
                "unpaid."))
            paragraphs.append(_(
                "By this letter we formally put you on notice to pay the amount of %(amount)s "
                "by %(deadline)s at the latest.", amount=amount, deadline=deadline))
            texts["next_step"] = _(
                "Failing payment by that date, we will without further notice apply for a "
                "summary payment order (injunction) or hand the claim over to a collection "
                "agency, the costs of which will be claimed from you.") if letter.is_b2b else _(
                "Failing payment by that date, we will without further notice take the claim "
                "to court. Towards a consumer we claim nothing beyond the damages and the "
                "interest stated in this letter, within the limits of Book XIX of the Code of "
                "Economic Law.")
        else:
            paragraphs.append(_(
                "Despite our reminders and our formal notice, listed below, the invoices below "
                "are still unpaid. This is our last notice before legal action."))
            paragraphs.append(_(
                "We demand payment of %(amount)s by %(deadline)s at the latest.",
                amount=amount, deadline=deadline))
            texts["next_step"] = _(
                "If the full amount has not reached us by that date, we will instruct a "
                "lawyer or a bailiff to recover it through the courts, without further "
                "notice. Court costs and the procedural indemnity will then also be claimed "
                "from you.")
        texts["consumer"] = letter._get_consumer_texts()
        texts["notes"] = letter._get_claim_notes()
        reference = letter.payment_reference or ""
        texts["payment"] = _(
            "Please transfer %(amount)s to the account %(iban)s of %(holder)s, mentioning the "
            "structured communication %(reference)s.",
            amount=amount, iban=bank.acc_number or "",
            holder=bank.acc_holder_name or bank.partner_id.name or company.name,
            reference=reference)
        texts["qr"] = _("Or scan this QR code with your banking app.")
        contact_bits = ", ".join(filter(None, [contact.phone or company.phone,
                                               contact.email or company.email]))
        texts["contact"] = _(
            "For any question about this letter, please contact %(name)s (%(details)s).",
            name=contact.name, details=contact_bits) if contact_bits else _(
            "For any question about this letter, please contact %(name)s.", name=contact.name)
        texts["ignore"] = _("If you have paid in the meantime, please ignore this letter.")
        texts["closing"] = letter._get_salutation()[1]
        return texts

    def _get_consumer_texts(self):
        """What a consumer letter says of the costs, invoice by invoice (Book XIX): the
        invoices this letter announces, with the exact damages and the interest rate that
        will be claimed after their waiting period, and the invoices whose waiting period
        still runs (no costs claimed yet). In the letter's language."""
        self.ensure_one()
        if self.is_b2b:
            return []
        letter = self.with_context(lang=self.lang or "en_US")
        _ = letter.env._
        texts = []
        lines = letter.line_ids
        announced = lines.filtered(lambda line: line.claim_status == law.ANNOUNCED)
        if announced:
            waiting_end = letter._get_waiting_period_end()
            damages = sum(announced.mapped("damages_announced"))
            rate = letter._get_consumer_rate(waiting_end + timedelta(days=1))
            texts.append(_(
                "For %(invoices)s this letter claims no costs, damages or interest: you have "
                "until %(date)s (14-day waiting period) to pay without any additional cost.",
                invoices=", ".join(announced.move_id.mapped("name")),
                date=letter._fmt_date(waiting_end)))
            if damages and rate is not None:
                texts.append(_(
                    "If it is not paid by that date, we will claim lump-sum damages of "
                    "%(damages)s (within the cap of Book XIX of the Code of Economic Law) and "
                    "late payment interest at the yearly rate of %(rate)s %% from %(start)s.",
                    damages=letter._fmt_amount(damages), rate=letter._fmt_number(rate),
                    start=letter._fmt_date(waiting_end + timedelta(days=1))))
            elif rate is not None:
                texts.append(_(
                    "If it is not paid by that date, we will claim late payment interest at "
                    "the yearly rate of %(rate)s %% from %(start)s.",
                    rate=letter._fmt_number(rate),
                    start=letter._fmt_date(waiting_end + timedelta(days=1))))
        for waiting_end, waiting in lines.filtered(
                lambda line: line.claim_status in (law.WAITING, law.REMINDER)
        ).grouped("waiting_end").items():
            rate = letter._get_consumer_rate(max(waiting_end, letter.date))
            texts.append(_(
                "No costs claimed yet for %(invoices)s (waiting period until %(date)s). We may "
                "claim the damages of %(damages)s announced in our reminder, and late payment "
                "interest at the yearly rate of %(rate)s %% from %(start)s.",
                invoices=", ".join(waiting.move_id.mapped("name")),
                date=letter._fmt_date(waiting_end),
                damages=letter._fmt_amount(sum(waiting.mapped("damages_announced"))),
                rate=letter._fmt_number(rate) if rate is not None else "-",
                start=letter._fmt_date(waiting_end + timedelta(days=1))))
        return texts

    def _get_claim_notes(self):
        """What the amounts claimed leave out, and why: what claim invoices already
        charged (deducted here, the claim invoices listed as open items)."""
        self.ensure_one()
        letter = self.with_context(lang=self.lang or "en_US")
        _ = letter.env._
        notes = []
        claims = letter.line_ids.filtered(lambda line: line.claim_status == law.CLAIM_INVOICE)
        invoiced = letter.line_ids.filtered("interest_invoiced")
        if claims:
            notes.append(_(
                "%(claims)s: our invoice of the interest and fees already charged; it is "
                "listed with the open items and bears no interest or fee itself.",
                claims=", ".join(claims.move_id.mapped("name"))))
        if invoiced:
            notes.append(_(
                "Interest already invoiced (%(amount)s) is deducted from the interest "
                "claimed here.", amount=letter._fmt_amount(sum(invoiced.mapped(
                    "interest_invoiced")))))
        return notes

    def _get_claim_rows(self):
        """The amounts claimed with their basis: [{'label', 'basis', 'amount'}]."""
        self.ensure_one()
        letter = self.with_context(lang=self.lang or "en_US")
        _ = letter.env._
        company = letter.company_id
        due = letter.line_ids
        rows = [{"label": _("Outstanding amount"), "basis": "",
                 "amount": letter.amount_residual}]
        if letter.amount_interest:
            if company.dunning_interest_rate:
                basis = _("Rate agreed in our general terms and conditions; periods below.")
            elif letter.is_b2b:
                basis = _("Statutory rate of the law of 2 August 2002 on late payment in "
                          "commercial transactions; periods below.")
            else:
                basis = _("Legal interest rate (law of 5 May 1865); periods below.")
            rows.append({"label": _("Late payment interest"), "basis": basis,
                         "amount": letter.amount_interest})
        if letter.amount_flat_fee:
            count = len(due.filtered("flat_fee"))
            rows.append({
                "label": _("Flat compensation for recovery costs"),
                "basis": _("EUR 40 for each invoice paid late (law of 2 August 2002, art. 6): "
                           "%(count)s invoice(s).", count=count),
                "amount": letter.amount_flat_fee})
        if letter.amount_penalty:
            if letter.is_b2b:
                percent = letter._fmt_number(company.dunning_penalty_percent)
                basis = _("Penalty clause of our general terms and conditions: %(percent)s %% "
                          "of the amount due", percent=percent)
                if company.dunning_penalty_min or company.dunning_penalty_max:
                    basis += " " + _(
                        "(minimum %(minimum)s, maximum %(maximum)s).",
                        minimum=letter._fmt_amount(company.dunning_penalty_min),
                        maximum=letter._fmt_amount(company.dunning_penalty_max))
                label = _("Penalty clause")
            else:
                label = _("Lump-sum damages")
                basis = _("Within the cap of Book XIX of the Code of Economic Law "
                          "(art. XIX.4).")
            rows.append({"label": label, "basis": basis, "amount": letter.amount_penalty})
        return rows

    # ------------------------------------------------------------
    # REPORT HELPERS: the deposit list (bpost)
    # ------------------------------------------------------------

    def _get_deposit_lang(self):
        """The language of the deposit list: French or Dutch, as chosen when printing
        (context ``dunning_deposit_lang``), else the company's setting, else the company's
        own language when it is Dutch, else French; among the installed languages."""
        company = self.company_id[:1] or self.env.company
        choice = (self.env.context.get("dunning_deposit_lang") or company.dunning_deposit_lang
                  or ("nl" if (company.partner_id.lang or "").startswith("nl") else "fr"))
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        wanted = [company.partner_id.lang] if (company.partner_id.lang or "").startswith(
            choice) else []
        wanted += [f"{choice}_BE", {"fr": "fr_FR", "nl": "nl_NL"}.get(choice, choice)]
        return next((code for code in wanted if code in installed), self.env.lang or "en_US")

    def _get_deposit_day(self):
        self.ensure_one()
        return self.registered_date or self.date

    def _get_deposit_groups(self):
        """[(deposit day, letters)], one deposit list a day, letters in reference order."""
        letters = self.filtered(lambda lt: lt.by_post == "registered")
        groups = letters.sorted(lambda lt: (lt._get_deposit_day(), lt.name)).grouped(
            lambda lt: lt._get_deposit_day())
        return sorted(groups.items())

    def _get_deposit_row(self):
        """{'addressee', 'address'} of the letter on the deposit list."""
        self.ensure_one()
        lines = self._get_address_lines()
        names = 2 if (self.contact_id and self.contact_id != self.partner_id
                      and len(lines) > 2 and lines[1] == self.contact_id.name) else 1
        return {"addressee": ", ".join(lines[:names]), "address": lines[names:]}

    def _get_deposit_stamp(self, day, lang):
        """The page stamp of the deposit list of ``day`` (JSON, as ``_get_page_stamp``)."""
        _ = self.with_context(lang=lang).env._
        company = self.company_id[:1]
        return json.dumps({
            "marker": f"deposit-{day}",
            "model": False,
            "res_id": False,
            "header": _("Deposit list of %(date)s · %(company)s",
                        date=self._fmt_date_lang(day, lang), company=company.name),
            "page": _("page %(page)s / %(total)s"),
        })

    @api.model
    def _get_deposit_working_day(self, day):
        """``day`` when the post office takes registered letters then, else the next
        working day."""
        return day if law.is_working_day(day) else law.add_working_days(day, 1)

    # ------------------------------------------------------------
    # CHECKS
    # ------------------------------------------------------------

    def _check_sendable(self):
        """Raise when the letters cannot lawfully go out: what to fill in, and where.

        Every way out goes through here: sending, printing, the Print menu's reports."""
        missing = []
        today = fields.Date.context_today(self)
        for letter in self.filtered(lambda lt: lt.date > today):
            missing.append(self.env._(
                "Letter %(letter)s is dated %(date)s, in the future: it cannot go out before "
                "that day.", letter=letter.name, date=self._fmt_date_lang(letter.date)))
        for company in self.company_id:
            letters = self.filtered(lambda lt, c=company: lt.company_id == c)
            if not letters[0]._get_bank_account().acc_number:
                missing.append(self.env._(
                    "%(company)s has no bank account (IBAN): add one in Accounting > "
                    "Configuration > Journals > Bank (Account Number), or on the company's "
                    "contact (Accounting tab).", company=company.name))
            if not (company.company_registry or company.vat):
                missing.append(self.env._(
                    "%(company)s has no enterprise number: fill in the Company ID (or the "
                    "Tax ID) in Settings > Companies.", company=company.name))
        for letter in self.filtered(lambda lt: lt.by_post != "none"):
            address = letter.contact_id or letter.partner_id
            if not (address.street and address.zip and address.city):
                missing.append(self.env._(
                    "%(customer)s has no complete postal address (street, postcode, city): "
                    "letter %(letter)s cannot go by post. Complete the address on the "
                    "contact, or send it by e-mail only.",
                    customer=address.display_name, letter=letter.name))
        if missing:
            raise UserError("\n".join(missing))

    def _check_email_address(self):
        """Raise when an e-mail letter's recipient has no e-mail address (any more)."""
        missing = [
            self.env._(
                "%(customer)s has no e-mail address: letter %(letter)s cannot be sent by "
                "e-mail. Add the address on the contact, or print the letter and send it by "
                "post.", customer=(letter.contact_id or letter.partner_id).display_name,
                letter=letter.name)
            for letter in self.filtered("by_email")
            if not (letter.contact_id or letter.partner_id).email
        ]
        if missing:
            raise UserError("\n".join(missing))

    # ------------------------------------------------------------
    # PUBLIC ACTIONS
    # ------------------------------------------------------------

    def action_send(self):
        """Send the e-mail letters, mark the paper ones printed; cancel what was paid."""
        todo = self.filtered(lambda letter: letter.state == "draft")
        if not todo:
            raise UserError(self.env._("Only letters to review can be sent."))
        todo._check_sendable()
        todo._check_email_address()
        paid = todo._cancel_if_paid()
        for letter in todo - paid:
            if letter.by_email:
                letter._send_email()
            else:
                letter._mark_printed()
        return True

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

    def action_preview(self):
        """The letters' PDF as they would go out, changing nothing: no state, no sending
        date, no attachment, no message. The report itself marks nothing (only
        ``_print_with`` does), so the Print menu's "Letter preview" is such a copy too."""
        letters = self.filtered(lambda lt: lt.state != "cancelled")
        if not letters:
            raise UserError(self.env._("A cancelled letter has no preview."))
        letters._check_sendable()
        return self.env.ref(LETTER_REPORT).report_action(letters)

    def action_print(self):
        """Print the letters in one PDF; the draft ones are then printed (paid ones cancelled)."""
        letters = self.filtered(lambda lt: lt.state != "cancelled")
        if not letters:
            raise UserError(self.env._("There is no letter to print: they are all cancelled."))
        return letters._print_with(LETTER_REPORT)

    def action_print_registered(self):
        """One PDF: the deposit list for the post office, then every registered letter."""
        letters = self.filtered(lambda lt: lt.by_post == "registered" and lt.state != "cancelled")
        if not letters:
            raise UserError(self.env._("None of the selected letters goes by registered post."))
        return letters._print_with(REGISTERED_BATCH_REPORT)

    def action_print_todays_deposit_list(self):
        """Today's deposit list and its registered letters, in one PDF: the registered
        letters deposited today and the ones not deposited yet, which take today as their
        deposit date (the next working day on a weekend or a public holiday)."""
        day = self._get_deposit_working_day(fields.Date.context_today(self))
        letters = self.search([
            ("company_id", "in", self.env.companies.ids),
            ("by_post", "=", "registered"),
            ("state", "!=", "cancelled"),
            ("date", "<=", day),
            "|", ("registered_date", "=", day), ("registered_date", "=", False),
        ], order="name")
        if not letters:
            raise UserError(self.env._(
                "There is no registered letter to deposit on %(date)s.",
                date=self._fmt_date_lang(day)))
        letters._check_sendable()
        paid = letters.filtered(lambda lt: lt.state == "draft")._cancel_if_paid()
        letters -= paid
        if not letters:
            return self._notify_all_paid()
        if not self.env.context.get("dunning_deposit_recorded") and \
                letters._get_deposit_to_record():
            # the deposit dialog records the numbers and today's date, then prints
            return letters._action_record_deposit(REGISTERED_BATCH_REPORT, deposit_date=day)
        letters.filtered(lambda lt: not lt.registered_date).registered_date = day
        return letters._print_with(REGISTERED_BATCH_REPORT)

    @api.model
    def action_print_for_moves(self, moves):
        letters = self._get_latest_letters(moves)
        if not letters:
            raise UserError(self.env._("None of the selected invoices has a dunning letter."))
        return letters.action_print()

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

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
        return notification_action(self.env._(
            "%(count)s letter(s) sent by e-mail: %(letters)s.", count=len(sent),
            letters=", ".join(sent.mapped("name"))), next_action=SOFT_RELOAD)

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

    # ------------------------------------------------------------
    # BUSINESS METHODS: printing
    # ------------------------------------------------------------

    def _print_with(self, report_xmlid):
        """The report action of ``report_xmlid`` for these letters, once checked; the draft
        paper ones become printed, the ones paid meanwhile are cancelled and left out.

        Registered letters without their registered number first go through the deposit
        dialog (``account.dunning.letter.register``), which records the numbers and the
        deposit date and then prints (context ``dunning_deposit_recorded``)."""
        self._check_sendable()
        paid = self.filtered(lambda lt: lt.state == "draft")._cancel_if_paid()
        letters = self - paid
        if not letters:
            return self._notify_all_paid()
        if not self.env.context.get("dunning_deposit_recorded") and \
                letters._get_deposit_to_record():
            return letters._action_record_deposit(report_xmlid)
        letters.filtered(lambda lt: lt.state == "draft" and not lt.by_email)._mark_printed()
        return self.env.ref(report_xmlid).report_action(letters)

    def _get_deposit_to_record(self):
        """The registered letters of ``self`` that still lack their registered number."""
        return self.filtered(lambda lt: lt.by_post == "registered" and lt.state != "cancelled"
                             and not lt.registered_number)

    def _action_record_deposit(self, report_xmlid, deposit_date=None):
        """The dialog asking the registered numbers and the deposit date of the letters
        that lack them, then printing ``self`` with ``report_xmlid``."""
        Register = self.env["account.dunning.letter.register"]
        wizard = Register.create(Register._prepare_vals(self, report_xmlid, deposit_date))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Registered letters: deposit"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _mark_printed(self):
        """The paper letters of ``self`` went out today; each keeps what went to the post."""
        self.write({"state": "printed", "date_sent": fields.Date.context_today(self)})
        self.filtered(lambda lt: not lt.printed_attachment_id)._attach_printed_letter()

    def _attach_printed_letter(self):
        """Keep each letter, rendered as it goes to the post, as its attachment.

        One rendering for all the letters when Odoo can split the PDF per letter, else one
        per letter. Under tests Odoo renders reports as HTML: the HTML is what is kept."""
        if not self:
            return
        Report = self.env["ir.actions.report"]
        contents = {}
        if len(self) > 1:
            streams, report_type = Report._pre_render_qweb_pdf(LETTER_REPORT, self.ids)
            if report_type == "pdf":
                contents = {res_id: (value["stream"].getvalue(), "pdf")
                            for res_id, value in streams.items() if res_id and value["stream"]}
        for letter in self.filtered(lambda lt: lt.id not in contents):
            contents[letter.id] = Report._render_qweb_pdf(LETTER_REPORT, letter.ids)
        attachments = self.env["ir.attachment"].create([{
            "name": f"{letter.name.replace('/', '-')} - {letter.partner_id.name}.{report_type}",
            "raw": contents[letter.id][0],
            "mimetype": "application/pdf" if report_type == "pdf" else "text/html",
            "res_model": self._name,
            "res_id": letter.id,
        } for letter in self for report_type in [contents[letter.id][1]]])
        for letter, attachment in zip(self, attachments, strict=True):
            letter.printed_attachment_id = attachment

    def _notify_all_paid(self):
        """A message, not an error: an error would undo the cancellation of the letters."""
        return notification_action(self.env._(
            "The invoices of these letters were paid meanwhile: they are cancelled."),
            "warning", SOFT_RELOAD)

    @api.model
    def _get_latest_letters(self, moves):
        """The latest live letter of each of ``moves`` (one letter may serve several)."""
        lines = self.env["account.dunning.letter.line"].search(
            [("move_id", "in", moves.ids), ("state", "!=", "cancelled")],
            order="date desc, id desc")
        letters = self.browse()
        seen = set()
        for line in lines:
            if line.move_id.id not in seen:
                seen.add(line.move_id.id)
                letters |= line.letter_id
        return letters

    # ------------------------------------------------------------
    # E-MAIL
    # ------------------------------------------------------------

    def _get_mail_template(self):
        self.ensure_one()
        return self.level_id.mail_template_id or self.env.ref(
            MAIL_TEMPLATE, raise_if_not_found=False)

    def _get_invoice_attachments(self):
        """PDFs of the invoices the letter lists, when the company wants them attached."""
        self.ensure_one()
        if not self.company_id.dunning_attach_invoices:
            return self.env["ir.attachment"]
        attachments = self.env["ir.attachment"]
        for move in self.line_ids.move_id:
            content, _type = self.env["ir.actions.report"]._render_qweb_pdf(
                "account.account_invoices", move.ids)
            attachments |= self.env["ir.attachment"].create({
                "name": f"{move._get_report_base_filename()}.pdf",
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf",
            })
        return attachments

    def _send_email(self):
        self.ensure_one()
        template = self._get_mail_template()
        if not template:
            raise UserError(self.env._(
                "The dunning level %(level)s has no e-mail template.", level=self.level_id.name))
        invoices_pdf = self._get_invoice_attachments()
        # sent today: the deadline the PDF prints counts from today
        self.date_sent = fields.Date.context_today(self)
        letter = self.with_context(lang=self.lang)
        message = letter.message_post_with_source(
            template,
            subtype_xmlid="mail.mt_comment",
            partner_ids=(self.contact_id or self.partner_id).ids,
        )
        letter_pdf = self._get_email_letter_pdf(message)
        if invoices_pdf and message:
            # attachments given to the composer would replace the letter's PDF the template
            # renders: the invoices join the message (and its queued e-mail) afterwards
            message.attachment_ids |= invoices_pdf
        self.write({"state": "sent", "mail_message_id": message.id if message else False,
                    "printed_attachment_id": letter_pdf.id})
        # an e-mail that failed at once (an invalid address; in tests every e-mail is sent
        # at once) sends the letter back to review; else it is noted as sent
        if not (message and self._return_failed_to_review(message)):
            self._log_sent()

    def _get_email_letter_pdf(self, message):
        """The letter's PDF the mail template rendered and attached to ``message``."""
        self.ensure_one()
        attachments = message.attachment_ids if message else self.env["ir.attachment"]
        prefix = self.name.replace("/", "-")
        return attachments.filtered(lambda att: att.name.startswith(prefix))[:1]

    def _log_sent(self):
        """Note the letter in the chatter of its customer and of its invoices (batched)."""
        bodies_partner, bodies_moves = {}, {}
        for letter in self:
            body = self.env._(
                "Dunning letter %(letter)s (%(level)s) sent by e-mail.",
                letter=letter.name, level=letter.level_id.name)
            bodies_partner[letter.partner_id.id] = body
            bodies_moves.update(dict.fromkeys(letter.line_ids.move_id.ids, body))
        self.env["res.partner"].browse(list(bodies_partner))._message_log_batch(
            bodies=bodies_partner)
        self.env["account.move"].browse(list(bodies_moves))._message_log_batch(
            bodies=bodies_moves)
