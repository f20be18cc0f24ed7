import { parse } from 'csv-parse/sync'
import { AppError } from './errors'

/**
 * CSV in and out: what exports write and imports read. Parsing is csv-parse's (quoting, embedded
 * line breaks, a byte-order mark); writing is small enough to keep here.
 */

/** A leading character a spreadsheet would take as the start of a formula. */
const FORMULA_START = /^[=+\-@\t\r]/
/** A plain number (an amount of −15000) starts with '-' and is no formula: it stays a number. */
const NUMBER = /^-?\d+(\.\d+)?$/

/**
 * One CSV cell. Quoted when it holds a separator, quote or line break; a leading = + - @ (or tab,
 * CR) is neutralised with a quote mark, so a spreadsheet opening the file runs no formula.
 */
export function cell(value: string | null): string {
  let text = value ?? ''
  if (FORMULA_START.test(text) && !NUMBER.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Rows as a CSV file: every cell through cell(), CRLF line ends (RFC 4180). */
export const toCsv = (rows: (string | null)[][]): string => rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'

/**
 * Undoes cell()'s neutralisation, so a file exported here imports back unchanged: a quote mark
 * before = + - @ (tab, CR) is dropped. A value meant to start with such a quote cannot round-trip.
 */
export const restoreCell = (text: string): string => (text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text)

/**
 * The text of an uploaded CSV file, checked by content: UTF-8 (a byte-order mark is allowed) and
 * no NUL bytes, which text never holds but spreadsheets (.xlsx), images and UTF-16 files do.
 * Anything else is 415, naming `field`.
 */
export function decodeCsvText(bytes: Uint8Array, field: string): string {
  const refuse = () => new AppError('unsupported_media_type', 'The file must be a CSV file in UTF-8', [{ field, message: 'must be UTF-8 CSV text' }])
  if (bytes.includes(0)) throw refuse()
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    throw refuse()
  }
}

/** One record of a CSV file, with the line it starts on (1-based, as a text editor counts). */
export interface CsvRecord {
  line: number
  cells: string[]
}

const LINE_BREAK = /\r\n|\r|\n/g

/**
 * Parses CSV text into records. Blank lines are skipped; records may have any number of cells
 * (the caller checks them against its header, row by row). Broken quoting is 400 naming the line.
 */
export function parseCsv(text: string, field: string): CsvRecord[] {
  let parsed: { record: string[]; info: { lines: number } }[]
  try {
    // With `info`, each record comes as { record, info }; csv-parse's overloads do not say so.
    parsed = parse(text, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as typeof parsed
  } catch (error) {
    const line = (error as { lines?: unknown }).lines
    const where = typeof line === 'number' ? ` (line ${line})` : ''
    throw new AppError('invalid_data', `The file is not valid CSV${where}`, [{ field, message: error instanceof Error ? error.message : 'is not valid CSV' }])
  }
  // info.lines counts to the end of a record; a quoted cell may span lines, so count back to its start.
  return parsed.map(({ record, info }) => ({
    line: info.lines - record.reduce((n, value) => n + (value.match(LINE_BREAK)?.length ?? 0), 0),
    cells: record,
  }))
}
