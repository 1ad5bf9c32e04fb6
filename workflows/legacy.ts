/**
 * Payloads made before the review's stages were called steps: a running application's input, a write
 * scheduled before the upgrade and retried after it, a reserved submission. They say `stages`,
 * `currentStage`, `stageCount`, and a numeric `stage` for a review's or transition's step; `withSteps`
 * reads them with today's names and leaves today's payloads as they are. Workflow-safe.
 */
const RENAMED: Record<string, string> = { stages: 'steps', currentStage: 'currentStep', stageCount: 'stepCount' };

export function withSteps<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withSteps) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([key, inner]) => [key === 'stage' && typeof inner === 'number' ? 'step' : (RENAMED[key] ?? key), withSteps(inner)]);
  return Object.fromEntries(entries) as T;
}
