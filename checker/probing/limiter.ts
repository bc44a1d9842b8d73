/**
 * The pool every check of a run goes through. It is polite to servers and bounded for the checker, without
 * letting a server that hangs make anyone else wait:
 *
 * - A check is *active* from its start until it ends or until it has waited its address's patience without
 *   ending (it *stalls*). At most `total` checks are active at once, and at most `perKey` of them for one
 *   address (a key: IP and port, see run-checks.ts); an address that has not answered yet in this run gets
 *   one active check, so the first contact with a server is a single connection.
 * - A stalled check keeps running until its own timeout (it still reports what it saw) but no longer holds a
 *   slot: waiting for a silent peer costs the checker a socket and a timer, not CPU, and costs the peer
 *   nothing, so it must not hold back the checks behind it.
 * - An address whose stalled check has heard nothing from it since that check started is *silent*: the
 *   remaining checks of that address start at once, without slots, so each reports its own TIMEOUT within
 *   one timeout instead of ⌈N / per_host⌉ timeouts. The first answer from the address ends that.
 * - Patience is `patienceMs`, or twice the slowest answer the address gave in this run if that is longer, so a
 *   slow server is not taken for a silent one.
 * - Addresses take turns: the first check of every address starts before the second of any, so every
 *   address is contacted (and a silent one found out) early in the run.
 * - An address marked *suspect* (its checks heard nothing in the last run) is expected to wait, not to work:
 *   until it answers in this run, its checks take no slot of `total` and start at once, up to `perKey` of
 *   them (still one server's politeness bound), so their waits overlap the whole run instead of queueing
 *   behind the healthy work or each other. The checker's extra load is one socket and one timer per such
 *   check; if a suspect answers after all, it is an ordinary address from then on and its later checks
 *   count again. The burst this allows, if every suspect has recovered, is `perKey` checks per server that
 *   was silent — what a prober that scrapes everything at once does on every run.
 */

/** What a finished check says about its address: it answered, it heard nothing, or it never reached it. */
export type Heard = 'answer' | 'silence' | 'none';

/** The bounds of one run's pool. */
export interface LimiterOptions {
  /** Active checks at once across all addresses (checker.concurrency), at least 1. */
  total: number;
  /** Active checks at once for one address (checker.per_host), at least 1. */
  perKey: number;
  /** How long a check may wait for an address that has not shown itself slow before it stalls. */
  patienceMs: number;
  /** Milliseconds of a monotonic clock (default performance.now). */
  now?: () => number;
}

/** Counters of what the pool did, for benchmarks and tests. */
export interface LimiterStats {
  /** Most checks active at once. */
  peakActive: number;
  /** Most checks active at once for one address. */
  peakActivePerKey: number;
  /** Checks that stalled (waited longer than their patience). */
  stalled: number;
  /** Checks started without a slot because their address was silent. */
  startedSilent: number;
  /** Addresses found silent at least once. */
  silentKeys: number;
}

/** A pool of checks keyed by address. */
export interface Limiter {
  /**
   * Runs `task` when the pool lets it start; `key` is the address it talks to (undefined: no single
   * address, only the total bound applies). `heard` tells the pool what the result says about the address.
   */
  run<T>(
    key: string | undefined,
    task: () => Promise<T>,
    heard?: (value: T) => Heard,
    suspect?: boolean,
  ): Promise<T>;
  stats(): LimiterStats;
}

/** What a started check holds: a slot of the total and of its address, only of its address, or none. */
type Hold = 'both' | 'key' | 'none';

interface Waiting {
  begin: (hold: Hold) => void;
}

interface KeyState {
  /** Checks waiting to start, oldest first, from `head`. */
  queue: Waiting[];
  head: number;
  active: number;
  answered: boolean;
  /** When the address last answered (clock ms), -Infinity before its first answer. */
  lastAnswerAt: number;
  /** Slowest answer of this run, ms. */
  slowestMs: number;
  silent: boolean;
  everSilent: boolean;
  inRing: boolean;
  unlimited: boolean;
  /** Checks of this address started so far (turns go to the address with the fewest). */
  started: number;
  /** Heard nothing in the last run: takes its turns first. */
  suspect: boolean;
}

