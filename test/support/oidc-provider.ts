import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface TestOidcUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
}

/** The test OpenID Connect provider (test/support/oidc-provider-worker.mjs), started in a worker thread. */
export class TestOidcProvider {
  private constructor(
    private readonly worker: Worker,
    readonly issuer: string,
  ) {}

  static async start(client: { clientId: string; clientSecret: string; redirectUri: string; issuerHost?: 'localhost' | '127.0.0.1' }): Promise<TestOidcProvider> {
    const worker = new Worker(resolve(__dirname, 'oidc-provider-worker.mjs'), { workerData: client, stdout: true, stderr: true });
    // Its development-mode warnings (in-memory adapter, generated keys, Node 22 preferred) are expected here; anything else is shown.
    worker.stdout.resume();
    worker.stderr.on('data', (chunk: Buffer) => {
      const lines = chunk.toString('utf8').split('\n').filter((line) => line.trim() !== '' && !/^oidc-provider (WARNING|NOTICE):/.test(line));
      if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
    });
    const issuer = await new Promise<string>((ready, fail) => {
      worker.once('error', fail);
      worker.once('message', (message: { type: string; issuer: string }) => ready(message.issuer));
    });
    return new TestOidcProvider(worker, issuer);
  }

  /** The user the provider signs in at its next login interaction; null: the user cancels. */
  async signInAs(user: TestOidcUser | null): Promise<void> {
    await new Promise<void>((done) => {
      this.worker.once('message', () => done());
      this.worker.postMessage({ type: 'sign-in-as', user });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((done) => this.worker.once('exit', () => done()));
    this.worker.postMessage({ type: 'close' });
    await Promise.race([exited, new Promise((later) => setTimeout(later, 2000).unref())]);
    await this.worker.terminate();
  }
}
