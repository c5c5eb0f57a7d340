//! Emergency drills (应急演练): the scenario file format, the scenarios that ship with
//! the hub, and the plan that injects a scenario's faults on its timeline.
//!
//! Everything here is pure: the hub's drill runtime feeds the injector its clock and
//! turns the injections into signals and events of the drill's own database.

mod catalogue;
mod injector;
mod scenario;

pub use catalogue::{built_in, ScenarioSummary};
pub use injector::{Injection, Injector};
pub use scenario::{parse_scenario, validate, ScenarioError};
