//! `noc-server report`: a report written to a file from the hub's event log (read
//! directly: the hub may be running or not) or from a recording (.nocrec), without a
//! browser.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use noc_model::ClockTargets;
use noc_report::{
    format_offset, format_time, parse_moment, render_html, render_pdf, Fonts, Lang, ReportData,
    ReportKind, ReportRequest,
};
use noc_store::recording::Recording;
use noc_store::Store;

#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// shift, daily, weekly, incident or drill.
    #[arg(long)]
    kind: String,
    /// Start: a date (2026-11-16), a date and time (2026-11-16T08:00) or unix ms. Dates
    /// are on the roster's clock (its utc_offset_minutes), or UTC when no roster is
    /// defined. Default with --recording: the recording's start.
    #[arg(long)]
    from: Option<String>,
    /// End, inclusive, written like --from; at most 31 days after it.
    #[arg(long)]
    to: Option<String>,
    /// The incident of an incident review (--kind incident).
    #[arg(long)]
    incident: Option<i64>,
    /// Report on this recording file instead of the hub's event log.
    #[arg(long)]
    recording: Option<PathBuf>,
    /// Folder of the hub's event log (default: the hub's --data).
    #[arg(long)]
    data: Option<PathBuf>,
    /// html or pdf.
    #[arg(long, default_value = "html")]
    format: String,
    /// en or zh.
    #[arg(long, default_value = "en")]
    lang: String,
    /// A title of your own instead of the report kind's.
    #[arg(long)]
    title: Option<String>,
    /// The file to write.
    #[arg(long)]
    out: PathBuf,
}

/// Writes the report `args` asks for; `data_dir` is the hub's data folder and
/// `targets` the 1-5-10 targets of its configuration.
pub async fn run(data_dir: &Path, targets: ClockTargets, args: ReportArgs) -> anyhow::Result<()> {
    let Some(kind) = ReportKind::parse(&args.kind) else {
        bail!(
            "unknown report kind `{}`: use shift, daily, weekly, incident or drill",
            args.kind
        );
    };
    let Some(lang) = Lang::parse(&args.lang) else {
        bail!("unknown language `{}`: use en or zh", args.lang);
    };
    let pdf = match args.format.as_str() {
        "pdf" => true,
        "html" => false,
        other => bail!("unknown format `{other}`: use html or pdf"),
    };
    let data = match &args.recording {
        Some(file) => from_recording(file, kind, &args, targets).await?,
        None => {
            let data_dir = args.data.as_deref().unwrap_or(data_dir);
            from_log(data_dir, kind, &args, targets).await?
        }
    };
    let bytes = if pdf {
        if lang == Lang::Zh && Fonts::system().cjk.is_none() {
            eprintln!(
                "warning: no CJK font on this machine (install fonts-wqy-microhei or Noto Sans \
                 CJK): the PDF is written in English; the HTML report is always in Chinese"
            );
        }
        render_pdf(&data, lang)?
    } else {
        render_html(&data, lang).into_bytes()
    };
    std::fs::write(&args.out, bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!(
        "wrote {} ({} report, {} — {}, {})",
        args.out.display(),
        kind.as_str(),
        format_time(data.from, data.utc_offset_minutes),
        format_time(data.to, data.utc_offset_minutes),
        format_offset(data.utc_offset_minutes)
    );
    Ok(())
}

fn request(kind: ReportKind, args: &ReportArgs, from: i64, to: i64, offset: i32) -> ReportRequest {
    ReportRequest {
        kind,
        from,
        to,
        incident: args.incident,
        utc_offset_minutes: offset,
        title: args.title.clone(),
    }
}

fn moment(text: Option<&str>, flag: &str, offset: i32) -> anyhow::Result<Option<i64>> {
    text.map(|t| parse_moment(t, offset).map_err(|e| anyhow::anyhow!("{flag}: {e}")))
        .transpose()
}

async fn from_log(
    data_dir: &Path,
    kind: ReportKind,
    args: &ReportArgs,
    targets: ClockTargets,
) -> anyhow::Result<ReportData> {
    let db = data_dir.join("noc.db");
    if !db.exists() {
        bail!(
            "no event log at {} (give the hub's folder with --data, or a recording with --recording)",
            db.display()
        );
    }
    let store = Store::open(&db)
        .await
        .with_context(|| format!("cannot open the event log {}", db.display()))?;
    let offset = store
        .read_state(|s| s.duty.roster.as_ref().map(|r| r.utc_offset_minutes))
        .await
        .unwrap_or(0);
    let (Some(from), Some(to)) = (
        moment(args.from.as_deref(), "--from", offset)?,
        moment(args.to.as_deref(), "--to", offset)?,
    ) else {
        bail!("a report of the event log needs --from and --to");
    };
    let data =
        noc_report::report_from_store(&store, &request(kind, args, from, to, offset), &targets)
            .await;
    store.close().await;
    Ok(data?)
}

async fn from_recording(
    file: &Path,
    kind: ReportKind,
    args: &ReportArgs,
    targets: ClockTargets,
) -> anyhow::Result<ReportData> {
    let recording = Recording::open(file).await?;
    let info = recording.info();
    let offset = recording
        .state_at(info.to_at)
        .await?
        .duty
        .roster
        .map_or(0, |r| r.utc_offset_minutes);
    let from = moment(args.from.as_deref(), "--from", offset)?.unwrap_or(info.from_at);
    let to = moment(args.to.as_deref(), "--to", offset)?.unwrap_or(info.to_at);
    let data = noc_report::report_from_recording(
        &recording,
        &request(kind, args, from, to, offset),
        &targets,
    )
    .await;
    recording.close().await;
    Ok(data?)
}
