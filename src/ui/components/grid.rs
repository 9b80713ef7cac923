//! The review grid: the rows as they will be imported, virtualised — only the rows in view are on the page, so
//! scrolling through hundreds of thousands of rows stays smooth — with problem cells highlighted and every cell
//! editable in place (an edit is re-validated at once). It can jump to a spreadsheet row and be filtered to the
//! rows with problems.
//!
//! Owns the scroll arithmetic (`window_for`): rows have a fixed height; when the full height would exceed what a
//! browser can lay out, the scrollbar is scaled and the rows in view are computed proportionally. Invariant: the
//! rendered rows are always the ones whose positions the scrollbar shows, and a finding's cell is scrolled into
//! view before it is focused. The spacer heights are set through the CSSOM (`style:height`), which the page's CSP
//! allows; a `style="…"` attribute would be blocked by `style-src 'self'`.

use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ui::file_rows;
use crate::ui::state::{count, plural, ImportState};

/// Height of one row in CSS pixels (`.grid--virtual tr` in style/main.css must match).
const ROW_PX: f64 = 36.0;
/// Rows rendered beyond the viewport on each side, so fast scrolling shows no blank band.
const OVERSCAN: usize = 8;
/// Tallest scroll area we ask the browser for (browsers cap element heights at roughly 33 million pixels).
const MAX_PX: f64 = 8_000_000.0;
/// Height of the scroll viewport in CSS pixels (`.grid-viewport`).
const VIEW_PX: f64 = 480.0;

/// The rows to render for a scroll position, as indexes into the rows shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// The first row the viewport shows, and how many it shows.
    pub first_in_view: usize,
    pub in_view: usize,
    /// The rows rendered (those in view plus `OVERSCAN` on each side).
    pub start: usize,
    pub count: usize,
    /// Empty space above and below the rendered rows, in CSS pixels.
    pub above: f64,
    pub below: f64,
}

/// Which rows to render for a scroll position.
pub fn window_for(total: usize, scroll_top: f64) -> Window {
    let per_view = (VIEW_PX / ROW_PX).ceil() as usize;
    let full = total as f64 * ROW_PX;
    let height = full.min(MAX_PX);
    let scroll_top = scroll_top.clamp(0.0, (height - VIEW_PX).max(0.0));
    let (first_in_view, above) = if full <= MAX_PX {
        ((scroll_top / ROW_PX).floor() as usize, None)
    } else {
        // Scaled: the scrollbar's fraction picks the row; the rows are drawn where the viewport is.
        let fraction = scroll_top / (height - VIEW_PX).max(1.0);
        let first = (fraction * total.saturating_sub(per_view) as f64).round() as usize;
        (first, Some(scroll_top))
    };
    let start = first_in_view.saturating_sub(OVERSCAN).min(total);
    let end = (first_in_view + per_view + OVERSCAN).min(total);
    let count = end - start;
    let above = above.map_or(start as f64 * ROW_PX, |top| (top - (first_in_view - start) as f64 * ROW_PX).max(0.0));
    let below = (height - above - count as f64 * ROW_PX).max(0.0);
    let first_in_view = first_in_view.min(total);
    let in_view = per_view.min(total - first_in_view);
    Window { first_in_view, in_view, start, count, above, below }
}

/// The scroll position that shows row `index` at the top.
pub fn scroll_for(total: usize, index: usize) -> f64 {
    let full = total as f64 * ROW_PX;
    if full <= MAX_PX {
        index as f64 * ROW_PX
    } else {
        let per_view = (VIEW_PX / ROW_PX).ceil() as usize;
        let fraction = index as f64 / total.saturating_sub(per_view).max(1) as f64;
        fraction.min(1.0) * (MAX_PX - VIEW_PX)
    }
}

