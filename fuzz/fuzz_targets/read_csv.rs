//! Arbitrary bytes into `domain::read::read`, with the admin's choices taken from the first two bytes
//! (`options.rs`: delimiter and encoding, header row and footer).
#![no_main]

use csm_import::domain::read::read;
use libfuzzer_sys::fuzz_target;

#[path = "checks.rs"]
mod checks;
#[path = "options.rs"]
mod options;

fuzz_target!(|data: &[u8]| {
    let [choice, structure, bytes @ ..] = data else { return };
    if let Ok(outcome) = read(bytes, &options::options(*choice, *structure)) {
        checks::check(&outcome);
    }
});
