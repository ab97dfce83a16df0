import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export interface MachineInfo {
  nproc: number;
  node: string;
  cpu: string;
}

/** Printed with every run: the figures only mean something next to the machine they came from. */
export function machineInfo(): MachineInfo {
  let cpu = 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) cpu = line.split(':')[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: the CPU model is a nicety, not worth failing the run over.
  }
  return { nproc: availableParallelism(), node: process.version, cpu };
}
