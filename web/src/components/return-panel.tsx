import { type Accessor, createEffect, createSignal, For, Index, type JSX, on, Show } from 'solid-js'
import { RETURN_PHOTO_LIMIT, RETURN_REASONS, type ReturnAction } from '../../../src/modules/returns/status'
import { formatPrice } from '../lib/catalog'
import { fieldErrors } from '../lib/errors'
import { timeAgo } from '../lib/format'
import type { Order } from '../lib/orders'
import {
  addReturnPhoto,
  approveReturn,
  cancelReturn,
  confirmReturnReceived,
  escalateReturn,
  getOrderReturns,
  markReturnSent,
  type OrderReturns,
  rejectReturn,
  requestReturn,
  type Return,
} from '../lib/returns'
import { Button } from './button'
import { ConfirmDialog } from './confirm-dialog'
import { Dialog } from './dialog'
import { Callout } from './feedback'
import { SelectField, TextAreaField } from './field'
import { FileButton, PHOTO_TYPES } from './file-button'
import { dayDate } from './finance-parts'
import { FormAlert, SubmitButton } from './form'
import { Icon } from './icons'
import { createItemCounts, ItemCountList } from './item-counts'
import { Section } from './order-detail'
import { ReasonDialog } from './reason-dialog'
import { RETURN_REASON_LABEL, refundTo, returnAmount, returnedItems, type ReturnSide, ReturnSummary } from './return-parts'
import { toast, toastError } from './toast'

/** Each step's button (keyed by the server's actions: one added there does not compile here until it has words). */
const ACTION_LABEL: Record<ReturnAction, string> = {
  approve: 'Approve',
  reject: 'Reject',
  cancel: 'Cancel return',
  mark_sent: 'I sent it back',
  confirm_received: 'I received the items',
  add_photo: 'Add a photo',
  escalate: 'Take it to a dispute',
}
const ACTION_VARIANT: Record<ReturnAction, 'primary' | 'secondary' | 'ghost' | 'danger'> = {
  approve: 'primary',
  reject: 'danger',
  cancel: 'ghost',
  mark_sent: 'primary',
  confirm_received: 'primary',
  add_photo: 'secondary',
  escalate: 'danger',
}

/** A step that needs words (return instructions, how it was sent, what happened): `onSubmit` throws the server's error, shown beside the field. */
function WordsDialog(props: {
  title: string
  open: boolean
  onClose: () => void
  intro: JSX.Element
  label: string
  name: string
  optional?: boolean
  maxLength: number
  hint: string
  confirm: string
  variant?: 'primary' | 'danger'
  onSubmit: (text: string) => Promise<unknown>
}) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const close = () => {
    setError(null)
    props.onClose()
  }
  return (
    <Dialog open={props.open} onClose={close} title={props.title}>
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault()
          // Kept before the await: the event's currentTarget is null once its dispatch is over.
          const form = e.currentTarget
          setPending(true)
          setError(null)
          try {
            await props.onSubmit(String(new FormData(form).get(props.name) ?? '').trim())
            form.reset()
            close()
          } catch (caught) {
            setError(caught)
          } finally {
            setPending(false)
          }
        }}
      >
        {props.intro}
        <FormAlert error={error()} fields={[props.name]} />
        <TextAreaField
          label={props.label}
          name={props.name}
          required={props.optional !== true}
          minLength={props.optional === true ? undefined : 3}
          maxLength={props.maxLength}
          rows={props.optional === true ? 2 : 4}
          hint={props.hint}
          error={fieldErrors(error())[props.name]}
        />
        <div class="row row--end">
          <Button variant="ghost" onClick={close}>
            Not now
          </Button>
          <SubmitButton variant={props.variant ?? 'primary'} pending={pending()}>
            {props.confirm}
          </SubmitButton>
        </div>
      </form>
    </Dialog>
  )
}

/** Another photo for my return while the shop has not decided; a refused one is said with the server's reason. */
function AddPhoto(props: { ret: Return; onAdded: (ret: Return) => void }) {
  const [pending, setPending] = createSignal(false)
  const upload = async (file: File) => {
    setPending(true)
    try {
      props.onAdded(await addReturnPhoto(props.ret.id, file))
      toast('Photo added. The shop sees it.', 'success')
    } catch (error) {
      toastError(error, 'Could not add the photo')
    } finally {
      setPending(false)
    }
  }
  return (
    <FileButton accept={PHOTO_TYPES} disabled={pending()} onFile={(file) => void upload(file)}>
      <Icon name="camera" /> {pending() ? 'Adding…' : ACTION_LABEL.add_photo}
    </FileButton>
  )
}

