/**
 * A fetch over XMLHttpRequest, for the one thing fetch cannot tell: how much of a request's body
 * has been sent. `onProgress(sent, total)` follows the upload; the answer is a plain Response, so
 * the typed client (api.ts apiOver) reads it as any other.
 */
export function progressFetch(onProgress: (sent: number, total: number) => void): typeof fetch {
  return ((input: RequestInfo | URL, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open(init.method ?? 'GET', String(input))
      new Headers(init.headers).forEach((value, name) => xhr.setRequestHeader(name, value))
      xhr.withCredentials = init.credentials === 'include'
      xhr.responseType = 'blob'
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded, event.total)
      }
      xhr.onload = () => {
        const headers = new Headers()
        for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
          const at = line.indexOf(':')
          if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim())
        }
        // A 204 carries no body, and Response refuses one for it.
        resolve(new Response(xhr.status === 204 ? null : (xhr.response as Blob), { status: xhr.status, statusText: xhr.statusText, headers }))
      }
      xhr.onerror = () => reject(new TypeError('Network error'))
      xhr.onabort = () => reject(new DOMException('Aborted', 'AbortError'))
      init.signal?.addEventListener('abort', () => xhr.abort())
      xhr.send((init.body ?? null) as XMLHttpRequestBodyInit | null)
    })) as typeof fetch
}

/**
 * How far each of `sizes` (files sent in that order in one multipart body) is, from 0 to 1, when
 * `sent` of `total` bytes are sent: the form's own bytes are spread over the files by their share.
 */
export function fileProgress(sizes: number[], sent: number, total: number): number[] {
  const all = sizes.reduce((sum, size) => sum + size, 0)
  const scaled = total > 0 && all > 0 ? (sent / total) * all : 0
  let before = 0
  return sizes.map((size) => {
    const done = size === 0 ? 1 : Math.min(1, Math.max(0, (scaled - before) / size))
    before += size
    return done
  })
}
