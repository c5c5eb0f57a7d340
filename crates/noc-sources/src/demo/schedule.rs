//! The simulator's schedule: faults and flapping warnings, planned from the seed only.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use noc_model::{AlarmSignal, HealthStatus, Labels, Millis, Signal, SourceHealth};
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::catalogue::{self, Template};
use super::network::{demo_topology, layer_label, Network, NODES};
use super::{DemoConfig, DEMO_SOURCE};

/// Offsets on the simulated time line, in simulated milliseconds since the start.
type SimMs = i64;

/// Each kind of episode draws from its own random stream, so what one plans never
/// depends on when the other was planned (and so never on how often `due` is called).
const FAULTS: u64 = 1;
const FLAPS: u64 = 2;

/// A signal waiting for its time. Ties are broken by where it came from, never by
/// the order of planning.
struct Scheduled {
    at: Millis,
    stream: u64,
    episode: u64,
    step: u32,
    signal: Signal,
}

impl Scheduled {
    fn key(&self) -> (Millis, u64, u64, u32) {
        (self.at, self.stream, self.episode, self.step)
    }
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// One stream of episodes (faults, or flapping warnings).
struct Stream {
    rng: ChaCha8Rng,
    next: SimMs,
    episodes: u64,
    /// Per node: until when an episode of this stream occupies it.
    busy: Vec<SimMs>,
}

impl Stream {
    fn new(seed: u64, id: u64, first: SimMs) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(id);
        Self {
            rng,
            next: first,
            episodes: 0,
            busy: vec![0; NODES.len()],
        }
    }
}

/// One alarm of an episode, on the simulated time line.
struct Plan {
    node: usize,
    template: Template,
    cause: Option<usize>,
    /// Alternating firing/resolved times, starting with firing.
    fires: Vec<(SimMs, bool)>,
}

/// A simulated network that fails and recovers on a schedule fixed by seed, speed and
/// start alone.
pub struct Simulator {
    start: Millis,
    speed: f64,
    network: Network,
    faults: Stream,
    flaps: Stream,
    queue: BinaryHeap<Reverse<Scheduled>>,
}

impl Simulator {
    pub fn new(config: DemoConfig, start: Millis) -> Self {
        let speed = if config.speed.is_finite() && config.speed > 0.0 {
            config.speed
        } else {
            1.0
        };
        let mut sim = Self {
            start,
            speed,
            network: Network::new(),
            faults: Stream::new(config.seed, FAULTS, 3_000),
            flaps: Stream::new(config.seed, FLAPS, 25_000),
            queue: BinaryHeap::new(),
        };
        let health = SourceHealth {
            source: DEMO_SOURCE.into(),
            kind: "simulator".into(),
            status: HealthStatus::Ok,
            detail: format!("simulated network (seed {}, speed {}×)", config.seed, speed),
            since: start,
            last_ok: Some(start),
            demo: true,
        };
        sim.push(
            0,
            0,
            0,
            0,
            Signal::Topology {
                origin: format!("source:{DEMO_SOURCE}"),
                topology: demo_topology(),
            },
        );
        sim.push(0, 0, 0, 1, Signal::Health(health));
        sim
    }

    /// Every signal scheduled up to `now`, in time order.
    pub fn due(&mut self, now: Millis) -> Vec<Signal> {
        while self.real(self.faults.next) <= now {
            self.plan_fault();
        }
        while self.real(self.flaps.next) <= now {
            self.plan_flap();
        }
        let mut out = Vec::new();
        while self.queue.peek().is_some_and(|Reverse(s)| s.at <= now) {
            if let Some(Reverse(s)) = self.queue.pop() {
                out.push(s.signal);
            }
        }
        out
    }

    fn real(&self, offset: SimMs) -> Millis {
        self.start + (offset as f64 / self.speed).round() as Millis
    }

    fn push(&mut self, offset: SimMs, stream: u64, episode: u64, step: u32, signal: Signal) {
        let at = self.real(offset);
        self.queue.push(Reverse(Scheduled {
            at,
            stream,
            episode,
            step,
            signal,
        }));
    }

    /// A fault starts on one node and spreads to what depends on it, then recovers:
    /// the cause first, the symptoms after.
    fn plan_fault(&mut self) {
        let t0 = self.faults.next;
        let gap = self.faults.rng.random_range(20_000..60_000);
        self.faults.next += gap;
        let Some(root) = pick_root(&mut self.faults, t0) else {
            return;
        };
        let causes = catalogue::causes(NODES[root].product);
        let template = causes[self.faults.rng.random_range(0..causes.len())];
        let duration = self.faults.rng.random_range(30_000..180_000);
        let plans = spread(
            &mut self.faults,
            &self.network,
            root,
            template,
            t0,
            duration,
        );
        self.schedule(FAULTS, plans);
    }

