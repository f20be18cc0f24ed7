/**
 * Where "now" comes from. Everything time-dependent (token expiry, lockouts, code expiry)
 * reads it from here, so tests move time forward instead of sleeping.
 */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that only moves when told to (tests). */
export class ManualClock implements Clock {
  private ms: number

  constructor(start: Date = new Date()) {
    this.ms = start.getTime()
  }

  now(): Date {
    return new Date(this.ms)
  }

  advance(ms: number): void {
    this.ms += ms
  }
}
