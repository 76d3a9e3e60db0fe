/**
 * What the contract's schema cannot say about a scheduled start condition:
 * the ranges of `hour` and `minute`, a real time zone, and which members each
 * frequency needs. Apple documents none of these rules for the API; these are
 * ours, so that every schedule accepted names one time to start:
 *
 *   - `frequency` is required;
 *   - `minute` (0–59) is required for every frequency;
 *   - `hour` (0–23) is required for DAILY and WEEKLY, and must be unset for
 *     HOURLY (an hourly schedule starts every hour at `minute`);
 *   - `days` must hold at least one day, each once, for WEEKLY, and be unset
 *     or empty otherwise;
 *   - `timezone` is required and must be an IANA zone name (`Europe/Paris`).
 */
import { attributeInvalid, attributeRequired } from '../../errors.ts';

type Json = Record<string, unknown>;

const POINTER = '/data/attributes/scheduledStartCondition';

/** Throws a 409 naming the first member of `condition` that breaks a rule above. */
export function checkSchedule(condition: Json): void {
  const schedule = condition.schedule as Json | null | undefined;
  if (schedule === undefined || schedule === null) {
    throw attributeRequired(
      `${POINTER}/schedule`,
      'A scheduled start condition needs a schedule: frequency, minute, timezone and, ' +
        'unless HOURLY, hour.',
    );
  }
  const at = (member: string) => `${POINTER}/schedule/${member}`;
  const unset = (member: string) => schedule[member] === undefined || schedule[member] === null;

  const frequency = schedule.frequency as string | null | undefined;
  if (frequency === undefined || frequency === null) {
    throw attributeRequired(
      at('frequency'),
      'Give the schedule a frequency: WEEKLY, DAILY or HOURLY.',
    );
  }

  checkRange(schedule, 'minute', 59, at('minute'));
  if (frequency === 'HOURLY') {
    if (!unset('hour')) {
      throw attributeInvalid(
        at('hour'),
        'An HOURLY schedule starts every hour at its minute; leave hour unset (null).',
      );
    }
  } else {
    checkRange(schedule, 'hour', 23, at('hour'));
  }

  const days = (schedule.days ?? []) as unknown[];
  if (frequency === 'WEEKLY') {
    if (days.length === 0) {
      throw attributeRequired(at('days'), 'A WEEKLY schedule needs the days it runs on.');
    }
    if (new Set(days).size !== days.length) {
      throw attributeInvalid(at('days'), 'Name each day of a WEEKLY schedule only once.');
    }
  } else if (days.length > 0) {
    throw attributeInvalid(
      at('days'),
      `A ${frequency} schedule runs every day; leave days unset (null), or use WEEKLY.`,
    );
  }

  const timezone = schedule.timezone as string | null | undefined;
  if (timezone === undefined || timezone === null) {
    throw attributeRequired(at('timezone'), "Give the schedule's time zone, e.g. 'Europe/Paris'.");
  }
  if (!isTimeZone(timezone)) {
    throw attributeInvalid(
      at('timezone'),
      `'${timezone}' is not a time zone; use an IANA zone name such as 'Europe/Paris' or 'UTC'.`,
    );
  }
}

function checkRange(schedule: Json, member: 'hour' | 'minute', max: number, pointer: string) {
  const value = schedule[member];
  if (value === undefined || value === null) {
    throw attributeRequired(pointer, `Give the schedule's ${member}, from 0 to ${max}.`);
  }
  // The schema lets any JSON integer through, 1e30 and 2^53 + 1 included.
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max) {
    throw attributeInvalid(pointer, `The ${member} must be a whole number from 0 to ${max}.`);
  }
}

/* Intl knows the IANA zones of the ICU data Node ships with; it throws a RangeError for others. */
function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
