/**
 * Videos people upload (product videos) are recognised by their bytes, like images
 * (src/lib/images.ts): the name and declared type of an upload are not trusted. Unlike images
 * they are stored as uploaded (re-encoding video is a job for a transcoder, not a request), so
 * only containers browsers play are accepted: MP4 and WebM.
 */

export type VideoContentType = 'video/mp4' | 'video/webm'

/**
 * Limits of product videos, shared with the dashboard (which says them and checks the size
 * before sending): about a minute of phone video each, and two per product, since each is
 * stored in Postgres as uploaded.
 */
export const VIDEO_LIMITS = { maxBytes: 25 * 1024 * 1024, perProduct: 2 } as const

const ascii = (bytes: Uint8Array, from: number, length: number) => String.fromCharCode(...bytes.subarray(from, from + length))

/**
 * ISO base media brands of MP4 files browsers play. QuickTime (`qt  `), HEIF stills and 3GP
 * share the `ftyp` box but are not MP4 video for a browser, so they are not listed.
 */
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'dash', 'mmp4', 'M4V '])

/** MP4: an `ftyp` box first, whose major brand or one of its compatible brands is an MP4 brand. */
function isMp4(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || ascii(bytes, 4, 4) !== 'ftyp') return false
  const boxSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0)
  if (boxSize < 16 || boxSize > bytes.length || boxSize % 4 !== 0) return false
  // major brand at 8, minor version at 12, compatible brands from 16 to the end of the box
  const brands = [ascii(bytes, 8, 4)]
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(bytes, at, 4))
  return brands.some((brand) => MP4_BRANDS.has(brand))
}

/** An EBML variable-length integer at `at`: its length and value (`keepMarker` for element ids). */
function readVint(bytes: Uint8Array, at: number, keepMarker = false): { length: number; value: number } | null {
  const first = bytes[at]
  if (first === undefined || first === 0) return null
  const length = Math.clz32(first) - 23 // leading zeros within the byte, plus one
  if (length > 8 || at + length > bytes.length) return null
  let value = keepMarker ? first : first & (0xff >> length)
  for (let i = 1; i < length; i++) value = value * 256 + bytes[at + i]!
  return { length, value }
}

const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3]
const DOC_TYPE = 0x4282

/** WebM: an EBML header (1A 45 DF A3) whose DocType element says `webm` (Matroska is refused). */
function isWebm(bytes: Uint8Array): boolean {
  if (!EBML_MAGIC.every((byte, i) => bytes[i] === byte)) return false
  const headerSize = readVint(bytes, 4)
  if (headerSize === null) return false
  let at = 4 + headerSize.length
  const end = Math.min(at + headerSize.value, bytes.length)
  while (at < end) {
    const id = readVint(bytes, at, true)
    const size = id === null ? null : readVint(bytes, at + id.length)
    if (id === null || size === null) return false
    at += id.length + size.length
    if (id.value === DOC_TYPE) return ascii(bytes, at, size.value) === 'webm'
    at += size.value
  }
  return false
}

/** The content type the bytes are, or null when they are not an MP4 or WebM video. */
export function sniffVideo(bytes: Uint8Array): VideoContentType | null {
  if (isMp4(bytes)) return 'video/mp4'
  if (isWebm(bytes)) return 'video/webm'
  return null
}

/** The bytes a `Range` header asks for, inclusive: one range of `bytes=a-b`, `bytes=a-` or `bytes=-n`. */
export type ByteRange = { start: number; end: number }

/**
 * Reads a `Range` header against a body of `size` bytes. Null: serve the whole body (no header,
 * a unit other than bytes, several ranges or a malformed one, which RFC 9110 lets a server
 * ignore). 'unsatisfiable': the range starts past the end (answer 416).
 */
export function parseByteRange(header: string | null, size: number): ByteRange | 'unsatisfiable' | null {
  const match = header === null ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (match === null) return null
  const [, from = '', to = ''] = match
  if (from === '' && to === '') return null
  if (from === '') {
    const suffix = Number(to)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(from)
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1)
  if (to !== '' && Number(to) < start) return null
  if (start >= size) return 'unsatisfiable'
  return { start, end }
}
