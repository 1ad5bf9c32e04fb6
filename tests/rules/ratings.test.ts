/**
 * Ratings (好差评), workflows/rules/ratings.ts (国办发〔2019〕51号): five levels, the last two bad; one
 * rating per event, changeable only within the change window; the satisfaction rate counts 非常满意,
 * 满意 and 基本满意 over all ratings. A document's code names its notice's events to come too, and keeps
 * those that had not happened when it rated.
 */
import { describe, expect, it } from 'vitest';
import { RATING_LEVELS, type RatedEvent, type RatingLevel, type RatingNotice, eventsLeft, isBad, noticeEvents, ratingStep, satisfactionRate } from '../../workflows/rules/ratings.js';

describe('isBad: 不满意 and 非常不满意 are bad ratings (差评)', () => {
  it.each<[RatingLevel, boolean]>([
    ['very_satisfied', false],
    ['satisfied', false],
    ['basically_satisfied', false],
    ['dissatisfied', true],
    ['very_dissatisfied', true],
  ])('%s is bad: %s', (level, bad) => expect(isBad(level)).toBe(bad));
});

describe('ratingStep: one rating per event, changed only within the change window', () => {
  const RATED = '2026-12-03T10:00:00.000Z';
  it.each<[string, { ratedAt: string } | undefined, string, number, string]>([
    ['a first rating', undefined, '2026-12-03T10:00:00.000Z', 30, 'rate'],
    ['a second one a minute later', { ratedAt: RATED }, '2026-12-03T10:01:00.000Z', 30, 'change'],
    ['a second one 29 minutes 59 seconds later', { ratedAt: RATED }, '2026-12-03T10:29:59.000Z', 30, 'change'],
    ['a second one exactly 30 minutes later', { ratedAt: RATED }, '2026-12-03T10:30:00.000Z', 30, 'already_rated'],
    ['a second one a day later', { ratedAt: RATED }, '2026-12-04T10:00:00.000Z', 30, 'already_rated'],
    ['a second one at once, with no change window', { ratedAt: RATED }, RATED, 0, 'already_rated'],
  ])('%s', (_case, existing, now, minutes, step) => expect(ratingStep(existing, now, minutes)).toBe(step));
});

describe('satisfactionRate: (非常满意 + 满意 + 基本满意) / all, to four places', () => {
  const counts = (...n: number[]) => Object.fromEntries(RATING_LEVELS.map((level, i) => [level, n[i]])) as Record<RatingLevel, number>;
  it.each<[string, Record<RatingLevel, number>, number | null]>([
    ['no ratings', counts(0, 0, 0, 0, 0), null],
    ['all very satisfied', counts(3, 0, 0, 0, 0), 1],
    ['basically satisfied counts as satisfied', counts(0, 0, 2, 0, 0), 1],
    ['two of three', counts(1, 0, 1, 1, 0), 0.6667],
    ['one of three', counts(0, 1, 0, 1, 1), 0.3333],
    ['all bad', counts(0, 0, 0, 2, 5), 0],
  ])('%s', (_case, levels, rate) => expect(satisfactionRate(levels)).toBe(rate));
});

describe('noticeEvents: what a document’s code names, happened or to come, never what will not be', () => {
  it.each<[string, RatingNotice, { fromConsultation: boolean; approved: boolean }, RatedEvent[]]>([
    ['an acceptance notice after a consultation', 'acceptance', { fromConsultation: true, approved: false }, ['consultation', 'intake']],
    ['an acceptance notice of an application from no consultation', 'acceptance', { fromConsultation: false, approved: false }, ['intake']],
    ['an approval (准予), picked up later', 'pickup', { fromConsultation: true, approved: true }, ['decision', 'pickup']],
    ['a rejection (不予): nothing is picked up', 'pickup', { fromConsultation: false, approved: false }, ['decision']],
  ])('%s', (_case, notice, application, events) => expect(noticeEvents(notice, application)).toEqual(events));
});

describe('eventsLeft: a code keeps only its events that had not happened when it rated', () => {
  const happenedAll = () => true;
  const beforePickup = (event: RatedEvent) => event !== 'pickup';
  it.each<[string, RatedEvent[], RatedEvent[], (event: RatedEvent) => boolean, RatedEvent[]]>([
    ['everything rated', ['decision', 'pickup'], ['decision', 'pickup'], happenedAll, []],
    ['the decision rated before the pickup', ['decision', 'pickup'], ['decision'], beforePickup, ['pickup']],
    ['the pickup rated later, alone', ['pickup'], ['pickup'], happenedAll, []],
    ['an event that had happened left unrated is given up', ['consultation', 'intake'], ['intake'], happenedAll, []],
  ])('%s', (_case, code, rated, happened, left) => expect(eventsLeft(code, rated, happened)).toEqual(left));
});
