/** A shields-style SVG badge «статус | работает штатно» for one client. */
import { XMLBuilder } from 'fast-xml-parser';
import type { OverallState } from '../../../checker/status/schema.ts';
import { OVERALL } from './labels.ts';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });
const COLOR: Record<string, string> = {
  ok: '#1a7f37',
  warn: '#9a6700',
  partial: '#bc4c00',
  bad: '#cf222e',
  maint: '#0969da',
  none: '#6e7781',
};

/** Rough width of a text in 11px Verdana, enough for a badge. */
function width(text: string): number {
  return Math.round(text.length * 6.6) + 12;
}

/** The badge SVG for an overall state. */
export function badge(state: OverallState): string {
  const label = 'статус';
  const s = OVERALL[state];
  const value = s.text.toLowerCase();
  const lw = width(label);
  const vw = width(value);
  const text = (x: number, t: string) => ({ '@_x': x, '@_y': 14, '#text': t });
  return builder.build({
    svg: {
      '@_xmlns': 'http://www.w3.org/2000/svg',
      '@_width': lw + vw,
      '@_height': 20,
      '@_role': 'img',
      '@_aria-label': `${label}: ${value}`,
      title: `${label}: ${value}`,
      rect: [
        { '@_width': lw, '@_height': 20, '@_fill': '#555' },
        { '@_x': lw, '@_width': vw, '@_height': 20, '@_fill': COLOR[s.tone] },
      ],
      g: {
        '@_fill': '#fff',
        '@_font-family': 'Verdana,DejaVu Sans,sans-serif',
        '@_font-size': 11,
        '@_text-anchor': 'middle',
        text: [text(lw / 2, label), text(lw + vw / 2, value)],
      },
    },
  });
}
