//! Keeping the shift: the roster and who is on duty, overrides and swaps, the
//! handover (交接班), the shift log (班次日志) and the patrol (巡检).
//!
//! The role table decides who may take each action at all; whether the caller is on
//! the slot they act for is the engine's check, with the caller's standing as a duty
//! manager (`duty_manager` or `admin`, who may act for any slot) passed in the command.

use noc_model::{
    Action, Command, DutyError, DutyOverride, EventBody, Handover, HandoverSummary, PatrolResult,
    Roster, Seq, ShiftLogEntry, ShiftSlot, State, SwapSide, HANDOVERS_KEPT,
};
use serde::{Deserialize, Serialize};

use crate::{ApiError, Caller, Console};

/// The slots `GET /api/duty` lists after the current one: a week of two shifts.
pub const UPCOMING_SLOTS: usize = 14;

/// Who is on duty now and next, and what the current slot recorded.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DutyView {
    pub now: Option<ShiftSlot>,
    pub next: Option<ShiftSlot>,
    /// The next slots after the current one.
    pub upcoming: Vec<ShiftSlot>,
    pub roster: Option<Roster>,
    /// Overrides and swaps of the current and later slots, in the order made.
    pub overrides: Vec<DutyOverride>,
    /// The handover of the current slot, or else of the previous one.
    pub handover: Option<Handover>,
    /// The current slot's patrol results.
    pub patrol: Vec<PatrolResult>,
    /// The current slot's log.
    pub log: Vec<ShiftLogEntry>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OverrideRequest {
    /// The slot key.
    pub shift: String,
    pub replaced: String,
    pub by: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SwapRequest {
    pub first: SwapSide,
    pub second: SwapSide,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SignRequest {
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AcceptRequest {
    /// The slot key of the handover.
    pub shift: String,
    #[serde(default)]
    pub remarks: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct LogRequest {
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PatrolRequest {
    pub item: String,
    pub ok: bool,
    #[serde(default)]
    pub note: String,
}

/// Where a change landed in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub seq: Seq,
}

impl Console {
    pub async fn duty(&self, caller: &Caller) -> Result<DutyView, ApiError> {
        caller.require(Action::View)?;
        let now = self.clock.now();
        Ok(self
            .shared
            .store
            .read_state(|state| duty_view(state, now))
            .await)
    }

    pub async fn define_roster(
        &self,
        caller: &Caller,
        roster: Roster,
    ) -> Result<Recorded, ApiError> {
        caller.require(Action::ManageRoster)?;
        self.duty_command(Command::DefineRoster { roster }, caller)
            .await
            .map(|(seq, _)| Recorded { seq })
    }

    /// The demo's roster, unless one is defined already (the operator's own stays).
    pub async fn seed_roster(&self, roster: Roster, actor: &str) -> Result<Option<Seq>, ApiError> {
        let defined = self
            .shared
            .store
            .read_state(|state| state.duty.roster.is_some())
            .await;
        if defined {
            return Ok(None);
        }
        let outcome = self
            .command_outcome(Command::DefineRoster { roster }, actor)
            .await?;
        Ok(Some(outcome.seq))
    }

    pub async fn override_duty(
        &self,
        caller: &Caller,
        req: OverrideRequest,
    ) -> Result<Recorded, ApiError> {
        caller.require(Action::ManageRoster)?;
        let command = Command::OverrideDuty {
            shift: req.shift,
            replaced: req.replaced,
            by: req.by,
            reason: req.reason,
        };
        self.duty_command(command, caller)
            .await
            .map(|(seq, _)| Recorded { seq })
    }

    pub async fn swap_shifts(
        &self,
        caller: &Caller,
        req: SwapRequest,
    ) -> Result<Recorded, ApiError> {
        caller.require(Action::KeepShift)?;
        let command = Command::SwapShifts {
            first: req.first,
            second: req.second,
            manager: is_manager(caller),
        };
        self.duty_command(command, caller)
            .await
            .map(|(seq, _)| Recorded { seq })
    }

    /// What the current slot would hand over now.
    pub async fn handover_draft(&self, caller: &Caller) -> Result<HandoverSummary, ApiError> {
        caller.require(Action::View)?;
        let now = self.clock.now();
        self.shared
            .store
            .read_state(|state| {
                let roster = state.duty.roster.as_ref().ok_or(DutyError::NoRoster)?;
                let overrides = &state.duty.overrides;
                let slot = roster.slot_at(now, overrides).ok_or(DutyError::NoRoster)?;
                let next = roster.slot_after(&slot.key, overrides);
                let next = next.as_ref().map(|n| n.key.as_str());
                Ok(HandoverSummary::generate(state, &slot.key, next, now, ""))
            })
            .await
            .map_err(|err: DutyError| noc_model::CommandError::from(err).into())
    }

    pub async fn sign_handover(
        &self,
        caller: &Caller,
        req: SignRequest,
    ) -> Result<Handover, ApiError> {
        caller.require(Action::KeepShift)?;
        let command = Command::SignHandover {
            notes: req.notes,
            manager: is_manager(caller),
        };
        match self.duty_command(command, caller).await? {
            (_, EventBody::HandoverSigned { handover }) => Ok(handover),
            (_, other) => Err(unexpected(&other)),
        }
    }

    pub async fn accept_handover(
        &self,
        caller: &Caller,
        req: AcceptRequest,
    ) -> Result<Handover, ApiError> {
        caller.require(Action::KeepShift)?;
        let command = Command::AcceptHandover {
            shift: req.shift.clone(),
            remarks: req.remarks,
            manager: is_manager(caller),
        };
        self.duty_command(command, caller).await?;
        self.shared
            .store
            .read_state(|state| state.duty.handover(&req.shift).cloned())
            .await
            .ok_or_else(|| noc_model::CommandError::from(DutyError::NotSigned(req.shift)).into())
    }

    /// The latest handovers, newest first (the live state keeps the last 30).
    pub async fn handovers(
        &self,
        caller: &Caller,
        limit: Option<u32>,
    ) -> Result<Vec<Handover>, ApiError> {
        caller.require(Action::View)?;
        let limit = limit
            .map_or(HANDOVERS_KEPT, |l| l as usize)
            .clamp(1, HANDOVERS_KEPT);
        Ok(self
            .shared
            .store
            .read_state(|state| {
                state
                    .duty
                    .handovers
                    .iter()
                    .rev()
                    .take(limit)
                    .cloned()
                    .collect()
            })
            .await)
    }

    pub async fn log_shift(
        &self,
        caller: &Caller,
        req: LogRequest,
    ) -> Result<ShiftLogEntry, ApiError> {
        caller.require(Action::KeepShift)?;
        match self
            .duty_command(Command::LogShift { text: req.text }, caller)
            .await?
        {
            (_, EventBody::ShiftLogged { entry }) => Ok(entry),
            (_, other) => Err(unexpected(&other)),
        }
    }

    pub async fn record_patrol(
        &self,
        caller: &Caller,
        req: PatrolRequest,
    ) -> Result<PatrolResult, ApiError> {
        caller.require(Action::KeepShift)?;
        let command = Command::RecordPatrol {
            item: req.item,
            ok: req.ok,
            note: req.note,
        };
        match self.duty_command(command, caller).await? {
            (_, EventBody::PatrolRecorded { result }) => Ok(result),
            (_, other) => Err(unexpected(&other)),
        }
    }

    /// Carries out a duty command as the caller; its one event, once committed.
    async fn duty_command(
        &self,
        command: Command,
        caller: &Caller,
    ) -> Result<(Seq, EventBody), ApiError> {
        let outcome = self.command_outcome(command, &caller.name).await?;
        let body =
            outcome.events.into_iter().next().ok_or_else(|| {
                ApiError::new(500, "internal", "the duty action recorded nothing")
            })?;
        Ok((outcome.seq, body))
    }
}

/// A duty manager or admin may act for any slot.
fn is_manager(caller: &Caller) -> bool {
    caller.may(Action::ManageRoster)
}

fn unexpected(body: &EventBody) -> ApiError {
    ApiError::new(
        500,
        "internal",
        format!("the duty action recorded {} instead", body.kind()),
    )
}

fn duty_view(state: &State, now: noc_model::Millis) -> DutyView {
    let duty = &state.duty;
    let Some(roster) = &duty.roster else {
        return DutyView {
            now: None,
            next: None,
            upcoming: Vec::new(),
            roster: None,
            overrides: Vec::new(),
            handover: None,
            patrol: Vec::new(),
            log: Vec::new(),
        };
    };
    let current = roster.slot_at(now, &duty.overrides);
    let upcoming = roster.upcoming(now, UPCOMING_SLOTS, &duty.overrides);
    let from = current.as_ref().map_or(now, |s| s.start);
    let handover = current.as_ref().and_then(|slot| {
        let previous = roster.slot_at(slot.start - 1, &duty.overrides);
        duty.handover(&slot.key)
            .or_else(|| previous.and_then(|p| duty.handover(&p.key)))
            .cloned()
    });
    let key = current.as_ref().map(|s| s.key.clone()).unwrap_or_default();
    DutyView {
        next: upcoming.first().cloned(),
        upcoming,
        overrides: duty
            .overrides
            .iter()
            .filter(|o| slot_start(&o.shift).is_some_and(|start| start >= from))
            .cloned()
            .collect(),
        handover,
        patrol: duty.patrol_of(&key),
        log: duty.log_of(&key),
        roster: Some(roster.clone()),
        now: current,
    }
}

fn slot_start(key: &str) -> Option<noc_model::Millis> {
    key.rsplit_once('@')?.1.parse().ok()
}
