/** Russian words and glyphs of the status page: a state is always glyph + text, never colour alone. */
import type { Component, Severity } from '../../../checker/alerts/names.ts';
import type { OverallState } from '../../../checker/status/schema.ts';

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
] as const satisfies readonly Component[];

export const COMPONENT_TEXT: Record<Component, string> = {
  network: 'Сеть',
  access: 'Доступ по адресу',
  dns: 'DNS',
  tls: 'Сертификат TLS',
  license: 'Лицензия (ключ SenseLock)',
  agent: 'Агент на сервере',
  checker: 'Система мониторинга',
};

export const CHECK_STATUS: Record<'ok' | 'fail' | 'unknown', { text: string; glyph: string; tone: string }> =
  {
    ok: { text: 'Работает', glyph: '✔', tone: 'ok' },
    fail: { text: 'Сбой', glyph: '✖', tone: 'bad' },
    unknown: { text: 'Не проверяется', glyph: '?', tone: 'none' },
  };

export const SEVERITY_TEXT: Record<Severity, string> = {
  critical: 'критический',
  warning: 'предупреждение',
  info: 'информация',
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
