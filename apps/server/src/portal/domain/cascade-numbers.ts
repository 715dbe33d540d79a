import { CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { checkDestination, DEFAULT_DESTINATION_POLICY, DestinationPolicy } from '../../cascades/domain/allowed-destinations';
import { FieldProblem } from './portal-error';

export const MAX_CASCADE_NUMBERS = 7;
export const DEFAULT_COUNTRY = 'BE';
export const LABEL_MAX_LENGTH = 60;

/** One number as the parent types it. */
export interface CascadeNumberInput {
  number: string;
  country?: string;
  label?: string;
}

/** One number as stored and dialled: E.164, the country it belongs to, the parent's label. */
export interface CascadeNumber {
  e164: string;
  country: string;
  label: string;
}

/**
 * Numbers a cascade may not hold: the service's own numbers (it would call itself), the hotline
 * (always last anyway), and any number outside the destinations the service dials
 * (ALLOWED_NUMBER_COUNTRIES, ALLOWED_NUMBER_TYPES; the default when not given).
 */
export interface ForbiddenNumbers {
  serviceNumbers: string[];
  hotlineNumber: string;
  allowedDestinations?: DestinationPolicy;
}

export type NumbersCheck = { valid: true; numbers: CascadeNumber[] } | { valid: false; problems: FieldProblem[] };

/**
 * The cascade-list rules: at most 7 numbers, each a valid number of its country (Belgium unless
 * told), normalised to E.164, no premium-rate number, not the service's own number nor the
 * hotline, no number twice. Every problem is reported, each on its own field.
 */
export function checkCascadeNumbers(inputs: CascadeNumberInput[], forbidden: ForbiddenNumbers): NumbersCheck {
  const problems: FieldProblem[] = [];
  if (inputs.length > MAX_CASCADE_NUMBERS) {
    problems.push({
      field: `numbers[${MAX_CASCADE_NUMBERS}]`,
      code: 'too-many',
      message: `a cascade holds at most ${MAX_CASCADE_NUMBERS} numbers (the hotline is always added after them): remove one before adding another`,
    });
  }
  const service = new Set(forbidden.serviceNumbers.map((n) => `+${n.replace(/^\+/, '')}`));
  const hotline = forbidden.hotlineNumber.replace(/^\+/, '');
  const allowed = forbidden.allowedDestinations ?? DEFAULT_DESTINATION_POLICY;
  const seen = new Map<string, number>();
  const numbers: CascadeNumber[] = [];

  inputs.slice(0, MAX_CASCADE_NUMBERS).forEach((input, index) => {
    const at = (field: string) => `numbers[${index}].${field}`;
    const country = (input.country ?? DEFAULT_COUNTRY).trim().toUpperCase();
    if (!isSupportedCountry(country)) {
      problems.push({ field: at('country'), code: 'unknown-country', message: 'the country must be a two-letter country code such as BE, NL, FR, DE or LU' });
      return;
    }
    const typed = input.number.trim();
    const digitsOnly = typed.replace(/[\s().\/-]/g, '');
    if (digitsOnly === hotline) {
      problems.push({ field: at('number'), code: 'hotline', message: 'the hotline is always called after your numbers: it is not one of them' });
      return;
    }
    const parsed = parsePhoneNumberFromString(typed, country as CountryCode);
    if (parsed && service.has(parsed.number)) {
      problems.push({ field: at('number'), code: 'service-number', message: "this is the service's own number: enter a number where a parent can answer" });
      return;
    }
    if (!parsed || !parsed.isValid()) {
      problems.push({ field: at('number'), code: 'invalid', message: `this is not a valid phone number for ${country}: check the digits, or give the country or a number starting with +` });
      return;
    }
    if (parsed.getType() === 'PREMIUM_RATE') {
      problems.push({ field: at('number'), code: 'premium-rate', message: 'premium-rate numbers cannot be called by the service: enter an ordinary mobile or landline number' });
      return;
    }
    const destination = checkDestination(parsed.number, allowed);
    if (!destination.allowed) {
      problems.push(
        destination.reason === 'country'
          ? { field: at('number'), code: 'country-not-allowed', message: `the service does not call numbers of ${parsed.country ?? 'this network'}: it calls numbers of ${allowed.countries.join(', ')}` }
          : { field: at('number'), code: 'type-not-allowed', message: 'the service calls ordinary mobile and landline numbers only: not toll-free, shared-cost, VoIP, pager or personal numbers' },
      );
      return;
    }
    const earlier = seen.get(parsed.number);
    if (earlier !== undefined) {
      problems.push({ field: at('number'), code: 'duplicate', message: `this number is already in the list at position ${earlier + 1}` });
      return;
    }
    seen.set(parsed.number, index);
    const label = (input.label ?? '').normalize('NFC').trim().replace(/\s+/g, ' ');
    if ([...label].length > LABEL_MAX_LENGTH || /\p{Cc}/u.test(input.label ?? '')) {
      problems.push({ field: at('label'), code: 'label', message: `the label must be at most ${LABEL_MAX_LENGTH} characters, without control characters` });
      return;
    }
    numbers.push({ e164: parsed.number, country: parsed.country ?? country, label });
  });

  return problems.length > 0 ? { valid: false, problems } : { valid: true, numbers };
}
