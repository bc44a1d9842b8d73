/**
 * Kodeks error codes, grouped as in SMART's appendix 2 (meanings paraphrased in Russian). Used to say in a
 * KodeksDBerrors… message what a code means. Codes in brackets in the appendix (e.g. 2007 (4103)) are the
 * same error as reported by another layer; both are listed.
 */
export interface ErrorCode {
  /** The group of the appendix: reg-file protection, product connection, DB volumes, operups, OS file access. */
  group: 'protection' | 'connection' | 'volumes' | 'operup' | 'os';
  /** Russian: what it means. */
  meaning: string;
}

const GROUP_TITLES: Record<ErrorCode['group'], string> = {
  protection: 'защита рег-файла',
  connection: 'подключение продукта',
  volumes: 'тома базы',
  operup: 'пакеты оперативного обновления',
  os: 'доступ к файлам',
};

const TABLE: [number[], ErrorCode['group'], string][] = [
  [[5, 6], 'protection', 'неверные данные в ключе защиты'],
  [[50, 4107], 'protection', 'локальная привязка не совпадает с рег-файлом'],
  [[665], 'protection', 'нет доступа к драйверу защиты (обычно повреждена установка драйвера)'],
  [[4111], 'protection', 'ключ SenseLock не подключён, ключ не тот или не найден менеджер лицензий'],
  [[4112], 'protection', 'по адресу менеджера лицензий отвечает не он'],
  [[4113], 'protection', 'у менеджера лицензий нет подходящего ключа'],
  [
    [4116],
    'protection',
    'адрес менеджера лицензий неизвестен (в linkml.ini нет host/port, поиск по порту 5555 не удался)',
  ],
  [[4117], 'protection', 'ключ в чёрном списке менеджера лицензий'],
  [[4118], 'protection', 'неверные учётные данные прокси менеджера лицензий в linkml.ini'],
  [
    [2007, 4103],
    'connection',
    'нет прав на эту копию базы: в списке доступа базы нет ключа или не совпадает инвентарный номер рег-файла',
  ],
  [[2008, 4106], 'connection', 'пользователей больше, чем разрешает рег-файл'],
  [[2010, 4100, 4109], 'connection', 'в рег-файле нет лицензии'],
  [[2020, 4101], 'connection', 'лицензия выдана для другого номера обновления'],
  [[2021, 4110], 'connection', 'срок лицензии истёк или ещё не начался'],
  [
    [51],
    'connection',
    'внутренний номер ключа не совпадает с рег-файлом (проверяется утилитами TestSLkey / TestLinuxSLkey и Testreg)',
  ],
  [[600, 601], 'volumes', 'том или его структура повреждены'],
  [[603], 'volumes', 'документ не найден'],
  [[610], 'volumes', 'документ заблокирован'],
  [[613], 'volumes', 'том собран для другой версии ПК'],
  [[615], 'volumes', 'неизвестный тип поля'],
  [[619, 669], 'volumes', 'неверная или повреждённая подпись тома'],
  [[696], 'volumes', 'структура тома не совпадает'],
  [[792], 'operup', 'пакет для другого номера обновления'],
  [[793], 'operup', 'пакет уже применён'],
  [[794], 'operup', 'пакет для томов, которые не установлены'],
  [[954], 'operup', 'дата не подходит к лицензии'],
  [[955], 'operup', 'в пакете нет лицензии'],
  [[970], 'operup', 'нет описания'],
  [[2, 3], 'os', 'файл или путь не найден'],
  [[53, 64, 67], 'os', 'сетевой путь или имя недоступны'],
];

/** Code → meaning. 4101 appears twice in the appendix (licence and operup); the licence meaning is kept. */
export const ERROR_CODES: ReadonlyMap<number, ErrorCode> = (() => {
  const m = new Map<number, ErrorCode>();
  for (const [codes, group, meaning] of TABLE)
    for (const c of codes) if (!m.has(c)) m.set(c, { group, meaning });
  // 5 is both «bad key data» and «access denied» (OS); in a DB error list the protection meaning is the likely one.
  return m;
})();

/** The codes of KodeksDBerrorsCode2007 (2007 and its other spelling 4103). */
export const CODE_2007 = new Set([2007, 4103]);

/** «ошибка 2007 — нет прав …» for a message; an unknown code says so. */
export function describeCode(code: number): string {
  const known = ERROR_CODES.get(code);
  if (!known) return `ошибка ${code} — код не из справочника ошибок Кодекса`;
  return `ошибка ${code} — ${known.meaning} (${GROUP_TITLES[known.group]})`;
}
