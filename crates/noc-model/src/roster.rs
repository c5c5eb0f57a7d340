//! The duty roster (排班): the shifts of a day, the teams that take them in turn, and
//! who is on duty at any instant once overrides and swaps are applied. Pure: every
//! question takes the instant it is about.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendar::{civil_from_days, days_from_civil};
use crate::Millis;

const MINUTE_MS: Millis = 60 * 1000;
const DAY_MINUTES: i64 = 24 * 60;
const DAY_MS: Millis = DAY_MINUTES * MINUTE_MS;
/// China: the offset a roster has when none is given.
pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = 480;
/// Patrol items of one shift, at most.
const MAX_PATROL_ITEMS: usize = 100;
const MAX_NAME_CHARS: usize = 64;
/// Overrides kept in the live state; older ones are about shifts long over.
pub const OVERRIDES_KEPT: usize = 1000;

/// How the team is on duty: the shifts of a day, the teams that take them in turn and
/// the patrol checklist of every shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Roster {
    /// The site's offset from UTC, in minutes (480 = China); shift times are local.
    #[serde(default = "default_offset")]
    pub utc_offset_minutes: i32,
    /// The shifts of a day, in order, together covering 24 hours.
    pub shifts: Vec<ShiftDef>,
    /// The teams, in the order they take the shift slots.
    pub teams: Vec<Team>,
    /// The local day (`YYYY-MM-DD`) whose first shift goes to the first team.
    pub anchor_day: String,
    /// The patrol checklist (巡检) of every shift.
    #[serde(default)]
    pub patrol: Vec<String>,
}

fn default_offset() -> i32 {
    DEFAULT_UTC_OFFSET_MINUTES
}

/// One shift of the day: `day` from `08:00` for 12 hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct ShiftDef {
    pub name: String,
    /// Local time of day, `HH:MM`.
    pub start: String,
    /// 1 to 24.
    pub hours: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Team {
    pub name: String,
    /// Operator names, as they sign in.
    pub members: Vec<String>,
}

/// One occurrence of a shift: who is on duty from `start` to `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct ShiftSlot {
    /// `<shift name>@<start>`: names the slot in overrides, handovers, logs and patrols.
    pub key: String,
    pub shift: String,
    #[ts(type = "number")]
    pub start: Millis,
    #[ts(type = "number")]
    pub end: Millis,
    pub team: String,
    /// The team's members after overrides and swaps.
    pub members: Vec<String>,
}

/// On the slot `shift`, `by` stands in for `replaced`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct DutyOverride {
    /// The slot key.
    pub shift: String,
    pub replaced: String,
    pub by: String,
    pub reason: String,
}

/// One side of a swap: `operator` gives up their place on the slot `shift`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct SwapSide {
    /// The slot key.
    pub shift: String,
    pub operator: String,
}

/// Why a duty action was refused; `code` is stable for the UI to switch on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DutyError {
    #[error("{0}")]
    InvalidRoster(String),
    #[error("no roster is defined yet")]
    NoRoster,
    #[error("there is no slot {0} in the roster")]
    UnknownSlot(String),
    #[error("slot {0} is over")]
    SlotEnded(String),
    #[error("{operator} is not on {slot}")]
    NotOnSlot { operator: String, slot: String },
    #[error("{operator} is already on {slot}")]
    AlreadyOnSlot { operator: String, slot: String },
    #[error("{name} is not on {slot}: only its members or a duty manager may {action}")]
    NotOnDuty {
        name: String,
        slot: String,
        action: String,
    },
    #[error("the handover of {0} is already signed")]
    AlreadySigned(String),
    #[error("the handover of {0} is not signed yet")]
    NotSigned(String),
    #[error("the handover of {slot} was already accepted by {by}")]
    AlreadyAccepted { slot: String, by: String },
    #[error("{0} signed this handover and cannot accept it too")]
    OwnHandover(String),
    #[error("{0:?} is not on the patrol checklist")]
    UnknownPatrolItem(String),
}

