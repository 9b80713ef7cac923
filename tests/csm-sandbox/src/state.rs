//! The shared sandbox: fixed settings, the clock, and the mutable world (behaviour, catalogues, profiles, tasks,
//! fault counter, stats) behind one lock. Taking the lock first finishes every task that is due.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use serde_json::{json, Value};

use crate::clock::Clock;
use crate::config::{Behaviour, Settings};
use crate::entity::Entity;
use crate::faults::FaultCounter;
use crate::fields::Catalogue;
use crate::profiles::Profiles;
use crate::stats::Stats;
use crate::tasks::Tasks;

pub type AppState = Arc<Shared>;

pub struct Shared {
    pub settings: Settings,
    clock: Arc<dyn Clock>,
    world: Mutex<World>,
}

impl Shared {
    pub fn new(settings: Settings, clock: Arc<dyn Clock>) -> AppState {
        let now = clock.now();
        let world = Mutex::new(World::new(settings.behaviour.clone(), now));
        Arc::new(Self { settings, clock, world })
    }

    /// The world, with every due task finished as of now.
    pub fn world(&self) -> MutexGuard<'_, World> {
        let now = self.clock.now();
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        world.advance(now);
        world
    }

    /// Back to the start: default catalogues, no profiles or tasks, zero counters, the behaviour from the CLI.
    pub fn reset(&self) {
        let now = self.clock.now();
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        *world = World::new(self.settings.behaviour.clone(), now);
    }
}

pub struct World {
    pub behaviour: Behaviour,
    /// The instant the world was last advanced to (use it for task statuses).
    pub now: Instant,
    pub customer_fields: Catalogue,
    pub organization_fields: Catalogue,
    pub profiles: Profiles,
    pub tasks: Tasks,
    pub faults: FaultCounter,
    pub stats: Stats,
}

impl World {
    fn new(behaviour: Behaviour, now: Instant) -> Self {
        Self {
            behaviour,
            now,
            customer_fields: Catalogue::defaults(Entity::Customer),
            organization_fields: Catalogue::defaults(Entity::Organization),
            profiles: Profiles::default(),
            tasks: Tasks::default(),
            faults: FaultCounter::default(),
            stats: Stats::default(),
        }
    }

    fn advance(&mut self, now: Instant) {
        self.now = self.now.max(now);
        self.tasks.finish_due(self.now, &mut self.profiles, &self.customer_fields, &self.organization_fields);
    }

    pub fn fields(&self, entity: Entity) -> &Catalogue {
        match entity {
            Entity::Customer => &self.customer_fields,
            Entity::Organization => &self.organization_fields,
        }
    }

    pub fn fields_mut(&mut self, entity: Entity) -> &mut Catalogue {
        match entity {
            Entity::Customer => &mut self.customer_fields,
            Entity::Organization => &mut self.organization_fields,
        }
    }

    /// `GET /_sandbox/state`.
    pub fn dump(&self) -> Value {
        json!({
            "customers": self.profiles.dump(Entity::Customer),
            "organizations": self.profiles.dump(Entity::Organization),
            "fields": {
                "customers": self.customer_fields.to_json(),
                "organizations": self.organization_fields.to_json(),
            },
            "tasks": self.tasks.dump(self.now),
            "stats": self.stats.to_json(),
        })
    }
}
