/** @odoo-module */

import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

// Select the two overdue invoices of one enterprise customer in the invoice list, open
// the dunning wizard from the actions menu, open the customer's row to read the court
// cost breakdown, then post the claim through its confirmation. The steps find what they
// click by selectors and field names, never by English texts: the tour runs in every
// language. The Python test checks the claim and the labels the breakdown showed.

const CUSTOMER = "Tour Brewery SRL";
// the breakdown's fields, as the customer's form shows them
const BREAKDOWN = [
    "court",
    "roll_fee",
    "legal_aid_contribution",
    "bailiff_estimate",
    "lawyer_estimate",
    "to_advance",
    "recoverable_if_won",
    "procedural_indemnity",
];
// the wizard's action name in the user's language, read from the server
let wizardName = null;

function activeDialog() {
    const dialogs = document.querySelectorAll(".o_dialog");
    return dialogs[dialogs.length - 1];
}

registry.category("web_tour.tours").add("account_dunning_be_wizard_tour", {
    url: "/odoo/action-account.action_move_out_invoice_type",
    steps: () => [
        {
            content: "Read the wizard's name in the user's language",
            trigger: ".o_list_view",
            async run() {
                const action = await rpc("/web/action/load", {
                    action_id: "account_dunning_be.account_move_dunning_action",
                });
                wizardName = action.name;
            },
        },
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: `edit ${CUSTOMER}`,
        },
        {
            content: "Filter on the customer",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Wait for the filtered list",
            trigger: `.o_facet_value:contains(${CUSTOMER})`,
        },
        {
            content: "Select the first invoice",
            trigger: `.o_data_row:contains(${CUSTOMER}):eq(0) .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "Select the second invoice",
            trigger: `.o_data_row:contains(${CUSTOMER}):eq(1) .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "Open the actions menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Open the dunning wizard",
            trigger: ".o-dropdown--menu .o_menu_item",
            run() {
                const items = [...document.querySelectorAll(".o-dropdown--menu .o_menu_item")];
                const item = items.find((el) => el.textContent.trim() === wizardName);
                if (!item) {
                    throw new Error(`No "${wizardName}" in the actions menu`);
                }
                item.click();
            },
        },
        {
            content: "The wizard opens wide and shows the two invoices",
            trigger: ".modal .modal-dialog.modal-xl .o_field_widget[name=line_ids] .o_data_row:eq(1)",
        },
        {
            content: "The invoices show when interest was claimed up to",
            trigger: ".modal .o_field_widget[name=line_ids] th[data-name=claimed_up_to]",
        },
        {
            content: "Open the customers tab",
            trigger: ".modal .o_notebook .nav-link[name=customers]",
            run: "click",
        },
        {
            content: "Open the customer's row",
            trigger: ".modal .o_field_widget[name=partner_ids] .o_data_row:eq(0) .o_data_cell:eq(0)",
            run: "click",
        },
        {
            content: "The customer's form shows the court cost breakdown and the reasons",
            trigger: ".modal .o_field_widget[name=recommendation_reasons]",
            async run() {
                const dialog = activeDialog();
                const labels = BREAKDOWN.map((name) => {
                    const field = dialog.querySelector(`.o_field_widget[name=${name}]`);
                    if (!field) {
                        throw new Error(`The breakdown has no ${name}`);
                    }
                    const label = dialog.querySelector(`label[for^=${name}]`)?.cloneNode(true);
                    // the label's text, without the tooltip's "?"
                    label?.querySelectorAll("sup").forEach((sup) => sup.remove());
                    return `${name}=${label ? label.textContent.trim() : ""}`;
                });
                const reasons = dialog
                    .querySelector(".o_field_widget[name=recommendation_reasons]")
                    .textContent.trim()
                    .replace(/\s*\n\s*/g, " | ");
                // what the user saw, logged on the customer for the Python side to check
                const [partner] = await rpc("/web/dataset/call_kw/res.partner/search_read", {
                    model: "res.partner",
                    method: "search_read",
                    args: [[["name", "=", CUSTOMER]], ["id"]],
                    kwargs: {},
                });
                await rpc("/web/dataset/call_kw/res.partner/message_post", {
                    model: "res.partner",
                    method: "message_post",
                    args: [[partner.id]],
                    kwargs: { body: ["dunning-tour", ...labels, `reasons=${reasons}`].join("\n") },
                });
            },
        },
        {
            content: "Close the customer's form",
            trigger: ".modal .o_field_widget[name=roll_fee]",
            run() {
                activeDialog().querySelector(".modal-header .btn-close").click();
            },
        },
        {
            content: "Back in the wizard, the customer's form closed",
            trigger: ".modal .o_field_widget[name=partner_ids] .o_data_row",
            run() {
                if (document.querySelector(".modal .o_field_widget[name=roll_fee]")) {
                    throw new Error("The customer's form is still open");
                }
            },
        },
        {
            content: "Post the claim: the preview first",
            trigger: ".modal footer button[name=action_post_claim]",
            run: "click",
        },
        {
            content: "The preview shows the claim",
            trigger: ".modal .o_field_widget[name=preview] table.o_dunning_preview",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The posted claim opens",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=posted]",
        },
    ],
});
