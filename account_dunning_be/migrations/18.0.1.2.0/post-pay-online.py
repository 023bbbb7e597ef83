"""18.0.1.2.0: the dunning e-mail carries the invoices' "Pay online" links. The template is
user-tunable data (noupdate): it is reset to the shipped version, with its translations,
only when no user ever edited it (last written by the module loader)."""

from odoo import SUPERUSER_ID, api

MAIL_TEMPLATE = "account_dunning_be.mail_template_dunning_letter"


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(MAIL_TEMPLATE, raise_if_not_found=False)
    if template and template.write_uid.id == SUPERUSER_ID and template.template_fs:
        template.reset_template()
