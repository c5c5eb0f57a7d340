//! What the data set says is related: the labelled causal graph between alarm types
//! (transitively) and the number of hops between devices on the physical topology.

use std::collections::VecDeque;

use noc_sources::replay::{AlarmRow, ReplayLog};

/// Hop counts beyond this are not told apart (no k of interest is that large).
const FAR: u16 = u16::MAX;

pub struct Truth {
    /// `reach[cause][effect]`: `effect` is reachable from `cause` (every type reaches
    /// itself: a repeat of the root's own alarm is the same fault).
    reach: Vec<Vec<bool>>,
    /// `hops[a][b]` on the undirected topology; `FAR` when not connected.
    hops: Vec<Vec<u16>>,
    pub k_hops: u16,
}

impl Truth {
    pub fn new(log: &ReplayLog, causal_edges: &[(u32, u32)], k_hops: u16) -> Self {
        let types = 1 + log
            .rows
            .iter()
            .map(|r| r.alarm_type)
            .chain(causal_edges.iter().flat_map(|&(a, b)| [a, b]))
            .max()
            .unwrap_or(0) as usize;
        let devices = 1 + log
            .rows
            .iter()
            .map(|r| r.device)
            .chain(log.links.iter().flat_map(|&(a, b)| [a, b]))
            .max()
            .unwrap_or(0) as usize;
        Self {
            reach: causal_reach(types, causal_edges),
            hops: device_hops(devices, &log.links),
            k_hops,
        }
    }

    /// `member` is explained by `root`: its type follows from the root's type in the
    /// causal graph and its device is within k hops of the root's device.
    pub fn explains(&self, root: &AlarmRow, member: &AlarmRow) -> bool {
        self.reach[root.alarm_type as usize][member.alarm_type as usize]
            && self.near(root.device, member.device)
    }

    /// Either alarm explains the other: the symmetric relation used for pairs.
    pub fn related(&self, a: (u32, u32), b: (u32, u32)) -> bool {
        let (ta, da) = a;
        let (tb, db) = b;
        (self.reach[ta as usize][tb as usize] || self.reach[tb as usize][ta as usize])
            && self.near(da, db)
    }

    fn near(&self, a: u32, b: u32) -> bool {
        self.hops(a, b) <= self.k_hops
    }

    /// Links between two devices (`u16::MAX` when not connected).
    pub fn hops(&self, a: u32, b: u32) -> u16 {
        self.hops[a as usize][b as usize]
    }

    /// How many devices are within k hops of at least one other device: shown so that
    /// the k-hop condition can be judged (on a dense network it would say little).
    pub fn mean_neighbourhood(&self) -> f64 {
        let n = self.hops.len();
        let total: usize = self
            .hops
            .iter()
            .map(|row| row.iter().filter(|&&h| h <= self.k_hops).count() - 1)
            .sum();
        total as f64 / n.max(1) as f64
    }
}

fn causal_reach(types: usize, edges: &[(u32, u32)]) -> Vec<Vec<bool>> {
    let mut next = vec![Vec::new(); types];
    for &(cause, effect) in edges {
        next[cause as usize].push(effect as usize);
    }
    (0..types)
        .map(|start| {
            let mut seen = vec![false; types];
            seen[start] = true;
            let mut queue = VecDeque::from([start]);
            while let Some(t) = queue.pop_front() {
                for &u in &next[t] {
                    if !seen[u] {
                        seen[u] = true;
                        queue.push_back(u);
                    }
                }
            }
            seen
        })
        .collect()
}

fn device_hops(devices: usize, links: &[(u32, u32)]) -> Vec<Vec<u16>> {
    let mut adjacent = vec![Vec::new(); devices];
    for &(a, b) in links {
        adjacent[a as usize].push(b as usize);
        adjacent[b as usize].push(a as usize);
    }
    (0..devices)
        .map(|start| {
            let mut hops = vec![FAR; devices];
            hops[start] = 0;
            let mut queue = VecDeque::from([start]);
            while let Some(d) = queue.pop_front() {
                for &e in &adjacent[d] {
                    if hops[e] == FAR {
                        hops[e] = hops[d] + 1;
                        queue.push_back(e);
                    }
                }
            }
            hops
        })
        .collect()
}
