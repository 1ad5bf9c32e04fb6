/**
 * The stages an application runs through, as planned at submission (workflows/messages.ts, StagePlan).
 * Workflow-safe: no imports beyond types.
 */
import type { StagePlan } from '../messages.js';

/** The departments that review an application, in stage order, each once (a department may review in several stages). */
export const reviewingDepartments = (stages: readonly StagePlan[]): string[] => [
  ...new Set(stages.flatMap((s) => s.reviews.map((r) => r.department))),
];
