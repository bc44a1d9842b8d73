import type { Finding } from '../probes/types.ts';
import { dayStart, localDay } from '../sla/time.ts';
import type { SysinfoFacts } from '../status/sysinfo.ts';
import { CODE_2007, describeCode } from './error-codes.ts';

/**
 * Judging the facts of a report against the thresholds: one finding per alert that the facts decide. Pure.
 * A finding is fail (raise), ok (clear) or unknown (the report does not say: hold the alert as it is).
 */

/** The alerts the sysinfo facts decide (their runbooks are docs/errors/<name>.md). */
export const SYSINFO_ALERTS = [
  'KodeksXmlSensLockStatus',
  'KodeksOfflineSensLockCheck',
  'KodeksLicenseExpiring90day',
  'KodeksLicenseExpiring7day',
  'KodeksLicenseExpiring2day',
  'KodeksDBLicensesZero',
  'KodeksDBOperUpToOld',
  'KodeksDBerrorsCode2007',
  'KodeksDBerrorsCodeXXX',
  'KodeksDBerrorsNoCode',
  'KodeksLimitsUsers',
  'SmartXMLfileIsToOld',
] as const;
export type SysinfoAlert = (typeof SYSINFO_ALERTS)[number];

/** Thresholds of one installation. */
export interface JudgeSettings {
  /** pull: the checker fetched the report (KodeksXmlSensLockStatus); agent: the agent pushed it from a closed
   * network (KodeksOfflineSensLockCheck). */
  source: 'pull' | 'agent';
  /** A report older than this is SmartXMLfileIsToOld, ms. */
  maxAgeMs: number;
  /** An operup not updated for this long (at the report's time) is KodeksDBOperUpToOld, ms. */
  operupMaxAgeMs: number;
  /** Zone of the installation's calendar days (licence ends are local dates). */
  timezone: string;
}

const LICENSE_STEPS: { alert: SysinfoAlert; days: number }[] = [
  { alert: 'KodeksLicenseExpiring2day', days: 2 },
  { alert: 'KodeksLicenseExpiring7day', days: 7 },
  { alert: 'KodeksLicenseExpiring90day', days: 90 },
];

const DAY = 86_400_000;

/**
 * What a client's status page says while a finding fails (Finding.impact): public sentences that name no
 * database, file or report text — those stay in the manager's message.
 */
export const IMPACT = {
  key: { status: 'fail', message: 'Сервер ПК не видит ключ защиты SenseLock: работа с системой невозможна.' },
  expired: {
    status: 'fail',
    message: 'Истёк срок лицензии одной из баз: её документы недоступны до продления.',
  },
  noLicences: { status: 'fail', message: 'Сервер ПК не видит ни одной действующей лицензии на базы.' },
  operupOld: {
    status: 'degraded',
    message: 'Оперативные обновления баз давно не устанавливались: новые документы могут не появляться.',
  },
  dbErrors: {
    status: 'fail',
    message: 'Сервер ПК сообщает об ошибках баз данных: часть документов может быть недоступна.',
  },
  dbNotes: { status: 'degraded', message: 'Сервер ПК сообщает о неполадках в работе баз данных.' },
  seats: {
    status: 'degraded',
    message: 'Заняты все места по лицензии: новые пользователи не смогут войти, пока кто-то не выйдет.',
  },
} as const satisfies Record<string, NonNullable<Finding['impact']>>;

/** The findings of a freshly read (or still valid) report. */
export function judgeFacts(facts: SysinfoFacts, s: JudgeSettings, now: Date): Finding[] {
  const out: Finding[] = [];
  const reportMs = Date.parse(facts.report_at ?? facts.fetched_at);
  out.push(freshness(reportMs, s, now));
  out.push(keyFinding(facts, s.source));
  out.push(...licenseFindings(facts, s.timezone, now));
  out.push(licensesZero(facts));
  out.push(operupFinding(facts, s, reportMs));
  out.push(...errorFindings(facts));
  out.push(seatsFinding(facts));
  return out;
}