/** Creates the pool of one run. */
export function createLimiter(options: LimiterOptions): Limiter {
  const total = Math.max(1, options.total);
  const perKey = Math.max(1, options.perKey);
  const now = options.now ?? (() => performance.now());
  const keys = new Map<string, KeyState>();
  const noKey = newKey(true);
  /** Addresses with checks waiting. */
  const ring: KeyState[] = [];
  let active = 0;
  const stats: LimiterStats = {
    peakActive: 0,
    peakActivePerKey: 0,
    stalled: 0,
    startedSilent: 0,
    silentKeys: 0,
  };

  function newKey(unlimited = false): KeyState {
    const k: KeyState = {
      queue: [],
      head: 0,
      active: 0,
      answered: false,
      lastAnswerAt: Number.NEGATIVE_INFINITY,
      slowestMs: 0,
      silent: false,
      everSilent: false,
      inRing: false,
      unlimited,
      started: 0,
      suspect: false,
    };
    return k;
  }

  /** Whose turn comes first: a suspect address, then the one with the fewest started checks. */
  const before = (a: KeyState, b: KeyState) => (a.suspect !== b.suspect ? a.suspect : a.started < b.started);
  const release = (k: KeyState, hold: Hold) => {
    if (hold === 'both') active--;
    if (hold !== 'none') k.active--;
  };
  const limitOf = (k: KeyState) =>
    k.unlimited ? Number.POSITIVE_INFINITY : k.answered || k.suspect ? perKey : 1;
  const waiting = (k: KeyState) => k.queue.length - k.head;

  const take = (k: KeyState): Waiting => {
    const item = k.queue[k.head]!;
    k.queue[k.head++] = undefined as unknown as Waiting;
    if (k.head === k.queue.length) {
      k.queue = [];
      k.head = 0;
    }
    return item;
  };

  /** Starts every waiting check of a silent address, without slots. */
  const drainSilent = (k: KeyState) => {
    while (waiting(k) > 0) {
      stats.startedSilent++;
      take(k).begin('none');
    }
  };

  /**
   * Starts waiting checks while slots are free, the address with the fewest started checks first; a suspect
   * address's checks need no slot of the total, only room under its own bound.
   */
  const pump = () => {
    for (;;) {
      const full = active >= total;
      let best: KeyState | undefined;
      let idle = false;
      for (const k of ring) {
        if (k.silent) drainSilent(k);
        if (waiting(k) === 0) idle = true;
        else if ((!full || k.suspect) && k.active < limitOf(k) && (!best || before(k, best))) best = k;
      }
      if (idle) dropIdle();
      if (!best) return;
      take(best).begin(best.suspect ? 'key' : 'both');
    }
  };

  /** Removes addresses with nothing waiting from the ring. */
  const dropIdle = () => {
    let w = 0;
    for (let r = 0; r < ring.length; r++) {
      const k = ring[r]!;
      if (waiting(k) > 0) ring[w++] = k;
      else k.inRing = false;
    }
    ring.length = w;
  };

  return {
    run<T>(
      key: string | undefined,
      task: () => Promise<T>,
      heard?: (value: T) => Heard,
      suspect = false,
    ): Promise<T> {
      let k = noKey;
      if (key !== undefined) {
        k = keys.get(key) ?? newKey();
        keys.set(key, k);
        if (suspect && !k.answered) k.suspect = true;
      }
      const state = k;
      return new Promise<T>((resolve, reject) => {
        const begin = (hold: Hold) => {
          const startedAt = now();
          let holding = hold !== 'none';
          let timer: NodeJS.Timeout | undefined;
          state.started++;
          if (hold !== 'none') {
            if (hold === 'both') active++;
            state.active++;
            stats.peakActive = Math.max(stats.peakActive, active);
            if (state !== noKey) stats.peakActivePerKey = Math.max(stats.peakActivePerKey, state.active);
            const patience = Math.max(options.patienceMs, 2 * state.slowestMs);
            timer = setTimeout(() => {
              if (!holding) return;
              holding = false;
              release(state, hold);
              stats.stalled++;
              // Nothing heard from the address since this check went out: it is silent.
              if (state !== noKey && state.lastAnswerAt < startedAt && !state.silent) {
                state.silent = true;
                if (!state.everSilent) stats.silentKeys++;
                state.everSilent = true;
                drainSilent(state);
              }
              pump();
            }, patience);
            timer.unref?.();
          }
          const settle = (outcome: Heard) => {
            clearTimeout(timer);
            if (holding) {
              holding = false;
              release(state, hold);
            }
            if (outcome === 'answer') {
              const t = now();
              state.answered = true;
              state.suspect = false;
              state.silent = false;
              state.lastAnswerAt = t;
              state.slowestMs = Math.max(state.slowestMs, t - startedAt);
            }
            pump();
          };
          task().then(
            (value) => {
              let outcome: Heard = 'answer';
              try {
                outcome = heard ? heard(value) : 'answer';
              } catch {}
              settle(outcome);
              resolve(value);
            },
            (err: unknown) => {
              settle('none');
              reject(err);
            },
          );
        };
        if (state.silent) {
          stats.startedSilent++;
          begin('none');
          return;
        }
        state.queue.push({ begin });
        if (!state.inRing) {
          state.inRing = true;
          ring.push(state);
        }
        pump();
      });
    },
    stats: () => ({ ...stats }),
  };
}
