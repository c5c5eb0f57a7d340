//! Crash safety: a writer process killed with SIGKILL in the middle of its batches
//! loses no committed event and leaves a database that opens and rebuilds.
//!
//! The test binary plays both parts: run with `WRITER_DB_ENV` set, it is the writer
//! that appends forever and reports each commit on stdout.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{fold_by_hand, whole_log, Shift};
use noc_store::{Store, StoreConfig};

const WRITER_DB_ENV: &str = "NOC_STORE_CRASH_WRITER_DB";
const COMMITS_BEFORE_KILL: usize = 25;

fn main() {
    match std::env::var_os(WRITER_DB_ENV) {
        Some(path) => runtime().block_on(append_forever(Path::new(&path))),
        None => {
            print!("test a_killed_writer_loses_no_committed_event ... ");
            a_killed_writer_loses_no_committed_event();
            println!("ok");
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn config() -> StoreConfig {
    StoreConfig {
        snapshot_every: 1_000,
        ..StoreConfig::default()
    }
}

async fn append_forever(path: &Path) {
    let store = Store::open_with(path, config()).await.expect("open");
    let mut shift = Shift::new(77);
    store.append(shift.opening()).await.expect("append");
    let mut stdout = std::io::stdout().lock();
    loop {
        let batch = store.append(shift.batch(300)).await.expect("append");
        writeln!(stdout, "committed {}", batch.last_seq).expect("report");
        stdout.flush().expect("report");
    }
}

fn a_killed_writer_loses_no_committed_event() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("noc.db");
    let mut writer = Command::new(std::env::current_exe().unwrap())
        .env(WRITER_DB_ENV, &path)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the writer");
    let reports = BufReader::new(writer.stdout.take().unwrap());
    let mut seen_committed = 0;
    for line in reports.lines().take(COMMITS_BEFORE_KILL) {
        let line = line.expect("read the writer's report");
        let seq = line.strip_prefix("committed ").expect("a commit report");
        seen_committed = seq.parse::<i64>().expect("a seq");
    }
    // SIGKILL: no destructor, no checkpoint, most likely in the middle of a transaction.
    writer.kill().expect("kill the writer");
    let status = writer.wait().unwrap();
    assert!(!status.success(), "the writer stopped on its own: {status}");
    assert!(seen_committed >= 4 + 300 * COMMITS_BEFORE_KILL as i64);

    runtime().block_on(async {
        let store = Store::open_with(&path, config()).await.expect("reopen");
        let log = whole_log(&store).await;
        assert!(
            store.last_seq() >= seen_committed,
            "a committed event is lost"
        );
        for (i, event) in log.iter().enumerate() {
            assert_eq!(event.seq, i as i64 + 1, "the log has a hole");
        }
        assert_eq!(log.len() as i64, store.last_seq());
        assert_eq!(store.state().await, fold_by_hand(&log));

        let rows = store.projection_rows().await.unwrap();
        store.rebuild_projections().await.unwrap();
        assert_eq!(store.projection_rows().await.unwrap(), rows);

        let next = store.append(Shift::new(78).opening()).await.unwrap();
        assert_eq!(next.first_seq, log.len() as i64 + 1);
        store.close().await;

        let check = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&check)
            .await
            .unwrap();
        assert_eq!(verdict, "ok");
        check.close().await;
    });
}
