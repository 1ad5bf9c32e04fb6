/**
 * Video monitoring's rows: the cameras of the windows (never their credentials, except to the
 * recorder), their health as the recorders report it, the views supervisors open, and the bookmarks
 * an application's window actions leave: the window and the instant of each.
 */
import { and, asc, eq, isNotNull, like, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { cameraHealth, cameras, consultations, events, videoViews, windows } from './schema/index.js';
import { centrePrefix } from '../workflows/rules/authority.js';

export type CameraRow = typeof cameras.$inferSelect;
export type VideoViewRow = typeof videoViews.$inferSelect;

/** A camera as anyone but the recorder reads it: whether it has credentials, never what they are. */
const publicColumns = {
  id: cameras.id,
  windowCode: cameras.windowCode,
  windowName: windows.name,
  centreCode: windows.centreCode,
  departmentCode: windows.departmentCode,
  name: cameras.name,
  rtspUrl: cameras.rtspUrl,
  credentials: sql<boolean>`(${cameras.username} is not null or ${cameras.password} is not null)`,
  gbDeviceId: cameras.gbDeviceId,
  gbChannelId: cameras.gbChannelId,
  enabled: cameras.enabled,
  online: cameraHealth.online,
  offlineSince: cameraHealth.offlineSince,
  lastSegmentAt: cameraHealth.lastSegmentAt,
  bytes: cameraHealth.bytes,
  reportedAt: cameraHealth.reportedAt,
};

export type CameraView = Awaited<ReturnType<typeof listCameras>>[number];

export async function listCameras(db: Db, filter: { centre: string; window?: string; id?: string }) {
  return db
    .select(publicColumns)
    .from(cameras)
    .innerJoin(windows, eq(windows.code, cameras.windowCode))
    .leftJoin(cameraHealth, eq(cameraHealth.cameraId, cameras.id))
    .where(
      and(
        like(windows.centreCode, `${centrePrefix(filter.centre)}%`),
        filter.window ? eq(cameras.windowCode, filter.window) : undefined,
        filter.id ? eq(cameras.id, filter.id) : undefined,
      ),
    )
    .orderBy(asc(windows.centreCode), asc(cameras.windowCode), asc(cameras.id));
}

export async function findCamera(db: Db, id: string) {
  const [row] = await db.select().from(cameras).where(eq(cameras.id, id));
  return row;
}

export async function findWindow(db: Db, code: string) {
  const [row] = await db.select().from(windows).where(eq(windows.code, code));
  return row;
}

export async function findView(db: Db, id: string) {
  const [row] = await db.select().from(videoViews).where(eq(videoViews.id, id));
  return row;
}

export interface Bookmark {
  /** The event's type (intake_accepted, review_approved, clock_stopped…) or `consultation`. */
  type: string;
  at: string;
  windowCode: string;
  windowName: string | null;
  officer: { id: string; name: string | null };
  department: string | null;
}

/**
 * Every action of the application taken at a window, in order: its events whose officer sat at a
 * window (the window is recorded with the action), and the consultation it began with.
 */
export async function bookmarksOf(db: Db, applicationNo: string, consultationId: number | null): Promise<Bookmark[]> {
  const windowOf = sql<string>`${events.actor}->>'windowCode'`;
  const rows = await db
    .select({ type: events.type, at: events.at, actor: events.actor, department: events.department, windowCode: windowOf, windowName: windows.name })
    .from(events)
    .leftJoin(windows, eq(windows.code, windowOf))
    .where(and(eq(events.applicationNo, applicationNo), isNotNull(windowOf)))
    .orderBy(asc(events.seq));
  const marks: Bookmark[] = rows.map((r) => ({
    type: r.type,
    at: new Date(r.at).toISOString(),
    windowCode: r.windowCode,
    windowName: r.windowName,
    officer: { id: r.actor!.id, name: r.actor!.name ?? null },
    department: r.department,
  }));
  if (consultationId !== null) {
    const consultationWindow = sql<string>`${consultations.officer}->>'windowCode'`;
    const [c] = await db
      .select({ at: consultations.at, officer: consultations.officer, windowCode: consultationWindow, windowName: windows.name, department: windows.departmentCode })
      .from(consultations)
      .leftJoin(windows, eq(windows.code, consultationWindow))
      .where(and(eq(consultations.id, consultationId), isNotNull(consultationWindow)));
    if (c) marks.unshift({ type: 'consultation', at: new Date(c.at).toISOString(), windowCode: c.windowCode, windowName: c.windowName, officer: { id: c.officer.id, name: c.officer.name ?? null }, department: c.department });
  }
  return marks;
}
