//! Zabbix as a source: polls the open problems of a Zabbix 6.0–7.x through its
//! JSON-RPC API (`…/api_jsonrpc.php`), one alarm per problem, on the host of the
//! problem's trigger; a problem that is no longer open is resolved. Operators can
//! acknowledge a problem in Zabbix from the console. Its hosts and host groups also
//! describe the estate: see [`discovery`].

mod discovery;
#[cfg(test)]
mod fake;
mod problem;
mod rpc;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use noc_model::{Clock, HealthStatus, Millis, Signal, SourceDefinition, SourceSettings, Topology};
use serde::Deserialize;
use serde_json::json;
use thiserror::Error;
use tokio::sync::mpsc::Sender;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::discovery::Schedule;
use crate::polling::{self, FetchError, Observed, PollConfig};
use crate::source::{poll_config, CheckOutcome, Secret, SourceContext, SourceError};
use problem::{Context, Problem, Trigger};
use rpc::{Connection, Credentials, RpcError};

/// The `kind` of this source's health reports.
pub const KIND: &str = "zabbix";

const PRODUCT: &str = "Zabbix";

/// `event.acknowledge` action bits (6.0+): 2 acknowledge, 4 add a message.
const ACKNOWLEDGE_WITH_MESSAGE: u32 = 2 | 4;

#[derive(Debug, Error)]
pub enum ZabbixError {
    /// Unreachable, refused credentials, an answer that is not JSON-RPC.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// Zabbix understood the call and refused it.
    #[error("Zabbix refused {method}: {error}")]
    Api { method: String, error: RpcError },
    #[error("Zabbix {0} is not supported: the console needs Zabbix 6.0 or newer")]
    Unsupported(String),
    #[error("Zabbix accepted the acknowledgement of event {0}, but reading the event back does not show it")]
    NotConfirmed(String),
    #[error(transparent)]
    Definition(#[from] SourceError),
}

impl ZabbixError {
    pub fn status(&self) -> HealthStatus {
        match self {
            ZabbixError::Fetch(err) => err.status(),
            _ => HealthStatus::BadPayload,
        }
    }

    fn into_fetch(self) -> FetchError {
        match self {
            ZabbixError::Fetch(err) => err,
            other => FetchError::BadPayload(other.to_string()),
        }
    }
}

/// The API URL and the credentials of a Zabbix definition.
fn connection(
    definition: &SourceDefinition,
    secret: Option<Secret>,
) -> Result<Connection, SourceError> {
    let SourceSettings::Zabbix { url, user, .. } = &definition.settings else {
        return Err(SourceError::Invalid(format!(
            "{} is not a Zabbix source",
            definition.name
        )));
    };
    let secret = secret.ok_or_else(|| SourceError::MissingSecret(definition.name.clone()))?;
    let credentials = match user.as_ref().filter(|u| !u.trim().is_empty()) {
        Some(user) => Credentials::Password {
            user: user.clone(),
            password: secret,
        },
        None => Credentials::Token(secret),
    };
    Ok(Connection::new(url.clone(), credentials))
}

fn http_client(config: &PollConfig) -> Result<reqwest::Client, ZabbixError> {
    reqwest::Client::builder()
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .build()
        .map_err(|err| {
            ZabbixError::Fetch(FetchError::Unreachable {
                product: PRODUCT,
                cause: format!("cannot create HTTP client: {err}"),
            })
        })
}

/// Polls the Zabbix of `definition` until `ctx.shutdown` or until nobody listens.
pub fn spawn(
    definition: &SourceDefinition,
    ctx: SourceContext,
) -> Result<JoinHandle<()>, SourceError> {
    let connection = connection(definition, ctx.secret)?;
    let config = poll_config(definition, connection.url());
    let discovery = definition
        .settings
        .discovers_topology()
        .then(|| Schedule::for_interval(config.interval));
    Ok(spawn_polling(
        config,
        Session {
            connection,
            discovery,
        },
        definition.node.clone(),
        ctx.clock,
        ctx.signals,
        ctx.shutdown,
    ))
}

/// What the polls of one run share: the connection, and when discovery is due
/// (`None` with discovery turned off).
struct Session {
    connection: Connection,
    discovery: Option<Schedule>,
}

fn spawn_polling(
    config: PollConfig,
    session: Session,
    fallback_node: Option<String>,
    clock: Arc<dyn Clock>,
    out: Sender<Signal>,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    let source = config.name.clone();
    let api_url = config.url.clone();
    let session = Arc::new(Mutex::new(session));
    tokio::spawn(polling::run(
        config,
        KIND,
        clock,
        out,
        shutdown,
        move |client, now| {
            let session = session.clone();
            let source = source.clone();
            let api_url = api_url.clone();
            let fallback_node = fallback_node.clone();
            async move {
                let mut session = session.lock().await;
                let Session {
                    connection,
                    discovery,
                } = &mut *session;
                let target = Target {
                    source: &source,
                    api_url: &api_url,
                    fallback_node: fallback_node.as_deref(),
                };
                let result = observe(connection, &client, &target, now).await;
                if result.is_err() {
                    connection.forget_version();
                }
                let mut observed = result.map_err(ZabbixError::into_fetch)?;
                if let Some(schedule) = discovery {
                    if schedule.due() {
                        match discover(connection, &client).await {
                            Ok(topology) => {
                                observed.topology = Some(topology);
                                schedule.succeeded();
                            }
                            Err(err) => schedule.failed(err.to_string()),
                        }
                    }
                    observed.failed_members.extend(schedule.failure());
                }
                Ok(observed)
            }
        },
    ))
}

/// Who the alarms of one poll belong to.
struct Target<'a> {
    source: &'a str,
    api_url: &'a str,
    fallback_node: Option<&'a str>,
}

