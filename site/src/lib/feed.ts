/** The Atom feed of one client's incidents and maintenance. */
import { XMLBuilder } from 'fast-xml-parser';
import { dateTime, minutesText } from './format.ts';
import type { ClientView, IncidentView } from './view.ts';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true });

/** A sentence ending in one full stop, whether or not the text brought its own («..» never). */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

function incidentEntry(v: ClientView, i: IncidentView, page: string) {
  const lines = [
    sentence(`${i.installation}: ${i.title}`),
    sentence(`Начало: ${dateTime(i.started, v.timezone)}`),
    i.resolved !== undefined
      ? sentence(
          `Восстановлено: ${dateTime(i.resolved, v.timezone)} (длительность ${minutesText(i.minutes)})`,
        )
      : 'Инцидент продолжается.',
  ];
  if (i.cause) lines.push(sentence(`Вероятная причина: ${i.cause}`));
  if (i.workaround) lines.push(sentence(`Что можно сделать сейчас: ${i.workaround}`));
  return {
    id: `${page}#${encodeURIComponent(i.id)}`,
    title: `${i.resolved !== undefined ? 'Решено' : 'Идёт'}: ${i.title} — ${i.installation}`,
    updated: new Date(i.resolved ?? i.started).toISOString(),
    published: new Date(i.started).toISOString(),
    link: { '@_href': page },
    content: { '@_type': 'text', '#text': lines.join('\n') },
  };
}

/** Atom XML for `v`; `site` is the absolute base URL. */
export function atomFeed(v: ClientView, site: string, now: number): string {
  const page = new URL(`/status/${v.slug}/`, site).href;
  const entries = [...v.active, ...v.history].map((i) => incidentEntry(v, i, page));
  for (const m of v.maintenance)
    entries.push({
      id: `${page}#maintenance-${m.start}`,
      title: `Плановые работы: ${m.reason}`,
      updated: new Date(m.start).toISOString(),
      published: new Date(m.start).toISOString(),
      link: { '@_href': page },
      content: {
        '@_type': 'text',
        '#text': sentence(
          `${dateTime(m.start, v.timezone)} — ${dateTime(m.end, v.timezone)}: ${m.installations.join(', ')}`,
        ),
      },
    });
  // ISO strings in one zone compare in time order; Math.max would turn them into NaN.
  const updated = entries.reduce(
    // biome-ignore lint/complexity/useMathMinMax: strings, not numbers
    (max, e) => (e.updated > max ? e.updated : max),
    new Date(v.checkedAt ?? now).toISOString(),
  );
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    feed: {
      '@_xmlns': 'http://www.w3.org/2005/Atom',
      '@_xml:lang': 'ru',
      id: page,
      title: `${v.title}: инциденты`,
      updated,
      link: [
        { '@_rel': 'alternate', '@_type': 'text/html', '@_href': page },
        { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': `${page}feed.xml` },
      ],
      author: { name: 'SMART status' },
      entry: entries,
    },
  };
  return builder.build(doc);
}
