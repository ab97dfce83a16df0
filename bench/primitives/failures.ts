/** Trials that hung, threw or produced inconsistent counts; any of them makes the run exit non-zero. */
export const failures: string[] = [];

export function noteFailure(what: string, err: unknown): void {
  const msg = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  failures.push(msg);
  console.error(`  FAILED ${msg}`);
}
