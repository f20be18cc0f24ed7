import { createHash } from 'node:crypto'
import { CARD_FIELD_MAX, type CardField, type CardForm, formatCardNumber, TEST_CARDS } from './sandbox-card'

/**
 * The sandbox's hosted pages: plain server-rendered HTML, no script, one inline stylesheet allowed
 * by its hash. They stand apart from the SolidJS client on purpose: a provider's page is not Souk's.
 */

export const PAGE_TITLE = 'Souk sandbox payment'

/** What a page shows of the payment. */
export interface PagePayment {
  id: string
  amountMinor: number
  currency: string
  description: string
  returnUrl: string
}

const CSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f4f1ea}
main{max-width:28rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.badge{display:inline-block;margin:0;font-size:.75rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:#8a4b08;background:#fdf0d5;border-radius:999px;padding:.125rem .625rem}
h1{font-size:1.375rem;line-height:1.25;margin:.75rem 0 .5rem}
h2{font-size:1rem;margin:0}
.amount{font-size:2rem;font-weight:700;margin:0}
.description{color:#57606a;margin:0 0 1.25rem;overflow-wrap:anywhere}
.panel{background:#fff;border:1px solid #d8d2c4;border-radius:.75rem;padding:1.25rem}
.panel>p:first-child{margin-top:0}
.field{margin-bottom:1rem}
.row{display:flex;gap:.75rem}
.row .field{flex:1;min-width:0}
label{display:block;font-weight:600;font-size:.875rem;margin-bottom:.25rem}
input{display:block;width:100%;font:inherit;padding:.625rem .75rem;border:1px solid #b9b2a3;border-radius:.5rem;background:#fff;color:inherit}
input:focus,button:focus,a:focus{outline:3px solid #f0b35a;outline-offset:2px}
input[aria-invalid=true]{border-color:#b42318;background:#fffafa}
.error{color:#b42318;font-size:.875rem;margin:.25rem 0 0}
.notice{border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem}
.bad{background:#fde8e6;color:#7a1a12}
.good{background:#e3f4e6;color:#14532d}
button{display:block;width:100%;font:inherit;font-weight:600;padding:.75rem;border:0;border-radius:.5rem;background:#1f6f43;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#7a1a12;border:1px solid #b42318;margin-top:.75rem}
.back{margin:1rem 0 0;text-align:center}
a{color:#1f5f99}
.tests{margin-top:1.5rem;font-size:.875rem;color:#57606a}
.tests ul{padding-left:1.25rem;margin:.5rem 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;color:#1f2328;white-space:nowrap}`

/** The stylesheet's CSP source: the page allows this one inline style and nothing else. */
const STYLE_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`

/**
 * The hosted pages' policy: nothing loads but the hashed stylesheet; forms post only to the sandbox
 * itself and, since browsers apply form-action to a submission's redirects, to the return URL's
 * origin the successful payment is sent back to. Any page Souk serves otherwise gets `sandbox`
 * (src/lib/security-headers.ts), which would block the form.
 */
export function pagePolicy(returnUrl: string | null): string {
  const back = returnUrl === null ? [] : [new URL(returnUrl).origin]
  return [`default-src 'none'`, `style-src ${STYLE_HASH}`, ['form-action', "'self'", ...back].join(' '), `frame-ancestors 'none'`, `base-uri 'none'`].join('; ')
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

/** Minor units with two decimals and the currency: 123456, MAD → 1,234.56 MAD. */
export function formatAmount(amountMinor: number, currency: string): string {
  const major = Math.floor(amountMinor / 100).toLocaleString('en-US')
  return `${major}.${String(amountMinor % 100).padStart(2, '0')} ${currency}`
}

function page(status: number, heading: string, body: string, returnUrl: string | null): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${PAGE_TITLE}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<p class="badge">Sandbox · no real money moves</p>
<h1>${escape(heading)}</h1>
${body}
</main>
</body>
</html>
`
  return new Response(html, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': pagePolicy(returnUrl), 'cache-control': 'no-store' },
  })
}

const summary = (payment: PagePayment) =>
  `<p class="amount">${escape(formatAmount(payment.amountMinor, payment.currency))}</p>
<p class="description">${escape(payment.description)}</p>`

const backLink = (payment: PagePayment, text: string) => `<p class="back"><a href="${escape(payment.returnUrl)}">${escape(text)}</a></p>`

function input(field: CardField, label: string, value: string, error: string | undefined, attributes: string): string {
  const described = error === undefined ? '' : ` aria-invalid="true" aria-describedby="${field}-error"`
  return `<div class="field">
<label for="${field}">${label}</label>
<input id="${field}" name="${field}" value="${escape(value)}" maxlength="${CARD_FIELD_MAX[field]}" required ${attributes}${described}>
${error === undefined ? '' : `<p class="error" id="${field}-error">${escape(error)}</p>`}
</div>`
}

const testCards = `<section class="tests">
<h2>Test cards</h2>
<ul>
${TEST_CARDS.map((card) => `<li><code>${formatCardNumber(card.number)}</code> ${escape(card.label)}</li>`).join('\n')}
<li>Any other valid number is declined as unsupported.</li>
</ul>
<p>Use any future expiry date (MM/YY), any 3-digit security code and any name.</p>
</section>`

/**
 * The card form. `values` refill it after a refusal (never the security code); `errors` stand
 * beside their fields; `notice` says why the last attempt failed (a declined card).
 */
export function cardPage(payment: PagePayment, options: { status?: number; values?: CardForm; errors?: Partial<Record<CardField, string>>; notice?: string } = {}): Response {
  const { values = {}, errors = {}, notice } = options
  const body = `${summary(payment)}
${notice === undefined ? '' : `<p class="notice bad" role="alert">${escape(notice)}</p>`}
<form class="panel" method="post" action="/pay/${escape(payment.id)}">
${input('number', 'Card number', values.number ?? '', errors.number, 'inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242"')}
<div class="row">
${input('expiry', 'Expiry (MM/YY)', values.expiry ?? '', errors.expiry, 'inputmode="numeric" autocomplete="cc-exp" placeholder="MM/YY"')}
${input('cvc', 'Security code', '', errors.cvc, 'inputmode="numeric" autocomplete="cc-csc" placeholder="123"')}
</div>
${input('name', 'Name on card', values.name ?? '', errors.name, 'autocomplete="cc-name"')}
<button type="submit">Pay ${escape(formatAmount(payment.amountMinor, payment.currency))}</button>
</form>
${backLink(payment, 'Cancel and return to Souk')}
${testCards}`
  return page(options.status ?? 200, PAGE_TITLE, body, payment.returnUrl)
}

/** The confirmation step a 3-D Secure card asks for: confirm, or fail it. */
export function confirmPage(payment: PagePayment): Response {
  const body = `${summary(payment)}
<div class="panel">
<p>Your bank asks you to confirm this payment. In the sandbox, either answer is yours to choose.</p>
<form method="post" action="/pay/${escape(payment.id)}/confirm">
<button type="submit" name="action" value="confirm">Confirm payment</button>
<button type="submit" name="action" value="fail" class="secondary">Fail confirmation</button>
</form>
</div>`
  return page(200, 'Confirm this payment', body, payment.returnUrl)
}

/** A payment that already went through: paying again does nothing. */
export function paidPage(payment: PagePayment): Response {
  const body = `${summary(payment)}
<p class="notice good" role="status">This payment is already paid. Nothing more was charged.</p>
${backLink(payment, 'Return to Souk')}`
  return page(200, 'Already paid', body, payment.returnUrl)
}

/** A payment that failed for good (its confirmation was refused). */
export function failedPage(payment: PagePayment, message: string, status = 200): Response {
  const body = `${summary(payment)}
<p class="notice bad" role="alert">${escape(message)}</p>
${backLink(payment, 'Return to Souk')}`
  return page(status, 'Payment failed', body, payment.returnUrl)
}

export function notFoundPage(): Response {
  return page(404, 'Payment not found', '<p>There is no sandbox payment at this address. It may have been mistyped.</p>', null)
}
