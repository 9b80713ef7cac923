//! What other systems call CSM's fields: Salesforce (API names and report labels), HubSpot, Zendesk, Freshdesk
//! (contract §5), and common words for select options.
//!
//! Owns only the word lists, all written in normalised form (see [`normalise`]); matching lives in `suggest`
//! and `values`. Adding a synonym never needs a code change elsewhere.

use super::schema::Entity;

/// Lower-case letters and digits only; a Salesforce custom-field suffix `__c` is dropped first.
/// "Mailing_Street__c" → "mailingstreet", "E-mail Address" → "emailaddress".
pub fn normalise(text: &str) -> String {
    let t = text.trim();
    let t = t.strip_suffix("__c").or_else(|| t.strip_suffix("__C")).unwrap_or(t);
    t.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Header synonyms for each target field, by entity.
pub fn header_synonyms(entity: Entity, field: &str) -> &'static [&'static str] {
    match (entity, field) {
        (Entity::Customers, "Email") => &[
            "email",
            "emailaddress",
            "mail",
            "email1",
            "primaryemail",
            "personemail",
            "workemail",
            "contactemail",
            "useremail",
            "businessemail",
        ],
        (Entity::Customers, "Display name") => {
            &["name", "fullname", "contactname", "displayname", "username", "customername", "contact"]
        }
        (Entity::Customers, "Full name") => &["fullname", "name", "contactname", "customername"],
        (Entity::Customers, "Phone") => &[
            "phone",
            "phonenumber",
            "workphone",
            "businessphone",
            "telephone",
            "tel",
            "mobilephone",
            "mobile",
            "mobilephonenumber",
            "cellphone",
            "directphone",
        ],
        (Entity::Customers, "External ID") => {
            &["id", "externalid", "contactid", "recordid", "contactrecordid", "userid", "uniqueid", "crmid"]
        }
        (Entity::Customers, "Title") => &["title", "jobtitle", "position", "designation"],
        (Entity::Customers, "Region") => &["region", "salesregion", "territory", "geo"],
        (Entity::Customers, "Preferred Language") => {
            &["preferredlanguage", "language", "locale", "lang", "userlanguage"]
        }
        (_, "Type") => &["type", "contacttype", "accounttype", "customertype", "lifecyclestage", "relationship"],
        (Entity::Organizations, "Organization Name") => &[
            "name",
            "accountname",
            "company",
            "companyname",
            "organization",
            "organisation",
            "organizationname",
            "organisationname",
            "org",
            "account",
            "business",
            "businessname",
        ],
        (Entity::Organizations, "Industry") => &["industry", "sector", "vertical"],
        (Entity::Organizations, "External ID") => {
            &["id", "externalid", "accountid", "companyid", "organizationid", "recordid", "accountrecordid"]
        }
        (Entity::Organizations, "Address") => &["address", "billingaddress", "companyaddress", "fulladdress"],
        (Entity::Organizations, "Website") => {
            &["website", "url", "web", "domain", "companydomainname", "websiteurl", "homepage", "site"]
        }
        (Entity::Organizations, "Customer Segment") => {
            &["customersegment", "segment", "tier", "companysize", "marketsegment"]
        }
        _ => &[],
    }
}

/// Column groups that combine into one field, in the order they are joined: (target field, parts, separator).
/// The first group whose parts are all present wins; a group needs at least two of its parts present.
pub fn combinations(entity: Entity) -> &'static [(&'static str, &'static [&'static [&'static str]], &'static str)] {
    const NAME: &[&[&str]] =
        &[&["firstname", "givenname", "first"], &["middlename"], &["lastname", "surname", "familyname", "last"]];
    const BILLING: &[&[&str]] = &[
        &["billingstreet", "street", "address1", "streetaddress", "address"],
        &["address2"],
        &["billingcity", "city"],
        &["billingstate", "state", "stateregion", "province", "billingstatecode"],
        &["billingpostalcode", "postalcode", "zip", "zipcode", "postcode"],
        &["billingcountry", "country", "countryregion"],
    ];
    match entity {
        Entity::Customers => &[("Full name", NAME, " "), ("Display name", NAME, " ")],
        Entity::Organizations => &[("Address", BILLING, ", ")],
    }
}

/// Option synonyms: (normalised source word, option it stands for). Matched only against options that exist.
pub const OPTION_SYNONYMS: &[(&str, &str)] = &[
    ("client", "Customer"),
    ("customerdirect", "Customer"),
    ("customerchannel", "Customer"),
    ("active", "Customer"),
    ("lead", "Prospect"),
    ("opportunity", "Prospect"),
    ("prospective", "Prospect"),
    ("reseller", "Partner"),
    ("channelpartnerreseller", "Partner"),
    ("installationpartner", "Partner"),
    ("channelpartner", "Partner"),
    ("technologypartner", "Partner"),
    ("integrator", "Partner"),
    ("vendor", "Supplier/Vendor"),
    ("supplier", "Supplier/Vendor"),
    ("supplierpartner", "Supplier/Vendor"),
    ("provider", "Supplier/Vendor"),
    ("other", "Other"),
    ("midmarket", "Mid-market"),
    ("mid", "Mid-market"),
    ("midsize", "Mid-market"),
    ("smallbusiness", "SMB"),
    ("smallandmediumbusiness", "SMB"),
    ("sme", "SMB"),
    ("ent", "Enterprise"),
    ("largeenterprise", "Enterprise"),
    ("consumers", "Consumer"),
    ("b2c", "Consumer"),
    ("startups", "Startup"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_drops_case_punctuation_and_custom_suffix() {
        assert_eq!(normalise(" Region__c "), "region");
        assert_eq!(normalise("E-mail Address"), "emailaddress");
        assert_eq!(normalise("Préféré"), "préféré");
    }

    #[test]
    fn every_synonym_is_already_normalised() {
        for entity in [Entity::Customers, Entity::Organizations] {
            for field in ["Email", "Display name", "Full name", "Phone", "Type", "Organization Name", "Website"] {
                for s in header_synonyms(entity, field) {
                    assert_eq!(&normalise(s), s);
                }
            }
        }
        for (s, _) in OPTION_SYNONYMS {
            assert_eq!(&normalise(s), s);
        }
    }
}
