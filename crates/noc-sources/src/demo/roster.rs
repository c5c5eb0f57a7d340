//! The demo's duty roster: so that a first launch shows who is on duty, with the
//! person at the console (`operator`, the name a browser without one uses) on the
//! current shift.

use noc_model::{local_day, Millis, Roster, ShiftDef, Team, DEFAULT_UTC_OFFSET_MINUTES};

/// The name the hub gives a caller who did not say theirs.
pub const DEMO_ON_DUTY: &str = "operator";

/// Day and night shifts of 12 hours, three teams, the team with [`DEMO_ON_DUTY`] on
/// the slot running at `now`.
pub fn demo_roster(now: Millis) -> Roster {
    let teams = vec![
        team("A", &[DEMO_ON_DUTY, "王伟"]),
        team("B", &["李娜", "张磊"]),
        team("C", &["刘洋", "陈静"]),
    ];
    let mut roster = Roster {
        utc_offset_minutes: DEFAULT_UTC_OFFSET_MINUTES,
        shifts: vec![shift("day", "08:00"), shift("night", "20:00")],
        teams,
        anchor_day: local_day(now, DEFAULT_UTC_OFFSET_MINUTES),
        patrol: [
            "UPS and power",
            "core switch CPU and links",
            "backup jobs",
            "machine room temperature",
        ]
        .map(String::from)
        .to_vec(),
    };
    // Turn the rotation until team A holds the slot running now.
    for _ in 0..roster.teams.len() {
        if roster.slot_at(now, &[]).is_some_and(|s| s.team == "A") {
            break;
        }
        roster.teams.rotate_right(1);
    }
    roster
}

fn shift(name: &str, start: &str) -> ShiftDef {
    ShiftDef {
        name: name.into(),
        start: start.into(),
        hours: 12,
    }
}

fn team(name: &str, members: &[&str]) -> Team {
    Team {
        name: name.into(),
        members: members.iter().map(|m| m.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_operator_is_on_duty_at_any_hour() {
        let start = 1_795_392_000_000;
        for hour in 0..48 {
            let now = start + hour * 3_600_000 + 17 * 60_000;
            let roster = demo_roster(now);
            roster.validate().unwrap();
            let slot = roster.slot_at(now, &[]).unwrap();
            assert!(slot.members.iter().any(|m| m == DEMO_ON_DUTY), "{slot:?}");
            let next = roster.upcoming(now, 1, &[]);
            assert!(!next[0].members.iter().any(|m| m == DEMO_ON_DUTY));
        }
    }
}
