//! Value mapping for select fields: each distinct value of the source with its count and the CSM option it becomes
//! (suggested, editable), and for multi-select fields the separator that splits a cell, once the admin confirms it.

use leptos::prelude::*;

use crate::domain::schema::{Field, FieldType};
use crate::ui::state::{count, plural, ImportState};

/// Distinct values listed per field; a select column with more is probably mapped wrong.
const MAX_SHOWN: usize = 300;

/// The `<select>` value of a value not matched to any option yet.
const UNMATCHED: &str = "\u{1}unmatched";

fn separator_name(c: char) -> &'static str {
    match c {
        ';' => "semicolon (;)",
        ',' => "comma (,)",
        '|' => "vertical bar (|)",
        _ => "separator",
    }
}

#[component]
fn FieldValues(field: Field) -> impl IntoView {
    let state = expect_context::<ImportState>();
    let name = field.name.clone();
    let data = {
        let (field, name) = (field.clone(), name.clone());
        Memo::new(move |_| {
            let source = state.mapping.with(|m| m.source(&name).clone());
            let map = state.mapping.with(|m| m.values.get(&name).cloned().unwrap_or_default());
            // Tracked, so a new file gives new values; the counts come from the cache (one pass per column).
            // `None` also while a big file kept on disk counts a newly chosen column (`counting` below).
            state.loaded.with(|l| {
                l.as_ref().and_then(|_| {
                    let counts = state.value_counts(&source)?;
                    let split_offer = if map.split.is_none() { counts.split_offer(&field) } else { None };
                    Some((counts.distinct(&field, map.split), map, split_offer))
                })
            })
        })
    };
    let options = field.options.clone();
    let split_prompt = {
        let name = name.clone();
        move || {
            data.get().and_then(|(_, map, offer)| {
                let name = name.clone();
                let name2 = name.clone();
                match (map.split, offer) {
                    (Some(sep), _) => Some(view! {
                        <p class="split">
                            {format!("Cells are split on the {}. ", separator_name(sep))}
                            <button type="button" class="button button--link" on:click=move |_| state.set_split(&name, None)>"Don't split"</button>
                        </p>
                    }.into_any()),
                    (None, Some(sep)) => Some(view! {
                        <p class="split split--offer">
                            {format!("Some cells hold several values separated by a {}. ", separator_name(sep))}
                            <button type="button" class="button button--secondary" on:click=move |_| state.set_split(&name2, Some(sep))>
                                {format!("Split them on the {}", separator_name(sep))}
                            </button>
                        </p>
                    }.into_any()),
                    _ => None,
                }
            })
        }
    };
    let too_many = move || {
        data.with(|d| d.as_ref().map_or(0, |(values, _, _)| values.len())).checked_sub(MAX_SHOWN).filter(|n| *n > 0).map(|hidden| {
            view! {
                <p class="notice notice--warning" role="status">
                    {format!("This column has {} different values; the {MAX_SHOWN} most used are shown, {} more are not. Is it the right column for a field with a short list of options?", count(MAX_SHOWN + hidden), count(hidden))}
                </p>
            }
        })
    };
    let rows = move || {
        let Some((values, map, _)) = data.get() else { return ().into_any() };
        values
            .into_iter()
            .take(MAX_SHOWN)
            .enumerate()
            .map(|(i, d)| {
                // None: not matched yet; Some(None): leave empty; Some(Some(o)): becomes o.
                let entry = map.options.get(&d.value).cloned();
                let chosen = entry.clone().flatten();
                let id = format!("values-{}-{i}", name.replace(' ', "-"));
                let opts = options
                    .iter()
                    .map(|o| {
                        let selected = chosen.as_deref() == Some(o.as_str());
                        view! { <option value=o.clone() selected=selected>{o.clone()}</option> }
                    })
                    .collect_view();
                let unmatched = entry.is_none();
                let left_empty = entry == Some(None);
                let (field_name, value) = (name.clone(), d.value.clone());
                let on_change = move |ev: leptos::ev::Event| {
                    let v = event_target_value(&ev);
                    match v.as_str() {
                        UNMATCHED => state.clear_value_option(&field_name, &value),
                        "" => state.set_value_option(&field_name, &value, None),
                        _ => state.set_value_option(&field_name, &value, Some(v)),
                    }
                };
                view! {
                    <tr class:row--attention=unmatched>
                        <th scope="row"><label for=id.clone()>{d.value.clone()}</label></th>
                        <td class="num">{format!("{} row{}", count(d.count), plural(d.count))}</td>
                        <td>
                            <select id=id class="select" on:change=on_change>
                                <option value=UNMATCHED selected=unmatched>"— Choose an option —"</option>
                                <option value="" selected=left_empty>"— Leave empty —"</option>
                                {opts}
                            </select>
                        </td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    let counting = move || {
        (state.loaded.with(Option::is_some) && data.with(Option::is_none)).then(|| {
            view! {
                <p class="notice notice--info" role="status">"Counting the values in this column (reading your file again, on this computer)…"</p>
            }
        })
    };
    let kind = if field.kind == FieldType::Multiselect { "several options" } else { "one option" };
    view! {
        <section class="panel" aria-labelledby=format!("values-{}", field.name.replace(' ', "-"))>
            <h3 id=format!("values-{}", field.name.replace(' ', "-")) class="panel__title">
                {format!("Values of “{}”", field.name)}
            </h3>
            <p>{format!("CSM accepts {kind} from its list here. Choose what each value in your file becomes.")}</p>
            {counting}
            {split_prompt}
            {too_many}
            <table class="grid grid--values">
                <thead><tr><th scope="col">"Value in your file"</th><th scope="col">"Used in"</th><th scope="col">"Becomes in CSM"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[component]
pub fn ValueMapping() -> impl IntoView {
    let state = expect_context::<ImportState>();
    move || {
        let fields: Vec<Field> = state.schema.with(|s| {
            s.fields
                .iter()
                .filter(|f| f.kind.has_options() && state.mapping.with(|m| m.source(&f.name).is_mapped()))
                .cloned()
                .collect()
        });
        fields.into_iter().map(|f| view! { <FieldValues field=f/> }).collect_view()
    }
}
