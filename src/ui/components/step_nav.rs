//! The step indicator at the top and the Back / Next bar at the bottom. Next is disabled, with the reason shown,
//! until the current step has what the next one needs.

use leptos::prelude::*;

use crate::ui::state::{ImportState, Step};

#[component]
pub fn StepIndicator() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let items = Step::ALL
        .into_iter()
        .map(|s| {
            let class = move || {
                let current = state.step.get();
                if s == current {
                    "steps__item steps__item--current"
                } else if s < current {
                    "steps__item steps__item--done"
                } else {
                    "steps__item"
                }
            };
            let aria_current = move || (state.step.get() == s).then_some("step");
            view! {
                <li class=class aria-current=aria_current>
                    <span class="steps__number">{s.number()}</span>
                    <span class="steps__title">{s.title()}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="steps" aria-label="Progress">
            <ol class="steps__list">{items}</ol>
        </nav>
    }
}

/// Why the admin cannot go on from `step`, if they cannot.
fn blocker(state: &ImportState, step: Step) -> Option<String> {
    match step {
        Step::Upload => state.loaded.with(|l| l.is_none()).then(|| "Choose a file to continue.".to_owned()),
        Step::Map => state.mapping_problems.with(|p| p.iter().find(|p| p.blocks()).map(|p| p.message())),
        Step::Review => {
            state.checking.with(Option::is_some).then(|| "Wait until every row is checked.".to_owned()).or_else(|| {
                state.check_stopped.get().then(|| "Checking was stopped: choose “Check again” first.".to_owned())
            })
        }
        Step::Export | Step::Send => None,
    }
}

#[component]
pub fn StepNav() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let blocked = Memo::new(move |_| blocker(&state, state.step.get()));
    let has_next = move || state.step.get().next().is_some();
    let has_back = move || state.step.get().back().is_some();
    let next_label = move || state.step.get().next().map(|s| format!("Next: {}", s.title())).unwrap_or_default();
    let go_next = move |_| {
        if blocked.get_untracked().is_none() {
            if let Some(s) = state.step.get_untracked().next() {
                state.go(s);
            }
        }
    };
    let go_back = move |_| {
        if let Some(s) = state.step.get_untracked().back() {
            state.go(s);
        }
    };
    view! {
        <footer class="step-nav">
            <div class="step-nav__inner">
                <Show when=has_back>
                    <button type="button" class="button button--secondary" data-testid="step-back" on:click=go_back>
                        "Back"
                    </button>
                </Show>
                <p class="step-nav__reason" id="next-reason" aria-live="polite">{move || blocked.get()}</p>
                <Show when=has_next>
                    <button
                        type="button"
                        class="button button--primary"
                        data-testid="step-next"
                        disabled=move || blocked.get().is_some()
                        aria-describedby="next-reason"
                        on:click=go_next
                    >
                        {next_label}
                    </button>
                </Show>
            </div>
        </footer>
    }
}
