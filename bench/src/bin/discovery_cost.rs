//! What one topology discovery costs: a Prometheus source and a Zabbix source, as
//! the hub runs them, discover an estate of `--hosts` machines (5,000 by default)
//! from a local endpoint that answers like Prometheus (`/api/v1/targets`, one node
//! exporter target per machine with site and rack labels) and like Zabbix 7.0
//! (`host.get`, one host per machine with an interface, two host groups and tags).
//! The Zabbix host's interface address is the Prometheus target's host, so the two
//! discoveries merge into one node per machine.
//!
//! Reports the size of each answer, the time from the source's start to its
//! topology signal (one poll: the alert or problem list, then the discovery), and
//! the engine's share (`Engine::on_signal` with each topology: the first load, the
//! merge of the second source, and the second source repeating itself unchanged).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use noc_engine::{Engine, EngineConfig};
use noc_model::{HttpAuth, SecretRef, Signal, SourceDefinition, SourceSettings, Topology};
use noc_sources::{Secret, SourceContext, SystemClock};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 5_000)]
    hosts: usize,
}

fn address(i: usize) -> String {
    format!("10.{}.{}.{}", i / 65_536 % 256, i / 256 % 256, i % 256)
}

fn targets_answer(hosts: usize) -> Vec<u8> {
    let targets: Vec<Value> = (0..hosts)
        .map(|i| {
            let instance = format!("{}:9100", address(i));
            let url = format!("http://{instance}/metrics");
            json!({
                "discoveredLabels": {"__address__": instance, "__metrics_path__": "/metrics", "__scheme__": "http", "job": "node"},
                "labels": {"instance": instance, "job": "node", "site": format!("dc{}", i % 4), "rack": format!("r{}", i % 200)},
                "scrapePool": "node", "scrapeUrl": url, "globalUrl": url, "lastError": "",
                "lastScrape": "2026-11-23T05:00:00.123456789Z", "lastScrapeDuration": 0.012,
                "health": "up", "scrapeInterval": "15s", "scrapeTimeout": "10s",
            })
        })
        .collect();
    json!({"status": "success", "data": {"activeTargets": targets, "droppedTargets": []}})
        .to_string()
        .into_bytes()
}

fn hosts_result(hosts: usize) -> Value {
    let list: Vec<Value> = (0..hosts)
        .map(|i| {
            json!({
                "hostid": (10_600 + i).to_string(), "host": format!("host-{i}"),
                "name": format!("Host {i}"), "status": "0",
                "interfaces": [{"ip": address(i), "dns": format!("host-{i}.example.net"), "useip": "1", "main": "1"}],
                "tags": [{"tag": "site", "value": format!("dc{}", i % 4)}, {"tag": "service", "value": "web"}],
                "inventory": [],
                "hostgroups": [{"name": "Linux servers"}, {"name": format!("Apps/team-{}", i % 20)}],
            })
        })
        .collect();
    Value::Array(list)
}

/// The answers of the fake, by what was asked: a path for Prometheus, a JSON-RPC
/// method for Zabbix.
struct Answers {
    by_key: HashMap<String, Vec<u8>>,
}

impl Answers {
    fn answer(&self, path: &str, body: &[u8]) -> Vec<u8> {
        if path.starts_with("/api_jsonrpc.php") {
            let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let method = request["method"].as_str().unwrap_or_default();
            let result = match self.by_key.get(method) {
                Some(bytes) => serde_json::from_slice::<Value>(bytes).unwrap_or(Value::Null),
                None => json!([]),
            };
            return json!({"jsonrpc": "2.0", "result": result, "id": request["id"]})
                .to_string()
                .into_bytes();
        }
        let key = path.split('?').next().unwrap_or(path);
        self.by_key
            .get(key)
            .cloned()
            .unwrap_or_else(|| br#"{"status":"success","data":{"alerts":[],"groups":[]}}"#.to_vec())
    }
}

/// A minimal HTTP/1.1 server: one request per connection, answered and closed.
async fn serve(answers: Arc<Answers>) -> anyhow::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let answers = answers.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut chunk = [0u8; 8192];
                let (head_end, length) = loop {
                    let Ok(n) = socket.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&chunk[..n]);
                    if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        break (end + 4, length);
                    }
                };
                while request.len() < head_end + length {
                    let Ok(n) = socket.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&request[..head_end]);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let body = answers.answer(&path, &request[head_end..]);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    Ok(format!("http://{addr}"))
}

