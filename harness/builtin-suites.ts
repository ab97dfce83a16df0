/** The suites shipped with shakedown, by name. The harness knows them only by module path. */
export const BUILTIN_SUITES: Record<string, string> = {
  counter: new URL('../suites/counter.js', import.meta.url).href,
  'producer-consumer': new URL('../suites/producer-consumer.js', import.meta.url).href,
  'barrier-start': new URL('../suites/barrier-start.js', import.meta.url).href,
  deadlock: new URL('../suites/deadlock.js', import.meta.url).href,
};
