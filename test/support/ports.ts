import { AddressInfo, createServer } from 'node:net';

/** A port on 127.0.0.1 on which nothing listens: taken from the system, then given back. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((listening) => probe.listen(0, '127.0.0.1', listening));
  const { port } = probe.address() as AddressInfo;
  await new Promise((closed) => probe.close(closed));
  return port;
}
