import { writeFileAtomic } from '../../harness/cli/atomic-write.js';

/** Readers of the file (CI, dashboards) never see a half-written document: the harness's temp-file-and-rename write. */
export function writeJsonAtomic(path: string, data: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
}