/// Starts the source and waits for its topology; the time it took and the topology.
async fn first_topology(
    definition: SourceDefinition,
    secret: Option<Secret>,
) -> anyhow::Result<(Duration, Topology)> {
    let (signals, mut rx) = mpsc::channel(1024);
    let (probe_results, _keep) = mpsc::channel(1);
    let shutdown = CancellationToken::new();
    let ctx = SourceContext {
        clock: Arc::new(SystemClock),
        signals,
        probe_results,
        shutdown: shutdown.clone(),
        secret,
    };
    let started = Instant::now();
    noc_sources::spawn(&definition, ctx).context("start the source")?;
    let topology = loop {
        match tokio::time::timeout(Duration::from_secs(120), rx.recv()).await {
            Ok(Some(Signal::Topology { topology, .. })) => break topology,
            Ok(Some(Signal::Health(health))) if !health.detail.is_empty() => {
                bail!("{}: {}", definition.name, health.detail)
            }
            Ok(Some(_)) => {}
            _ => bail!("{} sent no topology", definition.name),
        }
    };
    let took = started.elapsed();
    shutdown.cancel();
    Ok((took, topology))
}

/// What the engine does with one topology signal: the time, and whether it recorded
/// a change.
fn signal(engine: &mut Engine, origin: &str, topology: &Topology) -> (Duration, bool) {
    let started = Instant::now();
    let events = engine.on_signal(
        Signal::Topology {
            origin: origin.to_string(),
            topology: topology.clone(),
        },
        0,
    );
    (started.elapsed(), !events.is_empty())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let targets = targets_answer(args.hosts);
    let hosts = json!(hosts_result(args.hosts)).to_string().into_bytes();
    let zabbix_bytes = hosts.len();
    let answers = Arc::new(Answers {
        by_key: HashMap::from([
            ("/api/v1/targets".to_string(), targets.clone()),
            ("apiinfo.version".to_string(), br#""7.0.5""#.to_vec()),
            ("host.get".to_string(), hosts),
        ]),
    });
    let base = serve(answers).await?;

    let prometheus = SourceDefinition {
        name: "prom".into(),
        enabled: true,
        interval_secs: Some(60),
        timeout_secs: Some(30),
        node: None,
        settings: SourceSettings::Prometheus {
            url: base.clone(),
            auth: None::<HttpAuth>,
            targets: false,
            kpis: Vec::new(),
            discover_topology: true,
        },
    };
    let zabbix = SourceDefinition {
        name: "zbx".into(),
        settings: SourceSettings::Zabbix {
            url: format!("{base}/api_jsonrpc.php"),
            user: None,
            secret: SecretRef::Env {
                name: "UNUSED".into(),
            },
            discover_topology: true,
        },
        ..prometheus.clone()
    };
    let (prom_took, prom_topology) = first_topology(prometheus, None).await?;
    let (zbx_took, zbx_topology) = first_topology(zabbix, Some(Secret::new("token"))).await?;

    let mut engine = Engine::new(EngineConfig::default());
    let (prom_load, _) = signal(&mut engine, "source:prom", &prom_topology);
    let (zbx_load, _) = signal(&mut engine, "source:zbx", &zbx_topology);
    let (again, changed) = signal(&mut engine, "source:zbx", &zbx_topology);
    let state = engine.state().topology.clone();
    let shared = state.nodes.iter().filter(|n| n.origins.len() == 2).count();

    println!("machines: {}", args.hosts);
    println!(
        "Prometheus: answer {:.2} MB ({} B a target), start → topology {}, {} nodes / {} relations",
        targets.len() as f64 / 1e6,
        targets.len() / args.hosts.max(1),
        ms(prom_took),
        prom_topology.nodes.len(),
        prom_topology.relations.len()
    );
    println!(
        "Zabbix: answer {:.2} MB ({} B a host), start → topology {}, {} nodes / {} relations",
        zabbix_bytes as f64 / 1e6,
        zabbix_bytes / args.hosts.max(1),
        ms(zbx_took),
        zbx_topology.nodes.len(),
        zbx_topology.relations.len()
    );
    println!(
        "engine: load Prometheus {}, load Zabbix (merge) {}, Zabbix again unchanged {} (changed: {changed})",
        ms(prom_load),
        ms(zbx_load),
        ms(again)
    );
    println!(
        "merged: {} nodes, {} relations, {shared} nodes known to both",
        state.nodes.len(),
        state.relations.len()
    );
    if changed || shared < args.hosts {
        bail!("the discoveries did not merge as expected");
    }
    Ok(())
}
