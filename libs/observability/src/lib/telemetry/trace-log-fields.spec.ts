import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { describe, expect, it } from 'vitest';
import { traceLogFields } from './trace-log-fields';

describe('traceLogFields (pino mixin)', () => {
  it('gives the active span ids in log data model names, and a fresh mutable object otherwise', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const outside = traceLogFields();
      expect(outside).toEqual({});
      // pino merges the line's fields into the mixin's object.
      expect(() => Object.assign(outside, { msg: 'x' })).not.toThrow();
      expect(traceLogFields()).toEqual({});

      const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
      const inside = context.with(trace.setSpan(context.active(), span), () => traceLogFields());
      expect(inside).toEqual({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', trace_flags: '01' });
    } finally {
      context.disable();
    }
  });
});
