import { useLocation } from '@solidjs/router'
import { createEffect } from 'solid-js'
import { getRequestEvent, isServer } from 'solid-js/web'
import type { PageMetaData } from './api'

export const SITE_NAME = 'Souk'
/** The share card's image of a page that names none. */
export const SHARE_IMAGE = '/brand/share.png'

export function fullTitle(title: string): string {
  return title === SITE_NAME ? SITE_NAME : `${title} · ${SITE_NAME}`
}

/** The tag of <head> `selector` finds, made if missing and filled, or removed (`fill` null). */
function setHead(selector: string, make: () => HTMLElement, fill: ((tag: HTMLElement) => void) | null) {
  let tag = document.head.querySelector<HTMLElement>(selector)
  if (fill === null) return tag?.remove()
  if (tag === null) document.head.append((tag = make()))
  fill(tag)
}

function setMeta(attribute: 'name' | 'property', key: string, content: string | null) {
  const make = () => {
    const tag = document.createElement('meta')
    tag.setAttribute(attribute, key)
    return tag
  }
  setHead(`meta[${attribute}="${key}"]`, make, content === null ? null : (tag) => tag.setAttribute('content', content))
}

/**
 * Title, description, canonical link, share tags and structured data of the page. On the server
 * the last one rendered wins and the document template writes it into <head>; in the browser it
 * updates <head> on navigation, so a page reached in the app shares what a loaded one does.
 */
export function PageMeta(props: PageMetaData) {
  if (isServer) {
    const scope = getRequestEvent()?.souk
    if (scope !== undefined) scope.meta = { ...props }
    return null
  }
  // The router's location: on in-app navigation the new page renders before the address bar changes.
  const location = useLocation()
  createEffect(() => {
    const title = fullTitle(props.title)
    document.title = title
    setMeta('name', 'description', props.description)
    setMeta('property', 'og:title', title)
    setMeta('property', 'og:description', props.description)
    setMeta('property', 'og:type', props.type ?? 'website')
    // PUBLIC_URL's origin, as the server wrote it: the browser may have come in another way.
    const origin = new URL(document.head.querySelector<HTMLMetaElement>('meta[property="og:url"]')?.content || window.location.href).origin
    const url = origin + location.pathname
    const image = new URL(props.image ?? SHARE_IMAGE, `${origin}/`).href
    setMeta('property', 'og:url', url)
    setMeta('property', 'og:image', image)
    setMeta('name', 'twitter:title', title)
    setMeta('name', 'twitter:description', props.description)
    setMeta('name', 'twitter:image', image)
    setMeta('name', 'robots', props.noindex === true ? 'noindex' : null)
    const link = () => Object.assign(document.createElement('link'), { rel: 'canonical' })
    setHead('link[rel="canonical"]', link, props.noindex === true ? null : (tag) => tag.setAttribute('href', url))
    const data = props.structuredData
    const block = () => Object.assign(document.createElement('script'), { type: 'application/ld+json' })
    setHead('script[type="application/ld+json"]', block, data === undefined ? null : (tag) => (tag.textContent = JSON.stringify(data)))
  })
  return null
}

/** Sets the HTTP status of a server render (404 pages); nothing in the browser. */
export function HttpStatus(props: { code: number }) {
  if (isServer) {
    const event = getRequestEvent()
    if (event !== undefined) event.response.status = props.code
  }
  return null
}

/**
 * Keeps this render out of every cache, shared or in-process: for pages whose content changes
 * from one second to the next (the development mailbox). Nothing in the browser.
 */
export function NoStore() {
  if (isServer) getRequestEvent()?.response.headers.set('cache-control', 'no-store')
  return null
}
