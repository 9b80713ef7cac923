//! Web Worker entry point (Trunk `data-type="worker"`): serves the page's request to read a big file off its
//! thread (`web::read_worker`). Nothing else lives here.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    csm_import::web::read_worker::serve();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("worker is the app's Web Worker: build it with `trunk build --release` (see README).");
}
