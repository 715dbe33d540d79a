// Splits the end-to-end tier into shards of about equal running time (`jest --shard=i/n`, which
// npm test uses to run the shards side by side). jest's own sharding spreads files by a hash of
// their path, so one shard could get every long file; here the longest go first, each to the
// shard with the least time so far. The times are seconds measured on a 2-core machine and only
// steer the balance: a file missing from the list counts as a typical one.
const Sequencer = require('@jest/test-sequencer').default;
const { basename } = require('node:path');

const SECONDS = {
  'finder-call.e2e-spec.ts': 240,
  'bad-input.e2e-spec.ts': 85,
  'parent-calls.e2e-spec.ts': 63,
  'finder-call-limits.e2e-spec.ts': 57,
  'faults-trunk.e2e-spec.ts': 37,
  'privacy-logs.e2e-spec.ts': 37,
  'faults-database.e2e-spec.ts': 29,
  'running-stack.e2e-spec.ts': 18,
  'stack-command.e2e-spec.ts': 17,
  'trunk-health.e2e-spec.ts': 10,
};
const TYPICAL_SECONDS = 60;

/** Which of `count` shards each file goes to (0-based), longest first onto the least-loaded shard; ties by path. */
function assignShards(paths, count) {
  const weight = (path) => SECONDS[basename(path)] ?? TYPICAL_SECONDS;
  const loads = new Array(count).fill(0);
  const shardOf = new Map();
  const ordered = [...paths].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
  for (const path of ordered) {
    const shard = loads.indexOf(Math.min(...loads));
    shardOf.set(path, shard);
    loads[shard] += weight(path);
  }
  return shardOf;
}

class BalancedShards extends Sequencer {
  shard(tests, { shardIndex, shardCount }) {
    const shardOf = assignShards(tests.map((test) => test.path), shardCount);
    return tests.filter((test) => shardOf.get(test.path) === shardIndex - 1);
  }
}

module.exports = BalancedShards;
module.exports.assignShards = assignShards;
