//! The two CSM profile kinds (customers and organizations) and the name each has in every place it appears.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entity {
    Customer,
    Organization,
}

impl Entity {
    /// `type` of a bulk task.
    pub fn task_type(self) -> &'static str {
        match self {
            Entity::Customer => "CUSTOMER_PROFILE_BULK",
            Entity::Organization => "ORGANIZATION_PROFILE_BULK",
        }
    }

    /// `entity` of a task failure.
    pub fn failure_name(self) -> &'static str {
        match self {
            Entity::Customer => "CUSTOMER",
            Entity::Organization => "ORGANIZATION",
        }
    }

    /// The array key of a bulk body.
    pub fn list_key(self) -> &'static str {
        match self {
            Entity::Customer => "customerProfiles",
            Entity::Organization => "organizationProfiles",
        }
    }

    /// The payload key that identifies a profile.
    pub fn key_field(self) -> &'static str {
        match self {
            Entity::Customer => "email",
            Entity::Organization => "name",
        }
    }

    /// The payload object that links to the other kind, and its id array.
    pub fn link_fields(self) -> (&'static str, &'static str) {
        match self {
            Entity::Customer => ("associateOrganizations", "organizationIds"),
            Entity::Organization => ("associateCustomers", "customerIds"),
        }
    }

    /// The `entity` names of `/_sandbox/fields`.
    pub fn from_plural(name: &str) -> Option<Self> {
        match name {
            "customers" => Some(Entity::Customer),
            "organizations" => Some(Entity::Organization),
            _ => None,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Entity::Customer => Entity::Organization,
            Entity::Organization => Entity::Customer,
        }
    }
}
