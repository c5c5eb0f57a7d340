//! Reports over the hub's own event log (shift, daily, weekly, incident review).

use noc_report::{report_from_store, ReportData, ReportError, ReportRequest};

use crate::{ApiError, Console};

impl Console {
    /// The report of `request` over the log, against the hub's 1-5-10 targets.
    pub async fn duty_report(&self, request: &ReportRequest) -> Result<ReportData, ApiError> {
        report_from_store(&self.shared.store, request, &self.policy.targets)
            .await
            .map_err(report_error)
    }

    /// The roster's offset from UTC (minutes), which report times and bars follow;
    /// UTC when no roster is defined.
    pub async fn report_offset_minutes(&self) -> i32 {
        self.shared
            .store
            .read_state(|s| s.duty.roster.as_ref().map(|r| r.utc_offset_minutes))
            .await
            .unwrap_or(0)
    }
}

/// What went wrong with a report, as the API says it.
pub fn report_error(err: ReportError) -> ApiError {
    match err {
        ReportError::EmptyRange { .. }
        | ReportError::RangeTooLong { .. }
        | ReportError::IncidentRequired => ApiError::new(422, "invalid_range", err.to_string()),
        ReportError::NoSuchIncident(_) => ApiError::new(404, "no_such_incident", err.to_string()),
        ReportError::Store(err) => err.into(),
        ReportError::Recording(err) => ApiError::new(422, err.code(), err.to_string()),
        ReportError::Pdf(_) => ApiError::new(500, "report_failed", err.to_string()),
    }
}
