//! Duty actions: the roster, overrides and swaps, the handover, the shift log and the
//! patrol, checked against the roster at `now` and the state. The engine sees names
//! only: whether the caller is a duty manager (who may act for any slot) comes in the
//! command.

use noc_model::{
    Command, CommandError, DutyError, DutyOverride, EventBody, Handover, HandoverSummary, Mark,
    Millis, PatrolResult, Roster, ShiftLogEntry, ShiftSlot, State, SwapSide,
};

use crate::MAX_COMMENT_CHARS;

pub(crate) fn check(
    state: &State,
    cmd: Command,
    actor: &str,
    now: Millis,
) -> Result<EventBody, CommandError> {
    let body = match cmd {
        Command::DefineRoster { roster } => {
            roster.validate()?;
            EventBody::RosterDefined { roster }
        }
        Command::OverrideDuty {
            shift,
            replaced,
            by,
            reason,
        } => {
            let slot = open_slot(state, &shift, now)?;
            let by = name(&by, "the operator standing in")?;
            stands_in(&slot, &replaced, &by)?;
            EventBody::DutyOverridden {
                over: DutyOverride {
                    shift,
                    replaced,
                    by,
                    reason: text(&reason, false, "a reason")?,
                },
            }
        }
        Command::SwapShifts {
            first,
            second,
            manager,
        } => swap(state, first, second, manager, actor, now)?,
        Command::SignHandover { notes, manager } => sign(state, &notes, manager, actor, now)?,
        Command::AcceptHandover {
            shift,
            remarks,
            manager,
        } => accept(state, shift, &remarks, manager, actor)?,
        Command::LogShift { text: entry } => {
            let (_, slot) = current(state, now)?;
            EventBody::ShiftLogged {
                entry: ShiftLogEntry {
                    shift: slot.key,
                    at: now,
                    by: actor.to_string(),
                    text: text(&entry, true, "a shift log entry")?,
                },
            }
        }
        Command::RecordPatrol { item, ok, note } => {
            let (roster, slot) = current(state, now)?;
            if !roster.patrol.contains(&item) {
                return Err(DutyError::UnknownPatrolItem(item).into());
            }
            EventBody::PatrolRecorded {
                result: PatrolResult {
                    shift: slot.key,
                    item,
                    ok,
                    note: text(&note, false, "a note")?,
                    at: now,
                    by: actor.to_string(),
                },
            }
        }
        other => {
            return Err(CommandError::Invalid(format!(
                "not a duty action: {other:?}"
            )))
        }
    };
    Ok(body)
}

fn swap(
    state: &State,
    first: SwapSide,
    second: SwapSide,
    manager: bool,
    actor: &str,
    now: Millis,
) -> Result<EventBody, CommandError> {
    if first.operator == second.operator {
        return Err(CommandError::Invalid(
            "a swap is between two different operators".into(),
        ));
    }
    if !manager && actor != first.operator && actor != second.operator {
        return Err(DutyError::NotOnDuty {
            name: actor.to_string(),
            slot: format!("{} nor {}", first.shift, second.shift),
            action: "swap them".into(),
        }
        .into());
    }
    let one = open_slot(state, &first.shift, now)?;
    let other = open_slot(state, &second.shift, now)?;
    stands_in(&one, &first.operator, &second.operator)?;
    stands_in(&other, &second.operator, &first.operator)?;
    let side = |slot: &SwapSide, by: &SwapSide| DutyOverride {
        shift: slot.shift.clone(),
        replaced: slot.operator.clone(),
        by: by.operator.clone(),
        reason: format!("swapped with {} for {}", by.operator, by.shift),
    };
    Ok(EventBody::ShiftSwapped {
        first: side(&first, &second),
        second: side(&second, &first),
    })
}

