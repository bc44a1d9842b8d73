/**
 * A bounded pool with a per-key limit: at most `total` tasks at once, at most `perKey` of them for one key
 * (one host), in FIFO order. A task waiting for its host's slot does not hold a pool slot, so a slow host never
 * blocks others.
 */
export interface Limiter {
  run<T>(key: string | undefined, task: () => Promise<T>): Promise<T>;
}

/** Creates a Limiter; `total` and `perKey` are at least 1. */
export function createLimiter(total: number, perKey: number): Limiter {
  let active = 0;
  const perHost = new Map<string, number>();
  const queue: { key: string | undefined; start: () => void }[] = [];

  const canStart = (key: string | undefined) =>
    active < total && (key === undefined || (perHost.get(key) ?? 0) < perKey);

  const pump = () => {
    for (let i = 0; i < queue.length && active < total; ) {
      const item = queue[i]!;
      if (canStart(item.key)) {
        queue.splice(i, 1);
        item.start();
      } else i++;
    }
  };

  return {
    run<T>(key: string | undefined, task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          active++;
          if (key !== undefined) perHost.set(key, (perHost.get(key) ?? 0) + 1);
          task()
            .then(resolve, reject)
            .finally(() => {
              active--;
              if (key !== undefined) {
                const n = (perHost.get(key) ?? 1) - 1;
                if (n === 0) perHost.delete(key);
                else perHost.set(key, n);
              }
              pump();
            });
        };
        if (queue.length === 0 && canStart(key)) start();
        else {
          queue.push({ key, start });
          pump();
        }
      });
    },
  };
}
