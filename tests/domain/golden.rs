//! The golden-file harness: runs the pipeline on a fixture and compares every output with its golden file.

use std::path::{Path, PathBuf};

use csm_import::domain::edits::Edits;
use csm_import::domain::export::{import_file, rejects_file, Limits};
use csm_import::domain::mapping::Mapping;
use csm_import::domain::prepare::{prepare, Prepared};
use csm_import::domain::read::{read, ReadOptions, ReadOutcome};
use csm_import::domain::schema::Schema;
use csm_import::domain::suggest::{refresh_value_maps, suggest};

pub fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/domain/fixtures").join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("fixture {}: {e}", full.display()))
}

/// Everything a case produced.
pub struct Run {
    pub outcome: ReadOutcome,
    pub schema: Schema,
    pub mapping: Mapping,
    pub prepared: Prepared,
}

impl Run {
    /// Reads `bytes` and suggests a mapping onto `schema`; `decide` plays the admin's choices.
    pub fn new(bytes: &[u8], schema: Schema, decide: impl FnOnce(&mut Mapping, &ReadOutcome)) -> Run {
        Run::with_options(bytes, &ReadOptions::default(), schema, decide)
    }

    /// As `new`, with the admin's reading choices (sheet, header row, footer).
    pub fn with_options(
        bytes: &[u8],
        options: &ReadOptions,
        schema: Schema,
        decide: impl FnOnce(&mut Mapping, &ReadOutcome),
    ) -> Run {
        let outcome = read(bytes, options).expect("fixture reads");
        let mut mapping = suggest(&schema, &outcome.table);
        decide(&mut mapping, &outcome);
        let prepared = prepare(&outcome.table, &schema, &mapping, &Edits::new(), &outcome.issues);
        Run { outcome, schema, mapping, prepared }
    }

    /// Plays a later decision (as the app does after the admin changes something): refresh the select value maps
    /// for a new separator, then validate again.
    pub fn decide_again(&mut self, decide: impl FnOnce(&mut Mapping)) {
        decide(&mut self.mapping);
        refresh_value_maps(&mut self.mapping, &self.schema, &self.outcome.table, &mut Default::default());
        self.prepared = prepare(&self.outcome.table, &self.schema, &self.mapping, &Edits::new(), &self.outcome.issues);
    }

    pub fn import_csv(&self) -> String {
        match import_file(&self.prepared, Limits::for_site(false), "import") {
            Ok(f) => String::from_utf8(f.bytes.to_vec()).expect("import file is UTF-8"),
            Err(e) => format!("(no file: {e})\n"),
        }
    }

    pub fn rejects_csv(&self) -> String {
        match rejects_file(&self.prepared, &self.outcome.table, "import") {
            Ok(f) => String::from_utf8(f.bytes.to_vec()).expect("rejects file is UTF-8"),
            Err(e) => format!("(no file: {e})\n"),
        }
    }

    /// One line per finding: where, what, and the fix.
    pub fn findings(&self) -> String {
        let r = &self.prepared.report;
        let mut out = format!("rows {} valid {} invalid {} warnings {}\n", r.rows, r.valid, r.invalid, r.warnings);
        for i in &r.issues {
            out.push_str(&format!(
                "row {} line {} | {} | {} | {}{}\n",
                i.pos.row,
                i.pos.line,
                i.field.as_deref().unwrap_or("-"),
                i.column.as_deref().unwrap_or("-"),
                i.message(),
                i.fix.as_deref().map(|f| format!(" | fix: {f}")).unwrap_or_default()
            ));
        }
        for q in &self.prepared.date_questions {
            out.push_str(&format!("question: {} ({}) e.g. {}\n", q.field, q.column, q.example));
        }
        out
    }

    /// One line per field: its source and how it was found.
    pub fn mapping_text(&self) -> String {
        let headers = &self.outcome.table.headers;
        let mut out = String::new();
        for f in &self.schema.fields {
            let m = self.mapping.fields.iter().find(|m| m.field == f.name);
            let source = m.and_then(|m| m.source.describe(headers)).unwrap_or_else(|| "(left out)".into());
            let how = m.and_then(|m| m.confidence).map(|c| c.label()).unwrap_or_else(|| "-".into());
            out.push_str(&format!("{} <- {} [{}]\n", f.name, source, how));
        }
        out
    }

    /// The table as read: the headers, then one line per record with its row and line and its cells in brackets.
    pub fn table_text(&self) -> String {
        let t = &self.outcome.table;
        let mut out = format!("headers: {}\n", t.headers.iter().map(|h| format!("[{h}]")).collect::<String>());
        for r in t.records.iter() {
            let cells: String = r.cells.iter().map(|c| format!("[{c}]")).collect();
            out.push_str(&format!("row {} line {}: {cells}\n", r.pos.row, r.pos.line));
        }
        out
    }

    /// Where the table sat in the file: the sheet, the header row, and the title and footer rows left out.
    pub fn structure_text(&self) -> String {
        let o = &self.outcome;
        let s = &o.structure;
        let mut out = String::new();
        if let Some(w) = &o.workbook {
            out.push_str(&format!("sheets: {} (read: {})\n", w.sheets.join(" | "), w.sheets[w.sheet]));
        } else {
            out.push_str(&format!("encoding: {} (guessed: {})\n", o.encoding.name(), o.encoding_guessed));
            out.push_str(&format!("delimiter: {:?} (sniffed: {})\n", o.delimiter as char, o.delimiter_sniffed));
        }
        out.push_str(&format!("header: row {} (chosen: {})\n", s.header_row, s.header_chosen));
        for r in &s.title_rows {
            out.push_str(&format!("title row {}: {}\n", r.row, r.text));
        }
        for r in &s.footer_rows {
            out.push_str(&format!(
                "footer row {} ({}): {}\n",
                r.row,
                if s.footer_kept { "kept" } else { "left out" },
                r.text
            ));
        }
        for n in &o.header_notes {
            out.push_str(&format!("header note: {n}\n"));
        }
        out
    }

    /// Compares the table and its place in the file with `golden/<case>/`, besides the pipeline's outputs.
    pub fn check_reading(&self, case: &str) {
        assert_golden(case, "table.txt", &self.table_text());
        assert_golden(case, "structure.txt", &self.structure_text());
        self.check(case);
    }

    /// Compares all outputs with `golden/<case>/`.
    pub fn check(&self, case: &str) {
        assert_golden(case, "import.csv", &self.import_csv());
        assert_golden(case, "rejects.csv", &self.rejects_csv());
        assert_golden(case, "findings.txt", &self.findings());
        assert_golden(case, "mapping.txt", &self.mapping_text());
    }
}

fn golden_path(case: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/domain/golden").join(case).join(name)
}

/// Asserts `actual` equals the golden file, or rewrites it when `UPDATE_GOLDEN` is set.
pub fn assert_golden(case: &str, name: &str, actual: &str) {
    let path = golden_path(case, name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("golden dir");
        }
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("golden {} missing ({e}); run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(actual, expected, "output differs from {}", path.display());
}
