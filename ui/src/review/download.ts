import { downloadRecording } from '../lib/backend';

/**
 * Fetched with the bearer (a plain link would go without it), then handed to the browser
 * as a file named after the recording.
 */
export async function saveRecording(id: string): Promise<void> {
  const blob = await downloadRecording(id);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${id}.nocrec`;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download by the next turn; the blob can go then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
