//! When a Salesforce Accounts export holds person accounts (people) and the admin imports organizations, asks
//! whether to import them as organizations too or leave them out (to the rejected-rows file, to import as customers).

use leptos::prelude::*;

use crate::domain::mapping::Source;
use crate::domain::person_accounts;
use crate::domain::schema::Entity;
use crate::ui::state::{count, plural, ImportState};

#[component]
pub fn PersonAccounts() -> impl IntoView {
    let state = expect_context::<ImportState>();
    // A big file kept on disk counts the marker column's values in slices (0 until counted).
    let people = Memo::new(move |_| {
        state.loaded.with(|l| match l {
            Some(l) if l.outcome.table.records.is_in_file() => person_accounts::column(&l.outcome.table)
                .and_then(|c| state.value_counts(&Source::Column(c)))
                .map_or(0, |counts| person_accounts::count_in(&counts)),
            Some(l) => person_accounts::count(&l.outcome.table),
            None => 0,
        })
    });
    let leave_out = move || state.mapping.with(|m| m.leave_out_person_accounts);
    let set = move |value: bool| state.set_leave_out_person_accounts(value);
    move || {
        let n = people.get();
        (n > 0 && state.entity.get() == Entity::Organizations).then(|| {
            let title = format!("{} row{} {} Salesforce person account{}: people, not companies", count(n), plural(n), if n == 1 { "is a" } else { "are" }, plural(n));
            view! {
                <fieldset class="panel panel--attention">
                    <legend class="panel__title">{title}</legend>
                    <div class="choices">
                        <label class="choice">
                            <input type="radio" name="person-accounts" prop:checked=move || !leave_out() on:change=move |_| set(false)/>
                            <span class="choice__text">
                                <span class="choice__title">"Import them as organizations too"</span>
                                <span class="choice__hint">"Each person becomes an organization named after them."</span>
                            </span>
                        </label>
                        <label class="choice">
                            <input type="radio" name="person-accounts" prop:checked=leave_out on:change=move |_| set(true)/>
                            <span class="choice__text">
                                <span class="choice__title">"Leave them out"</span>
                                <span class="choice__hint">"They go to the rejected-rows file, which you can then import as customers."</span>
                            </span>
                        </label>
                    </div>
                </fieldset>
            }
        })
    }
}
