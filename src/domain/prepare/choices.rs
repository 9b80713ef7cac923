//! What checking each value of a select field gave, remembered per field while rows are checked (`RowChecker`).
//!
//! A select column repeats a few values over and over ("Customer", "Partner"), and checking one costs a look in the
//! field's value map, a search of its options and a look among the options the rows use (each a string compared
//! several times). Remembered, a cell costs one hashed look. Owns only that memory; what a value gives is
//! `Normaliser::check`'s. Invariant: a remembered verdict is the one checking the value again would give, so it is
//! forgotten whenever a value map changes (`forget`, as the map is learned while reading), and the options used are
//! only ever added to, so a value once known to use none new stays so.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use rustc_hash::FxHasher;

use super::normaliser::Normaliser;
use crate::domain::limits::MULTI_VALUE_SEPARATOR;
use crate::domain::report::Problem;

/// Values remembered per field at most: a column of free text mapped to a select field would otherwise keep a copy
/// of every row's value. Past it, values are checked each time, as without this memory.
pub(crate) const CHOICES_MAX: usize = 4_096;

/// A field's problems with one value, with their fixes.
pub(crate) type Problems = Vec<(Problem, Option<String>)>;

/// What checking one value gave.
enum Choice {
    /// The value CSM receives (options, `|`-joined), and whether each of them is known to be among the options used.
    Fine {
        output: Box<str>,
        all_used: bool,
    },
    Problems(Problems),
}

/// Per field (in the normaliser's order), the verdicts of the values met so far.
#[derive(Default)]
pub(crate) struct Choices {
    fields: Vec<HashMap<Box<str>, Choice, BuildHasherDefault<FxHasher>>>,
}

impl Choices {
    /// Field `i`'s `input` checked (`Normaliser::check`): its problems. When it has none and its output holds an
    /// option with none of `used` (the options the field's rows use so far), that output is pushed to `new`, as
    /// `(i, output)`, for the caller to add once the row is known to be imported.
    pub(crate) fn check(
        &mut self,
        normaliser: &Normaliser,
        i: usize,
        input: &str,
        used: &BTreeSet<String>,
        new: &mut Vec<(usize, String)>,
    ) -> Problems {
        if self.fields.len() <= i {
            self.fields.resize_with(i + 1, HashMap::default);
        }
        let has_options = !normaliser.fields()[i].options.is_empty();
        let memory = &mut self.fields[i];
        if let Some(choice) = memory.get_mut(input) {
            return choice.told(i, has_options, used, new);
        }
        let mut choice = match normaliser.check(i, input) {
            Ok(output) => Choice::Fine { output: output.into(), all_used: false },
            Err(problems) => Choice::Problems(problems),
        };
        let problems = choice.told(i, has_options, used, new);
        if memory.len() < CHOICES_MAX {
            memory.insert(input.into(), choice);
        }
        problems
    }

    /// Forgets every verdict: a value map changed.
    pub(crate) fn forget(&mut self) {
        self.fields.iter_mut().for_each(HashMap::clear);
    }
}

impl Choice {
    /// This verdict for a row of field `i` (`Choices::check`).
    fn told(
        &mut self,
        i: usize,
        has_options: bool,
        used: &BTreeSet<String>,
        new: &mut Vec<(usize, String)>,
    ) -> Problems {
        match self {
            Choice::Problems(problems) => problems.clone(),
            Choice::Fine { output, all_used } => {
                if has_options && !*all_used && !output.is_empty() {
                    if output.split(MULTI_VALUE_SEPARATOR).all(|option| used.contains(option)) {
                        *all_used = true;
                    } else {
                        new.push((i, output.to_string()));
                    }
                }
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::DateDetection;
    use crate::domain::mapping::{Mapping, Source, ValueMap};
    use crate::domain::schema::{Entity, Field, FieldType, Schema};

    /// A normaliser with one field, `Tags` (multi-select, split on `;`), fed by column 0, its value map `map`.
    fn normaliser(map: &[(&str, Option<&str>)]) -> Normaliser {
        let mut schema = Schema::defaults(Entity::Customers);
        schema.fields.retain(|_| false);
        schema.fields.push(Field::with_options("Tags", FieldType::Multiselect, &["Gold", "Silver", "A|B"]));
        let mut mapping = Mapping::default();
        mapping.set_source("Tags", Source::Column(0));
        let options = map.iter().map(|(v, o)| (v.to_string(), o.map(str::to_owned))).collect();
        mapping.values.insert("Tags".to_owned(), ValueMap { split: Some(';'), options });
        Normaliser::new(&schema, &mapping, &["Tags".to_owned()], None, |_| DateDetection::NoDates, &mut Vec::new())
    }

    /// What `RowChecker` did for a select field before this memory: the problems, and the output to add to the
    /// options used when one of its options is not among them.
    fn unremembered(normaliser: &Normaliser, input: &str, used: &BTreeSet<String>) -> (Problems, Option<String>) {
        match normaliser.check(0, input) {
            Ok(output) if !output.is_empty() && !output.split('|').all(|o| used.contains(o)) => {
                (Vec::new(), Some(output.into_owned()))
            }
            Ok(_) => (Vec::new(), None),
            Err(problems) => (problems, None),
        }
    }

    #[test]
    fn a_remembered_verdict_is_the_one_checking_again_gives() {
        let normaliser = normaliser(&[("gold", Some("Gold")), ("none", None)]);
        let values = ["Gold", "gold", "Gold;Silver", "", "Bronze", "none", "gold; Silver ;Gold", "A|B", "Bronze"];
        let (mut choices, mut used) = (Choices::default(), BTreeSet::new());
        // Every value three times, the options used growing as rows are imported.
        for round in 0..3 {
            for input in values {
                let mut new = Vec::new();
                let problems = choices.check(&normaliser, 0, input, &used, &mut new);
                let (expected, output) = unremembered(&normaliser, input, &used);
                assert_eq!(problems, expected, "{input:?}, round {round}");
                assert_eq!(new.pop().map(|(_, o)| o), output, "{input:?}, round {round}");
                if let Some(output) = output {
                    used.extend(output.split('|').map(str::to_owned));
                }
            }
        }
        assert!(used.contains("Gold") && used.contains("Silver"));
    }

    #[test]
    fn verdicts_are_forgotten_when_asked_and_capped() {
        let before = normaliser(&[]);
        let after = normaliser(&[("Bronze", Some("Silver"))]);
        let (mut choices, used) = (Choices::default(), BTreeSet::new());
        assert!(!choices.check(&before, 0, "Bronze", &used, &mut Vec::new()).is_empty());
        // The map changed: without forgetting, the old verdict would be given.
        choices.forget();
        let mut new = Vec::new();
        assert!(choices.check(&after, 0, "Bronze", &used, &mut new).is_empty());
        assert_eq!(new, vec![(0, "Silver".to_owned())]);
        // Past the cap, values are still checked, only not remembered.
        for n in 0..CHOICES_MAX + 10 {
            let problems = choices.check(&after, 0, &format!("value {n}"), &used, &mut Vec::new());
            assert_eq!(problems.len(), 1);
        }
        assert_eq!(choices.fields[0].len(), CHOICES_MAX);
    }
}
