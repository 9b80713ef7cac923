//! From the non-blank records of a file (CSV text or a worksheet) to the table: title rows out, footer rows out
//! unless kept, the header cleaned, every data row squared to the header's width.
//!
//! Owns applying the admin's header-row and footer choices over what `structure` detects, and the order of the
//! steps. Does not detect anything itself (`structure`), rename headers (`headers`) or decide what a ragged row
//! is (`square`). Invariants: title and footer rows left out never reach the table or produce an issue; records
//! keep the positions they were read with, so row numbers stay those a spreadsheet shows; `Empty` means no record
//! at all and `HeaderOnly` no data record under the header. A worksheet row shorter than the header is not ragged
//! (its last cells are simply empty), so it is padded without an issue; a CSV row that short is reported.

use super::headers::clean_headers;
use super::square::square;
use super::ReadError;
use crate::domain::read::ReadOptions;
use crate::domain::report::Issue;
use crate::domain::structure::{
    find_footer, find_header, record_at_row, LeftOutRow, Structure, FOOTER_ROWS_MAX, HEAD_ROWS,
};
use crate::domain::table::{Record, Rows, Table};

/// The table and what was found on the way.
pub(crate) struct Assembled {
    pub table: Table,
    pub issues: Vec<Issue>,
    pub header_notes: Vec<String>,
    pub structure: Structure,
}

/// Where the records come from: in a worksheet a short row is not a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RowsFrom {
    Text,
    Worksheet,
}

/// Builds the table from the non-blank `records` of a file, in order.
pub(crate) fn assemble(records: Rows, options: &ReadOptions, rows: RowsFrom) -> Result<Assembled, ReadError> {
    let mut assembler = Assembler::new(records, options, rows)?;
    loop {
        if let Some(done) = assembler.step(usize::MAX) {
            return done;
        }
    }
}

/// `assemble` a batch of records at a time (the big-file reader): what to leave out and the header are decided at
/// once from the first and last rows, and the table is a view of the records without them, squared to the
/// header's width; finding the ragged rows goes a batch per step.
pub(crate) struct Assembler {
    records: Rows,
    from: RowsFrom,
    headers: Vec<String>,
    header_notes: Vec<String>,
    structure: Structure,
    /// Data rows looked at for raggedness so far.
    next: usize,
    issues: Vec<Issue>,
}

impl Assembler {
    pub(crate) fn new(mut records: Rows, options: &ReadOptions, from: RowsFrom) -> Result<Assembler, ReadError> {
        let last = records.last().ok_or(ReadError::Empty)?.pos.row;
        let count = records.len();
        let header = match options.header_row {
            Some(row) => record_at_row(records.iter(), row).ok_or(ReadError::HeaderRowPastEnd { row, last })?,
            None => find_header(&records.range(0..HEAD_ROWS).collect::<Vec<Record>>()),
        };
        let header_record = records.get(header).ok_or(ReadError::Empty)?;
        // The footer is looked for among the last rows only: the header and those rows are all it reads.
        let tail = (header + 1).max(count.saturating_sub(FOOTER_ROWS_MAX + 1));
        let window: Vec<Record> = std::iter::once(header_record.clone()).chain(records.range(tail..count)).collect();
        let footer = find_footer(&window, 0) - 1 + tail;
        let footer_rows: Vec<LeftOutRow> = records.range(footer..count).map(|r| LeftOutRow::of(&r)).collect();
        let title_rows: Vec<LeftOutRow> = records.range(0..header).map(|r| LeftOutRow::of(&r)).collect();
        let structure = Structure {
            header_row: header_record.pos.row,
            header_chosen: options.header_row.is_some(),
            title_rows,
            footer_rows,
            footer_kept: options.keep_footer,
        };
        let (headers, header_notes) = clean_headers(header_record.cells.to_vec());
        records.keep(header + 1..if options.keep_footer { count } else { footer });
        records.square(headers.len());
        Ok(Assembler { records, from, headers, header_notes, structure, next: 0, issues: Vec::new() })
    }

