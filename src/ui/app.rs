//! The app shell: header with the privacy promise, the step indicator, the current step, and the navigation bar.

use leptos::prelude::*;

use super::components::step_nav::{StepIndicator, StepNav};
use super::state::{ImportState, Step};
use super::steps::{export::ExportStep, map::MapStep, review::ReviewStep, upload::UploadStep};

#[component]
pub fn App() -> impl IntoView {
    let state = ImportState::new();
    provide_context(state);
    let current = move || match state.step.get() {
        Step::Upload => view! { <UploadStep/> }.into_any(),
        Step::Map => view! { <MapStep/> }.into_any(),
        Step::Review => view! { <ReviewStep/> }.into_any(),
        Step::Export => view! { <ExportStep/> }.into_any(),
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
            {current}
        </main>
        <StepNav/>
    }
}
