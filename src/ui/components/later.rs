//! Content drawn in the task after the one that mounts it. A step that opens with hundreds of elements (every
//! column offered for every field, a grid of inputs) keeps the page busy for 40-65 ms if drawn at once; drawing
//! what is below the first screen a task later splits that in two, so the page answers clicks and keys in between.
//! The content is a sibling of what was drawn first, so its arrival never rebuilds it.

use std::time::Duration;

use leptos::prelude::*;

#[component]
pub fn Later(children: ChildrenFn) -> impl IntoView {
    let ready = RwSignal::new(false);
    // A step left before the timer fires has disposed the signal: `try_set` then does nothing.
    set_timeout(
        move || {
            ready.try_set(true);
        },
        Duration::ZERO,
    );
    view! { <Show when=move || ready.get()>{children()}</Show> }
}
