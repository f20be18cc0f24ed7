// The audit log as a CSV, made in a tracked job (progress on job:<id>, a download when done), with
// the search's own filters (issue #20, exports): every entry that matches, newest first.
import { type AnyTrackedJob, type JobsDeps, type JsonTimes, listExport, startListExport, timesFromJson, timesToJson } from '../jobs'
import type { AuditModel } from './model'
import { searchAudit } from './service'

declare module '../jobs' {
  // Registers this module's tracked kind with the jobs module (see TrackedJobKinds).
  interface TrackedJobKinds {
    'exports.audit': true
  }
}

type AuditExportInput = JsonTimes<AuditModel.ExportBody>

/** `exports.audit`: the entries the filters find, newest first, one row each (the summary as JSON). */
export const exportAudit = listExport<AuditExportInput>('exports.audit', {
  fileName: 'audit',
  noun: 'entries',
  header: ['id', 'at', 'actor_kind', 'actor_id', 'actor_name', 'kind', 'subject_type', 'subject_id', 'summary', 'request_id', 'ip'],
  page: async (deps, input, cursor) => {
    const page = await searchAudit(deps.db, {
      ...timesFromJson(input),
      limit: 100,
      ...(cursor === null ? {} : { cursor }),
    })
    return {
      rows: page.items.map((e) => [e.id, e.at.toISOString(), e.actorKind, e.actorId, e.actorName, e.kind, e.subjectType, e.subjectId, JSON.stringify(e.summary), e.requestId, e.ip]),
      nextCursor: page.nextCursor,
    }
  },
})

/** The audit module's tracked job kinds, for the jobs module's registry. */
export const AUDIT_JOB_KINDS: AnyTrackedJob[] = [exportAudit]

/** Starts a CSV export of the entries the filters find, for an admin; the job is theirs. */
export function requestAuditExport(deps: JobsDeps, adminId: string, filters: AuditModel.ExportBody) {
  return startListExport(deps, adminId, exportAudit, timesToJson(filters))
}
