//! Duty statistics for a time range: the wall's KPIs and header, polled by every wall.

use std::sync::Arc;

use noc_model::Millis;
use noc_report::{DutyStats, ReportError, StatsCache};

use crate::{ApiError, Console};

/// The statistics use case, with the folds it keeps between polls. Cheap to clone.
#[derive(Clone, Default)]
pub struct Statistics {
    cache: Arc<StatsCache>,
}

impl Statistics {
    /// The numbers for `since..=until` (unix ms; `until` defaults to the hub's now),
    /// against the hub's 1-5-10 targets.
    pub async fn duty(
        &self,
        console: &Console,
        since: Millis,
        until: Option<Millis>,
    ) -> Result<DutyStats, ApiError> {
        let until = until.unwrap_or_else(|| console.clock.now());
        self.cache
            .duty_stats(&console.shared.store, since, until, &console.policy.targets)
            .await
            .map_err(|err| match err {
                ReportError::EmptyRange { .. } => {
                    ApiError::new(400, "invalid_range", err.to_string())
                }
                ReportError::Store(err) => err.into(),
                other => ApiError::new(500, "report_failed", other.to_string()),
            })
    }
}
