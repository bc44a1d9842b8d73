/** Russian words that change with a number: «1 установка», «2 установки», «5 установок». */

/** The form of a noun for `n`: one (1, 21, 101), few (2–4, 22–24), many (0, 5–20, 25 …). */
export function plural(n: number, one: string, few: string, many: string): string {
  const abs = Math.abs(n) % 100;
  const last = abs % 10;
  if (abs >= 11 && abs <= 19) return many;
  if (last === 1) return one;
  if (last >= 2 && last <= 4) return few;
  return many;
}

/** «2 установки». */
export function count(n: number, one: string, few: string, many: string): string {
  return `${n} ${plural(n, one, few, many)}`;
}
