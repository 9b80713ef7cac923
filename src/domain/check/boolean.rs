//! The BOOLEAN check: the yes/no words exports use, written as CSM's `true` or `false`.
//!
//! Owns the list of words read as true or false (any case). Does not trim or decide `Empty` (that is `check`).
//! Invariant: a valid boolean is always exactly `true` or `false`; an unknown word gets no fix, since guessing a
//! yes or a no would change the data.

use std::borrow::Cow;

use super::{no_fix, verdict, Checked};
use crate::domain::report::Problem;

pub fn check_boolean(raw: &str) -> Checked<'_> {
    verdict(raw, Problem::InvalidBoolean, valid_boolean, no_fix)
}

fn valid_boolean(s: &str) -> Option<Cow<'_, str>> {
    let value = match s.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" | "on" | "checked" => "true",
        "false" | "no" | "n" | "0" | "f" | "off" | "unchecked" => "false",
        _ => return None,
    };
    Some(Cow::Borrowed(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::check::tests::{unfixable, valid};

    #[test]
    fn yes_and_no_normalise_to_true_and_false() {
        for yes in ["Yes", "TRUE", "y", "1", "t", "On", "checked"] {
            assert_eq!(check_boolean(yes), valid("true"), "{yes}");
        }
        for no in ["no", "False", "N", "0", "f", "OFF", "Unchecked"] {
            assert_eq!(check_boolean(no), valid("false"), "{no}");
        }
    }

    #[test]
    fn unknown_boolean_words_are_invalid_without_fix() {
        assert_eq!(check_boolean("maybe"), unfixable(Problem::InvalidBoolean));
        assert_eq!(check_boolean("2"), unfixable(Problem::InvalidBoolean));
    }
}
