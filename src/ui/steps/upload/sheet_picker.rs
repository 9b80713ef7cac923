//! The choice of sheet in an Excel workbook with more than one; nothing is shown for a text file or a workbook
//! with a single sheet.
//!
//! Owns the `<select>` and its label. Reading the chosen sheet goes through the `reread` intent, with the header
//! row and footer found again (they belong to the sheet). Invariant: the selected option is the sheet the current
//! table was read from.

use leptos::prelude::*;

use crate::domain::read::ReadOptions;
use crate::domain::xlsx::Workbook;
use crate::ui::state::ImportState;

#[component]
pub fn SheetPicker() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let workbook = move || {
        state.loaded.with(|l| l.as_ref().and_then(|l| l.outcome.workbook.clone())).filter(|w| w.sheets.len() > 1)
    };
    let on_change = move |ev: leptos::ev::Event| {
        if let Ok(sheet) = event_target_value(&ev).parse::<usize>() {
            state.reread(ReadOptions { sheet: Some(sheet), ..ReadOptions::default() });
        }
    };
    move || {
        workbook().map(|w: Workbook| {
            let options = w
                .sheets
                .iter()
                .enumerate()
                .map(|(i, name)| view! { <option value=i.to_string() selected=i == w.sheet>{name.clone()}</option> })
                .collect_view();
            view! {
                <div class="form-row">
                    <label for="sheet">"Sheet of the workbook"</label>
                    <select id="sheet" class="select" on:change=on_change>{options}</select>
                </div>
            }
        })
    }
}
