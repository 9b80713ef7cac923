//! Step 5 (optional): import straight into CSM through the bulk APIs with the admin's own token — connect, choose
//! Create or Create-or-update, see the dry run, test with the first rows, then import everything, with progress,
//! pause/resume/cancel, a result for every row, and resuming an interrupted import.

use leptos::prelude::*;

use crate::domain::api::dry_run::DryRun;
use crate::domain::api::payload::Operation;
use crate::domain::api::run::Run;
use crate::domain::api::TEST_BATCH;
use crate::ui::api_driver::{find_resumable, resume_journal, start_dry_run, start_run};
use crate::ui::api_state::{ApiState, ConnStatus, DryRunState};
use crate::ui::components::connection_form::ConnectionForm;
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::components::run_progress::RunProgress;
use crate::ui::components::run_results::RunResults;
use crate::ui::components::step_section::StepSection;
use crate::ui::state::{count, plural, ImportState};

#[component]
fn OperationChoice() -> impl IntoView {
    let api = expect_context::<ApiState>();
    let busy = move || api.run.with(Run::is_busy) || api.preparing.with(Option::is_some);
    let option = move |op: Operation, id: &'static str, hint: &'static str| {
        view! {
            <label class="choice">
                <input type="radio" name="operation" data-testid=id prop:checked=move || api.operation.get() == op
                    disabled=busy on:change=move |_| api.operation.set(op)/>
                <span class="choice__text">
                    <span class="choice__title">{op.label()}</span>
                    <span class="choice__hint">{hint}</span>
                </span>
            </label>
        }
    };
    view! {
        <fieldset class="field-group">
            <legend class="field-group__legend">"What should CSM do with each row?"</legend>
            <div class="choices">
                {option(Operation::Create, "api-operation-create", "For new data: rows whose email or name already exists in CSM fail and are listed.")}
                {option(Operation::Upsert, "api-operation-upsert", "To re-import or enrich: new rows are created, existing ones updated with the values in your file.")}
            </div>
        </fieldset>
    }
}

/// While the rows to send are being prepared (seconds, for a big file): how far, as a progress bar.
#[component]
fn Preparing() -> impl IntoView {
    let api = expect_context::<ApiState>();
    move || {
        api.preparing.get().map(|(done, total)| {
            let text = preparing_sentence(done, total);
            view! {
                <div class="panel" role="status" data-testid="api-preparing">
                    <p>{text}</p>
                    <progress data-testid="progress" class="work__bar" max=total.max(1) value=done aria-label="Rows prepared"></progress>
                </div>
            }
        })
    }
}

fn preparing_sentence(done: usize, total: usize) -> String {
    format!("Preparing the rows to send: {} of {} rows looked at…", count(done), count(total))
}

#[component]
fn DryRunPanel() -> impl IntoView {
    let api = expect_context::<ApiState>();
    let import = expect_context::<ImportState>();
    let summary = move || {
        match api.dry_run.get() {
        DryRunState::NotRun => None,
        DryRunState::Running { done, total } => Some(view! { <p role="status">{format!("Checking {} of {} rows…", count(done), count(total))}</p> }.into_any()),
        DryRunState::Done(d) => Some(dry_summary(&d, &import, api).into_any()),
        DryRunState::Unavailable(m) => Some(view! { <p data-testid="api-dry-run-summary">{m}</p> }.into_any()),
        DryRunState::Failed(m) => Some(view! { <Notice tone=Tone::Error title="The check did not finish"><p data-testid="api-error">{m}</p></Notice> }.into_any()),
    }
    };
    view! {
        <section class="panel" aria-labelledby="dry-run-title">
            <h3 id="dry-run-title" class="panel__title">"1. See what would happen (nothing is written)"</h3>
            <button type="button" class="button button--secondary" data-testid="api-dry-run"
                disabled=move || api.preparing.with(Option::is_some)
                on:click=move |_| start_dry_run(api, import)>"Check which rows exist in CSM"</button>
            <div aria-live="polite">{summary}</div>
        </section>
    }
}

fn dry_summary(d: &DryRun, import: &ImportState, api: ApiState) -> impl IntoView {
    let text = d.summary(import.entity.get_untracked(), api.operation.get());
    view! { <p data-testid="api-dry-run-summary">{text}</p> }
}

