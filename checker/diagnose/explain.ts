/**
 * The shape of an explanation: for one alert, the cases of its probable cause, most specific first. Each
 * alert explains itself — «Агент SMART молчит» talks about the agent, never about the key — and draws on
 * the installation's other checks only as evidence for its own cause.
 */
import type { View } from './evidence.ts';

/** What an explanation says (Russian). */
export interface Said {
  /** The probable cause, e.g. «DNS не отвечает, установка доступна по IP-адресу.» */
  cause: string;
  /** What to check or do first (for managers). */
  hint: string;
  /** What users can do meanwhile (public). */
  workaround?: string;
}

/** One case of an alert's cause: when the evidence matches, what to say. */
export interface Case {
  /** Stable id stored in Diagnosis.rule (tests and history match on it). */
  id: string;
  when: (v: View) => boolean;
  say: (v: View) => Said;
}

/** «Установка на хостинге «…»: …» or the on-premise equivalent, appended to hints about a dead server. */
export function whoToAsk(v: View): string {
  return v.hosting
    ? `Установка на хостинге «${v.hosting}»: сравните с другими его установками и при необходимости обратитесь в его поддержку.`
    : 'Сервер стоит у клиента: узнайте у его администратора, не было ли работ, отключения питания или сбоя канала.';
}

/** «нет ответа ни на ping, ни по IP-адресу»: the things that were tried, joined for a cause. */
export function neither(parts: string[]): string {
  if (parts.length <= 1) return `нет ответа ${parts[0] ?? ''}`.trim();
  return `нет ответа ни ${parts.join(', ни ')}`;
}

/** The text of a sentence without its final full stop (to continue it). */
export function clause(text: string | undefined): string {
  return (text ?? '').trim().replace(/[.。]+$/, '');
}

/** A sentence starting in lower case (to follow a colon). */
export function lower(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The workaround for a name that does not work while the address does. */
export const IP_WORKAROUND =
  'Пока имя не работает, пользователи могут открыть установку по её IP-адресу (адрес сообщит менеджер).';
