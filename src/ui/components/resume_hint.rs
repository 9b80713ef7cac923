//! On the first step: when the loaded file has an interrupted import in this browser, say so and how to resume.

use leptos::prelude::*;

use crate::ui::api_driver::journals_for_file;
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::state::{count, ImportState, Step};

#[component]
pub fn ResumeHint() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let journals = Memo::new(move |_| {
        state.loaded.with(|l| l.as_ref().map(|l| journals_for_file(&l.kept.fingerprint)).unwrap_or_default())
    });
    move || {
        let on_first_steps = matches!(state.step.get(), Step::Upload | Step::Map);
        journals.with(|js| js.first().cloned()).filter(|_| on_first_steps).map(|j| {
            let text = format!(
                "This file has an import into CSM that did not finish ({} of {} rows have a result). To resume it, \
                 keep the same column choices, then go to the last step, “Or import via API”, and choose Resume.",
                count(j.rows_done()),
                count(j.rows)
            );
            view! {
                <div data-testid="api-resume-hint">
                    <Notice tone=Tone::Info title="Unfinished import">{text}</Notice>
                </div>
            }
        })
    }
}
