//! Scores of a grouping against the data set's causal graph and topology.

use std::collections::BTreeSet;

use noc_sources::replay::ReplayLog;

use crate::grouping::Grouping;
use crate::truth::Truth;

pub struct Scores {
    pub rows: usize,
    pub groups: usize,
    /// Rows the engine placed in no incident.
    pub unplaced: usize,
    /// 1 − groups / rows.
    pub compression: f64,
    /// Non-root rows explained by their group's root (type reachable, device near).
    pub consistency: f64,
    /// The same over non-root rows that are not a repeat of the root alarm itself
    /// (another type or another device): whether *different* alarms were grouped right.
    pub cross_consistency: f64,
    /// Pairs of distinct alarms in one group that are related (either explains the
    /// other), over all such pairs: a giant group has many unrelated pairs, however
    /// well its root explains a part of it.
    pub pair_purity: f64,
    pub median_size: usize,
    pub p90_size: usize,
    pub largest: usize,
}

pub fn score(log: &ReplayLog, grouping: &Grouping, truth: &Truth) -> Scores {
    let rows = log.rows.len();
    let groups = grouping.root_of_group.len();
    let unplaced = grouping.group_of_row.iter().filter(|g| g.is_none()).count();
    let (consistency, cross_consistency) = root_consistency(log, grouping, truth);
    let mut sizes = vec![0usize; groups];
    for group in grouping.group_of_row.iter().flatten() {
        sizes[*group] += 1;
    }
    sizes.sort_unstable();
    Scores {
        rows,
        groups,
        unplaced,
        compression: 1.0 - (groups + unplaced) as f64 / rows as f64,
        consistency,
        cross_consistency,
        pair_purity: pair_purity(log, grouping, truth),
        median_size: percentile(&sizes, 0.5),
        p90_size: percentile(&sizes, 0.9),
        largest: sizes.last().copied().unwrap_or(0),
    }
}

fn root_consistency(log: &ReplayLog, grouping: &Grouping, truth: &Truth) -> (f64, f64) {
    let (mut members, mut explained) = (0usize, 0usize);
    let (mut others, mut others_explained) = (0usize, 0usize);
    for (row, group) in grouping.group_of_row.iter().enumerate() {
        let Some(group) = group else { continue };
        let root_row = grouping.root_of_group[*group];
        if root_row == row {
            continue;
        }
        let (root, member) = (&log.rows[root_row], &log.rows[row]);
        let ok = truth.explains(root, member);
        members += 1;
        explained += usize::from(ok);
        if (root.alarm_type, root.device) != (member.alarm_type, member.device) {
            others += 1;
            others_explained += usize::from(ok);
        }
    }
    (share(explained, members), share(others_explained, others))
}

/// Pairs of distinct alarms (type, device) within each group: repeats of one alarm are
/// left out, or a group of a thousand repeats of one flapping alarm would look pure.
fn pair_purity(log: &ReplayLog, grouping: &Grouping, truth: &Truth) -> f64 {
    let mut alarms: Vec<BTreeSet<(u32, u32)>> = vec![BTreeSet::new(); grouping.root_of_group.len()];
    for (row, group) in grouping.group_of_row.iter().enumerate() {
        if let Some(group) = group {
            let alarm = &log.rows[row];
            alarms[*group].insert((alarm.alarm_type, alarm.device));
        }
    }
    let (mut pairs, mut related) = (0usize, 0usize);
    for distinct in &alarms {
        let distinct: Vec<(u32, u32)> = distinct.iter().copied().collect();
        for (i, &a) in distinct.iter().enumerate() {
            for &b in &distinct[i + 1..] {
                pairs += 1;
                related += usize::from(truth.related(a, b));
            }
        }
    }
    share(related, pairs)
}

/// The largest group's make-up: distinct devices and alarm types.
pub fn largest_group(log: &ReplayLog, grouping: &Grouping) -> (usize, usize) {
    let mut sizes = vec![0usize; grouping.root_of_group.len()];
    for group in grouping.group_of_row.iter().flatten() {
        sizes[*group] += 1;
    }
    let Some(largest) = (0..sizes.len()).max_by_key(|&g| sizes[g]) else {
        return (0, 0);
    };
    let rows = grouping
        .group_of_row
        .iter()
        .enumerate()
        .filter(|(_, g)| **g == Some(largest))
        .map(|(row, _)| log.rows[row]);
    let devices: BTreeSet<u32> = rows.clone().map(|r| r.device).collect();
    let types: BTreeSet<u32> = rows.map(|r| r.alarm_type).collect();
    (devices.len(), types.len())
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

fn percentile(sorted: &[usize], q: f64) -> usize {
    if sorted.is_empty() {
        return 0;
    }
    let at = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[at]
}
