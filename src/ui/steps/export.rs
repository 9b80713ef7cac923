//! Step 4: download the import-ready file(s) and the rejected rows, with the checklist of fields and options that
//! must exist in CSM first. Downloading with rejected rows is allowed, with a clear warning.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::checklist::{checklist, checklist_text};
use crate::domain::export::{import_file, rejects_file, ExportError, ExportFile, Limits};
use crate::domain::limits::{LEGACY_MAX_ROWS_PER_FILE, MAX_ROWS_PER_FILE};
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::components::step_section::StepSection;
use crate::ui::components::work_status::WorkStatus;
use crate::ui::jobs;
use crate::ui::state::{count, plural, writes_in_background, ImportState};
use crate::web::download::{save, save_in_slices, Handed};

/// Rows of the import file shown before downloading.
const PREVIEW_ROWS: usize = 5;

#[component]
fn SiteKind() -> impl IntoView {
    let state = expect_context::<ImportState>();
    view! {
        <fieldset class="field-group">
            <legend class="field-group__legend">"Which kind of CSM site are you importing into?"</legend>
            <div class="choices">
                <label class="choice">
                    <input type="radio" name="site" prop:checked=move || !state.legacy.get() on:change=move |_| state.legacy.set(false)/>
                    <span class="choice__text">
                        <span class="choice__title">"Current CSM"</span>
                        <span class="choice__hint">{format!("Creates and updates profiles. Up to {} rows and 80 MB per file.", count(MAX_ROWS_PER_FILE))}</span>
                    </span>
                </label>
                <label class="choice">
                    <input type="radio" name="site" prop:checked=move || state.legacy.get() on:change=move |_| state.legacy.set(true)/>
                    <span class="choice__text">
                        <span class="choice__title">"Older site (customer profiles in Jira Service Management)"</span>
                        <span class="choice__hint">{move || format!("Only updates {} that already exist; new ones are not created. Up to {} rows and 1 MB per file.", state.entity.get().noun(), count(LEGACY_MAX_ROWS_PER_FILE))}</span>
                    </span>
                </label>
            </div>
        </fieldset>
    }
}

