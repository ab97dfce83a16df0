/**
 * A bank account in shared memory with a check-then-act bug: withdraw() checks
 * the balance, then subtracts. Two tellers can both pass the check before
 * either subtracts, and the balance goes negative. `safe` does both under a Lock.
 */
import { Lock, yieldPoint } from '@shakedown/primitives';

export interface Account {
  balance: Int32Array;
  lock: Lock;
}

export function openAccount(balance: number): Account {
  const a = { balance: new Int32Array(new SharedArrayBuffer(4)), lock: new Lock({ name: 'account' }) };
  a.balance[0] = balance;
  return a;
}

/** Returns true when the money was paid out. */
export function withdraw(account: Account, amount: number, safe: boolean, log?: (line: string) => void, pause?: () => void): boolean {
  const step = (): boolean => {
    // Marked before the read: the trace stamps the check no later than it happens.
    yieldPoint('user', 'checking balance');
    const seen = account.balance[0]!;
    // Labelled with the value read, so the trace says what the check saw (jitter here widens the window).
    yieldPoint('user', `saw ${seen}`);
    if (seen < amount) {
      log?.(`balance ${seen} < ${amount}: refused`);
      return false;
    }
    log?.(`balance ${seen} >= ${amount}: paying out`);
    pause?.();
    const left = account.balance[0]! - amount;
    account.balance[0] = left;
    // Marked after the write: the trace stamps it no earlier than it happens.
    yieldPoint('user', `wrote ${left}`);
    return true;
  };
  return safe ? Lock.from(account.lock).withLock(step, 5000) : step();
}
