//! A throwaway Zabbix 6.0 (Debian 12 packages, started by
//! tests/integration/zabbix/start.sh) and a client that scripts it as its
//! administrator would.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{free_port, wait_for};

/// The password of the Admin user of a fresh Zabbix database.
pub const ADMIN_PASSWORD: &str = "zabbix";
/// The hub reads the password from this variable of its environment.
pub const PASSWORD_ENV: &str = "NOC_TEST_ZABBIX_PASSWORD";

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/integration/zabbix")
        .join(name)
}

/// The Zabbix of one test run; stopped however the test ends.
pub struct Zabbix {
    dir: PathBuf,
    pub api: String,
    pub trapper_port: u16,
}

/// A free port below 32768: zabbix_server refuses a higher `ListenPort`, and the
/// kernel hands out ports from 32768 up.
fn free_trapper_port() -> u16 {
    (20_000..32_768)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port below 32768")
}

impl Zabbix {
    pub fn start(dir: &Path) -> Zabbix {
        let trapper_port = free_trapper_port();
        let output = Command::new(script("start.sh"))
            .arg(dir)
            .arg(free_port().to_string())
            .arg(trapper_port.to_string())
            .arg(free_port().to_string())
            .output()
            .expect("run tests/integration/zabbix/start.sh");
        let zabbix = Zabbix {
            dir: dir.to_path_buf(),
            api: String::from_utf8_lossy(&output.stdout).trim().to_string(),
            trapper_port,
        };
        assert!(
            output.status.success(),
            "start.sh failed (make deps-test installs the Zabbix packages):\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        zabbix
    }
}

impl Drop for Zabbix {
    fn drop(&mut self) {
        let _ = Command::new(script("stop.sh")).arg(&self.dir).status();
    }
}

/// A JSON-RPC client as a Zabbix 6.0 administrator would script it.
pub struct Admin {
    http: reqwest::Client,
    api: String,
    session: Option<String>,
}

impl Admin {
    pub async fn call(&self, method: &str, params: Value) -> Value {
        let mut body = json!({ "jsonrpc": "2.0", "method": method, "params": params, "id": 1 });
        if let Some(session) = &self.session {
            body["auth"] = json!(session);
        }
        let answer: Value = self
            .http
            .post(&self.api)
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    pub async fn login(http: reqwest::Client, api: &str) -> Admin {
        let mut admin = Admin {
            http,
            api: api.to_string(),
            session: None,
        };
        let session = admin
            .call(
                "user.login",
                json!({ "username": "Admin", "password": ADMIN_PASSWORD }),
            )
            .await;
        admin.session = Some(session.as_str().unwrap().to_string());
        admin
    }

    /// The id of the host group `name`.
    pub async fn group_id(&self, name: &str) -> Value {
        let groups = self
            .call(
                "hostgroup.get",
                json!({ "output": ["groupid"], "filter": { "name": [name] } }),
            )
            .await;
        groups[0]["groupid"].clone()
    }

    /// The id of the host whose technical name is `host`.
    pub async fn host_id(&self, host: &str) -> Value {
        let hosts = self
            .call(
                "host.get",
                json!({ "output": ["hostid"], "filter": { "host": [host] } }),
            )
            .await;
        hosts[0]["hostid"].clone()
    }

    /// A trapper item `key` on the host and a "high" trigger `description` that
    /// fires on the value 0.
    pub async fn add_trapper_trigger(
        &self,
        hostid: &Value,
        host: &str,
        key: &str,
        description: &str,
        tags: Value,
    ) {
        let item = json!({ "hostid": hostid, "name": description, "key_": key, "type": 2, "value_type": 3 });
        self.call("item.create", item).await;
        let trigger = json!({
            "description": description,
            "expression": format!("last(/{host}/{key})=0"),
            "priority": 4,
            "tags": tags,
        });
        self.call("trigger.create", trigger).await;
    }

    pub async fn open_problems(&self) -> Vec<Value> {
        let problems = self
            .call(
                "problem.get",
                json!({ "output": ["eventid", "name"], "recent": false }),
            )
            .await;
        problems.as_array().cloned().unwrap_or_default()
    }

    /// Sends "0" to the trapper item `key` of `host` until Zabbix opens a problem, and
    /// answers the first open problem.
    pub async fn raise_problem(&self, trapper_port: u16, host: &str, key: &str) -> Value {
        // Sent until there is a problem: the item and its trigger may reach the server's
        // configuration in different syncs, and a trigger only sees values after it.
        wait_for(
            "the problem in Zabbix",
            Duration::from_secs(120),
            || async move {
                // A trapper that does not listen yet gets the value in a later round.
                let _ = send_value(trapper_port, host, key, "0").await;
                self.open_problems().await.into_iter().next()
            },
        )
        .await
    }

    pub async fn acknowledgements(&self, eventid: &str) -> Vec<String> {
        let events = self
            .call(
                "event.get",
                json!({ "eventids": [eventid], "output": ["eventid"], "select_acknowledges": ["message"] }),
            )
            .await;
        events[0]["acknowledges"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|a| a["message"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Sends `value` for the trapper item `key` of `host` as zabbix_sender does (the
/// Zabbix protocol: "ZBXD", flags, little-endian length, JSON) and waits for the
/// server's answer.
pub async fn send_value(port: u16, host: &str, key: &str, value: &str) -> std::io::Result<()> {
    let data =
        json!({ "request": "sender data", "data": [{ "host": host, "key": key, "value": value }] });
    let payload = data.to_string().into_bytes();
    let mut frame = b"ZBXD\x01".to_vec();
    frame.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    frame.extend_from_slice(&payload);
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    stream.write_all(&frame).await?;
    stream.read_to_end(&mut Vec::new()).await?;
    Ok(())
}
