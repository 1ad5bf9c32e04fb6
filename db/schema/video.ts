/**
 * Video monitoring of the windows (服务行为视频监控): each window's cameras, as IP cameras and NVRs serve
 * them over RTSP (ONVIF Profile S), with the national video-networking standard's ids (GB/T 28181) kept
 * beside; each camera's recording health as its recorder last reported it; and every playback or live
 * view a supervisor opened, which the playlist and segment routes require.
 */
import { bigint, boolean, index, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, instant } from './columns.js';
import { windows } from './organisation.js';

export const cameras = pgTable(
  'cameras',
  {
    id: text().primaryKey(),
    windowCode: text()
      .notNull()
      .references(() => windows.code),
    name: text().notNull(),
    /** rtsp:// or rtsps://, without user and password: those are kept apart and never answered. */
    rtspUrl: text().notNull(),
    username: text(),
    password: text(),
    /** GB/T 28181 device and channel ids (20 digits each), when the camera is also on the video network. */
    gbDeviceId: text(),
    gbChannelId: text(),
    enabled: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: instant(),
  },
  (t) => [index('cameras_window_idx').on(t.windowCode)],
);

/** What the camera's recorder last saw: online while segments arrive, offline since the first failure. */
export const cameraHealth = pgTable('camera_health', {
  cameraId: text()
    .primaryKey()
    .references(() => cameras.id, { onDelete: 'cascade' }),
  online: boolean().notNull(),
  offlineSince: instant(),
  lastSegmentAt: instant(),
  /** Bytes of its recording on disk, and the recorder that holds it (host:pid). */
  bytes: bigint({ mode: 'number' }).notNull().default(0),
  recorder: text().notNull(),
  reportedAt: instant().notNull(),
});

/** A supervisor's playback of a window's span, or live view: written before any video is served (and audited). */
export const videoViews = pgTable(
  'video_views',
  {
    id: text().primaryKey(),
    officerId: text().notNull(),
    windowCode: text()
      .notNull()
      .references(() => windows.code),
    centreCode: text().notNull(),
    /** The span played back; a live view has none. */
    fromAt: instant(),
    toAt: instant(),
    live: boolean().notNull(),
    /** The application and action it was opened from, when it was a bookmark. */
    applicationNo: text(),
    createdAt: createdAt(),
    expiresAt: instant().notNull(),
  },
  (t) => [index('video_views_officer_idx').on(t.officerId, t.createdAt)],
);
