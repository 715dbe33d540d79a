import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's root, found from this file's directory: the same from the sources (the
 * tests, under jest) and from their build in dist/ (the benchmarks, bench/).
 */
export const REPO_ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'scripts/asterisk.sh'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root (scripts/asterisk.sh) above ${from}`);
    dir = parent;
  }
  return dir;
}
