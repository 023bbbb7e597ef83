/** @odoo-module */

import { registry } from "@web/core/registry";

// In French: cancel a sent letter with its reason; print a registered letter through the
// deposit dialog (its number, the batch's deposit date). The Python test checks the
// letters.
registry.category("web_tour.tours").add("account_dunning_be_letter_cancel_tour", {
    steps: () => [
        {
            content: "The sent letter's form offers a Preview",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_preview]",
        },
        {
            content: "Cancel the sent letter",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_cancel_wizard]",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Envoyée à l'ancienne adresse",
        },
        {
            content: "Confirm the cancellation",
            trigger: ".modal footer button[name=action_cancel_letters]",
            run: "click",
        },
        {
            content: "The letter is cancelled, with its reason",
            trigger: ".o_form_view .o_field_widget[name=cancel_reason]:contains(ancienne adresse)",
        },
    ],
});

registry.category("web_tour.tours").add("account_dunning_be_letter_deposit_tour", {
    steps: () => [
        {
            content: "Print the registered letter",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_print]",
            run: "click",
        },
        {
            content: "The deposit dialog lists the letter",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Brasserie Lambiek SRL)",
        },
        {
            content: "Edit its registered number",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row td[name=registered_number]",
            run: "click",
        },
        {
            content: "Enter the number",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row [name=registered_number] input",
            run: "edit RR123456785BE",
        },
        {
            content: "Record and print",
            trigger: ".modal footer button[name=action_print]",
            run: "click",
        },
        {
            content: "The dialog closes and the letter is printed",
            trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=printed]",
        },
    ],
});
