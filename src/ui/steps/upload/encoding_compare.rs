//! When the encoding was guessed: the lines where the likely encodings disagree, side by side, each with a button
//! to read the file with that encoding — so the admin picks the one that spells the names right.
//!
//! Owns this table; the comparison is `domain::decode::candidates`, and reading again goes through `reread`.

use leptos::prelude::*;

use crate::domain::decode::candidates::compare_encodings;
use crate::domain::decode::encoding_label;
use crate::domain::read::ReadOptions;
use crate::ui::state::ImportState;

/// Lines shown at most.
const LINES: usize = 5;

#[component]
pub fn EncodingCompare() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let comparison = Memo::new(move |_| {
        state.loaded.with(|l| {
            let l = l.as_ref()?;
            let o = &l.outcome;
            let single_byte_guess =
                o.encoding_guessed && o.workbook.is_none() && !o.encoding.name().starts_with("UTF-16");
            single_byte_guess.then(|| compare_encodings(&l.kept.head, o.encoding, LINES)).flatten()
        })
    });
    move || {
        comparison.get().filter(|c| !c.lines.is_empty()).map(|c| {
            let options = state.loaded.with_untracked(|l| l.as_ref().map(|l| l.outcome.options.clone())).unwrap_or_default();
            let heads = c
                .encodings
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let e = *e;
                    let options = options.clone();
                    let choose = move |_| state.reread(ReadOptions { encoding: Some(e), ..options.clone() });
                    let action = if i == 0 {
                        view! { <span class="choice__hint">"(in use)"</span> }.into_any()
                    } else {
                        view! { <button type="button" class="button button--link" on:click=choose>"Use this one"</button> }.into_any()
                    };
                    view! { <th scope="col">{encoding_label(e)}<br/>{action}</th> }
                })
                .collect_view();
            let rows = c
                .lines
                .iter()
                .map(|l| {
                    let cells = l.readings.iter().map(|r| view! { <td>{r.clone()}</td> }).collect_view();
                    view! { <tr><th scope="row" class="grid__rownum">{l.line}</th>{cells}</tr> }
                })
                .collect_view();
            view! {
                <section class="panel" aria-labelledby="encoding-compare-title" data-testid="encoding-compare">
                    <h3 id="encoding-compare-title" class="panel__title">"Which one spells the names right?"</h3>
                    <p>"These lines read differently depending on the encoding. Choose the column where accents and special letters look right."</p>
                    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="encoding-compare-title">
                        <table class="grid grid--preview">
                            <thead><tr><th scope="col">"Line"</th>{heads}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </section>
            }
        })
    }
}
