/**
 * Causes of the licence-manager alerts: Licman hands out the SenseLock key over the network, so while it is
 * unreachable the PK may lose its licence (KodeksXmlSensLockStatus follows).
 */
import type { Case } from './explain.ts';
import { pathText } from './explain-network.ts';

const KEY_AT_RISK = 'Пока он недоступен, ПК может потерять ключ SenseLock и перестать собирать комплекты.';

/** LicmanIcmp: the licence manager's host does not answer ping. */
export const LICMAN_ICMP_CASES: Case[] = [
  {
    id: 'licman_host_down',
    when: (v) => v.outcome('licman_tcp') === 'silent',
    say: () => ({
      cause: 'Менеджер лицензий недоступен: его сервер не отвечает ни на ping, ни на соединения с портом.',
      hint: `Проверьте, включён ли сервер менеджера лицензий и работает ли сеть до него. ${KEY_AT_RISK}`,
    }),
  },
  {
    id: 'licman_icmp_blocked',
    when: (v) => v.oks('licman_tcp') || v.outcome('licman_tcp') === 'refused',
    say: () => ({
      cause:
        'Сервер менеджера лицензий не отвечает на ping, но в сети: вероятно, ping закрыт межсетевым экраном.',
      hint: 'Если ping закрыли намеренно, выключите его проверку для этой установки: licman: { icmp: false }.',
    }),
  },
  {
    id: 'licman_icmp_down',
    when: () => true,
    say: () => ({
      cause: 'Сервер менеджера лицензий не отвечает на ping.',
      hint: `Проверьте сервер менеджера лицензий и сеть до него. ${KEY_AT_RISK}`,
    }),
  },
];

/** LicmanTcpStatus: the licence manager's port (8888 by default) takes no connection. */
export const LICMAN_TCP_CASES: Case[] = [
  {
    id: 'licman_refused',
    when: (v) => v.outcome('licman_tcp') === 'refused',
    say: () => ({
      cause:
        'Сервер менеджера лицензий в сети, но сам менеджер лицензий не принимает соединения: порт закрыт (соединение отклонено).',
      hint: `Запустите службу менеджера лицензий (Licman) на его сервере и проверьте, что она слушает свой порт (обычно 8888). ${KEY_AT_RISK}`,
    }),
  },
  {
    id: 'licman_filtered',
    when: (v) => v.outcome('licman_tcp') === 'silent' && v.oks('licman_icmp'),
    say: () => ({
      cause:
        'Сервер менеджера лицензий отвечает на ping, но порт менеджера лицензий не отвечает: пакеты отбрасываются.',
      hint: `Проверьте межсетевой экран между SMART и менеджером лицензий и то, что служба Licman запущена. ${KEY_AT_RISK}`,
    }),
  },
  {
    id: 'licman_dns',
    when: (v) => v.outcome('licman_tcp') === 'dns',
    say: () => ({
      cause: 'Имя сервера менеджера лицензий не разрешается (DNS).',
      hint: 'Проверьте имя в настройке licman.host этой установки и DNS-запись сервера менеджера лицензий.',
    }),
  },
  {
    id: 'licman_down',
    when: () => true,
    say: (v) => ({
      cause: `Менеджер лицензий не принимает соединения: ${pathText(v, 'licman_tcp')}.`,
      hint: `Проверьте сервер менеджера лицензий, его службу и сеть до него. ${KEY_AT_RISK}`,
    }),
  },
];
