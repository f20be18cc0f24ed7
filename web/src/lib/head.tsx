import { createEffect } from 'solid-js'
import { getRequestEvent, isServer } from 'solid-js/web'
import type { PageMetaData } from './api'

export const SITE_NAME = 'Souk'

export function fullTitle(title: string): string {
  return title === SITE_NAME ? SITE_NAME : `${title} · ${SITE_NAME}`
}

function setMeta(attribute: 'name' | 'property', key: string, content: string | null) {
  let tag = document.head.querySelector<HTMLMetaElement>(`meta[${attribute}="${key}"]`)
  if (content === null) return tag?.remove()
  if (tag === null) {
    tag = document.createElement('meta')
    tag.setAttribute(attribute, key)
    document.head.append(tag)
  }
  tag.content = content
}

/**
 * Title, description and share tags of the page. On the server the last one rendered wins and the
 * document template writes it into <head>; in the browser it updates <head> on navigation.
 */
export function PageMeta(props: PageMetaData) {
  if (isServer) {
    const scope = getRequestEvent()?.souk
    if (scope !== undefined) scope.meta = { ...props }
    return null
  }
  createEffect(() => {
    const title = fullTitle(props.title)
    document.title = title
    setMeta('name', 'description', props.description)
    setMeta('property', 'og:title', title)
    setMeta('property', 'og:description', props.description)
    setMeta('property', 'og:type', props.type ?? 'website')
    setMeta('property', 'og:url', window.location.origin + window.location.pathname)
    setMeta('name', 'twitter:title', title)
    setMeta('name', 'twitter:description', props.description)
    setMeta('name', 'robots', props.noindex === true ? 'noindex' : null)
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