impl DutyError {
    pub fn code(&self) -> &'static str {
        match self {
            DutyError::InvalidRoster(_) => "invalid_roster",
            DutyError::NoRoster => "no_roster",
            DutyError::UnknownSlot(_) => "unknown_slot",
            DutyError::SlotEnded(_) => "slot_ended",
            DutyError::NotOnSlot { .. } => "not_on_slot",
            DutyError::AlreadyOnSlot { .. } => "already_on_slot",
            DutyError::NotOnDuty { .. } => "not_on_duty",
            DutyError::AlreadySigned(_) => "already_signed",
            DutyError::NotSigned(_) => "not_signed",
            DutyError::AlreadyAccepted { .. } => "already_accepted",
            DutyError::OwnHandover(_) => "own_handover",
            DutyError::UnknownPatrolItem(_) => "unknown_patrol_item",
        }
    }

    /// The HTTP status a web transport answers with.
    pub fn status(&self) -> u16 {
        match self {
            DutyError::NotOnDuty { .. } => 403,
            DutyError::NoRoster
            | DutyError::AlreadySigned(_)
            | DutyError::NotSigned(_)
            | DutyError::AlreadyAccepted { .. }
            | DutyError::OwnHandover(_) => 409,
            DutyError::InvalidRoster(_)
            | DutyError::UnknownSlot(_)
            | DutyError::SlotEnded(_)
            | DutyError::NotOnSlot { .. }
            | DutyError::AlreadyOnSlot { .. }
            | DutyError::UnknownPatrolItem(_) => 422,
        }
    }
}

impl Roster {
    /// Refuses a roster the slots cannot be computed from, saying what is wrong.
    pub fn validate(&self) -> Result<(), DutyError> {
        self.check().map_err(DutyError::InvalidRoster)
    }

    fn check(&self) -> Result<(), String> {
        if !(-720..=840).contains(&self.utc_offset_minutes) {
            return Err(format!(
                "utc_offset_minutes {} is outside -720..=840",
                self.utc_offset_minutes
            ));
        }
        parse_day(&self.anchor_day)
            .ok_or_else(|| format!("anchor_day {:?} is not a YYYY-MM-DD date", self.anchor_day))?;
        self.check_shifts()?;
        self.check_teams()?;
        distinct_names(self.patrol.iter(), "patrol item")?;
        if self.patrol.len() > MAX_PATROL_ITEMS {
            return Err(format!(
                "the patrol checklist has more than {MAX_PATROL_ITEMS} items"
            ));
        }
        Ok(())
    }

    fn check_shifts(&self) -> Result<(), String> {
        let Some(first) = self.shifts.first() else {
            return Err("a roster needs at least one shift".into());
        };
        distinct_names(self.shifts.iter().map(|s| &s.name), "shift")?;
        for shift in &self.shifts {
            if shift.name.contains('@') {
                return Err(format!("shift name {:?} may not contain @", shift.name));
            }
            if !(1..=24).contains(&shift.hours) {
                return Err(format!(
                    "shift {} lasts {} hours: 1 to 24",
                    shift.name, shift.hours
                ));
            }
            parse_time(&shift.start).ok_or_else(|| {
                format!(
                    "shift {} starts at {:?}: not an HH:MM time",
                    shift.name, shift.start
                )
            })?;
        }
        let day_start = start_minutes(first);
        let mut end = day_start;
        for (i, shift) in self.shifts.iter().enumerate() {
            // Times before the first shift's start belong to the next calendar day.
            let mut start = start_minutes(shift);
            if start < day_start {
                start += DAY_MINUTES;
            }
            if i > 0 {
                let before = &self.shifts[i - 1].name;
                if start < end {
                    return Err(format!("shift {} overlaps {before}", shift.name));
                }
                if start > end {
                    return Err(format!(
                        "there is a gap between {before} and {}",
                        shift.name
                    ));
                }
            }
            end = start + i64::from(shift.hours) * 60;
        }
        let last = &self.shifts[self.shifts.len() - 1].name;
        if end > day_start + DAY_MINUTES {
            return Err(format!("shift {last} overlaps {}", first.name));
        }
        if end < day_start + DAY_MINUTES {
            return Err(format!(
                "there is a gap between {last} and {}: the shifts cover {} of 24 hours",
                first.name,
                fmt_hours(end - day_start)
            ));
        }
        Ok(())
    }

