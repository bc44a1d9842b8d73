import type { ProbeCode, ProbeResult } from './types.ts';

type Evidence = NonNullable<ProbeResult['evidence']>;

/** A successful result. */
export function ok(latencyMs: number, message: string, evidence?: Evidence): ProbeResult {
  return { status: 'ok', latencyMs: round(latencyMs), code: 'OK', message, ...(evidence && { evidence }) };
}

/** A failed result: the target is broken as seen from here. */
export function fail(latencyMs: number, code: ProbeCode, message: string, evidence?: Evidence): ProbeResult {
  return { status: 'fail', latencyMs: round(latencyMs), code, message, ...(evidence && { evidence }) };
}

/** A result that could not be observed from here; never counted as down. */
export function unknown(
  latencyMs: number,
  code: ProbeCode,
  message: string,
  evidence?: Evidence,
): ProbeResult {
  return { status: 'unknown', latencyMs: round(latencyMs), code, message, ...(evidence && { evidence }) };
}

/**
 * Thrown inside probes to end a check with a given code; turned into a result by the probe. It is an
 * outcome, not a fault: no stack trace is taken (a silent hosting's 1,500 timeouts end at once, and the
 * traces were a tenth of the CPU of that moment).
 */
export class ProbeError extends Error {
  readonly code: ProbeCode;
  readonly evidence: Evidence;
  constructor(code: ProbeCode, message: string, evidence: Evidence = {}) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'ProbeError';
    this.code = code;
    this.evidence = evidence;
  }
}

/** Milliseconds elapsed since `start` (a performance.now() reading). */
export function since(start: number): number {
  return performance.now() - start;
}

function round(ms: number): number {
  return Math.max(0, Math.round(ms * 10) / 10);
}
