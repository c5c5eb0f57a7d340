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

/// A written recording of the middle of a shift, in its own folder.
async fn recorded(dir: &Path) -> (Live, PathBuf) {
    let live = live_shift(dir).await;
    let (path, _, _) = middle_recording(&live, dir).await;
    (live, path)
}

/// Opening `path` fails; the message names the file and says nothing was changed, and
/// the file's bytes are indeed as they were.
async fn refused(path: &Path) -> RecordingError {
    let before = std::fs::read(path).unwrap();
    let err = Recording::open(path)
        .await
        .expect_err("a bad file must be refused");
    let message = err.to_string();
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(message.contains(name), "{message:?} names the file");
    if !matches!(err, RecordingError::Io { .. }) {
        assert!(message.contains("nothing was changed"), "{message:?}");
    }
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "the file is left as it was"
    );
    err
}

async fn edit(path: &Path, sql: &str) {
    use sqlx::{ConnectOptions, Connection};
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .unwrap();
    for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
}

fn copy_as(path: &Path, name: &str) -> PathBuf {
    let copy = path.with_file_name(name);
    std::fs::copy(path, &copy).unwrap();
    copy
}

#[tokio::test]
async fn a_truncated_recording_is_refused_as_cut_short_at_any_length() {
    let dir = TempDir::new().unwrap();
    let (_live, path) = recorded(dir.path()).await;
    let bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    for cut in [0, 10, 99, 100, 4_096, 4_097, len / 2, len - 4_096, len - 1] {
        let cut_path = dir.path().join(format!("cut-{cut}.nocrec"));
        std::fs::write(&cut_path, &bytes[..cut]).unwrap();
        match refused(&cut_path).await {
            RecordingError::Truncated {
                found, expected, ..
            } => {
                assert_eq!(found, cut as u64);
                assert!(expected > found);
            }
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
    let message = refused(&dir.path().join(format!("cut-{}.nocrec", len / 2)))
        .await
        .to_string();
    assert!(
        message.contains("cut short") && message.contains("new copy"),
        "{message}"
    );
}

#[tokio::test]
async fn a_changed_event_breaks_the_digest() {
    let dir = TempDir::new().unwrap();
    let (_live, path) = recorded(dir.path()).await;
    let mut bytes = std::fs::read(&path).unwrap();
    let needle = br#""kind":"alarm_updated""#;
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("an event body in the file");
    // One byte of one event's body: the JSON stays valid, the page stays sound.
    bytes[at + needle.len() - 2] = b'f';
    let flipped = dir.path().join("flipped.nocrec");
    std::fs::write(&flipped, &bytes).unwrap();
    match refused(&flipped).await {
        RecordingError::Damaged { reason, .. } => assert!(reason.contains("digest"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn missing_events_and_gaps_are_told_in_words() {
    let dir = TempDir::new().unwrap();
    let (_live, path) = recorded(dir.path()).await;
    let info = Recording::open(&path).await.unwrap().info();
    assert_eq!(info.events, 1_000);

    let short = copy_as(&path, "short.nocrec");
    edit(
        &short,
        "DELETE FROM events WHERE seq > (SELECT MAX(seq) - 188 FROM events)",
    )
    .await;
    match refused(&short).await {
        RecordingError::Damaged { reason, .. } => assert_eq!(
            reason,
            "it holds 812 events but its header says 1,000 — part of it is missing"
        ),
        other => panic!("{other:?}"),
    }

    let gap = copy_as(&path, "gap.nocrec");
    edit(
        &gap,
        &format!(
            "DELETE FROM events WHERE seq = {}; UPDATE recording SET events = events - 1",
            info.first_seq + 10
        ),
    )
    .await;
    match refused(&gap).await {
        RecordingError::Damaged { reason, .. } => assert!(reason.contains("missing"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn files_that_are_not_recordings_are_told_apart() {
    let dir = TempDir::new().unwrap();
    let random = dir.path().join("random.nocrec");
    let mut x: u64 = 88_172_645_463_325_252;
    let noise: Vec<u8> = (0..20_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&random, noise).unwrap();
    assert!(matches!(
        refused(&random).await,
        RecordingError::NotARecording { .. }
    ));

    let text = dir.path().join("notes.nocrec");
    std::fs::write(&text, "shift notes: nothing happened\n").unwrap();
    assert!(matches!(
        refused(&text).await,
        RecordingError::NotARecording { .. }
    ));

    // A SQLite database of something else: the hub's own event log.
    let other = dir.path().join("noc.nocrec");
    let store = Store::open(&other).await.unwrap();
    store.close().await;
    for side in ["noc.nocrec-wal", "noc.nocrec-shm"] {
        let _ = std::fs::remove_file(dir.path().join(side));
    }
    match refused(&other).await {
        RecordingError::NotARecording { reason, .. } => {
            assert!(reason.contains("not a recording"), "{reason}")
        }
        err => panic!("{err:?}"),
    }

    // Our application id but not our tables.
    let hollow = dir.path().join("hollow.nocrec");
    std::fs::write(&hollow, b"").unwrap();
    edit(
        &hollow,
        "PRAGMA application_id = 1313817426; CREATE TABLE recording (format INTEGER)",
    )
    .await;
    match refused(&hollow).await {
        RecordingError::NotARecording { reason, .. } => assert!(reason.contains("no events table")),
        err => panic!("{err:?}"),
    }

    let missing = dir.path().join("missing.nocrec");
    assert!(matches!(
        Recording::open(&missing).await.unwrap_err(),
        RecordingError::Io { .. }
    ));
}

#[tokio::test]
async fn a_recording_from_a_newer_console_says_so() {
    let dir = TempDir::new().unwrap();
    let (_live, path) = recorded(dir.path()).await;
    let by_header = copy_as(&path, "newer-header.nocrec");
    edit(&by_header, "UPDATE recording SET format = 2").await;
    let err = refused(&by_header).await;
    assert!(
        matches!(
            err,
            RecordingError::NewerFormat {
                found: 2,
                supported: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer console"));

    let by_file = copy_as(&path, "newer-file.nocrec");
    edit(&by_file, "PRAGMA user_version = 7").await;
    assert!(matches!(
        refused(&by_file).await,
        RecordingError::NewerFormat { found: 7, .. }
    ));
}

#[tokio::test]
async fn a_changed_snapshot_is_found_when_sought() {
    let dir = TempDir::new().unwrap();
    let (live, path) = recorded(dir.path()).await;
    edit(
        &path,
        "UPDATE snapshots SET state = replace(state, '\"seq\":', '\"seq\": ') \
         WHERE seq = (SELECT MAX(seq) FROM snapshots)",
    )
    .await;
    let recording = Recording::open(&path).await.expect("the events are intact");
    let err = recording
        .state_at(live.moments[39].0)
        .await
        .expect_err("the kept board was changed");
    assert!(matches!(err, RecordingError::Damaged { .. }), "{err:?}");
    assert!(err.to_string().contains("night.nocrec"));
}

#[tokio::test]
async fn annotations_are_saved_into_the_file_and_travel_with_it() {
    let dir = TempDir::new().unwrap();
    let (live, path) = recorded(dir.path()).await;
    let recording = Recording::open(&path).await.unwrap();
    let info = recording.info();
    let late = recording
        .annotate(info.to_at, "wang.fang", "  recovered: 1-5-10 met  ", 99)
        .await
        .unwrap();
    assert_eq!(late.text, "recovered: 1-5-10 met");
    let early = recording
        .annotate(info.from_at, "li.na", "定界慢了：先看了应用层", 100)
        .await
        .unwrap();
    assert_eq!(recording.info().annotations, 2);
    for (at, text) in [
        (info.from_at, "   ".to_string()),
        (info.from_at, "x".repeat(4_001)),
        (info.from_at - 1, "before the recording".to_string()),
        (info.to_at + 1, "after the recording".to_string()),
    ] {
        let err = recording
            .annotate(at, "li.na", &text, 101)
            .await
            .unwrap_err();
        assert!(
            matches!(err, RecordingError::InvalidAnnotation { .. }),
            "{err:?}"
        );
    }
    assert!(recording
        .annotate(info.from_at, "li.na", &"字".repeat(4_000), 102)
        .await
        .is_ok());
    recording.close().await;

    let elsewhere = TempDir::new().unwrap();
    let copy = elsewhere.path().join("night.nocrec");
    std::fs::copy(&path, &copy).unwrap();
    let reopened = Recording::open(&copy).await.unwrap();
    assert_eq!(reopened.info().annotations, 3);
    let notes = reopened.annotations().await.unwrap();
    assert_eq!(notes[0], early);
    assert_eq!(notes[2], late, "by the moment they are about");
    // Annotating changes no event: the board is still the one that was live.
    assert_eq!(
        reopened.state_at(live.moments[30].0).await.unwrap(),
        live.moments[30].1
    );
}

#[tokio::test]
async fn density_actions_and_events_read_the_recorded_range() {
    let dir = TempDir::new().unwrap();
    let (live, path) = recorded(dir.path()).await;
    let recording = Recording::open(&path).await.unwrap();
    let info = recording.info();
    let recorded: Vec<&Event> = live
        .log
        .iter()
        .filter(|e| (info.first_seq..=info.last_seq).contains(&e.seq))
        .collect();

    for buckets in [1, 7, 100, 1_000] {
        let density = recording.density(buckets).await.unwrap();
        assert_eq!(density.len(), buckets as usize);
        assert_eq!(
            density.iter().map(|&n| u64::from(n)).sum::<u64>(),
            info.events
        );
    }
    let halves = recording.density(2).await.unwrap();
    let middle = info.from_at + (info.to_at - info.from_at + 1) / 2;
    assert_eq!(
        halves[0] as usize,
        recorded.iter().filter(|e| e.at < middle).count()
    );

    let actions = recording.actions().await.unwrap();
    let by_people: Vec<&Event> = recorded
        .iter()
        .copied()
        .filter(|e| e.actor != "engine" && !e.actor.starts_with("source:"))
        .collect();
    assert!(!actions.is_empty());
    assert_eq!(actions.iter().collect::<Vec<_>>(), by_people);

    let page = recording.events(info.first_seq + 4, 3).await.unwrap();
    assert_eq!(page.iter().collect::<Vec<_>>(), recorded[5..8].to_vec());
    let all = recording.events(0, u32::MAX).await.unwrap();
    assert_eq!(all.len() as u64, info.events);
}

#[tokio::test]
async fn an_empty_range_records_the_board_as_it_stood() {
    let dir = TempDir::new().unwrap();
    let live = live_shift(dir.path()).await;
    let quiet_from = live.moments[10].0 + 1;
    let path = dir.path().join("quiet.nocrec");
    let info = write_recording(
        &live.store,
        request("quiet", quiet_from, quiet_from + 10),
        &path,
    )
    .await
    .unwrap();
    assert_eq!(info.events, 0);
    assert_eq!(info.first_seq, live.moments[10].1.seq + 1);
    assert_eq!(info.last_seq, live.moments[10].1.seq);
    let recording = Recording::open(&path).await.unwrap();
    assert_eq!(
        recording.state_at(quiet_from + 5).await.unwrap(),
        live.moments[10].1
    );
    assert_eq!(recording.density(4).await.unwrap(), [0, 0, 0, 0]);

    // A recording is never overwritten, and a backwards range is refused.
    let again = write_recording(&live.store, request("quiet", 0, 1), &path).await;
    assert!(matches!(again, Err(RecordingError::AlreadyExists { .. })));
    assert_eq!(
        Recording::open(&path).await.unwrap().info(),
        recording.info()
    );
    let backwards = dir.path().join("backwards.nocrec");
    let err = write_recording(&live.store, request("b", 10, 5), &backwards).await;
    assert!(matches!(err, Err(RecordingError::InvalidRange { .. })));
    assert!(!backwards.exists());
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
