//! The source sections of `noc.toml`: one array of tables per kind, each entry
//! becoming a [`SourceDefinition`], checked with the line of the offending key.

use noc_model::{
    BlackboxProbe, DnsProbe, HttpAuth, HttpProbe, IcmpProbe, KpiQuery, SecretRef, SourceDefinition,
    SourceSettings, TcpProbe,
};
use serde::Deserialize;
use toml::Spanned;

/// A checking failure: the byte offset of the offending value and what is wrong.
pub type Refusal = (usize, String);

/// Every source section has these keys besides its own.
macro_rules! source_section {
    ($(#[$doc:meta])* $section:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $section {
            /// Shown on the board; part of every alarm's identity.
            pub name: Spanned<String>,
            #[serde(default = "enabled")]
            pub enabled: bool,
            pub interval_secs: Option<Spanned<u32>>,
            pub timeout_secs: Option<Spanned<u32>>,
            /// The topology node the source's alarms belong to when they name none.
            pub node: Option<String>,
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        impl $section {
            fn common(&self, settings: SourceSettings) -> SourceDefinition {
                SourceDefinition {
                    name: self.name.get_ref().trim().to_string(),
                    enabled: self.enabled,
                    interval_secs: self.interval_secs.as_ref().map(|s| *s.get_ref()),
                    timeout_secs: self.timeout_secs.as_ref().map(|s| *s.get_ref()),
                    node: self.node.clone(),
                    settings,
                }
            }

            fn spans(&self) -> Vec<(&'static str, Option<(usize, u32)>)> {
                [("interval_secs", &self.interval_secs), ("timeout_secs", &self.timeout_secs)]
                    .into_iter()
                    .map(|(key, v)| (key, v.as_ref().map(|s| (s.span().start, *s.get_ref()))))
                    .collect()
            }
        }
    };
}

fn enabled() -> bool {
    true
}

source_section!(
    /// `[[alertmanager]]`: one Alertmanager (`url`) or the members of one HA cluster (`urls`).
    AlertmanagerSection {
        url: Option<Spanned<String>>,
        #[serde(default)]
        urls: Vec<Spanned<String>>,
        user: Option<String>,
        /// The environment variable holding the password or bearer token.
        secret_env: Option<Spanned<String>>,
    }
);

source_section!(
    /// `[[prometheus]]`: a Prometheus server's alerts, rules, targets and KPI queries.
    PrometheusSection {
        url: Spanned<String>,
        user: Option<String>,
        secret_env: Option<Spanned<String>>,
        #[serde(default)]
        targets: bool,
        #[serde(default)]
        kpi: Vec<KpiQuery>,
        /// Topology from the scrape targets and their labels (docs/discovery.md).
        #[serde(default = "enabled")]
        discover_topology: bool,
    }
);

source_section!(
    /// `[[zabbix]]`: a Zabbix API; with `user` the secret is the password, else an API token.
    ZabbixSection {
        url: Spanned<String>,
        user: Option<String>,
        secret_env: Spanned<String>,
        /// Topology from the hosts and host groups (docs/discovery.md).
        #[serde(default = "enabled")]
        discover_topology: bool,
    }
);

source_section!(
    /// `[[http_probe]]`
    HttpProbeSection {
        url: Spanned<String>,
        method: Option<String>,
        #[serde(default)]
        expect_status: Vec<u16>,
        keyword: Option<String>,
        regex: Option<String>,
        json_path: Option<String>,
        json_equals: Option<String>,
        cert_warn_days: Option<u32>,
        user: Option<String>,
        secret_env: Option<Spanned<String>>,
    }
);

source_section!(
    /// `[[tcp_probe]]`
    TcpProbeSection { host: String, port: u16 }
);

source_section!(
    /// `[[dns_probe]]`: `query` is the DNS name asked (`name` names the source).
    DnsProbeSection {
        query: String,
        record_type: Option<String>,
        #[serde(default)]
        resolvers: Vec<String>,
        #[serde(default)]
        expected: Vec<String>,
    }
);

source_section!(
    /// `[[icmp_probe]]`
    IcmpProbeSection { host: String }
);

source_section!(
    /// `[[blackbox_probe]]`
    BlackboxProbeSection { exporter_url: Spanned<String>, module: String, target: String }
);

/// The secret reference of `secret_env`, checked to be a variable name.
fn env_ref(var: &Spanned<String>) -> Result<SecretRef, Refusal> {
    let name = var.get_ref().trim();
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !valid {
        return Err((
            var.span().start,
            "secret_env must be the name of an environment variable (e.g. NOC_AM_TOKEN), \
             not the secret itself"
                .to_string(),
        ));
    }
    Ok(SecretRef::Env {
        name: name.to_string(),
    })
}

fn auth(
    user: &Option<String>,
    secret_env: &Option<Spanned<String>>,
) -> Result<Option<HttpAuth>, Refusal> {
    match secret_env {
        Some(var) => Ok(Some(HttpAuth {
            user: user.clone().filter(|u| !u.trim().is_empty()),
            secret: env_ref(var)?,
        })),
        None => Ok(None),
    }
}

/// One section entry, whatever its kind.
pub trait SourceSection {
    fn definition(&self) -> Result<SourceDefinition, Refusal>;
    fn name_at(&self) -> usize;
    fn url_at(&self) -> Option<usize>;
    fn numbers(&self) -> Vec<(&'static str, Option<(usize, u32)>)>;
}

macro_rules! section_basics {
    ($url:expr) => {
        fn name_at(&self) -> usize {
            self.name.span().start
        }
        fn url_at(&self) -> Option<usize> {
            let url: fn(&Self) -> Option<usize> = $url;
            url(self)
        }
        fn numbers(&self) -> Vec<(&'static str, Option<(usize, u32)>)> {
            self.spans()
        }
    };
}

impl SourceSection for AlertmanagerSection {
    section_basics!(|s| s.url.as_ref().or(s.urls.first()).map(|u| u.span().start));

    fn definition(&self) -> Result<SourceDefinition, Refusal> {
        let mut urls: Vec<String> = self.url.iter().map(|u| u.get_ref().clone()).collect();
        urls.extend(self.urls.iter().map(|u| u.get_ref().clone()));
        if urls.is_empty() {
            return Err((self.name_at(), "alertmanager needs url or urls".to_string()));
        }
        let auth = auth(&self.user, &self.secret_env)?;
        Ok(self.common(SourceSettings::Alertmanager { urls, auth }))
    }
}

impl SourceSection for PrometheusSection {
    section_basics!(|s| Some(s.url.span().start));

    fn definition(&self) -> Result<SourceDefinition, Refusal> {
        Ok(self.common(SourceSettings::Prometheus {
            url: self.url.get_ref().clone(),
            auth: auth(&self.user, &self.secret_env)?,
            targets: self.targets,
            kpis: self.kpi.clone(),
            discover_topology: self.discover_topology,
        }))
    }
}

impl SourceSection for ZabbixSection {
    section_basics!(|s| Some(s.url.span().start));

    fn definition(&self) -> Result<SourceDefinition, Refusal> {
        Ok(self.common(SourceSettings::Zabbix {
            url: self.url.get_ref().clone(),
            user: self.user.clone().filter(|u| !u.trim().is_empty()),
            secret: env_ref(&self.secret_env)?,
            discover_topology: self.discover_topology,
        }))
    }
}

impl SourceSection for HttpProbeSection {
    section_basics!(|s| Some(s.url.span().start));

    fn definition(&self) -> Result<SourceDefinition, Refusal> {
        let probe = HttpProbe {
            url: self.url.get_ref().clone(),
            method: self.method.clone(),
            expect_status: self.expect_status.clone(),
            keyword: self.keyword.clone(),
            regex: self.regex.clone(),
            json_path: self.json_path.clone(),
            json_equals: self.json_equals.clone(),
            cert_warn_days: self.cert_warn_days,
            auth: auth(&self.user, &self.secret_env)?,
        };
        Ok(self.common(SourceSettings::HttpProbe(probe)))
    }
}

impl SourceSection for TcpProbeSection {
    section_basics!(|_| None);

    fn definition(&self) -> Result<SourceDefinition, Refusal> {
        Ok(self.common(SourceSettings::TcpProbe(TcpProbe {
            host: self.host.clone(),
            port: self.port,
        })))
    }
}

impl SourceSection for DnsProbeSection {
    section_basics!(|_| None);

    fn definition(&self) -> Result<SourceDefinition, Refusal> {
        Ok(self.common(SourceSettings::DnsProbe(DnsProbe {
            name: self.query.clone(),
            record_type: self.record_type.clone(),
            resolvers: self.resolvers.clone(),
            expected: self.expected.clone(),
        })))
    }
}

impl SourceSection for IcmpProbeSection {
    section_basics!(|_| None);

    fn definition(&self) -> Result<SourceDefinition, Refusal> {
        Ok(self.common(SourceSettings::IcmpProbe(IcmpProbe {
            host: self.host.clone(),
        })))
    }
}

impl SourceSection for BlackboxProbeSection {
    section_basics!(|s| Some(s.exporter_url.span().start));

    fn definition(&self) -> Result<SourceDefinition, Refusal> {
        Ok(self.common(SourceSettings::BlackboxProbe(BlackboxProbe {
            exporter_url: self.exporter_url.get_ref().clone(),
            module: self.module.clone(),
            target: self.target.clone(),
        })))
    }
}

/// Checks one entry: numbers at least 1, then the definition as the hub checks
/// those from the Sources page. `section` names the table in messages.
pub fn check(section: &str, entry: &dyn SourceSection) -> Result<SourceDefinition, Refusal> {
    for (key, value) in entry.numbers() {
        if let Some((at, 0)) = value {
            return Err((at, format!("{section}.{key} must be at least 1")));
        }
    }
    let definition = entry.definition()?;
    if let Err(err) = noc_sources::validate(&definition) {
        let text = err.to_string();
        return Err(if text.starts_with("URL") {
            (
                entry.url_at().unwrap_or(entry.name_at()),
                format!("{section}.url: {text}"),
            )
        } else {
            (entry.name_at(), format!("{section}.name: {text}"))
        });
    }
    Ok(definition)
}
