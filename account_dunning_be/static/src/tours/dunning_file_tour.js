/** @odoo-module */

import { registry } from "@web/core/registry";

// The accountant's day, in French and in Dutch: the queue of dunning files, a customer's
// follow-up screen, Preview (nothing changes) then Send; the letters to review, one marked
// reviewed, then "Send all reviewed". Buttons are found by their method, texts in the
// user's language. The Python tests check the letters' states.
const TEXTS = {
    fr_BE: { review: "Relire la lettre", items: "Postes ouverts", reviewed: "Relue" },
    nl_BE: { review: "nakijken en daarna versturen", items: "Openstaande posten", reviewed: "Nagekeken" },
};

for (const [lang, texts] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`account_dunning_be_file_tour_${lang}`, {
        url: "/odoo/action-account_dunning_be.account_dunning_file_action",
        steps: () => [
            {
                content: "The queue lists the customer's file to act on today",
                trigger: ".o_list_view .o_data_row:contains(Tour Brewery SRL) td[name=partner_id]",
                run: "click",
            },
            {
                content: "The follow-up screen names the next action in the user's language",
                trigger: `.o_form_view div[name=next_action]:contains(${texts.review})`,
            },
            {
                content: "The open items tab",
                trigger: `.o_form_view .o_notebook .nav-link:contains(${texts.items})`,
            },
            {
                content: "Every open item is listed",
                trigger: ".o_form_view .o_field_widget[name=open_move_ids] .o_data_row:eq(1)",
            },
            {
                content: "Preview the letter",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_preview]",
                run: "click",
            },
            {
                content: "After the preview the letter still waits for review",
                trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=open]",
            },
            {
                content: "Send the letter",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_send]",
                run: "click",
            },
            {
                content: "Confirm",
                trigger: ".modal-footer .btn-primary",
                run: "click",
            },
            {
                content: "The file now waits for the letter's deadline",
                trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=waiting]",
            },
        ],
    });

    registry.category("web_tour.tours").add(`account_dunning_be_review_tour_${lang}`, {
        url: "/odoo/action-account_dunning_be.account_dunning_letter_action",
        steps: () => [
            {
                content: "Select the letter of the first customer",
                trigger: ".o_data_row:contains(Tour Brewery SRL) .o_list_record_selector input",
                run: "click",
            },
            {
                content: "Mark it reviewed",
                trigger: ".o_control_panel button[name=action_mark_reviewed], .o_list_buttons button[name=action_mark_reviewed], .o_list_view button[name=action_mark_reviewed]",
                run: "click",
            },
            {
                content: "It shows as reviewed (the list reloaded: nothing is selected)",
                trigger: ".o_data_row:contains(Tour Brewery SRL) td[name=is_reviewed] input:checked",
            },
            {
                content: "The other letter is not reviewed",
                trigger: ".o_data_row:contains(Tour Tavern BV) td[name=is_reviewed] input:not(:checked)",
            },
            {
                content: "Send all reviewed",
                trigger: "button[name=action_send_reviewed]",
                run: "click",
            },
            {
                content: "The letter left the review queue; the other one stays",
                trigger: ".o_list_view:not(:has(.o_data_row:contains(Tour Brewery SRL))) .o_data_row:contains(Tour Tavern BV)",
            },
        ],
    });
}
