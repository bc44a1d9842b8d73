import { ReportError } from './extract.ts';

/**
 * Bounds the length of one piece of markup (a tag with its attributes, a comment, a CDATA section, a
 * processing instruction) before it reaches the XML parser. The parser hands text over in pieces, but holds
 * each piece of markup whole; a 200 MB attribute or tag name would otherwise be held in memory at once (and
 * a single allocation that large can bring down the whole process, not just its worker thread).
 */
export class MarkupGuard {
  #state: 'text' | 'open' | 'tag' | 'comment' | 'cdata' | 'pi' | 'decl' = 'text';
  #head = '';
  #len = 0;
  #quote = 0;
  #run = 0;
  readonly #max: number;

  constructor(maxMarkup: number) {
    this.#max = maxMarkup;
  }

  /** Scans the next piece of the document; throws ReportError when one piece of markup is too long. */
  feed(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (this.#state === 'text') {
        if (c === 60) {
          this.#state = 'open';
          this.#head = '';
          this.#len = 1;
        }
        continue;
      }
      if (++this.#len > this.#max)
        throw new ReportError(
          'REPORT_INVALID',
          `Отчёт sysinfo не разобран: в нём есть тег, комментарий или CDATA длиннее ${Math.round(this.#max / 1024)} КиБ.`,
          `markup longer than ${this.#max} characters`,
        );
      switch (this.#state) {
        case 'open':
          this.#head += s[i];
          if (this.#head[0] === '?') this.#state = 'pi';
          else if (this.#head[0] !== '!') {
            this.#state = 'tag';
            this.#quote = 0;
            if (c === 62) this.#state = 'text';
          } else if (this.#head.startsWith('!--')) {
            this.#state = 'comment';
            this.#run = 0;
          } else if (this.#head === '![CDATA[') {
            this.#state = 'cdata';
            this.#run = 0;
          } else if (!'!--'.startsWith(this.#head) && !'![CDATA['.startsWith(this.#head)) {
            this.#state = c === 62 ? 'text' : 'decl';
          }
          break;
        case 'tag':
          if (this.#quote) {
            if (c === this.#quote) this.#quote = 0;
          } else if (c === 34 || c === 39) this.#quote = c;
          else if (c === 62) this.#state = 'text';
          break;
        case 'comment':
          if (c === 62 && this.#run >= 2) this.#state = 'text';
          this.#run = c === 45 ? this.#run + 1 : 0;
          break;
        case 'cdata':
          if (c === 62 && this.#run >= 2) this.#state = 'text';
          this.#run = c === 93 ? this.#run + 1 : 0;
          break;
        case 'pi':
          if (c === 62 && this.#run >= 1) this.#state = 'text';
          this.#run = c === 63 ? 1 : 0;
          break;
        case 'decl':
          if (c === 62) this.#state = 'text';
          break;
      }
    }
  }
}