    fn check_teams(&self) -> Result<(), String> {
        if self.teams.is_empty() {
            return Err("a roster needs at least one team".into());
        }
        distinct_names(self.teams.iter().map(|t| &t.name), "team")?;
        for team in &self.teams {
            if team.members.is_empty() {
                return Err(format!("team {} has no members", team.name));
            }
            for member in &team.members {
                if member.trim().is_empty() || member.trim() != member {
                    return Err(format!(
                        "team {} has a member name {member:?}: names are not blank nor padded",
                        team.name
                    ));
                }
            }
            if let Some(twice) = first_repeat(team.members.iter()) {
                return Err(format!("{twice} is twice in team {}", team.name));
            }
        }
        Ok(())
    }

    /// The slot on duty at `at`, with `overrides` applied; `None` for an invalid roster.
    pub fn slot_at(&self, at: Millis, overrides: &[DutyOverride]) -> Option<ShiftSlot> {
        self.slot(self.index_at(at)?, overrides)
    }

    /// The `count` slots after the one on duty at `at`.
    pub fn upcoming(&self, at: Millis, count: usize, overrides: &[DutyOverride]) -> Vec<ShiftSlot> {
        let Some(now) = self.index_at(at) else {
            return Vec::new();
        };
        (1..=count as i64)
            .filter_map(|i| self.slot(now + i, overrides))
            .collect()
    }

    /// The slot a key names, if the roster has it.
    pub fn slot_by_key(&self, key: &str, overrides: &[DutyOverride]) -> Option<ShiftSlot> {
        let (name, start) = key.rsplit_once('@')?;
        let start: Millis = start.parse().ok()?;
        let slot = self.slot(self.index_at(start)?, overrides)?;
        (slot.shift == name && slot.start == start).then_some(slot)
    }

    /// The slot after the one a key names.
    pub fn slot_after(&self, key: &str, overrides: &[DutyOverride]) -> Option<ShiftSlot> {
        let slot = self.slot_by_key(key, overrides)?;
        self.slot_at(slot.end, overrides)
    }

    /// Slot number `index`, counted from the first slot of the anchor day (0), with
    /// `overrides` applied in the order they were made.
    fn slot(&self, index: i64, overrides: &[DutyOverride]) -> Option<ShiftSlot> {
        let (day_start, offsets) = self.geometry()?;
        let per_day = self.shifts.len() as i64;
        let (day, nth) = (
            index.div_euclid(per_day),
            index.rem_euclid(per_day) as usize,
        );
        let def = &self.shifts[nth];
        let start = day_start + day * DAY_MS + offsets[nth];
        let team = self
            .teams
            .get(index.rem_euclid(self.teams.len() as i64) as usize)?;
        let key = format!("{}@{start}", def.name);
        let mut members = team.members.clone();
        for o in overrides.iter().filter(|o| o.shift == key) {
            if let Some(place) = members.iter().position(|m| *m == o.replaced) {
                if members.contains(&o.by) {
                    members.remove(place);
                } else {
                    members[place].clone_from(&o.by);
                }
            }
        }
        Some(ShiftSlot {
            key,
            shift: def.name.clone(),
            start,
            end: start + i64::from(def.hours) * 60 * MINUTE_MS,
            team: team.name.clone(),
            members,
        })
    }

    fn index_at(&self, at: Millis) -> Option<i64> {
        let (day_start, offsets) = self.geometry()?;
        let since = at - day_start;
        let (day, within) = (since.div_euclid(DAY_MS), since.rem_euclid(DAY_MS));
        let nth = offsets.iter().rposition(|&o| o <= within)?;
        Some(day * self.shifts.len() as i64 + nth as i64)
    }

