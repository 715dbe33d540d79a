import { Logger } from '@nestjs/common';
import { LogMailer } from '../mail/log-mailer';
import { fieldProblems } from './validation';

describe('class-validator errors as fields', () => {
  it('given nested errors, then one entry per constraint with its path; unknown fields are named', () => {
    const problems = fieldProblems([
      { property: 'numbers', children: [{ property: '2', children: [{ property: 'label', constraints: { maxLength: 'the label must be at most 60 characters' }, children: [] }] }] },
      { property: 'admin', constraints: { whitelistValidation: 'property admin should not exist' }, children: [] },
    ]);
    expect(problems).toEqual([
      { field: 'numbers[2].label', code: 'maxLength', message: 'the label must be at most 60 characters' },
      { field: 'admin', code: 'unknown-field', message: 'admin is not a field of this request' },
    ]);
  });
});

describe('the development mailer', () => {
  it('logs the subject and the link, never the address or the body', async () => {
    const logged: unknown[] = [];
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation((...args: unknown[]) => void logged.push(args));
    await new LogMailer().send({ to: 'lina.peeters@example.org', subject: 'Allo Parents: confirm', text: 'secret body', link: 'http://x/verify-email?token=abc' });
    spy.mockRestore();
    const text = JSON.stringify(logged);
    expect(text).toContain('http://x/verify-email?token=abc');
    expect(text).not.toContain('lina.peeters');
    expect(text).not.toContain('secret body');
  });
});
