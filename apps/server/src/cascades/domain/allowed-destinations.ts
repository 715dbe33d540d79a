import { isSupportedCountry, NumberType, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Which numbers the service may dial for a cascade. The line dials out at the operator's cost:
 * a parent's list (or a list stored before the rule changed) must never make it call a
 * premium-rate, satellite or international-network range, nor another continent by default.
 *
 * One pure rule, used twice: when a parent saves the list (portal), and again just before a leg
 * is dialled (the call-flow machine). The hotline is the operator's own setting and is exempt.
 */

/** The kinds of number an operator may allow (libphonenumber's types). Premium-rate is never one of them. */
export const ALLOWABLE_NUMBER_TYPES = [
  'MOBILE',
  'FIXED_LINE',
  'FIXED_LINE_OR_MOBILE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const satisfies readonly NumberType[];
export type AllowableNumberType = (typeof ALLOWABLE_NUMBER_TYPES)[number];

/** The European Union, the rest of the European Economic Area, Switzerland and the United Kingdom. */
export const DEFAULT_ALLOWED_COUNTRIES: readonly string[] = [
  // EU
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
  // EEA outside the EU, Switzerland, the UK
  'IS', 'LI', 'NO', 'CH', 'GB',
];

/**
 * Mobile and fixed lines: where a parent answers. FIXED_LINE_OR_MOBILE is what libphonenumber
 * says of countries whose ranges do not tell the two apart.
 */
export const DEFAULT_ALLOWED_TYPES: readonly AllowableNumberType[] = ['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE'];

export interface DestinationPolicy {
  /** ISO 3166-1 alpha-2 codes, upper case. */
  countries: readonly string[];
  types: readonly AllowableNumberType[];
}

export const DEFAULT_DESTINATION_POLICY: DestinationPolicy = { countries: DEFAULT_ALLOWED_COUNTRIES, types: DEFAULT_ALLOWED_TYPES };

/**
 * Why a number may not be dialled: `invalid` (not a valid number at all), `country` (a country
 * not on the list, or no country: satellite and international networks, +881/+882/+883),
 * `type` (premium-rate, shared-cost, toll-free, VoIP, pager... unless allowed).
 */
export type DestinationCheck = { allowed: true } | { allowed: false; reason: 'invalid' | 'country' | 'type' };

/** Whether the service may dial this number (E.164, or anything libphonenumber reads with its +). */
export function checkDestination(number: string, policy: DestinationPolicy): DestinationCheck {
  const parsed = parsePhoneNumberFromString(number);
  if (!parsed || !parsed.isValid()) return { allowed: false, reason: 'invalid' };
  if (!parsed.country || !policy.countries.includes(parsed.country)) return { allowed: false, reason: 'country' };
  const type = parsed.getType();
  if (type === undefined || type === 'PREMIUM_RATE' || !(policy.types as readonly string[]).includes(type)) return { allowed: false, reason: 'type' };
  return { allowed: true };
}

/** For the configuration's validation: the codes that are not countries libphonenumber knows. */
export function unknownCountries(codes: readonly string[]): string[] {
  return codes.filter((code) => !isSupportedCountry(code));
}

export function isAllowableNumberType(type: string): type is AllowableNumberType {
  return (ALLOWABLE_NUMBER_TYPES as readonly string[]).includes(type);
}
