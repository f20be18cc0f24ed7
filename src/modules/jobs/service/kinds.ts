import { importProducts } from '../../catalog/service/imports'
import { exportsCsv } from './exports'
import { maintenancePurge, statsRollUp } from './maintenance'
import type { TrackedJob } from './runner'

/** A tracked kind whatever its input (the input type only matters to its own handler). */
export type AnyTrackedJob = TrackedJob<never>

/** Every kind of user-visible job; the queue registers each at start. */
export const TRACKED_JOBS: AnyTrackedJob[] = [exportsCsv, importProducts, maintenancePurge, statsRollUp]

/** Kinds that run on MAINTENANCE_CRON. */
export const SCHEDULED_JOBS: AnyTrackedJob[] = [maintenancePurge, statsRollUp]

export const trackedJobNamed = (name: string): AnyTrackedJob | null => TRACKED_JOBS.find((kind) => kind.name === name) ?? null
