//! The scenarios that ship with the hub: every file of the repository's `drills/`.

use noc_model::Scenario;
use serde::Serialize;

use crate::parse_scenario;

include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

/// The built-in scenarios, by name. The files are checked when the hub is built (a
/// test parses each), so one that does not parse is a build mistake, left out here
/// rather than taking the catalogue down.
pub fn built_in() -> Vec<Scenario> {
    let mut scenarios: Vec<Scenario> = SCENARIO_FILES
        .iter()
        .filter_map(|(_, text)| parse_scenario(text).ok())
        .collect();
    scenarios.sort_by(|a, b| a.name.cmp(&b.name));
    scenarios
}

/// A scenario as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ScenarioSummary {
    pub name: String,
    pub title: String,
    pub title_zh: String,
    pub description: String,
    pub description_zh: String,
    pub faults: u32,
    pub steps: u32,
    /// Seconds from the drill's start to its last fault starting or clearing.
    pub duration_secs: u32,
}

impl From<&Scenario> for ScenarioSummary {
    fn from(scenario: &Scenario) -> Self {
        let duration_secs = scenario
            .faults
            .iter()
            .map(|f| f.clear_at_secs.unwrap_or(f.at_secs).max(f.at_secs))
            .max()
            .unwrap_or(0);
        Self {
            name: scenario.name.clone(),
            title: scenario.title.clone(),
            title_zh: scenario.title_zh.clone(),
            description: scenario.description.clone(),
            description_zh: scenario.description_zh.clone(),
            faults: scenario.faults.len() as u32,
            steps: scenario.expect.steps.len() as u32,
            duration_secs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in `drills/` parses, and the catalogue holds each of them.
    #[test]
    fn every_scenario_file_is_in_the_catalogue() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../drills");
        let catalogue = built_in();
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).expect("the drills directory") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|x| x != "toml") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).expect("readable");
            let scenario =
                parse_scenario(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                catalogue.contains(&scenario),
                "{} is missing from the catalogue",
                path.display()
            );
        }
        assert!(files >= 3, "the repository ships at least three scenarios");
        assert_eq!(catalogue.len(), files);
        let mut names: Vec<&str> = catalogue.iter().map(|s| s.name.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), files, "scenario names are unique");
    }
}
