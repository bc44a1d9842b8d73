/** Russian words and glyphs of the status page: a state is always glyph + text, never colour alone. */
import type { Component, Importance, RaisedBy, Section, SmartSource } from '../../../checker/alerts/names.ts';
import type { COMPONENT_STATUSES, OverallState } from '../../../checker/status/schema.ts';

/** Overall states in Statuspage's vocabulary, in Russian. */
export const OVERALL: Record<OverallState, { text: string; glyph: string; tone: string }> = {
  operational: { text: 'Работает штатно', glyph: '✔', tone: 'ok' },
  degraded_performance: { text: 'Снижение качества', glyph: '▲', tone: 'warn' },
  partial_outage: { text: 'Частичный сбой', glyph: '◆', tone: 'partial' },
  major_outage: { text: 'Серьёзный сбой', glyph: '✖', tone: 'bad' },
  under_maintenance: { text: 'Плановые работы', glyph: '⚙', tone: 'maint' },
  no_data: { text: 'Нет данных', glyph: '?', tone: 'none' },
};

/** Worst first: the client's state is the worst of its installations'. */
export const OVERALL_RANK: readonly OverallState[] = [
  'major_outage',
  'partial_outage',
  'degraded_performance',
  'under_maintenance',
  'operational',
  'no_data',
];

/** Components shown to clients, in display order (agent and checker are internal). */
export const PUBLIC_COMPONENTS = [
  'network',
  'access',
  'dns',
  'tls',
  'license',
  'database',
] as const satisfies readonly Component[];

export const COMPONENT_TEXT: Record<Component, string> = {
  network: 'Сеть',
  access: 'Доступ по адресу',
  dns: 'DNS',
  tls: 'Сертификат TLS',
  license: 'Лицензии и ключ SenseLock',
  database: 'Базы данных',
  agent: 'Агент на сервере',
  checker: 'Система мониторинга',
};

export const CHECK_STATUS: Record<
  (typeof COMPONENT_STATUSES)[number],
  { text: string; glyph: string; tone: string }
> = {
  degraded: { text: 'С ограничениями', glyph: '▲', tone: 'warn' },
  ok: { text: 'Работает', glyph: '✔', tone: 'ok' },
  fail: { text: 'Сбой', glyph: '✖', tone: 'bad' },
  unknown: { text: 'Не проверяется', glyph: '?', tone: 'none' },
  maintenance: { text: 'Техобслуживание', glyph: '⚙', tone: 'maint' },
};

/** SMART's «важность» in words. */
export const IMPORTANCE_TEXT: Record<Importance, string> = {
  critical: 'критичная',
  info: 'информационная',
};

/** SMART's nine catalog sections, in Russian. */
export const SECTION_TEXT: Record<Section, string> = {
  db: 'Базы данных и оперативные обновления',
  network: 'Сеть',
  online: 'Онлайн-доступы',
  availability: 'Доступность ПК',
  licman: 'Менеджер лицензий',
  senselock: 'Ключ SenseLock',
  license: 'Лицензии',
  users: 'Пользователи',
  other: 'Прочее',
};

/** Who raises an alert, as the reference says it. */
export const RAISED_BY_TEXT: Record<RaisedBy, string> = {
  checker: 'наш проверяющий',
  smart: 'SMART',
};

/** Where SMART takes the data of an alert it raises itself. */
export const SOURCE_TEXT: Record<SmartSource, string> = {
  'online-billing': 'онлайн-биллинг (остатки и входы онлайн-доступов)',
  activity: 'журналы работы пользователей',
  admin: 'страницы администрирования ПК',
  registry: 'реестр установок и лицензий',
  sysinfo: 'отчёт sysinfo сервера ПК',
};

/** Statuspage v2 `status.indicator` for an overall state. */
export const INDICATOR: Record<OverallState, { indicator: string; component: string }> = {
  operational: { indicator: 'none', component: 'operational' },
  degraded_performance: { indicator: 'minor', component: 'degraded_performance' },
  partial_outage: { indicator: 'major', component: 'partial_outage' },
  major_outage: { indicator: 'critical', component: 'major_outage' },
  under_maintenance: { indicator: 'maintenance', component: 'under_maintenance' },
  no_data: { indicator: 'none', component: 'operational' },
};
