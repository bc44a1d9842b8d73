/**
 * Causes of the alerts about the PK's own state as its main page shows it: maintenance mode (503), the same
 * lasting too long, and its «service required» message.
 */
import { pageWay } from './evidence.ts';
import type { Case } from './explain.ts';

/** «3 ч», «90 мин»: a configured threshold in words. */
export function thresholdText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes % 60 === 0 ? `${minutes / 60} ч` : `${minutes} мин`;
}

/** KodeksMaintenance: the PK answers 503, its maintenance mode. */
export const MAINTENANCE_CASES: Case[] = [
  {
    id: 'maintenance_mode',
    when: () => true,
    say: (v) => ({
      cause: `ПК в режиме технического обслуживания: сервер отвечает ${pageWay(v)} кодом 503. Так бывает во время плановых работ — обновления, резервного копирования, перезапуска.`,
      hint: 'Обычно режим снимается сам, когда работы заканчиваются. Если его никто не включал или он держится дольше обычного, спросите администратора клиента, какие работы идут.',
    }),
  },
];

/** KodeksMaintenanceToLong: maintenance mode has lasted longer than `alerts.KodeksMaintenanceToLong.after`. */
export const MAINTENANCE_TOO_LONG_CASES: Case[] = [
  {
    id: 'maintenance_too_long',
    when: () => true,
    say: (v) => {
      const after = v.sustained?.KodeksMaintenanceToLong;
      return {
        cause: `ПК в режиме технического обслуживания дольше ${after ? thresholdText(after) : 'обычного'} подряд: пользователи всё это время не могут работать.`,
        hint: 'Выясните у администратора клиента, какие работы идут и когда закончатся: обновление могло зависнуть или режим обслуживания забыли выключить.',
      };
    },
  },
];

/** KodeksNeedSupport: the PK's page says it needs service. */
export const NEED_SUPPORT_CASES: Case[] = [
  {
    id: 'need_support',
    when: () => true,
    say: (v) => {
      const id = v.outcome('http_ip') === 'need_support' ? 'http_ip' : 'http';
      const said = v.said(id, 'need_support') ?? 'Требуется обслуживание';
      return {
        cause: `ПК сообщает, что требуется обслуживание: на его странице служебное сообщение «${said}».`,
        hint: 'Откройте главную страницу ПК и раздел /admin на сервере: сообщение подскажет, что нужно сделать. Если причина неясна, обратитесь в поддержку разработчика ПК.',
      };
    },
  },
];
