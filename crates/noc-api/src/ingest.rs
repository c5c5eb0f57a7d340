use std::sync::Arc;
use std::time::Duration;

use noc_engine::{Engine, EngineConfig};
use noc_model::{Clock, Command, EventBody, Incident, IncidentId, NewEvent, Signal};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::console::Shared;
use crate::ApiError;

/// How many queued inputs one write transaction takes at most: large enough to
/// absorb an alarm storm in a few commits, small enough to keep latency low.
const MAX_INPUTS_PER_COMMIT: usize = 2048;
const TICK: Duration = Duration::from_secs(1);

/// What an accepted command did: the incident it produced or was about, as it stands
/// after it (`None` for commands about no incident), and the events it caused.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub incident: Option<Incident>,
    pub events: Vec<EventBody>,
    /// The seq of the command's last event.
    pub seq: noc_model::Seq,
}

pub(crate) type Reply = oneshot::Sender<Result<Outcome, ApiError>>;

/// A command decided but not yet committed, waiting for its answer.
struct Accepted {
    incident: Option<IncidentId>,
    events: Vec<EventBody>,
    seq: noc_model::Seq,
    reply: Reply,
}

pub(crate) enum Input {
    Signal(Signal),
    Command {
        command: Command,
        actor: String,
        reply: Reply,
    },
    /// An already-checked operator action, recorded as it is; `last` closes the log:
    /// nothing is decided after it (a drill's end).
    Record {
        body: noc_model::EventBody,
        actor: String,
        last: bool,
        reply: RecordReply,
    },
}

/// The single loop through which every change reaches the log.
pub(crate) struct Ingest {
    pub engine: Engine,
    pub config: EngineConfig,
    pub shared: Arc<Shared>,
    pub clock: Arc<dyn Clock>,
    pub inputs: mpsc::Receiver<Input>,
    pub shutdown: CancellationToken,
    /// Records waiting for their commit, with the seq they were given.
    pub recorded: Vec<(noc_model::Seq, RecordReply)>,
    /// A last record was taken: the loop ends once it is committed.
    pub closing: bool,
}

pub(crate) type RecordReply = oneshot::Sender<Result<noc_model::Seq, ApiError>>;

impl Ingest {
    pub async fn run(mut self) {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = self.shutdown.cancelled() => break,
                input = self.inputs.recv() => match input {
                    Some(first) => {
                        self.take_inputs(first).await;
                        if self.closing {
                            break;
                        }
                    }
                    None => break,
                },
                _ = tick.tick() => {
                    let now = self.clock.now();
                    let mut events = self.engine.on_tick(now);
                    let overdue = self.shared.liveness().overdue(now, self.engine.state());
                    for health in overdue {
                        events.extend(self.engine.on_signal(Signal::Health(health), now));
                    }
                    self.commit(events, Vec::new()).await;
                }
            }
        }
    }

    async fn take_inputs(&mut self, first: Input) {
        let mut events = Vec::new();
        let mut accepted = Vec::new();
        self.decide(first, &mut events, &mut accepted);
        while events.len() < MAX_INPUTS_PER_COMMIT && !self.closing {
            match self.inputs.try_recv() {
                Ok(input) => self.decide(input, &mut events, &mut accepted),
                Err(_) => break,
            }
        }
        self.commit(events, accepted).await;
    }

    fn decide(&mut self, input: Input, events: &mut Vec<NewEvent>, accepted: &mut Vec<Accepted>) {
        let now = self.clock.now();
        match input {
            Input::Signal(signal) => self.observe(signal, now, events),
            Input::Command {
                command,
                actor,
                reply,
            } => {
                let about = command.incident();
                match self.engine.on_command(command, &actor, now) {
                    Ok(new) => {
                        let bodies: Vec<EventBody> = new.iter().map(|e| e.body.clone()).collect();
                        accepted.push(Accepted {
                            incident: produced_incident(&bodies).or(about),
                            events: bodies,
                            seq: self.engine.state().seq,
                            reply,
                        });
                        events.extend(new);
                    }
                    Err(refusal) => {
                        let refusal = crate::conflict::refusal(refusal, self.engine.state());
                        let _ = reply.send(Err(refusal));
                    }
                }
            }
            Input::Record {
                body,
                actor,
                last,
                reply,
            } => {
                self.closing = last;
                let new = self.engine.on_record(body, &actor, now);
                events.extend(new);
                self.recorded.push((self.engine.state().seq, reply));
            }
        }
    }

    /// Readings and signs of life are kept aside; the rest goes to the engine.
    fn observe(&mut self, signal: Signal, now: noc_model::Millis, events: &mut Vec<NewEvent>) {
        match signal {
            Signal::Kpi(reading) => self.shared.keep_kpi(reading),
            Signal::Alive { source } => {
                let restored = self
                    .shared
                    .liveness()
                    .alive(&source, now, self.engine.state());
                if let Some(health) = restored {
                    events.extend(self.engine.on_signal(Signal::Health(health), now));
                }
            }
            Signal::Health(health) => {
                self.shared.liveness().reported(&health, now);
                events.extend(self.engine.on_signal(Signal::Health(health), now));
            }
            other => events.extend(self.engine.on_signal(other, now)),
        }
    }

    async fn commit(&mut self, events: Vec<NewEvent>, accepted: Vec<Accepted>) {
        if events.is_empty() {
            return self.answer(accepted);
        }
        match self.shared.store.append(events).await {
            Ok(batch) => {
                self.shared.set_store_error(None);
                self.shared.publish(batch);
                self.answer(accepted);
                for (seq, reply) in self.recorded.drain(..) {
                    let _ = reply.send(Ok(seq));
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "could not write to the event log");
                self.shared.set_store_error(Some(err.to_string()));
                // The engine already folded what was refused; realign it with what the
                // log really holds so the next decisions start from committed state.
                let state = self.shared.store.state().await;
                self.engine = Engine::from_state(state, self.config.clone());
                for done in accepted {
                    let _ = done.reply.send(Err(ApiError::unavailable(err.to_string())));
                }
                for (_, reply) in self.recorded.drain(..) {
                    let _ = reply.send(Err(ApiError::unavailable(err.to_string())));
                }
            }
        }
    }

    fn answer(&self, accepted: Vec<Accepted>) {
        for done in accepted {
            let incident = match done.incident {
                None => Ok(None),
                Some(id) => self
                    .engine
                    .state()
                    .incidents
                    .get(&id)
                    .cloned()
                    .map(Some)
                    .ok_or_else(|| {
                        ApiError::not_found(
                            "incident_not_found",
                            format!("incident {id} does not exist"),
                        )
                    }),
            };
            let outcome = incident.map(|incident| Outcome {
                incident,
                events: done.events,
                seq: done.seq,
            });
            let _ = done.reply.send(outcome);
        }
    }
}

/// A split answers with the incident it created, not the one it took alarms from:
/// that is where the operator continues.
fn produced_incident(events: &[EventBody]) -> Option<IncidentId> {
    events.iter().find_map(|e| match e {
        EventBody::IncidentSplit { into, .. } => Some(*into),
        _ => None,
    })
}