/**
 * One return as `side` reads it, with a button for each step the server says the reader may take
 * now (its `actions`), each asked in a dialog. The return a step answers goes to `onChange`.
 */
function ReturnCase(props: { ret: Return; side: ReturnSide; onChange: (ret: Return) => void }) {
  const [asked, setAsked] = createSignal<ReturnAction | null>(null)
  const r = () => props.ret
  const close = () => setAsked(null)
  // Only the steps offered have their dialog.
  const can = (action: ReturnAction) => r().actions.includes(action)
  const step = async (run: (id: string) => Promise<Return>, done: string) => {
    props.onChange(await run(r().id))
    toast(done, 'success')
  }
  const refund = () => `${returnAmount(r())} ${refundTo(r(), props.side)}`
  return (
    <article class="stack" aria-label="Return">
      {/* A line between an order's returns, saying when each was asked. */}
      <p class="divider">Asked {timeAgo(r().createdAt)}</p>
      <ReturnSummary ret={r()} side={props.side} />
      <Show when={r().actions.length > 0}>
        <div class="row">
          <For each={r().actions.filter((action) => action !== 'add_photo')}>
            {(action) => (
              <Button variant={ACTION_VARIANT[action]} onClick={() => setAsked(action)}>
                {ACTION_LABEL[action]}
              </Button>
            )}
          </For>
          <Show when={can('add_photo') && r().photos.length < RETURN_PHOTO_LIMIT}>
            <AddPhoto ret={r()} onAdded={props.onChange} />
          </Show>
        </div>
        <Show when={can('approve')}>
          <WordsDialog
            title="Approve the return"
            open={asked() === 'approve'}
            onClose={close}
            intro={<p>Say where and how the buyer sends back {returnedItems(r())}. Once they are back with you, confirm it here: {refund()} is then refunded.</p>}
            label="Return instructions"
            name="instructions"
            maxLength={2000}
            hint="The buyer reads this: the address, and anything to put in the parcel."
            confirm="Approve the return"
            onSubmit={(instructions) => step((id) => approveReturn(id, instructions), 'Return approved. The buyer has your instructions.')}
          />
        </Show>
        <Show when={can('reject')}>
          <ReasonDialog
            title="Reject the return?"
            open={asked() === 'reject'}
            onClose={close}
            confirm="Reject the return"
            hint="The buyer reads this, and may take it to a dispute."
            intro={<p>The buyer keeps the items and is not refunded.</p>}
            onSubmit={(reason) => step((id) => rejectReturn(id, reason), 'Return rejected. The buyer is told.')}
          />
        </Show>
        <Show when={can('cancel')}>
          <ConfirmDialog
            title="Cancel this return?"
            open={asked() === 'cancel'}
            onClose={close}
            keep="Keep it"
            confirm="Cancel the return"
            onConfirm={() => step(cancelReturn, 'Return cancelled. The shop is told.')}
          >
            <p>You keep the items and are not refunded. The shop is told.</p>
          </ConfirmDialog>
        </Show>
        <Show when={can('mark_sent')}>
          <WordsDialog
            title="Sent it back?"
            open={asked() === 'mark_sent'}
            onClose={close}
            intro={<p>Tell the shop the items are on their way back. Once it has them, {refund()} is refunded.</p>}
            label="How you sent it (optional)"
            name="note"
            optional
            maxLength={300}
            hint="A carrier and tracking number, say. The shop reads this."
            confirm="Tell the shop"
            onSubmit={(note) => step((id) => markReturnSent(id, note === '' ? undefined : note), 'The shop is told the items are on their way.')}
          />
        </Show>
        <Show when={can('confirm_received')}>
          <ConfirmDialog
            title="Did you receive the items?"
            open={asked() === 'confirm_received'}
            onClose={close}
            keep="Not yet"
            confirm="Yes, I received them"
            onConfirm={() => step(confirmReturnReceived, 'Received. The buyer is refunded and the stock is back.')}
          >
            <p>
              Confirm only once {returnedItems(r())} are back with you. <strong>{refund()}</strong> is then refunded, and the items go back in stock: this cannot be undone.
            </p>
          </ConfirmDialog>
        </Show>
        <Show when={can('escalate')}>
          <WordsDialog
            title="Take it to a dispute"
            open={asked() === 'escalate'}
            onClose={close}
            intro={<p>Souk then holds your payment and decides, after hearing the shop.</p>}
            label="What happened?"
            name="description"
            maxLength={2000}
            hint="The shop and Souk read this."
            confirm="Open a dispute"
            variant="danger"
            onSubmit={(description) => step((id) => escalateReturn(id, description), 'Dispute opened. Your payment is held until Souk decides.')}
          />
        </Show>
      </Show>
    </article>
  )
}

