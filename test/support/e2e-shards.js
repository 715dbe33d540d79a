// Splits the end-to-end tier into shards of about equal running time (`jest --shard=i/n`, which
// npm test uses to run the shards side by side). jest's own sharding spreads files by a hash of
// their path, so one shard could get every long file; here the longest go first, each to the
// shard with the least time so far. The times are seconds measured in a full run on a 2-core
// machine (the shards side by side, so slower than alone) and only
// steer the balance: a file missing from the list counts as a typical one.
const Sequencer = require('@jest/test-sequencer').default;
const { basename } = require('node:path');

const SECONDS = {
  'finder-call.e2e-spec.ts': 305,
  'call-bounds.e2e-spec.ts': 183,
  'finder-call-faults.e2e-spec.ts': 179,
  'kamailio-nodes.e2e-spec.ts': 150,
  'parent-line.e2e-spec.ts': 290,
  'service-switch.e2e-spec.ts': 131,
  'bad-input.e2e-spec.ts': 124,
  'demo-stack.e2e-spec.ts': 120,
  'cluster-command.e2e-spec.ts': 90,
  'parent-calls.e2e-spec.ts': 80,
  'faults-restarts.e2e-spec.ts': 75,
  'stack-command.e2e-spec.ts': 60,
  'faults-trunk.e2e-spec.ts': 59,
  'finder-call-limits.e2e-spec.ts': 59,
  'faults-database-failover.e2e-spec.ts': 60,
  'privacy-logs.e2e-spec.ts': 47,
  'faults-database.e2e-spec.ts': 42,
  'sip-scanning.e2e-spec.ts': 34,
  'trunk-health.e2e-spec.ts': 28,
  'running-stack.e2e-spec.ts': 23,
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
