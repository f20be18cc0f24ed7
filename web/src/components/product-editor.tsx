import { action, createAsync, redirect, useSubmission } from '@solidjs/router'
import { createSignal, For, Match, Show, Switch } from 'solid-js'
import type { CatalogModel } from '../../../src/modules/catalog/model'
import { api } from '../lib/api'
import { CONDITION_LABEL, CURRENCIES, type CategoryNode, getCategories, moneyInput, must, parseMoney, type Product } from '../lib/catalog'
import { fieldErrors } from '../lib/errors'
import { type FormInput, formText, optionalText } from '../lib/forms'
import { SelectField, TextAreaField, TextField } from './field'
import { FormAlert, SubmitButton } from './form'
import { toast } from './toast'

type Definition = CategoryNode['attributes'][number]
type Body = Omit<CatalogModel.CreateProductBody, 'status'>

const FIELDS = ['title', 'description', 'priceMinor', 'currency', 'stock', 'sku', 'condition', 'location', 'categoryId', 'status'] as const

/** The attribute definitions a product of `categoryId` carries: its category's and its ancestors'. */
function definitionsOf(tree: CategoryNode[], categoryId: string): Definition[] {
  const byId = new Map(tree.map((c) => [c.id, c]))
  const out: Definition[] = []
  for (let c = byId.get(categoryId); c !== undefined; c = c.parentId === null ? undefined : byId.get(c.parentId)) out.unshift(...c.attributes)
  return out
}

/** The form as a request body (status aside); a price that is not an amount is sent as -1 so the server names the field. */
function bodyOf(form: FormInput, definitions: Definition[]): Body {
  const attributes: Body['attributes'] = {}
  for (const d of definitions) {
    const raw = formText(form, `attr.${d.key}`).trim()
    if (d.type === 'boolean') {
      if (raw !== '') attributes[d.key] = raw === 'true'
    } else if (raw !== '') attributes[d.key] = d.type === 'number' ? Number(raw) : raw
  }
  return {
    title: formText(form, 'title').trim(),
    description: formText(form, 'description').trim(),
    priceMinor: parseMoney(formText(form, 'price')) ?? -1,
    currency: formText(form, 'currency'),
    stock: Number(formText(form, 'stock') || '0'),
    sku: optionalText(form, 'sku'),
    condition: formText(form, 'condition') as Body['condition'],
    location: formText(form, 'location').trim(),
    categoryId: formText(form, 'categoryId'),
    attributes,
  }
}

const createProduct = action(async (definitions: Definition[], form: FormInput) => {
  const product = must(await api().api.v1.products.post({ ...bodyOf(form, definitions), status: formText(form, 'status') as NonNullable<CatalogModel.CreateProductBody['status']> }))
  toast('Your product is listed. Add its photos now.', 'success')
  throw redirect(`/dashboard/products/${product.slug}`)
}, 'create-product')

const updateProduct = action(async (slug: string, definitions: Definition[], form: FormInput) => {
  // A sold product's form has no status: it goes back on sale only through "Reactivate".
  const status = optionalText(form, 'status') as CatalogModel.UpdateProductBody['status'] | null
  const { stock, ...body } = bodyOf(form, definitions)
  // Stock is sent only when the vendor changed it: checkouts take stock meanwhile, and writing back
  // the number the form was loaded with would put sold units on sale again.
  const changed = formText(form, 'stock') !== formText(form, 'stockLoaded')
  must(await api().api.v1.products({ slug }).patch({ ...body, ...(changed ? { stock } : {}), ...(status === null ? {} : { status }) }))
  toast('Changes saved.', 'success')
  return true
}, 'update-product')

/** A `priceMinor` problem belongs to the price input (what was typed was not an amount); `attributes.x` to its input. */
function errorsOf(error: unknown): Record<string, string> {
  const errors = fieldErrors(error)
  if (errors.priceMinor !== undefined) errors.price = 'must be an amount, like 1450 or 1450.50'
  return errors
}

function AttributeInput(props: { definition: Definition; value: string | number | boolean | undefined; error?: string }) {
  const d = () => props.definition
  const name = () => `attr.${d().key}`
  const current = () => (props.value === undefined ? '' : String(props.value))
  return (
    <Switch>
      <Match when={d().type === 'select'}>
        <SelectField label={d().label} name={name()} value={current()} error={props.error} options={[{ value: '', label: '—' }, ...(d().options ?? []).map((o: string) => ({ value: o, label: o }))]} />
      </Match>
      <Match when={d().type === 'boolean'}>
        <SelectField label={d().label} name={name()} value={current()} error={props.error} options={[{ value: '', label: '—' }, { value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }]} />
      </Match>
      <Match when={true}>
        <TextField label={d().label} name={name()} type={d().type === 'number' ? 'number' : 'text'} step="any" value={current()} required={d().required === true} error={props.error} />
      </Match>
    </Switch>
  )
}

