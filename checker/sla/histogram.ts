/**
 * A log-scale latency histogram that can be merged across runs and days: bucket 0 holds ≤ 1 ms,
 * bucket i holds (2^(i-1), 2^i] ms. Percentiles are read as the upper bound of the bucket they fall in,
 * so a reported p95 is never lower than the truth and at most twice as high.
 */

/** Buckets kept; the last one takes everything above 2^(HIST_BUCKETS-2) ms (about an hour). */
export const HIST_BUCKETS = 24;

/** The bucket a latency falls in. */
export function bucketOf(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.min(HIST_BUCKETS - 1, Math.ceil(Math.log2(ms)));
}

/** A copy of `hist` with one more observation (trailing empty buckets are not stored). */
export function addLatency(hist: readonly number[] | undefined, ms: number): number[] {
  const out = [...(hist ?? [])];
  const b = bucketOf(ms);
  while (out.length <= b) out.push(0);
  out[b] = (out[b] ?? 0) + 1;
  return out;
}

/** The sum of several histograms. */
export function mergeHistograms(...hists: (readonly number[] | undefined)[]): number[] {
  const out: number[] = [];
  for (const h of hists) {
    if (!h) continue;
    h.forEach((n, i) => {
      while (out.length <= i) out.push(0);
      out[i] = (out[i] ?? 0) + n;
    });
  }
  return out;
}

/** The q-quantile (0 < q ≤ 1) as the upper bound of its bucket in ms; undefined when empty. */
export function percentile(hist: readonly number[] | undefined, q: number): number | undefined {
  const total = (hist ?? []).reduce((a, b) => a + b, 0);
  if (!hist || total === 0) return undefined;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i] ?? 0;
    if (seen >= rank) return 2 ** i;
  }
  return 2 ** (hist.length - 1);
}
