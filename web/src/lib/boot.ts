import { getRequestEvent, isServer } from 'solid-js/web'
import type { BootConfig } from '../../../src/web/contract'

/** What a render without boot data assumes (a page outside the Souk server, say): nothing on. */
const NOTHING: BootConfig = { realtime: false, session: false, googleClientId: null, devMail: false }

let inBrowser: BootConfig | null = null

/**
 * The server's facts about this page (see BootConfig): on the server from the render's request,
 * in the browser from the JSON the server wrote into the page, so both render the same markup.
 */
export function boot(): BootConfig {
  if (isServer) return getRequestEvent()?.souk?.boot ?? NOTHING
  inBrowser ??= { ...NOTHING, ...(JSON.parse(document.getElementById('souk-boot')?.textContent ?? '{}') as Partial<BootConfig>) }
  return inBrowser
}
