//! A message box in one of three tones (info, warning, error), announced to screen readers.

use leptos::prelude::*;

/// How a notice looks and how urgently it is announced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Warning,
    Error,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Info => "notice notice--info",
            Tone::Success => "notice notice--success",
            Tone::Warning => "notice notice--warning",
            Tone::Error => "notice notice--error",
        }
    }

    fn role(self) -> &'static str {
        match self {
            Tone::Error => "alert",
            _ => "status",
        }
    }
}

#[component]
pub fn Notice(tone: Tone, #[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <div class=tone.class() role=tone.role()>
            <p class="notice__title">{title}</p>
            <div class="notice__body">{children()}</div>
        </div>
    }
}