    /// Data rows in the table.
    pub(crate) fn rows(&self) -> usize {
        self.records.len()
    }

    /// The records, whose blocks in the file `missing` asks to be filled.
    pub(crate) fn records(&self) -> &Rows {
        &self.records
    }

    /// The records of the file to read again (`Rows::fill`) before the next `step(batch)`: the ragged ones it looks
    /// at are not kept (`Rows::missing_uneven`).
    pub(crate) fn missing(&self, batch: usize) -> Option<std::ops::Range<usize>> {
        let end = self.next.saturating_add(batch);
        self.records.missing_uneven(self.next..end, self.headers.len())
    }

    /// Looks at most `batch` rows for raggedness. `Some` once finished, with what `assemble` gives.
    pub(crate) fn step(&mut self, batch: usize) -> Option<Result<Assembled, ReadError>> {
        let width = self.headers.len();
        let end = self.next.saturating_add(batch).min(self.records.len());
        for (index, record) in self.records.uneven(self.next..end, width) {
            // A worksheet row shorter than the header only ends in empty cells.
            if self.from == RowsFrom::Worksheet && record.cells.len() < width {
                continue;
            }
            if let Some(problem) = square(&record, width) {
                let issue = Issue { record: index, pos: record.pos, column: None, field: None, problem, fix: None };
                self.issues.push(issue);
            }
        }
        self.next = end;
        if end < self.records.len() {
            return None;
        }
        Some(self.finish())
    }

