//! Component and browser-adapter tests, run by wasm-bindgen-test in headless Chromium: the app mounts, a loaded
//! file renders one mapping row per CSM field with its suggested column, an edit in the review grid re-validates,
//! and the browser adapters turn failures into plain-words errors.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use csm_import::domain::read::ReadOptions;
use csm_import::ui::state::{ImportState, Step};
use csm_import::ui::steps::{map::MapStep, review::ReviewStep};
use csm_import::web::{download, sample, WebError};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CONTACTS: &str = "Id,FirstName,LastName,Email,Type__c\n1,Ada,Lovelace,ada@example.com,customer\n2,Alan,Turing,not-an-email,Partner\n";

/// Lets Leptos run its scheduled effects.
async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A fresh container element appended to the body.
fn container() -> web_sys::HtmlElement {
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let div = document.create_element("div").expect("div").dyn_into::<web_sys::HtmlElement>().expect("html element");
    document.body().expect("body").append_child(&div).expect("append");
    div
}

/// A state outside a mounted app: the effects in `ImportState` need the executor that mounting would start.
fn new_state() -> ImportState {
    // Mounting starts the executor (and nothing else needs it mounted).
    drop(leptos::mount::mount_to(container(), || ()));
    ImportState::new()
}

fn loaded_state() -> ImportState {
    let state = new_state();
    state.load("contacts.csv".into(), Arc::new(CONTACTS.as_bytes().to_vec()), ReadOptions::default());
    state
}

#[wasm_bindgen_test]
async fn app_mounts_with_the_file_input_and_entity_choice() {
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), csm_import::ui::App);
    tick().await;
    for id in ["file-input", "entity-customers", "entity-organizations"] {
        assert!(root.query_selector(&format!("[data-testid={id}]")).expect("query").is_some(), "{id} is rendered");
    }
    let next = root.query_selector("[data-testid=step-next]").expect("query").expect("next button");
    assert!(next.has_attribute("disabled"), "Next waits for a file");
    drop(handle);
}

#[wasm_bindgen_test]
async fn map_step_shows_one_row_per_field_with_the_suggested_column_selected() {
    let root = container();
    let state = loaded_state();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(state);
        view! { <MapStep/> }
    });
    tick().await;
    let rows = root.query_selector_all("[data-testid=map-field]").expect("rows");
    assert_eq!(rows.length() as usize, state.schema.with_untracked(|s| s.fields.len()));
    let email =
        root.query_selector("[data-testid=map-field][data-field=Email] select").expect("query").expect("select");
    let email: web_sys::HtmlSelectElement = email.dyn_into().expect("select element");
    assert_eq!(email.value(), "3", "Email column (index 3) is pre-selected");
    drop(handle);
}

#[wasm_bindgen_test]
async fn editing_a_problem_cell_in_the_review_grid_revalidates_the_row() {
    let root = container();
    let state = loaded_state();
    state.step.set(Step::Review);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(state);
        view! { <ReviewStep/> }
    });
    tick().await;
    let invalid = |root: &web_sys::HtmlElement| {
        root.query_selector("[data-testid=summary-invalid]").expect("query").expect("count").text_content()
    };
    assert_eq!(invalid(&root).as_deref(), Some("1"));
    let cell = root.query_selector("input[aria-invalid=true]").expect("query").expect("problem cell");
    let cell: web_sys::HtmlInputElement = cell.dyn_into().expect("input");
    cell.set_value("alan@example.com");
    cell.dispatch_event(&web_sys::Event::new("change").expect("event")).expect("dispatch");
    tick().await;
    assert_eq!(invalid(&root).as_deref(), Some("0"));
    drop(handle);
}

#[wasm_bindgen_test]
fn download_of_bytes_is_offered_without_error() {
    assert_eq!(download::save("test.csv", "text/csv", b"Email\r\na@b.io\r\n"), Ok(()));
}

#[wasm_bindgen_test]
async fn a_missing_sample_is_a_plain_error_not_a_panic() {
    let err = sample::fetch_bytes("no-such-file-here.csv").await.expect_err("404");
    assert!(matches!(err, WebError::Sample(ref d) if d.contains("404")), "{err}");
    assert!(err.to_string().contains("Reload the page"));
}

#[wasm_bindgen_test]
async fn a_server_that_is_not_there_is_a_lost_connection_then_diagnosed_as_unreachable() {
    use csm_import::domain::api::connection::{Auth, Connection, Secret};
    use csm_import::domain::api::error::ApiError;
    use csm_import::domain::api::requests::field_catalogue;
    use csm_import::domain::schema::Entity;
    use csm_import::web::http::{diagnose, send};
    // Nothing listens on this loopback port in the test browser.
    let conn =
        Connection::new("http://127.0.0.1:59999", "cloud", Auth::Bearer { token: Secret::new("t") }).expect("valid");
    let sent = send(&field_catalogue(&conn, Entity::Customers)).await;
    assert_eq!(sent, Err(ApiError::ConnectionLost));
    assert_eq!(diagnose(&conn).await, ApiError::Unreachable { base: "http://127.0.0.1:59999".into() });
}

