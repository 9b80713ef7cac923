//! The admin's choices taken from two fuzz bytes (shared by `read_csv` and `read_job`): `choice` picks the
//! delimiter (low 3 bits; 0 sniffs, past the four known ones the byte itself) and the encoding (high 5 bits;
//! 0 detects); `structure` picks the header row (low 7 bits; 0 detects) and whether to keep the footer (high bit).

use csm_import::domain::decode::ENCODING_CHOICES;
use csm_import::domain::read::ReadOptions;
use csm_import::domain::sniff::DELIMITERS;

pub fn options(choice: u8, structure: u8) -> ReadOptions {
    let delimiter = match choice & 0b111 {
        0 => None,
        d => Some(DELIMITERS.get(usize::from(d - 1)).map_or(choice, |(d, _)| *d)),
    };
    let encoding = match choice >> 3 {
        0 => None,
        e => ENCODING_CHOICES.get(usize::from(e - 1)).copied(),
    };
    let header_row = match structure & 0x7F {
        0 => None,
        row => Some(u64::from(row)),
    };
    ReadOptions { encoding, delimiter, header_row, keep_footer: structure & 0x80 != 0, sheet: None }
}
