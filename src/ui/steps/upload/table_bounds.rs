//! Where the table starts and ends in the loaded file: the row with the column names (a number the admin can
//! change), the title rows skipped above it, and the footer rows left out below the data (with a box to keep them).
//!
//! Owns these controls and how they show; detection and the sentences belong to the domain (`structure`), and
//! reading again goes through the `reread` intent. Invariant: each control reads the file again with the options
//! the current table was read with, changing only its own choice.

use leptos::prelude::*;

use crate::domain::read::ReadOptions;
use crate::domain::structure::{LeftOutRow, Structure};
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::state::ImportState;

/// "Row 12: Grand Totals (3 records)".
fn row_label(row: &LeftOutRow) -> String {
    format!("Row {}: {}", row.row, row.text)
}

fn row_list(rows: &[LeftOutRow]) -> impl IntoView {
    let items = rows.iter().map(|r| view! { <li>{row_label(r)}</li> }).collect_view();
    view! { <ul class="plain-list table-bounds__rows">{items}</ul> }
}

#[component]
pub fn TableBounds() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let options = move || state.loaded.with(|l| l.as_ref().map(|l| l.outcome.options.clone()).unwrap_or_default());
    let structure = move || state.loaded.with(|l| l.as_ref().map(|l| l.outcome.structure.clone()).unwrap_or_default());
    let on_header = move |ev: leptos::ev::Event| {
        // An empty box (or 0) means "find the column names automatically".
        let header_row = event_target_value(&ev).trim().parse::<u64>().ok().filter(|row| *row >= 1);
        state.reread(ReadOptions { header_row, ..options() });
    };
    let on_keep_footer = move |ev: leptos::ev::Event| {
        state.reread(ReadOptions { keep_footer: event_target_checked(&ev), ..options() });
    };
    let detect_again = move |_| state.reread(ReadOptions { header_row: None, ..options() });
    let titles = move || {
        let s: Structure = structure();
        s.title_sentence().map(|sentence| {
            view! { <Notice tone=Tone::Info title="Title rows skipped"><p>{sentence}</p>{row_list(&s.title_rows)}</Notice> }
        })
    };
    let footer = move || {
        let s: Structure = structure();
        s.footer_sentence().map(|sentence| {
            view! {
                <Notice tone=Tone::Info title="Rows below the data">
                    <p>{sentence}</p>
                    {row_list(&s.footer_rows)}
                    <label class="check">
                        <input type="checkbox" prop:checked=s.footer_kept on:change=on_keep_footer/>
                        "Keep these rows as data rows"
                    </label>
                </Notice>
            }
        })
    };
    let chosen = move || structure().header_chosen;
    view! {
        <div class="form-row">
            <label for="header-row">"The column names are on row"</label>
            <input
                id="header-row"
                class="input input--short"
                type="number"
                min="1"
                step="1"
                inputmode="numeric"
                aria-describedby="header-row-hint"
                prop:value=move || structure().header_row.to_string()
                on:change=on_header
            />
            <span id="header-row-hint" class="form-hint">
                "Change this if the preview shows the wrong column names. Leave it empty to find them automatically."
            </span>
            <Show when=chosen>
                <button type="button" class="button button--link" on:click=detect_again>
                    "Find the column names automatically"
                </button>
            </Show>
        </div>
        {titles}
        {footer}
    }
}
