//! The CSM connection form: API address (direct or a relay on this site), the site's cloud ID with help to find
//! it, and the sign-in (email + API token, or an OAuth token), with "Test connection".
//!
//! Shown on the first step (optional: to map onto the site's real fields) and on the import step. The token
//! input is a password field that the browser is asked not to save; it is kept only as the admin chooses.

use leptos::prelude::*;

use crate::domain::api::connection::tenant_info_url;
use crate::ui::api_driver::test_connection;
use crate::ui::api_state::{ApiState, AuthKind, ConnStatus};
use crate::ui::components::notice::{Notice, Tone};
use crate::ui::state::{plural, ImportState};

#[component]
pub fn ConnectionForm() -> impl IntoView {
    let api = expect_context::<ApiState>();
    let import = expect_context::<ImportState>();
    let tenant_link = move || {
        tenant_info_url(&api.site.get()).map(|url| {
            view! {
                <a href=url.clone() target="_blank" rel="noopener noreferrer">{format!("Open {url}")}</a>
                " (it shows {\"cloudId\": \"…\"}; copy the value between the quotes)."
            }
        })
    };
    let is_basic = move || api.auth_kind.get() == AuthKind::Basic;
    let on_test = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        test_connection(api, import);
    };
    let status = move || {
        match api.status.get() {
        ConnStatus::Idle => None,
        ConnStatus::Testing => Some(view! { <p class="busy" role="status">"Connecting to CSM…"</p> }.into_any()),
        ConnStatus::Connected { customers, organizations, notes } => Some(
            view! {
                <Notice tone=Tone::Success title="Connected to your CSM site">
                    <p data-testid="api-connection-status">{format!(
                        "Using your site's fields: {customers} customer field{} and {organizations} organization field{}. Columns are now matched to these.",
                        plural(customers), plural(organizations)
                    )}</p>
                    {notes.into_iter().map(|n| view! { <p>{n}</p> }).collect_view()}
                </Notice>
            }
            .into_any(),
        ),
        ConnStatus::Failed(message) => Some(
            view! {
                <Notice tone=Tone::Error title="Could not connect">
                    <p data-testid="api-error">{message}</p>
                </Notice>
            }
            .into_any(),
        ),
    }
    };
    view! {
        <form class="connection" on:submit=on_test>
            <div class="form-row">
                <label for="api-base">"API address"</label>
                <input id="api-base" class="input" type="text" data-testid="api-base" aria-describedby="api-base-hint"
                    prop:value=move || api.api_base.get() on:input=move |ev| api.api_base.set(event_target_value(&ev))/>
                <span id="api-base-hint" class="choice__hint">
                    "Usually https://api.atlassian.com. If the test below says the browser blocked it (CORS), ask your IT team for a relay on this site and enter its path, such as /csm-api."
                </span>
            </div>
            <div class="form-row">
                <label for="api-site">"Your site (to find its cloud ID)"</label>
                <input id="api-site" class="input" type="text" data-testid="api-site" placeholder="yourcompany.atlassian.net"
                    prop:value=move || api.site.get() on:input=move |ev| api.site.set(event_target_value(&ev))/>
                <span class="choice__hint">{tenant_link}</span>
            </div>
            <div class="form-row">
                <label for="api-cloud-id">"Cloud ID"</label>
                <input id="api-cloud-id" class="input" type="text" data-testid="api-cloud-id" autocomplete="off"
                    prop:value=move || api.cloud_id.get() on:input=move |ev| api.cloud_id.set(event_target_value(&ev))/>
            </div>
            <fieldset class="field-group">
                <legend class="field-group__legend">"Sign in with"</legend>
                <label class="check">
                    <input type="radio" name="api-auth" data-testid="api-auth-basic" prop:checked=is_basic
                        on:change=move |_| api.auth_kind.set(AuthKind::Basic)/>
                    "Email and API token"
                </label>
                <label class="check">
                    <input type="radio" name="api-auth" data-testid="api-auth-bearer" prop:checked=move || !is_basic()
                        on:change=move |_| api.auth_kind.set(AuthKind::Bearer)/>
                    "OAuth access token"
                </label>
            </fieldset>
            <Show when=is_basic>
                <div class="form-row">
                    <label for="api-email">"Email you sign in to Atlassian with"</label>
                    <input id="api-email" class="input" type="email" data-testid="api-email" autocomplete="username"
                        prop:value=move || api.email.get() on:input=move |ev| api.email.set(event_target_value(&ev))/>
                </div>
            </Show>
            <div class="form-row">
                <label for="api-token">{move || if is_basic() { "API token" } else { "Access token" }}</label>
                <input id="api-token" class="input" type="password" data-testid="api-token" autocomplete="off"
                    aria-describedby="api-token-hint"
                    prop:value=move || api.token.get() on:input=move |ev| api.token.set(event_target_value(&ev))/>
                <span id="api-token-hint" class="choice__hint">
                    "Create one at id.atlassian.com › Security › API tokens. It is sent only to the API address above."
                </span>
            </div>
            <label class="check">
                <input type="checkbox" data-testid="api-remember" prop:checked=move || api.remember_token.get()
                    on:change=move |ev| {
                        api.remember_token.set(event_target_checked(&ev));
                        if !event_target_checked(&ev) { api.save_settings(); }
                    }/>
                "Keep the token while this tab is open (so a reload can resume an import). Otherwise it is kept only until you leave the page."
            </label>
            <div>
                <button type="submit" class="button button--primary" data-testid="api-test-connection"
                    disabled=move || api.status.get() == ConnStatus::Testing>
                    "Test connection"
                </button>
                <button type="button" class="button button--link" on:click=move |_| api.forget_token()>"Forget the token"</button>
            </div>
            <div aria-live="polite">{status}</div>
        </form>
    }
}
