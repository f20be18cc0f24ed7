import type { EntryAssets } from '../../src/web/contract'
import type { PageMetaData } from './lib/api'
import { fullTitle, SHARE_IMAGE } from './lib/head'
import { THEME_BOOT_SCRIPT } from './lib/theme'

const DEFAULT_META: PageMetaData = {
  title: 'Souk',
  description: 'Buy from independent vendors, chat with them live and pay safely through escrow.',
}

function attr(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;')
}

/** JSON that is safe inside <script>: no `</script>` or `<!--` can close or confuse the tag. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c')
}

export interface DocumentParts {
  body: string
  meta: PageMetaData | null
  url: URL
  publicUrl: string
  assets: EntryAssets
  hydrationScript: string
  boot: unknown
  /** See RenderInput.scriptMark: on every inline script written here. */
  scriptMark: string
  /** Source of a module script to run after the page (RenderInput.extraScript). */
  extraScript?: string
}

/** The HTML document around the rendered app: head tags, share tags, assets, boot data. */
export function renderDocument(parts: DocumentParts): string {
  const meta = parts.meta ?? DEFAULT_META
  const title = fullTitle(meta.title)
  const canonical = parts.publicUrl + parts.url.pathname
  const image = new URL(meta.image ?? SHARE_IMAGE, parts.publicUrl + '/').toString()
  const tags = [
    `<title>${attr(title)}</title>`,
    `<meta name="description" content="${attr(meta.description)}">`,
    meta.noindex === true ? '<meta name="robots" content="noindex">' : `<link rel="canonical" href="${attr(canonical)}">`,
    `<meta property="og:site_name" content="Souk">`,
    `<meta property="og:type" content="${meta.type ?? 'website'}">`,
    `<meta property="og:title" content="${attr(title)}">`,
    `<meta property="og:description" content="${attr(meta.description)}">`,
    `<meta property="og:url" content="${attr(canonical)}">`,
    `<meta property="og:image" content="${attr(image)}">`,
    `<meta name="twitter:card" content="summary_large_image">`,
    `<meta name="twitter:title" content="${attr(title)}">`,
    `<meta name="twitter:description" content="${attr(meta.description)}">`,
    `<meta name="twitter:image" content="${attr(image)}">`,
  ]
  // A data block, never run (so no CSP mark).
  if (meta.structuredData !== undefined) tags.push(`<script type="application/ld+json">${scriptJson(meta.structuredData)}</script>`)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="theme-color" content="#faf8f5" media="(prefers-color-scheme: light)">
<meta name="theme-color" content="#121110" media="(prefers-color-scheme: dark)">
${tags.join('\n')}
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
${parts.assets.styles.map((href) => `<link rel="stylesheet" href="${attr(href)}">`).join('\n')}
${parts.assets.preloads.map((href) => `<link rel="modulepreload" href="${attr(href)}">`).join('\n')}
<script nonce="${parts.scriptMark}">${THEME_BOOT_SCRIPT}</script>
${parts.hydrationScript}
<script type="module" src="${attr(parts.assets.script)}"></script>
</head>
<body>
<div id="app">${parts.body}</div>
<script type="application/json" id="souk-boot">${scriptJson(parts.boot)}</script>
${parts.extraScript === undefined ? '' : `<script type="module" nonce="${parts.scriptMark}">${parts.extraScript}</script>`}
</body>
</html>
`
}
