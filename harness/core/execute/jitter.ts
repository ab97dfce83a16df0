/**
 * Jitter profiles: busy-spin delays injected at yield points (every primitive
 * operation, and `yieldPoint('user', ...)` in suite code) in a seeded fraction
 * of trials. Measured on our 2-core machine: sub-microsecond to microsecond
 * spins widen narrow race windows 100-500x, large delays hide narrow races, and
 * Atomics.wait cannot sleep below ~90 us, so short delays must spin.
 */
import { HarnessError } from '../shared/errors.js';

export interface JitterProfile {
  name: string;
  description: string;
  /** Fraction of trials that get jitter at all (the rest run undisturbed). */
  trialFraction: number;
  /** In a jittered trial, chance that a given yield point delays. */
  pointProbability: number;
  /** Delay drawn uniformly from [0, maxMicros] microseconds. */
  maxMicros: number;
  /** Busy-spin (true) or sleep with Atomics.wait (false: for I/O-like suites; ~90 us floor). */
  spin: boolean;
}

/** The jitter profiles by name, as `--jitter` and `run({ jitter })` take them. */
export type JitterName = 'none' | 'spin-1us' | 'spin-10us' | 'spin-50us' | 'sleep-1ms';

export const JITTER_PROFILES: Record<JitterName, JitterProfile> = {
  none: { name: 'none', description: 'no injected delay', trialFraction: 0, pointProbability: 0, maxMicros: 0, spin: true },
  'spin-1us': {
    name: 'spin-1us',
    description: 'busy-spin up to 1 us at half the yield points of half the trials (narrow windows)',
    trialFraction: 0.5,
    pointProbability: 0.5,
    maxMicros: 1,
    spin: true,
  },
  'spin-10us': {
    name: 'spin-10us',
    description: 'busy-spin up to 10 us at half the yield points of half the trials',
    trialFraction: 0.5,
    pointProbability: 0.5,
    maxMicros: 10,
    spin: true,
  },
  'spin-50us': {
    name: 'spin-50us',
    description: 'busy-spin up to 50 us at a quarter of the yield points of half the trials (wide windows)',
    trialFraction: 0.5,
    pointProbability: 0.25,
    maxMicros: 50,
    spin: true,
  },
  'sleep-1ms': {
    name: 'sleep-1ms',
    description: 'sleep up to 1 ms at a quarter of the yield points of half the trials (I/O-like suites)',
    trialFraction: 0.5,
    pointProbability: 0.25,
    maxMicros: 1000,
    spin: false,
  },
};

/**
 * Why `name` is not the name of a jitter profile, or undefined when it is: the one check of a
 * jitter name (the profiles' own names only, so "toString" is not one).
 */
export function jitterNameProblem(name: string): string | undefined {
  if (Object.hasOwn(JITTER_PROFILES, name)) return undefined;
  return `unknown jitter profile ${JSON.stringify(name)}; expected one of ${Object.keys(JITTER_PROFILES).join(', ')}`;
}

/** The profile called `name`; a usage error naming the known profiles when there is none. */
export function jitterProfile(name: string): JitterProfile {
  const problem = jitterNameProblem(name);
  if (problem !== undefined) throw new HarnessError('ERR_USAGE', problem);
  return JITTER_PROFILES[name as JitterName];
}

const sleepWord = new Int32Array(new SharedArrayBuffer(4));

/**
 * The real Atomics.wait, taken at load: during a trial the global one is the wait recorder's
 * wrapper, and a jitter sleep must not be published as the actor sleeping (ctx.isSleeping would
 * say "asleep in its wait" of a thread that has not reached it yet; conformance/event's pulse
 * check failed a correct Event that way under sleep-1ms).
 */
const realWait = Atomics.wait.bind(Atomics);

/** Delays the calling thread by about `micros` microseconds. */
export function delay(micros: number, spin: boolean): void {
  if (micros <= 0) return;
  if (!spin) {
    realWait(sleepWord, 0, 0, micros / 1000);
    return;
  }
  // Busy-spin on the monotonic clock: one read costs ~60 ns, so this is accurate to ~0.1 us.
  const until = performance.now() + micros / 1000;
  while (performance.now() < until) {
    /* spin */
  }
}
