import { mean, median, pairedRatio } from './stats.js';

/**
 * One line of the report. `ratio` is always "how fast relative to the
 * baseline" (higher is better, 1 = equal), whatever the unit: for times it is
 * baseline/figure, for rates figure/baseline. Goals are thresholds on it.
 */
export interface Row {
  section: string;
  name: string;
  unit: string;
  figure: number;
  baselineName: string;
  baseline: number;
  ratio: number;
  /** Minimum ratio demanded, or null for rows that are reported without a goal. */
  goal: number | null;
  met: boolean | null;
  samples: { figure: number[]; baseline: number[] };
  /** Side measurements that explain the figure (per repetition), kept in the JSON only. */
  extra?: Record<string, number[]>;
  /** The same row's ratio in the sitting before (sittings.ts), and whether it held within STABLE_WITHIN. */
  lastSitting?: { ratio: number; stable: boolean };
}

export type Sense = 'lower-is-better' | 'higher-is-better';

export interface RowSpec {
  section: string;
  name: string;
  unit: string;
  sense: Sense;
  baselineName: string;
  figure: number[];
  baseline: number[];
  goal?: number;
  extra?: Record<string, number[]>;
  /**
   * How the repetitions are summed up: the median (the default: robust to one disturbed run), or
   * 'paired', for rows whose runs fall into two modes, where a median of a few runs says which mode
   * won the majority rather than how fast the code is (the contended lock rows): figure and
   * baseline are means, the ratio the geometric mean of each repetition's figure / baseline
   * (stats.ts pairedRatio).
   */
  statistic?: 'median' | 'paired';
}

export function makeRow(spec: RowSpec): Row {
  const paired = spec.statistic === 'paired';
  const figure = paired ? mean(spec.figure) : median(spec.figure);
  const baseline = paired ? mean(spec.baseline) : median(spec.baseline);
  const ratio = paired
    ? spec.sense === 'lower-is-better'
      ? pairedRatio(spec.baseline, spec.figure)
      : pairedRatio(spec.figure, spec.baseline)
    : spec.sense === 'lower-is-better'
      ? baseline / figure
      : figure / baseline;
  const goal = spec.goal ?? null;
  return {
    section: spec.section,
    name: spec.name,
    unit: spec.unit,
    figure,
    baselineName: spec.baselineName,
    baseline,
    ratio,
    goal,
    met: goal === null ? null : Number.isFinite(ratio) && ratio >= goal,
    samples: { figure: spec.figure, baseline: spec.baseline },
    ...(spec.extra === undefined ? {} : { extra: spec.extra }),
  };
}