/// One poll: the open problems, and the hosts of their triggers.
async fn observe(
    connection: &mut Connection,
    client: &reqwest::Client,
    target: &Target<'_>,
    now: Millis,
) -> Result<Observed, ZabbixError> {
    let problems: Vec<Problem> = connection
        .call(client, "problem.get", problem::problems_params())
        .await?;
    let triggers: Vec<Trigger> = match problem::triggers_params(&problems) {
        Some(params) => connection.call(client, "trigger.get", params).await?,
        None => Vec::new(),
    };
    let triggers: BTreeMap<String, Trigger> = triggers
        .into_iter()
        .map(|t| (t.triggerid.clone(), t))
        .collect();
    let ctx = Context {
        source: target.source,
        api_url: target.api_url,
        fallback_node: target.fallback_node,
        triggers: &triggers,
        at: now,
    };
    let mut observed = Observed::default();
    for problem in &problems {
        let (alarm, unmapped) = problem.to_signal(&ctx);
        observed.record(alarm, unmapped.as_deref());
    }
    Ok(observed)
}

/// The hosts and host groups as the topology; a failure leaves the alarms alone.
async fn discover(
    connection: &mut Connection,
    client: &reqwest::Client,
) -> Result<Topology, ZabbixError> {
    let version = connection.version(client).await?;
    let params = discovery::hosts_params(version.has_host_groups());
    let hosts: Vec<discovery::Host> = connection.call(client, "host.get", params).await?;
    if hosts.is_empty() {
        // Zabbix lists only the hosts the user may read: an empty list is far more
        // often missing permissions than an empty estate, and must not wipe it out.
        return Err(ZabbixError::Fetch(FetchError::BadPayload(
            "Zabbix lists no hosts: does the user have read access to their host groups?".into(),
        )));
    }
    Ok(discovery::estate(&hosts))
}

/// "Test connection": the version, and how many problems are open.
pub async fn check(definition: &SourceDefinition, secret: Option<Secret>) -> CheckOutcome {
    let failed = |err: ZabbixError| (err.status(), err.to_string());
    let mut connection = connection(definition, secret).map_err(|e| failed(e.into()))?;
    let client = http_client(&poll_config(definition, "")).map_err(failed)?;
    let version = connection.version(&client).await.map_err(failed)?;
    let count: String = connection
        .call(
            &client,
            "problem.get",
            json!({ "countOutput": true, "recent": false }),
        )
        .await
        .map_err(failed)?;
    Ok((format!("{count} problems"), Some(version.text)))
}

#[derive(Deserialize)]
struct AcknowledgedEvent {
    acknowledged: String,
    #[serde(default)]
    acknowledges: Vec<Acknowledgement>,
}

#[derive(Deserialize)]
struct Acknowledgement {
    message: String,
}

/// Acknowledges the problem `eventid` in Zabbix with `message`, and reads the event
/// back: only an acknowledgement Zabbix shows counts as done.
pub async fn acknowledge(
    definition: &SourceDefinition,
    secret: Option<Secret>,
    eventid: &str,
    message: &str,
) -> Result<(), ZabbixError> {
    let mut connection = connection(definition, secret)?;
    let client = http_client(&poll_config(definition, ""))?;
    let params = json!({
        "eventids": [eventid],
        "action": ACKNOWLEDGE_WITH_MESSAGE,
        "message": message,
    });
    let _: serde_json::Value = connection
        .call(&client, "event.acknowledge", params)
        .await?;
    let params = json!({
        "eventids": [eventid],
        "output": ["eventid", "acknowledged"],
        "select_acknowledges": ["message", "action", "clock"],
    });
    let events: Vec<AcknowledgedEvent> = connection.call(&client, "event.get", params).await?;
    let confirmed = events.iter().any(|event| {
        event.acknowledged == "1" && event.acknowledges.iter().any(|a| a.message == message)
    });
    if confirmed {
        Ok(())
    } else {
        Err(ZabbixError::NotConfirmed(eventid.to_string()))
    }
}
