// The events of the jobs module: progress on `job:<id>`, the end of a job on its owner's
// `user:<id>`. Browser-safe (schemas only): the protocol union in src/realtime/protocol.ts
// assembles every module's events, and the web client bundles it.
import { durable, type EventsOf, type NewEventOf } from '../../lib/event-schema'
import { JobProgressData, JobSnapshot } from './snapshot'

export const JOB_EVENTS = [durable('job', 'job.progress', JobProgressData), durable('user', 'job.finished', JobSnapshot)] as const
export type JobEvent = EventsOf<typeof JOB_EVENTS>
export type NewJobEvent = NewEventOf<JobEvent>
