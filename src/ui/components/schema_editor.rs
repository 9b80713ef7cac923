//! The admin's own CSM detail fields: add one (name, type, options), remove it, and save or load the whole field
//! list as a JSON file so the next import starts from the same fields.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::schema::{Field, FieldRole, FieldType, Schema};
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::state::ImportState;
use crate::web::download::save;
use crate::web::file::{first_file, read_file};

fn parse_options(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in text.lines().map(str::trim).filter(|o| !o.is_empty()) {
        if !out.iter().any(|x| x == o) {
            out.push(o.to_owned());
        }
    }
    out
}

#[component]
fn AddField() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(FieldType::Text);
    let options = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked().trim().to_owned();
        let k = kind.get_untracked();
        let opts = parse_options(&options.get_untracked());
        if n.is_empty() {
            error.set(Some("Type the field's name exactly as it is in CSM.".into()));
            return;
        }
        if k.has_options() && opts.is_empty() {
            error.set(Some("List the options, one per line, exactly as they are in CSM.".into()));
            return;
        }
        let field = Field {
            name: n.clone(),
            kind: k,
            options: if k.has_options() { opts } else { Vec::new() },
            role: FieldRole::Detail,
        };
        if state.upsert_field(field) {
            error.set(None);
            name.set(String::new());
            options.set(String::new());
            state.notice.set(Some(format!("Added the field “{n}”. Choose its column above.")));
        } else {
            error.set(Some(format!("“{n}” is a built-in field and cannot be replaced.")));
        }
    };
    let types = FieldType::ALL
        .into_iter()
        .map(|t| view! { <option value=t.api_name() selected=t == FieldType::Text>{format!("{} ({})", t.label(), t.api_name())}</option> })
        .collect_view();
    view! {
        <form class="add-field" on:submit=add>
            <div class="form-row">
                <label for="new-field-name">"Field name (exactly as in CSM)"</label>
                <input id="new-field-name" class="input" type="text" autocomplete="off" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="form-row">
                <label for="new-field-type">"Type"</label>
                <select id="new-field-type" class="select" on:change=move |ev| {
                    if let Some(t) = FieldType::from_api_name(&event_target_value(&ev)) { kind.set(t) }
                }>{types}</select>
            </div>
            <Show when=move || kind.get().has_options()>
                <div class="form-row">
                    <label for="new-field-options">"Options, one per line"</label>
                    <textarea id="new-field-options" class="input" rows="4" prop:value=move || options.get()
                        on:input=move |ev| options.set(event_target_value(&ev))></textarea>
                </div>
            </Show>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <button type="submit" class="button button--secondary">"Add field"</button>
        </form>
    }
}

#[component]
pub fn SchemaEditor() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let load_error = RwSignal::new(None::<String>);
    let custom = move || {
        let defaults = Schema::defaults(state.entity.get());
        state.schema.with(|s| {
            s.fields.iter().filter(|f| defaults.field(&f.name).is_none_or(|d| d != *f)).cloned().collect::<Vec<_>>()
        })
    };
    let custom_list = move || {
        custom()
            .into_iter()
            .map(|f| {
                let name = f.name.clone();
                let desc = if f.options.is_empty() {
                    format!("{} — {}", f.name, f.kind.label())
                } else {
                    format!("{} — {}: {}", f.name, f.kind.label(), f.options.join(", "))
                };
                view! {
                    <li class="custom-field">
                        <span>{desc}</span>
                        <button type="button" class="button button--link" on:click=move |_| state.remove_field(&name)>
                            {format!("Remove “{}”", f.name)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let save_schema = move |_| {
        let (json, noun) = state.schema.with_untracked(|s| (s.to_json(), s.entity.noun()));
        if let Err(e) = save(&format!("csm-{noun}-fields.json"), "application/json", json.as_bytes()) {
            load_error.set(Some(e.to_string()));
        }
    };
    let on_load = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = first_file(input.files()) else { return };
        input.set_value("");
        spawn_local(async move {
            let entity = state.entity.get_untracked();
            let result = read_file(file)
                .await
                .map_err(|e| e.to_string())
                .and_then(|f| Schema::from_json(&String::from_utf8_lossy(&f.bytes), entity).map_err(|e| e.to_string()));
            match result {
                Ok(schema) => {
                    state.replace_schema(schema);
                    load_error.set(None);
                    state.notice.set(Some("Loaded your field list; the columns were matched again.".into()));
                }
                Err(e) => load_error.set(Some(e)),
            }
        });
    };
    view! {
        <details class="panel panel--collapsible">
            <summary class="panel__title">"Your own CSM fields (optional)"</summary>
            <p>
                "If your CSM site has detail fields beyond the standard ones, add them here with the same name, type "
                "and options. You can save the list and load it next time."
            </p>
            <ul class="plain-list">{custom_list}</ul>
            <AddField/>
            <div class="schema-files">
                <button type="button" class="button button--secondary" on:click=save_schema>"Save field list (.json)"</button>
                <label class="button button--secondary" for="schema-file">"Load field list…"</label>
                <input id="schema-file" class="visually-hidden" type="file" accept=".json,application/json" on:change=on_load/>
            </div>
            {move || load_error.get().map(|e| view! { <Notice tone=Tone::Error title="The field list could not be loaded">{e}</Notice> })}
            {move || state.notice.get().map(|n| view! { <p class="form-note" role="status">{n}</p> })}
        </details>
    }
}
