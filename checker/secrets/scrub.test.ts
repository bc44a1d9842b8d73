import { describe, expect, it } from 'vitest';
import { createScrubber, FRAGMENT, MASK } from './scrub.ts';

describe('the scrubber', () => {
  const token = 'ghp_R8xQ2mZt7LwK9vB4nC6yH1sD3fG5jP0aE2uV';
  const s = createScrubber();
  s.addFromEnv({
    GITHUB_TOKEN: token,
    TELEGRAM_BOT_TOKEN: '7777777777:AAF-telegram-secret',
    SMTP_URL: 'smtps://mailer:p%40ss-w0rd-long@mail.example:465',
    SYSMON_PASSWORD: 'metrics-secret-9',
    HOME: '/root',
    SHORT_TOKEN: 'abc123',
  });

  const cases: [string, string, string][] = [
    ['the whole token', `Authorization: token ${token}`, `Authorization: token ${MASK}`],
    ['a prefix cut by a front end', `header ${token.slice(0, 20)}…`, `header ${MASK}…`],
    ['a fragment from the middle', `x${token.slice(9, 9 + FRAGMENT)}x`, `x${MASK}x`],
    [
      'the URL-encoded form',
      `bot${encodeURIComponent('7777777777:AAF-telegram-secret')}/send`,
      `bot${MASK}/send`,
    ],
    ['the password of SMTP_URL', 'login with p@ss-w0rd-long failed', `login with ${MASK} failed`],
    ['the base64 of a secret', Buffer.from('metrics-secret-9').toString('base64'), MASK],
    [
      'a run shorter than FRAGMENT stays',
      `tok ${token.slice(0, FRAGMENT - 1)}`,
      `tok ${token.slice(0, FRAGMENT - 1)}`,
    ],
    ['ordinary text stays', 'GitHub ответил 502 (/root)', 'GitHub ответил 502 (/root)'],
    ['a short value of a generic name is not a secret', 'abc123 stays', 'abc123 stays'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(s.scrub(input)).toBe(expected);
  });
});
