/**
 * Causes of the licence-key and agent alerts: what the Kodeks server reports about its SenseLock key (the
 * XML status), what the on-prem agent sees on the server's USB, and whether the agent reports at all.
 */
import { type Case, clause, lower } from './explain.ts';

const keyMissing = { when: (v: Parameters<Case['when']>[0]) => v.fails('kodeks_xml', 'KEY_MISSING') };

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

/** KodeksXmlSensLockStatus: the Kodeks server reports that it does not see the key. */
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

/** KodeksUsbKeyMissing: the agent does not find the key among the server's USB devices. */
export const USB_KEY_CASES: Case[] = [
  KEY_USB_ABSENT,
  {
    id: 'usb_key_absent_kodeks_ok',
    when: (v) => v.oks('kodeks_xml'),
    say: () => ({
      cause: 'Агент не видит ключ SenseLock среди USB-устройств сервера, хотя Кодекс пока видит ключ.',
      hint: 'Проверьте ключ и программу проброса USB: Кодекс может работать на кэшированной лицензии и скоро остановиться.',
    }),
  },
  {
    id: 'usb_key_absent',
    when: () => true,
    say: () => ({
      cause: 'Агент не видит ключ SenseLock среди USB-устройств сервера.',
      hint: 'Проверьте ключ и программу проброса USB; Кодекс может ещё работать на кэшированной лицензии.',
    }),
  },
];

/** KodeksXmlStatusUnavailable: the Kodeks status document cannot be read, so the key state is unknown. */
export const XML_STATUS_CASES: Case[] = [
  {
    id: 'xml_not_found',
    when: (v) => v.fails('kodeks_xml', 'XML_NOT_FOUND'),
    say: () => ({
      cause: 'Документ статуса ПК не найден по заданному пути: состояние ключа SenseLock неизвестно.',
      hint: 'Проверьте путь проверки kodeks_xml в installations.yaml и что модуль статуса ПК установлен.',
    }),
  },
  {
    id: 'xml_invalid',
    when: (v) => v.fails('kodeks_xml', 'XML_INVALID'),
    say: () => ({
      cause:
        'Документ статуса ПК не читается (это не тот XML, которого ждёт проверка): состояние ключа неизвестно.',
      hint: 'Сверьте настройку select проверки kodeks_xml с документом, который отдаёт сервер ПК.',
    }),
  },
  {
    id: 'xml_unavailable',
    when: () => true,
    say: (v) => ({
      cause: `Документ статуса ПК недоступен (${lower(clause(v.message('kodeks_xml') ?? 'проверка не прошла'))}): состояние ключа SenseLock неизвестно.`,
      hint: 'Проверьте службу ПК и путь к документу статуса в installations.yaml.',
    }),
  },
];

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
