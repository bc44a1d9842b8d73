/** Queuing rendered messages into the outbox without duplicates. */
import { type Outbox, type OutboxItem, STATUS_SCHEMA_VERSION } from '../status/schema.ts';

/** An empty outbox.json. */
export function emptyOutbox(): Outbox {
  return { schema: STATUS_SCHEMA_VERSION, pending: [], delivered: {} };
}

/**
 * Appends items whose id is neither pending nor already delivered, so a run repeated after a failed
 * commit queues nothing twice. Returns a new outbox.
 */
export function enqueue(outbox: Outbox, items: OutboxItem[]): Outbox {
  const known = new Set([...outbox.pending.map((i) => i.id), ...Object.keys(outbox.delivered)]);
  const fresh = items.filter((i) => {
    if (known.has(i.id)) return false;
    known.add(i.id);
    return true;
  });
  return { ...outbox, pending: [...outbox.pending, ...fresh] };
}
