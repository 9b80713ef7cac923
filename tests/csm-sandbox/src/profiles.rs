//! Customer and organization profiles, the links between them, and applying one bulk item (validate, then create
//! or merge) with the failure sentence CSM would report for it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use crate::bulk::{Item, Operation};
use crate::entity::Entity;
use crate::fields::{is_plausible_email, Catalogue};

/// Ids are decimal strings; each entity counts from here.
const FIRST_ID: u64 = 10001;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub id: u64,
    /// Email (customers) or name (organizations), as first stored.
    pub key: String,
    /// Customers only.
    pub display_name: String,
    pub details: BTreeMap<String, Vec<String>>,
}

impl Profile {
    fn details_list(&self) -> Value {
        self.details.iter().map(|(name, values)| json!({ "name": name, "values": values })).collect()
    }
}

/// The profiles of one entity, indexed by normalized key.
#[derive(Debug)]
struct Store {
    entity: Entity,
    by_id: BTreeMap<u64, Profile>,
    by_key: HashMap<String, u64>,
    next_id: u64,
}

impl Store {
    fn new(entity: Entity) -> Self {
        Self { entity, by_id: BTreeMap::new(), by_key: HashMap::new(), next_id: FIRST_ID }
    }

    /// Customers match on the email ignoring case; organizations on the trimmed name ignoring case.
    fn normalize(&self, key: &str) -> String {
        match self.entity {
            Entity::Customer => key.to_lowercase(),
            Entity::Organization => key.trim().to_lowercase(),
        }
    }

    fn find(&self, key: &str) -> Option<u64> {
        self.by_key.get(&self.normalize(key)).copied()
    }

    fn contains_id(&self, id: &str) -> bool {
        id.parse::<u64>().is_ok_and(|id| self.by_id.contains_key(&id))
    }

    fn insert(&mut self, key: String, display_name: String) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.by_key.insert(self.normalize(&key), id);
        self.by_id.insert(id, Profile { id, key, display_name, details: BTreeMap::new() });
        id
    }
}

/// One row of a task's `failures`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub entity: Entity,
    pub entity_id: Option<u64>,
    pub operation: Operation,
    pub operated_on: String,
    pub error: String,
}

impl Failure {
    pub fn to_json(&self) -> Value {
        json!({
            "entity": self.entity.failure_name(),
            "entityId": self.entity_id.map(|id| id.to_string()),
            "operation": self.operation.as_str(),
            "operatedOn": self.operated_on,
            "operatedOnIds": [],
            "error": self.error,
        })
    }
}

/// Both entities and their links.
#[derive(Debug)]
pub struct Profiles {
    customers: Store,
    organizations: Store,
    /// (customer id, organization id)
    links: BTreeSet<(u64, u64)>,
}

impl Default for Profiles {
    fn default() -> Self {
        Self {
            customers: Store::new(Entity::Customer),
            organizations: Store::new(Entity::Organization),
            links: BTreeSet::new(),
        }
    }
}

impl Profiles {
    fn store(&self, entity: Entity) -> &Store {
        match entity {
            Entity::Customer => &self.customers,
            Entity::Organization => &self.organizations,
        }
    }

    fn store_mut(&mut self, entity: Entity) -> &mut Store {
        match entity {
            Entity::Customer => &mut self.customers,
            Entity::Organization => &mut self.organizations,
        }
    }

    /// Applies one item entirely, or not at all and says why.
    pub fn apply(&mut self, entity: Entity, item: &Item, fields: &Catalogue) -> Result<(), Failure> {
        let existing = self.store(entity).find(&item.key);
        let fail = |error: String| Failure {
            entity,
            entity_id: existing,
            operation: item.operation,
            operated_on: item.key.clone(),
            error,
        };
        match entity {
            Entity::Customer if !is_plausible_email(&item.key) => return Err(fail("Invalid email address".into())),
            Entity::Organization if item.key.trim().is_empty() => {
                return Err(fail("The organization name must not be empty.".into()))
            }
            _ => {}
        }
        let (exists, missing) = match entity {
            Entity::Customer => ("A customer with this email already exists.", "No customer with this email exists."),
            Entity::Organization => {
                ("An organization with this name already exists.", "No organization with this name exists.")
            }
        };
        match (item.operation, existing) {
            (Operation::Create, Some(_)) => return Err(fail(exists.into())),
            (Operation::Update, None) => return Err(fail(missing.into())),
            _ => {}
        }
        for detail in &item.details {
            let field = fields
                .find(&detail.name)
                .ok_or_else(|| fail(format!("Detail field '{}' does not exist.", detail.name)))?;
            field.check(&detail.values).map_err(fail)?;
        }
        let others = self.store(entity.other());
        if let Some(unknown) = item.links.iter().find(|id| !others.contains_id(id)) {
            let other = match entity.other() {
                Entity::Customer => "customer",
                Entity::Organization => "organization",
            };
            return Err(fail(format!("No {other} with id '{unknown}' exists.")));
        }

        let store = self.store_mut(entity);
        let id = match existing {
            Some(id) => id,
            None => {
                let key = match entity {
                    Entity::Customer => item.key.clone(),
                    Entity::Organization => item.key.trim().to_owned(),
                };
                let display_name = item.display_name.clone().unwrap_or_else(|| key.clone());
                store.insert(key, display_name)
            }
        };
        if let Some(profile) = store.by_id.get_mut(&id) {
            if let Some(display_name) = &item.display_name {
                profile.display_name.clone_from(display_name);
            }
            for detail in &item.details {
                if detail.values.is_empty() {
                    profile.details.remove(&detail.name);
                } else {
                    profile.details.insert(detail.name.clone(), detail.values.clone());
                }
            }
        }
        for other in item.links.iter().filter_map(|other| other.parse::<u64>().ok()) {
            self.links.insert(match entity {
                Entity::Customer => (id, other),
                Entity::Organization => (other, id),
            });
        }
        Ok(())
    }

