//! Operator accounts, login sessions, wall devices and the audit trail: who may sign
//! in, as what, and what they did. The hub's launch token stays as it is (admin, at
//! the hub's own machine); accounts are for everyone else.
//!
//! Tokens carry a prefix (`s.` session, `d.` device) so one lookup finds them; the
//! store keeps only their SHA-256. Account changes are also events in the log
//! (names and roles, never hashes or tokens), so they show in history.

pub mod audit;
pub mod devices;
pub mod passwords;
pub mod sessions;
pub mod throttle;

use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use noc_model::{Action, Clock, EventBody, Millis, Role};
use noc_store::accounts::{OperatorRecord, SessionRecord, AUDIT_KEEP_MS, AUDIT_KEEP_ROWS};
use noc_store::{AccountRecords, AuditEntry, AuditQuery};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use crate::{ApiError, Caller, Console, Credential};
use devices::{DeviceCache, DeviceRequest, DeviceView, LiveDevice, RegisteredDevice};
use sessions::{
    LiveSession, SessionCache, SessionPolicy, SessionUse, DEVICE_PREFIX, SESSION_PREFIX,
};
use throttle::Throttle;

pub use audit::{Attempt, AuditParams};

pub const MAX_NAME_CHARS: usize = 64;
/// The password the name-unknown path checks against, so it takes as long.
const DUMMY_PASSWORD: &str = "no account has this password";

/// An operator as the roster and the admin screen show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OperatorView {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: Millis,
    pub last_login_at: Option<Millis>,
}

impl From<&OperatorRecord> for OperatorView {
    fn from(o: &OperatorRecord) -> Self {
        Self {
            name: o.name.clone(),
            display_name: o.display_name.clone(),
            role: o.role,
            disabled: o.disabled,
            created_at: o.created_at,
            last_login_at: o.last_login_at,
        }
    }
}

/// Who signed in, in a login answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SignedIn {
    pub name: String,
    pub display_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub name: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LoginAnswer {
    /// The session token: send it as `Authorization: Bearer …`.
    pub token: String,
    /// When the session ends if not used again (unix ms).
    pub expires_at: Millis,
    pub operator: SignedIn,
    pub actions: Vec<Action>,
}

/// The caller, as `GET /api/session` tells the UI.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub actions: Vec<Action>,
    pub credential: Credential,
    /// When the session ends if not used again; `null` for the launch token and devices.
    pub expires_at: Option<Millis>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewOperator {
    pub name: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub password: String,
}

/// What to change of an operator; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OperatorChange {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub password: Option<String>,
    pub disabled: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// Accounts, sessions, devices, the login throttle and the audit trail of one hub.
/// Cheap to clone.
#[derive(Clone)]
pub struct Accounts {
    inner: Arc<Inner>,
}

struct Inner {
    console: Console,
    records: AccountRecords,
    clock: Arc<dyn Clock>,
    policy: SessionPolicy,
    sessions: Mutex<SessionCache>,
    devices: Mutex<DeviceCache>,
    throttle: Mutex<Throttle>,
    /// Account changes one at a time, so the last-admin check holds.
    changes: tokio::sync::Mutex<()>,
    dummy_hash: OnceCell<String>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn wrong_credentials() -> ApiError {
    ApiError::new(401, "wrong_credentials", "wrong name or password")
}

fn unauthorized() -> ApiError {
    ApiError::new(
        401,
        "unauthorized",
        "a valid access token is required: sign in, or open the URL the hub printed at start",
    )
}

fn session_expired() -> ApiError {
    ApiError::new(
        401,
        "session_expired",
        "the session has ended: sign in again",
    )
}

impl Accounts {
    pub fn new(console: &Console, clock: Arc<dyn Clock>, policy: SessionPolicy) -> Self {
        Self {
            inner: Arc::new(Inner {
                records: console.shared.store.accounts().clone(),
                console: console.clone(),
                clock,
                policy,
                sessions: Mutex::default(),
                devices: Mutex::default(),
                throttle: Mutex::default(),
                changes: tokio::sync::Mutex::new(()),
                dummy_hash: OnceCell::new(),
            }),
        }
    }

    pub fn policy(&self) -> SessionPolicy {
        self.inner.policy
    }

    fn now(&self) -> Millis {
        self.inner.clock.now()
    }

    fn records(&self) -> &AccountRecords {
        &self.inner.records
    }

    /// Drops ended sessions and audit entries past retention; run at start.
    pub async fn prune(&self) -> Result<(), ApiError> {
        let now = self.now();
        self.records()
            .prune_sessions(now - self.inner.policy.idle_ms, now)
            .await?;
        self.records()
            .prune_audit(now - AUDIT_KEEP_MS, AUDIT_KEEP_ROWS)
            .await?;
        Ok(())
    }

