//! `noc-server operator add|passwd|list|remove`: the first admin account, and a way
//! back in when every admin has forgotten their password. Works on the hub's
//! database directly, with or without the hub running (SQLite takes turns).
//!
//! The event log has one writer, the hub, so changes made here go to the audit
//! trail, not to history; the hub notices ended sessions within a minute.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context};
use noc_api::accounts::{check_name, display_name, passwords};
use noc_model::{Millis, Role};
use noc_store::accounts::OperatorRecord;
use noc_store::{AccountRecords, AuditEntry};

/// Where a script puts the password (never on the command line, where `ps` shows it).
pub const PASSWORD_VARIABLE: &str = "NOC_PASSWORD";

#[derive(Debug, Clone, clap::Subcommand)]
pub enum OperatorCommand {
    /// Add an operator account; the password is read from stdin or NOC_PASSWORD.
    Add {
        name: String,
        #[arg(long, default_value = "operator")]
        role: Role,
        /// The name screens show (default: the login name).
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Set an operator's password (ends their sessions).
    Passwd { name: String },
    /// List the operator accounts.
    List,
    /// Remove an operator account (ends their sessions).
    Remove { name: String },
}

/// Carries out `command` on the database in `data_dir`; what it says goes to `out`.
pub async fn run(
    data_dir: &Path,
    command: OperatorCommand,
    now: Millis,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data folder {}", data_dir.display()))?;
    let db = data_dir.join("noc.db");
    let records = AccountRecords::open(&db, Duration::from_secs(10))
        .await
        .with_context(|| {
            format!(
                "cannot open the accounts in {}: if a hub is using it and keeps it busy, \
                 use the admin screen instead",
                db.display()
            )
        })?;
    let done = carry_out(&records, command, now, out).await;
    records.close().await;
    done
}

async fn carry_out(
    records: &AccountRecords,
    command: OperatorCommand,
    now: Millis,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    match command {
        OperatorCommand::Add {
            name,
            role,
            display_name: shown,
        } => {
            check_name(&name).map_err(anyhow::Error::msg)?;
            let shown = match shown {
                Some(d) => display_name(&d).map_err(anyhow::Error::msg)?,
                None => name.clone(),
            };
            let password = new_password(&name)?;
            let record = OperatorRecord {
                name: name.clone(),
                display_name: shown,
                role,
                password_hash: passwords::hash_blocking(password).await?,
                created_at: now,
                disabled: false,
                last_login_at: None,
            };
            if !records.add_operator(&record).await? {
                bail!("there is already an operator named {name}");
            }
            audit(records, now, &format!("operator add {name}")).await;
            writeln!(out, "added {name} ({role})")?;
        }
        OperatorCommand::Passwd { name } => {
            let Some(mut record) = records.operator(&name).await? else {
                bail!("there is no operator named {name}");
            };
            record.password_hash = passwords::hash_blocking(new_password(&name)?).await?;
            records.update_operator(&record, true, None).await?;
            audit(records, now, &format!("operator passwd {name}")).await;
            writeln!(out, "password of {name} changed; their sessions have ended")?;
        }
        OperatorCommand::List => {
            for o in records.operators().await? {
                let state = if o.disabled { "disabled" } else { "enabled" };
                writeln!(out, "{}\t{}\t{}\t{}", o.name, o.role, state, o.display_name)?;
            }
        }
        OperatorCommand::Remove { name } => {
            if !records.remove_operator(&name).await? {
                bail!("there is no operator named {name}");
            }
            audit(records, now, &format!("operator remove {name}")).await;
            writeln!(out, "removed {name}")?;
        }
    }
    Ok(())
}

/// The audit line of a change made here; the path names the subcommand.
async fn audit(records: &AccountRecords, now: Millis, what: &str) {
    let actor = std::env::var("USER").unwrap_or_else(|_| "command line".into());
    let entry = AuditEntry {
        id: 0,
        at: now,
        actor,
        role: None,
        // Not a credential of the API: the command line works on the file itself.
        credential: None,
        address: None,
        method: "CLI".into(),
        path: what.to_string(),
        status: 0,
    };
    noc_api::accounts::audit::record(records, &entry).await;
}

/// From NOC_PASSWORD, or stdin: typed twice, unseen, on a terminal; one line from a pipe.
fn new_password(name: &str) -> anyhow::Result<String> {
    let password = match std::env::var(PASSWORD_VARIABLE) {
        Ok(p) if !p.is_empty() => p,
        _ if std::io::stdin().is_terminal() => {
            let first = ask_unseen(&format!("Password for {name}: "))?;
            let again = ask_unseen("Again: ")?;
            if first != again {
                bail!("the two passwords differ");
            }
            first
        }
        _ => read_line()?,
    };
    passwords::check_strength(&password).map_err(anyhow::Error::msg)?;
    Ok(password)
}

fn read_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Asks on the terminal with echo off, so the password is not left on screen.
fn ask_unseen(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let echo = |on: bool| {
        let flag = if on { "echo" } else { "-echo" };
        std::process::Command::new("stty")
            .arg(flag)
            .stdin(std::process::Stdio::inherit())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    let hidden = echo(false);
    let line = read_line();
    if hidden {
        echo(true);
    }
    eprintln!();
    line
}
