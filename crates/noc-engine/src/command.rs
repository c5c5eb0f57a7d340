//! Operator actions: checked against the state, then turned into events.

use noc_model::{Command, CommandError, EventBody, Incident, IncidentId, State};

/// The longest comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 4_000;

pub(crate) fn check(state: &State, cmd: Command) -> Result<EventBody, CommandError> {
    match cmd {
        Command::Acknowledge { incident } => {
            let inc = open_incident(state, incident)?;
            if let Some(mark) = &inc.acknowledged {
                return Err(CommandError::AlreadyAcknowledged {
                    incident,
                    by: mark.by.clone(),
                });
            }
            Ok(EventBody::IncidentAcknowledged { incident })
        }
        Command::Comment { incident, text } => {
            // Comments stay allowed on closed incidents: they are how a review is written.
            existing_incident(state, incident)?;
            let text = text.trim();
            if text.is_empty() {
                return Err(CommandError::Invalid("a comment needs some text".into()));
            }
            if text.chars().count() > MAX_COMMENT_CHARS {
                return Err(CommandError::Invalid(format!(
                    "a comment is at most {MAX_COMMENT_CHARS} characters"
                )));
            }
            Ok(EventBody::IncidentCommented {
                incident,
                text: text.to_string(),
            })
        }
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