    /// Checks `name` and `password`, throttled by name and by address; on success a
    /// new session.
    pub async fn login(
        &self,
        request: LoginRequest,
        address: Option<IpAddr>,
    ) -> Result<LoginAnswer, ApiError> {
        let keys = throttle_keys(&request.name, address);
        self.check_throttle(&keys)?;
        let operator = self.records().operator(&request.name).await?;
        let phc = match &operator {
            Some(o) => o.password_hash.clone(),
            None => self.dummy_hash().await?,
        };
        let matches = passwords::verify_blocking(request.password, phc).await;
        let Some(operator) = operator.filter(|_| matches) else {
            lock(&self.inner.throttle).failed(&keys, self.now());
            return Err(wrong_credentials());
        };
        if operator.disabled {
            return Err(ApiError::new(
                403,
                "account_disabled",
                format!("the account {} is disabled: ask an admin", operator.name),
            ));
        }
        lock(&self.inner.throttle).succeeded(&keys);
        let (token, expires_at) = self.start_session(&operator, address).await?;
        Ok(LoginAnswer {
            token,
            expires_at,
            operator: SignedIn {
                name: operator.name,
                display_name: operator.display_name,
                role: operator.role,
            },
            actions: operator.role.actions(),
        })
    }

    fn check_throttle(&self, keys: &[String]) -> Result<(), ApiError> {
        lock(&self.inner.throttle)
            .check(keys, self.now())
            .map_err(|wait_ms| {
                let secs = (wait_ms + 999) / 1000;
                ApiError::new(
                    429,
                    "too_many_attempts",
                    format!("too many failed sign-ins: try again in {secs} s"),
                )
            })
    }

    /// Seconds until `name` (from `address`) may try again, when locked out.
    pub fn retry_after_secs(&self, name: &str, address: Option<IpAddr>) -> Option<u64> {
        let keys = throttle_keys(name, address);
        let wait_ms = lock(&self.inner.throttle).check(&keys, self.now()).err()?;
        u64::try_from((wait_ms + 999) / 1000).ok()
    }

    async fn dummy_hash(&self) -> Result<String, ApiError> {
        self.inner
            .dummy_hash
            .get_or_try_init(|| passwords::hash_blocking(DUMMY_PASSWORD.to_string()))
            .await
            .cloned()
    }

