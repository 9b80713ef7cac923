//! Browser entry point: installs the panic hook and mounts the app. Nothing else lives here.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(csm_import::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("csm-import is a browser app: build it with `trunk build --release` (see README).");
}
