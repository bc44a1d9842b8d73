/**
 * Causes of the licence-key and agent alerts: what the Kodeks server reports about its SenseLock key (its
 * sysinfo report), what the on-prem agent sees on the server's USB, and whether the agent reports at all.
 */
import { type Case, clause, lower } from './explain.ts';

const keyMissing = { when: (v: Parameters<Case['when']>[0]) => v.fails('sysinfo', 'KEY_MISSING') };

/** Case 1: neither the Kodeks server nor the agent sees the key (USB forwarding stopped). */
const KEY_USB_ABSENT: Case = {
  id: 'key_usb_absent',
  when: (v) => keyMissing.when(v) && v.fails('agent', 'USB_KEY_ABSENT'),
  say: () => ({
    cause: 'Ключ SenseLock пропал с USB сервера: его не видят ни Кодекс, ни агент.',
    hint:
      'Если ключ проброшен по сети, проверьте программу проброса USB и срок её лицензии; если вставлен ' +
      'в сервер — проверьте его физически. Проверить ключ на сервере можно утилитой TestSlKey.',
  }),
};

/** KodeksXmlSensLockStatus / KodeksOfflineSensLockCheck: the sysinfo report says the key does not work. */
export const XML_KEY_CASES: Case[] = [
  KEY_USB_ABSENT,
  {
    id: 'key_not_seen_by_kodeks',
    when: (v) => v.oks('agent'),
    say: () => ({
      cause: 'Ключ SenseLock подключён к USB, но сервер Кодекс его не видит.',
      hint: 'Проверьте драйвер SenseLock и службу лицензирования Кодекс (перезапустите её), затем утилиту TestSlKey.',
    }),
  },
  {
    id: 'key_missing',
    when: () => true,
    say: () => ({
      cause: 'Сервер Кодекс не видит ключ SenseLock.',
      hint:
        'Проверьте, подключён ли ключ; если он проброшен по сети — программу проброса USB и её лицензию. ' +
        'Агент на сервере не установлен или молчит, поэтому где ключ — неизвестно.',
    }),
  },
];

/**
 * KodeksUsbKeyMissing: the agent does not find the key among the server's USB devices. It is raised only
 * where the agent alone watches the key (no sysinfo probe): with one, the key's alert is the sysinfo one.
 */
export const USB_KEY_CASES: Case[] = [
  KEY_USB_ABSENT,
  {
    id: 'usb_key_absent',
    when: () => true,
    say: () => ({
      cause: 'Агент не видит ключ SenseLock среди USB-устройств сервера.',
      hint: 'Проверьте ключ и программу проброса USB; Кодекс может ещё работать на кэшированной лицензии.',
    }),
  },
];

/** KodeksXmlStatusUnavailable: no sysinfo report could be read this run, so the key state is unknown. */
export const XML_STATUS_CASES: Case[] = [
  {
    id: 'report_invalid',
    when: (v) => ['XML_INVALID', 'REPORT_INVALID', 'REPORT_TOO_LARGE'].includes(v.code('sysinfo') ?? ''),
    say: (v) => ({
      cause: `Отчёт sysinfo получен, но не прочитан (${lower(clause(v.message('sysinfo')))}): состояние ключа SenseLock неизвестно.`,
      hint:
        'Сверьте отчёт сервера с профилем разбора (docs/sysinfo.md) и при необходимости поправьте ' +
        'probes.sysinfo.mapping в installations.yaml.',
    }),
  },
  {
    id: 'report_unavailable',
    when: () => true,
    say: (v) => ({
      cause: `Отчёт sysinfo недоступен (${lower(clause(v.message('sysinfo') ?? 'проверка не прошла').replace(/^Отчёт sysinfo недоступен: /, ''))}): состояние ключа SenseLock неизвестно.`,
      hint:
        'Проверьте, отдаёт ли сервер отчёт (POST /sysinfo/si_save_request), открыт ли каталог /sysinfo без ' +
        'авторизации, и настройку probes.sysinfo в installations.yaml.',
    }),
  },
];

/**
 * The alerts a check decides itself (from the sysinfo report and the metrics): the check's own finding names
 * what is wrong (the database, the code and its meaning, the file, the catalog); the hint says what to do.
 */
