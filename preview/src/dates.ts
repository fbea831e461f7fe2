// Calendar dates as the Flow JSON writes them ("YYYY-MM-DD"), computed in UTC so that the time
// zone of the machine running the preview never shifts a day.

export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const DAY_MS = 86_400_000;

export function isDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
}

export function toTime(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return Date.UTC(year, month - 1, day);
}

export function fromTime(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromTime(toTime(date) + days * DAY_MS);
}

/** Days from `start` to `end` (2025-03-01 → 2025-03-04 is 3). */
export function daysBetween(start: string, end: string): number {
  return Math.round((toTime(end) - toTime(start)) / DAY_MS);
}

export function weekday(date: string): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[new Date(toTime(date)).getUTCDay()];
}

export function today(): string {
  return fromTime(Date.now());
}

/** "2025-03" of a date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function shiftMonth(month: string, by: number): string {
  const [year, index] = month.split('-').map(Number);
  const shifted = new Date(Date.UTC(year, index - 1 + by, 1));
  return shifted.toISOString().slice(0, 7);
}

/** The days of a month in weeks starting on Monday; `undefined` pads the first and last week. */
export function monthGrid(month: string): Array<Array<string | undefined>> {
  const first = `${month}-01`;
  const days: Array<string | undefined> = Array.from({ length: (new Date(toTime(first)).getUTCDay() + 6) % 7 }, () => undefined);
  for (let date = first; monthOf(date) === month; date = addDays(date, 1)) days.push(date);
  while (days.length % 7) days.push(undefined);
  return Array.from({ length: days.length / 7 }, (_, week) => days.slice(week * 7, week * 7 + 7));
}

/** "March 2025", in English whatever the machine's locale (the page is in English). */
export function monthTitle(month: string): string {
  return new Date(toTime(`${month}-01`)).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export interface DateRules {
  min?: string;
  max?: string;
  unavailable: string[];
  /** Weekdays that may be picked (`include-days`); all when absent. */
  include?: string[];
}

/** Whether the phone lets the user pick `date`. */
export function selectable(date: string, rules: DateRules): boolean {
  if (rules.min && date < rules.min) return false;
  if (rules.max && date > rules.max) return false;
  if (rules.unavailable.includes(date)) return false;
  return !rules.include || rules.include.includes(weekday(date));
}
