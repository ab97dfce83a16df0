import type { Row } from '../lib/row.js';

/** A section's rows, plus lines printed under the table to help read them. */
export interface SuiteResult {
  rows: Row[];
  notes: string[];
}
