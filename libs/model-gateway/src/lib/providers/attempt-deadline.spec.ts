import { describe, expect, it } from 'vitest';
import { AttemptDeadline } from './attempt-deadline';

const classify = (error: unknown, deadline: AttemptDeadline) => new Error(`${deadline.timedOut ? 'timeout' : 'failed'}: ${(error as Error).message}`);

describe('AttemptDeadline.run and .stream', () => {
  it('returns what the call returns', async () => {
    await expect(AttemptDeadline.run(1_000, undefined, async () => 42, classify)).resolves.toBe(42);
  });

  it('classifies a failure, telling a time-out from other failures', async () => {
    await expect(AttemptDeadline.run(1_000, undefined, async () => Promise.reject(new Error('boom')), classify)).rejects.toThrow('failed: boom');
    const hang = (deadline: AttemptDeadline) => new Promise<never>((_, reject) => deadline.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    await expect(AttemptDeadline.run(20, undefined, hang, classify)).rejects.toThrow('timeout: aborted');
  });

  it('streams the items, restarting the idle clock on touch, and classifies a failure mid-stream', async () => {
    async function* ticks(deadline: AttemptDeadline) {
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        deadline.touch();
        yield i;
      }
      throw new Error('cut');
    }
    const seen: number[] = [];
    const error = await (async () => {
      for await (const item of AttemptDeadline.stream(60, undefined, ticks, classify)) seen.push(item);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([0, 1, 2]);
    expect((error as Error).message).toBe('failed: cut');
  });
});
