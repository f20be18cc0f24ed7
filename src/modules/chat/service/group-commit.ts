interface Pending<I, O> {
  input: I
  resolve(output: O): void
  reject(error: unknown): void
}

/**
 * Group commit: writes submitted while a batch is committing wait for the next batch, which takes
 * everything queued meanwhile (up to `max`) into one write, so a burst of writes costs one commit
 * and one flush to disk instead of one each. Up to `concurrency` batches commit at once (on as many
 * connections). A write's promise settles only after its batch committed: what it answers is
 * durable.
 *
 * `write` gets the batch's inputs in arrival order, writes them as one unit (a transaction, or a
 * single statement, which is atomic by itself and spares the BEGIN and COMMIT round trips) and
 * answers one output per input once that committed. It should answer an expected refusal instead
 * of throwing; when it fails anyway, every input of that batch is retried alone, so one bad write
 * fails only itself. With `concurrency` > 1 it must take its locks in one order, or two batches
 * could deadlock.
 *
 * `linger` (milliseconds) makes each batch wait that long after the one before, for more writes
 * to join it: for writes whose batch costs far more than each write in it (a transaction of
 * several round trips), where fewer, larger batches save more than the wait costs. Without it, a
 * batch starts as soon as the one before has committed.
 */
export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = []
  private running = 0

  constructor(
    private readonly write: (inputs: I[]) => Promise<O[]>,
    private readonly options: { max?: number; concurrency?: number; linger?: number } = {},
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject })
      if (this.running < (this.options.concurrency ?? 1)) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.running += 1
    const { linger } = this.options
    // Writes submitted in the same turn of the event loop (or within the linger) join the first batch.
    const gather = () => new Promise<void>((resolve) => (linger === undefined ? setImmediate(resolve) : setTimeout(resolve, linger)))
    await gather()
    while (this.queue.length > 0) {
      await this.commit(this.queue.splice(0, this.options.max ?? 256))
      if (linger !== undefined) await gather()
    }
    this.running -= 1
  }

  private async commit(batch: Pending<I, O>[]): Promise<void> {
    try {
      const outputs = await this.write(batch.map((p) => p.input))
      batch.forEach((p, i) => p.resolve(outputs[i]!))
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error)
      for (const pending of batch) await this.commit([pending])
    }
  }
}
