//! Whole-pipeline cases: a Salesforce Contacts export into customers (every field type), a Salesforce Accounts
//! export into organizations (value mapping of Type), and dates whose order must be asked.

use csm_import::domain::dates::{detect_date_format, DateDetection};
use csm_import::domain::mapping::Source;
use csm_import::domain::schema::{Entity, Field, FieldType, Schema};

use crate::golden::{fixture, Run};

fn customer_schema() -> Schema {
    let text = String::from_utf8(fixture("pipeline/customer-schema.json")).expect("utf-8");
    Schema::from_json(&text, Entity::Customers).expect("schema loads")
}

#[test]
fn salesforce_contacts_become_customers_with_every_field_type() {
    let mut run = Run::new(&fixture("pipeline/salesforce-contacts.csv"), customer_schema(), |_, _| {});
    // The admin confirms the offered multi-value separator for Type.
    run.decide_again(|m| m.values.entry("Type".into()).or_default().split = Some(';'));
    run.check("customers-salesforce");
}

#[test]
fn salesforce_accounts_become_organizations_with_type_values_mapped() {
    let schema = Schema::defaults(Entity::Organizations);
    let mut run = Run::new(&fixture("pipeline/salesforce-accounts.csv"), schema, |_, _| {});
    run.decide_again(|m| {
        let supplier = Some("Supplier/Vendor".to_owned());
        m.values.entry("Type".into()).or_default().options.insert("Supplier".into(), supplier);
        m.values.entry("Customer Segment".into()).or_default().split = Some(';');
    });
    run.check("organizations-salesforce");
}

#[test]
fn ambiguous_dates_are_asked_then_written_in_the_chosen_order() {
    let mut schema = Schema::defaults(Entity::Customers);
    schema.upsert_field(Field::new("Renewal", FieldType::Date));
    let map_renewal = |m: &mut csm_import::domain::mapping::Mapping, o: &csm_import::domain::read::ReadOutcome| {
        m.set_source("Renewal", Source::Column(o.table.column("Renewal").expect("column")));
    };
    let mut run = Run::new(&fixture("pipeline/ambiguous-dates.csv"), schema, map_renewal);
    assert_eq!(run.prepared.report.valid, 0, "nothing is exported while the order is unknown");
    run.check("dates-ambiguous-asked");
    let DateDetection::Ambiguous { day_first, .. } = detect_date_format(["03/04/2024", "11/12/2023"]) else {
        panic!("expected an ambiguous column");
    };
    run.decide_again(|m| {
        m.date_formats.insert("Renewal".into(), day_first);
    });
    run.check("dates-day-first");
}

#[test]
fn person_accounts_left_out_of_organizations_import_as_customers_from_the_rejects_file() {
    let accounts = fixture("pipeline/salesforce-person-accounts.csv");
    let mut orgs = Run::new(&accounts, Schema::defaults(Entity::Organizations), |_, _| {});
    orgs.decide_again(|m| m.leave_out_person_accounts = true);
    orgs.check("person-accounts-organizations");
    assert_eq!((orgs.prepared.report.valid, orgs.prepared.report.invalid), (2, 2));
    // The admin loads the rejects file as customers: the people come in by their PersonEmail.
    let people = Run::new(orgs.rejects_csv().as_bytes(), Schema::defaults(Entity::Customers), |_, _| {});
    people.check("person-accounts-customers");
    assert_eq!(people.prepared.report.valid, 2);
}
