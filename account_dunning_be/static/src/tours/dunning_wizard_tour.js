/** @odoo-module */

import { registry } from "@web/core/registry";

// Select the two overdue invoices of one enterprise customer in the invoice list, open
// the dunning wizard and post the claim. The Python test checks the posted claim.
registry.category("web_tour.tours").add("account_dunning_be_wizard_tour", {
    url: "/odoo/action-account.action_move_out_invoice_type",
    steps: () => [
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: "edit Tour Brewery SRL",
        },
        {
            content: "Filter on the customer",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Wait for the filtered list",
            trigger: ".o_facet_value:contains(Tour Brewery SRL)",
        },
        {
            content: "Select the first invoice",
            trigger: ".o_data_row:contains(Tour Brewery SRL):eq(0) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select the second invoice",
            trigger: ".o_data_row:contains(Tour Brewery SRL):eq(1) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the actions menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Open the dunning wizard",
            trigger: ".o-dropdown--menu span:contains(Dunning wizard)",
            run: "click",
        },
        {
            content: "The wizard shows the two invoices",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:eq(1)",
        },
        {
            content: "Post the claim",
            trigger: ".modal footer button[name=action_post_claim]",
            run: "click",
        },
        {
            content: "The posted claim opens",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=posted]",
        },
    ],
});
