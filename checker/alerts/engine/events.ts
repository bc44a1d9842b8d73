import type { Diagnosis } from '../../status/schema.ts';
import type { AlertName, Importance } from '../names.ts';

/**
 * What a failing check of the alert's probe answered, so a message can name it (runbooks branch on the
 * code): the check, its code and, for a certificate, when it expires.
 */
export interface ProbeEvidence {
  check: string;
  code: string;
  /** ISO time the TLS certificate stops being valid (tls only). */
  valid_to?: string;
  /** The HTTP status the server answered (http only). */
  http_status?: number;
}

/** One installation an event is about. */
export interface EventTarget {
  client: string;
  installation: string;
  /** Hosting id, when the installation is at a hosting. */
  hosting?: string;
}

/**
 * What the alert engine decided to tell people in one run; the notifier renders these into messages.
 * Suppressed alerts and alerts inside maintenance produce no events.
 */
export type AlertEvent =
  | (EventTarget & {
      kind: 'firing';
      alert: AlertName;
      importance: Importance;
      /** First failed check: the problem began here. */
      since: string;
      /** This run's time. */
      at: string;
      diagnosis?: Diagnosis;
      /** The failing checks of the alert's probe in this run. */
      evidence?: ProbeEvidence[];
      /** Incident id (also the key replies are threaded by). */
      incident: string;
    })
  | {
      kind: 'grouped';
      /** Hosting id whose installations failed together. */
      hosting: string;
      alert: AlertName;
      importance: Importance;
      at: string;
      /** Same id as the incidents' `group`. */
      group: string;
      /** The installations, each with its own incident and since. */
      items: (EventTarget & {
        since: string;
        incident: string;
        diagnosis?: Diagnosis;
        evidence?: ProbeEvidence[];
      })[];
      diagnosis?: Diagnosis;
    }
  | {
      kind: 'count';
      /** The mass («…Count») alert: many installations started firing `of` in one run. */
      alert: AlertName;
      /** The single alert it counts (the members' own alert and incidents). */
      of: AlertName;
      importance: Importance;
      at: string;
      /** Same id as the members' incidents' `group`. */
      group: string;
      /** The installations, each with its own incident, since and cause. */
      items: (EventTarget & { since: string; incident: string; diagnosis?: Diagnosis })[];
      /** The cause, when all of them share it. */
      diagnosis?: Diagnosis;
    }
  | (EventTarget & {
      kind: 'reminder';
      alert: AlertName;
      importance: Importance;
      since: string;
      at: string;
      incident: string;
      diagnosis?: Diagnosis;
      /** The failing checks of the alert's probe in this run. */
      evidence?: ProbeEvidence[];
      /** Group id when the firing message was a grouped one: reminders of one group come in the same run. */
      group?: string;
      /** The mass alert whose message announced it, when the group is a mass one. */
      mass?: AlertName;
    })
  | (EventTarget & {
      kind: 'resolved';
      alert: AlertName;
      importance: Importance;
      since: string;
      /** When it was seen working again. */
      at: string;
      /** Downtime from the first failed check to `at`, ms. */
      durationMs: number;
      incident: string;
      /** Group id when the firing message was a grouped one (the reply goes to it). */
      group?: string;
      /** The mass alert whose message announced it, when the group is a mass one. */
      mass?: AlertName;
    })
  | {
      kind: 'operator';
      /**
       * checker_offline / checker_online / icmp_unavailable / checker_stale; a vantage listed in
       * installations.yaml that sent nothing fresh (vantage_silent) or is back (vantage_back); shards of a
       * vantage whose results did not arrive (shards_missing).
       */
      code:
        | 'checker_offline'
        | 'checker_online'
        | 'icmp_unavailable'
        | 'checker_stale'
        | 'vantage_silent'
        | 'vantage_back'
        | 'shards_missing';
      at: string;
      /** Russian text for the operator. */
      text: string;
    };