function fromFinding(alert: string, id: string, hint: string): Case[] {
  return [
    { id, when: () => true, say: (v) => ({ cause: v.finding(alert) ?? 'Сведения отчёта sysinfo.', hint }) },
  ];
}

/** Explanations of the alerts read from the sysinfo report and the metrics, by alert. */
export const FINDING_CASES: Record<string, Case[]> = {
  KodeksLicenseExpiring90day: fromFinding(
    'KodeksLicenseExpiring90day',
    'license_expiring',
    'Закажите новый рег-файл заранее, чтобы у клиента не было перерыва; сроки видны в /admin/lic.',
  ),
  KodeksLicenseExpiring7day: fromFinding(
    'KodeksLicenseExpiring7day',
    'license_expiring',
    'Срочно закажите и установите новый рег-файл: без него база перестанет открываться; сроки видны в /admin/lic.',
  ),
  KodeksLicenseExpiring2day: fromFinding(
    'KodeksLicenseExpiring2day',
    'license_expiring',
    'Установите новый рег-файл сегодня: иначе пользователи потеряют доступ к базе; сроки видны в /admin/lic.',
  ),
  KodeksDBLicensesZero: fromFinding(
    'KodeksDBLicensesZero',
    'licenses_zero',
    'Проверьте рег-файл и страницу /admin/lic: сервер не видит ни одной лицензии на базы.',
  ),
  KodeksDBOperUpToOld: fromFinding(
    'KodeksDBOperUpToOld',
    'operup_old',
    'Проверьте, приходят ли и ставятся ли оперативные обновления (задание обновления, место на диске, доступ к папке operup).',
  ),
  KodeksDBerrorsCode2007: fromFinding(
    'KodeksDBerrorsCode2007',
    'db_error_2007',
    'Проверьте список доступа базы (есть ли в нём ключ) и инвентарный номер рег-файла: утилиты TestSlKey и Testreg.',
  ),
  KodeksDBerrorsCodeXXX: fromFinding(
    'KodeksDBerrorsCodeXXX',
    'db_error_code',
    'Смотрите значение кода в сообщении и раздел ошибок баз в /admin; при повреждении тома — переустановите его.',
  ),
  KodeksDBerrorsNoCode: fromFinding(
    'KodeksDBerrorsNoCode',
    'db_error_no_code',
    'Ошибки без кода часто безвредны (например, «том уже подключён»); проверьте их текст в /admin.',
  ),
  KodeksLimitsUsers: fromFinding(
    'KodeksLimitsUsers',
    'seats_exhausted',
    'Новые пользователи не войдут: проверьте занятые сеансы в /admin/cookies или предложите клиенту расширить лицензию.',
  ),
  SmartXMLfileIsToOld: fromFinding(
    'SmartXMLfileIsToOld',
    'report_stale',
    'Проверьте, отвечает ли сервер на запрос отчёта (POST /sysinfo/si_save_request) или работает ли агент в закрытой сети.',
  ),
  KodeksWarning: fromFinding(
    'KodeksWarning',
    'server_warning',
    'Откройте /admin на сервере ПК и посмотрите сообщения о нештатном состоянии каталога, названного в сообщении.',
  ),
};

/** KodeksAgentSilent: the on-prem agent sends no usable report. */
export const AGENT_CASES: Case[] = [
  {
    id: 'agent_missing',
    when: (v) => v.fails('agent', 'AGENT_MISSING'),
    say: () => ({
      cause: 'От агента на сервере нет ни одного отчёта: наличие ключа SenseLock на USB не отслеживается.',
      hint: 'Установите и запустите smart agent на сервере ПК (см. docs/agent.md) и проверьте, что он пишет отчёт этой установки.',
    }),
  },
  {
    id: 'agent_invalid',
    when: (v) => v.fails('agent', 'AGENT_INVALID'),
    say: () => ({
      cause:
        'Отчёт агента на сервере не принят (повреждён, от другой установки или из будущего): наличие ключа на USB не отслеживается.',
      hint: 'Проверьте версию smart agent, его параметр --installation и часы сервера.',
    }),
  },
  {
    id: 'agent_silent',
    when: () => true,
    say: () => ({
      cause: 'Агент на сервере давно не присылал отчёт: наличие ключа SenseLock на USB не отслеживается.',
      hint: 'Проверьте службу smart agent на сервере, её доступ в сеть и часы сервера.',
    }),
  },
];
