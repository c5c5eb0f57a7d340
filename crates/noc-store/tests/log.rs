mod common;

use common::{fold_by_hand, whole_log, Shift};
use noc_model::{Event, EventBody, IncidentStatus, RECENT_RESOLVED_KEPT};
use noc_store::{Store, StoreConfig, StoreError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tempfile::TempDir;

fn config(snapshot_every: u32) -> StoreConfig {
    StoreConfig {
        snapshot_every,
        ..StoreConfig::default()
    }
}

async fn append_shift(store: &Store, shift: &mut Shift, batches: usize, len: usize) {
    for _ in 0..batches {
        store.append(shift.batch(len)).await.expect("append");
    }
}

fn assert_contiguous(log: &[Event]) {
    for (i, event) in log.iter().enumerate() {
        assert_eq!(event.seq, i as i64 + 1, "the log has a hole or a repeat");
    }
}

#[tokio::test]
async fn appends_survive_a_reopen_and_continue_the_sequence() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("noc.db");
    let mut shift = Shift::new(7);

    let store = Store::open_with(&path, config(500)).await.unwrap();
    let opening = store.append(shift.opening()).await.unwrap();
    assert_eq!((opening.first_seq, opening.last_seq), (1, 4));
    assert!(opening.changes.topology_changed);
    let batch = store.append(shift.batch(300)).await.unwrap();
    assert_eq!((batch.first_seq, batch.last_seq), (5, 304));
    assert_eq!(batch.events.len(), 300);
    append_shift(&store, &mut shift, 5, 250).await;
    let live = store.state().await;
    let snapshot = store.snapshot().await;
    assert_eq!(store.last_seq(), 1_554);
    assert_eq!(live.seq, 1_554);
    assert_eq!(snapshot, live.snapshot());
    let log = whole_log(&store).await;
    store.close().await;

    let reopened = Store::open_with(&path, config(500)).await.unwrap();
    assert_eq!(reopened.last_seq(), 1_554);
    assert_eq!(reopened.state().await, live);
    assert_eq!(whole_log(&reopened).await, log);
    assert_contiguous(&log);
    assert_eq!(fold_by_hand(&log), live);

    let next = reopened.append(shift.batch(10)).await.unwrap();
    assert_eq!((next.first_seq, next.last_seq), (1_555, 1_564));
    let page = reopened.events_after(1_550, 5).await.unwrap();
    let seqs: Vec<i64> = page.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1_551, 1_552, 1_553, 1_554, 1_555]);
}

#[tokio::test]
async fn a_batch_reports_the_last_version_of_what_it_changed() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("noc.db")).await.unwrap();
    let mut shift = Shift::new(11);
    store.append(shift.opening()).await.unwrap();
    let batch = store.append(shift.batch(400)).await.unwrap();
    let state = store.state().await;
    for alarm in &batch.changes.alarms {
        assert_eq!(state.alarms.get(&alarm.id), Some(alarm));
    }
    for incident in &batch.changes.incidents {
        assert_eq!(state.incidents.get(&incident.id), Some(incident));
    }
    let empty = store.append(Vec::new()).await.unwrap();
    assert!(empty.events.is_empty());
    assert_eq!(store.last_seq(), 404);
}

#[tokio::test]
async fn rebuilt_projections_equal_the_live_ones() {
    let dir = TempDir::new().unwrap();
    let store = Store::open_with(&dir.path().join("noc.db"), config(1_000))
        .await
        .unwrap();
    let mut shift = Shift::new(42);
    store.append(shift.opening()).await.unwrap();
    append_shift(&store, &mut shift, 40, 500).await;

    let log = whole_log(&store).await;
    let resolved = log
        .iter()
        .filter(|e| matches!(e.body, EventBody::IncidentResolved { .. }))
        .count();
    assert!(
        resolved > RECENT_RESOLVED_KEPT,
        "only {resolved} incidents resolved: pruning is not exercised"
    );
    let live = store.projection_rows().await.unwrap();
    let state = store.state().await;
    // The tables keep what left the live state.
    assert!(live.incidents.len() > state.incidents.len());
    assert!(live.alarms.len() > state.alarms.len());
    assert_eq!(live.sources.len(), 3);
    let closed = live
        .incidents
        .iter()
        .filter(|(_, body)| body.contains("\"status\":\"resolved\""))
        .count();
    assert_eq!(closed, resolved);

    store.rebuild_projections().await.unwrap();
    assert_eq!(store.projection_rows().await.unwrap(), live);
    assert_eq!(store.state().await, state);
    // Snapshots were rebuilt too: seeking still works across them.
    assert_eq!(
        store.state_at(15_000).await.unwrap(),
        fold_by_hand(&log[..15_000])
    );
}

#[tokio::test]
async fn state_at_a_seq_equals_folding_the_log_up_to_it() {
    let dir = TempDir::new().unwrap();
    let store = Store::open_with(&dir.path().join("noc.db"), config(1_000))
        .await
        .unwrap();
    let mut shift = Shift::new(3);
    store.append(shift.opening()).await.unwrap();
    // Batches of 300 do not line up with the interval: snapshots land past multiples.
    append_shift(&store, &mut shift, 12, 300).await;
    let log = whole_log(&store).await;
    assert_eq!(log.len(), 3_604);

    for seq in [
        0, 1, 4, 999, 1_000, 1_204, 1_205, 2_000, 2_500, 3_603, 3_604,
    ] {
        let expected = fold_by_hand(&log[..seq as usize]);
        assert_eq!(store.state_at(seq).await.unwrap(), expected, "at seq {seq}");
    }
    assert_eq!(store.state_at(3_604).await.unwrap(), store.state().await);
    let beyond = store.state_at(3_605).await.unwrap_err();
    assert!(matches!(beyond, StoreError::SeqOutOfRange { .. }));
    assert_eq!(beyond.code(), "invalid_request");
}

