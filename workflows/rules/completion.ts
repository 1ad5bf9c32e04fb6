/**
 * Completion (办结) and pickup (取件), DOMAIN.md: an application every department approved is completed;
 * the lead department's window hands over the result (to whom, whether it checked their identity, the
 * licence or certificate number), and the application closes.
 */
import type { ApplicationState, Pickup } from '../messages.js';
import type { FeeSchedule } from './fees.js';
import { unpaidRefusal } from './fees.js';
import { actsFor } from './authority.js';
import { type Change, change, enter } from './change.js';
import { type Refusal, stageRefusal, unauthorised } from './refusal.js';

/** Completed as decided at `decidedAt`, recorded at `at`. */
export const complete = (app: ApplicationState, decidedAt: string, at: string): Change =>
  change(app, { completedAt: decidedAt, ...enter('completed', at) }, [{ type: 'completed' }], at);

export const pickupRefusal = (app: ApplicationState, pickup: Pickup, fees?: FeeSchedule): Refusal | undefined =>
  stageRefusal(app, 'completed', 'Pickup') ?? unauthorised(actsFor(pickup.officer, app.leadDepartment, app.centreCode)) ?? unpaidRefusal(app, fees);

export function pickUp(app: ApplicationState, pickup: Pickup, at: string): Change {
  const { officer, ...handedOver } = pickup;
  const details = Object.fromEntries(Object.entries(handedOver).filter(([, value]) => value !== undefined && value !== ''));
  return change(
    app,
    { pickedUpAt: at, handover: { officer, ...details }, ...enter('picked_up', at) },
    [{ type: 'picked_up', actor: officer, data: Object.keys(details).length > 0 ? details : undefined }],
    at,
  );
}
