// The product CSV format: what the import reads and the export writes, so a file exported, edited
// and imported again round-trips. The web client bundles this file for its column reference, so
// it holds plain data and no import.

/** Largest file the import takes. */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024
/** Most product rows one file may hold (the header not counted). */
export const IMPORT_MAX_ROWS = 5000
/** Row problems a finished import lists (it counts them all). */
export const IMPORT_PROBLEM_LIMIT = 200

/** Columns in the order the export writes them; `attr.<key>` columns follow, one per attribute key. */
export const PRODUCT_CSV_COLUMNS = [
  { name: 'sku', required: true, help: 'Your reference for the product, unique in your shop (letters, digits, . _ / -). The import creates or updates by it.' },
  { name: 'title', required: true, help: '3 to 140 characters.' },
  { name: 'description', required: true, help: 'Up to 10,000 characters; line breaks are kept.' },
  { name: 'price', required: true, help: 'In the currency, with a dot and at most two decimals: 1450 or 1450.50.' },
  { name: 'currency', required: true, help: 'ISO code in capitals, e.g. MAD.' },
  { name: 'stock', required: true, help: 'Units in stock, a whole number.' },
  { name: 'condition', required: true, help: 'new, like_new, good, fair or handmade.' },
  { name: 'location', required: true, help: 'Where the product is, e.g. Fez.' },
  { name: 'category', required: true, help: 'The category slug, as in the catalog’s address (e.g. lighting).' },
  { name: 'status', required: false, help: 'draft or active (archived to take a product off sale; sold is kept, not set). Empty: draft for a new product, unchanged for an existing one.' },
] as const

/** The column name prefix of attributes: `attr.material` holds the product's `material`. */
export const ATTRIBUTE_COLUMN_PREFIX = 'attr.'
