/**
 * Rating government services (政务服务好差评, 国办发〔2019〕51号): the applicant rates each service event
 * of their application (一事一评) on five levels; the last two are bad ratings (差评). A rating may be
 * changed for a short while after it was given, then it stands. Pure functions over plain data.
 */

/** The five levels, best first: 非常满意, 满意, 基本满意, 不满意, 非常不满意. */
export const RATING_LEVELS = ['very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

export const LEVEL_NAMES: Record<RatingLevel, { zh: string; en: string }> = {
  very_satisfied: { zh: '非常满意', en: 'Very satisfied' },
  satisfied: { zh: '满意', en: 'Satisfied' },
  basically_satisfied: { zh: '基本满意', en: 'Basically satisfied' },
  dissatisfied: { zh: '不满意', en: 'Dissatisfied' },
  very_dissatisfied: { zh: '非常不满意', en: 'Very dissatisfied' },
};

/** 不满意 and 非常不满意 are bad ratings (差评); the satisfaction rate counts the other three. */
export const isBad = (level: RatingLevel) => level === 'dissatisfied' || level === 'very_dissatisfied';

/** The service events an applicant rates: the consultation it came from, intake (受理), the decision (办结), pickup (取件). */
export const RATED_EVENTS = ['consultation', 'intake', 'decision', 'pickup'] as const;
export type RatedEvent = (typeof RATED_EVENTS)[number];

/** The notices that carry a rating code, and the events each lets the applicant rate. */
export const RATING_NOTICES = { acceptance: ['consultation', 'intake'], pickup: ['decision', 'pickup'] } as const satisfies Record<string, readonly RatedEvent[]>;
export type RatingNotice = keyof typeof RATING_NOTICES;

/**
 * The events a code printed on a document names, issued with it: every event of its notice the
 * application will have, happened or still to come (a decision is printed before its pickup). None it
 * will never have: the consultation of an application that came from none, the pickup of a rejection
 * (only an approved result is picked up).
 */
export function noticeEvents(notice: RatingNotice, application: { fromConsultation: boolean; approved: boolean }): RatedEvent[] {
  return RATING_NOTICES[notice].filter((event) => (event !== 'consultation' || application.fromConsultation) && (event !== 'pickup' || application.approved));
}

/**
 * What a code still rates after the applicant rated `rated` with it: its events that had not happened
 * yet (a decision's code used before the pickup keeps the pickup). An event that had happened and was
 * left unrated is given up: a code rates each event once. Nothing left: the code is used.
 */
export function eventsLeft(code: readonly RatedEvent[], rated: readonly RatedEvent[], happened: (event: RatedEvent) => boolean): RatedEvent[] {
  return code.filter((event) => !rated.includes(event) && !happened(event));
}

/** What an applicant may say besides the level; the evaluation system's usual tags (评价标签). */
export const RATING_TAGS = {
  efficient: { zh: '办事效率高', en: 'Efficient' },
  courteous: { zh: '服务态度好', en: 'Courteous' },
  clear_guidance: { zh: '一次性告知清楚', en: 'Told everything at once' },
  one_visit: { zh: '最多跑一次', en: 'Done in one visit' },
  slow: { zh: '办事效率低', en: 'Slow' },
  discourteous: { zh: '服务态度差', en: 'Discourteous' },
  unclear_guidance: { zh: '告知不清楚', en: 'Unclear guidance' },
  repeated_visits: { zh: '多次跑动', en: 'Had to come several times' },
} as const;
export type RatingTag = keyof typeof RATING_TAGS;
export const RATING_TAG_CODES = Object.keys(RATING_TAGS) as [RatingTag, ...RatingTag[]];

export const DEFAULT_CHANGE_MINUTES = 30;
export const DEFAULT_TOKEN_DAYS = 30;

/**
 * Whether a rating of an event may be given now: a first one always, a second one only as a change of
 * the first within `changeMinutes` of it (the rule allows one rating per event, 一事一评).
 */
export function ratingStep(existing: { ratedAt: string } | undefined, now: string, changeMinutes: number): 'rate' | 'change' | 'already_rated' {
  if (!existing) return 'rate';
  return Date.parse(now) - Date.parse(existing.ratedAt) < changeMinutes * 60_000 ? 'change' : 'already_rated';
}

/**
 * The satisfaction rate (满意率) as the rule counts it: 非常满意, 满意 and 基本满意 over all ratings, to four
 * decimal places; null without ratings.
 */
export function satisfactionRate(counts: Record<RatingLevel, number>): number | null {
  const total = RATING_LEVELS.reduce((sum, level) => sum + counts[level], 0);
  if (total === 0) return null;
  const satisfied = RATING_LEVELS.filter((level) => !isBad(level)).reduce((sum, level) => sum + counts[level], 0);
  return Math.round((satisfied / total) * 10_000) / 10_000;
}