    fn finish(&mut self) -> Result<Assembled, ReadError> {
        if self.records.is_empty() {
            return Err(ReadError::HeaderOnly);
        }
        let table = Table { headers: std::mem::take(&mut self.headers), records: std::mem::take(&mut self.records) };
        Ok(Assembled {
            table,
            issues: std::mem::take(&mut self.issues),
            header_notes: std::mem::take(&mut self.header_notes),
            structure: std::mem::take(&mut self.structure),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::read::tests::{positions, read_str};
    use crate::domain::read::{read, ReadError, ReadOptions};
    use crate::domain::structure::LeftOutRow;

    const REPORT: &str = "Contacts with Accounts\n\
        Filtered By:\n\
        \x20 Account Owner equals Jane Admin\n\
        \n\
        First Name,Last Name,Email\n\
        Ada,Lovelace,ada@example.com\n\
        Grace,Hopper,grace@example.com\n\
        \n\
        Grand Totals (2 records)\n\
        \n\
        \"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n\
        Confidential Information - Do Not Distribute\n";

    #[test]
    fn assembled_a_row_at_a_time_equals_assembled_at_once() {
        use super::{assemble, Assembler, RowsFrom};
        use crate::domain::read::records::Records;
        let text = format!("{REPORT}Ada,Lovelace,ada@example.com,extra\nGrace\n");
        let records = || {
            let mut all = crate::domain::table::Rows::new();
            let mut r = Records::new(&text, b',');
            while let Some(record) = r.next_record().expect("parses") {
                all.push(record);
            }
            all
        };
        for options in
            [ReadOptions::default(), ReadOptions { keep_footer: true, header_row: Some(2), ..Default::default() }]
        {
            let whole = assemble(records(), &options, RowsFrom::Text).map(|a| (a.table, a.issues, a.structure));
            for batch in [1, 2, 3] {
                let mut a = Assembler::new(records(), &options, RowsFrom::Text).expect("a header");
                let stepped = loop {
                    if let Some(done) = a.step(batch) {
                        break done.map(|a| (a.table, a.issues, a.structure));
                    }
                };
                assert_eq!(stepped, whole, "batch {batch}");
            }
        }
    }

    #[test]
    fn title_rows_are_skipped_and_data_rows_keep_their_spreadsheet_row_numbers() {
        let o = read_str(REPORT);
        assert_eq!(o.table.headers, vec!["First Name", "Last Name", "Email"]);
        assert_eq!(positions(&o), vec![(6, 6), (7, 7)]);
        assert_eq!(o.structure.header_row, 5);
        assert!(!o.structure.header_chosen);
        let titles: Vec<u64> = o.structure.title_rows.iter().map(|r| r.row).collect();
        assert_eq!(titles, vec![1, 2, 3]);
        assert_eq!(o.structure.title_rows[2].text, "Account Owner equals Jane Admin");
    }

    #[test]
    fn footer_rows_are_left_out_without_ragged_row_issues() {
        let o = read_str(REPORT);
        assert_eq!(o.table.records.len(), 2);
        assert!(o.issues.is_empty(), "{:?}", o.issues);
        assert_eq!(
            o.structure.footer_rows,
            vec![
                LeftOutRow { row: 9, text: "Grand Totals (2 records)".into() },
                LeftOutRow {
                    row: 11,
                    text: "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.".into()
                },
                LeftOutRow { row: 12, text: "Confidential Information - Do Not Distribute".into() },
            ]
        );
        assert!(!o.structure.footer_kept);
    }

    #[test]
    fn kept_footer_rows_become_data_rows_with_their_ragged_issues() {
        let options = ReadOptions { keep_footer: true, ..ReadOptions::default() };
        let o = read(REPORT.as_bytes(), &options).expect("reads");
        assert_eq!(o.table.records.len(), 5);
        assert_eq!(o.table.cell(2, 0), "Grand Totals (2 records)");
        assert_eq!(o.issues.len(), 3);
        assert_eq!(o.issues[0].pos.row, 9);
        assert!(o.structure.footer_kept);
        assert_eq!(o.structure.footer_rows.len(), 3);
    }

    #[test]
    fn a_chosen_header_row_overrides_detection() {
        let options = ReadOptions { header_row: Some(6), ..ReadOptions::default() };
        let o = read(REPORT.as_bytes(), &options).expect("reads");
        assert_eq!(o.table.headers, vec!["Ada", "Lovelace", "ada@example.com"]);
        assert_eq!(positions(&o), vec![(7, 7)]);
        assert_eq!((o.structure.header_row, o.structure.header_chosen), (6, true));
        assert_eq!(o.structure.title_rows.len(), 4);
        assert_eq!(o.options, options);
    }

    #[test]
    fn a_chosen_header_row_on_a_blank_row_takes_the_next_row_with_values() {
        let options = ReadOptions { header_row: Some(4), ..ReadOptions::default() };
        let o = read(REPORT.as_bytes(), &options).expect("reads");
        assert_eq!(o.structure.header_row, 5);
    }

    #[test]
    fn a_chosen_header_row_below_the_last_row_is_an_error_that_names_the_last_row() {
        let options = ReadOptions { header_row: Some(40), ..ReadOptions::default() };
        let err = read(REPORT.as_bytes(), &options).expect_err("refused");
        assert_eq!(err, ReadError::HeaderRowPastEnd { row: 40, last: 12 });
        assert!(err.to_string().contains("from 1 to 12"), "{err}");
    }

    #[test]
    fn a_chosen_header_row_on_the_last_row_means_no_data_rows() {
        let options = ReadOptions { header_row: Some(12), keep_footer: true, ..ReadOptions::default() };
        assert_eq!(read(REPORT.as_bytes(), &options), Err(ReadError::HeaderOnly));
    }

    #[test]
    fn an_ordinary_file_has_no_title_or_footer_rows() {
        let o = read_str("A,B\n1,2\n3,4\n");
        assert_eq!(o.structure.header_row, 1);
        assert!(o.structure.title_rows.is_empty() && o.structure.footer_rows.is_empty());
        assert_eq!(o.workbook, None);
    }
}
