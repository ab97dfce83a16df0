/**
 * ISO 8601 local time with its UTC offset (2024-05-01T14:03:07+02:00): JUnit
 * consumers show the timestamp as written, so a bare local time (what
 * junit-report-builder writes) is ambiguous across CI machines.
 */
export function isoWithOffset(d: Date): string {
  const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`
  );
}
