//! The replay's time line: each row fires at its start and clears at its end, mapped
//! onto the hub's clock (or onto any simulated clock, as the evaluation does).

use std::sync::Arc;

use noc_model::{AlarmSignal, HealthStatus, Labels, Millis, Severity, Signal, SourceHealth};

use super::log::{device_node, ReplayLog};
use super::{ReplaySettings, Speed};

/// At maximum speed, how many signals one call hands out: the task sends them and
/// then lets the hub's other work run before asking for more.
const MAX_BATCH: usize = 500;

/// One moment of the log: a row fires or clears, in milliseconds of log time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cue {
    pub log_ms: Millis,
    /// Index into [`ReplayLog::rows`].
    pub row: usize,
    pub firing: bool,
}

/// Every firing and clearing from `start_offset_ms` on, in time order. A row whose end
/// is not after its start has no recorded duration (an event, as 99.7 % of the
/// Microwave rows are): it clears `transient_ms` after it fired, since an alarm that
/// never clears would keep its fingerprint, and so its incident, open for the rest of
/// the log. Rows that started before the offset are left out whole.
pub fn timeline(log: &ReplayLog, start_offset_ms: Millis, transient_ms: Millis) -> Vec<Cue> {
    let mut cues = Vec::with_capacity(log.rows.len() * 2);
    for (row, alarm) in log.rows.iter().enumerate() {
        if alarm.start_ms < start_offset_ms {
            continue;
        }
        let clear_ms = if alarm.end_ms > alarm.start_ms {
            alarm.end_ms
        } else {
            alarm.start_ms + transient_ms
        };
        cues.push(Cue {
            log_ms: alarm.start_ms,
            row,
            firing: true,
        });
        cues.push(Cue {
            log_ms: clear_ms,
            row,
            firing: false,
        });
    }
    // Stable: at one instant a row fires before it clears, and rows keep file order.
    cues.sort_by_key(|c| c.log_ms);
    cues
}

/// The name of a data set's alarm type as the replay's alarms carry it (label
/// `alarm_type`, the type causal rules name): the type's number.
pub fn alarm_type_name(alarm_type: u32) -> String {
    alarm_type.to_string()
}

/// The alarm signal of a cue. The data sets carry no severity: every alarm is
/// `major`, the level at which a NOC looks at it without waking anyone.
pub fn alarm_signal(log: &ReplayLog, source: &str, cue: Cue, at: Millis) -> AlarmSignal {
    let row = log.rows[cue.row];
    let mut labels = Labels::new();
    labels.insert("alarm_type".into(), alarm_type_name(row.alarm_type));
    labels.insert("device".into(), row.device.to_string());
    AlarmSignal {
        source: source.to_string(),
        key: format!("{}@{}", row.alarm_type, row.device),
        node: Some(device_node(row.device)),
        severity: Severity::Major,
        title: format!("Alarm type {}", row.alarm_type),
        text: format!(
            "{} line {}, {} s into the log",
            log.file_name(),
            row.line,
            row.start_ms / 1000
        ),
        labels,
        at,
        firing: cue.firing,
    }
}

/// Plays a log against a clock: call [`Player::due`] with the clock's time.
pub struct Player {
    settings: ReplaySettings,
    log: Arc<ReplayLog>,
    cues: Vec<Cue>,
    /// The clock's time at which the current pass started.
    base: Millis,
    next: usize,
    pass: u32,
    started: bool,
    finished: bool,
}

impl Player {
    pub fn new(settings: ReplaySettings, log: Arc<ReplayLog>, now: Millis) -> Self {
        let offset = settings.start_offset_secs.saturating_mul(1000) as Millis;
        let transient = settings.transient_secs.saturating_mul(1000) as Millis;
        let cues = timeline(&log, offset, transient);
        Self {
            settings,
            log,
            cues,
            base: now,
            next: 0,
            pass: 1,
            started: false,
            finished: false,
        }
    }

    /// The replay has played its last row and will send nothing more.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// At maximum speed, signals are waiting right now.
    pub fn has_more_now(&self) -> bool {
        self.settings.speed == Speed::Max && !self.finished
    }

    /// Everything due by `now`, in order: on the first call the topology and the
    /// health, then the alarms whose time has come, and the health once more when a
    /// pass ends.
    pub fn due(&mut self, now: Millis) -> Vec<Signal> {
        let mut out = Vec::new();
        if self.finished {
            return out;
        }
        if !self.started {
            self.started = true;
            self.base = now;
            if self.log.has_topology {
                out.push(Signal::Topology {
                    origin: format!("source:{}", self.settings.name),
                    topology: self.log.topology(),
                });
            }
            out.push(self.health(now, self.playing_detail()));
        }
        self.play(now, &mut out);
        if self.next >= self.cues.len() {
            self.end_pass(now, &mut out);
        }
        out
    }

    fn play(&mut self, now: Millis, out: &mut Vec<Signal>) {
        let mut sent = 0;
        while let Some(&cue) = self.cues.get(self.next) {
            let at = match self.settings.speed {
                Speed::Times(speed) => self.base + self.scaled(cue.log_ms, speed),
                Speed::Max if sent >= MAX_BATCH => break,
                Speed::Max => now,
            };
            if at > now {
                break;
            }
            out.push(Signal::Alarm(alarm_signal(
                &self.log,
                &self.settings.name,
                cue,
                at,
            )));
            self.next += 1;
            sent += 1;
        }
    }

    /// Log time since the offset, on the clock: one log second takes 1/speed seconds.
    fn scaled(&self, log_ms: Millis, speed: f64) -> Millis {
        let offset = self.settings.start_offset_secs.saturating_mul(1000) as Millis;
        ((log_ms - offset) as f64 / speed).round() as Millis
    }

    fn end_pass(&mut self, now: Millis, out: &mut Vec<Signal>) {
        if self.settings.looping && !self.cues.is_empty() {
            self.pass += 1;
            self.next = 0;
            self.base = now;
            out.push(self.health(now, self.playing_detail()));
        } else {
            self.finished = true;
            let detail = format!(
                "finished: replayed {} alarm rows of {} ({})",
                self.cues.len() / 2,
                self.log.file_name(),
                self.span()
            );
            out.push(self.health(now, detail));
        }
    }

    fn playing_detail(&self) -> String {
        let speed = match self.settings.speed {
            Speed::Times(speed) => format!("{speed}×"),
            Speed::Max => "maximum speed".to_string(),
        };
        let pass = if self.settings.looping {
            format!(", pass {}", self.pass)
        } else {
            String::new()
        };
        format!(
            "replaying {} alarm rows of {} ({}) at {speed}{pass}",
            self.cues.len() / 2,
            self.log.file_name(),
            self.span()
        )
    }

    /// "log time 0 s to 518368 s".
    fn span(&self) -> String {
        let first = self.cues.first().map_or(0, |c| c.log_ms / 1000);
        let last = self.cues.last().map_or(0, |c| c.log_ms / 1000);
        format!("log time {first} s to {last} s")
    }

    fn health(&self, now: Millis, detail: String) -> Signal {
        Signal::Health(SourceHealth {
            source: self.settings.name.clone(),
            kind: "replay".into(),
            status: HealthStatus::Ok,
            detail,
            since: now,
            last_ok: Some(now),
            // Recorded data on a simulated clock: the board must label it as not live.
            demo: true,
        })
    }
}
