import { makeNationalNumber } from '../../apps/server/src/cascades/domain/national-number';

/** A valid national number drawn from ~10 million (2000–2024 births), so runs almost never meet an earlier run's. */
export function randomNationalNumber(): string {
  const pick = (n: number) => 1 + Math.floor(Math.random() * n);
  const yymmdd = [pick(25) - 1, pick(12), pick(28)].map((v) => String(v).padStart(2, '0')).join('');
  return makeNationalNumber(yymmdd, String(pick(997)).padStart(3, '0'), true);
}
