/**
 * Which alerts only the client can fix, and what its administrator should check — the data behind
 * «a client may name its own administrator». An alert is the client's to fix when the thing that broke is
 * theirs: on their own server (on-premise installations) the server, its network, its certificate, the
 * USB key and its forwarding software are; at a hosting they are the hosting's, and the manager deals
 * with it. The administrator gets the alert with this text, the probable cause and nothing internal.
 * Alerts not in the table (the checker's own, licences, the hosting's) never go to the administrator.
 */
import type { Installation } from '../config/schema.ts';

/** Where the fix is: on an on-premise installation only, or always on the client's side. */
export interface ClientSideFix {
  where: 'on_premise' | 'always';
  /** What the client's administrator should check, in Russian, without internal details. */
  check: string;
}

export const CLIENT_SIDE: Readonly<Record<string, ClientSideFix>> = {
  KodeksIcmp: {
    where: 'on_premise',
    check:
      'Включён ли сервер ПК и работает ли его сеть: кабель, коммутатор, брандмауэр для ping с внешних адресов.',
  },
  KodeksTcpStatus: {
    where: 'on_premise',
    check: 'Запущена ли служба ПК на сервере и не закрыт ли её порт брандмауэром или маршрутизатором.',
  },
  KodeksHttp200Status: {
    where: 'on_premise',
    check:
      'Журнал службы ПК на сервере и раздел /admin: служба запущена, но отвечает ошибкой; перезапустите её.',
  },
  KodeksNeedSupport: {
    where: 'on_premise',
    check:
      'Главную страницу ПК и раздел /admin на сервере: ПК сообщает, что требуется обслуживание, и подсказывает, какое.',
  },
  LicmanIcmp: {
    where: 'on_premise',
    check: 'Включён ли сервер менеджера лицензий и работает ли сеть до него.',
  },
  LicmanTcpStatus: {
    where: 'on_premise',
    check:
      'Запущена ли служба менеджера лицензий (Licman) и не закрыт ли её порт (обычно 8888) брандмауэром.',
  },
  KodeksBehindProxyDown: {
    where: 'on_premise',
    check: 'Работает ли прокси или публикация сайта ПК (nginx, IIS, маршрутизатор) и запущена ли служба ПК.',
  },
  KodeksDnsResolve: {
    where: 'on_premise',
    check:
      'Запись DNS домена ПК у вашего регистратора или DNS-сервера: не удалена ли она и не истёк ли домен.',
  },
  KodeksTlsCertExpiring: {
    where: 'on_premise',
    check: 'Сертификат HTTPS сайта ПК: продлите его и перезапустите веб-сервер, который его отдаёт.',
  },
  KodeksXmlStatusUnavailable: {
    where: 'on_premise',
    check: 'Запущена ли служба ПК на сервере и открывается ли с него страница XML-статуса сервера ПК.',
  },
  KodeksXmlSensLockStatus: {
    where: 'on_premise',
    check:
      'Вставлен ли ключ SenseLock в сервер (или в компьютер, с которого он проброшен по сети), запущена ли программа проброса USB и действует ли её лицензия; проверьте утилитой TestSlKey.',
  },
  KodeksUsbKeyMissing: {
    where: 'on_premise',
    check:
      'Вставлен ли ключ SenseLock в сервер, видит ли его система после обновления или перезагрузки, работает ли программа проброса USB по сети и её лицензия.',
  },
  KodeksAgentSilent: {
    where: 'on_premise',
    check: 'Включён ли сервер ПК и работает ли на нём задание агента SMART (служба или расписание).',
  },
};

/** The administrator's fix for this alert at this installation, or undefined when it is not theirs. */
export function clientSideFix(
  alert: string,
  installation: Installation | undefined,
): ClientSideFix | undefined {
  const fix = CLIENT_SIDE[alert];
  if (!fix) return undefined;
  if (fix.where === 'on_premise' && installation?.hosting !== undefined) return undefined;
  return fix;
}
