import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service switch (normal / suspended), one value for every node (docs/scaling.md): a single
 * row, with who set it and when. Every change is in audit_events too (written by the same
 * transaction), and a trigger announces it on the `service_mode` channel (LISTEN/NOTIFY) so that
 * every app mirrors it into its own Asterisk at once; the apps also re-read it periodically in
 * case a notification was lost with a connection.
 */
export class ServiceSwitch1797000000000 implements MigrationInterface {
  name = 'ServiceSwitch1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_switch (
        id boolean CONSTRAINT pk_service_switch PRIMARY KEY DEFAULT true CONSTRAINT ck_service_switch_one_row CHECK (id),
        mode text NOT NULL CONSTRAINT ck_service_switch_mode CHECK (mode IN ('normal', 'suspended')),
        -- An operator's name, or 'asterisk-cli@<node>' for a change typed in a node's Asterisk CLI.
        changed_by text NOT NULL CONSTRAINT ck_service_switch_changed_by CHECK (changed_by ~ '^[A-Za-z0-9._@:-]{1,80}$'),
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO service_switch (mode, changed_by) VALUES ('normal', 'installation')`);
    await q.query(`
      CREATE FUNCTION service_switch_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('service_mode', NEW.mode);
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_service_switch_notify AFTER UPDATE ON service_switch
        FOR EACH ROW WHEN (OLD.mode IS DISTINCT FROM NEW.mode) EXECUTE FUNCTION service_switch_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE service_switch`);
    await q.query(`DROP FUNCTION service_switch_notify()`);
  }
}
