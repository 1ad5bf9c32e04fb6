/**
 * Extension (延期), Administrative Licensing Law art. 42: a leader of the lead department may extend
 * the statutory limit once, with a reason: by up to 10 working days, a joint item's (联办件) by up to 15.
 */
import { type ApplicationInput, type ApplicationState, type Extension, type ItemKind, REFUSALS } from '../messages.js';
import { mayExtend } from './authority.js';
import { type Change, change } from './change.js';
import { movedDeadlines } from './deadlines.js';
import { type Refusal, stageRefusal, unauthorised, when } from './refusal.js';
import type { WorkingCalendar } from './working-days.js';

/** Art. 42: 20 working days may be extended by 10; a joint item's 45 by 15. */
export const maxExtensionDays = (kind: ItemKind) => (kind === 'joint' ? 15 : 10);

export function extensionRefusal(app: ApplicationState, extension: Extension): Refusal | undefined {
  const max = maxExtensionDays(app.kind);
  return (
    stageRefusal(app, 'in_review', 'Extending the limit') ??
    unauthorised(mayExtend(extension.officer, app.leadDepartment, app.centreCode)) ??
    when(!!app.extension, REFUSALS.alreadyExtended, `The statutory limit was already extended on ${app.extension?.at}`) ??
    when(!extension.reason?.trim(), REFUSALS.missingReason, 'An extension needs a reason') ??
    when(
      !(extension.workingDays >= 1 && extension.workingDays <= max),
      REFUSALS.extensionTooLong,
      `A ${app.kind} item's statutory limit may be extended by 1 to ${max} working days`,
    )
  );
}

/** The statutory limit grows by the extension's working days, and every due instant moves. */
export function extend(app: ApplicationState, item: ApplicationInput['item'], extension: Extension, calendar: WorkingCalendar, at: string): Change {
  const { state, events } = change(
    app,
    { extension: { ...extension, at } },
    [{ type: 'statutory_limit_extended', actor: extension.officer, data: { ...extension } }],
    at,
  );
  return { state: movedDeadlines(state, item, calendar), events };
}
