import { describeMailError } from './smtp-mailer';

describe('what the SMTP mailer logs about a failed delivery', () => {
  it("given nodemailer's error with the server's reply, then only the codes are kept: the reply, which may echo the address, is not", () => {
    const error = Object.assign(new Error('Can\'t send mail - all recipients were rejected: 550 5.1.1 <parent@example.org>: no such user'), {
      code: 'EENVELOPE',
      responseCode: 550,
      command: 'RCPT TO',
      response: '550 5.1.1 <parent@example.org>: no such user',
      rejected: ['parent@example.org'],
    });
    expect(describeMailError(error)).toBe('code EENVELOPE, SMTP 550, during RCPT TO');
  });

  it('given an error without a code, or not an error at all, then its class name or "error"', () => {
    expect(describeMailError(new TypeError('parent@example.org'))).toBe('TypeError');
    expect(describeMailError('parent@example.org')).toBe('error');
    expect(describeMailError(undefined)).toBe('error');
  });
});
