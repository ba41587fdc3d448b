/**
 * A fixed-capacity FIFO ring buffer: `push` is O(1) and never allocates once the buffer exists,
 * `take(n)` is O(n). The span processor's queue (onEnd must be O(1) whatever is queued).
 */
export class BoundedQueue<T> {
  private readonly items: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** False (and nothing queued) when full. */
  push(item: T): boolean {
    if (this.count === this.capacity) return false;
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count += 1;
    return true;
  }

  /** Removes and returns up to `max` of the oldest items. */
  take(max: number): T[] {
    const n = Math.min(max, this.count);
    const taken = new Array<T>(n);
    for (let i = 0; i < n; i += 1) {
      const index = (this.head + i) % this.capacity;
      taken[i] = this.items[index] as T;
      this.items[index] = undefined;
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    return taken;
  }

  /** Empties the queue; returns how many items it held. */
  clear(): number {
    return this.take(this.count).length;
  }
}
