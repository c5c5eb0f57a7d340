// The reports page's requests: all through the console's bearer-carrying request, since
// a plain link or an iframe `src` would reach the hub without the operator's token.
import { fetchReport, getTimeline } from '../lib/backend';
import type { Incident } from '../lib/model';
import { complete, fileName, incidentRange, reportPath, type ReportQuery } from './query';
import type { ReportData } from './reportData';

function asked(query: ReportQuery): ReportQuery {
  if (!complete(query)) throw new Error(`incomplete report query: ${query.kind}`);
  return query;
}

const CLOSED: readonly Incident['status'][] = ['resolved', 'reviewed', 'merged'];

/**
 * The query as the hub needs it: an incident review covers the incident's life, read
 * from its timeline (so an incident long gone from the board still has its report).
 * `known` is the incident as the board has it, if it does. Null: the log does not
 * know the incident.
 */
export async function withRange(query: ReportQuery, known: Incident | undefined, now: number): Promise<ReportQuery | null> {
  if (query.kind !== 'incident' || query.incident === null) return query;
  const events = await getTimeline(query.incident);
  const open = known !== undefined && !CLOSED.includes(known.status);
  // The clocks start at the first alarm, which can come before the incident's first event.
  const moments = events.map((e) => e.at).concat(known === undefined ? [] : [known.started_at]);
  const range = incidentRange(moments, open, now);
  // Nothing on the timeline: the log has no such incident.
  return range === null ? null : { ...query, ...range };
}

/** The report as the self-contained HTML page the preview shows. */
export const reportHtml = async (query: ReportQuery): Promise<string> =>
  (await fetchReport(reportPath(asked(query), 'html'))).text();

/** The report's numbers, for the page's own summary strip. */
export const reportData = async (query: ReportQuery): Promise<ReportData> =>
  (await fetchReport(reportPath(asked(query), 'json'))).json() as Promise<ReportData>;

/** Fetched as a file, then handed to the browser under `noc-<kind>-<date>.<ext>`. */
export async function saveReport(query: ReportQuery, format: 'html' | 'pdf', today: number, offset: number): Promise<void> {
  const blob = await (await fetchReport(reportPath(asked(query), format))).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName(query, format, today, offset);
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download by the next turn; the blob can go then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
