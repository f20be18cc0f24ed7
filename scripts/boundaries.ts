// Module boundaries, checked by dependency-cruiser over src/ (tests and their fixtures excluded):
// a module is reached through its index.ts (and its browser-safe events.ts: the schemas of its event
// kinds, which the protocol union assembles) only, infrastructure (lib/, db/, events/, jobs/) imports no module,
// modules import nothing of the web client or the socket transport, and modules do not depend on
// each other in circles (checked here on the module graph dependency-cruiser returns).
//
// `bun run boundaries` prints the violations and exits 1 when there is any; the test suite
// (scripts/boundaries.test.ts) fails on any. There is no list of exceptions.
import { join } from 'node:path'
import { cruise, type ICruiseOptions, type IFlattenedRuleSet } from 'dependency-cruiser'

const ROOT = join(import.meta.dir, '..')

/** What another module (or code outside the modules) may import of a module. */
const PUBLIC_FILE = '^src/modules/[^/]+/(index|events)\\.ts$'

const FILE_RULES: IFlattenedRuleSet = {
  forbidden: [
    {
      name: 'no-deep-module-import',
      comment: "another module is called through what its index.ts exports, never through its files",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', PUBLIC_FILE] },
    },
    {
      name: 'no-module-internals-from-outside',
      comment: 'code outside the modules (composition root, infrastructure) uses a module through its index.ts',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: '^src/modules/[^/]+/', pathNot: PUBLIC_FILE },
    },
    {
      name: 'infrastructure-imports-no-module',
      comment: 'lib/, db/, the event log and the job queue serve every module and know none',
      severity: 'error',
      from: { path: '^src/(lib|db|events|jobs)/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'modules-import-no-transport',
      comment: 'a module knows nothing of the web client, page rendering or the socket transport',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^(web/|src/web/|src/realtime/)' },
    },
  ],
}

/** A file's module (`src/modules/chat`), or null for code outside the modules. */
const moduleOf = (path: string): string | null => /^src\/modules\/[^/]+/.exec(path)?.[0] ?? null

/**
 * Module-level cycles (dependency-cruiser finds cycles between files; modules can depend on each
 * other in circles without any file cycle): every import from one module to another that can
 * reach back to it, as `no-module-cycles: a → b`.
 */
function moduleCycles(modules: { source: string; dependencies: { resolved: string }[] }[]): string[] {
  const edges = new Map<string, Set<string>>()
  for (const m of modules) {
    const from = moduleOf(m.source)
    for (const d of m.dependencies) {
      const to = moduleOf(d.resolved)
      if (from !== null && to !== null && from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to))
    }
  }
  const reaches = (from: string, target: string, seen = new Set<string>()): boolean => {
    if (from === target) return true
    if (seen.has(from)) return false
    seen.add(from)
    return [...(edges.get(from) ?? [])].some((next) => reaches(next, target, seen))
  }
  return [...edges].flatMap(([from, tos]) => [...tos].filter((to) => reaches(to, from)).map((to) => `no-module-cycles: ${from} → ${to}`))
}

const BASE: ICruiseOptions = {
  validate: true,
  tsPreCompilationDeps: true,
  tsConfig: { fileName: join(ROOT, 'tsconfig.json') },
  // Tests and their fixtures (testing.ts, test-*.ts) set data up in other modules' tables on purpose.
  exclude: { path: ['\\.test\\.ts$', '(^|/)testing\\.ts$', '/test-[^/]+\\.ts$', '^node_modules'] },
  doNotFollow: { path: ['node_modules'] },
}

/** Every violation in `<baseDir>/src`, as `rule: from → to`, sorted. */
export async function boundaryViolations(baseDir = ROOT): Promise<string[]> {
  const { output } = await cruise(['src'], { ...BASE, baseDir, ruleSet: FILE_RULES })
  if (typeof output === 'string') throw new Error('dependency-cruiser answered text instead of a result')
  const found = new Set(output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`))
  for (const cycle of moduleCycles(output.modules)) found.add(cycle)
  return [...found].sort()
}

if (import.meta.main) {
  const violations = await boundaryViolations()
  for (const v of violations) console.log(v)
  console.log(`${violations.length} violation(s)`)
  process.exit(violations.length === 0 ? 0 : 1)
}
