//! Results for every row sent: counts, a paged table (optionally failed rows only) with CSM's reason for each
//! failure, and the failed rows as a file in the admin's own columns, ready to fix and import again.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::api::results::{failed_rows, RowResult};
use crate::domain::export::{rows_with_reasons, ExportFile, ReasonsFile};
use crate::domain::table::{Table, AHEAD_ROWS};
use crate::ui::api_state::ApiState;
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::file_rows;
use crate::ui::file_source::FileSource;
use crate::ui::state::{count, plural, ImportState};
use crate::web::download::save;

const PAGE: usize = 50;

/// The failed rows file of a table kept in the file (`rows_with_reasons`): the rows are read back from the file a
/// run at a time (at most `AHEAD_ROWS` records apart), so only a few blocks are loaded at once.
async fn failed_from_file(
    source: &FileSource,
    table: &Table,
    mut failed: Vec<(usize, String)>,
    name: &str,
) -> Result<ExportFile, String> {
    failed.sort_by_key(|(record, _)| *record);
    let mut file = ReasonsFile::new(table).map_err(|e| e.to_string())?;
    let mut rest = failed.as_slice();
    while let Some((first, _)) = rest.first() {
        // A run of rows within `AHEAD_ROWS` of its first: a few blocks, read back together.
        let end = rest.iter().position(|(record, _)| *record >= first + AHEAD_ROWS).unwrap_or(rest.len());
        let (run, after) = rest.split_at(end.max(1));
        rest = after;
        let needed: Vec<usize> = run.iter().map(|(record, _)| *record).collect();
        file_rows::fill(source, &table.records, &needed).await.map_err(|e| e.to_string())?;
        for (record, reason) in run {
            file.push(table, *record, reason).map_err(|e| e.to_string())?;
        }
    }
    Ok(file.finish(name.to_owned()))
}

#[component]
pub fn RunResults() -> impl IntoView {
    let api = expect_context::<ApiState>();
    let import = expect_context::<ImportState>();
    let only_failed = RwSignal::new(false);
    let page = RwSignal::new(0usize);
    let error = RwSignal::new(None::<String>);
    let counts = move || {
        api.results.with(|r| {
            let item = |id: &'static str, label: &'static str, n: usize| {
                view! { <div class="summary__item"><dt>{label}</dt><dd data-testid=id>{count(n)}</dd></div> }
            };
            view! {
                <dl class="summary">
                    {item("api-results-created", "Created", r.created)}
                    {item("api-results-updated", "Updated", r.updated)}
                    {(r.written > 0).then(|| item("api-results-written", "Created or updated", r.written))}
                    {item("api-results-failed", "Failed", r.failed)}
                    {(r.not_sent > 0).then(|| item("api-results-not-sent", "Not sent", r.not_sent))}
                    {(r.waiting > 0).then(|| item("api-results-waiting", "Waiting for CSM", r.waiting))}
                </dl>
            }
        })
    };
    let unattributed = move || {
        let list = api.results.with(|r| r.unattributed.clone());
        (!list.is_empty()).then(|| {
            view! {
                <Notice tone=Tone::Warning title="CSM reported failures without naming the row">
                    <ul>{list.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                </Notice>
            }
        })
    };
    let visible = Memo::new(move |_| {
        let failed_only = only_failed.get();
        api.rows.with(|rows| {
            api.results.with(|r| {
                rows.iter()
                    .zip(&r.rows)
                    .filter(|(_, res)| !matches!(res, RowResult::NotStarted))
                    .filter(|(_, res)| !failed_only || matches!(res, RowResult::Failed(_)))
                    .map(|(row, res)| (row.row, row.profile.key.clone(), res.clone()))
                    .collect::<Vec<_>>()
            })
        })
    });
    let pages = move || visible.with(|v| v.len().div_ceil(PAGE)).max(1);
    let table = move || {
        let start = page.get().min(pages() - 1) * PAGE;
        visible.with(|v| {
            v.iter()
                .skip(start)
                .take(PAGE)
                .map(|(row, key, res)| {
                    let reason = match res {
                        RowResult::Failed(r) => r.clone(),
                        _ => String::new(),
                    };
                    let class = if matches!(res, RowResult::Failed(_)) { "result result--failed" } else { "result" };
                    view! {
                        <tr data-testid="api-result-row" data-status=res.label().to_owned()>
                            <td class="num">{*row}</td><td>{key.clone()}</td>
                            <td class=class>{res.label().to_owned()}</td><td>{reason}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let download_failed = move |_| {
        let stem = format!("{}-import", import.entity.get_untracked().noun());
        let name = format!("{stem}-failed.csv");
        let failed: Vec<(usize, String)> =
            api.rows.with_untracked(|rows| api.results.with_untracked(|r| failed_rows(rows, r).collect()));
        let Some(table) = import.loaded.with_untracked(|l| l.as_ref().map(|l| Arc::clone(&l.outcome.table))) else {
            error.set(Some("Load the file again to download its failed rows.".into()));
            return;
        };
        let saved = move |file: Result<ExportFile, String>| match file {
            Ok(f) => match save(&f.name, f.mime, &f.bytes.to_vec()) {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e.to_string())),
            },
            Err(e) => error.set(Some(e)),
        };
        match import.in_file_source() {
            // A big file's rows are read back from it first, a run of them at a time.
            Some(source) => spawn_local(async move { saved(failed_from_file(&source, &table, failed, &name).await) }),
            None => saved(rows_with_reasons(&table, failed, &name).map_err(|e| e.to_string())),
        }
    };
    let failed = move || api.results.with(|r| r.failed);
    view! {
        <section class="panel" aria-labelledby="results-title">
            <h3 id="results-title" class="panel__title">"Results for every row"</h3>
            {counts}
            {unattributed}
            <Show when=move || { failed() > 0 }>
                <p>{move || format!("{} row{} failed. Download them in your own columns with CSM's reason, fix them, and import that file again.", count(failed()), plural(failed()))}</p>
                <button type="button" class="button button--primary" data-testid="download-failed" on:click=download_failed>
                    {move || format!("Download failed rows ({})", count(failed()))}
                </button>
            </Show>
            {move || error.get().map(|e| view! { <Notice tone=Tone::Error title="The file could not be saved">{e}</Notice> })}
            <div class="grid-tools">
                <label class="check">
                    <input type="checkbox" prop:checked=move || only_failed.get()
                        on:change=move |ev| { only_failed.set(event_target_checked(&ev)); page.set(0); }/>
                    "Show failed rows only"
                </label>
                <button type="button" class="button button--secondary" disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                <span class="grid-tools__range">{move || format!("Page {} of {}", page.get().min(pages() - 1) + 1, pages())}</span>
                <button type="button" class="button button--secondary" disabled=move || { page.get() + 1 >= pages() }
                    on:click=move |_| page.update(|p| *p += 1)>"Next page"</button>
            </div>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Result per row">
                <table class="grid">
                    <thead><tr><th scope="col">"Row"</th><th scope="col">"Key"</th><th scope="col">"Result"</th><th scope="col">"Reason"</th></tr></thead>
                    <tbody>{table}</tbody>
                </table>
            </div>
        </section>
    }
}
