/** Whether web/dist was built (by run.mjs) after every source last changed. */
export function webBuildIsCurrent(root: string): boolean
/** Marks web/dist as built from the sources as they are now (after a successful build). */
export function markWebBuilt(root: string): void
