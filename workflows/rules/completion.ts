/**
 * Completion (办结) and pickup (取件), DOMAIN.md: an application every department approved is completed;
 * the lead department's window hands over the result, and the application closes.
 */
import type { ApplicationState, Pickup } from '../messages.js';
import { actsFor } from './authority.js';
import { type Change, change, enter } from './change.js';
import { type Refusal, stageRefusal, unauthorised } from './refusal.js';

/** Completed as decided at `decidedAt`, recorded at `at`. */
export const complete = (app: ApplicationState, decidedAt: string, at: string): Change =>
  change(app, { completedAt: decidedAt, ...enter('completed', at) }, [{ type: 'completed' }], at);

export const pickupRefusal = (app: ApplicationState, pickup: Pickup): Refusal | undefined =>
  stageRefusal(app, 'completed', 'Pickup') ?? unauthorised(actsFor(pickup.officer, app.leadDepartment, app.centreCode));

export const pickUp = (app: ApplicationState, pickup: Pickup, at: string): Change =>
  change(
    app,
    { pickedUpAt: at, ...enter('picked_up', at) },
    [{ type: 'picked_up', actor: pickup.officer, data: pickup.recipient ? { recipient: pickup.recipient } : undefined }],
    at,
  );
