/**
 * Payloads made before the review's stages were called steps (workflows/legacy.ts): a running
 * application's input, a write scheduled before the upgrade, read with today's names.
 */
import { describe, expect, it } from 'vitest';
import { withSteps } from '../../workflows/legacy.js';
import { JOINT, inReviewApp } from './fixtures.js';

describe('payloads from before the review steps', () => {
  it("reads an old input's stages as steps", () => {
    const { steps, ...rest } = JOINT;
    expect(withSteps({ ...rest, stages: steps })).toEqual(JOINT);
  });

  it("reads an old write's step under way, step count, reviews' and transitions' stage as step", () => {
    const app = inReviewApp();
    const { currentStep, stepCount, reviews, ...rest } = app;
    const old = {
      state: { ...rest, currentStage: currentStep, stageCount: stepCount, reviews: reviews.map(({ step, ...r }) => ({ ...r, stage: step })) },
      events: [{ seq: 9, type: 'review_opened', at: app.submittedAt, stage: 1, department: 'fire' }],
    };
    expect(withSteps(old)).toEqual({ state: app, events: [{ seq: 9, type: 'review_opened', at: app.submittedAt, step: 1, department: 'fire' }] });
  });

  it("keeps the application's life stage and leaves today's payloads as they are", () => {
    const app = inReviewApp();
    expect(withSteps(app)).toEqual(app);
    expect(withSteps(app).stage).toBe('in_review');
  });
});
