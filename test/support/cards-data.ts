import { randomInt } from 'node:crypto';
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
