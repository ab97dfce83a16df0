/**
 * The work each pool thread does in main.ts's ThreadPoolExecutor part: a module's exported
 * function, since a closure cannot be sent to another thread (Python's load_url).
 */
export async function loadUrl(url: string, timeoutMs: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  return res.text();
}
