import { decideMirror, isServiceMode } from './service-mode';

describe('the service switch: a node\'s Asterisk against the stored value', () => {
  it.each([
    ['an Asterisk that just started (no marker) while the service is suspended takes the stored value, never resumes it', 'suspended', { mode: 'normal', mirrored: '' }, { type: 'mirror', mode: 'suspended', reason: 'asterisk-started' }],
    ['an Asterisk that just started while the service runs normally is given the value too (the marker)', 'normal', { mode: 'normal', mirrored: '' }, { type: 'mirror', mode: 'normal', reason: 'asterisk-started' }],
    ['an operator typing `suspended` in the Asterisk CLI is stored for every node', 'normal', { mode: 'suspended', mirrored: 'normal' }, { type: 'store', mode: 'suspended' }],
    ['an operator typing `normal` in the Asterisk CLI resumes every node', 'suspended', { mode: 'normal', mirrored: 'suspended' }, { type: 'store', mode: 'normal' }],
    ['a value that is neither mode typed in the CLI is overwritten with the stored one', 'suspended', { mode: 'suspend', mirrored: 'suspended' }, { type: 'mirror', mode: 'suspended', reason: 'invalid-value' }],
    ['a change stored by another node (its notification missed) reaches this Asterisk', 'suspended', { mode: 'normal', mirrored: 'normal' }, { type: 'mirror', mode: 'suspended', reason: 'stored-changed' }],
    ['an Asterisk holding the stored value is left alone', 'suspended', { mode: 'suspended', mirrored: 'suspended' }, { type: 'inSync' }],
  ] as const)('%s', (_name, stored, view, expected) => {
    expect(decideMirror(stored, view)).toEqual(expected);
  });

  it('knows the two modes and nothing else', () => {
    expect(['normal', 'suspended'].every(isServiceMode)).toBe(true);
    expect(['', 'Suspended', 'off', undefined, 1].some(isServiceMode)).toBe(false);
  });
});
