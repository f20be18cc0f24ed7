/**
 * A short-lived, size-bounded cache in process memory: an entry expires `ttlMs` after it is
 * stored, and beyond `maxEntries` the oldest is dropped. `load` runs one miss per key at a time:
 * concurrent callers of a missing key wait for the same computation (no stampede). Backs the
 * anonymous page renders (src/web/cache.ts) and the public catalog lists.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>()
  private readonly loading = new Map<string, Promise<V>>()
  /** Grows with every drop: a load that started before one answers its callers but is not kept. */
  private generation = 0

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | null {
    const entry = this.entries.get(key)
    if (entry === undefined) return null
    if (entry.expires <= this.now()) {
      this.entries.delete(key)
      return null
    }
    return entry.value
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return
    this.entries.delete(key)
    // Map keeps insertion order: the first key is the oldest entry.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(key, { value, expires: this.now() + this.ttlMs })
  }

  /**
   * The value of `key`: a fresh entry, the load of it already running, or `compute()`, stored when
   * it resolves. A failed computation is not stored; its callers all get its error.
   */
  load(key: string, compute: () => Promise<V>): Promise<V> {
    const cached = this.get(key)
    if (cached !== null) return Promise.resolve(cached)
    const running = this.loading.get(key)
    if (running !== undefined) return running
    const generation = this.generation
    const loaded: Promise<V> = compute()
      .then((value) => {
        // Dropped meanwhile: the value may predate the change that dropped it.
        if (generation === this.generation) this.set(key, value)
        return value
      })
      .finally(() => {
        if (this.loading.get(key) === loaded) this.loading.delete(key)
      })
    this.loading.set(key, loaded)
    return loaded
  }

  /** Drops the entries (and forgets the running loads) whose key `match`es, or all of them. */
  clear(match?: (key: string) => boolean): void {
    this.generation += 1
    if (match === undefined) {
      this.entries.clear()
      this.loading.clear()
      return
    }
    for (const map of [this.entries, this.loading]) for (const key of map.keys()) if (match(key)) map.delete(key)
  }

  get size(): number {
    return this.entries.size
  }
}