    /// When the anchor day's first shift starts (UTC), and each shift's offset from it.
    fn geometry(&self) -> Option<(Millis, Vec<Millis>)> {
        if self.teams.is_empty() {
            return None;
        }
        let first = self.shifts.first()?;
        let midnight =
            parse_day(&self.anchor_day)? * DAY_MS - i64::from(self.utc_offset_minutes) * MINUTE_MS;
        let day_start = midnight + start_minutes(first) * MINUTE_MS;
        let mut offsets = Vec::with_capacity(self.shifts.len());
        let mut at = 0;
        for shift in &self.shifts {
            offsets.push(at);
            at += i64::from(shift.hours) * 60 * MINUTE_MS;
        }
        Some((day_start, offsets))
    }
}

/// The local calendar day (`YYYY-MM-DD`) of an instant at a UTC offset.
pub fn local_day(at: Millis, utc_offset_minutes: i32) -> String {
    let days = (at + i64::from(utc_offset_minutes) * MINUTE_MS).div_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn start_minutes(shift: &ShiftDef) -> i64 {
    parse_time(&shift.start).unwrap_or(0)
}

fn fmt_hours(minutes: i64) -> String {
    if minutes % 60 == 0 {
        format!("{} hours", minutes / 60)
    } else {
        format!("{}h{:02}", minutes / 60, minutes % 60)
    }
}

fn distinct_names<'a>(names: impl Iterator<Item = &'a String>, what: &str) -> Result<(), String> {
    let names: Vec<&String> = names.collect();
    for name in &names {
        let len = name.trim().chars().count();
        if len == 0 || len > MAX_NAME_CHARS {
            return Err(format!(
                "a {what} needs a name of 1 to {MAX_NAME_CHARS} characters"
            ));
        }
    }
    match first_repeat(names.into_iter()) {
        Some(twice) => Err(format!("{what} {twice} is named twice")),
        None => Ok(()),
    }
}

fn first_repeat<'a>(mut names: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let mut seen = std::collections::HashSet::new();
    names.find(|n| !seen.insert(n.as_str()))
}

