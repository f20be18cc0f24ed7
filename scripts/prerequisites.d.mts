/** The first thing `npm test` lacks, as one line to print, or null when all is there. */
export function missingPrerequisite(env?: Record<string, string | undefined>, debianChromium?: string): Promise<string | null>
export const DEBIAN_CHROMIUM: string