    async fn start_session(
        &self,
        operator: &OperatorRecord,
        address: Option<IpAddr>,
    ) -> Result<(String, Millis), ApiError> {
        let now = self.now();
        let (token, hash) = sessions::new_token(SESSION_PREFIX)?;
        let record = SessionRecord {
            token_hash: hash.clone(),
            operator: operator.name.clone(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + self.inner.policy.longest_ms,
            address: address.map(|a| a.to_string()),
        };
        self.records().start_session(&record).await?;
        let live = LiveSession {
            operator: operator.name.clone(),
            role: operator.role,
            expires_at: record.expires_at,
            last_seen_at: now,
            written_at: now,
        };
        let ends_at = live.ends_at(self.inner.policy);
        lock(&self.inner.sessions).insert(hash, live, now, self.inner.policy);
        Ok((token, ends_at))
    }

    /// The caller a session or device token stands for; other tokens are not ours.
    pub async fn authenticate(
        &self,
        token: &str,
        address: Option<IpAddr>,
    ) -> Result<Caller, ApiError> {
        if token.starts_with(SESSION_PREFIX) {
            let session = self.use_session(token).await?;
            Ok(Caller {
                name: session.operator,
                role: session.role,
                address,
                credential: Credential::Session,
            })
        } else if token.starts_with(DEVICE_PREFIX) {
            let device = self.use_device(token).await?;
            Ok(Caller {
                name: device.name.clone(),
                role: Role::Viewer,
                address,
                credential: Credential::Device {
                    device: device.name,
                },
            })
        } else {
            Err(unauthorized())
        }
    }

    async fn use_session(&self, token: &str) -> Result<LiveSession, ApiError> {
        let hash = sessions::token_hash(token);
        let now = self.now();
        let policy = self.inner.policy;
        let found = lock(&self.inner.sessions).use_at(&hash, now, policy);
        match found {
            SessionUse::Live { session, touch } => {
                // Also how a session ended elsewhere (the command line) is noticed.
                if touch && !self.records().touch_session(&hash, now).await? {
                    lock(&self.inner.sessions).remove(&hash);
                    return Err(unauthorized());
                }
                Ok(session)
            }
            SessionUse::Expired => {
                self.records().end_session(&hash).await?;
                Err(session_expired())
            }
            SessionUse::Unknown => self.load_session(hash, now).await,
        }
    }

    /// A session not in memory (the hub restarted): from the store.
    async fn load_session(&self, hash: String, now: Millis) -> Result<LiveSession, ApiError> {
        let Some((record, operator)) = self.records().session(&hash).await? else {
            return Err(unauthorized());
        };
        if operator.disabled {
            self.records().end_session(&hash).await?;
            return Err(unauthorized());
        }
        let mut live = LiveSession {
            operator: operator.name,
            role: operator.role,
            expires_at: record.expires_at,
            last_seen_at: record.last_seen_at,
            written_at: record.last_seen_at,
        };
        if now >= live.ends_at(self.inner.policy) {
            self.records().end_session(&hash).await?;
            return Err(session_expired());
        }
        live.last_seen_at = now;
        let mut cache = lock(&self.inner.sessions);
        cache.insert(hash, live.clone(), now, self.inner.policy);
        Ok(live)
    }

    async fn use_device(&self, token: &str) -> Result<LiveDevice, ApiError> {
        let hash = sessions::token_hash(token);
        let now = self.now();
        let found = lock(&self.inner.devices).use_at(&hash, now);
        if let Some((device, touch)) = found {
            if touch {
                self.records().touch_device(device.id, now).await?;
            }
            return Ok(device);
        }
        let record = self.records().device_by_token(&hash).await?;
        let Some(record) = record.filter(|d| d.revoked_at.is_none()) else {
            return Err(unauthorized());
        };
        self.records().touch_device(record.id, now).await?;
        let live = LiveDevice {
            id: record.id,
            name: record.name,
            written_at: now,
        };
        lock(&self.inner.devices).insert(hash, live.clone());
        Ok(live)
    }

    /// Whether the credential a stream was opened with still holds. For a session
    /// this is not the operator's activity: a screen left open must not keep its
    /// session alive. A wall's device is seen, as any use of it is.
    pub async fn still_valid(&self, token: &str) -> Result<(), ApiError> {
        if token.starts_with(DEVICE_PREFIX) {
            return self.use_device(token).await.map(|_| ());
        }
        if !token.starts_with(SESSION_PREFIX) {
            return Err(unauthorized());
        }
        let hash = sessions::token_hash(token);
        let policy = self.inner.policy;
        let ends_at = lock(&self.inner.sessions)
            .get(&hash)
            .map(|s| s.ends_at(policy));
        match ends_at {
            Some(end) if self.now() < end => Ok(()),
            Some(_) => Err(session_expired()),
            None => Err(unauthorized()),
        }
    }

    /// Ends the session of `token`; other credentials have nothing to end.
    pub async fn logout(&self, token: &str) -> Result<(), ApiError> {
        if token.starts_with(SESSION_PREFIX) {
            let hash = sessions::token_hash(token);
            lock(&self.inner.sessions).remove(&hash);
            self.records().end_session(&hash).await?;
        }
        Ok(())
    }

    /// What the UI needs to know about its caller.
    pub async fn session_view(
        &self,
        caller: &Caller,
        token: &str,
    ) -> Result<SessionView, ApiError> {
        let (display_name, expires_at) = match caller.credential {
            Credential::Session => {
                let hash = sessions::token_hash(token);
                let ends = lock(&self.inner.sessions)
                    .get(&hash)
                    .map(|s| s.ends_at(self.inner.policy));
                let operator = self.records().operator(&caller.name).await?;
                (
                    operator.map_or(caller.name.clone(), |o| o.display_name),
                    ends,
                )
            }
            _ => (caller.name.clone(), None),
        };
        Ok(SessionView {
            name: caller.name.clone(),
            display_name,
            role: caller.role,
            actions: caller.role.actions(),
            credential: caller.credential.clone(),
            expires_at,
        })
    }

    pub async fn operators(&self) -> Result<Vec<OperatorView>, ApiError> {
        let all = self.records().operators().await?;
        Ok(all.iter().map(OperatorView::from).collect())
    }

    /// Creates an operator account (admin).
    pub async fn add_operator(
        &self,
        new: NewOperator,
        actor: &str,
    ) -> Result<OperatorView, ApiError> {
        check_name(&new.name)?;
        let display_name = match &new.display_name {
            Some(d) => display_name(d)?,
            None => new.name.clone(),
        };
        passwords::check_strength(&new.password)?;
        let password_hash = passwords::hash_blocking(new.password).await?;
        let record = OperatorRecord {
            name: new.name,
            display_name,
            role: new.role,
            password_hash,
            created_at: self.now(),
            disabled: false,
            last_login_at: None,
        };
        let _one_at_a_time = self.inner.changes.lock().await;
        if !self.records().add_operator(&record).await? {
            return Err(ApiError::new(
                409,
                "operator_exists",
                format!("there is already an operator named {}", record.name),
            ));
        }
        self.log(
            EventBody::OperatorAdded {
                name: record.name.clone(),
                role: record.role,
            },
            actor,
        )
        .await;
        Ok(OperatorView::from(&record))
    }

    /// Changes an operator (admin). A new role, password or disabling ends their sessions.
    pub async fn change_operator(
        &self,
        name: &str,
        change: OperatorChange,
        actor: &str,
    ) -> Result<OperatorView, ApiError> {
        let password_hash = match &change.password {
            Some(p) => {
                passwords::check_strength(p)?;
                Some(passwords::hash_blocking(p.clone()).await?)
            }
            None => None,
        };
        let _one_at_a_time = self.inner.changes.lock().await;
        let mut record = self.existing(name).await?;
        let before = record.clone();
        if let Some(d) = &change.display_name {
            record.display_name = display_name(d)?;
        }
        record.role = change.role.unwrap_or(record.role);
        record.disabled = change.disabled.unwrap_or(record.disabled);
        if let Some(h) = password_hash {
            record.password_hash = h;
        }
        let loses_admin = before.role == Role::Admin
            && !before.disabled
            && (record.role != Role::Admin || record.disabled);
        if loses_admin {
            self.check_not_last_admin(name).await?;
        }
        let ends_sessions = record.role != before.role
            || record.disabled != before.disabled
            || record.password_hash != before.password_hash;
        self.records()
            .update_operator(&record, ends_sessions, None)
            .await?;
        if ends_sessions {
            lock(&self.inner.sessions).end_all_of(name, None);
        }
        if record != before {
            self.log(
                EventBody::OperatorChanged {
                    name: record.name.clone(),
                    role: record.role,
                    disabled: record.disabled,
                },
                actor,
            )
            .await;
        }
        Ok(OperatorView::from(&record))
    }

    /// Removes an operator (admin) and ends their sessions.
    pub async fn remove_operator(&self, name: &str, actor: &str) -> Result<(), ApiError> {
        let _one_at_a_time = self.inner.changes.lock().await;
        let record = self.existing(name).await?;
        if record.role == Role::Admin && !record.disabled {
            self.check_not_last_admin(name).await?;
        }
        self.records().remove_operator(name).await?;
        lock(&self.inner.sessions).end_all_of(name, None);
        self.log(
            EventBody::OperatorRemoved {
                name: name.to_string(),
            },
            actor,
        )
        .await;
        Ok(())
    }

    /// The caller's own password; a wrong `current` counts as a failed login.
    pub async fn change_own_password(
        &self,
        caller: &Caller,
        token: &str,
        change: PasswordChange,
    ) -> Result<(), ApiError> {
        if caller.credential != Credential::Session {
            return Err(ApiError::invalid(
                "only an operator signed in with a password can change it",
            ));
        }
        let keys = throttle_keys(&caller.name, caller.address);
        self.check_throttle(&keys)?;
        let record = self.existing(&caller.name).await?;
        if !passwords::verify_blocking(change.current, record.password_hash.clone()).await {
            lock(&self.inner.throttle).failed(&keys, self.now());
            return Err(wrong_credentials());
        }
        lock(&self.inner.throttle).succeeded(&keys);
        passwords::check_strength(&change.new)?;
        let hash = passwords::hash_blocking(change.new).await?;
        let _one_at_a_time = self.inner.changes.lock().await;
        let mut record = self.existing(&caller.name).await?;
        record.password_hash = hash;
        // The operator stays signed in here; everywhere else, the old password's
        // sessions end.
        let keep = sessions::token_hash(token);
        self.records()
            .update_operator(&record, true, Some(&keep))
            .await?;
        lock(&self.inner.sessions).end_all_of(&caller.name, Some(&keep));
        self.log(
            EventBody::OperatorChanged {
                name: record.name.clone(),
                role: record.role,
                disabled: record.disabled,
            },
            &caller.name,
        )
        .await;
        Ok(())
    }

    async fn existing(&self, name: &str) -> Result<OperatorRecord, ApiError> {
        self.records().operator(name).await?.ok_or_else(|| {
            ApiError::not_found(
                "no_such_operator",
                format!("there is no operator named {name}"),
            )
        })
    }

    async fn check_not_last_admin(&self, name: &str) -> Result<(), ApiError> {
        let others = self
            .records()
            .operators()
            .await?
            .into_iter()
            .filter(|o| o.name != name && o.role == Role::Admin && !o.disabled)
            .count();
        if others == 0 {
            return Err(ApiError::new(
                409,
                "last_admin",
                format!("{name} is the last enabled admin: make another admin first"),
            ));
        }
        Ok(())
    }

    pub async fn devices(&self) -> Result<Vec<DeviceView>, ApiError> {
        let all = self.records().devices().await?;
        Ok(all.iter().map(DeviceView::from).collect())
    }

    /// Registers a wall screen; the answer holds its token, which is not kept.
    pub async fn register_device(
        &self,
        request: DeviceRequest,
        actor: &str,
    ) -> Result<RegisteredDevice, ApiError> {
        let name = display_name(&request.name)?;
        let (token, hash) = sessions::new_token(DEVICE_PREFIX)?;
        let now = self.now();
        let id = self.records().add_device(&name, &hash, now).await?;
        self.log(EventBody::DeviceRegistered { name: name.clone() }, actor)
            .await;
        let url = format!("/wall?token={token}");
        Ok(RegisteredDevice {
            device: DeviceView {
                id,
                name,
                created_at: now,
                last_seen_at: None,
                revoked: false,
            },
            token,
            url,
        })
    }

    /// Revokes a wall screen's token at once.
    pub async fn revoke_device(&self, id: i64, actor: &str) -> Result<(), ApiError> {
        let device = self.records().revoke_device(id, self.now()).await?;
        lock(&self.inner.devices).revoke(id);
        let Some(device) = device else {
            return Err(ApiError::not_found(
                "no_such_device",
                format!("there is no wall screen {id}"),
            ));
        };
        self.log(EventBody::DeviceRevoked { name: device.name }, actor)
            .await;
        Ok(())
    }

    pub async fn audit(&self, params: AuditParams) -> Result<Vec<AuditEntry>, ApiError> {
        let query = AuditQuery {
            before: params.before,
            limit: params.limit.unwrap_or(audit::AUDIT_PAGE),
            actor: params.actor,
        };
        Ok(self.records().audit(&query).await?)
    }

    /// Adds a line to the audit trail; a failure is logged, never the caller's problem.
    pub async fn record_audit(&self, entry: &AuditEntry) {
        audit::record(self.records(), entry).await;
    }

    /// The moment audit lines are stamped with.
    pub fn audit_time(&self) -> Millis {
        self.now()
    }

    /// Account changes in the log; the change itself is made, so a log failure is
    /// only reported.
    async fn log(&self, body: EventBody, actor: &str) {
        let kind = body.kind();
        if let Err(err) = self.inner.console.record(body, actor).await {
            tracing::warn!(error = %err, kind, "an account change could not be logged");
        }
    }
}

fn throttle_keys(name: &str, address: Option<IpAddr>) -> Vec<String> {
    let name: String = name.chars().take(MAX_NAME_CHARS * 2).collect();
    let mut keys = vec![format!("name:{}", name.to_lowercase())];
    if let Some(a) = address {
        keys.push(format!("address:{a}"));
    }
    keys
}

/// A login name: 1–64 letters (any script), digits, `.`, `-` or `_`.
pub fn check_name(name: &str) -> Result<(), ApiError> {
    let count = name.chars().count();
    let ok = (1..=MAX_NAME_CHARS).contains(&count)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            422,
            "invalid_name",
            format!(
                "a name has 1 to {MAX_NAME_CHARS} letters, digits, '.', '-' or '_' (no spaces)"
            ),
        ))
    }
}

/// A display name (of an operator or a wall screen): 1–64 characters, no control
/// characters, no spaces at the ends.
pub fn display_name(text: &str) -> Result<String, ApiError> {
    let trimmed = text.trim();
    let count = trimmed.chars().count();
    if (1..=MAX_NAME_CHARS).contains(&count) && !trimmed.chars().any(char::is_control) {
        return Ok(trimmed.to_string());
    }
    Err(ApiError::new(
        422,
        "invalid_name",
        format!("a display name has 1 to {MAX_NAME_CHARS} characters and no control characters"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_allow_letters_of_any_script() {
        assert!(check_name("li.wei_2").is_ok());
        assert!(check_name("王伟").is_ok());
        for bad in ["", "li wei", " li", "a/b", "x\u{7}", &"a".repeat(65)] {
            assert_eq!(check_name(bad).unwrap_err().code, "invalid_name", "{bad:?}");
        }
        assert_eq!(display_name("  Wall 1 大屏 ").unwrap(), "Wall 1 大屏");
        assert!(display_name("a\nb").is_err());
    }
}
