//! Step 1: what the file holds (customers or organizations) and the file itself, chosen, dropped or the sample.
//! Shows how the file was read (encoding and delimiter of a text file, the sheet of a workbook, the row with the
//! column names and the footer rows left out, all changeable) and a preview, so a wrong guess is visible.
//! Child files: `sheet_picker`, `table_bounds`.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::decode::{encoding_label, ENCODING_CHOICES};
use crate::domain::read::ReadOptions;
use crate::domain::report::ProblemKind;
use crate::domain::schema::Entity;
use crate::domain::sniff::DELIMITERS;
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::components::step_section::StepSection;
use crate::ui::jobs;
use crate::ui::state::{count, plural, ImportState};
use crate::web::file::{first_file, read_file};
use crate::web::sample::fetch_bytes;

mod encoding_compare;
mod sheet_picker;
mod table_bounds;

use encoding_compare::EncodingCompare;
use sheet_picker::SheetPicker;
use table_bounds::TableBounds;

/// Where the bundled sample lives, relative to the page (Trunk copies `public/` there).
const SAMPLE_PATH: &str = "public/sample-contacts.csv";

fn load_file(state: ImportState, file: web_sys::File) {
    if file.size() > jobs::BACKGROUND_READ_BYTES as f64 {
        jobs::start_file(state, file);
        return;
    }
    state.busy.set(Some(file.name()));
    spawn_local(async move {
        match read_file(file).await {
            Ok(picked) => state.load(picked.name, Arc::new(picked.bytes), ReadOptions::default()),
            Err(e) => {
                state.load_error.set(Some(e.to_string()));
                state.busy.set(None);
            }
        }
    });
}

fn load_sample(state: ImportState) {
    state.busy.set(Some("sample-contacts.csv".into()));
    state.set_entity(Entity::Customers);
    spawn_local(async move {
        match fetch_bytes(SAMPLE_PATH).await {
            Ok(bytes) => state.load("sample-contacts.csv".into(), Arc::new(bytes), ReadOptions::default()),
            Err(e) => {
                state.load_error.set(Some(e.to_string()));
                state.busy.set(None);
            }
        }
    });
}

#[component]
fn EntityChoice() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let option = move |entity: Entity, testid: &'static str, title: &'static str, hint: &'static str| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="entity"
                    data-testid=testid
                    prop:checked=move || state.entity.get() == entity
                    on:change=move |_| state.set_entity(entity)
                />
                <span class="choice__text">
                    <span class="choice__title">{title}</span>
                    <span class="choice__hint">{hint}</span>
                </span>
            </label>
        }
    };
    view! {
        <fieldset class="field-group">
            <legend class="field-group__legend">"What does your file hold?"</legend>
            <div class="choices">
                {option(Entity::Customers, "entity-customers", "Customers (people)", "One row per person. Each needs an email address.")}
                {option(Entity::Organizations, "entity-organizations", "Organizations (companies)", "One row per company. Each needs a name.")}
            </div>
        </fieldset>
    }
}

#[component]
fn FilePicker() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let dragging = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = first_file(input.files()) {
            load_file(state, file);
        }
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = first_file(ev.data_transfer().and_then(|d| d.files())) {
            load_file(state, file);
        }
    };
    view! {
        <div
            class="dropzone"
            class:dropzone--active=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <label class="dropzone__label" for="file-input">
                <span class="dropzone__title">"Choose a CSV or Excel file"</span>
                <span class="dropzone__hint">
                    "or drag it here. Exports from Salesforce, HubSpot, Zendesk, Freshdesk or Excel (.xlsx, CSV or Unicode text) all work."
                </span>
            </label>
            <input
                id="file-input"
                class="dropzone__input"
                type="file"
                accept=".csv,.tsv,.txt,.xlsx,text/csv,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                data-testid="file-input"
                on:change=on_change
            />
            <p class="dropzone__sample">
                "No file at hand? "
                <button type="button" class="button button--link" on:click=move |_| load_sample(state)>
                    "Try the sample contacts file"
                </button>
            </p>
        </div>
    }
}

