import { join } from 'node:path';
import { run } from '../support/processes';

describe('docker-compose.yml', () => {
  it('is a valid compose file (docker compose config)', async () => {
    const root = join(__dirname, '../..');
    const env = { ...process.env, POSTGRES_PASSWORD: 'only-for-validation' };
    const result = await run('docker-compose', ['-f', join(root, 'docker-compose.yml'), 'config', '-q'], { cwd: root, env });
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });
});
