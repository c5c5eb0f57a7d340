//! Operator accounts, login sessions, wall devices and the audit trail, in the event
//! log's database (`noc.db`) but outside the log: they hold what a login is checked
//! against, which must never be replayed into screens or history.
//!
//! They have a connection pool of their own: SQLite serialises its writers, so the
//! `noc-server operator` command line can change accounts while a hub runs.

use std::path::Path;
use std::time::Duration;

use noc_model::{Millis, Role};
use serde::Serialize;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{ConnectOptions, Row};

use crate::StoreError;

/// How long the audit trail is kept, and how many entries at most.
pub const AUDIT_KEEP_MS: Millis = 366 * 86_400_000;
pub const AUDIT_KEEP_ROWS: i64 = 1_000_000;
/// The most audit entries one page returns.
pub const AUDIT_PAGE_MAX: u32 = 500;

/// An operator account as stored, hash included: never serialised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRecord {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
    pub created_at: Millis,
    pub disabled: bool,
    pub last_login_at: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    pub operator: String,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    /// However busy the session, it ends here.
    pub expires_at: Millis,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    pub id: i64,
    pub name: String,
    pub token_hash: String,
    pub created_at: Millis,
    pub last_seen_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
}

/// One line of the audit trail: who did what through the API, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// 0 until stored.
    pub id: i64,
    pub at: Millis,
    /// The caller's name; for a refused login, the name that was tried.
    pub actor: String,
    pub role: Option<Role>,
    /// `launch_token`, `session`, `device`; absent when no credential was accepted.
    pub credential: Option<String>,
    pub address: Option<String>,
    pub method: String,
    /// Without the query string, which may carry a token.
    pub path: String,
    pub status: u16,
}

/// Which audit entries to read: newest first, before `before`, of `actor`.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub before: Option<i64>,
    pub limit: u32,
    pub actor: Option<String>,
}

/// A handle on the account tables. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AccountRecords {
    pool: SqlitePool,
}

