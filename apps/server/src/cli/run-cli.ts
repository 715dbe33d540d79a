import { ConfigError } from '../config/environment';

/** Runs a command-line entry point: a clear one-paragraph error and exit code 1, never a stack trace. */
export function runCli(main: () => void | Promise<void>): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
      process.stderr.write(`error: ${message}\n`);
      process.exit(1);
    });
}
