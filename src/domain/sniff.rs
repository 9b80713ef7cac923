//! Guessing the delimiter of decoded CSV text.
//!
//! Owns the candidate list and the choice among them. It does not read the table (`read`) or decode bytes
//! (`decode`). Each candidate parses the first records with the `csv` crate, so quoted fields that contain
//! delimiters or newlines count as one field. The winner is the candidate whose most common field count is above 1
//! and shared by the largest share of records (the header included), then the one that yields more columns, then
//! the earlier in `DELIMITERS`. When no candidate fits that way (a report whose title and footer lines outnumber
//! its rows, each a single field), the longest unbroken run of records sharing a field count above 1 decides
//! instead. Invariant: the answer is always one of `DELIMITERS`, comma when nothing fits.

use std::cmp::Ordering;
use std::collections::HashMap;

use csv::{ByteRecord, ReaderBuilder};

/// The delimiters we recognise, with their names for the picker.
pub const DELIMITERS: [(u8, &str); 4] = [(b',', "Comma"), (b';', "Semicolon"), (b'\t', "Tab"), (b'|', "Pipe")];

/// How many non-blank records each candidate is judged on.
const SAMPLE_RECORDS: usize = 50;
/// Enough text for `SAMPLE_RECORDS` records with long notes, without scanning a huge file four times.
const SAMPLE_BYTES: usize = 1 << 20;

/// The delimiter of `text`, or `b','` when no candidate splits it into more than one column.
pub fn sniff_delimiter(text: &str) -> u8 {
    let bytes = text.as_bytes();
    let truncated = bytes.len() > SAMPLE_BYTES;
    let sample = &bytes[..bytes.len().min(SAMPLE_BYTES)];
    let counts: Vec<(usize, u8, Vec<usize>)> = DELIMITERS
        .iter()
        .enumerate()
        .map(|(order, &(delimiter, _))| (order, delimiter, field_counts(sample, truncated, delimiter)))
        .collect();
    best(&counts, Fit::of).or_else(|| best(&counts, Fit::of_run)).unwrap_or(b',')
}

/// The delimiter whose counts fit best by `fit`, earlier in `DELIMITERS` on a tie.
fn best(counts: &[(usize, u8, Vec<usize>)], fit: fn(&[usize]) -> Option<Fit>) -> Option<u8> {
    counts
        .iter()
        .filter_map(|(order, delimiter, counts)| fit(counts).map(|fit| (fit, order, *delimiter)))
        .max_by(|(a, a_order, _), (b, b_order, _)| a.cmp(b).then(b_order.cmp(a_order)))
        .map(|(_, _, delimiter)| delimiter)
}

/// How well one delimiter fits: how many records share the most common field count, out of how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fit {
    agreeing: usize,
    total: usize,
    columns: usize,
}

impl Fit {
    /// `None` when the delimiter does not split the records into more than one column.
    fn of(counts: &[usize]) -> Option<Fit> {
        let mut tally: HashMap<usize, usize> = HashMap::new();
        for &count in counts {
            *tally.entry(count).or_default() += 1;
        }
        let (columns, agreeing) = tally.into_iter().max_by_key(|&(columns, agreeing)| (agreeing, columns))?;
        (columns > 1).then_some(Fit { agreeing, total: counts.len(), columns })
    }

    /// The longest unbroken run of at least two records sharing a field count above 1 (a table between title and
    /// footer lines); `None` when there is none.
    fn of_run(counts: &[usize]) -> Option<Fit> {
        let (columns, agreeing) = counts
            .chunk_by(|a, b| a == b)
            .filter(|run| run[0] > 1)
            .map(|run| (run[0], run.len()))
            .max_by_key(|&(columns, agreeing)| (agreeing, columns))?;
        (agreeing >= 2).then_some(Fit { agreeing, total: counts.len(), columns })
    }

    /// Higher share of agreeing records first (compared without division), then more columns.
    fn cmp(&self, other: &Fit) -> Ordering {
        let share = (self.agreeing * other.total).cmp(&(other.agreeing * self.total));
        share.then(self.columns.cmp(&other.columns))
    }
}

/// Field counts of the first non-blank records when split by `delimiter`, quotes respected.
/// When the sample was cut short, the last record may be cut too, so it is left out.
fn field_counts(sample: &[u8], truncated: bool, delimiter: u8) -> Vec<usize> {
    let mut reader = ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(sample);
    let mut record = ByteRecord::new();
    let mut counts = Vec::new();
    let mut reached_end = true;
    while let Ok(true) = reader.read_byte_record(&mut record) {
        if counts.len() == SAMPLE_RECORDS {
            reached_end = false;
            break;
        }
        if !is_blank(&record) {
            counts.push(record.len());
        }
    }
    if truncated && reached_end {
        counts.pop();
    }
    counts
}

