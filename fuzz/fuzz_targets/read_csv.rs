//! Arbitrary bytes into `domain::read::read`, with the admin's choices taken from the first two bytes:
//! byte 0 picks the delimiter (low 3 bits; 0 sniffs) and the encoding (high 5 bits; 0 detects),
//! byte 1 picks the header row (low 7 bits; 0 detects) and whether to keep the footer (high bit).
#![no_main]

use csm_import::domain::decode::ENCODING_CHOICES;
use csm_import::domain::read::{read, ReadOptions};
use csm_import::domain::sniff::DELIMITERS;
use libfuzzer_sys::fuzz_target;

#[path = "checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    let [choice, structure, bytes @ ..] = data else { return };
    let delimiter = match choice & 0b111 {
        0 => None,
        d => Some(DELIMITERS.get(usize::from(d - 1)).map_or(*choice, |(d, _)| *d)),
    };
    let encoding = match choice >> 3 {
        0 => None,
        e => ENCODING_CHOICES.get(usize::from(e - 1)).copied(),
    };
    let header_row = match structure & 0x7F {
        0 => None,
        row => Some(u64::from(row)),
    };
    let options = ReadOptions { encoding, delimiter, header_row, keep_footer: structure & 0x80 != 0, sheet: None };
    if let Ok(outcome) = read(bytes, &options) {
        checks::check(&outcome);
    }
});
