import { timestamp } from 'drizzle-orm/pg-core';

/** Every instant is stored with its time zone; the API speaks ISO-8601. */
export const instant = () => timestamp({ withTimezone: true, mode: 'string' });
export const createdAt = () => instant().notNull().defaultNow();
