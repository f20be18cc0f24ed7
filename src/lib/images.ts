import { createHash } from 'node:crypto'
import sharp from 'sharp'
import { AppError } from './errors'

/**
 * Every image a person uploads (avatars now; product photos and chat attachments later) passes
 * through here: recognised by its bytes, bounded in size and in pixels, then decoded and written
 * anew. Re-encoding is the point: what is stored is pixels Souk produced, with no EXIF (location,
 * camera serial), no comments, no trailing payload of the original file.
 */

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif'

const ascii = (bytes: Uint8Array, from: number, text: string) => [...text].every((char, i) => bytes[from + i] === char.charCodeAt(0))

/** The format the bytes start with, or null: the name and declared type of an upload are not trusted. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  if (bytes[0] === 0x89 && ascii(bytes, 1, 'PNG\r\n\x1a\n')) return 'png'
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'webp'
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'gif'
  return null
}

export interface ImageRules {
  /** Request field the file came in, named in error details (`body.file`). */
  field: string
  /** Largest upload accepted, in bytes. */
  maxBytes: number
  /**
   * Largest decoded size, in pixels. A few kilobytes of PNG can declare 100 000 × 100 000 pixels
   * (40 GB decoded): the header is checked before anything is decoded ("pixel flood").
   */
  maxPixels: number
  /** Output box; `cover` crops to fill it exactly (avatars), `inside` keeps the whole picture. */
  resize: { width: number; height: number; fit: 'cover' | 'inside' }
  /** WebP quality of the stored image, 1–100. */
  quality?: number
}

const MEGABYTE = 1024 * 1024

/** Defaults for photos people upload: 5 MB and 40 megapixels, larger than any phone camera writes. */
export const UPLOAD_LIMITS = { maxBytes: 5 * MEGABYTE, maxPixels: 40_000_000 } as const

export interface ProcessedImage {
  data: Uint8Array<ArrayBuffer>
  contentType: 'image/webp'
  width: number
  height: number
}

const problem = (type: 'invalid_data' | 'payload_too_large' | 'unsupported_media_type', message: string, field: string, detail: string) =>
  new AppError(type, message, [{ field, message: detail }])

/**
 * Checks an uploaded image and re-encodes it as WebP within `rules.resize`. Throws AppError:
 * 413 payload_too_large (bytes), 415 unsupported_media_type (not a JPEG, PNG, WebP or GIF by
 * content), 400 invalid_data (too many pixels, or bytes that do not decode).
 */
export async function processImage(file: Blob, rules: ImageRules): Promise<ProcessedImage> {
  const limitMb = Math.round(rules.maxBytes / MEGABYTE)
  if (file.size > rules.maxBytes) {
    throw problem('payload_too_large', `The image is larger than ${limitMb} MB`, rules.field, `must be at most ${limitMb} MB`)
  }
  const bytes = new Uint8Array(await file.arrayBuffer())
  const format = sniffImageFormat(bytes)
  if (format === null) {
    throw problem('unsupported_media_type', 'This file is not an image Souk accepts', rules.field, 'must be a JPEG, PNG, WebP or GIF image')
  }
  const unreadable = () => problem('invalid_data', 'The image could not be read; it may be damaged', rules.field, 'could not be decoded')
  // metadata() reads the header only, so it runs without the pixel limit to report the size;
  // the decode below keeps the limit, so libvips refuses a flood too should a header lie.
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => null)
  if (meta === null || meta.width === undefined || meta.height === undefined || meta.format !== format) throw unreadable()
  if (meta.width * meta.height > rules.maxPixels) {
    const megapixels = Math.round(rules.maxPixels / 1_000_000)
    throw problem('invalid_data', `The image has too many pixels (${meta.width} × ${meta.height})`, rules.field, `must be at most ${megapixels} megapixels`)
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: rules.maxPixels, failOn: 'error', pages: 1 })
      .autoOrient() // applies the EXIF orientation before the EXIF is dropped
      .resize({ ...rules.resize, withoutEnlargement: rules.resize.fit === 'inside' })
      .webp({ quality: rules.quality ?? 82 })
      .toBuffer({ resolveWithObject: true })
    return { data: new Uint8Array(data), contentType: 'image/webp', width: info.width, height: info.height }
  } catch {
    throw unreadable()
  }
}

/** A photo's display size fits in this box (sharp keeps the aspect ratio and never enlarges). */
const PHOTO_DISPLAY_BOX = 1600
/** Its thumbnail is a square, cropped to fill (cards, galleries' strips, grids). */
const PHOTO_THUMBNAIL_SIZE = 480

export interface ProcessedPhoto {
  display: ProcessedImage
  thumbnail: ProcessedImage
  /** Hash of the display image: part of the photo's URLs, so a new photo is a new URL. */
  version: string
}

/**
 * The photo pipeline shared by everything shown in a gallery (product photos, post photos): the
 * upload checked and re-encoded by processImage twice, into a display size within 1600 px and a
 * 480 px square thumbnail, both WebP without metadata. Throws processImage's AppErrors naming `field`.
 */
export async function processPhoto(file: Blob, field: string): Promise<ProcessedPhoto> {
  const rules = { field, ...UPLOAD_LIMITS }
  const display = await processImage(file, { ...rules, resize: { width: PHOTO_DISPLAY_BOX, height: PHOTO_DISPLAY_BOX, fit: 'inside' } })
  const thumbnail = await processImage(file, { ...rules, resize: { width: PHOTO_THUMBNAIL_SIZE, height: PHOTO_THUMBNAIL_SIZE, fit: 'cover' }, quality: 78 })
  return { display, thumbnail, version: createHash('sha256').update(display.data).digest('hex').slice(0, 16) }
}
