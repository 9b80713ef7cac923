//! The long work of a big file, above every step: what is being done, a progress bar, how far, how fast and how
//! long is left, and a Stop button; after a stopped check, why the results are out of date and "Check again".
//!
//! Owns only the view; the work and its progress come from `ui::jobs` through `ImportState`. The sentence changes a
//! few times a second and is not announced (it would drown a screen reader); the title is, once, when work starts.

use leptos::prelude::*;

use crate::domain::engine::Work;
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::jobs::{cancel_check, cancel_export, cancel_read};
use crate::ui::state::ImportState;

#[component]
pub fn WorkStatus() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let panel = move |work: Work, stop_label: &'static str, stop: fn(ImportState)| {
        let value = format!("{:.0}", work.fraction() * 1000.0);
        view! {
            <section class="panel work" aria-labelledby="work-title" data-testid="work-status">
                <div role="status"><h2 id="work-title" class="panel__title">{work.title.clone()}</h2></div>
                <progress data-testid="progress" class="work__bar" max="1000" value=value
                    aria-labelledby="work-title"></progress>
                <p class="work__text" data-testid="progress-text">{work.sentence()}</p>
                <p class="work__hint">"You can keep working on this page meanwhile."</p>
                <button type="button" class="button button--secondary" data-testid="work-stop"
                    on:click=move |_| stop(state)>
                    {stop_label}
                </button>
            </section>
        }
        .into_any()
    };
    move || {
        if let Some(work) = state.reading.get() {
            Some(panel(work, "Stop reading", cancel_read))
        } else if let Some(work) = state.checking.get() {
            Some(panel(work, "Stop checking", cancel_check))
        } else if let Some(work) = state.exporting.get() {
            Some(panel(work, "Stop writing", cancel_export))
        } else if let Some(stopped) = state.read_stopped.get() {
            Some(view! { <Notice tone=Tone::Info title="Reading stopped"><p>{stopped}</p></Notice> }.into_any())
        } else if state.check_stopped.get() {
            Some(
                view! {
                    <Notice tone=Tone::Warning title="Checking was stopped">
                        <p>
                            "Not every row has been checked with your latest changes, so the counts and findings "
                            "may be out of date, and the files cannot be downloaded yet. Your changes are kept."
                        </p>
                        <button type="button" class="button button--primary" data-testid="check-again"
                            on:click=move |_| state.recheck.update(|n| *n += 1)>
                            "Check again"
                        </button>
                    </Notice>
                }
                .into_any(),
            )
        } else {
            None
        }
    }
}
