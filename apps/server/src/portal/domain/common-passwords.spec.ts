import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BREACHED_PASSWORDS, BREACHED_PASSWORDS_COUNT, readRankedPasswords } from './common-passwords';
import { checkPassword } from './passwords';

describe('the list of breached passwords', () => {
  it('given the shipped list, then it holds its first 100,000 lines in lower case, the commonest first and the 100,001st out', () => {
    expect(BREACHED_PASSWORDS_COUNT).toBe(100_000);
    // 100,000 lines, 96,518 distinct once lower-cased (PASSWORD and password are one entry).
    expect(BREACHED_PASSWORDS.size).toBe(96_518);
    expect(BREACHED_PASSWORDS.has('123456')).toBe(true);
    expect(BREACHED_PASSWORDS.has('1302alex1994')).toBe(true); // line 99,389
    expect(BREACHED_PASSWORDS.has('zaqxswcdevfr')).toBe(false); // line 100,537
    for (const password of BREACHED_PASSWORDS) expect(password).toBe(password.toLowerCase());
  });

  it('given a ranked file, then only its first lines are read, trimmed, lower-cased and without blanks, across the read buffer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ranked-'));
    try {
      const file = join(dir, 'list.txt');
      const long = Array.from({ length: 200_000 }, (_, i) => `Entry-${i}-${'x'.repeat(10)}`);
      writeFileSync(file, ['Password', 'password ', '', ...long].join('\n'));
      const set = readRankedPasswords(file, 150_000);
      expect(set.has('password')).toBe(true);
      expect(set.has('entry-0-xxxxxxxxxx')).toBe(true);
      expect(set.has('entry-149996-xxxxxxxxxx')).toBe(true);
      expect(set.has('entry-149997-xxxxxxxxxx')).toBe(false);
      expect(set.size).toBe(1 + 149_997);
      writeFileSync(file, 'a\nB\nc');
      expect([...readRankedPasswords(file, 10)]).toEqual(['a', 'b', 'c']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['sonyericsson', 'LeaveMeAlone', 'FINALFANTASY', 'chickenwing101', '123qwerty456'])(
    'given the listed password %p in any case, then it is refused as too common',
    (password) => {
      expect(checkPassword(password, 'lina.peeters@example.org')).toMatchObject({ field: 'password', code: 'too-common' });
    },
  );

  it('given a password just past the list, then the list does not refuse it', () => {
    expect(checkPassword('zaqxswcdevfr', 'lina.peeters@example.org')).toBeNull();
  });
});