/** A photo the server refused once the return was made: its file's name and the server's reason. */
interface RefusedPhoto {
  name: string
  message: string
}

/**
 * The buyer asks to return items: how many of each (up to what may still come back), why, what
 * happened, and up to RETURN_PHOTO_LIMIT photos. The return is made first, then each photo added
 * to it; a photo the server refuses is listed with its reason (the return stands: others can be
 * added to it until the shop decides). Each return the server answers goes to `onChange`.
 */
function RequestReturnDialog(props: { order: Order; info: OrderReturns; open: boolean; onClose: () => void; onChange: (ret: Return) => void }) {
  const returnable = () => props.info.returnable.filter((item) => item.quantity > 0)
  const counts = createItemCounts(returnable, () => props.open)
  const [photos, setPhotos] = createSignal<File[]>([])
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const [refused, setRefused] = createSignal<RefusedPhoto[] | null>(null)
  // Each opening starts afresh.
  createEffect(
    on(
      () => props.open,
      (open) => {
        if (!open) return
        setPhotos([])
        setError(null)
        setRefused(null)
      },
    ),
  )
  const money = (minor: number) => formatPrice(minor, props.order.currency)

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form)
    setPending(true)
    setError(null)
    try {
      let ret = await requestReturn(props.order.id, {
        items: counts.chosen(),
        reason: String(data.get('reason')) as Return['reason'],
        description: String(data.get('description') ?? '').trim(),
      })
      props.onChange(ret)
      const failed: RefusedPhoto[] = []
      for (const file of photos()) {
        try {
          ret = await addReturnPhoto(ret.id, file)
          props.onChange(ret)
        } catch (caught) {
          failed.push({ name: file.name, message: caught instanceof Error ? caught.message : 'It could not be added.' })
        }
      }
      if (failed.length > 0) {
        setRefused(failed)
        return
      }
      toast('Return asked. The shop is told.', 'success')
      props.onClose()
    } catch (caught) {
      setError(caught)
    } finally {
      setPending(false)
    }
  }

  return (
    <Dialog open={props.open} onClose={props.onClose} title="Return items">
      <Show
        when={refused()}
        fallback={
          <form
            class="stack"
            onSubmit={(e) => {
              e.preventDefault()
              void submit(e.currentTarget)
            }}
          >
            <p>
              <Show when={props.info.windowEndsAt}>{(until) => <>Ask by <strong>{dayDate(until())}</strong>. </>}</Show>
              Once {props.order.vendor.name} approves, it tells you how to send the items back; you are refunded when it has them.
            </p>
            <FormAlert error={error()} fields={['reason', 'description']} />
            <div class="stack stack--tight" role="group" aria-labelledby="return-items-label">
              <strong id="return-items-label">What comes back?</strong>
              <ItemCountList items={returnable()} counts={counts} currency={props.order.currency} />
              <span class="field__hint">{counts.chosen().length === 0 ? 'Choose at least one item.' : `Items worth ${money(counts.worth())}; the delivery fee may come back too.`}</span>
            </div>
            <SelectField label="Why?" name="reason" options={RETURN_REASONS.map((value) => ({ value, label: RETURN_REASON_LABEL[value] }))} error={fieldErrors(error()).reason} />
            <TextAreaField label="What is wrong?" name="description" required minLength={3} maxLength={2000} rows={4} hint="The shop reads this." error={fieldErrors(error()).description} />
            <div class="field">
              <label for="return-photos">Photos (optional)</label>
              <input
                id="return-photos"
                type="file"
                multiple
                accept={PHOTO_TYPES}
                disabled={photos().length >= RETURN_PHOTO_LIMIT}
                aria-describedby="return-photos-hint"
                onChange={(e) => {
                  const files = [...(e.currentTarget.files ?? [])]
                  e.currentTarget.value = ''
                  setPhotos((list) => [...list, ...files].slice(0, RETURN_PHOTO_LIMIT))
                }}
              />
              <span class="field__hint" id="return-photos-hint">
                Up to {RETURN_PHOTO_LIMIT} JPEG, PNG, WebP or GIF photos, 5 MB each. We remove hidden details such as location.
              </span>
            </div>
            <Show when={photos().length > 0}>
              <ul class="list" aria-label="Photos to send">
                <Index each={photos()}>
                  {(file, i) => (
                    <li>
                      <Icon name="image" />
                      <span style={{ flex: '1', 'overflow-wrap': 'anywhere' }}>{file().name}</span>
                      <Button size="sm" variant="ghost" aria-label={`Remove ${file().name}`} onClick={() => setPhotos((list) => list.filter((_, j) => j !== i))}>
                        <Icon name="trash" />
                      </Button>
                    </li>
                  )}
                </Index>
              </ul>
            </Show>
            <div class="row row--end">
              <Button variant="ghost" onClick={props.onClose}>
                Not now
              </Button>
              <SubmitButton pending={pending()} pendingLabel="Asking…" disabled={counts.chosen().length === 0}>
                Ask to return them
              </SubmitButton>
            </div>
          </form>
        }
      >
        {(list) => (
          <div class="stack">
            <Callout tone="success">
              <p>Your return is asked: the shop is told.</p>
            </Callout>
            <Callout tone="danger">
              <p>{list().length === 1 ? 'This photo was not added:' : 'These photos were not added:'}</p>
              <ul data-testid="refused-photos">
                <For each={list()}>
                  {(photo) => (
                    <li>
                      <strong>{photo.name}</strong>: {photo.message}
                    </li>
                  )}
                </For>
              </ul>
            </Callout>
            <p class="muted">You can add others to the return until the shop answers.</p>
            <div class="row row--end">
              <Button variant="primary" onClick={props.onClose}>
                Done
              </Button>
            </div>
          </div>
        )}
      </Show>
    </Dialog>
  )
}

