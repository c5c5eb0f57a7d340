//! Operator actions: checked against the state, then turned into events.

use noc_model::{
    Alarm, AlarmId, Command, CommandError, EventBody, Incident, IncidentId, IncidentStatus, Millis,
    State,
};

/// The longest comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 4_000;
/// The most alarms one "mark seen" may name (a whole storm's unseen queue).
const MAX_SEEN_AT_ONCE: usize = 100_000;

pub(crate) fn check(
    state: &State,
    cmd: Command,
    actor: &str,
    now: Millis,
) -> Result<Vec<EventBody>, CommandError> {
    let body = match cmd {
        Command::Acknowledge { incident } => {
            let inc = open_incident(state, incident)?;
            if let Some(mark) = &inc.acknowledged {
                return Err(CommandError::AlreadyAcknowledged {
                    incident,
                    by: mark.by.clone(),
                });
            }
            EventBody::IncidentAcknowledged { incident }
        }
        Command::Comment { incident, text } => {
            // Comments stay allowed on closed incidents: they are how a review is written.
            existing_incident(state, incident)?;
            let text = some_text(&text, "a comment")?;
            EventBody::IncidentCommented { incident, text }
        }
        Command::Identify {
            incident,
            cause,
            layer,
            root_node,
        } => {
            let inc = open_incident(state, incident)?;
            reached_before(inc, IncidentStatus::Identified, "identify")?;
            if let Some(node) = &root_node {
                if state.topology.node(node).is_none() && !inc.nodes.contains(node) {
                    return Err(CommandError::Invalid(format!(
                        "node {node} is neither in the topology nor in the incident"
                    )));
                }
            }
            EventBody::IncidentIdentified {
                incident,
                cause: some_text(&cause, "the cause")?,
                layer,
                root_node,
            }
        }
        Command::Mitigate { incident, note } => {
            let inc = open_incident(state, incident)?;
            reached_before(inc, IncidentStatus::Mitigated, "mitigate")?;
            EventBody::IncidentMitigated {
                incident,
                note: optional_text(&note)?,
            }
        }
        Command::Resolve { incident } => {
            open_incident(state, incident)?;
            EventBody::IncidentResolved { incident }
        }
        Command::Review { incident, summary } => {
            let inc = existing_incident(state, incident)?;
            if inc.status != IncidentStatus::Resolved {
                return Err(wrong_status(inc, "review (only a resolved incident)"));
            }
            EventBody::IncidentReviewed {
                incident,
                summary: some_text(&summary, "a review summary")?,
            }
        }
        Command::Escalate { incident, reason } => {
            let inc = open_incident(state, incident)?;
            EventBody::IncidentEscalated {
                incident,
                level: inc.escalation_level + 1,
                reason: some_text(&reason, "a reason to escalate")?,
                notify: Vec::new(),
            }
        }
        Command::Merge { incident, from } => return merge(state, incident, from),
        Command::Split { incident, alarms } => split(state, incident, alarms)?,
        Command::MarkSeen { alarms } => {
            if alarms.is_empty() || alarms.len() > MAX_SEEN_AT_ONCE {
                return Err(CommandError::Invalid(format!(
                    "mark 1 to {MAX_SEEN_AT_ONCE} alarms as seen"
                )));
            }
            let alarms = alarms
                .into_iter()
                .filter(|a| state.alarms.get(a).is_some_and(|a| a.unseen))
                .collect();
            EventBody::AlarmsSeen { alarms }
        }
        Command::ScheduleMaintenance { window } => {
            window.validate().map_err(CommandError::Invalid)?;
            if window.matchers.iter().any(|m| m.is_regex) {
                return Err(CommandError::Invalid(
                    "maintenance windows match label values exactly; regular expressions are not supported"
                        .into(),
                ));
            }
            EventBody::MaintenanceScheduled { window }
        }
        Command::CancelMaintenance { id } => {
            if !state.maintenance.contains_key(&id) {
                return Err(CommandError::NoSuchMaintenance(id));
            }
            EventBody::MaintenanceCancelled { id }
        }
        cmd @ (Command::EditTopology { .. }
        | Command::ImportTopology { .. }
        | Command::PlaceNodes { .. }) => crate::topology::check(state, cmd)?,
        cmd @ (Command::DefineRoster { .. }
        | Command::OverrideDuty { .. }
        | Command::SwapShifts { .. }
        | Command::SignHandover { .. }
        | Command::AcceptHandover { .. }
        | Command::LogShift { .. }
        | Command::RecordPatrol { .. }) => crate::shift::check(state, cmd, actor, now)?,
    };
    Ok(vec![body])
}

