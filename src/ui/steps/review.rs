//! Step 3: what is wrong and how to fix it. Counts, findings grouped by problem with "apply the suggested fix to
//! all", every finding with its row, and a grid of the rows where problem cells are highlighted and editable.

use leptos::prelude::*;

use crate::domain::report::{ProblemKind, Severity};
use crate::ui::components::date_questions::DateQuestions;
use crate::ui::components::grid::Grid;
use crate::ui::components::later::Later;
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::components::step_section::StepSection;
use crate::ui::state::{count, plural, ImportState, Step};

/// How many findings the list shows before "and N more" (the grid shows them all).
const ISSUE_LIST_LIMIT: usize = 200;

#[component]
fn Summary() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let counts = Memo::new(move |_| {
        state.prepared.with(|p| (p.report.rows, p.report.valid, p.report.invalid, p.report.warnings))
    });
    view! {
        <dl class="summary">
            <div class="summary__item">
                <dt>"Rows in your file"</dt>
                <dd data-testid="summary-rows">{move || count(counts.get().0)}</dd>
            </div>
            <div class="summary__item summary__item--good">
                <dt>"Ready to import"</dt>
                <dd data-testid="summary-valid">{move || count(counts.get().1)}</dd>
            </div>
            <div class="summary__item summary__item--bad">
                <dt>"Need fixing"</dt>
                <dd data-testid="summary-invalid">{move || count(counts.get().2)}</dd>
            </div>
            <div class="summary__item">
                <dt>"Warnings"</dt>
                <dd>{move || count(counts.get().3)}</dd>
            </div>
        </dl>
    }
}

fn fix_label(fixable: usize, total: usize) -> String {
    if fixable == 1 && total == 1 {
        "Apply the suggested fix".to_owned()
    } else if fixable == total {
        format!("Apply the suggested fix to all {}", count(total))
    } else {
        format!("Apply the suggested fix where we have one ({} of {})", count(fixable), count(total))
    }
}

#[component]
fn Groups() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let groups = Memo::new(move |_| state.prepared.with(|p| p.report.groups()));
    move || {
        groups
            .get()
            .into_iter()
            .map(|g| {
                let n = g.issues.len();
                let field = g.field.clone().map(|f| format!(" in “{f}”")).unwrap_or_default();
                let title = format!("{}{field}: {} row{}", g.title, count(n), plural(n));
                let tone = if g.severity == Severity::Error { Tone::Error } else { Tone::Warning };
                let fixable = g.fixable;
                let group = g.clone();
                let fix_button = (fixable > 0).then(|| {
                    view! {
                        <button type="button" class="button button--secondary" on:click=move |_| state.fix_group(&group)>
                            {fix_label(fixable, n)}
                        </button>
                    }
                });
                let to_values = (g.kind == ProblemKind::NotAnOption).then(|| {
                    view! {
                        <button type="button" class="button button--secondary" on:click=move |_| state.go(Step::Map)>
                            "Open the value mapping"
                        </button>
                    }
                });
                let example = state.prepared.with(|p| g.issues.first().and_then(|i| p.report.issues.get(*i)).map(|i| i.message()));
                view! {
                    <Notice tone=tone title=title>
                        <p>{example}</p>
                        {fix_button}
                        {to_values}
                    </Notice>
                }
            })
            .collect_view()
    }
}

#[component]
fn IssueList() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let items = move || {
        state.prepared.with(|p| {
            let total = p.report.issues.len();
            let rows = p
                .report
                .issues
                .iter()
                .take(ISSUE_LIST_LIMIT)
                .map(|i| {
                    let place = match (&i.field, &i.column) {
                        (Some(f), Some(c)) if f != c => format!("Row {} · {f} (column “{c}”)", i.pos.row),
                        (Some(f), _) => format!("Row {} · {f}", i.pos.row),
                        _ => format!("Row {}", i.pos.row),
                    };
                    let fix = i.fix.clone().zip(i.field.clone()).map(|(fix, field)| {
                        let record = i.record;
                        let label = format!("Use “{fix}”");
                        view! {
                            <button type="button" class="button button--link" on:click=move |_| state.edit(record, &field, fix.clone())>
                                {label}
                            </button>
                        }
                    });
                    let class = if i.severity() == Severity::Error { "issue issue--error" } else { "issue issue--warning" };
                    let target = (i.record, i.field.clone().unwrap_or_default());
                    view! {
                        <li class=class data-testid="issue-row">
                            <button type="button" class="button button--link issue__place"
                                title="Show this cell in the table"
                                on:click=move |_| state.grid_focus.set(Some(target.clone()))>
                                {place}
                            </button>
                            <span class="issue__message">{i.message()}</span>
                            {fix}
                        </li>
                    }
                })
                .collect_view();
            let more = (total > ISSUE_LIST_LIMIT).then(|| {
                view! { <p>{format!("…and {} more. Use the table below to see every row.", count(total - ISSUE_LIST_LIMIT))}</p> }
            });
            view! { <ul class="issues">{rows}</ul>{more} }
        })
    };
    view! {
        <section class="panel" aria-labelledby="issues-title">
            <h3 id="issues-title" class="panel__title">"Every problem, row by row"</h3>
            {items}
        </section>
    }
}

#[component]
pub fn ReviewStep() -> impl IntoView {
    let state = expect_context::<ImportState>();
    let clean = move || state.prepared.with(|p| p.report.issues.is_empty() && p.report.rows > 0);
    view! {
        <StepSection title="Check and fix problems">
            <p class="step__intro">
                "Rows with a problem are left out of the import file and saved to a separate file, so nothing is lost. "
                "Fix them here, or download them later and fix them in your spreadsheet."
            </p>
            <Summary/>
            {move || state.notice.get().map(|n| view! { <Notice tone=Tone::Success title="Done">{n}</Notice> })}
            <Show when=clean>
                <Notice tone=Tone::Success title="No problems found">"Every row is ready to import."</Notice>
            </Show>
            <DateQuestions/>
            <Groups/>
            // The grid and the list are most of the step's elements: drawn a task later (components::later).
            <Later>
                <Grid/>
                <Show when=move || !clean()>
                    <IssueList/>
                </Show>
            </Later>
        </StepSection>
    }
}