/**
 * An order's returns on its buyer's (`side` buyer), its shop's or an admin's page: for the buyer,
 * while the shop's window is open, "Return items"; then each return — what comes back, the refund
 * and where it goes, what each side said, the photos — with the steps the reader may take now.
 * Read again each time `news` changes (the page bumps it on the order topic's events), so the
 * other side's steps show without a reload.
 */
export function ReturnPanel(props: { order: Order; side: ReturnSide; news: Accessor<number> }) {
  const [info, setInfo] = createSignal<OrderReturns | null>(null)
  const [asking, setAsking] = createSignal(false)
  let reads = 0
  const load = async () => {
    const read = ++reads
    try {
      const fresh = await getOrderReturns(props.order.id)
      if (read === reads) setInfo(fresh)
    } catch (error) {
      if (read === reads) toastError(error, 'Could not load the returns')
    }
  }
  /** A return a step answered, shown at once (newer than any read still on its way); the read that follows brings what may still come back. */
  const put = (ret: Return) => {
    reads += 1
    setInfo((i) => i && { ...i, returns: i.returns.some((r) => r.id === ret.id) ? i.returns.map((r) => (r.id === ret.id ? ret : r)) : [ret, ...i.returns] })
    void load()
  }
  // Runs once mounted (effects do not run in a server render), then on each bump and each status of the order.
  createEffect(on([props.news, () => props.order.status], () => void load()))

  return (
    <Show when={info()}>
      {(i) => (
        <>
          <Show when={i().returns.length > 0 || i().canRequest}>
            <Section title="Returns" anchor="returns">
              <Show when={i().canRequest}>
                <p class="muted">
                  Not what you wanted? You can ask to send items back
                  <Show when={i().windowEndsAt}>{(until) => <> until {dayDate(until())}</>}</Show>. You are refunded once the shop has them.
                </p>
                <div>
                  <Button onClick={() => setAsking(true)}>
                    <Icon name="refresh" /> Return items
                  </Button>
                </div>
              </Show>
              {/* By position: a return read again keeps its open dialogs and photos. */}
              <Index each={i().returns}>{(ret) => <ReturnCase ret={ret()} side={props.side} onChange={put} />}</Index>
            </Section>
          </Show>
          {/* Outside the section's conditions: asking closes the window for more, and the dialog still has photos to add. */}
          <Show when={props.side === 'buyer'}>
            <RequestReturnDialog order={props.order} info={i()} open={asking()} onClose={() => setAsking(false)} onChange={put} />
          </Show>
        </>
      )}
    </Show>
  )
}
