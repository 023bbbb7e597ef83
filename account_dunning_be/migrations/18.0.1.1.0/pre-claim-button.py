"""18.0.1.1.0: the invoice form's "Claims" button and the claim fields it reads are for
the accounting groups only. The first release's version of that view (no groups) is still
stored when the other views of the invoice form are checked against the fields' new
groups, before its own file loads: it is emptied here, and its file writes it anew."""


def migrate(cr, version):
    cr.execute("""
        UPDATE ir_ui_view AS view
           SET arch_db = jsonb_build_object('en_US', '<data/>')
          FROM ir_model_data AS xmlid
         WHERE xmlid.model = 'ir.ui.view' AND xmlid.res_id = view.id
           AND xmlid.module = 'account_dunning_be' AND xmlid.name = 'view_move_form_claim'
    """)
