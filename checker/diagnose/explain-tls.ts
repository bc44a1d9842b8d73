/** Causes of KodeksTlsCertExpiring: the certificate users' browsers see on the installation's name. */
import type { Case } from './explain.ts';

export const TLS_CASES: Case[] = [
  {
    id: 'tls_expired',
    when: (v) => v.fails('tls', 'TLS_EXPIRED', 'TLS_NOT_YET_VALID'),
    say: () => ({
      cause: 'Сертификат сайта недействителен по сроку: браузеры показывают предупреждение.',
      hint: 'Выпустите и установите новый сертификат на прокси или веб-сервер; проверьте автопродление.',
    }),
  },
  {
    id: 'tls_expiring',
    when: (v) => v.fails('tls', 'TLS_EXPIRING'),
    say: () => ({
      cause: 'Сертификат сайта скоро истекает.',
      hint: 'Продлите сертификат заранее; проверьте, почему не сработало автопродление.',
    }),
  },
  {
    id: 'tls_invalid',
    when: () => true,
    say: () => ({
      cause: 'Сертификат сайта не проходит проверку (чужое имя, недоверенный центр или неполная цепочка).',
      hint: 'Проверьте, какой сертификат отдаёт прокси для этого имени, и полноту цепочки.',
    }),
  },
];
