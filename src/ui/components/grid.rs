//! The review grid: the rows as they will be imported, a page at a time, problem cells highlighted and every cell
//! editable in place (an edit is re-validated at once). Can be filtered to the rows with problems.

use leptos::prelude::*;

use crate::ui::state::ImportState;

/// Rows per page.
const PAGE: usize = 50;

#[component]
pub fn Grid() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let only_problems = RwSignal::new(false);
    let page = RwSignal::new(0usize);
    let visible = Memo::new(move |_| {
        let only = only_problems.get();
        state.prepared.with(|p| {
            p.rows
                .iter()
                .enumerate()
                .filter(|(_, r)| !only || r.cells.iter().any(|c| c.has_issue) || r.rejected)
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        })
    });
    // A finding asked to show a cell: show every row, turn to its page, then focus the cell's input.
    Effect::new(move |_| {
        let Some((record, field)) = state.grid_focus.get() else { return };
        state.grid_focus.set(None);
        let target = state.prepared.with_untracked(|p| {
            let field = if p.columns.iter().any(|c| c.field == field) {
                Some(field)
            } else {
                p.columns.first().map(|c| c.field.clone())
            };
            p.rows.get(record).zip(field).map(|(r, f)| format!("{f}, row {}", r.row))
        });
        let Some(label) = target else { return };
        only_problems.set(false);
        page.set(record / PAGE);
        set_timeout(move || focus_input(&label), std::time::Duration::from_millis(0));
    });
    let pages = move || visible.with(|v| v.len().div_ceil(PAGE)).max(1);
    let range_text = move || {
        let total = visible.with(Vec::len);
        let start = (page.get() * PAGE).min(total);
        let end = (start + PAGE).min(total);
        if total == 0 {
            "No rows to show".to_owned()
        } else {
            format!("Rows {}–{} of {}", start + 1, end, total)
        }
    };
    let head = move || {
        state.prepared.with(|p| {
            p.columns
                .iter()
                .map(|c| view! { <th scope="col"><span class="grid__field">{c.field.clone()}</span><span class="grid__source">{c.source.clone()}</span></th> })
                .collect_view()
        })
    };
    let body = move || {
        let start = page.get() * PAGE;
        let indexes: Vec<usize> = visible.with(|v| v.iter().skip(start).take(PAGE).copied().collect());
        state.prepared.with(|p| {
            indexes
                .into_iter()
                .filter_map(|i| p.rows.get(i))
                .map(|row| {
                    let cells = row
                        .cells
                        .iter()
                        .zip(&p.columns)
                        .map(|(cell, col)| {
                            let shown = if cell.has_issue || cell.output.is_empty() { cell.input.clone() } else { cell.output.clone() };
                            let label = format!("{}, row {}", col.field, row.row);
                            // Wide enough for the value, within reason: the table scrolls sideways.
                            let size = shown.chars().count().clamp(10, 40) + 1;
                            let (record, field) = (row.record, col.field.clone());
                            view! {
                                <td class="grid__cell" class:grid__cell--issue=cell.has_issue class:grid__cell--edited=cell.edited>
                                    <input class="grid__input" type="text" aria-label=label aria-invalid=cell.has_issue.to_string()
                                        size=size prop:value=shown
                                        on:change=move |ev| state.edit(record, &field, event_target_value(&ev)) />
                                </td>
                            }
                        })
                        .collect_view();
                    let status = if row.rejected { "Needs fixing" } else { "Ready" };
                    view! {
                        <tr class:grid__row--rejected=row.rejected>
                            <th scope="row" class="grid__rownum">{row.row}</th>
                            <td class="grid__status">{status}</td>
                            {cells}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel" aria-labelledby="grid-title">
            <h3 id="grid-title" class="panel__title">"Your rows"</h3>
            <p>"Type in any cell to correct it; it is checked again when you leave the cell. Cells with a problem are outlined in red."</p>
            <div class="grid-tools">
                <label class="check">
                    <input type="checkbox" prop:checked=move || only_problems.get()
                        on:change=move |ev| { only_problems.set(event_target_checked(&ev)); page.set(0); } />
                    "Show only rows with problems"
                </label>
                <span class="grid-tools__range" aria-live="polite">{range_text}</span>
                <button type="button" class="button button--secondary" disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous page"</button>
                <button type="button" class="button button--secondary" disabled=move || { page.get() + 1 >= pages() }
                    on:click=move |_| page.update(|p| *p += 1)>"Next page"</button>
            </div>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="grid-title">
                <table class="grid">
                    <thead><tr><th scope="col">"Row"</th><th scope="col">"Status"</th>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Focuses the grid input with this accessible name, if it is on the page.
fn focus_input(label: &str) {
    use wasm_bindgen::JsCast;
    let selector = format!("input[aria-label=\"{}\"]", label.replace('\\', "\\\\").replace('"', "\\\""));
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
    }
}
