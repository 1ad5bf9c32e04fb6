/**
 * Alerts (电子监察), DOMAIN.md: each clock raises yellow at its warning threshold, red at the promised
 * limit and statutory red at the statutory limit, each once, in that order. An alert names who answers
 * for it (首问负责制 and the departments' responsible officers), and the application shows the worst
 * alert it has raised.
 */
import { type AlertLevel, type ApplicationState, type Deadlines, type Review, SUPERVISION_LEVELS } from '../messages.js';
import { type Change, change } from './change.js';

/** Accountability (责任追究制): a red or statutory red alert opens a case that supervisors follow up; yellow warns only. */
export const CASE_LEVELS = ['red', 'statutory_red'] as const satisfies readonly AlertLevel[];
export const opensCase = (level: AlertLevel): level is (typeof CASE_LEVELS)[number] => (CASE_LEVELS as readonly AlertLevel[]).includes(level);

/** The next alert a clock raises, and when: the first of its levels not yet raised. */
export function nextAlert(deadlines: Deadlines, raised: ReadonlySet<AlertLevel>): { level: AlertLevel; at: string } | undefined {
  const steps: [AlertLevel, string | undefined][] = [
    ['yellow', deadlines.warnAt],
    ['red', deadlines.promisedDue],
    ['statutory_red', deadlines.statutoryDue],
  ];
  const next = steps.find(([level, at]) => at && !raised.has(level));
  return next && { level: next[0], at: next[1]! };
}

/** A review's alert, or the application's (without `review`): who answers for it, and the worse supervision level. */
export function raiseAlert(app: ApplicationState, level: AlertLevel, review: Review | undefined, at: string): Change {
  const holding = review ? [review] : app.reviews.filter((r) => r.status === 'open');
  const responsible = [
    ...(review ? [] : app.responsibleOfficer ? [app.responsibleOfficer] : []),
    ...holding.flatMap((r) => r.responsible ?? []),
  ];
  const worse = SUPERVISION_LEVELS.indexOf(level) > SUPERVISION_LEVELS.indexOf(app.supervision);
  const centreCode = review?.centreCode ?? app.centreCode;
  return change(
    app,
    {
      alerts: [...app.alerts, { level, department: review?.department, step: review?.step, at, responsible }],
      supervision: worse ? level : app.supervision,
    },
    [{ type: `alert_${level}`, step: review?.step, department: review?.department, data: { level, centreCode, responsible } }],
    at,
  );
}
