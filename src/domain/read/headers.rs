//! Cleaning the header row: trimmed names without BOM characters, and a name for every empty or repeated header.
//!
//! Owns the renaming rules ("Column N" for an empty header, "Name (2)" for a repeat) and the note the admin reads
//! for each rename. Does not decide which record is the header (`read` takes the first non-blank one) and does not
//! match headers to CSM fields (`suggest`). Invariants: the result has one non-empty, unique name per column, and a
//! generated name never collides with a header written in the file.

use std::collections::HashSet;

/// Trimmed headers without BOM characters, empty ones named "Column N" and repeats "Name (2)", with a note for
/// each rename. Generated names never collide with a header in the file.
pub(crate) fn clean_headers(raw: Vec<String>) -> (Vec<String>, Vec<String>) {
    let trimmed: Vec<String> = raw.iter().map(|h| h.replace('\u{FEFF}', "").trim().to_string()).collect();
    let mut taken: HashSet<String> = trimmed.iter().filter(|h| !h.is_empty()).cloned().collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut notes = Vec::new();
    let mut headers = Vec::with_capacity(trimmed.len());
    for (i, header) in trimmed.into_iter().enumerate() {
        let column = i + 1;
        let name = if header.is_empty() {
            let name = unused(&format!("Column {column}"), &taken);
            notes.push(format!("Column {column} has no header, so it is called “{name}”."));
            name
        } else if seen.contains(&header) {
            let name = unused(&header, &taken);
            notes.push(format!("The header “{header}” appears more than once, so column {column} is called “{name}”."));
            name
        } else {
            header
        };
        taken.insert(name.clone());
        seen.insert(name.clone());
        headers.push(name);
    }
    (headers, notes)
}

/// `base` itself when free (and not already a header), else the first free "base (2)", "base (3)", ….
fn unused(base: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..).map(|n| format!("{base} ({n})")).find(|name| !taken.contains(name)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::domain::read::tests::read_str;
    use crate::domain::read::{read, ReadOptions};

    #[test]
    fn utf8_bom_is_stripped_from_first_header() {
        let o = read(b"\xEF\xBB\xBFEmail,Phone\na@example.com,1\n", &ReadOptions::default()).expect("reads");
        assert_eq!(o.table.headers, vec!["Email", "Phone"]);
    }

    #[test]
    fn stray_bom_characters_and_spaces_are_removed_from_headers() {
        let o = read_str("\u{FEFF} Email ,\u{FEFF}Phone\na,1\n");
        assert_eq!(o.table.headers, vec!["Email", "Phone"]);
        assert!(o.header_notes.is_empty());
    }

    #[test]
    fn duplicate_and_empty_headers_are_renamed() {
        let o = read_str("Email,,Email,Phone, ,Email\n1,2,3,4,5,6\n");
        assert_eq!(o.table.headers, vec!["Email", "Column 2", "Email (2)", "Phone", "Column 5", "Email (3)"]);
        assert_eq!(o.header_notes.len(), 4);
        assert_eq!(o.header_notes[0], "Column 2 has no header, so it is called “Column 2”.");
        assert_eq!(o.header_notes[1], "The header “Email” appears more than once, so column 3 is called “Email (2)”.");
    }

    #[test]
    fn generated_header_names_never_collide_with_real_ones() {
        let o = read_str("Email,Email,Email (2),,Column 4\n1,2,3,4,5\n");
        assert_eq!(o.table.headers, vec!["Email", "Email (3)", "Email (2)", "Column 4 (2)", "Column 4"]);
    }
}
