"""18.0.1.1.0: the customer's dunning file. Builds the files of an existing database from
its letters: one file per customer, company and currency, holding its letters, its lines
and the invoices they list; the file's stage, deadline and next step follow its live
letters (``_sync_from_letters``), and a file with nothing overdue left is closed.

The first release wrote one letter per customer, level and night for the invoices that
reached the level: a customer received several letters at a level, and lower levels after
higher ones. Every letter is kept as it went out (state, dates, document, registered
number); those that do not raise the file's stage are its earlier history
(``is_history``), outside the rule of one letter per file and level, which the ladder
keeps for the letters it writes from now on."""

from odoo import SUPERUSER_ID, api, fields


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Letter = env["account.dunning.letter"].with_context(
        active_test=False, mail_notrack=True, tracking_disable=True)
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
        live = (file.letter_ids | group).filtered(lambda lt: lt.state != "cancelled")
        history = File._get_earlier_history(live) & group
        # flagged before they join the file: its unique index leaves the history out
        history.write({"is_history": True})
        history.flush_recordset()
        history.line_ids.flush_recordset()
        group.write({"file_id": file.id})
        # the sending date the file counts from: the deposit date or the letter's date
        gone = group.filtered(lambda lt: lt.state in ("sent", "printed") and not lt.date_sent)
        for sent_on, same_day in gone.grouped(lambda lt: lt.registered_date or lt.date).items():
            same_day.write({"date_sent": sent_on})
        group.line_ids.move_id.filtered(
            lambda m: m.payment_state in ("not_paid", "partial")).write(
            {"dunning_file_id": file.id})
        group.line_ids.flush_recordset()
        file._sync_from_letters()
    env["account.dunning.file"].search([("state", "!=", "closed")])._close_settled(
        fields.Date.context_today(File))
