import { randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { addDays } from '../../apps/server/src/retention/retention-policy';
import { randomNationalNumber } from './national-numbers';

export function randomCode(): string {
  return Array.from({ length: 10 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[randomInt(0, 32)]).join('');
}

export function daysAgo(days: number): string {
  return addDays(new Date().toISOString().slice(0, 10), -days);
}

type CardFields = 'nationalNumber' | 'contactCode' | 'issuedOn' | 'firstName' | 'lastName';

/** A valid card record; overrides may break it on purpose (wrong types included). */
export function cardRecord(overrides: Partial<Record<CardFields, unknown>> = {}): Record<CardFields, string> {
  return { nationalNumber: randomNationalNumber(), contactCode: randomCode(), issuedOn: daysAgo(30), firstName: 'Lina', lastName: 'Peeters', ...overrides } as Record<CardFields, string>;
}

/** What a parent's activation on the portal leaves (not under test where this is used): a cascade with one number for an ingested child. */
export async function cascadeWithOneNumber(db: DataSource, nationalNumberHash: Buffer, status: 'active' | 'draft'): Promise<string> {
  const [{ id }] = await db.query(
    `INSERT INTO cascades (child_id, status, activated_at) SELECT id, $2, CASE WHEN $2 = 'active' THEN now() END FROM children WHERE national_number_hash = $1 RETURNING id`,
    [nationalNumberHash, status],
  );
  await db.query(`INSERT INTO cascade_numbers (cascade_id, position, e164, country) VALUES ($1, 1, '+32470000041', 'BE')`, [id]);
  return id;
}