fn is_blank(record: &ByteRecord) -> bool {
    record.iter().all(|field| field.iter().all(u8::is_ascii_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_comma_file_is_sniffed_as_comma() {
        assert_eq!(sniff_delimiter("FirstName,LastName,Email\nAda,Lovelace,ada@example.com\n"), b',');
    }

    #[test]
    fn semicolon_with_decimal_commas_is_sniffed_as_semicolon() {
        let text = "Name;Amount;City\nAda;1,5;London\nGrace;2,75;New York\nAlan;3,0;Wilmslow\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn semicolon_with_one_data_row_of_decimal_commas_is_still_semicolon() {
        assert_eq!(sniff_delimiter("Name;Amount;Rate\nAda;1,5;2,5\n"), b';');
    }

    #[test]
    fn semicolon_with_commas_inside_quoted_values_is_sniffed_as_semicolon() {
        let text = "Name;Title;City\n\"Lovelace, Ada\";\"Countess, Analyst\";London\n\"Hopper, Grace\";Admiral;\"Arlington, VA\"\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn comma_with_semicolons_inside_quoted_values_is_sniffed_as_comma() {
        let text = "Name,Tags\nAda,\"math;poetry\"\nGrace,\"navy;cobol\"\n";
        assert_eq!(sniff_delimiter(text), b',');
    }

    #[test]
    fn tab_file_with_commas_in_text_is_sniffed_as_tab() {
        let text = "Name\tNotes\tCity\nAda\tLikes math, poetry, and horses\tLondon\nGrace\tNavy, COBOL\tArlington\n";
        assert_eq!(sniff_delimiter(text), b'\t');
    }

    #[test]
    fn pipe_and_tab_files_are_sniffed() {
        assert_eq!(sniff_delimiter("A|B|C\n1|2|3\n4|5|6\n"), b'|');
        assert_eq!(sniff_delimiter("A\tB\tC\n1\t2\t3\n4\t5\t6\n"), b'\t');
    }

    #[test]
    fn quoted_newlines_with_delimiters_do_not_confuse_the_count() {
        let text = "Name;Address;City\nAda;\"1 Main St;\nFlat 2, Floor 3\";London\nGrace;\"5 Oak Rd\";Boston\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn header_only_file_is_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter("FirstName;LastName;Email"), b';');
        assert_eq!(sniff_delimiter("FirstName\tLastName\n"), b'\t');
    }

    #[test]
    fn single_column_file_defaults_to_comma() {
        assert_eq!(sniff_delimiter("Email\nada@example.com\ngrace@example.com\n"), b',');
    }

    #[test]
    fn empty_text_defaults_to_comma() {
        assert_eq!(sniff_delimiter(""), b',');
    }

    #[test]
    fn one_ragged_row_does_not_change_the_answer() {
        let text = "A;B;C\n1;2;3\n4;5\n6;7;8\n9;10;11\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn blank_lines_are_ignored() {
        assert_eq!(sniff_delimiter("\n\nA|B\n\n1|2\n   \n3|4\n"), b'|');
    }

    #[test]
    fn only_the_first_records_are_judged() {
        let mut text = String::from("A;B\n");
        text.push_str(&"1;2\n".repeat(SAMPLE_RECORDS));
        text.push_str(&"x,y,z,w\n".repeat(200));
        assert_eq!(sniff_delimiter(&text), b';');
    }

    #[test]
    fn a_cut_sample_leaves_out_its_last_record() {
        assert_eq!(field_counts(b"a;b\n1;2\n3", true, b';'), vec![2, 2]);
        assert_eq!(field_counts(b"a;b\n1;2\n3", false, b';'), vec![2, 2, 1]);
    }

    #[test]
    fn a_report_with_more_title_and_footer_lines_than_rows_is_sniffed_from_its_table() {
        let text = "Contacts report\nFiltered By:\n  Owner equals Jane\n\nName\tEmail\tCity\nAda\ta@x.io\tLondon, UK\n\
                    Grace\tg@x.io\tArlington\n\nGrand Totals (2 records)\nCopyright (c) 2026 salesforce.com, inc.\n\
                    Confidential Information - Do Not Distribute\nGenerated By: Jane\n";
        assert_eq!(sniff_delimiter(text), b'\t');
    }

    #[test]
    fn a_single_column_file_with_one_stray_delimiter_stays_comma() {
        assert_eq!(sniff_delimiter("Email\nada@example.com\ngrace@example.com; old\nalan@example.com\n"), b',');
    }

    #[test]
    fn fit_prefers_agreement_then_more_columns() {
        let agreeing = Fit::of(&[3, 3, 3]).expect("fits");
        let mostly = Fit::of(&[1, 2, 2]).expect("fits");
        let wider = Fit::of(&[4, 4, 4]).expect("fits");
        assert_eq!(agreeing.cmp(&mostly), Ordering::Greater);
        assert_eq!(wider.cmp(&agreeing), Ordering::Greater);
        assert_eq!(Fit::of(&[1, 1, 2]), None);
    }
}
