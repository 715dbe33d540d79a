import { Client } from 'pg';
import { DEMO, removeDemo, seedDemo } from '../../apps/server/src/demo/demo-cascade';
import { CURRENT_TERMS_VERSION } from '../../apps/server/src/portal/legal/legal-documents';
import { Pseudonymizer } from '../../apps/server/src/privacy/pseudonymizer';
import { testConfig } from '../support/test-config';

jest.setTimeout(60_000);

describe('the demo child of npm run stack (real PostgreSQL)', () => {
  const config = testConfig();
  const db = new Client({ connectionString: config.database.url });
  const hash = new Pseudonymizer(config.pseudonymKey).hash('national-number', DEMO.nationalNumber);

  beforeAll(() => db.connect());
  afterAll(() => db.end());

  const cascade = async () =>
    (
      await db.query(
        `SELECT c.id, c.status, c.terms_version,
                (SELECT array_agg(n.e164 ORDER BY n.position) FROM cascade_numbers n WHERE n.cascade_id = c.id) AS numbers
           FROM cascades c JOIN children ch ON ch.id = c.child_id WHERE ch.national_number_hash = $1`,
        [hash],
      )
    ).rows;

  it('given a demo parent left unverified (a seeding interrupted after registering), when seeded again, then the parent is completed through a password reset and the cascade is active; removal then finds it', async () => {
    await removeDemo(config);
    await seedDemo(config);
    const loginHash = new Pseudonymizer(config.pseudonymKey).hash('parent-login', DEMO.parentEmail);
    const { rowCount } = await db.query('UPDATE parent_accounts SET email_verified_at = NULL WHERE login_hash = $1', [loginHash]);
    expect(rowCount).toBe(1);

    expect(await seedDemo(config)).toMatchObject({ nationalNumber: DEMO.nationalNumber });
    const { rows } = await db.query('SELECT email_verified_at FROM parent_accounts WHERE login_hash = $1', [loginHash]);
    expect(rows[0].email_verified_at).not.toBeNull();
    expect(await cascade()).toEqual([expect.objectContaining({ status: 'active' })]);
    expect(await removeDemo(config)).toBe(true);
  });

  it('given no demo parent, when seeded twice, then the cascade is active with the busy number then the person, under the current terms, the second run changing nothing; the national number, code and names are stored only hashed or sealed; when removed, then the cascade and the parent are gone, and a second removal finds nothing', async () => {
    await removeDemo(config);

    const first = await seedDemo(config);
    expect(first).toMatchObject({ nationalNumber: DEMO.nationalNumber, already: false });
    const [seeded] = await cascade();
    expect(seeded).toMatchObject({ status: 'active', terms_version: CURRENT_TERMS_VERSION, numbers: DEMO.numbers.map((n) => n.number) });

    const second = await seedDemo(config);
    expect(second).toEqual({ ...first, already: true });
    expect(await cascade()).toEqual([seeded]);

    // Nothing readable at rest: every row of the demo child's tables, as text.
    const { rows } = await db.query(
      `SELECT row_to_json(ch)::text AS child, (SELECT json_agg(cd)::text FROM cards cd WHERE cd.child_id = ch.id) AS cards
         FROM children ch WHERE ch.national_number_hash = $1`,
      [hash],
    );
    const atRest = JSON.stringify(rows);
    for (const value of [DEMO.nationalNumber, DEMO.contactCode, DEMO.firstName, DEMO.parentEmail]) expect(atRest).not.toContain(value);

    expect(await removeDemo(config)).toBe(true);
    expect(await cascade()).toEqual([]);
    expect(await removeDemo(config)).toBe(false);
  });
});
