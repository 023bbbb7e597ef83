"""18.0.1.1.0: the customer's dunning file. Builds the files of an existing database from
its letters: one file per customer, company and currency, holding its letters, its lines
and the invoices they list; the file's stage, deadline and next step follow its live
letters (``_sync_from_letters``), and a file with nothing overdue left is closed."""

from odoo import SUPERUSER_ID, api, fields


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Letter = env["account.dunning.letter"].with_context(active_test=False)
    File = env["account.dunning.file"].with_context(
        mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
    letters = Letter.search([("file_id", "=", False)], order="date, id")
    for (partner, company, currency), group in letters.grouped(
            lambda lt: (lt.partner_id, lt.company_id, lt.currency_id)).items():
        file = File.search([("partner_id", "=", partner.id), ("company_id", "=", company.id),
                            ("currency_id", "=", currency.id), ("state", "!=", "closed")],
                           limit=1) or File.create({
            "partner_id": partner.id, "company_id": company.id, "currency_id": currency.id,
            "date_open": group[0].date})
        group.write({"file_id": file.id})
        for letter in group.filtered(lambda lt: lt.state in ("sent", "printed")):
            if not letter.date_sent:
                letter.date_sent = letter.registered_date or letter.date
        group.line_ids.move_id.filtered(
            lambda m: m.payment_state in ("not_paid", "partial")).write(
            {"dunning_file_id": file.id})
        group.line_ids.flush_recordset()
        file._sync_from_letters()
    env["account.dunning.file"].search([("state", "!=", "closed")])._close_settled(
        fields.Date.context_today(File))
