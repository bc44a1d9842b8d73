/** Queuing rendered messages and mails into the outbox without duplicates. */
import { type MailItem, type Outbox, type OutboxItem, STATUS_SCHEMA_VERSION } from '../status/schema.ts';

/** An empty outbox.json. */
export function emptyOutbox(): Outbox {
  return { schema: STATUS_SCHEMA_VERSION, pending: [], delivered: {} };
}

/**
 * Appends items whose id is neither pending nor already delivered, so a run repeated after a failed
 * commit queues nothing twice. Returns a new outbox.
 */
export function enqueue(outbox: Outbox, items: OutboxItem[], mails: MailItem[] = []): Outbox {
  const known = new Set([...outbox.pending.map((i) => i.id), ...Object.keys(outbox.delivered)]);
  const fresh = items.filter((i) => {
    if (known.has(i.id)) return false;
    known.add(i.id);
    return true;
  });
  if (mails.length === 0) return { ...outbox, pending: [...outbox.pending, ...fresh] };
  const queued = outbox.mail ?? [];
  const knownMail = new Set([...queued.map((i) => i.id), ...Object.keys(outbox.mail_delivered ?? {})]);
  const freshMail = mails.filter((i) => {
    if (knownMail.has(i.id)) return false;
    knownMail.add(i.id);
    return true;
  });
  return { ...outbox, pending: [...outbox.pending, ...fresh], mail: [...queued, ...freshMail] };
}