/** The findings when no report could be read this time: only the report's age is known. */
export function judgeNoReport(
  lastReportMs: number | undefined,
  s: JudgeSettings,
  now: Date,
  why: string,
): Finding[] {
  const out: Finding[] = SYSINFO_ALERTS.filter((a) => a !== 'SmartXMLfileIsToOld').map((alert) => ({
    alert,
    status: 'unknown' as const,
    message: `Нет свежего отчёта sysinfo: ${why}`,
  }));
  out.unshift(
    lastReportMs === undefined
      ? {
          alert: 'SmartXMLfileIsToOld',
          status: 'unknown',
          message: `Отчёт sysinfo ещё ни разу не получен: ${why}`,
        }
      : freshness(lastReportMs, s, now, why),
  );
  return out;
}

function freshness(reportMs: number, s: JudgeSettings, now: Date, why?: string): Finding {
  const age = now.getTime() - reportMs;
  if (age > s.maxAgeMs)
    return {
      alert: 'SmartXMLfileIsToOld',
      status: 'fail',
      message: `Свежего отчёта sysinfo нет ${ageText(age)} (допустимо ${ageText(s.maxAgeMs)})${why ? `: ${why}` : '.'}`,
    };
  return {
    alert: 'SmartXMLfileIsToOld',
    status: 'ok',
    message: `Отчёт sysinfo получен ${ageText(age)} назад.`,
  };
}

function keyFinding(facts: SysinfoFacts, source: JudgeSettings['source']): Finding {
  const alert = source === 'pull' ? 'KodeksXmlSensLockStatus' : 'KodeksOfflineSensLockCheck';
  const from = source === 'pull' ? 'По данным отчёта sysinfo' : 'По отчёту sysinfo, переданному агентом';
  switch (facts.key.state) {
    case 'ok':
      return { alert, status: 'ok', message: `${from} ключ SenseLock работает.` };
    case 'missing':
      return {
        alert,
        status: 'fail',
        message: `${from} ключ SenseLock не работает (в отчёте: «${facts.key.value ?? ''}»).`,
        impact: IMPACT.key,
      };
    default:
      return {
        alert,
        status: 'unknown',
        message: `Состояние ключа SenseLock неизвестно: ${facts.key.reason ?? ''}.`,
      };
  }
}

function licenseFindings(facts: SysinfoFacts, tz: string, now: Date): Finding[] {
  const dated = facts.databases.filter((d) => d.license_end !== undefined);
  if (facts.licenses !== 'present' || dated.length === 0)
    return LICENSE_STEPS.map(({ alert }) => ({
      alert,
      status: 'unknown' as const,
      message: 'В отчёте sysinfo нет сроков лицензий баз.',
    }));
  const today = localDay(now.getTime(), tz);
  const left = (end: string) => Math.round((dayStart(end, tz) - dayStart(today, tz)) / DAY);
  // The smallest remainder over all databases decides; the message names that database.
  const worst = dated.reduce((a, b) => (left(b.license_end!) < left(a.license_end!) ? b : a));
  const days = left(worst.license_end!);
  const when = worst.license_end!.split('-').reverse().join('.');
  const text =
    days < 0
      ? `Лицензия базы «${worst.name}» истекла ${plural(-days, 'день', 'дня', 'дней')} назад (${when}).`
      : days === 0
        ? `Лицензия базы «${worst.name}» заканчивается сегодня (${when}).`
        : `Лицензия базы «${worst.name}» заканчивается через ${plural(days, 'день', 'дня', 'дней')} (${when}).`;
  // The tightest threshold reached fires; looser ones hold their state (no «resolved» while it gets worse).
  const tightest = LICENSE_STEPS.find((st) => days < st.days);
  return LICENSE_STEPS.map(({ alert, days: limit }) => {
    if (days >= limit) return { alert, status: 'ok' as const, message: text };
    // Until the last day users notice nothing; after it, that database's documents are closed to them.
    if (tightest && tightest.alert === alert)
      return {
        alert,
        status: 'fail' as const,
        message: text,
        ...(days < 0 ? { impact: IMPACT.expired } : {}),
      };
    return { alert, status: 'unknown' as const, message: text };
  });
}

function licensesZero(facts: SysinfoFacts): Finding {
  const alert = 'KodeksDBLicensesZero';
  if (facts.licenses === 'empty')
    return {
      alert,
      status: 'fail',
      message: 'В отчёте sysinfo блок сроков лицензий баз пуст: ни одной лицензии.',
      impact: IMPACT.noLicences,
    };
  if (facts.licenses === 'present')
    return { alert, status: 'ok', message: `Лицензии баз в отчёте: ${facts.databases.length}.` };
  return { alert, status: 'unknown', message: 'В отчёте sysinfo нет блока лицензий баз.' };
}

