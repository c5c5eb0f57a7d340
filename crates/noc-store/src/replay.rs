use noc_model::{Seq, State};
use sqlx::sqlite::SqliteConnection;

use crate::{tables, StoreError};

/// Events read per round trip while folding, so a long log never sits in memory at once.
pub(crate) const FOLD_CHUNK: u32 = 2_000;

/// The state as the log stood at `upto`: the nearest snapshot, then the events after it.
pub(crate) async fn state_at(conn: &mut SqliteConnection, upto: Seq) -> Result<State, StoreError> {
    let mut state = tables::snapshot_at_or_before(conn, upto)
        .await?
        .unwrap_or_default();
    loop {
        let events = tables::events_between(conn, state.seq, upto, FOLD_CHUNK).await?;
        if events.is_empty() {
            return Ok(state);
        }
        for event in &events {
            state.apply(event);
        }
    }
}
