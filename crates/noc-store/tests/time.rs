//! Finding the log's place for a moment in time, to show the state as it was then.

mod common;

use common::{whole_log, Shift, START};
use noc_model::{EventBody, NewEvent, Point, TopologyView};
use noc_store::{Store, StoreConfig};
use tempfile::TempDir;

fn placed(at: i64, x: f64) -> NewEvent {
    let positions = vec![noc_model::NodePosition {
        id: "host-bj-101".into(),
        x,
        y: 0.0,
    }];
    let body = EventBody::TopologyPositionsSet {
        view: TopologyView::Network,
        positions,
    };
    NewEvent::new(at, "layout", body)
}

#[tokio::test]
async fn the_seq_at_a_time_is_the_last_event_recorded_by_then() {
    let dir = TempDir::new().unwrap();
    let config = StoreConfig {
        snapshot_every: 50,
        ..StoreConfig::default()
    };
    let store = Store::open_with(&dir.path().join("noc.db"), config)
        .await
        .unwrap();
    assert_eq!(store.last_seq_at(START).await.unwrap(), 0, "an empty log");

    let mut shift = Shift::new(11);
    store.append(shift.opening()).await.unwrap();
    for _ in 0..4 {
        store.append(shift.batch(40)).await.unwrap();
    }
    let log = whole_log(&store).await;
    for event in log.iter().step_by(7) {
        let expected = log.iter().rfind(|e| e.at <= event.at).unwrap().seq;
        assert_eq!(store.last_seq_at(event.at).await.unwrap(), expected);
        assert_eq!(
            store.last_seq_at(event.at - 1).await.unwrap(),
            log.iter().rfind(|e| e.at < event.at).map_or(0, |e| e.seq),
            "a moment just before event {}",
            event.seq
        );
    }
    assert_eq!(store.last_seq_at(START - 1).await.unwrap(), 0);
    assert_eq!(store.last_seq_at(i64::MAX).await.unwrap(), store.last_seq());
}

#[tokio::test]
async fn a_clock_set_back_still_finds_the_last_event_of_that_time() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("noc.db")).await.unwrap();
    let mut shift = Shift::new(3);
    store.append(shift.opening()).await.unwrap();
    let opening_end = store.last_seq();
    let later = START + 60_000;
    store.append(vec![placed(later, 1.0)]).await.unwrap();
    // The hub's clock went back before the second placement.
    store.append(vec![placed(START + 1, 2.0)]).await.unwrap();
    assert_eq!(store.last_seq_at(START + 1).await.unwrap(), opening_end + 2);
    assert_eq!(store.last_seq_at(START).await.unwrap(), opening_end);
    assert_eq!(store.last_seq_at(later).await.unwrap(), opening_end + 2);
}

#[tokio::test]
async fn reading_the_state_in_place_sees_what_a_copy_sees() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("noc.db")).await.unwrap();
    let mut shift = Shift::new(5);
    store.append(shift.opening()).await.unwrap();
    store.append(vec![placed(START + 10, 42.0)]).await.unwrap();
    let copy = store.state().await;
    let point = store
        .read_state(|state| {
            state
                .topology
                .node("host-bj-101")
                .and_then(|n| n.positions.network)
        })
        .await;
    assert_eq!(point, Some(Point { x: 42.0, y: 0.0 }));
    assert_eq!(
        store.read_state(|state| state.topology.clone()).await,
        copy.topology
    );
}
