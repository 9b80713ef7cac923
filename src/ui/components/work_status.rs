//! The long work of a big file, above every step: what is being done, a progress bar, how far, how fast and how
//! long is left, and a Stop button; after a stopped check, why the results are out of date and "Check again".
//!
//! Owns only the view; the work and its progress come from `ui::jobs` through `ImportState`. The sentence changes a
//! few times a second and is not announced (it would drown a screen reader); the title is, once, when work starts.

use leptos::prelude::*;

use crate::ui::components::notice::{Notice, Tone};
use crate::ui::jobs::{cancel_check, cancel_export, cancel_read};
use crate::ui::state::{ImportState, Step};

/// Which long work is running (each has its own Stop).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Running {
    Reading,
    Checking,
    Exporting,
}

/// `downloads`: the copy beside the download buttons, which shows only the writing of a download (and takes the
/// keyboard's focus to its Stop button, as the button pressed is disabled meanwhile); the one above every step
/// shows it on the other steps.
#[component]
pub fn WorkStatus(#[prop(optional)] downloads: bool) -> impl IntoView {
    let state = expect_context::<ImportState>();
    // The panel is made once per kind of work, and only its text and bar follow the progress: made again a few
    // times a second, its Stop button lost the keyboard's focus, and a click could land on one just replaced.
    let running = Memo::new(move |_| {
        let exporting = state.exporting.with(Option::is_some);
        if downloads {
            return exporting.then_some(Running::Exporting);
        }
        if state.reading.with(Option::is_some) {
            Some(Running::Reading)
        } else if state.checking.with(Option::is_some) {
            Some(Running::Checking)
        } else if exporting && state.step.get() != Step::Export {
            Some(Running::Exporting)
        } else {
            None
        }
    });
    let work = move || state.reading.get().or_else(|| state.checking.get()).or_else(|| state.exporting.get());
    // The title sits in a live region: it changes (and is announced) only when the work does.
    let title = Memo::new(move |_| work().map(|w| w.title));
    let panel = move |stop_label: &'static str, stop: fn(ImportState)| {
        let stop_button: NodeRef<leptos::html::Button> = NodeRef::new();
        if downloads {
            Effect::new(move |_| {
                if let Some(button) = stop_button.get() {
                    let _ = button.focus();
                }
            });
        }
        view! {
            <section class="panel work" aria-labelledby="work-title" data-testid="work-status">
                <div role="status">
                    <h2 id="work-title" class="panel__title">{move || title.get()}</h2>
                </div>
                <progress data-testid="progress" class="work__bar" max="1000"
                    value=move || work().map_or_else(String::new, |w| format!("{:.0}", w.fraction() * 1000.0))
                    aria-labelledby="work-title"></progress>
                <p class="work__text" data-testid="progress-text">{move || work().map(|w| w.sentence())}</p>
                <p class="work__hint">"You can keep working on this page meanwhile."</p>
                <button type="button" class="button button--secondary" data-testid="work-stop" node_ref=stop_button
                    on:click=move |_| stop(state)>
                    {stop_label}
                </button>
            </section>
        }
        .into_any()
    };
    move || {
        if downloads {
            return running.get().map(|_| panel("Stop writing", cancel_export));
        }
        if let Some(running) = running.get() {
            Some(match running {
                Running::Reading => panel("Stop reading", cancel_read),
                Running::Checking => panel("Stop checking", cancel_check),
                Running::Exporting => panel("Stop writing", cancel_export),
            })
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
