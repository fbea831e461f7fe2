import { describe, expect, it, jest } from '@jest/globals';
import { DateLabels } from './date-labels.js';

const hours = (count: number) => Array.from({ length: count }, (_, i) => new Date(Date.UTC(2026, 11, 7, 9) + i * 3_600_000));

describe('DateLabels', () => {
  it('labels a date as the format does, in the format time zone', () => {
    const format = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit' });
    const labels = new DateLabels(format);
    for (const date of hours(30)) expect(labels.of(date)).toBe(format.format(date));
    expect(labels.of(new Date(Date.UTC(2026, 11, 7, 9)))).toBe('14:30');
  });

  it('formats each instant once, whichever Date object carries it', () => {
    const format = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' });
    const calls = jest.spyOn(format, 'format');
    const labels = new DateLabels(format);
    for (let pass = 0; pass < 3; pass++) for (const date of hours(10)) labels.of(new Date(date.getTime()));
    expect(calls).toHaveBeenCalledTimes(10);
  });

  it('holds at most its bound, and labels right after starting over', () => {
    const options: Intl.DateTimeFormatOptions = { timeZone: 'UTC', day: 'numeric', month: 'short', hour: '2-digit' };
    const format = new Intl.DateTimeFormat('en-GB', options);
    const calls = jest.spyOn(format, 'format');
    const labels = new DateLabels(format, 4);
    const dates = hours(6);
    for (const date of dates) expect(labels.of(date)).toBe(new Intl.DateTimeFormat('en-GB', options).format(date));
    // The fifth label started it over: the first dates are formatted again, the last two are still held.
    labels.of(dates[0]);
    labels.of(dates[5]);
    expect(calls).toHaveBeenCalledTimes(7);
  });
});
