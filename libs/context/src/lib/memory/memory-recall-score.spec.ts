import { describe, expect, it } from 'vitest';
import { ageText, recallCandidates, recallScore, recencyOf, RECALL_SCORING } from './memory-recall-score';

const now = new Date('2026-11-22T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('recall scoring', () => {
  it('halves recency every half-life', () => {
    expect(recencyOf(now, now)).toBe(1);
    expect(recencyOf(ago(RECALL_SCORING.halfLifeMs), now)).toBeCloseTo(0.5, 10);
    expect(recencyOf(ago(2 * RECALL_SCORING.halfLifeMs), now)).toBeCloseTo(0.25, 10);
    expect(recencyOf(new Date(now.getTime() + 1_000), now)).toBe(1);
  });

  it('mixes similarity and recency with the documented weights', () => {
    expect(recallScore(0.8, now, now)).toBeCloseTo(0.75 * 0.8 + 0.25, 10);
    // Equal similarity: the fresher wins. Much higher similarity: the older still wins.
    expect(recallScore(0.6, ago(3_600_000), now)).toBeGreaterThan(recallScore(0.6, ago(30 * 86_400_000), now));
    expect(recallScore(0.95, ago(60 * 86_400_000), now)).toBeGreaterThan(recallScore(0.5, now, now));
  });

  it('asks for enough candidates to re-rank and says the age plainly', () => {
    expect(recallCandidates(1)).toBe(20);
    expect(recallCandidates(10)).toBe(40);
    expect(recallCandidates(100)).toBe(200);
    expect(ageText(ago(5 * 60_000), now)).toBe('5 min old');
    expect(ageText(ago(3 * 3_600_000), now)).toBe('3 h old');
    expect(ageText(ago(4 * 86_400_000), now)).toBe('4 d old');
  });
});