#[wasm_bindgen_test]
fn a_same_origin_relay_cannot_be_refused_by_cors() {
    use csm_import::domain::api::connection::{Auth, Connection, Secret};
    let relay = Connection::new("/csm-api", "cloud", Auth::Bearer { token: Secret::new("t") }).expect("valid");
    assert_eq!(relay.api_origin(), None);
    assert!(relay.api_root().starts_with("/csm-api/jsm/csm/cloudid/cloud/"));
}

#[wasm_bindgen_test]
fn the_grid_renders_only_the_rows_in_view_even_for_two_million_rows() {
    use csm_import::ui::components::grid::{scroll_for, window_for};
    // A small table: exact positions, nothing scaled.
    let w = window_for(100, 0.0);
    let (start, count, above, below) = (w.start, w.count, w.above, w.below);
    assert_eq!((start, above), (0, 0.0));
    assert!(count < 40, "{count} rows rendered");
    assert_eq!(above + below + count as f64 * 36.0, 3_600.0);
    // Two million rows: a bounded page whatever the position, and a jump lands where it should.
    let total = 2_000_000;
    let top = scroll_for(total, 1_500_000);
    let w = window_for(total, top);
    let (start, count, above, below) = (w.start, w.count, w.above, w.below);
    assert!(count < 40 && (1_499_990..=1_500_000).contains(&start), "start {start}, count {count}");
    assert!(above + below + count as f64 * 36.0 <= 8_000_000.0 + 1.0);
    let last = window_for(total, f64::MAX);
    let (last_start, last_count) = (last.start, last.count);
    assert_eq!(last_start + last_count, total, "the end of the table is reachable");
}

/// A CSV of `rows` customers, every 100th with a broken email: over 4 MB from 60,000 rows on.
fn big_csv(rows: usize) -> Vec<u8> {
    let mut text = String::from("Email,FirstName,LastName,Title,MailingCity,Description\n");
    for i in 1..=rows {
        let email = if i % 100 == 0 { format!("person{i} at example.com") } else { format!("person{i}@example.com") };
        text.push_str(&format!("{email},Zoë,Müller {i},Buyer,Köln,A customer since 2019 who likes long notes\n"));
    }
    text.into_bytes()
}

/// Waits (in 10 ms turns, at most `turns`) until `done()`.
async fn until(turns: usize, done: impl Fn() -> bool) -> bool {
    for _ in 0..turns {
        if done() {
            return true;
        }
        tick().await;
    }
    done()
}

#[wasm_bindgen_test]
async fn a_big_file_is_read_and_checked_in_the_background_with_exactly_prepares_counts() {
    let owner = Owner::new();
    owner.set();
    let state = new_state();
    let bytes = big_csv(80_000);
    assert!(bytes.len() > csm_import::ui::jobs::BACKGROUND_READ_BYTES);
    state.load("big.csv".into(), Arc::new(bytes.clone()), ReadOptions::default());
    assert!(state.loaded.with_untracked(Option::is_none), "read in the background, not at once");
    assert!(state.reading.with_untracked(Option::is_some) || state.busy.with_untracked(Option::is_some));
    assert!(until(3000, || state.loaded.with_untracked(Option::is_some)).await, "the file is read");
    assert!(until(3000, || state.checking.with_untracked(Option::is_none)).await, "every row is checked");
    let outcome = csm_import::domain::read::read(&bytes, &ReadOptions::default()).expect("reads");
    let expected = state.schema.with_untracked(|s| {
        state.mapping.with_untracked(|m| {
            csm_import::domain::prepare::prepare(&outcome.table, s, m, &Default::default(), &outcome.issues)
        })
    });
    state.prepared.with_untracked(|p| {
        assert_eq!((p.report.rows, p.report.invalid), (80_000, 800));
        assert_eq!(**p, expected);
    });
    // The mapping suggested from values counted in slices is the one a pass over the whole table gives.
    let suggested = state.schema.with_untracked(|s| csm_import::domain::suggest::suggest(s, &outcome.table));
    assert_eq!(state.mapping.get_untracked(), suggested);
    assert!(state.results_current());
}