    /// A standalone warning that comes and goes a few times, then settles.
    fn plan_flap(&mut self) {
        let t0 = self.flaps.next;
        let gap = self.flaps.rng.random_range(45_000..150_000);
        self.flaps.next += gap;
        let rng = &mut self.flaps.rng;
        let candidates: Vec<usize> = (0..NODES.len())
            .filter(|&i| !catalogue::wobbles(NODES[i].product).is_empty())
            .filter(|&i| self.flaps.busy[i] <= t0)
            .collect();
        if candidates.is_empty() {
            return;
        }
        let node = candidates[rng.random_range(0..candidates.len())];
        let wobbles = catalogue::wobbles(NODES[node].product);
        let template = wobbles[rng.random_range(0..wobbles.len())];
        let mut fires = Vec::new();
        let mut t = t0;
        for _ in 0..rng.random_range(2..=5) {
            fires.push((t, true));
            t += rng.random_range(4_000..15_000);
            fires.push((t, false));
            t += rng.random_range(5_000..20_000);
        }
        self.flaps.busy[node] = t;
        let plan = Plan {
            node,
            template,
            cause: None,
            fires,
        };
        self.schedule(FLAPS, vec![plan]);
    }

    fn schedule(&mut self, stream: u64, plans: Vec<Plan>) {
        let state = match stream {
            FAULTS => &mut self.faults,
            _ => &mut self.flaps,
        };
        state.episodes += 1;
        let episode = state.episodes;
        let mut step = 0;
        for plan in plans {
            let labels = self.labels(&plan);
            for (offset, firing) in &plan.fires {
                let signal = alarm_signal(&plan, labels.clone(), self.real(*offset), *firing);
                self.push(*offset, stream, episode, step, Signal::Alarm(signal));
                step += 1;
            }
        }
    }

    fn labels(&self, plan: &Plan) -> Labels {
        let spec = &NODES[plan.node];
        let mut labels = Labels::new();
        labels.insert("alertname".into(), plan.template.alertname.into());
        labels.insert("instance".into(), spec.id.into());
        labels.insert("layer".into(), layer_label(spec.product).into());
        labels.insert("severity".into(), plan.template.severity.as_str().into());
        labels.insert("job".into(), "demo".into());
        if let Some(system) = self.network.system[plan.node] {
            labels.insert("system".into(), NODES[system].name.into());
        }
        if let Some(site) = spec.site {
            labels.insert("site".into(), site.into());
        }
        labels
    }
}

fn pick_root(stream: &mut Stream, t0: SimMs) -> Option<usize> {
    let weights: Vec<u32> = NODES
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if stream.busy[i] <= t0 {
                s.product.fault_weight()
            } else {
                0
            }
        })
        .collect();
    let choice = WeightedIndex::new(&weights).ok()?;
    Some(choice.sample(&mut stream.rng))
}

/// The alarm storm: the root fires at `t0`, each dependent a few seconds after what it
/// needs, with less and less certainty further away; repeats while active; the root
/// clears after `duration`, each symptom some seconds after its cause.
fn spread(
    stream: &mut Stream,
    network: &Network,
    root: usize,
    template: Template,
    t0: SimMs,
    duration: SimMs,
) -> Vec<Plan> {
    let rng = &mut stream.rng;
    let mut hit = vec![false; NODES.len()];
    hit[root] = true;
    // (node, template, cause, fire at, clear at, depth)
    let mut storm = vec![(root, template, None, t0, t0 + duration, 0u32)];
    let mut i = 0;
    while i < storm.len() {
        let (node, template, _, fired, cleared, depth) = storm[i];
        i += 1;
        for &victim in &network.victims[node] {
            let chance = template.spread * 0.85f64.powi(depth as i32);
            if hit[victim] || stream.busy[victim] > t0 || !rng.random_bool(chance.min(1.0)) {
                continue;
            }
            hit[victim] = true;
            let symptom = catalogue::symptom(NODES[victim].product, NODES[node].product);
            let fire = fired + rng.random_range(800..4_000);
            let clear = (cleared + rng.random_range(1_000..15_000)).max(fire + 5_000);
            storm.push((victim, symptom, Some(node), fire, clear, depth + 1));
        }
    }
    storm
        .into_iter()
        .map(|(node, template, cause, fire, clear, _)| {
            stream.busy[node] = clear + 5_000;
            let mut fires = vec![(fire, true)];
            let mut t = fire + rng.random_range(15_000..40_000);
            while t < clear {
                if rng.random_bool(0.7) {
                    fires.push((t, true));
                }
                t += rng.random_range(15_000..40_000);
            }
            fires.push((clear, false));
            Plan {
                node,
                template,
                cause,
                fires,
            }
        })
        .collect()
}

fn alarm_signal(plan: &Plan, labels: Labels, at: Millis, firing: bool) -> AlarmSignal {
    let spec = &NODES[plan.node];
    let cause = plan.cause.map_or("", |c| NODES[c].id);
    let text = plan
        .template
        .text
        .replace("{node}", spec.id)
        .replace("{cause}", cause);
    AlarmSignal {
        source: DEMO_SOURCE.into(),
        key: format!("{}:{}", spec.id, plan.template.alertname),
        node: Some(spec.id.into()),
        severity: plan.template.severity,
        title: plan.template.title.into(),
        text,
        labels,
        at,
        firing,
    }
}
