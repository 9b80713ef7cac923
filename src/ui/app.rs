//! The app shell: header with the privacy promise, the step indicator, the current step, and the navigation bar.

use leptos::prelude::*;

use super::api_driver::test_connection;
use super::api_state::ApiState;
use super::components::notice::{Notice, Tone};
use super::components::resume_hint::ResumeHint;
use super::components::step_nav::{StepIndicator, StepNav};
use super::components::step_section::StepSection;
use super::components::work_status::WorkStatus;
use super::state::{ImportState, Step};
use super::steps::{api::ApiStep, export::ExportStep, map::MapStep, review::ReviewStep, upload::UploadStep};
use crate::web::read_worker::ReadWorker;

#[component]
pub fn App() -> impl IntoView {
    let state = ImportState::new();
    provide_context(state);
    let api = ApiState::new();
    provide_context(api);
    // The worker that reads a big file is started now, so reading one does not wait for it to load.
    ReadWorker::prepare();
    // A token kept for this tab (the admin opted in) reconnects after a reload, so an import can resume.
    if !api.token.get_untracked().is_empty() && !api.cloud_id.get_untracked().is_empty() {
        test_connection(api, state);
    }
    // After a step change, move keyboard and screen-reader focus to the new step (not on first render). Once the
    // new step has been laid out and painted (a frame, then a task after it): focusing at once forced the layout of
    // hundreds of new elements inside the task that built them (a profile showed it as most of that task).
    Effect::new(move |previous: Option<Step>| {
        let step = state.step.get();
        if previous.is_some_and(|p| p != step) {
            request_animation_frame(|| set_timeout(focus_main, std::time::Duration::ZERO));
        }
        step
    });
    // A big file's first check has no results yet: the later steps wait for it (the progress is shown above).
    let first_check =
        Memo::new(move |_| state.checking.with(Option::is_some) && state.prepared.with(|p| p.entity.is_none()));
    let current = move || match state.step.get() {
        Step::Upload => view! { <UploadStep/> }.into_any(),
        Step::Map => view! { <MapStep/> }.into_any(),
        Step::Review | Step::Export | Step::Send if first_check.get() => view! { <FirstCheck/> }.into_any(),
        Step::Review => view! { <ReviewStep/> }.into_any(),
        Step::Export => view! { <ExportStep/> }.into_any(),
        Step::Send => view! { <ApiStep/> }.into_any(),
    };
    view! {
        <a class="skip-link" href="#main">"Skip to the current step"</a>
        <header class="app-header">
            <div class="app-header__inner">
                <h1 class="app-header__title">"CSM Import Assistant"</h1>
                <p class="app-header__privacy">
                    "Your file stays on this computer: it is read and checked in this browser tab and never uploaded."
                </p>
            </div>
        </header>
        <StepIndicator/>
        <main id="main" class="app-main" tabindex="-1">
            <ResumeHint/>
            <WorkStatus/>
            <FileError/>
            {current}
        </main>
        <StepNav/>
    }
}

/// When a big file kept on disk could not be read again for its rows: what happened and what to do.
#[component]
fn FileError() -> impl IntoView {
    let state = expect_context::<ImportState>();
    move || {
        state.file_error.get().map(|e| {
            view! {
                <Notice tone=Tone::Error title="Your file could not be read again">
                    <p>{e}</p>
                    <p>"Only a few thousand rows of a big file are kept in this tab; the others are read from the file on your computer when they are needed. Until you choose the file again, everything else stays as it is. Choosing it again reads it as it is now: the columns are matched afresh, and edits made in the grid start over."</p>
                    <button type="button" class="button button--secondary" data-testid="file-error-dismiss" on:click=move |_| state.file_error.set(None)>"Dismiss"</button>
                </Notice>
            }
        })
    }
}

/// In place of a step that needs every row checked, while a big file's first check runs.
#[component]
fn FirstCheck() -> impl IntoView {
    view! {
        <StepSection title="Checking your rows">
            <p class="step__intro">
                "Every row of your file is being checked against CSM's rules. The counts, the problems found and your "
                "files appear here as soon as the last row is checked."
            </p>
        </StepSection>
    }
}

/// Focuses the main region and scrolls to the top, so the new step is where the admin is.
fn focus_main() {
    use wasm_bindgen::JsCast;
    let main = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(main) = main {
        let _ = main.focus();
    }
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}
