/**
 * What a router action receives from a submitted form: FormData for multipart forms,
 * URLSearchParams otherwise (see @solidjs/router's submit handling).
 */
export type FormInput = FormData | URLSearchParams

/** A text field of a submitted form, '' when absent. */
export function formText(form: FormInput, name: string): string {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}

/** An optional text field: null when left blank, so the server clears it. */
export function optionalText(form: FormInput, name: string): string | null {
  const value = formText(form, name).trim()
  return value === '' ? null : value
}
