// Documents drawn with pdf-lib in Helvetica, one of the standard 14 fonts (invoices of orders and
// of plan payments): nothing to ship or embed, but it encodes WinAnsi only, so every text goes
// through `drawable` first (accents stay, what the font cannot draw degrades instead of throwing).
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib'

const PAGE: [number, number] = [595.28, 841.89] // A4, in points
const MARGIN = 48
/** The width rows are laid out in, between the margins. */
export const WIDTH = PAGE[0] - 2 * MARGIN
const SIZE = 9
const LEADING = 12.5
const GAP = 8
const GREY = rgb(0.4, 0.4, 0.4)

/** "1,234.50 MAD" from integer minor units (hundredths, as everywhere in Souk), without floats. */
export function formatMoney(minor: number, currency: string): string {
  const abs = Math.abs(minor)
  const units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+$)/g, ',')
  return `${minor < 0 ? '-' : ''}${units}.${String(abs % 100).padStart(2, '0')} ${currency}`
}

/**
 * What `font` can draw of `text`: characters it encodes stay; others become their compatibility
 * decomposition without marks when it can draw that (ő → o, ﬁ → fi); combining marks alone go;
 * whitespace and control characters become spaces; anything else (Arabic script) becomes "?".
 */
function drawable(font: PDFFont): (text: string) => string {
  const known = new Set(font.getCharacterSet())
  const encodes = (text: string) => Array.from(text).every((char) => known.has(char.codePointAt(0)!))
  return (text) =>
    Array.from(text.normalize('NFC'), (char) => {
      if (encodes(char)) return char
      if (/[\s\p{Cc}]/u.test(char)) return ' '
      const base = char.normalize('NFKD').replace(/\p{M}/gu, '')
      return base === '' ? '' : encodes(base) ? base : '?'
    }).join('')
}

export interface Cell {
  text: string
  width: number
  right?: boolean
  bold?: boolean
  grey?: boolean
}

/** Draws rows of wrapped cells down the pages, starting a new page when one is full. */
export function createSheet(doc: PDFDocument, fonts: { regular: PDFFont; bold: PDFFont }) {
  const clean = drawable(fonts.regular)
  let page: PDFPage = doc.addPage(PAGE)
  let y = PAGE[1] - MARGIN

  /** Greedy word wrap; a word wider than the cell is cut where it overflows. */
  function wrap(text: string, font: PDFFont, width: number): string[] {
    const fits = (line: string) => font.widthOfTextAtSize(line, SIZE) <= width
    const lines: string[] = []
    for (const paragraph of text.split('\n')) {
      let line = ''
      for (const word of clean(paragraph).split(' ').filter((w) => w !== '')) {
        const joined = line === '' ? word : `${line} ${word}`
        if (fits(joined)) {
          line = joined
          continue
        }
        if (line !== '') lines.push(line)
        line = ''
        for (const char of word) {
          if (line !== '' && !fits(line + char)) {
            lines.push(line)
            line = ''
          }
          line += char
        }
      }
      lines.push(line)
    }
    return lines
  }

  /** Moves down by `height`, on a new page when it does not fit: true when a page was started. */
  function reserve(height: number): boolean {
    const fresh = y - height < MARGIN
    if (fresh) {
      page = doc.addPage(PAGE)
      y = PAGE[1] - MARGIN
    }
    return fresh
  }

  return {
    /** One row of cells side by side, as tall as its tallest cell. */
    row(cells: Cell[], options: { onNewPage?: () => void } = {}) {
      const wrapped = cells.map((cell) => {
        const font = cell.bold === true ? fonts.bold : fonts.regular
        return { ...cell, font, lines: wrap(cell.text, font, cell.width - GAP) }
      })
      const height = Math.max(...wrapped.map((cell) => cell.lines.length)) * LEADING
      if (reserve(height)) options.onNewPage?.()
      let x = MARGIN
      for (const cell of wrapped) {
        cell.lines.forEach((line, i) => {
          const left = cell.right === true ? x + cell.width - cell.font.widthOfTextAtSize(line, SIZE) : x
          page.drawText(line, { x: left, y: y - (i + 1) * LEADING + 3, size: SIZE, font: cell.font, color: cell.grey === true ? GREY : undefined })
        })
        x += cell.width
      }
      y -= height
    },
    title(text: string, size: number) {
      reserve(size * 1.4)
      page.drawText(clean(text), { x: MARGIN, y: y - size, size, font: fonts.bold })
      y -= size * 1.4
    },
    rule() {
      page.drawLine({ start: { x: MARGIN, y: y - 2 }, end: { x: MARGIN + WIDTH, y: y - 2 }, thickness: 0.5, color: GREY })
      y -= 4
    },
    space(height = LEADING) {
      y -= height
    },
  }
}

/** A new A4 document with its metadata, its two fonts and a sheet to draw rows on. Dates are the document's own (the same record gives the same file). */
export async function newSheetDocument(meta: { title: string; subject: string; author: string; created: Date; modified: Date }) {
  const doc = await PDFDocument.create()
  doc.setTitle(meta.title)
  doc.setSubject(meta.subject)
  doc.setAuthor(meta.author)
  doc.setCreator('Souk')
  doc.setProducer('Souk')
  doc.setLanguage('en')
  doc.setCreationDate(meta.created)
  doc.setModificationDate(meta.modified)
  const fonts = { regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) }
  return { doc, fonts, sheet: createSheet(doc, fonts) }
}

/** Writes "`label` · page n of m" at the foot of every page and answers the file's bytes. */
export async function savePdf(doc: PDFDocument, font: PDFFont, label: string): Promise<Uint8Array<ArrayBuffer>> {
  const pages = doc.getPages()
  pages.forEach((page, i) => {
    const footer = `${label} · page ${i + 1} of ${pages.length}`
    page.drawText(footer, { x: MARGIN + WIDTH - font.widthOfTextAtSize(footer, 8), y: MARGIN / 2, size: 8, font, color: GREY })
  })
  // pdf-lib types its bytes over any ArrayBufferLike; they are a plain ArrayBuffer's, which a Response takes.
  return (await doc.save()) as Uint8Array<ArrayBuffer>
}

/** A rate in basis points as invoices print it: 2000 → "20 %", 550 → "5.5 %". */
export const rateText = (rateBp: number) => `${rateBp / 100} %`
