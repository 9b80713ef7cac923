//! The frame every step shares: a section labelled by its heading, so each step is one landmark with one h2.

use leptos::prelude::*;

#[component]
pub fn StepSection(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="step" aria-labelledby="step-title">
            <h2 id="step-title" class="step__title">{title}</h2>
            {children()}
        </section>
    }
}
