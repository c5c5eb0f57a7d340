//! A full disk while writing: the one failure a test cannot cause from outside.

use noc_model::{EventBody, NewEvent, Node, NodeKind, RecordingKind, Topology};
use tempfile::TempDir;

use super::write::write_limited;
use super::{RecordingError, RecordingOptions, RecordingRequest};
use crate::Store;

const START: i64 = 1_767_225_600_000;

/// Topologies loaded one after another: enough bytes to fill a few pages many times.
fn log() -> Vec<NewEvent> {
    (0..50)
        .map(|round| {
            let nodes = (0..100)
                .map(|i| {
                    Node::new(
                        format!("host-{round}-{i}"),
                        format!("Host {i}"),
                        NodeKind::Host,
                    )
                })
                .collect();
            NewEvent::new(
                START + round * 1_000,
                "engine",
                EventBody::TopologyLoaded {
                    origin: "source:cmdb".into(),
                    topology: Topology {
                        nodes,
                        relations: Vec::new(),
                    },
                },
            )
        })
        .collect()
}

#[tokio::test]
async fn a_full_disk_says_so_and_leaves_no_file_behind() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("noc.db")).await.unwrap();
    store.append(log()).await.unwrap();
    let path = dir.path().join("shift.nocrec");
    let request = RecordingRequest {
        id: "shift".into(),
        title: "Shift".into(),
        kind: RecordingKind::Production,
        from_at: START,
        to_at: START + 60_000,
        created_by: "li.na".into(),
        created_at: START + 60_000,
        scenario: None,
    };
    // A file that may not grow past 16 pages is a disk that is full at 64 KiB.
    let err = write_limited(
        &store,
        request.clone(),
        &path,
        &RecordingOptions::default(),
        Some(16),
    )
    .await
    .expect_err("the disk is full");
    assert!(matches!(err, RecordingError::DiskFull { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("shift.nocrec") && message.contains("the disk is full"),
        "{message}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.contains("nocrec"))
        .collect();
    assert!(left.is_empty(), "nothing half-written is left: {left:?}");

    // With room, the same request is written whole.
    let info = write_limited(&store, request, &path, &RecordingOptions::default(), None)
        .await
        .unwrap();
    assert_eq!(info.events, 50);
}

#[test]
fn counts_read_with_thousands_separators() {
    let cases = [
        (0, "0"),
        (812, "812"),
        (1_000, "1,000"),
        (65_536, "65,536"),
        (1_234_567, "1,234,567"),
    ];
    for (n, text) in cases {
        assert_eq!(super::error::grouped(n), text);
    }
}
