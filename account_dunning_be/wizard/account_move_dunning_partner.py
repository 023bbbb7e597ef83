from odoo import api, fields, models

from .. import law
from ..tools import format_amount, to_decimal

COURTS = [
    ("enterprise_court", "Enterprise court"),
    ("justice_of_the_peace", "Justice of the peace"),
    ("first_instance", "Court of first instance"),
]
ROUTES = [
    ("keep_reminding", "Keep reminding"),
    ("payment_plan", "Payment plan"),
    ("uncontested_b2b", "Uncontested B2B debt procedure (art. 1394/20)"),
    ("summary_order", "Summary payment order (art. 1338)"),
    ("summons", "Ordinary summons"),
    ("collection_agency", "Collection agency"),
    ("write_off", "Write off"),
]


class AccountMoveDunningPartner(models.TransientModel):
    _name = "account.move.dunning.partner"
    _description = "Dunning wizard: one customer"
    _order = "partner_id"

    wizard_id = fields.Many2one("account.move.dunning", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    is_b2b = fields.Boolean(string="Enterprise", compute="_compute_summary")
    principal = fields.Monetary(string="Outstanding", compute="_compute_summary")
    claim_total = fields.Monetary(string="Total claim", compute="_compute_summary")
    disputed = fields.Boolean(compute="_compute_summary")
    reminders_sent = fields.Integer(compute="_compute_summary")
    has_written_acknowledgement = fields.Boolean(
        string="Written acknowledgement",
        help="The customer acknowledged the debt in writing (signed order, quote, e-mail): a "
        "summary payment order (Judicial Code art. 1338) becomes possible.",
    )
    court = fields.Selection(COURTS, string="Competent court", compute="_compute_summary")
    roll_fee = fields.Monetary(string="Court roll fee", compute="_compute_summary")
    legal_aid_contribution = fields.Monetary(
        string="Legal aid fund contribution", compute="_compute_summary")
    procedural_indemnity = fields.Monetary(
        compute="_compute_summary",
        help="The basic procedural indemnity (Judicial Code art. 1022) the court awards the "
        "winner against the loser.")
    bailiff_estimate = fields.Monetary(string="Bailiff", compute="_compute_summary")
    lawyer_estimate = fields.Monetary(string="Lawyer", compute="_compute_summary")
    to_advance = fields.Monetary(
        string="Cost to advance", compute="_compute_summary",
        help="What going to court costs before judgment: roll fee, legal aid fund, and the "
        "bailiff and lawyer estimates of the settings.")
    recoverable_if_won = fields.Monetary(
        string="Recoverable if the claim is granted", compute="_compute_summary")
    costs_error = fields.Char(compute="_compute_summary")
    costs_warning = fields.Text(string="Cost warnings", compute="_compute_summary")
    recommendation = fields.Selection(ROUTES, compute="_compute_summary")
    recommendation_reasons = fields.Text(compute="_compute_summary")

    @api.depends("wizard_id.line_ids.total", "wizard_id.date", "has_written_acknowledgement")
    def _compute_summary(self):
        for summary in self:
            wizard = summary.wizard_id
            lines = wizard.line_ids.filtered(lambda line, s=summary: line.partner_id ==
                                             s.partner_id)
            partner = summary.partner_id
            is_b2b = partner.dunning_is_b2b
            principal = to_decimal(sum(lines.mapped("amount_residual")))
            interest_penalty = to_decimal(
                sum(lines.mapped("interest")) + sum(lines.mapped("penalty")))
            claim = to_decimal(sum(lines.mapped("total")))
            moves = lines.move_id._origin
            disputed = any(m.dunning_blocked and m.dunning_block_reason == "disputed"
                           for m in moves)
            # the number of reminders the most reminded invoice received
            reminders = max((len(m.dunning_letter_line_ids.filtered(
                lambda rem: rem.state in ("sent", "printed")))
                for m in moves), default=0)
            costs, error = (None, False)
            if wizard.date:
                costs, error = wizard._get_court_costs(claim, is_b2b)
            result = law.recommend(
                claim, is_b2b, disputed, costs,
                has_written_acknowledgement=summary.has_written_acknowledgement,
                reminders_sent=reminders, principal=principal,
                interest_and_penalty=interest_penalty)
            summary.update({
                "is_b2b": is_b2b,
                "principal": float(principal),
                "claim_total": float(claim),
                "disputed": disputed,
                "reminders_sent": reminders,
                "court": law.competent_court(claim, is_b2b),
                "roll_fee": costs and float(costs.roll_fee),
                "legal_aid_contribution": costs and float(costs.legal_aid_contribution),
                "procedural_indemnity": costs and float(costs.procedural_indemnity_base),
                "bailiff_estimate": costs and float(costs.bailiff_estimate),
                "lawyer_estimate": costs and float(costs.lawyer_estimate),
                "to_advance": costs and float(costs.to_advance),
                "recoverable_if_won": costs and float(costs.recoverable_if_won),
                "costs_error": error,
                "costs_warning": "\n".join(
                    summary._get_estimate_warnings(wizard.company_id)) or False,
                "recommendation": result.code,
                "recommendation_reasons": "\n".join(
                    summary._reason_text(code, params) for code, params in result.reasons),
            })

    @api.model
    def _get_estimate_warnings(self, company):
        """The warnings for a bailiff or lawyer estimate of 0 in the company's settings:
        the cost to advance then counts none."""
        messages = []
        if company and not company.dunning_bailiff_estimate:
            messages.append(self.env._(
                "The bailiff estimate in the settings is 0: the cost to advance counts no "
                "bailiff (service of the writ, enforcement)."))
        if company and not company.dunning_lawyer_estimate:
            messages.append(self.env._(
                "The lawyer estimate in the settings is 0: the cost to advance counts no "
                "lawyer."))
        return messages

    def _reason_text(self, code, params):
        _ = self.env._
        currency = self.currency_id

        # the practitioners' threshold and the court fees are euro figures
        eur = self.env.ref("base.EUR")

        def money(value):
            return format_amount(self.env, value, currency)

        texts = {
            "disputed": lambda: _(
                "An invoice is disputed: only a judge can settle it; never hand it to a "
                "collection agency."),
            "reminders": lambda: _(
                "%(sent)s of the %(needed)s usual reminders sent (friendly reminder, second "
                "reminder, formal notice): reminders cost nothing and settle most claims.",
                sent=params["sent"], needed=params["needed"]),
            "below_threshold": lambda: _(
                "The claim of %(claim)s is below the %(threshold)s from which going to court "
                "usually pays off.",
                claim=money(params["claim"]),
                threshold=format_amount(self.env, params["threshold"], eur)),
            "above_threshold": lambda: _(
                "The claim of %(claim)s is above the %(threshold)s from which going to court "
                "usually pays off.",
                claim=money(params["claim"]),
                threshold=format_amount(self.env, params["threshold"], eur)),
            "consumer": lambda: _("The customer is a consumer (Book XIX)."),
            "enterprise": lambda: _("The customer is an enterprise (law of 2 August 2002)."),
            "costs_exceed": lambda: _(
                "Going to court means advancing %(to_advance)s, as much as or more than the "
                "claim of %(claim)s.",
                to_advance=money(params["to_advance"]), claim=money(params["claim"])),
            "costs_unknown": lambda: _(
                "The court costs could not be estimated (a figure is missing from the court "
                "cost tables)."),
            "recoverable": lambda: _(
                "Court costs: %(to_advance)s to advance, %(recoverable)s recoverable from the "
                "customer if the claim is granted.",
                to_advance=money(params["to_advance"]),
                recoverable=money(params["recoverable_if_won"])),
            "written_acknowledgement": lambda: _(
                "The customer acknowledged the debt in writing: a summary payment order "
                "(Judicial Code art. 1338) is possible."),
            "no_written_acknowledgement": lambda: _(
                "No writing from the customer: a summary payment order is not possible; "
                "summon the customer."),
            "cap_10_percent": lambda: _(
                "In this procedure interest and penalty together are capped at 10 %% of the "
                "principal: at most %(cap)s on %(principal)s%(claimed)s.",
                cap=money(params["cap"]), principal=money(params["principal"]),
                claimed=_(" (claimed now: %(amount)s)",
                          amount=money(params["interest_and_penalty"]))
                if "interest_and_penalty" in params else ""),
        }
        return texts[code]() if code in texts else code
