//! What was skipped above the header and left out below the data, as sentences for the admin.
//!
//! Owns the wording only; what counts as a title or footer row is `structure`'s. Invariant: no sentence when
//! nothing was skipped, and every sentence names the rows by the numbers a spreadsheet shows.

use super::Structure;

impl Structure {
    /// What happened above the header, in plain words; `None` when the header is the first row with values.
    pub fn title_sentence(&self) -> Option<String> {
        let (n, row) = (self.title_rows.len(), self.header_row);
        Some(match (n, self.header_chosen) {
            (0, _) => return None,
            (1, true) => format!("The column names are on row {row}, as you chose; the row above it is skipped."),
            (_, true) => format!("The column names are on row {row}, as you chose; the {n} rows above it are skipped."),
            (1, false) => {
                format!("The column names are on row {row}. The row above it looks like a report title and is skipped.")
            }
            (_, false) => format!(
                "The column names are on row {row}. The {n} rows above it look like a report title and are skipped."
            ),
        })
    }

    /// What happened to the rows below the data, in plain words; `None` when there are none.
    pub fn footer_sentence(&self) -> Option<String> {
        let n = self.footer_rows.len();
        let first = &self.footer_rows.first()?.text;
        let more = if n > 1 { format!(" and {} more", n - 1) } else { String::new() };
        Some(match (n, self.footer_kept) {
            (1, true) => format!("The row below the data (“{first}”) is kept as a data row, as you chose."),
            (_, true) => format!("The {n} rows below the data (“{first}”{more}) are kept as data rows, as you chose."),
            (1, false) => format!("Left out the row below the data, which looks like a report footer: “{first}”."),
            (_, false) => {
                format!("Left out the {n} rows below the data, which look like a report footer: “{first}”{more}.")
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::structure::LeftOutRow;

    fn structure(titles: usize, chosen: bool, footers: usize, kept: bool) -> Structure {
        let row = |row: u64, text: &str| LeftOutRow { row, text: text.into() };
        Structure {
            header_row: titles as u64 + 1,
            header_chosen: chosen,
            title_rows: (1..=titles as u64).map(|r| row(r, "Report")).collect(),
            footer_rows: (0..footers as u64)
                .map(|r| row(r + 9, if r == 0 { "Grand Totals (3 records)" } else { "x" }))
                .collect(),
            footer_kept: kept,
        }
    }

    #[test]
    fn sentences_say_what_was_skipped_and_left_out_in_plain_words() {
        let sentence = |s: Structure| (s.title_sentence(), s.footer_sentence());
        assert_eq!(sentence(structure(0, false, 0, false)), (None, None));
        assert_eq!(
            structure(3, false, 0, false).title_sentence().as_deref(),
            Some("The column names are on row 4. The 3 rows above it look like a report title and are skipped.")
        );
        assert_eq!(
            structure(1, true, 0, false).title_sentence().as_deref(),
            Some("The column names are on row 2, as you chose; the row above it is skipped.")
        );
        assert_eq!(
            structure(0, false, 4, false).footer_sentence().as_deref(),
            Some("Left out the 4 rows below the data, which look like a report footer: “Grand Totals (3 records)” and 3 more.")
        );
        assert_eq!(
            structure(0, false, 1, true).footer_sentence().as_deref(),
            Some("The row below the data (“Grand Totals (3 records)”) is kept as a data row, as you chose.")
        );
    }
}
