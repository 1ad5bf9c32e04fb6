/**
 * Supplements (补正), DOMAIN.md: whoever asks for more material lists everything missing at once
 * (一次性告知). At intake the application waits for the applicant and goes back to intake when the
 * material comes; during review the clocks stopped for it restart. A supplement is handed in by
 * whoever submitted the application, or at the lead department's window.
 */
import { type ApplicationState, type Review, type Supplement, REFUSALS } from '../messages.js';
import { mayHandIn } from './authority.js';
import { type Change, change, enter } from './change.js';
import { activeStop } from './review.js';
import { type Refusal, stageRefusal, unauthorised, when } from './refusal.js';

/** 一次性告知: a supplement request lists every missing material at once. */
export const oneNoticeRefusal = (missingMaterials: string[] | undefined): Refusal | undefined =>
  when(!missingMaterials?.length, REFUSALS.missingReason, 'A supplement request must list every missing material at once (一次性告知)');

/** The reviews whose clock stands still until the applicant supplies material. */
export const awaitingSupplement = (app: ApplicationState): Review[] =>
  app.stage === 'in_review' ? app.reviews.filter((r) => activeStop(r)?.type === 'supplement') : [];

export function supplementRefusal(app: ApplicationState, submittedBy: string | undefined, supplement: Supplement): Refusal | undefined {
  return (
    unauthorised(mayHandIn(supplement.officer, submittedBy, app.leadDepartment, app.centreCode)) ??
    (awaitingSupplement(app).length > 0 ? undefined : stageRefusal(app, 'supplement_requested', 'A supplement'))
  );
}

/** The material is added to the file; an application waiting at intake goes back to intake. */
export function handIn(app: ApplicationState, supplement: Supplement, at: string): Change {
  return change(
    app,
    {
      supplements: [...app.supplements, { at, ...supplement }],
      materials: [...new Set([...app.materials, ...supplement.materials])],
      ...(app.stage === 'supplement_requested' ? enter('submitted', at) : {}),
    },
    [{ type: 'supplement_received', data: { ...supplement } }],
    at,
  );
}
