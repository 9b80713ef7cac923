//! Step 2: which column feeds each CSM field. Suggestions come pre-selected with how sure we are; the admin can
//! change any, combine columns, map select values to options, answer date-order questions and add custom fields.

use leptos::prelude::*;

use crate::domain::mapping::{MappingProblem, Source};
use crate::domain::schema::{Field, FieldRole};
use crate::ui::components::date_questions::DateQuestions;
use crate::ui::components::later::Later;
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::components::person_accounts::PersonAccounts;
use crate::ui::components::schema_editor::SchemaEditor;
use crate::ui::components::step_section::StepSection;
use crate::ui::components::value_mapping::ValueMapping;
use crate::ui::state::{count, plural, ImportState};

/// Value of the column `<select>` for a source: "" unmapped, the column index, or "combine".
fn select_value(source: &Source) -> String {
    match source {
        Source::Unmapped => String::new(),
        Source::Column(c) => c.to_string(),
        Source::Combine { .. } => "combine".into(),
    }
}

/// Rows looked at for a column's example values.
const EXAMPLE_ROWS: usize = 1_000;

/// Up to three example values the source gives in the first rows, so the admin sees what they picked.
fn examples(state: &ImportState, source: &Source) -> String {
    if !source.is_mapped() {
        return String::new();
    }
    state.loaded.with(|l| {
        let Some(l) = l else { return String::new() };
        let t = &l.outcome.table;
        let mut seen: Vec<String> = Vec::new();
        // The first rows are enough for examples: a column empty in all of them is not scanned to the end.
        for r in 0..t.records.len().min(EXAMPLE_ROWS) {
            let v = source.value(t, r).trim().to_owned();
            if !v.is_empty() && !seen.contains(&v) {
                seen.push(v);
            }
            if seen.len() == 3 {
                break;
            }
        }
        seen.join(" · ")
    })
}

#[component]
fn CombineEditor(field: String, default_separator: &'static str, open: RwSignal<bool>) -> impl IntoView {
    let state = expect_context::<ImportState>();
    let headers =
        state.loaded.with_untracked(|l| l.as_ref().map(|l| l.outcome.table.headers.clone())).unwrap_or_default();
    let current = state.mapping.with_untracked(|m| m.source(&field).columns());
    let chosen = RwSignal::new(current);
    let separator = RwSignal::new(default_separator.to_owned());
    let boxes = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let id = format!("combine-{}-{i}", field.replace(' ', "-"));
            let label_for = id.clone();
            view! {
                <label class="check" for=label_for>
                    <input
                        id=id
                        type="checkbox"
                        prop:checked=move || chosen.with(|c| c.contains(&i))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                c.retain(|x| *x != i);
                                if on {
                                    c.push(i);
                                }
                            });
                        }
                    />
                    {h.clone()}
                </label>
            }
        })
        .collect_view();
    let field_for_apply = field.clone();
    let apply = move |_| {
        let columns = chosen.get_untracked();
        let source = match columns.as_slice() {
            [] => Source::Unmapped,
            [one] => Source::Column(*one),
            _ => Source::Combine { columns, separator: separator.get_untracked() },
        };
        state.set_source(&field_for_apply, source);
        open.set(false);
    };
    let sep_id = format!("combine-sep-{}", field.replace(' ', "-"));
    view! {
        <div class="combine" role="group" aria-label=format!("Combine columns into {field}")>
            <p class="combine__hint">"Tick the columns to join, in the order you tick them."</p>
            <div class="combine__boxes">{boxes}</div>
            <div class="form-row">
                <label for=sep_id.clone()>"Put between them"</label>
                <input id=sep_id type="text" class="input input--short" prop:value=move || separator.get()
                    on:input=move |ev| separator.set(event_target_value(&ev)) />
            </div>
            <button type="button" class="button button--primary" on:click=apply>"Use these columns"</button>
            <button type="button" class="button button--secondary" on:click=move |_| open.set(false)>"Cancel"</button>
        </div>
    }
}