#[component]
pub fn ExportStep() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let error = RwSignal::new(None::<String>);
    let stem = move || format!("{}-import", state.entity.get().noun());
    // The file goes to the browser a few MB a turn (a big .zip is hundreds of MB), then the notice says so.
    // A big .zip's first bytes were handed to the browser while it was written (`handed`).
    let saved = move |result: Result<ExportFile, ExportError>, handed: Handed| {
        spawn_local(async move {
            let delivered = match result {
                Ok(f) => save_in_slices(&f.name, f.mime, handed, &f.bytes).await.map(|_| f).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match delivered {
                Ok(f) => {
                    error.set(None);
                    let what = if f.parts > 1 { format!("a .zip of {} files", f.parts) } else { "one file".to_owned() };
                    state.notice.set(Some(format!(
                        "Saved “{}”: {} row{} in {what}.",
                        f.name,
                        count(f.rows),
                        plural(f.rows)
                    )));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // A big file's download is written in slices, with progress and Stop; a small one at once.
    let download_import = move |_| {
        let limits = Limits::for_site(state.legacy.get_untracked());
        if state.prepared.with_untracked(|p| writes_in_background(p)) {
            jobs::start_export(state, limits, stem(), saved);
        } else {
            saved(state.prepared.with_untracked(|p| import_file(p, limits, &stem())), Handed::default());
        }
    };
    let saved_rejects = move |result: Result<ExportFile, ExportError>, handed: Handed| {
        spawn_local(async move {
            let delivered = match result {
                Ok(f) => save_in_slices(&f.name, f.mime, handed, &f.bytes).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            error.set(delivered.err());
        });
    };
    // Like the import file: a big file's rejected rows are written in slices, with progress and Stop.
    let download_rejects = move |_| {
        let Some(table) = state.loaded.with_untracked(|l| l.as_ref().map(|l| Arc::clone(&l.outcome.table))) else {
            return;
        };
        if state.prepared.with_untracked(|p| writes_in_background(p)) {
            jobs::start_rejects(state, table, stem(), saved_rejects);
        } else {
            saved_rejects(state.prepared.with_untracked(|p| rejects_file(p, &table, &stem())), Handed::default());
        }
    };
    // The panel beside the buttons takes the focus while a download is written (its button is disabled); when the
    // work ends or is stopped the panel goes, and the focus comes back to the button rather than being lost.
    let import_button: NodeRef<leptos::html::Button> = NodeRef::new();
    let writing = Memo::new(move |_| state.exporting.with(Option::is_some));
    Effect::new(move |was: Option<bool>| {
        let now = writing.get();
        if was == Some(true) && !now {
            let lost = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .is_none_or(|active| active.tag_name().eq_ignore_ascii_case("body"));
            if let (true, Some(button)) = (lost, import_button.get_untracked()) {
                let _ = button.focus();
            }
        }
        now
    });
    let counts = Memo::new(move |_| state.prepared.with(|p| (p.report.valid, p.report.invalid)));
    let rejected_warning = move || {
        let (valid, invalid) = counts.get();
        (invalid > 0).then(|| {
            view! {
                <Notice tone=Tone::Warning title=format!("{} row{} will not be imported", count(invalid), plural(invalid))>
                    <p>{format!("The import file holds the {} valid row{}. The other {} are in the rejected-rows file with the reason for each: fix them there and import that file later, or go back and fix them here.", count(valid), plural(valid), count(invalid))}</p>
                </Notice>
            }
        })
    };
    let limits_note = move || {
        let rows = if state.legacy.get() { LEGACY_MAX_ROWS_PER_FILE } else { MAX_ROWS_PER_FILE };
        let (valid, _) = counts.get();
        if valid > rows {
            format!(
                "{} rows do not fit in one file, so you get a .zip of numbered files. Upload them one after another.",
                count(valid)
            )
        } else {
            "Everything fits in one file.".to_owned()
        }
    };
    let items = Memo::new(move |_| state.prepared.with(|p| state.schema.with(|s| checklist(p, s))));
    let checklist_view = move || {
        items
            .get()
            .into_iter()
            .map(|i| {
                let options = (!i.options_used.is_empty()).then(|| format!("Options used: {}", i.options_used.join(", ")));
                view! { <li><strong>{i.field.clone()}</strong>{format!(" — {} ({})", i.type_label, i.api_type)}<br/>{options}</li> }
            })
            .collect_view()
    };
    let save_checklist = move |_| {
        let text = checklist_text(&items.get_untracked(), state.entity.get_untracked().singular());
        if let Err(e) = save("csm-checklist.txt", "text/plain;charset=utf-8", text.as_bytes()) {
            error.set(Some(e.to_string()));
        }
    };
    // The first rows exactly as the import file will hold them.
    let preview = move || {
        state.prepared.with(|p| {
            let head = p.columns.iter().map(|c| view! { <th scope="col">{c.field.clone()}</th> }).collect_view();
            let rows = p
                .valid_rows_at_hand()
                .take(PREVIEW_ROWS)
                .map(|r| view! { <tr>{r.cells.iter().map(|c| view! { <td>{c.output.clone()}</td> }).collect_view()}</tr> })
                .collect_view();
            view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="The first rows of the import file">
                    <table class="grid grid--preview"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>
                </div>
            }
        })
    };
    view! {
        <StepSection title="Download your import file">
            <SiteKind/>
            {rejected_warning}
            <section class="panel" aria-labelledby="checklist-title">
                <h3 id="checklist-title" class="panel__title">"Before you upload: check these fields exist in CSM"</h3>
                <p>"CSM ignores columns it does not know and rejects values that are not one of a field's options. Names are case-sensitive."</p>
                <ul class="checklist">{checklist_view}</ul>
                <button type="button" class="button button--link" on:click=save_checklist>"Save this checklist"</button>
            </section>
            <div class="downloads">
                <h3 class="panel__title">"Your import file"</h3>
                {preview}
                <p>{limits_note}</p>
                <button type="button" class="button button--primary button--large" data-testid="download-import" node_ref=import_button
                    disabled=move || counts.get().0 == 0 || !state.results_current() || state.exporting.with(Option::is_some)
                    on:click=download_import>
                    {move || format!("Download import file ({} row{})", count(counts.get().0), plural(counts.get().0))}
                </button>
                <Show when=move || { counts.get().1 > 0 }>
                    <button type="button" class="button button--secondary button--large" data-testid="download-rejects"
                        disabled=move || !state.results_current() on:click=download_rejects>
                        {move || format!("Download rejected rows ({})", counts.get().1)}
                    </button>
                </Show>
                <WorkStatus downloads=true/>
            </div>
            {move || error.get().map(|e| view! { <Notice tone=Tone::Error title="The file could not be saved">{e}</Notice> })}
            {move || state.notice.get().map(|n| view! { <Notice tone=Tone::Success title="Saved">{n}</Notice> })}
        </StepSection>
    }
}
