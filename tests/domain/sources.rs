//! Exports from HubSpot, Zendesk and Freshdesk: the suggested mapping, the import file and the findings, with no
//! decision from the admin (what they see before touching anything).

use csm_import::domain::schema::{Entity, Schema};

use crate::golden::{fixture, Run};

fn suggested(file: &str, entity: Entity, case: &str) -> Run {
    let run = Run::new(&fixture(&format!("sources/{file}")), Schema::defaults(entity), |_, _| {});
    run.check(case);
    run
}

#[test]
fn hubspot_contacts_map_names_phone_title_and_lifecycle_stage() {
    let run = suggested("hubspot-contacts.csv", Entity::Customers, "source-hubspot-contacts");
    assert!(run.mapping_text().contains("Type <- Lifecycle Stage [Known name]"), "{}", run.mapping_text());
}

#[test]
fn zendesk_users_map_name_email_and_external_id() {
    let run = suggested("zendesk-users.csv", Entity::Customers, "source-zendesk-users");
    assert!(run.mapping_text().contains("External ID <- external_id"), "{}", run.mapping_text());
    // Zendesk's `role` is end-user/agent/admin, not a job title.
    assert!(run.mapping_text().contains("Title <- (left out)"), "{}", run.mapping_text());
}

#[test]
fn freshdesk_contacts_map_full_name_work_phone_and_language() {
    let run = suggested("freshdesk-contacts.csv", Entity::Customers, "source-freshdesk-contacts");
    assert!(run.mapping_text().contains("Preferred Language <- Language [Known name]"), "{}", run.mapping_text());
}

#[test]
fn hubspot_companies_become_organizations_with_address_and_website() {
    let run = suggested("hubspot-companies.csv", Entity::Organizations, "source-hubspot-companies");
    assert!(run.mapping_text().contains("Website <- Company Domain Name [Known name]"), "{}", run.mapping_text());
}
