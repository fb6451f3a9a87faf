/**
 * Saves text the console fetched with the operator's session as a file the browser downloads. A
 * plain link cannot do it: the admin API wants the session in a header, which a link does not send.
 *
 * @example
 * saveAsFile(await apiText('/audit/export'), 'audit.jsonl', 'application/x-ndjson');
 */
export function saveAsFile(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}
