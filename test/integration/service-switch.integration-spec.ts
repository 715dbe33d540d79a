import { DataSource } from 'typeorm';
import { Database } from '../../apps/server/src/database/database';
import { createDataSource } from '../../apps/server/src/database/data-source';
import { ServiceMode } from '../../apps/server/src/service-mode/domain/service-mode';
import { PgServiceModeNotifications, PgServiceSwitchStore } from '../../apps/server/src/service-mode/persistence/pg-service-switch-store';
import { waitFor } from '../support/processes';
import { runService } from '../support/service-command';
import { testConfig } from '../support/test-config';

jest.setTimeout(60_000);

describe('npm run service: the service switch shared by every node, in PostgreSQL', () => {
  const config = testConfig();
  let source: DataSource;
  let store: PgServiceSwitchStore;
  let notifications: PgServiceModeNotifications;
  const heard: ServiceMode[] = [];
  let listening = false;
  const auditSince = (id: number) =>
    source.query(`SELECT actor_id, action, details FROM audit_events WHERE subject_kind = 'service' AND id > $1 ORDER BY id`, [id]) as Promise<{ actor_id: string; action: string; details: Record<string, unknown> }[]>;
  const lastAuditId = async () => Number((await source.query(`SELECT coalesce(max(id), 0) AS id FROM audit_events`))[0].id);

  beforeAll(async () => {
    source = createDataSource(config.database.url);
    await source.initialize();
    store = new PgServiceSwitchStore(new Database(source));
    await source.query(`UPDATE service_switch SET mode = 'normal', changed_by = 'test'`);
    notifications = new PgServiceModeNotifications(config.database.url, (mode) => heard.push(mode), () => (listening = true), () => undefined);
    await notifications.start();
  });

  afterAll(async () => {
    await source.query(`UPDATE service_switch SET mode = 'normal', changed_by = 'test'`);
    await notifications.stop();
    await source.destroy();
  });

  it('given a normal service, when an operator suspends it and then resumes it, then each change is stored with who and when, audited, and announced to every listening node', async () => {
    expect(listening).toBe(true);
    const since = await lastAuditId();
    const status = await runService(['status']);
    expect(status).toMatchObject({ code: 0 });
    expect(status.stdout).toMatch(/^service normal \(set by test at \d{4}-\d\d-\d\dT/);

    const before = Date.now();
    const suspended = await runService(['suspend', '--by', 'alice']);
    expect(suspended).toMatchObject({ code: 0 });
    expect(suspended.stdout).toContain('service suspended on every node');
    const state = await store.read();
    expect(state).toMatchObject({ mode: 'suspended', changedBy: 'alice' });
    expect(state.changedAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    await waitFor('the suspension announced over LISTEN/NOTIFY', async () => heard.includes('suspended'), 10_000);

    const again = await runService(['suspend', '--by', 'alice']);
    expect(again.stdout).toContain('already suspended: nothing changed');
    expect((await runService(['status'])).stdout).toMatch(/^service suspended \(set by alice at /);

    const resumed = await runService(['resume', '--by', 'bob']);
    expect(resumed.stdout).toContain('service resumed on every node');
    await waitFor('the resumption announced', async () => heard.includes('normal'), 10_000);
    expect(heard).toEqual(['suspended', 'normal']);
    expect(await auditSince(since)).toEqual([
      { actor_id: 'alice', action: 'service.suspended', details: { mode: 'suspended', before: 'normal' } },
      { actor_id: 'bob', action: 'service.resumed', details: { mode: 'normal', before: 'suspended' } },
    ]);
  });

  it('given a wrong command or option, then it says what is expected, exits 1 and changes nothing', async () => {
    const since = await lastAuditId();
    for (const args of [[], ['pause'], ['suspend', '--reason', 'fraud'], ['suspend', '--by', 'alice smith'], ['suspend', 'now']]) {
      const run = await runService(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: (usage: npm run service|unknown option|the operator's name)/);
    }
    expect((await store.read()).mode).toBe('normal');
    expect(await auditSince(since)).toEqual([]);
  });

  it('the table holds one row and only the two modes', async () => {
    await expect(source.query(`INSERT INTO service_switch (id, mode, changed_by) VALUES (false, 'normal', 'x')`)).rejects.toThrow(/ck_service_switch_one_row/);
    await expect(source.query(`UPDATE service_switch SET mode = 'off'`)).rejects.toThrow(/ck_service_switch_mode/);
  });
});
