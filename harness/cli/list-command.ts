import { plan } from '../core/plan/plan.js';
import { hasAffinity } from '../core/execute/pinned.js';
import { runOptionsFrom } from './options.js';
import { counted } from '../../reporters/words.js';

export async function listCommand(argv: string[]): Promise<number> {
  const { options, warnings } = await runOptionsFrom(argv, 'list');
  // The run would say them too (a config file's jobs clamped to this machine's CPUs).
  for (const w of warnings) process.stderr.write(`stress: warning: ${w}\n`);
  const planned = await plan(
    {
      suites: options.suites ?? [],
      seed: 'list',
      ...(options.threads ? { threads: options.threads } : {}),
      cores: options.cores,
      jitter: options.jitter,
      schedule: options.schedule,
      ...(options.grep ? { grep: options.grep } : {}),
      ...(options.impls ? { impls: options.impls } : {}),
    },
    hasAffinity(),
  );
  let suite = '';
  for (const p of planned) {
    if (p.suite.name !== suite) {
      suite = p.suite.name;
      process.stdout.write(`\n${suite}: ${p.suite.description}\n`);
      for (const [name, v] of Object.entries(p.suite.variants ?? { default: { description: p.suite.description } })) {
        process.stdout.write(`  ${name}${v.canary ? ' [canary]' : ''}: ${v.description}${v.bug ? ` (bug: ${v.bug})` : ''}\n`);
      }
      process.stdout.write('  configurations:\n');
    }
    process.stdout.write(`    ${p.config.key}${p.skip ? `  (skipped: ${p.skip})` : ''}\n`);
  }
  process.stdout.write(`\n${counted(planned.length, 'configuration')}\n`);
  return 0;
}
