/** What Souk asks of a card payment provider. A real provider (Stripe PaymentIntents) is another adapter. */
export interface PaymentProvider {
  readonly name: string // 'sandbox'; the webhook path is /api/v1/payments/webhooks/<name>
  /** Creates the provider's payment; the buyer is sent to `redirectUrl` to pay. */
  createPayment(input: { paymentId: string; amountMinor: number; currency: string; description: string; returnUrl: string }): Promise<{ providerRef: string; redirectUrl: string }>
  /** Verifies a webhook's signature (raw body, headers) and parses it; throws AppError on a bad or stale signature or body. */
  parseWebhook(rawBody: string, headers: Headers, now: Date): ProviderEvent
  /** Refunds (part of) a payment; idempotent on `idempotencyKey`. The outcome also arrives as a `refund.succeeded` webhook. */
  refund(input: { providerRef: string; amountMinor: number; currency: string; idempotencyKey: string }): Promise<{ refundRef: string }>
}

export interface ProviderEvent {
  id: string // the provider's event id: Souk processes each once
  type: 'payment.succeeded' | 'payment.failed' | 'refund.succeeded'
  providerRef: string // the provider's payment id
  amountMinor: number
  currency: string
  /** refund events: the refund's id; null otherwise */
  refundRef: string | null
  /** failure reason shown to the buyer (payment.failed), else null */
  message: string | null
  createdAt: Date // provider's time
}