fn sign(
    state: &State,
    notes: &str,
    manager: bool,
    actor: &str,
    now: Millis,
) -> Result<EventBody, CommandError> {
    let (roster, slot) = current(state, now)?;
    if !manager && !slot.members.iter().any(|m| m == actor) {
        return Err(not_on_duty(actor, &slot.key, "sign its handover"));
    }
    if state.duty.handover(&slot.key).is_some() {
        return Err(DutyError::AlreadySigned(slot.key).into());
    }
    let next = roster.slot_after(&slot.key, &state.duty.overrides);
    let next_key = next.map(|n| n.key);
    let notes = text(notes, false, "handover notes")?;
    let summary = HandoverSummary::generate(state, &slot.key, next_key.as_deref(), now, &notes);
    Ok(EventBody::HandoverSigned {
        handover: Handover {
            shift: slot.key,
            next_shift: next_key,
            summary,
            signed: Mark {
                by: actor.to_string(),
                at: now,
            },
            accepted: None,
            remarks: String::new(),
        },
    })
}

fn accept(
    state: &State,
    shift: String,
    remarks: &str,
    manager: bool,
    actor: &str,
) -> Result<EventBody, CommandError> {
    let roster = roster(state)?;
    let handover = state
        .duty
        .handover(&shift)
        .ok_or_else(|| DutyError::NotSigned(shift.clone()))?;
    if let Some(mark) = &handover.accepted {
        return Err(DutyError::AlreadyAccepted {
            slot: shift,
            by: mark.by.clone(),
        }
        .into());
    }
    if handover.signed.by == actor {
        return Err(DutyError::OwnHandover(actor.to_string()).into());
    }
    if !manager {
        let incoming = handover
            .next_shift
            .as_deref()
            .and_then(|key| roster.slot_by_key(key, &state.duty.overrides));
        let member = incoming
            .as_ref()
            .is_some_and(|slot| slot.members.iter().any(|m| m == actor));
        if !member {
            let slot = handover.next_shift.as_deref().unwrap_or("the next slot");
            return Err(not_on_duty(actor, slot, "accept this handover"));
        }
    }
    Ok(EventBody::HandoverAccepted {
        shift,
        remarks: text(remarks, false, "remarks")?,
    })
}

fn roster(state: &State) -> Result<&Roster, CommandError> {
    Ok(state.duty.roster.as_ref().ok_or(DutyError::NoRoster)?)
}

/// The roster and the slot on duty at `now`.
fn current(state: &State, now: Millis) -> Result<(&Roster, ShiftSlot), CommandError> {
    let roster = roster(state)?;
    let slot = roster
        .slot_at(now, &state.duty.overrides)
        .ok_or(DutyError::NoRoster)?;
    Ok((roster, slot))
}

/// A slot of the roster that is not over yet: what was, stays as it was.
fn open_slot(state: &State, key: &str, now: Millis) -> Result<ShiftSlot, CommandError> {
    let slot = roster(state)?
        .slot_by_key(key, &state.duty.overrides)
        .ok_or_else(|| DutyError::UnknownSlot(key.to_string()))?;
    if slot.end <= now {
        return Err(DutyError::SlotEnded(key.to_string()).into());
    }
    Ok(slot)
}

/// `by` can take `replaced`'s place on the slot.
fn stands_in(slot: &ShiftSlot, replaced: &str, by: &str) -> Result<(), CommandError> {
    if !slot.members.iter().any(|m| m == replaced) {
        return Err(DutyError::NotOnSlot {
            operator: replaced.to_string(),
            slot: slot.key.clone(),
        }
        .into());
    }
    if slot.members.iter().any(|m| m == by) {
        return Err(DutyError::AlreadyOnSlot {
            operator: by.to_string(),
            slot: slot.key.clone(),
        }
        .into());
    }
    Ok(())
}

fn not_on_duty(actor: &str, slot: &str, action: &str) -> CommandError {
    DutyError::NotOnDuty {
        name: actor.to_string(),
        slot: slot.to_string(),
        action: action.to_string(),
    }
    .into()
}

fn name(raw: &str, what: &str) -> Result<String, CommandError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(CommandError::Invalid(format!(
            "{what} needs a name of 1 to 64 characters"
        )));
    }
    Ok(name.to_string())
}

fn text(raw: &str, required: bool, what: &str) -> Result<String, CommandError> {
    let text = raw.trim();
    if required && text.is_empty() {
        return Err(CommandError::Invalid(format!("{what} needs some text")));
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(CommandError::Invalid(format!(
            "{what} is at most {MAX_COMMENT_CHARS} characters"
        )));
    }
    Ok(text.to_string())
}
