//! The running import: a progress bar (batches, rows, time left), what CSM is doing in plain words, and Pause,
//! Resume and Cancel.
//!
//! Reads `ApiState.run`; the buttons call `api_driver`. A stopped run (sign-in, permission, CORS, a long outage)
//! shows why and resumes from where it stopped once fixed.

use leptos::prelude::*;

use crate::domain::api::run::Phase;
use crate::ui::api_driver::{cancel, pause, resume, start_over};
use crate::ui::api_state::ApiState;
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::state::{count, plural};
use crate::web::random::now_ms;

/// "about 2 min left" from the rows done so far and the time taken.
fn time_left(started_at: f64, rows_done: usize, rows_total: usize) -> String {
    let elapsed_s = (now_ms() - started_at) / 1000.0;
    if rows_done == 0 || elapsed_s <= 0.0 || rows_done >= rows_total {
        return String::new();
    }
    let left = elapsed_s / rows_done as f64 * (rows_total - rows_done) as f64;
    if left < 60.0 {
        format!(" · about {} s left", left.ceil() as u64)
    } else {
        format!(" · about {} min left", (left / 60.0).ceil() as u64)
    }
}

#[component]
pub fn RunProgress() -> impl IntoView {
    let api = expect_context::<ApiState>();
    let phase = Memo::new(move |_| api.run.with(|r| r.phase()));
    let progress = Memo::new(move |_| api.run.with(|r| r.progress()));
    let text = move || {
        let (done, batches, rows_done, rows) = progress.get();
        let started = api.identity.with(|i| i.as_ref().map_or(0.0, |i| i.started_at));
        let stats = api.run.with(|r| r.stats);
        let retries = if stats.retries > 0 {
            format!(" · {} request{} repeated", stats.retries, plural(stats.retries as usize))
        } else {
            String::new()
        };
        format!(
            "Batch {} of {} · {} of {} rows done{}{retries}",
            count(done),
            count(batches),
            count(rows_done),
            count(rows),
            time_left(started, rows_done, rows)
        )
    };
    let status = move || match phase.get() {
        Phase::Running => "Importing. You can keep using this page; leave this tab open until it finishes.".to_owned(),
        Phase::Paused => {
            "Paused. Nothing new is sent; batches CSM already has are still followed to their result.".to_owned()
        }
        Phase::Cancelling => {
            "Cancelled. Waiting for the batches CSM already has, so every sent row gets a result.".to_owned()
        }
        Phase::Finished => "Finished.".to_owned(),
        Phase::Stopped(_) => "Stopped.".to_owned(),
    };
    let stopped = move || match phase.get() {
        Phase::Stopped(e) => Some(view! {
            <Notice tone=Tone::Error title="The import stopped">
                <p data-testid="api-run-error">{e.to_string()}</p>
                <p>"Fix this, then choose Resume: batches already sent are not sent twice."</p>
            </Notice>
        }),
        _ => None,
    };
    let running = move || matches!(phase.get(), Phase::Running);
    let can_resume = move || matches!(phase.get(), Phase::Paused | Phase::Stopped(_) | Phase::Cancelling);
    let can_cancel = move || matches!(phase.get(), Phase::Running | Phase::Paused | Phase::Stopped(_));
    view! {
        <section class="panel run" aria-labelledby="run-title">
            <h3 id="run-title" class="panel__title">"Import progress"</h3>
            <progress data-testid="progress" class="run__bar" max=move || progress.get().3.max(1) value=move || progress.get().2
                aria-label="Rows imported"></progress>
            <p data-testid="api-progress-text" aria-live="polite">{text}</p>
            <p data-testid="api-run-status">{status}</p>
            {stopped}
            <div>
                <Show when=running>
                    <button type="button" class="button button--secondary" data-testid="api-pause" on:click=move |_| pause(api)>"Pause"</button>
                </Show>
                <Show when=can_resume>
                    <button type="button" class="button button--primary" data-testid="api-resume" on:click=move |_| resume(api)>"Resume"</button>
                </Show>
                <Show when=move || phase.get() == Phase::Finished>
                    <button type="button" class="button button--secondary" data-testid="api-start-over" on:click=move |_| start_over(api)>
                        "Start a new import"
                    </button>
                </Show>
                <Show when=can_cancel>
                    <button type="button" class="button button--secondary" data-testid="api-cancel" on:click=move |_| cancel(api)>"Cancel"</button>
                </Show>
            </div>
        </section>
    }
}
