// Prints the directory of the simulated telephone network's Asterisk configuration (the e2e
// tests' network: test/e2e/network plus the files it shares with the service), assembled for the
// instance named in argv[2]. scripts/stack.sh runs it when no real trunk is configured.
import { networkTemplateDir } from '../test/support/network';

const name = process.argv[2];
if (!name || !/^[a-z0-9][a-z0-9-]*$/.test(name)) {
  process.stderr.write('usage: node dist/demo/network-template.js INSTANCE-NAME\n');
  process.exit(1);
}
process.stdout.write(`${networkTemplateDir(name)}\n`);
