/**
 * What the monitoring room shows (电子监察监控平台), from the read model only: every centre with the
 * worst state of its open applications, and the day's business of a centre (and those below it).
 */
import { and, eq, gte, like, lt, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import type { ItemCategory } from '../workflows/messages.js';
import { applications, centres, consultations, events, followUps, items } from './schema/index.js';
import { centrePrefix } from './catalogue.js';

const OPEN_STAGES = sql`('submitted', 'supplement_requested', 'in_review')`;

/** Every centre with its open applications counted by supervision level; its colour is the worst. */
export async function centreMap(db: Db) {
  const counts = db
    .select({
      centreCode: applications.centreCode,
      open: sql<number>`count(*)::int`.as('open'),
      yellow: sql<number>`(count(*) filter (where ${applications.supervision} = 'yellow'))::int`.as('yellow'),
      red: sql<number>`(count(*) filter (where ${applications.supervision} in ('red', 'statutory_red')))::int`.as('red'),
    })
    .from(applications)
    .where(sql`${applications.stage} in ${OPEN_STAGES}`)
    .groupBy(applications.centreCode)
    .as('counts');
  const rows = await db
    .select({
      code: centres.code,
      name: centres.name,
      nameEn: centres.nameEn,
      level: centres.level,
      parentCode: centres.parentCode,
      longitude: centres.longitude,
      latitude: centres.latitude,
      dayMinutes: centres.dayMinutes,
      open: sql<number>`coalesce(${counts.open}, 0)`,
      yellow: sql<number>`coalesce(${counts.yellow}, 0)`,
      red: sql<number>`coalesce(${counts.red}, 0)`,
    })
    .from(centres)
    .leftJoin(counts, eq(counts.centreCode, centres.code))
    .orderBy(centres.code);
  return rows.map((r) => ({ ...r, supervision: r.red > 0 ? 'red' : r.yellow > 0 ? 'yellow' : 'green' }) as const);
}

/** A day in China as the instants that bound it. */
const dayBounds = (day: string) => {
  const start = new Date(Date.parse(`${day}T00:00:00+08:00`));
  return { start: start.toISOString(), end: new Date(start.getTime() + 86_400_000).toISOString() };
};

/**
 * The day's business table (电子表格): per item, how many applications reached each step of their
 * life that day (submitted, accepted, decided, completed, picked up), the consultations, and the
 * alerts raised, at the centre and every centre below it. A row is an item as the catalogue has it
 * now: the department and category filters are the item's current ones.
 */
export async function dayBusiness(db: Db, filter: { day: string; centre: string; department?: string; item?: string; category?: ItemCategory }) {
  const { start, end } = dayBounds(filter.day);
  const prefix = `${centrePrefix(filter.centre)}%`;
  const ofType = (types: string[]) => sql`${events.type} in (${sql.join(types.map((t) => sql`${t}`), sql`, `)})`;
  // A step of an application's life counts the application once, however many events it wrote there:
  // a joint item's every department approving is still one application decided (审结), not several.
  const applicationsWith = (...types: string[]) => sql<number>`(count(distinct ${events.applicationNo}) filter (where ${ofType(types)}))::int`;
  // Alerts are counted as raised: an application may go yellow, then red, then past its statutory limit.
  const alertsOf = (...types: string[]) => sql<number>`(count(*) filter (where ${ofType(types)}))::int`;
  const happened = await db
    .select({
      itemCode: events.itemCode,
      application: applicationsWith('submitted'),
      acceptance: applicationsWith('intake_accept'),
      // The application's decision, approval or rejection: its clock stops once ('decided'), whatever
      // number of department reviews (review_approved) led there.
      decided: applicationsWith('decided'),
      completion: applicationsWith('completed'),
      pickup: applicationsWith('picked_up'),
      yellow: alertsOf('alert_yellow'),
      red: alertsOf('alert_red', 'alert_statutory_red'),
    })
    .from(events)
    .where(
      and(
        gte(events.at, start),
        lt(events.at, end),
        like(events.centreCode, prefix),
        filter.item ? eq(events.itemCode, filter.item) : undefined,
      ),
    )
    .groupBy(events.itemCode);
  const consulted = await db
    .select({ itemCode: consultations.itemCode, consultation: sql<number>`count(*)::int` })
    .from(consultations)
    .where(and(gte(consultations.at, start), lt(consultations.at, end), like(consultations.centreCode, prefix)))
    .groupBy(consultations.itemCode);
  const codes = [...new Set([...happened.map((h) => h.itemCode), ...consulted.flatMap((c) => (c.itemCode ? [c.itemCode] : []))])];
  const names = codes.length
    ? await db
        .select({ code: items.code, name: items.name, nameEn: items.nameEn, department: items.department, category: items.category })
        .from(items)
        .where(sql`${items.code} in ${codes}`)
    : [];
  const zero = { application: 0, acceptance: 0, decided: 0, completion: 0, pickup: 0, yellow: 0, red: 0 };
  return names
    .filter(
      (n) =>
        (!filter.item || n.code === filter.item) &&
        (!filter.department || n.department === filter.department) &&
        (!filter.category || n.category === filter.category),
    )
    .map((n) => {
      const { itemCode: _code, ...counts } = happened.find((h) => h.itemCode === n.code) ?? { itemCode: n.code, ...zero };
      return {
        itemCode: n.code,
        itemName: n.name,
        itemNameEn: n.nameEn,
        department: n.department,
        category: n.category,
        consultation: consulted.find((c) => c.itemCode === n.code)?.consultation ?? 0,
        ...counts,
      };
    })
    .sort((a, b) => a.itemCode.localeCompare(b.itemCode));
}

/** The instant of the read model's latest change: the live page reloads when it moves. */
export async function lastChange(db: Db): Promise<string | null> {
  const [application] = await db.select({ at: sql<string | null>`max(${applications.updatedAt})` }).from(applications);
  // A follow-up's change (a new complaint, a limit turning red) counts too: the page's Follow-ups panel reloads with it.
  const [followUp] = await db.select({ at: sql<string | null>`max(${followUps.updatedAt})` }).from(followUps);
  const instants = [application.at, followUp.at].filter((at): at is string => at !== null).map((at) => new Date(at).getTime());
  return instants.length === 0 ? null : new Date(Math.max(...instants)).toISOString();
}
