/**
 * A local page server for the example: 127.0.0.1 only, an ephemeral port,
 * each page answered after a delay (like a slow remote site). It counts the
 * requests in flight, refuses more than `maxRequests` in all, and closes
 * itself after `lifetimeMs` whatever happens. `/missing` is a 404 and `/reset`
 * drops the connection without an answer: the failed links of the pool part.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageServer {
  url: string;
  /** Most requests in flight at once, seen by the server. */
  maxInFlight(): number;
  close(): Promise<void>;
}

export async function startPageServer(delayMs: number, maxRequests: number, lifetimeMs: number): Promise<PageServer> {
  let served = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    if (++served > maxRequests) {
      res.writeHead(429).end('request budget of the example used up');
      return;
    }
    if (req.url === '/reset') {
      req.socket.destroy();
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      if (req.url === '/missing') res.writeHead(404).end('no such page');
      else res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body>page ${req.url} </body></html>`);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = (): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
  setTimeout(() => void close(), lifetimeMs).unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxInFlight: () => maxInFlight, close };
}