function operupFinding(facts: SysinfoFacts, s: JudgeSettings, reportMs: number): Finding {
  const alert = 'KodeksDBOperUpToOld';
  const dated = facts.operups.filter((o) => o.updated_at !== undefined);
  if (!facts.operups_known || dated.length === 0)
    return { alert, status: 'unknown', message: 'В отчёте sysinfo нет дат оперативных обновлений.' };
  const age = (o: (typeof dated)[number]) => reportMs - Date.parse(o.updated_at!);
  const old = dated.filter((o) => age(o) > s.operupMaxAgeMs).sort((a, b) => age(b) - age(a));
  if (old.length === 0)
    return { alert, status: 'ok', message: `Оперативные обновления свежие (${dated.length} файлов).` };
  const first = old[0]!;
  const more = old.length > 1 ? ` и ещё ${plural(old.length - 1, 'файл', 'файла', 'файлов')}` : '';
  return {
    alert,
    status: 'fail',
    message: `Оперативное обновление «${first.file}» не обновлялось ${ageText(age(first))}${more} (допустимо ${ageText(s.operupMaxAgeMs)}).`,
    impact: IMPACT.operupOld,
  };
}

function errorFindings(facts: SysinfoFacts): Finding[] {
  const names = ['KodeksDBerrorsCode2007', 'KodeksDBerrorsCodeXXX', 'KodeksDBerrorsNoCode'] as const;
  if (!facts.db_errors_known)
    return names.map((alert) => ({
      alert,
      status: 'unknown' as const,
      message: 'В отчёте sysinfo нет списка ошибок баз.',
    }));
  const of = {
    KodeksDBerrorsCode2007: facts.db_errors.filter((e) => e.code !== undefined && CODE_2007.has(e.code)),
    KodeksDBerrorsCodeXXX: facts.db_errors.filter((e) => e.code !== undefined && !CODE_2007.has(e.code)),
    KodeksDBerrorsNoCode: facts.db_errors.filter((e) => e.code === undefined),
  };
  return names.map((alert) => {
    const list = of[alert];
    if (list.length === 0)
      return { alert, status: 'ok' as const, message: 'Ошибок баз этого вида в отчёте нет.' };
    const parts = list.slice(0, 3).map((e) => {
      const where = e.db ? `база «${e.db}»: ` : '';
      const what =
        e.code !== undefined ? describeCode(e.code) : `ошибка без кода${e.text ? ` «${e.text}»` : ''}`;
      return `${where}${what}`;
    });
    const more = list.length > 3 ? `; и ещё ${list.length - 3}` : '';
    return {
      alert,
      status: 'fail' as const,
      message: `Ошибки баз в отчёте sysinfo: ${parts.join('; ')}${more}.`,
      // An error without a code is often harmless («том уже подключён»): a limitation, not an outage.
      impact: alert === 'KodeksDBerrorsNoCode' ? IMPACT.dbNotes : IMPACT.dbErrors,
    };
  });
}

function seatsFinding(facts: SysinfoFacts): Finding {
  const alert = 'KodeksLimitsUsers';
  const { used, limit } = facts.seats;
  if (used === undefined || limit === undefined || limit === 0)
    return {
      alert,
      status: 'unknown',
      message: 'В отчёте sysinfo нет числа занятых мест и лимита рег-файла.',
    };
  if (used >= limit)
    return {
      alert,
      status: 'fail',
      message: `Заняты все места по рег-файлу: ${used} из ${limit}.`,
      impact: IMPACT.seats,
    };
  return { alert, status: 'ok', message: `Занято мест: ${used} из ${limit}.` };
}

/** «3 дн. 4 ч», «5 ч», «12 мин». */
export function ageText(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 60) return `${min} мин`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} ч`;
  const d = Math.floor(h / 24);
  const rest = h % 24;
  return rest ? `${d} дн. ${rest} ч` : `${d} дн.`;
}

/** «1 день», «3 дня», «5 дней». */
export function plural(n: number, one: string, few: string, many: string): string {
  const m10 = n % 10;
  const m100 = n % 100;
  const w = m10 === 1 && m100 !== 11 ? one : m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14) ? few : many;
  return `${n} ${w}`;
}