/** Create (no `product`) or edit a listing. Server field errors show beside their inputs. */
export function ProductEditor(props: { product?: Product }) {
  const tree = createAsync(() => getCategories())
  const [categoryId, setCategoryId] = createSignal(props.product?.category?.id ?? '')
  const definitions = () => definitionsOf(tree() ?? [], categoryId())
  const submitAction = () => (props.product === undefined ? createProduct.with(definitions()) : updateProduct.with(props.product.slug, definitions()))
  const creating = useSubmission(createProduct)
  const updating = useSubmission(updateProduct)
  const submission = () => (props.product === undefined ? creating : updating)
  const errors = () => errorsOf(submission().error)
  const p = () => props.product
  return (
    <form action={submitAction()} method="post" class="card card__body stack" aria-label={p() === undefined ? 'New product' : 'Edit product'}>
      <FormAlert error={submission().error} fields={[...FIELDS, 'price', ...definitions().map((d) => `attributes.${d.key}`)]} />
      <TextField label="Title" name="title" required minLength={3} maxLength={140} value={p()?.title ?? ''} error={errors().title} />
      <TextAreaField label="Description" name="description" required maxLength={10000} rows={5} value={p()?.description ?? ''} error={errors().description} />
      <div class="grid grid--3">
        <TextField label="Price" name="price" inputmode="decimal" required value={p() === undefined ? '' : moneyInput(p()!.priceMinor)} error={errors().price} />
        <SelectField label="Currency" name="currency" value={p()?.currency ?? 'MAD'} error={errors().currency} options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
        <TextField label="In stock" name="stock" type="number" min="0" required value={String(p()?.stock ?? 1)} error={errors().stock} />
        <input type="hidden" name="stockLoaded" value={String(p()?.stock ?? 1)} />
      </div>
      <div class="grid grid--3">
        <SelectField label="Condition" name="condition" value={p()?.condition ?? 'new'} error={errors().condition} options={Object.entries(CONDITION_LABEL).map(([value, label]) => ({ value, label }))} />
        <TextField label="Location" name="location" required maxLength={100} value={p()?.location ?? ''} placeholder="City, country" error={errors().location} />
        <TextField label="SKU (optional)" name="sku" maxLength={64} value={p()?.sku ?? ''} error={errors().sku} hint="Your own reference." />
      </div>
      <div class="grid grid--2">
        <div class="field">
          <label for="product-category">Category</label>
          <select id="product-category" name="categoryId" class="select" required aria-invalid={errors().categoryId !== undefined} onChange={(e) => setCategoryId(e.currentTarget.value)}>
            <option value="" selected={categoryId() === ''}>Choose a category</option>
            <For each={tree() ?? []}>
              {(c) => (
                <option value={c.id} selected={c.id === categoryId()}>
                  {`${'\u00a0\u00a0'.repeat(c.depth)}${c.name}`}
                </option>
              )}
            </For>
          </select>
          <Show when={errors().categoryId}>{(message) => <span class="field__error">{message()}</span>}</Show>
        </div>
        <Show when={p()?.status !== 'sold'} fallback={<p class="muted">Sold. Use “Reactivate” in your dashboard to sell it again.</p>}>
        <SelectField
          label="Status"
          name="status"
          value={p()?.status ?? 'active'}
          error={errors().status}
          options={[
            { value: 'active', label: 'Active — listed in the catalog' },
            { value: 'draft', label: 'Draft — only you see it' },
            ...(p() === undefined ? [] : [{ value: 'archived', label: 'Archived — hidden' }]),
          ]}
        />
        </Show>
      </div>
      <Show when={definitions().length > 0}>
        <fieldset class="attribute-fields">
          <legend>Details for this category</legend>
          <div class="grid grid--3">
            <For each={definitions()}>{(d) => <AttributeInput definition={d} value={p()?.attributes[d.key]} error={errors()[`attributes.${d.key}`]} />}</For>
          </div>
        </fieldset>
      </Show>
      <div>
        <SubmitButton pending={submission().pending} pendingLabel="Saving…" size="lg">
          {p() === undefined ? 'List this product' : 'Save changes'}
        </SubmitButton>
      </div>
    </form>
  )
}