#[component]
fn ReadSettings() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let outcome = move || state.loaded.get().map(|l| l.outcome);
    let encoding_name = move || outcome().map(|o| o.encoding.name()).unwrap_or("UTF-8");
    let delimiter = move || outcome().map(|o| o.delimiter).unwrap_or(b',');
    let guessed_note = move || {
        outcome().filter(|o| o.encoding_guessed).map(|o| {
            format!(
                "This file is not UTF-8. We read it as {}. If names with accents look wrong in the preview, pick another encoding.",
                encoding_label(o.encoding)
            )
        })
    };
    let is_text = move || outcome().is_some_and(|o| o.workbook.is_none());
    let options = move || outcome().map(|o| o.options.clone()).unwrap_or_default();
    let on_encoding = move |ev: leptos::ev::Event| {
        let label = event_target_value(&ev);
        let encoding = encoding_rs::Encoding::for_label(label.as_bytes());
        let delimiter = outcome().map(|o| o.delimiter);
        state.reread(ReadOptions { encoding, delimiter, ..options() });
    };
    let on_delimiter = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let delimiter = value.bytes().next();
        let encoding = outcome().map(|o| o.encoding);
        state.reread(ReadOptions { encoding, delimiter, ..options() });
    };
    let encodings = move || {
        let current = encoding_name();
        ENCODING_CHOICES
            .iter()
            .map(|e| {
                let name = e.name();
                view! { <option value=name selected=name == current>{encoding_label(e)}</option> }
            })
            .collect_view()
    };
    let delimiters = move || {
        let current = delimiter();
        DELIMITERS
            .iter()
            .map(|(d, label)| {
                let value = (*d as char).to_string();
                view! { <option value=value selected=*d == current>{*label}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="read-settings">
            <SheetPicker/>
            <Show when=is_text>
                <div class="form-row">
                    <label for="encoding">"Text encoding"</label>
                    <select id="encoding" class="select" on:change=on_encoding>{encodings}</select>
                </div>
                <div class="form-row">
                    <label for="delimiter">"Values are separated by"</label>
                    <select id="delimiter" class="select" on:change=on_delimiter>{delimiters}</select>
                </div>
            </Show>
            <TableBounds/>
        </div>
        {move || guessed_note().map(|n| view! { <Notice tone=Tone::Info title="Encoding detected">{n}</Notice> })}
        <EncodingCompare/>
    }
}

#[component]
fn Preview() -> impl IntoView {
    let state = expect_context::<ImportState>();
    move || {
        state.loaded.get().map(|l| {
            let t = &l.outcome.table;
            let head = t.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view();
            let rows = t
                .records
                .iter()
                .take(5)
                .map(|r| {
                    let cells = r.cells.iter().map(|c| view! { <td>{c.to_owned()}</td> }).collect_view();
                    view! { <tr><th scope="row">{r.pos.row}</th>{cells}</tr> }
                })
                .collect_view();
            let summary = format!(
                "“{}”: {} row{}, {} column{}. The first rows:",
                l.name,
                count(t.records.len()),
                plural(t.records.len()),
                t.headers.len(),
                plural(t.headers.len())
            );
            let excel_errors = l.outcome.issues.iter().filter(|i| i.problem.kind() == ProblemKind::ExcelError).count();
            let ragged = l.outcome.issues.len() - excel_errors;
            let ragged_note = (ragged > 0).then(|| {
                format!(
                    "{} row{} {} a different number of values than the header. You will see which on the Fix problems step.",
                    count(ragged),
                    plural(ragged),
                    if ragged == 1 { "has" } else { "have" }
                )
            });
            let excel_note = match excel_errors {
                0 => None,
                1 => Some("1 cell shows an Excel error such as #N/A, so it is read as empty. You will see which on the Fix problems step.".to_owned()),
                n => Some(format!("{n} cells show an Excel error such as #N/A, so they are read as empty. You will see which on the Fix problems step.")),
            };
            let notes = l.outcome.header_notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view();
            view! {
                <section class="panel" aria-labelledby="preview-title">
                    <h3 id="preview-title" class="panel__title">"How we read your file"</h3>
                    <ReadSettings/>
                    <ul class="plain-list">{notes}</ul>
                    {ragged_note.map(|n| view! { <Notice tone=Tone::Warning title="Some rows look uneven">{n}</Notice> })}
                    {excel_note.map(|n| view! { <Notice tone=Tone::Warning title="Some cells show Excel errors">{n}</Notice> })}
                    <p>{summary}</p>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Preview of the first rows">
                        <table class="grid grid--preview">
                            <thead><tr><th scope="col">"Row"</th>{head}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </section>
            }
        })
    }
}

#[component]
pub fn UploadStep() -> impl IntoView {
    let state = expect_context::<ImportState>();
    // A big file shows its progress (with Stop) above the step instead.
    let busy = move || {
        state.busy.get().filter(|_| state.reading.with(Option::is_none)).map(|name| {
            view! {
                <div class="busy" role="status">
                    <progress data-testid="progress" max="1" value="0" aria-label="Reading the file"></progress>
                    <span>{format!("Reading “{name}”…")}</span>
                </div>
            }
        })
    };
    let error = move || {
        state.load_error.get().map(|e| {
            let kept =
                state.loaded.with(|l| l.as_ref().map(|l| format!("Your previous file “{}” is still loaded.", l.name)));
            view! { <Notice tone=Tone::Error title="This file could not be used"><p>{e}</p><p>{kept}</p></Notice> }
        })
    };
    view! {
        <StepSection title="Choose the file to import">
            <p class="step__intro">
                "This assistant prepares your customer list for Atlassian Customer Service Management. "
                "It checks every row, helps you fix problems, and gives you files that CSM's CSV import accepts."
            </p>
            <EntityChoice/>
            <FilePicker/>
            {busy}
            {error}
            <Preview/>
        </StepSection>
    }
}