fn merge(
    state: &State,
    incident: IncidentId,
    from: Vec<IncidentId>,
) -> Result<Vec<EventBody>, CommandError> {
    open_incident(state, incident)?;
    if from.is_empty() {
        return Err(CommandError::Invalid(
            "name at least one incident to merge".into(),
        ));
    }
    let mut out = Vec::new();
    for other in from {
        if other == incident {
            return Err(CommandError::Invalid(
                "an incident cannot be merged into itself".into(),
            ));
        }
        open_incident(state, other)?;
        let body = EventBody::IncidentsMerged {
            incident,
            from: other,
        };
        if !out.contains(&body) {
            out.push(body);
        }
    }
    Ok(out)
}

fn split(
    state: &State,
    incident: IncidentId,
    alarms: Vec<AlarmId>,
) -> Result<EventBody, CommandError> {
    let inc = open_incident(state, incident)?;
    let mut members: Vec<&Alarm> = Vec::new();
    for id in &alarms {
        if !inc.alarms.contains(id) {
            return Err(CommandError::Invalid(format!(
                "alarm {id} is not in incident {incident}"
            )));
        }
        let alarm = state.alarms.get(id).ok_or(CommandError::NoSuchAlarm(*id))?;
        if !members.iter().any(|m| m.id == *id) {
            members.push(alarm);
        }
    }
    if members.is_empty() || members.len() == inc.alarms.len() {
        return Err(CommandError::Invalid(
            "split off some, not none or all, of the incident's alarms".into(),
        ));
    }
    // The earliest of the moved alarms is the new incident's root-cause candidate.
    let Some(root) = members.iter().min_by_key(|a| (a.first_seen, a.id)) else {
        return Err(CommandError::Invalid("nothing to split".into()));
    };
    let title =
        noc_model::incident_title(root, |id| state.topology.node(id).map(|n| n.name.as_str()));
    Ok(EventBody::IncidentSplit {
        incident,
        into: state.next_incident_id(),
        alarms: members.iter().map(|a| a.id).collect(),
        root: root.id,
        title,
    })
}

fn some_text(text: &str, what: &str) -> Result<String, CommandError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CommandError::Invalid(format!("{what} needs some text")));
    }
    optional_text(text)
}

fn optional_text(text: &str) -> Result<String, CommandError> {
    let text = text.trim();
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(CommandError::Invalid(format!(
            "a text is at most {MAX_COMMENT_CHARS} characters"
        )));
    }
    Ok(text.to_string())
}

/// Milestones only move forward: identify after acknowledge, mitigate after identify.
fn reached_before(inc: &Incident, next: IncidentStatus, action: &str) -> Result<(), CommandError> {
    let order = |s: IncidentStatus| match s {
        IncidentStatus::Open => 0,
        IncidentStatus::Acknowledged => 1,
        IncidentStatus::Identified => 2,
        IncidentStatus::Mitigated => 3,
        _ => 4,
    };
    if order(inc.status) >= order(next) {
        return Err(wrong_status(inc, action));
    }
    Ok(())
}

fn wrong_status(inc: &Incident, action: &str) -> CommandError {
    CommandError::WrongStatus {
        incident: inc.id,
        status: format!("{:?}", inc.status).to_lowercase(),
        action: action.to_string(),
    }
}

fn existing_incident(state: &State, id: IncidentId) -> Result<&Incident, CommandError> {
    state
        .incidents
        .get(&id)
        .ok_or(CommandError::NoSuchIncident(id))
}

fn open_incident(state: &State, id: IncidentId) -> Result<&Incident, CommandError> {
    let inc = existing_incident(state, id)?;
    if inc.status.is_closed() {
        return Err(CommandError::Closed(id));
    }
    Ok(inc)
}
