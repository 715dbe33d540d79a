import { join } from 'node:path';
import { run, start, Started, waitFor } from './processes';
import { REPO_ROOT as ROOT } from './repo-root';

const SCRIPT = join(ROOT, 'scripts/asterisk.sh');

/** A real Asterisk instance from the project's chroot, rendered from a template directory. */
export class AsteriskInstance {
  private process: Started | undefined;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    private readonly templateDir = join(ROOT, 'asterisk-config/service'),
  ) {}

  async start(): Promise<void> {
    this.process = start('bash', [SCRIPT, 'run', this.name, this.templateDir], { env: { ...process.env, ...this.env } });
    await waitFor(`Asterisk '${this.name}' fully booted`, async () => {
      if (this.process!.child.exitCode !== null) throw new Error(`Asterisk exited:\n${this.process!.output()}`);
      const { code } = await this.cli('core waitfullybooted');
      return code === 0;
    }, 30_000, 300);
  }

  cli(command: string): Promise<{ code: number | null; output: string }> {
    return run('bash', [SCRIPT, 'cli', this.name, command], { env: { ...process.env, ...this.env } }, 10_000);
  }

  output(): string {
    return this.process?.output() ?? '';
  }

  /** SIGKILL, like a crash or a power cut: no shutdown, nothing said to anyone. */
  async kill(): Promise<void> {
    if (!this.process || this.process.child.exitCode !== null || this.process.child.signalCode !== null) return;
    this.process.child.kill('SIGKILL');
    await this.process.exited;
  }

  /** SIGSTOP: Asterisk hangs (no SIP, no ARI answer) with its sockets still open, until kill() or resume(). */
  freeze(): void {
    this.process?.child.kill('SIGSTOP');
  }

  async stop(): Promise<void> {
    if (!this.process || this.process.child.exitCode !== null || this.process.child.signalCode !== null) return;
    await this.cli('core stop now');
    const timeout = setTimeout(() => this.process?.child.kill('SIGKILL'), 10_000);
    await this.process.exited;
    clearTimeout(timeout);
  }
}
