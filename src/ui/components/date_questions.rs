//! Asks the admin, for each date column whose day/month order cannot be told from the data, which order it uses.
//! We never guess: until answered, those dates are findings and their rows are not exported.

use leptos::prelude::*;

use crate::domain::prepare::DateQuestion;
use crate::ui::state::ImportState;

#[component]
fn Question(q: DateQuestion) -> impl IntoView {
    let state = expect_context::<ImportState>();
    let example = q.example.clone();
    let reading = move |format: crate::domain::dates::DateFormat| {
        format.parse(&example).map(|d| d.format("%-d %B %Y").to_string()).unwrap_or_default()
    };
    let (day, month) = (q.day_first, q.month_first);
    let (day_text, month_text) = (reading(day), reading(month));
    let field = q.field.clone();
    let field2 = q.field.clone();
    view! {
        <div class="question" role="group" aria-labelledby=format!("q-{}", q.field.replace(' ', "-"))>
            <p id=format!("q-{}", q.field.replace(' ', "-")) class="question__text">
                {format!("In “{}” (field “{}”), is “{}” …", q.column, q.field, q.example)}
            </p>
            <button type="button" class="button button--secondary" on:click=move |_| state.set_date_format(&field, day)>
                {format!("{day_text} (day first: {})", day.label())}
            </button>
            <button type="button" class="button button--secondary" on:click=move |_| state.set_date_format(&field2, month)>
                {format!("{month_text} (month first: {})", month.label())}
            </button>
        </div>
    }
}

#[component]
pub fn DateQuestions() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let questions = Memo::new(move |_| state.prepared.with(|p| p.date_questions.clone()));
    move || {
        let qs = questions.get();
        (!qs.is_empty()).then(|| {
            let items = qs.into_iter().map(|q| view! { <Question q=q/> }).collect_view();
            view! {
                <section class="panel panel--attention" aria-labelledby="dates-title">
                    <h3 id="dates-title" class="panel__title">"Which way are your dates written?"</h3>
                    <p>"Every date in these columns would make sense both ways, so we need you to tell us."</p>
                    {items}
                </section>
            }
        })
    }
}
