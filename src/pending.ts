/**
 * Requests awaiting replies by id, each with a deadline: the bookkeeping every
 * request/reply channel here needs (the DevTools protocol, the analyst thread), so
 * that an answer that never comes is an error, never a hang.
 */
export class Pending<T> {
  private readonly waiting = new Map<number, { resolve: (v: T) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private next = 1;

  /** A new id and the promise of its reply; `expired` makes the error after `timeoutMs`. */
  open(timeoutMs: number, expired: () => Error): { id: number; reply: Promise<T> } {
    const id = this.next++;
    const reply = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(expired());
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
    });
    return { id, reply };
  }

  /** Settles request `id` (an unknown id, say a late reply after its deadline, is ignored). */
  settle(id: number, outcome: { value: T } | { error: Error }): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    if ("error" in outcome) w.reject(outcome.error);
    else w.resolve(outcome.value);
  }

  /** Fails every open request (the channel closed). */
  failAll(error: Error): void {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.waiting.clear();
  }

  get size(): number {
    return this.waiting.size;
  }
}
