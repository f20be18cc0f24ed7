import sharp from 'sharp'

// Images the upload tests send, made with sharp: never shipped or imported by production code.

/** A photo as a phone writes it: with EXIF naming the camera and where it was taken. */
export async function phonePhoto(
  options: { format?: 'jpeg' | 'png'; width?: number; height?: number; colour?: { r: number; g: number; b: number } } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const { format = 'jpeg', width = 640, height = 480, colour = { r: 200, g: 90, b: 40 } } = options
  const image = sharp({ create: { width, height, channels: 3, background: colour } }).withExif({
    IFD0: { Make: 'SpyCam', Model: 'Serial 12345', Copyright: 'Alice' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '34/1 2/1 0/1' },
  })
  return new Uint8Array(await (format === 'jpeg' ? image.jpeg() : image.png()).toBuffer())
}

/**
 * A valid 1×1 PNG whose header then claims 100 000 × 100 000 pixels (40 GB once decoded): the
 * "pixel flood" a few bytes can carry. The header's CRC is fixed up so only the size is wrong.
 */
export async function pixelFlood(): Promise<Uint8Array<ArrayBuffer>> {
  const png = new Uint8Array(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).png().toBuffer())
  const view = new DataView(png.buffer)
  // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height; the CRC covers type + data.
  view.setUint32(16, 100_000)
  view.setUint32(20, 100_000)
  view.setUint32(29, Bun.hash.crc32(png.subarray(12, 29)))
  return png
}
