//! Reports read from a hub's store: the state just before the range, then the range's
//! events in chunks, so a week of a storm is never held in memory at once.

use std::future::Future;
use std::pin::Pin;

use noc_model::ClockTargets;
use noc_store::recording::Recording;
use noc_store::Store;

use crate::{ReportData, ReportError, ReportFold, ReportRequest};

/// Events read per round trip.
const CHUNK: u32 = 5_000;

/// The report of `request` over the store's log, against `targets`.
pub async fn report_from_store(
    store: &Store,
    request: &ReportRequest,
    targets: &ClockTargets,
) -> Result<ReportData, ReportError> {
    request.check()?;
    let upto = store.last_seq_at(request.to).await?;
    let start = store
        .last_seq_at(request.from.saturating_sub(1))
        .await?
        .min(upto);
    let mut fold = ReportFold::new(store.state_at(start).await?, request.clone());
    while fold.seq() < upto {
        let events = store.events_after(fold.seq(), CHUNK).await?;
        if events.is_empty() {
            break;
        }
        for event in events.iter().take_while(|e| e.seq <= upto) {
            fold.apply(event);
        }
    }
    finish(fold, request, targets)
}

/// The report of `request` over a recording (a drill's, or an exported range):
/// the same fold as over a hub's log. A drill is scored against its own targets.
pub fn report_from_recording<'a>(
    recording: &'a Recording,
    request: &'a ReportRequest,
    targets: &'a ClockTargets,
) -> Pin<Box<dyn Future<Output = Result<ReportData, ReportError>> + Send + 'a>> {
    // Boxed here, where the compiler can see the future is Send: inside an axum
    // handler it cannot prove so through the recording's database calls.
    Box::pin(fold_recording(recording, request, targets))
}

async fn fold_recording(
    recording: &Recording,
    request: &ReportRequest,
    targets: &ClockTargets,
) -> Result<ReportData, ReportError> {
    request.check()?;
    let base = recording.state_at(request.from.saturating_sub(1)).await?;
    let targets = match (&base.drill, request.kind) {
        (Some(drill), crate::ReportKind::Drill) => drill.targets,
        _ => *targets,
    };
    let upto = recording.seq_at(request.to).await?;
    let mut fold = ReportFold::new(base, request.clone());
    while fold.seq() < upto {
        let events = recording.events(fold.seq(), CHUNK).await?;
        if events.is_empty() {
            break;
        }
        for event in events.iter().take_while(|e| e.seq <= upto) {
            fold.apply(event);
        }
    }
    finish(fold, request, &targets)
}

/// Finishes a fold, refusing an incident review of an incident the range never saw.
pub fn finish(
    fold: ReportFold,
    request: &ReportRequest,
    targets: &ClockTargets,
) -> Result<ReportData, ReportError> {
    let data = fold.finish(targets);
    match (request.kind, request.incident) {
        (crate::ReportKind::Incident, Some(id)) if data.review.is_none() => {
            Err(ReportError::NoSuchIncident(id))
        }
        _ => Ok(data),
    }
}
