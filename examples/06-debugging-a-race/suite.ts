/** The account as a stress suite: two tellers withdraw 60 from 100; the balance must never go negative. */
import { defineSuite } from 'shakedown';
import { type Account, openAccount, withdraw } from './account.js';

export default defineSuite<Account, Record<string, never>, boolean>({
  name: 'example-account',
  description: 'tellers withdraw 60 each from a balance of 100',
  threads: [2],
  threadName: (t) => `teller-${t}`,
  variants: {
    'check-then-act': { description: 'check, then subtract, no lock', canary: true, bug: 'both tellers pass the check before either subtracts' },
    locked: { description: 'check and subtract under one Lock' },
  },
  setup: () => openAccount(100),
  actor: (account, ctx) => withdraw(account, 60, ctx.variant === 'locked'),
  invariants: {
    'balance never negative': (account) => ({ ok: account.balance[0]! >= 0, expected: '>= 0', observed: account.balance[0] }),
  },
});
