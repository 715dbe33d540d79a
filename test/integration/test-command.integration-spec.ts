import { join } from 'node:path';
import { run } from '../support/processes';
import { REPO_ROOT } from '../support/repo-root';

describe('npm test (scripts/test.sh)', () => {
  it('given TEST_DATABASE_URL equal to DATABASE_URL, when started, then it refuses before building or touching any database, saying why', async () => {
    // Unreachable on purpose: were the refusal missing, nothing could be dropped there.
    const url = 'postgres://nobody:nothing@127.0.0.1:9/same_database';
    const result = await run('bash', [join(REPO_ROOT, 'scripts/test.sh'), '--selectProjects', 'unit'], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: url, TEST_DATABASE_URL: url },
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('TEST_DATABASE_URL is the same as DATABASE_URL');
    expect(result.output).toContain('DROP SCHEMA');
    expect(result.output).not.toContain('type-checking');
    expect(result.output).not.toContain('emptied the test database');
  });
});