#[tokio::test]
async fn a_timeline_lists_a_subjects_events_oldest_first() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("noc.db")).await.unwrap();
    let mut shift = Shift::new(5);
    store.append(shift.opening()).await.unwrap();
    append_shift(&store, &mut shift, 4, 500).await;
    let log = whole_log(&store).await;
    let incident = store
        .state()
        .await
        .incidents
        .values()
        .find(|i| i.status == IncidentStatus::Resolved)
        .map(|i| i.id)
        .expect("a resolved incident");
    let subject = format!("incident:{incident}");
    let expected: Vec<Event> = log.into_iter().filter(|e| e.subject == subject).collect();
    assert!(expected.len() >= 3);

    assert_eq!(store.timeline(&subject, 1_000).await.unwrap(), expected);
    assert_eq!(store.timeline(&subject, 2).await.unwrap(), expected[..2]);
    assert!(matches!(expected[0].body, EventBody::IncidentOpened { .. }));
    assert!(store
        .timeline("incident:999999", 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_failed_write_leaves_no_trace_and_no_hole() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("noc.db");
    let store = Store::open(&path).await.unwrap();
    let mut shift = Shift::new(9);
    store.append(shift.opening()).await.unwrap();
    append_shift(&store, &mut shift, 2, 100).await;
    let before = store.state().await;
    let rows_before = store.projection_rows().await.unwrap();

    // Another connection makes the next write fail inside its transaction, after the
    // events were inserted, the way a full disk would.
    let failing = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query(
        "CREATE TRIGGER refuse_incidents BEFORE INSERT ON incidents \
         BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    )
    .execute(&failing)
    .await
    .unwrap();
    let poisoned = shift.batch(200);
    assert!(poisoned
        .iter()
        .any(|e| matches!(e.body, EventBody::IncidentOpened { .. })));
    let err = store.append(poisoned.clone()).await.unwrap_err();
    assert_eq!(err.code(), "store_unavailable", "{err}");
    assert_eq!(store.last_seq(), before.seq);
    assert_eq!(store.state().await, before);
    assert_eq!(whole_log(&store).await.len() as i64, before.seq);
    assert_eq!(store.projection_rows().await.unwrap(), rows_before);

    sqlx::query("DROP TRIGGER refuse_incidents")
        .execute(&failing)
        .await
        .unwrap();
    failing.close().await;
    let next = store.append(poisoned).await.unwrap();
    assert_eq!(next.first_seq, before.seq + 1);
    let log = whole_log(&store).await;
    assert_contiguous(&log);
    assert_eq!(fold_by_hand(&log), store.state().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_never_see_a_locked_database_while_the_writer_appends() {
    let dir = TempDir::new().unwrap();
    let store = Store::open_with(&dir.path().join("noc.db"), config(2_000))
        .await
        .unwrap();
    let mut shift = Shift::new(21);
    store.append(shift.opening()).await.unwrap();

    let writer_done = Arc::new(AtomicBool::new(false));
    let writer = {
        let store = store.clone();
        let writer_done = writer_done.clone();
        tokio::spawn(async move {
            for _ in 0..60 {
                store.append(shift.batch(200)).await?;
            }
            writer_done.store(true, Ordering::Release);
            Ok::<_, StoreError>(())
        })
    };
    let mut readers = Vec::new();
    for reader in 0..8u32 {
        let store = store.clone();
        let writer_done = writer_done.clone();
        readers.push(tokio::spawn(async move {
            let mut rounds = 0u32;
            while rounds < 20 || !writer_done.load(Ordering::Acquire) {
                let last = store.last_seq();
                let page = store.events_after(last.saturating_sub(50), 100).await?;
                assert!(page.iter().all(|e| e.seq > last - 50));
                match (reader + rounds) % 4 {
                    0 => drop(store.state_at(last).await?),
                    1 => drop(store.timeline("incident:1", 100).await?),
                    2 => drop(store.projection_rows().await?),
                    _ => assert!(store.snapshot().await.seq >= last),
                }
                rounds += 1;
            }
            Ok::<_, StoreError>(rounds)
        }));
    }
    writer.await.unwrap().expect("the writer never fails");
    for reader in readers {
        reader.await.unwrap().expect("a reader never fails");
    }
    assert_eq!(store.last_seq(), 4 + 60 * 200);
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused_with_an_error() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("notes.db");
    let text = "这不是数据库 / this is a shift log written by hand, not SQLite\n".repeat(200);
    std::fs::write(&path, text).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert_eq!(err.code(), "corrupt", "{err}");

    let missing_dir = dir.path().join("no-such-dir").join("noc.db");
    let err = Store::open(&missing_dir).await.unwrap_err();
    assert_eq!(err.code(), "store_unavailable", "{err}");
}

#[tokio::test]
async fn a_closed_store_refuses_further_work() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("noc.db")).await.unwrap();
    let other = store.clone();
    store.close().await;
    let err = other.append(Shift::new(2).opening()).await.unwrap_err();
    assert!(matches!(err, StoreError::Closed));
    assert!(matches!(
        other.events_after(0, 10).await.unwrap_err(),
        StoreError::Closed
    ));
}
