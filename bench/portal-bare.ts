// The portal benchmark's ceiling (bench/portal.ts starts it, pinned to the app's core): a bare
// Fastify route that answers GET /api/v1/children/:childId/cascade with the portal's two
// statements (the session check, then the child's cascade: the same SQL, named and prepared the
// same way, on a pg pool of the same size) and the same JSON, byte for byte — and nothing else:
// no Nest, no guards, no CSRF or helmet headers, no request log.
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { Pool } from 'pg';
import { loadConfig } from '../apps/server/src/config/app-config';
import { dataSourceOptions } from '../apps/server/src/database/data-source';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SESSION_TOUCH_EVERY_MS } from '../apps/server/src/portal/domain/sessions';
import { CURRENT_TERMS_VERSION } from '../apps/server/src/portal/legal/legal-documents';
import { CHILD, CHILD_SQL } from '../apps/server/src/portal/persistence/pg-parent-children-store';
import { SESSION_TOUCH, SESSION_TOUCH_SQL } from '../apps/server/src/portal/persistence/pg-session-store';

interface Row {
  child_id: string;
  status: string | null;
  blocked_reason: string | null;
  language: string | null;
  activated_at: Date | null;
  terms_version: string | null;
  terms_accepted_at: Date | null;
  numbers: { position: number; e164: string; country: string; label: string }[];
}

const display = (e164: string) => {
  const digits = `+${e164.replace(/^\+/, '')}`;
  return parsePhoneNumberFromString(digits)?.formatInternational() ?? digits;
};

async function main(): Promise<void> {
  const config = loadConfig();
  const port = Number(process.env.BENCH_BARE_PORT);
  const pool = new Pool({ connectionString: config.database.url, ...(dataSourceOptions(config.database.url).extra as object) });
  const callerNumber = config.callFlow.legCallerId === 'service' ? display(config.service.number) : null;
  const app = Fastify({ logger: false });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get<{ Params: { childId: string } }>('/api/v1/children/:childId/cascade', async (request, reply) => {
    const token = /(?:^|;\s*)ap_session=([A-Za-z0-9_-]{43})(?:;|$)/.exec(request.headers.cookie ?? '')?.[1];
    if (!token) return reply.code(401).send({ error: 'unauthenticated' });
    const hash = createHash('sha256').update(token, 'utf8').digest();
    const session = await pool.query<{ parent_id: string }>({ name: SESSION_TOUCH, text: SESSION_TOUCH_SQL, values: [hash, SESSION_IDLE_MS, SESSION_ABSOLUTE_MS, SESSION_TOUCH_EVERY_MS] });
    if (session.rows.length === 0) return reply.code(401).send({ error: 'unauthenticated' });
    const { rows } = await pool.query<Row>({ name: CHILD, text: CHILD_SQL, values: [session.rows[0].parent_id, request.params.childId] });
    const row = rows[0];
    if (!row) return reply.code(404).send({ error: 'not-found' });
    return {
      childId: row.child_id,
      status: row.status,
      blockedReason: row.blocked_reason,
      language: row.language,
      activatedAt: row.activated_at?.toISOString() ?? null,
      termsVersion: row.terms_version,
      termsAcceptedAt: row.terms_accepted_at?.toISOString() ?? null,
      currentTermsVersion: CURRENT_TERMS_VERSION,
      callerNumber,
      numbers: row.numbers.map((n) => ({ position: n.position, number: n.e164, formatted: display(n.e164), country: n.country.trim(), label: n.label })),
    };
  });

  await app.listen({ host: '127.0.0.1', port });
  const stop = () => void app.close().then(() => pool.end()).then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`bare portal route failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
