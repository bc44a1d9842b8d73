import { type SysinfoFacts, sysinfoFactsSchema } from '../status/sysinfo.ts';
import { type Extracted, ReportError } from './extract.ts';
import { deriveFacts } from './facts.ts';
import type { Profile } from './profile.ts';
import { type ReportLimits, readReport } from './read-report.ts';

/**
 * Reads sysinfo reports into facts for a run (or an agent). Parsing never blocks the timers of the run's other
 * checks: a report is read in 64 KiB slices with a return to the event loop between them (checker/sysinfo/
 * read-report.ts). It is bounded in time by the caller's signal (the check's timeout, checked between slices)
 * and in memory by streaming: nothing but the selected values is kept, and no single tag, comment or CDATA
 * section longer than 1 MiB is accepted (the parser holds those whole). At most `concurrency` reports are read
 * at once; the others wait their turn within their own check's time.
 *
 * (Worker threads were tried first: each `smart check` then paid 0.3–2 s to start one — type stripping and
 * module loading again in the thread — which a 2 s check timeout on a loaded runner did not survive, and
 * their heap limit did not stop one huge allocation from aborting the whole process.)
 */

/** One report to read. */
export interface ParseJob {
  bytes: Uint8Array;
  profile: Profile;
  limits: ReportLimits;
  /** ISO time the report was obtained. */
  fetchedAt: string;
  timezone: string;
}

/** What reading a report gave. */
export type ParseReply =
  | { ok: true; facts: SysinfoFacts; root: string; elements: number }
  | {
      ok: false;
      code: 'XML_INVALID' | 'REPORT_TOO_LARGE' | 'REPORT_INVALID' | 'TIMEOUT';
      message: string;
      detail: string;
    };

/** Reads reports, a few at a time. */
export interface ParsePool {
  parse(job: ParseJob, signal?: AbortSignal): Promise<ParseReply>;
  /** Refuses further reports; call once the run is over. */
  close(): Promise<void>;
}

/** Creates a reader; `concurrency` reports at most at once (default 4). */
export function createParsePool(opts: { concurrency?: number } = {}): ParsePool {
  const limit = opts.concurrency ?? 4;
  let active = 0;
  let closed = false;
  const waiting: (() => void)[] = [];
  const timeout = (detail: string): ParseReply => ({
    ok: false,
    code: 'TIMEOUT',
    message: 'Отчёт sysinfo не успел разобраться за время проверки.',
    detail,
  });
  return {
    async parse(job, signal) {
      if (closed)
        return { ok: false, code: 'REPORT_INVALID', message: 'Разбор отчётов остановлен.', detail: 'closed' };
      if (active >= limit) {
        const turn = new Promise<void>((resolve) => waiting.push(resolve));
        const aborted = new Promise<'aborted'>((resolve) => {
          if (signal?.aborted) resolve('aborted');
          signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
        });
        if ((await Promise.race([turn.then(() => 'turn' as const), aborted])) === 'aborted') {
          // Give the turn on if it came meanwhile; otherwise leave the queue.
          void turn.then(() => next());
          return timeout('still waiting for its turn');
        }
      }
      active++;
      try {
        const raw = await readReport(job.bytes, job.profile, job.limits, signal);
        if (!matchedAnything(raw))
          throw new ReportError(
            'REPORT_INVALID',
            `Ответ сервера не похож на отчёт sysinfo: в нём нет ни одного сведения, которое ищет профиль ${job.profile.name} (корневой элемент <${raw.root}>).`,
            `root <${raw.root}>, ${raw.elements} elements, nothing matched`,
          );
        const facts = deriveFacts(raw, job.profile, {
          fetchedAt: new Date(job.fetchedAt),
          timezone: job.timezone,
        });
        return checked({ ok: true, facts, root: raw.root ?? '', elements: raw.elements });
      } catch (err) {
        if (err instanceof ReportError) {
          if (err.code === 'TIMEOUT') return timeout(err.detail);
          return { ok: false, code: err.code, message: err.message, detail: err.detail };
        }
        return {
          ok: false,
          code: 'REPORT_INVALID',
          message: 'Отчёт sysinfo не разобран.',
          detail: String((err as Error)?.message ?? err).slice(0, 300),
        };
      } finally {
        active--;
        next();
      }
    },
    async close() {
      closed = true;
    },
  };
  function next() {
    waiting.shift()?.();
  }
}

/** True when the profile found at least one of its values or lists in the document. */
function matchedAnything(raw: Extracted): boolean {
  const scalars = [
    raw.report_time,
    raw.pk_version,
    raw.sysinfo_version,
    raw.key,
    raw.seats_used,
    raw.seats_limit,
  ];
  return (
    scalars.some((v) => v !== undefined) || raw.licenses.known || raw.operups.known || raw.db_errors.known
  );
}

/** The facts, validated against the schema before anyone keeps them. */
function checked(reply: ParseReply): ParseReply {
  if (!reply.ok) return reply;
  const parsed = sysinfoFactsSchema.safeParse(reply.facts);
  if (parsed.success) return { ...reply, facts: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    code: 'REPORT_INVALID',
    message: 'Сведения из отчёта sysinfo не прошли проверку.',
    detail: `${issue?.path.join('.')}: ${issue?.message}`.slice(0, 300),
  };
}