/// Minutes since midnight of `HH:MM`.
fn parse_time(text: &str) -> Option<i64> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
fn parse_day(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Millis = 60 * MINUTE_MS;
    /// 2026-11-23 00:00 UTC.
    const NOV_23_UTC: Millis = 1_795_392_000_000;

    fn roster() -> Roster {
        Roster {
            utc_offset_minutes: 480,
            shifts: vec![shift("day", "08:00", 12), shift("night", "20:00", 12)],
            teams: vec![
                team("A", &["li.wei", "wang.fang"]),
                team("B", &["zhang.min"]),
                team("C", &["chen.jie", "zhao.lei"]),
            ],
            anchor_day: "2026-11-23".into(),
            patrol: vec!["UPS".into(), "core switch".into()],
        }
    }

    fn shift(name: &str, start: &str, hours: u32) -> ShiftDef {
        ShiftDef {
            name: name.into(),
            start: start.into(),
            hours,
        }
    }

    fn team(name: &str, members: &[&str]) -> Team {
        Team {
            name: name.into(),
            members: members.iter().map(|m| m.to_string()).collect(),
        }
    }

    /// Local time (UTC+8) on 2026-11-23 plus `days`.
    fn local(days: i64, hour: i64, minute: i64) -> Millis {
        NOV_23_UTC + days * DAY_MS + (hour - 8) * HOUR + minute * MINUTE_MS
    }

    #[test]
    fn dates_convert_both_ways() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("2026-11-23"), Some(NOV_23_UTC / DAY_MS));
        assert_eq!(parse_day("2024-02-29"), Some(19_782));
        assert_eq!(parse_day("2023-02-29"), None);
        assert_eq!(parse_day("2026-1-23"), None);
        for days in [-800_000, -1, 0, 19_782, 20_415, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(local_day(local(0, 7, 59), 480), "2026-11-23");
        assert_eq!(local_day(NOV_23_UTC - 1, 480), "2026-11-23");
        assert_eq!(local_day(NOV_23_UTC - 1, 0), "2026-11-22");
    }

    #[test]
    fn the_anchor_day_first_slot_goes_to_the_first_team() {
        let r = roster();
        let slot = r.slot_at(local(0, 8, 0), &[]).unwrap();
        assert_eq!(slot.shift, "day");
        assert_eq!(slot.team, "A");
        // 08:00 in UTC+8 is 00:00 UTC.
        assert_eq!(slot.start, NOV_23_UTC);
        assert_eq!(slot.end, NOV_23_UTC + 12 * HOUR);
        assert_eq!(slot.key, format!("day@{NOV_23_UTC}"));
        assert_eq!(slot.members, vec!["li.wei", "wang.fang"]);
        // The minute before belongs to the previous night, the last team's.
        let before = r.slot_at(local(0, 7, 59), &[]).unwrap();
        assert_eq!(
            (before.shift.as_str(), before.team.as_str()),
            ("night", "C")
        );
        assert_eq!(before.end, slot.start);
    }

    #[test]
    fn a_night_slot_runs_across_midnight() {
        let r = roster();
        let evening = r.slot_at(local(0, 20, 0), &[]).unwrap();
        let after_midnight = r.slot_at(local(1, 3, 30), &[]).unwrap();
        assert_eq!(evening, after_midnight);
        assert_eq!(
            (evening.shift.as_str(), evening.team.as_str()),
            ("night", "B")
        );
        assert_eq!(evening.end, local(1, 8, 0));
        // Teams keep turning: day 2's day shift is C's, then A's night.
        assert_eq!(r.slot_at(local(1, 8, 0), &[]).unwrap().team, "C");
        assert_eq!(r.slot_at(local(1, 21, 0), &[]).unwrap().team, "A");
        // And back before the anchor day.
        assert_eq!(r.slot_at(local(-1, 9, 0), &[]).unwrap().team, "B");
    }

    #[test]
    fn the_utc_offset_moves_the_slots() {
        let mut utc = roster();
        utc.utc_offset_minutes = 0;
        let slot = utc.slot_at(NOV_23_UTC + 8 * HOUR, &[]).unwrap();
        assert_eq!(
            (slot.start, slot.team.as_str()),
            (NOV_23_UTC + 8 * HOUR, "A")
        );
        let mut west = roster();
        west.utc_offset_minutes = -300;
        let slot = west.slot_at(NOV_23_UTC + 13 * HOUR, &[]).unwrap();
        assert_eq!(
            (slot.start, slot.shift.as_str()),
            (NOV_23_UTC + 13 * HOUR, "day")
        );
    }

    #[test]
    fn three_shifts_starting_after_midnight() {
        let mut r = roster();
        r.shifts = vec![
            shift("morning", "00:30", 8),
            shift("afternoon", "08:30", 8),
            shift("evening", "16:30", 8),
        ];
        r.validate().unwrap();
        let slot = r.slot_at(local(0, 0, 15), &[]).unwrap();
        assert_eq!((slot.shift.as_str(), slot.team.as_str()), ("evening", "C"));
        let slot = r.slot_at(local(0, 12, 0), &[]).unwrap();
        assert_eq!(
            (slot.shift.as_str(), slot.team.as_str()),
            ("afternoon", "B")
        );
    }

    #[test]
    fn next_and_upcoming_follow_the_current_slot() {
        let r = roster();
        let upcoming = r.upcoming(local(0, 9, 0), 14, &[]);
        assert_eq!(upcoming.len(), 14);
        assert_eq!(upcoming[0].start, local(0, 20, 0));
        assert_eq!(upcoming[0].team, "B");
        assert_eq!(upcoming[1].team, "C");
        assert_eq!(upcoming[2].team, "A");
        assert!(upcoming.windows(2).all(|w| w[0].end == w[1].start));
        let now = r.slot_at(local(0, 9, 0), &[]).unwrap();
        assert_eq!(r.slot_after(&now.key, &[]), Some(upcoming[0].clone()));
        assert_eq!(
            r.slot_by_key(&upcoming[5].key, &[]),
            Some(upcoming[5].clone())
        );
        assert_eq!(r.slot_by_key(&format!("night@{}", now.start), &[]), None);
        assert_eq!(r.slot_by_key("day@x", &[]), None);
    }

    #[test]
    fn overrides_and_swaps_change_the_members() {
        let r = roster();
        let day = r.slot_at(local(0, 9, 0), &[]).unwrap();
        let night = r.slot_at(local(0, 21, 0), &[]).unwrap();
        let overrides = vec![
            DutyOverride {
                shift: day.key.clone(),
                replaced: "wang.fang".into(),
                by: "sun.li".into(),
                reason: "sick".into(),
            },
            // A swap: li.wei takes zhang.min's night, zhang.min li.wei's day.
            DutyOverride {
                shift: day.key.clone(),
                replaced: "li.wei".into(),
                by: "zhang.min".into(),
                reason: "swap".into(),
            },
            DutyOverride {
                shift: night.key.clone(),
                replaced: "zhang.min".into(),
                by: "li.wei".into(),
                reason: "swap".into(),
            },
        ];
        let day = r.slot_at(local(0, 9, 0), &overrides).unwrap();
        assert_eq!(day.members, vec!["zhang.min", "sun.li"]);
        let night = r.slot_by_key(&night.key, &overrides).unwrap();
        assert_eq!(night.members, vec!["li.wei"]);
        // Other days of the same team are untouched.
        let later = r.slot_at(local(1, 21, 0), &overrides).unwrap();
        assert_eq!(later.members, vec!["li.wei", "wang.fang"]);
    }

    #[test]
    fn validation_says_what_is_wrong() {
        let refused = |edit: fn(&mut Roster)| {
            let mut r = roster();
            edit(&mut r);
            match r.validate() {
                Err(DutyError::InvalidRoster(why)) => why,
                other => panic!("accepted: {other:?}"),
            }
        };
        assert!(roster().validate().is_ok());
        assert_eq!(
            refused(|r| r.shifts[1].start = "19:00".into()),
            "shift night overlaps day"
        );
        assert_eq!(
            refused(|r| r.shifts[1].start = "21:00".into()),
            "there is a gap between day and night"
        );
        assert_eq!(
            refused(|r| r.shifts[1].hours = 13),
            "shift night overlaps day"
        );
        assert_eq!(
            refused(|r| r.shifts[1].hours = 10),
            "there is a gap between night and day: the shifts cover 22 hours of 24 hours"
        );
        assert_eq!(
            refused(|r| r.teams[0].members.clear()),
            "team A has no members"
        );
        assert_eq!(
            refused(|r| r.shifts[0].start = "8:00".into()),
            "shift day starts at \"8:00\": not an HH:MM time"
        );
        assert_eq!(
            refused(|r| r.shifts[0].hours = 25),
            "shift day lasts 25 hours: 1 to 24"
        );
        assert_eq!(
            refused(|r| r.anchor_day = "2026-02-30".into()),
            "anchor_day \"2026-02-30\" is not a YYYY-MM-DD date"
        );
        assert_eq!(
            refused(|r| r.teams.clear()),
            "a roster needs at least one team"
        );
        assert_eq!(
            refused(|r| r.shifts.clear()),
            "a roster needs at least one shift"
        );
        assert_eq!(
            refused(|r| r.teams[1].name = "A".into()),
            "team A is named twice"
        );
        assert_eq!(
            refused(|r| r.patrol.push("UPS".into())),
            "patrol item UPS is named twice"
        );
        assert_eq!(
            refused(|r| r.utc_offset_minutes = 900),
            "utc_offset_minutes 900 is outside -720..=840"
        );
        let mut one = roster();
        one.shifts = vec![shift("all day", "09:00", 24)];
        assert!(one.validate().is_ok());
        let slot = one.slot_at(local(0, 8, 0), &[]).unwrap();
        assert_eq!((slot.team.as_str(), slot.start), ("C", local(-1, 9, 0)));
    }

    #[test]
    fn a_roster_without_an_offset_is_in_china_time() {
        let json = r#"{"shifts":[{"name":"day","start":"08:00","hours":24}],
            "teams":[{"name":"A","members":["li.wei"]}],"anchor_day":"2026-11-23"}"#;
        let r: Roster = serde_json::from_str(json).unwrap();
        assert_eq!(r.utc_offset_minutes, 480);
        assert!(r.patrol.is_empty());
    }
}