#[component]
pub fn Grid() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let only_problems = RwSignal::new(false);
    let scroll_top = RwSignal::new(0.0f64);
    let jump_error = RwSignal::new(None::<String>);
    let jump_value = RwSignal::new(String::new());
    let viewport: NodeRef<Div> = NodeRef::new();
    // A big table kept in the file (`Rows::keep_in_file`): rows not in memory are read back, then shown (bumped).
    let filled = RwSignal::new(0u64);
    let loading = StoredValue::new(None::<Vec<usize>>);
    let visible = Memo::new(move |_| {
        let only = only_problems.get();
        state.prepared.with(|p| {
            if only {
                (0..p.len()).filter(|r| p.has_problem(*r)).collect::<Vec<_>>()
            } else {
                (0..p.len()).collect::<Vec<_>>()
            }
        })
    });
    let scroll_to = move |index: usize| {
        let total = visible.with_untracked(Vec::len);
        let top = scroll_for(total, index);
        if let Some(el) = viewport.get_untracked() {
            el.set_scroll_top(top as i32);
        }
        scroll_top.set(top);
    };
    // A finding asked to show a cell: show every row, scroll it into view, then focus the cell's input (its row
    // read back from the file first, in a table kept there).
    Effect::new(move |_| {
        let Some((record, field)) = state.grid_focus.get() else { return };
        state.grid_focus.set(None);
        let field = state.prepared.with_untracked(|p| {
            if p.columns.iter().any(|c| c.field == field) {
                Some(field)
            } else {
                p.columns.first().map(|c| c.field.clone())
            }
        });
        let Some(field) = field else { return };
        only_problems.set(false);
        let index = visible.with_untracked(|v| v.binary_search(&record).unwrap_or_else(|i| i));
        scroll_to(index.saturating_sub(2));
        let focus = move || {
            let label =
                state.prepared.with_untracked(|p| p.row_number(record)).map(|row| format!("{field}, row {row}"));
            if let Some(label) = label {
                set_timeout(move || focus_input(&label), std::time::Duration::from_millis(0));
            }
        };
        match state.in_file_source() {
            Some(source) => spawn_local(async move {
                let rows = state.prepared.with_untracked(|p| p.records().cloned());
                if let Some(rows) = rows {
                    if let Err(e) = file_rows::fill(&source, &rows, &[record]).await {
                        state.file_error.set(Some(e.to_string()));
                        return;
                    }
                }
                filled.update(|n| *n += 1);
                focus();
            }),
            None => focus(),
        }
    });
    // A memo, so scrolling within the same rows changes nothing downstream.
    let window = Memo::new(move |_| window_for(visible.with(Vec::len), scroll_top.get()));
    let range_text = move || {
        let total = visible.with(Vec::len);
        if total == 0 {
            return "No rows to show".to_owned();
        }
        let w = window.get();
        filled.track();
        state.prepared.with(|p| {
            // "…" for a row still being read back from the file.
            let row_of = |i: usize| {
                let record = visible.with(|v| v.get(i).copied());
                let has = |r: usize| p.records().is_none_or(|rows| rows.has(r));
                record.filter(|r| has(*r)).and_then(|r| p.row_number(r)).map_or("…".to_owned(), |n| n.to_string())
            };
            format!(
                "Showing rows {}–{} · {} row{} in all",
                row_of(w.first_in_view),
                row_of((w.first_in_view + w.in_view).saturating_sub(1)),
                count(total),
                plural(total)
            )
        })
    };
    let jump = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = jump_value.get_untracked().trim().parse::<u64>().ok();
        let Some(wanted) = wanted else {
            jump_error.set(Some("Enter a row number, such as 1250.".into()));
            return;
        };
        // The first shown row at or after the wanted spreadsheet row: records are in row order, so it is the first
        // shown record at or after the table's first record at that row (read back first, in a table kept in the file).
        let land = move |at: usize| {
            let index = visible.with_untracked(|v| v.partition_point(|r| *r < at));
            if index >= visible.with_untracked(Vec::len) {
                jump_error.set(Some(format!("There is no row {wanted} among the rows shown.")));
                return;
            }
            jump_error.set(None);
            scroll_to(index);
        };
        let Some(rows) = state.prepared.with_untracked(|p| p.records().cloned()) else { return };
        match state.in_file_source() {
            Some(source) => spawn_local(async move {
                let (low, high) = rows.rows_around(wanted);
                let around: Vec<usize> = [low, high.saturating_sub(1)].into_iter().filter(|i| *i < high).collect();
                if let Err(e) = file_rows::fill(&source, &rows, &around).await {
                    state.file_error.set(Some(e.to_string()));
                    return;
                }
                land(rows.first_at_or_after_row(wanted));
            }),
            None => land(rows.first_at_or_after_row(wanted)),
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
    let columns = move || state.prepared.with(|p| p.columns.len()) + 2;
    // Bumped whenever validation produces new rows, so a row's DOM is rebuilt only when its content may have
    // changed — never merely because the admin scrolled (which would drop a value being typed).
    let version = Memo::new(move |previous: Option<&u64>| {
        state.prepared.track();
        previous.map_or(0, |v| v + 1)
    });
    // The rows in the window: (position among shown rows, the row), keyed by record, version and filter.
    // In a table kept in the file, rows not in memory are left out and read back; they show once read (`filled`).
    let rows_in_view = move || {
        filled.track();
        let Window { start, count, .. } = window.get();
        let indexes: Vec<usize> = visible.with(|v| v.iter().skip(start).take(count).copied().collect());
        state.prepared.with(|p| {
            let rows = p.records();
            if let Some(rows) = rows {
                read_back(state, rows, &indexes, (filled, loading));
            }
            let has = |i: usize| rows.is_none_or(|r| r.has(i));
            (indexes.into_iter().enumerate())
                .filter(|(_, i)| has(*i))
                .filter_map(|(k, i)| p.row(i).map(|r| (start + k, r)))
                .collect::<Vec<_>>()
        })
    };
    let row_view = move |(position, row): (usize, crate::domain::prepare::OutRow)| {
        let cells = state.prepared.with_untracked(|p| {
            row.cells
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
                .collect_view()
        });
        let status = if row.rejected { "Needs fixing" } else { "Ready" };
        view! {
            <tr class:grid__row--rejected=row.rejected aria-rowindex=(position + 2).to_string()>
                <th scope="row" class="grid__rownum">{row.row}</th>
                <td class="grid__status">{status}</td>
                {cells}
            </tr>
        }
    };
    let above = move || format!("{}px", window.get().above);
    let below = move || format!("{}px", window.get().below);
    let body = move || {
        view! {
            <tr class="grid__spacer" aria-hidden="true" style:height=above><td colspan=columns></td></tr>
            <For
                each=rows_in_view
                key=move |(position, row): &(usize, crate::domain::prepare::OutRow)| {
                    (row.record, *position, version.get_untracked(), only_problems.get_untracked())
                }
                children=row_view
            />
            <tr class="grid__spacer" aria-hidden="true" style:height=below><td colspan=columns></td></tr>
        }
    };
    view! {
        <section class="panel" aria-labelledby="grid-title">
            <h3 id="grid-title" class="panel__title">"Your rows"</h3>
            <p>"Type in any cell to correct it; it is checked again when you leave the cell. Cells with a problem are outlined in red."</p>
            <div class="grid-tools">
                <label class="check">
                    <input type="checkbox" prop:checked=move || only_problems.get()
                        on:change=move |ev| { only_problems.set(event_target_checked(&ev)); scroll_to(0); } />
                    "Show only rows with problems"
                </label>
                <span class="grid-tools__range" aria-live="polite">{range_text}</span>
                <form class="grid-tools__jump" on:submit=jump>
                    <label for="grid-jump">"Go to row"</label>
                    <input id="grid-jump" class="input input--short" type="number" min="1" inputmode="numeric"
                        prop:value=move || jump_value.get() on:input=move |ev| jump_value.set(event_target_value(&ev))/>
                    <button type="submit" class="button button--secondary">"Go"</button>
                </form>
            </div>
            {move || jump_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <div class="table-scroll grid-viewport" tabindex="0" role="region" aria-labelledby="grid-title" node_ref=viewport
                on:scroll=move |_| {
                    if let Some(el) = viewport.get_untracked() {
                        scroll_top.set(f64::from(el.scroll_top()));
                    }
                }>
                <table class="grid grid--virtual" aria-rowcount=move || (visible.with(Vec::len) + 1).to_string()>
                    <thead><tr aria-rowindex="1"><th scope="col">"Row"</th><th scope="col">"Status"</th>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Reads the records of `rows` (the table of the check shown) at `needed` back from the file when some are not in
/// memory, unless those very records are being read; bumps `filled` once they are.
fn read_back(
    state: ImportState,
    rows: &crate::domain::table::Rows,
    needed: &[usize],
    (filled, loading): (RwSignal<u64>, StoredValue<Option<Vec<usize>>>),
) {
    if rows.missing_of(needed).is_none() || loading.with_value(|l| l.as_deref() == Some(needed)) {
        return;
    }
    let Some(source) = state.in_file_source() else { return };
    loading.set_value(Some(needed.to_vec()));
    let (rows, needed) = (rows.clone(), needed.to_vec());
    spawn_local(async move {
        let result = file_rows::fill(&source, &rows, &needed).await;
        loading.set_value(None);
        match result {
            Ok(()) => filled.update(|n| *n += 1),
            Err(e) => state.file_error.set(Some(e.to_string())),
        }
    });
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
