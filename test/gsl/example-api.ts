/**
 * A small API that implements Guppy-PE's GSL document example (specs/docexample.gsl),
 * and a deliberately wrong one, for testing the tests GSL generates.
 */

/** Guppy-PE's example_kind, in JavaScript: every method accepts what the specification allows. */
export class ExampleKind {
  a_nokind = "anything";
  m_noargs(): void {}
  m_returns(): ExampleKind {
    return new ExampleKind();
  }
  m_one(a: number): number {
    if (!Number.isInteger(a)) throw new TypeError("a must be an integer");
    return a;
  }
  m_opt(a?: number, b?: string): unknown[] {
    if (b !== undefined && a === undefined) throw new TypeError("b needs a");
    return [a, b];
  }
  m_alt(a: number | string | unknown[]): string {
    if (a === undefined) throw new TypeError("one argument is required");
    return typeof a;
  }
  m_repeat(...args: unknown[]): number {
    const strings = args.filter((x) => typeof x === "string");
    if (strings.length < 2 || strings.length > 4) throw new RangeError(`2 to 4 strings, not ${strings.length}`);
    return args.length;
  }
  m_draw_keywords(options: { a?: number; b?: number; c?: string } = {}): string[] {
    return Object.keys(options);
  }
  range(first: number, stop?: number, step = 1): number[] {
    const [start, end] = stop === undefined ? [0, first] : [first, stop];
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  }
}

/** The same API with two mistakes: m_opt refuses its second argument, range returns text. */
export class WrongExampleKind extends ExampleKind {
  override m_opt(a?: number, b?: string): unknown[] {
    if (b !== undefined) throw new TypeError("m_opt takes at most one argument");
    return [a];
  }
  override range(first: number, stop?: number, step = 1): number[] {
    return String(super.range(first, stop, step)) as unknown as number[];
  }
}
