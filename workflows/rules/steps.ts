/**
 * The steps of review an application runs through, as planned at submission (workflows/messages.ts,
 * StepPlan): the departments of a step review in parallel, the steps one after another. Workflow-safe:
 * no imports beyond types.
 */
import type { StepPlan } from '../messages.js';

/** The departments that review an application, in step order, each once (a department may review in several steps). */
export const reviewingDepartments = (steps: readonly StepPlan[]): string[] => [
  ...new Set(steps.flatMap((s) => s.reviews.map((r) => r.department))),
];