#[wasm_bindgen_test]
async fn stopping_a_read_keeps_the_file_loaded_before() {
    let owner = Owner::new();
    owner.set();
    let state = loaded_state();
    state.load("big.csv".into(), Arc::new(big_csv(80_000)), ReadOptions::default());
    csm_import::ui::jobs::cancel_read(state);
    tick().await;
    tick().await;
    assert_eq!(state.loaded.with_untracked(|l| l.as_ref().map(|l| l.name.clone())), Some("contacts.csv".into()));
    assert!(state.reading.with_untracked(Option::is_none));
    let stopped = state.read_stopped.get_untracked().unwrap_or_default();
    assert!(stopped.contains("“big.csv”") && stopped.contains("“contacts.csv” is still loaded"), "{stopped}");
}

/// A `File` as the file input gives it, made of `bytes`.
fn file_of(bytes: &[u8], name: &str) -> web_sys::File {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::File::new_with_u8_array_sequence(&parts, name).expect("a File")
}

#[wasm_bindgen_test]
async fn a_big_file_on_disk_is_read_a_slice_at_a_time_and_read_again_from_disk_for_a_new_choice() {
    use csm_import::domain::api::plan::file_hash;
    use csm_import::ui::file_source::FileSource;
    let owner = Owner::new();
    owner.set();
    let state = new_state();
    // The test page serves no reading worker (worker_loader.js answers 404), so this is the page's own reader, the
    // fallback when no worker starts; the worker is driven by the Playwright big-file journey.
    // UTF-8 until one Windows-1252 byte near the end: read as UTF-8 first, then guessed and read again.
    let mut bytes = big_csv(80_000);
    bytes.extend_from_slice(b"late@example.com,M\xFCnchen\n");
    csm_import::ui::jobs::start_file(state, file_of(&bytes, "late.csv"));
    assert!(until(3000, || state.loaded.with_untracked(Option::is_some)).await, "the file is read");
    let expected = csm_import::domain::read::read(&bytes, &ReadOptions::default()).expect("reads");
    state.loaded.with_untracked(|l| {
        let l = l.as_ref().expect("loaded");
        assert!(matches!(l.source, FileSource::Disk(_)), "kept on disk, not in memory");
        assert_eq!(*l.outcome, expected);
        assert!(l.outcome.encoding_guessed && l.outcome.encoding != encoding_rs::UTF_8);
        assert_eq!(l.kept.fingerprint, file_hash(&bytes));
        assert_eq!(l.kept.head.as_slice(), &bytes[..1 << 20]);
    });
    // A new delimiter: the file is read again from disk.
    let options = ReadOptions { delimiter: Some(b';'), ..ReadOptions::default() };
    state.reread(options.clone());
    assert!(
        until(3000, || state.loaded.with_untracked(|l| l.as_ref().is_some_and(|l| l.outcome.delimiter == b';'))).await
    );
    let expected = csm_import::domain::read::read(&bytes, &options).expect("reads");
    state.loaded.with_untracked(|l| assert_eq!(l.as_ref().map(|l| &*l.outcome), Some(&expected)));
}

/// All of `stream`'s bytes to the file's end, and how many reads gave them.
async fn read_to_end(stream: &mut csm_import::web::file_stream::FileStream) -> (Vec<u8>, usize) {
    let (mut bytes, mut reads) = (Vec::new(), 0);
    while let Some(read) = stream.read().await.expect("a read") {
        assert!(read.length() > 0, "a read gives bytes, or says the file ended");
        bytes.extend(read.to_vec());
        reads += 1;
    }
    (bytes, reads)
}

#[wasm_bindgen_test]
async fn a_file_stream_gives_the_files_bytes_in_order_from_any_place_through_one_buffer() {
    use csm_import::web::file_stream::FileStream;
    // 5 MB: more than the stream's buffer, so several reads fill it again.
    let bytes: Vec<u8> = (0..5_000_000u32).map(|i| (i % 251) as u8).collect();
    let file = file_of(&bytes, "big.csv");
    let mut stream = FileStream::open(&file, 0).expect("opens");
    let (read, reads) = read_to_end(&mut stream).await;
    assert!(read == bytes, "every byte, in order ({} of {})", read.len(), bytes.len());
    assert!(reads >= 5, "{reads} reads of at most 1 MiB");
    assert_eq!(stream.at(), bytes.len() as u64);
    // From a place in the middle (a scan that starts again there), and from the end: nothing.
    let mut stream = FileStream::open(&file, 1_234_567).expect("opens");
    assert!(read_to_end(&mut stream).await.0 == bytes[1_234_567..], "the bytes after the place");
    let mut stream = FileStream::open(&file, bytes.len() as u64).expect("opens");
    assert!(stream.read().await.expect("a read").is_none(), "nothing after the end");
    // A stream let go of before its end stops cleanly.
    let mut stream = FileStream::open(&file, 0).expect("opens");
    assert!(stream.read().await.expect("a read").is_some());
    stream.cancel();
}
