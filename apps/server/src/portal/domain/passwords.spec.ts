import { checkPassword } from './passwords';

describe('the password rules', () => {
  it.each([
    ['short pass', 'too-short'],
    ['password1234', 'too-common'],
    ['PassWord1234', 'too-common'],
    ['zzzzzzzzzzzzzzzz', 'too-common'],
    ['123456789012345', 'too-common'],
    ['x'.repeat(257), 'too-long'],
    ['lina.peeters@example.org', 'like-email'],
    ['lina.peeters1', 'like-email'],
  ])('given %p, then it is refused as %p', (password, code) => {
    expect(checkPassword(password, 'lina.peeters@example.org')?.code).toBe(code);
  });

  it('given a long unusual passphrase, then it is accepted; length counts characters, not bytes', () => {
    expect(checkPassword('a quiet blue harbour at dawn', 'x@example.org')).toBeNull();
    expect(checkPassword('ééééééééééé', 'x@example.org')?.code).toBe('too-short');
    expect(checkPassword('ééé ààà ùùù ôô', 'x@example.org')).toBeNull();
  });
});
