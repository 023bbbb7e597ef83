# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Belgian Dunning",
    "summary": "Chase unpaid customer invoices the Belgian way: escalating reminders, "
    "statutory interest, EUR 40 flat fee, formal notices, injunction cost estimates",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "account_dunning_be developers",
    "depends": ["account", "l10n_be", "mail"],
    "external_dependencies": {"python": ["xlrd"]},
    "data": [],
    "installable": True,
    "application": False,
}
