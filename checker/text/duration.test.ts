import { describe, expect, it } from 'vitest';
import { durationText, minutesText } from './duration.ts';

describe('one rounding rule for every duration', () => {
  it.each([
    [0, '0 мин'],
    [-5_000, '0 мин'],
    [20_000, 'меньше минуты'],
    [59_999, 'меньше минуты'],
    [60_000, '1 мин'],
    // Issue 17: the page said «2 мин», Telegram «1 мин» for the same downtime.
    [94_000, '1 мин'],
    [119_999, '1 мин'],
    [40 * 60_000, '40 мин'],
    [(4 * 60 + 40) * 60_000 + 59_000, '4 ч 40 мин'],
    [3 * 3_600_000, '3 ч'],
    [(2 * 24 + 3) * 3_600_000 + 25 * 60_000, '2 д 3 ч'],
    [24 * 3_600_000, '1 д'],
  ])('%d ms reads «%s»', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });

  it('minutes from history files: float noise is not a minute short, a real fraction is', () => {
    const tenths = Array.from({ length: 10 }, () => 0.1).reduce((a, b) => a + b, 0);
    expect(tenths).toBeLessThan(1);
    expect(minutesText(tenths)).toBe('1 мин');
    expect(minutesText(64.999)).toBe('1 ч 4 мин');
    expect(minutesText(94 / 60)).toBe('1 мин');
  });
});
