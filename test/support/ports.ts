import { createSocket } from 'node:dgram';
import { AddressInfo, createServer } from 'node:net';

/** A port on 127.0.0.1 on which nothing listens: taken from the system, then given back. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((listening) => probe.listen(0, '127.0.0.1', listening));
  const { port } = probe.address() as AddressInfo;
  await new Promise((closed) => probe.close(closed));
  return port;
}

/** Whether nothing listens on the TCP port (any address: a listener on 0.0.0.0 holds it too). */
export async function tcpPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** Whether no socket is bound to the UDP port on 127.0.0.1 (or on every address). */
export async function udpPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}