#[component]
fn ResumeOffer() -> impl IntoView {
    let api = expect_context::<ApiState>();
    let import = expect_context::<ImportState>();
    move || {
        api.resumable.get().map(|j| {
            let done = j.rows_done();
            let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(j.identity.started_at)).to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED);
            let text = format!(
                "An import of “{}” ({}) started {} did not finish: {} of {} rows have a result. Resuming sends the rest; batches CSM already received are not sent twice.",
                j.identity.file_name, j.identity.operation.label(), String::from(when), count(done), count(j.rows)
            );
            view! {
                <Notice tone=Tone::Info title="Resume the interrupted import?">
                    <p>{text}</p>
                    <button type="button" class="button button--primary" data-testid="api-resume-journal"
                        on:click=move |_| resume_journal(api, import, j.clone())>"Resume the import"</button>
                </Notice>
            }
        })
    }
}

/// "Connected to cloud ID … through … (show or change)" once connected.
fn connection_title(api: ApiState, connected: bool) -> String {
    match api.connection.get() {
        Some(c) if connected => {
            let via = if c.api_base().is_empty() { "this site" } else { c.api_base() };
            format!("Connected to cloud ID {} through {via} (show or change)", c.cloud_id())
        }
        _ => "Connect to your CSM site".to_owned(),
    }
}

#[component]
pub fn ApiStep() -> impl IntoView {
    let api = expect_context::<ApiState>();
    let import = expect_context::<ImportState>();
    find_resumable(api, import);
    let connected =
        move || matches!(api.status.get(), ConnStatus::Connected { .. }) && api.connection.with(Option::is_some);
    // Open unless already connected when the step opened; it never snaps shut under the admin's hands.
    let form_open = !(matches!(api.status.get_untracked(), ConnStatus::Connected { .. })
        && api.connection.with_untracked(Option::is_some));
    let valid = move || import.prepared.with(|p| p.report.valid);
    let invalid = move || import.prepared.with(|p| p.report.invalid);
    let covered = move || api.run.with(Run::rows_planned);
    let busy = move || api.run.with(Run::is_busy) || api.preparing.with(Option::is_some);
    let remaining = move || valid().saturating_sub(if api.has_run() { covered() } else { 0 });
    let all_label = move || {
        if api.has_run() && covered() > 0 {
            format!("Import the remaining {} row{}", count(remaining()), plural(remaining()))
        } else {
            format!("Import all {} row{}", count(valid()), plural(valid()))
        }
    };
    view! {
        <StepSection title="Import directly into CSM (optional)">
            <p class="step__intro">
                "Instead of uploading the file in CSM yourself, the app can send the rows to your site with your own API token. "
                "Only the rows and your token go to the API address you enter; nothing else leaves this computer."
            </p>
            <ResumeOffer/>
            <Preparing/>
            <details class="panel" open=form_open>
                <summary class="panel__title">{move || connection_title(api, connected())}</summary>
                <ConnectionForm/>
            </details>
            {move || api.warning.get().map(|w| view! { <Notice tone=Tone::Warning title="Note">{w}</Notice> })}
            <Show when=connected fallback=|| view! { <p>"Connect first: the buttons to import appear once the connection works."</p> }>
                <OperationChoice/>
                <Show when=move || { invalid() > 0 }>
                    <p>{move || format!("{} row{} with problems will not be sent; they are in the rejected-rows file on the Download step.", count(invalid()), plural(invalid()))}</p>
                </Show>
                <DryRunPanel/>
                <section class="panel" aria-labelledby="send-title">
                    <h3 id="send-title" class="panel__title">"2. Import"</h3>
                    <p>{format!("Start with a test: the first {TEST_BATCH} rows. Check them in CSM, then import the rest.")}</p>
                    <button type="button" class="button button--secondary" data-testid="api-test-run"
                        disabled=move || busy() || api.has_run() || valid() == 0 || !import.results_current()
                        on:click=move |_| start_run(api, import, true)>
                        {format!("Test with the first {TEST_BATCH} rows")}
                    </button>
                    <button type="button" class="button button--primary" data-testid="api-import-all"
                        disabled=move || busy() || remaining() == 0 || !import.results_current()
                        on:click=move |_| start_run(api, import, false)>
                        {all_label}
                    </button>
                </section>
            </Show>
            <Show when=move || api.has_run()>
                <RunProgress/>
                <RunResults/>
            </Show>
        </StepSection>
    }
}
