//! The recording file of the offline review: replay is deterministic (the board at T
//! from the recording is the board that was live at T), and a damaged copy is refused
//! with a message naming the file.

mod common;

use std::path::{Path, PathBuf};

use common::{fold_by_hand, whole_log, Shift};
use noc_model::{Event, Millis, RecordingKind, State};
use noc_store::recording::{
    write_recording, write_recording_with, Recording, RecordingError, RecordingOptions,
    RecordingRequest,
};
use noc_store::{Store, StoreConfig};
use tempfile::TempDir;

const BATCHES: usize = 60;
const BATCH: usize = 50;
/// Dense snapshots this close together, so the moments checked cross many of them.
const SNAPSHOT_EVERY: u32 = 120;

/// A live store and what its board was at the end of every batch.
struct Live {
    store: Store,
    /// (the time of the batch's last event, the live state right after it)
    moments: Vec<(Millis, State)>,
    log: Vec<Event>,
}

async fn live_shift(dir: &Path) -> Live {
    let store = Store::open_with(
        &dir.join("noc.db"),
        StoreConfig {
            snapshot_every: 500,
            ..StoreConfig::default()
        },
    )
    .await
    .expect("open the store");
    let mut shift = Shift::new(42);
    store.append(shift.opening()).await.expect("opening");
    let mut moments = Vec::new();
    for _ in 0..BATCHES {
        let batch = store.append(shift.batch(BATCH)).await.expect("append");
        let at = batch.events.last().expect("a batch").at;
        moments.push((at, store.state().await));
    }
    let log = whole_log(&store).await;
    Live {
        store,
        moments,
        log,
    }
}

fn request(id: &str, from_at: Millis, to_at: Millis) -> RecordingRequest {
    RecordingRequest {
        id: id.into(),
        title: "Night shift 2026-01-01".into(),
        kind: RecordingKind::Production,
        from_at,
        to_at,
        created_by: "li.na".into(),
        created_at: to_at + 60_000,
        scenario: None,
    }
}

fn options() -> RecordingOptions {
    RecordingOptions {
        snapshot_every: SNAPSHOT_EVERY,
    }
}

/// Records batches 20 to 40 of the live shift.
async fn middle_recording(live: &Live, dir: &Path) -> (PathBuf, Millis, Millis) {
    let from_at = live.moments[19].0 + 1;
    let to_at = live.moments[39].0;
    let path = dir.join("night.nocrec");
    write_recording_with(
        &live.store,
        request("night", from_at, to_at),
        &path,
        &options(),
    )
    .await
    .expect("write the recording");
    (path, from_at, to_at)
}

#[tokio::test]
async fn the_board_at_any_moment_of_a_recording_is_the_board_that_was_live() {
    let dir = TempDir::new().unwrap();
    let live = live_shift(dir.path()).await;
    let (path, from_at, to_at) = middle_recording(&live, dir.path()).await;
    let recording = Recording::open(&path).await.expect("open");
    let info = recording.info();
    assert_eq!(info.id, "night");
    assert_eq!((info.from_at, info.to_at), (from_at, to_at));
    assert_eq!(info.first_seq, live.moments[19].1.seq + 1);
    assert_eq!(info.last_seq, live.moments[39].1.seq);
    assert_eq!(info.events as i64, info.last_seq - info.first_seq + 1);
    assert_eq!(info.annotations, 0);
    assert_eq!(info.bytes, std::fs::metadata(&path).unwrap().len());

    // Before the range: the board as it stood when the recording starts.
    assert_eq!(
        recording.state_at(from_at - 1).await.unwrap(),
        live.moments[19].1
    );
    assert_eq!(recording.state_at(0).await.unwrap(), live.moments[19].1);
    // Inside, forward then backward (the player scrubs both ways), and at the end.
    let inside: Vec<usize> = (20..40).collect();
    for &i in inside.iter().chain(inside.iter().rev()) {
        let (at, state) = &live.moments[i];
        let replayed = recording.state_at(*at).await.unwrap();
        assert_eq!(&replayed, state, "the board at the end of batch {i}");
        assert_eq!(replayed.snapshot(), state.snapshot());
        assert_eq!(replayed.topology, state.topology);
    }
    assert_eq!(recording.state_at(to_at).await.unwrap(), live.moments[39].1);
    assert_eq!(
        recording.state_at(to_at + 3_600_000).await.unwrap(),
        live.moments[39].1
    );

    // Every seq, across every dense snapshot, equals the reference fold of the log.
    let mut reference = fold_by_hand(&live.log[..info.first_seq as usize - 1]);
    for event in &live.log[info.first_seq as usize - 1..info.last_seq as usize] {
        reference.apply(event);
        let replayed = recording.state_at_seq(event.seq).await.unwrap();
        assert_eq!(replayed, reference, "the board after seq {}", event.seq);
    }
    recording.close().await;
}

#[tokio::test]
async fn a_recording_copied_to_another_folder_replays_the_same() {
    let dir = TempDir::new().unwrap();
    let live = live_shift(dir.path()).await;
    let (path, _, _) = middle_recording(&live, dir.path()).await;
    live.store.close().await;
    let elsewhere = TempDir::new().unwrap();
    let copy = elsewhere.path().join("received.nocrec");
    std::fs::copy(&path, &copy).unwrap();
    std::fs::remove_file(&path).unwrap();

    let recording = Recording::open(&copy).await.expect("open the copy");
    assert_eq!(recording.info().id, "received");
    for (at, state) in &live.moments[20..40] {
        assert_eq!(&recording.state_at(*at).await.unwrap(), state);
    }
    let names: Vec<_> = std::fs::read_dir(elsewhere.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["received.nocrec"], "one file, no side files");
}

/// The hub writes and reads recordings from spawned tasks.
#[allow(dead_code)]
fn futures_are_send(store: &Store, recording: &Recording, path: &Path) {
    fn is_send<T: Send>(_: T) {}
    is_send(write_recording(store, request("x", 0, 1), path));
    is_send(Recording::open(path));
    is_send(recording.state_at(0));
    is_send(recording.annotate(0, "li.na", "x", 0));
    is_send(recording.density(10));
    is_send(recording.actions());
}
