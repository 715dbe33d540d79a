// Usage: node dist/apps/server/src/cli/demo.js seed|remove
// The demo child of `npm run stack` without a real trunk (apps/server/src/demo/demo-cascade.ts).
// seed: only while SIP_TRUNK_URI is unset (the stack then points the trunk at its simulated
// network); prints the national number to type. remove: deletes the demo parent and cascade
// (the stack runs it when a real trunk is configured).
import { loadConfig } from '../config/app-config';
import { DEMO, removeDemo, seedDemo } from '../demo/demo-cascade';
import { runCli } from './run-cli';

runCli(async () => {
  const command = process.argv[2];
  if (command === 'seed') {
    if (process.env.SIP_TRUNK_URI) throw new Error('SIP_TRUNK_URI is set: demo data is only seeded for a stack without a real trunk (its numbers would be dialled for real)');
    const result = await seedDemo(loadConfig());
    process.stdout.write(`${result.already ? 'demo child already present' : 'demo child seeded'}: national number ${result.nationalNumber}; cascade ${DEMO.numbers.map((n) => `${n.number} (${n.label.replace(/^demo: /, '')})`).join(', then ')}\n`);
  } else if (command === 'remove') {
    const removed = await removeDemo(loadConfig());
    process.stdout.write(removed ? 'demo parent and cascade deleted\n' : 'no demo data\n');
  } else {
    throw new Error('usage: node dist/apps/server/src/cli/demo.js seed|remove');
  }
});