#[component]
fn FieldRow(field: Field) -> impl IntoView {
    let state = expect_context::<ImportState>();
    let name = field.name.clone();
    let combine_open = RwSignal::new(false);
    let source = {
        let name = name.clone();
        Memo::new(move |_| state.mapping.with(|m| m.source(&name).clone()))
    };
    let confidence = {
        let name = name.clone();
        move || {
            state
                .mapping
                .with(|m| m.fields.iter().find(|f| f.field == name).and_then(|f| f.confidence).map(|c| c.label()))
        }
    };
    let options = move || {
        let headers = state.loaded.with(|l| l.as_ref().map(|l| l.outcome.table.headers.clone())).unwrap_or_default();
        let src = source.get();
        let current = select_value(&src);
        let combined = state.loaded.with(|l| l.as_ref().and_then(|l| src.describe(&l.outcome.table.headers)));
        let combine_option = matches!(src, Source::Combine { .. })
            .then(|| view! { <option value="combine" selected=true>{format!("Combined: {}", combined.unwrap_or_default())}</option> });
        let columns = headers
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                let v = i.to_string();
                let selected = v == current;
                view! { <option value=v selected=selected>{h}</option> }
            })
            .collect_view();
        view! {
            <option value="" selected=current.is_empty()>"— Leave out —"</option>
            {combine_option}
            {columns}
        }
    };
    let on_change = {
        let name = name.clone();
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            match v.as_str() {
                "" => state.set_source(&name, Source::Unmapped),
                "combine" => {}
                other => {
                    if let Ok(i) = other.parse::<usize>() {
                        state.set_source(&name, Source::Column(i));
                    }
                }
            }
        }
    };
    let sample = move || examples(&state, &source.get());
    // Live validation: how many values of this field have a problem with the current mapping.
    let status = {
        let name = name.clone();
        move || {
            if !source.get().is_mapped() {
                return None;
            }
            let bad = state.issues_per_field.with(|c| c.get(&name).copied().unwrap_or(0));
            Some(if bad == 0 {
                ("map-row__status map-row__status--ok", "All values are valid".to_owned())
            } else {
                let verb = if bad == 1 { "needs" } else { "need" };
                ("map-row__status map-row__status--bad", format!("{} value{} {verb} fixing", count(bad), plural(bad)))
            })
        }
    };
    let select_id = format!("map-{}", name.replace(' ', "-"));
    let required = field.is_required().then(|| view! { <span class="badge badge--required">"Required"</span> });
    let type_label = match field.role {
        FieldRole::Key => format!("{} · the key CSM uses to find the record", field.kind.label()),
        FieldRole::DisplayName => "Text · the name shown in CSM".to_owned(),
        FieldRole::Detail => field.kind.label().to_owned(),
    };
    let separator = if field.name == "Address" { ", " } else { " " };
    let editor_field = name.clone();
    view! {
        <div class="map-row" data-testid="map-field" data-field=name.clone()>
            <div class="map-row__field">
                <label for=select_id.clone() class="map-row__name">{name.clone()}</label>
                {required}
                <span class="map-row__type">{type_label}</span>
            </div>
            <div class="map-row__source">
                <select id=select_id class="select" on:change=on_change>{options}</select>
                <button type="button" class="button button--link" aria-expanded=move || combine_open.get().to_string()
                    on:click=move |_| combine_open.update(|o| *o = !*o)>
                    "Combine columns…"
                </button>
            </div>
            <div class="map-row__meta">
                {move || confidence().map(|c| view! { <span class="badge badge--confidence">{c}</span> })}
                <span class="map-row__sample">{sample}</span>
                {move || status().map(|(class, text)| view! { <span class=class>{text}</span> })}
            </div>
            <Show when=move || combine_open.get()>
                <CombineEditor field=editor_field.clone() default_separator=separator open=combine_open/>
            </Show>
        </div>
    }
}

/// Field rows drawn in the task that opens the step; the rest follow in the next one (`Later`).
const FIRST_ROWS: usize = 4;

/// Which of the two lists of field rows a closure draws.
#[derive(Clone, Copy)]
enum Part {
    First,
    Rest,
}

#[component]
pub fn MapStep() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let problem_notices = move || {
        state
            .mapping_problems
            .get()
            .into_iter()
            .map(|p| {
                let (tone, title) = match p {
                    MappingProblem::RequiredUnmapped { .. } => (Tone::Error, "A required field has no column"),
                    MappingProblem::ColumnUsedTwice { .. } => (Tone::Warning, "A column is used twice"),
                };
                view! { <Notice tone=tone title=title>{p.message()}</Notice> }
            })
            .collect_view()
    };
    let schema_warnings = move || {
        state
            .schema
            .with(|s| s.warnings())
            .into_iter()
            .map(|w| view! { <Notice tone=Tone::Warning title="Check your CSM site">{w.message()}</Notice> })
            .collect_view()
    };
    // The first rows are drawn when the step opens, the others a task later (components::later).
    let rows = move |part: Part| {
        let fields = state.schema.with(|s| s.fields.clone());
        let split = FIRST_ROWS.min(fields.len());
        let fields = match part {
            Part::First => fields[..split].to_vec(),
            Part::Rest => fields[split..].to_vec(),
        };
        fields.into_iter().map(|f| view! { <FieldRow field=f/> }).collect_view()
    };
    let noun = move || state.entity.get().singular();
    view! {
        <StepSection title="Match your columns to CSM fields">
            <p class="step__intro">
                {move || format!("For each CSM {} field, pick the column of your file that holds it. ", noun())}
                "We pre-selected the columns that look right; check them. Fields left out are not imported."
            </p>
            {problem_notices}
            {schema_warnings}
            <div class="map-table">
                {move || rows(Part::First)}
                <Later>{move || rows(Part::Rest)}</Later>
            </div>
            <Later>
                <PersonAccounts/>
                <DateQuestions/>
                <ValueMapping/>
                <SchemaEditor/>
            </Later>
        </StepSection>
    }
}
