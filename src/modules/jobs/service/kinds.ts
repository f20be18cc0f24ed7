import { exportsCsv } from './exports'
import { maintenancePurge } from './maintenance'
import type { TrackedJob } from './runner'

/** A tracked kind whatever its input (the input type only matters to its own handler). */
export type AnyTrackedJob = TrackedJob<never>

/** The kinds of user-visible job this module runs itself. */
const OWN_JOBS: AnyTrackedJob[] = [exportsCsv, maintenancePurge]

/** This module's kinds that run on MAINTENANCE_CRON (other modules add theirs through `startJobs`). */
export const SCHEDULED_JOBS: AnyTrackedJob[] = [maintenancePurge]

/** Every tracked kind of the app: this module's and those other modules register (catalog's import). */
export interface JobKinds {
  readonly all: readonly AnyTrackedJob[]
  named(name: string): AnyTrackedJob | null
}

/**
 * The registry of tracked kinds, built once by the composition root from the kinds other modules
 * export, so a module adds a kind without this module knowing it.
 */
export function createJobKinds(registered: readonly AnyTrackedJob[]): JobKinds {
  const all = [...OWN_JOBS, ...registered]
  const names = new Set(all.map((kind) => kind.name))
  if (names.size !== all.length) throw new Error('two tracked job kinds share a name')
  return { all, named: (name) => all.find((kind) => kind.name === name) ?? null }
}