impl AccountRecords {
    /// Opens the account tables of the database at `path`, bringing its schema up to
    /// date first (creating the file when missing, as the hub would).
    pub async fn open(path: &Path, busy_timeout: Duration) -> Result<AccountRecords, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .busy_timeout(busy_timeout)
            .foreign_keys(true)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal);
        let mut conn = options
            .clone()
            .connect()
            .await
            .map_err(|e| StoreError::opening(path, e))?;
        crate::store::MIGRATOR.run(&mut conn).await?;
        drop(conn);
        AccountRecords::connect(path, options).await
    }

    /// On a database whose schema the caller has already migrated.
    pub(crate) async fn connect(
        path: &Path,
        options: SqliteConnectOptions,
    ) -> Result<AccountRecords, StoreError> {
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::opening(path, e))?;
        Ok(AccountRecords { pool })
    }

    pub async fn operators(&self) -> Result<Vec<OperatorRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM operators ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(operator_of).collect()
    }

    pub async fn operator(&self, name: &str) -> Result<Option<OperatorRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM operators WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(operator_of).transpose()
    }

    /// Adds `operator`; `false` when the name is taken.
    pub async fn add_operator(&self, operator: &OperatorRecord) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO operators (name, display_name, role, password_hash, created_at, \
             disabled, last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
        )
        .bind(&operator.name)
        .bind(&operator.display_name)
        .bind(operator.role.as_str())
        .bind(&operator.password_hash)
        .bind(operator.created_at)
        .bind(operator.disabled)
        .bind(operator.last_login_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Writes `operator`'s display name, role, hash and state; when `end_sessions`,
    /// its sessions but `keep` end in the same transaction. `false` when there is no
    /// such operator.
    pub async fn update_operator(
        &self,
        operator: &OperatorRecord,
        end_sessions: bool,
        keep: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE operators SET display_name = ?, role = ?, password_hash = ?, disabled = ? \
             WHERE name = ?",
        )
        .bind(&operator.display_name)
        .bind(operator.role.as_str())
        .bind(&operator.password_hash)
        .bind(operator.disabled)
        .bind(&operator.name)
        .execute(&mut *tx)
        .await?;
        if end_sessions {
            sqlx::query("DELETE FROM sessions WHERE operator = ? AND token_hash IS NOT ?")
                .bind(&operator.name)
                .bind(keep)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes the operator and its sessions; `false` when there was none.
    pub async fn remove_operator(&self, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM operators WHERE name = ?")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A successful login: the operator's last login and the new session, together.
    pub async fn start_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE operators SET last_login_at = ? WHERE name = ?")
            .bind(session.created_at)
            .bind(&session.operator)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, operator, created_at, last_seen_at, expires_at, \
             address) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&session.token_hash)
        .bind(&session.operator)
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .bind(session.expires_at)
        .bind(&session.address)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The session with this token hash, with its operator.
    pub async fn session(
        &self,
        token_hash: &str,
    ) -> Result<Option<(SessionRecord, OperatorRecord)>, StoreError> {
        let row = sqlx::query(
            "SELECT s.token_hash, s.operator, s.created_at AS s_created_at, s.last_seen_at, \
             s.expires_at, s.address, o.* FROM sessions s JOIN operators o ON o.name = s.operator \
             WHERE s.token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let session = SessionRecord {
            token_hash: row.try_get("token_hash")?,
            operator: row.try_get("operator")?,
            created_at: row.try_get("s_created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            expires_at: row.try_get("expires_at")?,
            address: row.try_get("address")?,
        };
        Ok(Some((session, operator_of(&row)?)))
    }

    /// Notes that the session was used at `at`; `false` when it no longer exists
    /// (ended elsewhere, say by the command line).
    pub async fn touch_session(&self, token_hash: &str, at: Millis) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
            .bind(at)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes sessions idle since before `idle_before` or past their last moment.
    pub async fn prune_sessions(
        &self,
        idle_before: Millis,
        now: Millis,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < ? OR expires_at <= ?")
            .bind(idle_before)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Registers a device; returns its id.
    pub async fn add_device(
        &self,
        name: &str,
        token_hash: &str,
        at: Millis,
    ) -> Result<i64, StoreError> {
        let done =
            sqlx::query("INSERT INTO devices (name, token_hash, created_at) VALUES (?, ?, ?)")
                .bind(name)
                .bind(token_hash)
                .bind(at)
                .execute(&self.pool)
                .await?;
        Ok(done.last_insert_rowid())
    }

    pub async fn devices(&self) -> Result<Vec<DeviceRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM devices ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(device_of).collect()
    }

    pub async fn device_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM devices WHERE token_hash = ?")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(device_of).transpose()
    }

    /// Revokes the device; the device as it was, `None` when there is no such device.
    pub async fn revoke_device(
        &self,
        id: i64,
        at: Millis,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        let row = sqlx::query(
            "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? RETURNING *",
        )
        .bind(at)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(device_of).transpose()
    }

    pub async fn touch_device(&self, id: i64, at: Millis) -> Result<(), StoreError> {
        sqlx::query("UPDATE devices SET last_seen_at = ? WHERE id = ?")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Appends `entry` (its `id` is ignored); returns the id it got.
    pub async fn record_audit(&self, entry: &AuditEntry) -> Result<i64, StoreError> {
        let done = sqlx::query(
            "INSERT INTO audit (at, actor, role, credential, address, method, path, status) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(entry.at)
        .bind(&entry.actor)
        .bind(entry.role.map(Role::as_str))
        .bind(&entry.credential)
        .bind(&entry.address)
        .bind(&entry.method)
        .bind(&entry.path)
        .bind(i64::from(entry.status))
        .execute(&self.pool)
        .await?;
        Ok(done.last_insert_rowid())
    }

    /// Newest first.
    pub async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM audit WHERE (?1 IS NULL OR id < ?1) AND (?2 IS NULL OR actor = ?2) \
             ORDER BY id DESC LIMIT ?3",
        )
        .bind(query.before)
        .bind(&query.actor)
        .bind(i64::from(query.limit.min(AUDIT_PAGE_MAX)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_of).collect()
    }

    /// Keeps the trail bounded: drops entries older than `before` and all but the
    /// newest `keep_rows`.
    pub async fn prune_audit(&self, before: Millis, keep_rows: i64) -> Result<u64, StoreError> {
        let old = sqlx::query("DELETE FROM audit WHERE at < ?")
            .bind(before)
            .execute(&self.pool)
            .await?;
        let extra = sqlx::query(
            "DELETE FROM audit WHERE id <= (SELECT COALESCE(MAX(id), 0) FROM audit) - ?",
        )
        .bind(keep_rows)
        .execute(&self.pool)
        .await?;
        Ok(old.rows_affected() + extra.rows_affected())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn role_of(text: &str) -> Result<Role, StoreError> {
    text.parse()
        .map_err(|e: String| StoreError::Corrupt(format!("operator role: {e}")))
}

fn operator_of(row: &SqliteRow) -> Result<OperatorRecord, StoreError> {
    Ok(OperatorRecord {
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        role: role_of(row.try_get("role")?)?,
        password_hash: row.try_get("password_hash")?,
        created_at: row.try_get("created_at")?,
        disabled: row.try_get("disabled")?,
        last_login_at: row.try_get("last_login_at")?,
    })
}

fn device_of(row: &SqliteRow) -> Result<DeviceRecord, StoreError> {
    Ok(DeviceRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        token_hash: row.try_get("token_hash")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

fn audit_of(row: &SqliteRow) -> Result<AuditEntry, StoreError> {
    let role: Option<String> = row.try_get("role")?;
    let status: i64 = row.try_get("status")?;
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        role: role.as_deref().map(role_of).transpose()?,
        credential: row.try_get("credential")?,
        address: row.try_get("address")?,
        method: row.try_get("method")?,
        path: row.try_get("path")?,
        status: u16::try_from(status).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operator(name: &str, role: Role) -> OperatorRecord {
        OperatorRecord {
            name: name.into(),
            display_name: name.into(),
            role,
            password_hash: "$argon2id$placeholder-for-a-row".into(),
            created_at: 1_000,
            disabled: false,
            last_login_at: None,
        }
    }

    #[tokio::test]
    async fn removing_an_operator_ends_its_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let records = AccountRecords::open(&dir.path().join("noc.db"), Duration::from_secs(5))
            .await
            .unwrap();
        assert!(records
            .add_operator(&operator("li.wei", Role::Operator))
            .await
            .unwrap());
        assert!(!records
            .add_operator(&operator("li.wei", Role::Admin))
            .await
            .unwrap());
        let session = SessionRecord {
            token_hash: "ab".into(),
            operator: "li.wei".into(),
            created_at: 2_000,
            last_seen_at: 2_000,
            expires_at: 9_000,
            address: None,
        };
        records.start_session(&session).await.unwrap();
        let (found, who) = records.session("ab").await.unwrap().unwrap();
        assert_eq!((found, who.last_login_at), (session, Some(2_000)));
        assert!(records.remove_operator("li.wei").await.unwrap());
        assert!(records.session("ab").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn the_audit_reads_newest_first_and_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let records = AccountRecords::open(&dir.path().join("noc.db"), Duration::from_secs(5))
            .await
            .unwrap();
        for (at, actor) in [(1, "a"), (2, "b"), (3, "a"), (4, "a")] {
            let entry = AuditEntry {
                id: 0,
                at,
                actor: actor.into(),
                role: Some(Role::Admin),
                credential: Some("session".into()),
                address: None,
                method: "POST".into(),
                path: "/api/operators".into(),
                status: 201,
            };
            records.record_audit(&entry).await.unwrap();
        }
        let of_a = AuditQuery {
            before: Some(4),
            limit: 10,
            actor: Some("a".into()),
        };
        let ids: Vec<i64> = records
            .audit(&of_a)
            .await
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(ids, vec![3, 1]);
        assert_eq!(records.prune_audit(2, 2).await.unwrap(), 2);
        let all = AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        };
        let left: Vec<i64> = records
            .audit(&all)
            .await
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(left, vec![4, 3]);
    }
}
