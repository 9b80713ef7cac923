//! The dry run: before anything is written, which rows would create a profile and which would update one.
//!
//! Owns the lookup chunks (keys as sent, at most `MAX_FETCH` per request) and the classification of the answers.
//! It does not send the lookups (the ui does, with the same retry policy as the import).

use std::collections::HashSet;

use super::payload::Operation;
use super::plan::SendRow;
use super::MAX_FETCH;
use crate::domain::engine::work::count;
use crate::domain::prepare::key_identity;
use crate::domain::schema::Entity;

/// The keys to look up, in chunks of at most `MAX_FETCH`.
pub fn lookup_chunks(rows: &[SendRow]) -> Vec<Vec<String>> {
    rows.chunks(MAX_FETCH).map(|c| c.iter().map(|r| r.profile.key.clone()).collect()).collect()
}

/// What the dry run found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DryRun {
    /// Key identities that already exist in CSM.
    pub existing: HashSet<String>,
    /// Rows that would create a new profile.
    pub create: usize,
    /// Rows whose key exists: updated with "Create or update", refused with "Create new only".
    pub update: usize,
}

impl DryRun {
    /// Classifies every row from the keys the lookups found.
    pub fn classify(entity: Entity, rows: &[SendRow], found: impl IntoIterator<Item = String>) -> DryRun {
        let existing: HashSet<String> = found.into_iter().map(|k| key_identity(entity, &k)).collect();
        let update = rows.iter().filter(|r| existing.contains(&key_identity(entity, &r.profile.key))).count();
        DryRun { existing, create: rows.len() - update, update }
    }

    /// The sentence shown before any write.
    pub fn summary(&self, entity: Entity, operation: Operation) -> String {
        let noun = entity.noun();
        match operation {
            Operation::Upsert => format!(
                "{} new {noun} would be created and {} existing {noun} would be updated.",
                count(self.create),
                count(self.update)
            ),
            Operation::Create if self.update == 0 => {
                format!("{} new {noun} would be created. None exist yet.", count(self.create))
            }
            Operation::Create => format!(
                "{} new {noun} would be created. {} already exist and would fail with \"Create new only\": choose \
                 \"Create or update\" to update them instead.",
                count(self.create),
                count(self.update)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::api::payload::Profile;

    fn rows(keys: &[&str]) -> Vec<SendRow> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| SendRow {
                record: i,
                row: i as u64 + 2,
                profile: Profile { key: (*k).into(), display_name: None, details: vec![] },
            })
            .collect()
    }

    #[test]
    fn lookups_go_in_chunks_of_fifty() {
        let keys: Vec<String> = (0..120).map(|i| format!("p{i}@x.co")).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let chunks = lookup_chunks(&rows(&refs));
        assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), [50, 50, 20]);
    }

    #[test]
    fn rows_are_classified_by_key_identity() {
        let d = DryRun::classify(Entity::Organizations, &rows(&["Acme  Ltd", "Globex"]), ["acme ltd".to_owned()]);
        assert_eq!((d.create, d.update), (1, 1));
        assert!(d.summary(Entity::Organizations, Operation::Create).contains("1 already exist"));
        assert!(d
            .summary(Entity::Organizations, Operation::Upsert)
            .contains("1 existing organizations would be updated"));
    }
}