    fn linked(&self, entity: Entity, id: u64) -> Vec<String> {
        self.links
            .iter()
            .filter_map(|&(customer, organization)| match entity {
                Entity::Customer => (customer == id).then_some(organization),
                Entity::Organization => (organization == id).then_some(customer),
            })
            .map(|other| other.to_string())
            .collect()
    }

    /// The state dump of one entity, sorted by id.
    pub fn dump(&self, entity: Entity) -> Value {
        let store = self.store(entity);
        store
            .by_id
            .values()
            .map(|profile| {
                let details = json!(profile.details);
                let linked = self.linked(entity, profile.id);
                match entity {
                    Entity::Customer => json!({
                        "id": profile.id.to_string(), "email": profile.key, "displayName": profile.display_name,
                        "details": details, "organizationIds": linked,
                    }),
                    Entity::Organization => json!({
                        "id": profile.id.to_string(), "name": profile.key, "details": details, "customerIds": linked,
                    }),
                }
            })
            .collect()
    }

    /// Profiles named by id or by key, in the order asked, each once; unknown ones left out.
    pub fn fetch(&self, entity: Entity, ids: &[String], keys: &[String]) -> Value {
        let store = self.store(entity);
        let by_id = ids.iter().filter_map(|id| id.parse::<u64>().ok());
        let by_key = keys.iter().filter_map(|key| store.find(key));
        let mut seen = BTreeSet::new();
        by_id
            .chain(by_key)
            .filter(|id| seen.insert(*id))
            .filter_map(|id| store.by_id.get(&id))
            .map(|profile| match entity {
                Entity::Customer => json!({
                    "id": profile.id.to_string(), "email": profile.key, "displayName": profile.display_name,
                    "details": profile.details_list(),
                }),
                Entity::Organization => {
                    json!({ "id": profile.id.to_string(), "name": profile.key, "details": profile.details_list() })
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::Detail;

    fn item(operation: Operation, key: &str, details: &[(&str, &[&str])]) -> Item {
        Item {
            operation,
            key: key.to_owned(),
            display_name: None,
            details: details
                .iter()
                .map(|(name, values)| Detail {
                    name: (*name).to_owned(),
                    values: values.iter().map(|value| (*value).to_owned()).collect(),
                })
                .collect(),
            links: Vec::new(),
        }
    }

    #[test]
    fn organization_names_match_trimmed_and_ignoring_case() {
        let fields = Catalogue::defaults(Entity::Organization);
        let mut profiles = Profiles::default();
        profiles.apply(Entity::Organization, &item(Operation::Create, " Acme ", &[]), &fields).unwrap();
        let failure = profiles.apply(Entity::Organization, &item(Operation::Create, "ACME", &[]), &fields).unwrap_err();
        assert_eq!(failure.error, "An organization with this name already exists.");
        assert_eq!(failure.entity_id, Some(10001));
        assert_eq!(profiles.fetch(Entity::Organization, &[], &["acme".into()])[0]["name"], "Acme");
    }

    #[test]
    fn an_empty_values_list_clears_the_field_on_update() {
        let fields = Catalogue::defaults(Entity::Customer);
        let mut profiles = Profiles::default();
        let ann = "ann@example.com";
        profiles.apply(Entity::Customer, &item(Operation::Create, ann, &[("Title", &["CEO"])]), &fields).unwrap();
        profiles.apply(Entity::Customer, &item(Operation::Update, ann, &[("Title", &[])]), &fields).unwrap();
        assert_eq!(profiles.dump(Entity::Customer)[0]["details"], json!({}));
    }
}
