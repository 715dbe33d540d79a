/**
 * Personal data never reaches the logs: national numbers, contact codes and phone numbers are
 * censored wherever they appear under these keys, however deep. Log call and leg ids instead.
 */
export const REDACTED_KEYS = [
  'nationalNumber',
  'contactCode',
  'phone',
  'phoneNumber',
  'number',
  'callerNumber',
  'callerId',
  'digits',
  'password',
  'firstName',
  'lastName',
  'email',
  'token',
];

export const redactPaths = [
  ...REDACTED_KEYS,
  ...REDACTED_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];
