import { createSignal, type JSX, Show } from 'solid-js'
import type { ChatMessage } from '../../../src/modules/chat/item'
import type { ChatModel } from '../../../src/modules/chat/model'
import { deleteChatMessage, reportChatMessage } from '../lib/api'
import { fieldErrors } from '../lib/errors'
import { Button } from './button'
import { MESSAGE_REPORT_REASON_LABEL, SYSTEM_MESSAGE_LABEL } from './chat-labels'
import type { PendingMessage } from './chat-thread-state'
import { Dialog } from './dialog'
import { SelectField, TextAreaField } from './field'
import { FormAlert } from './form'
import { Icon } from './icons'
import { Menu } from './menu'
import { PrivatePhoto } from './private-photo'
import { toast } from './toast'

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const clockTime = (iso: string) => TIME.format(new Date(iso))

type Reason = ChatModel.ReportBody['reason']

function ReportMessageDialog(props: { messageId: string; open: boolean; onClose: () => void }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  return (
    <Dialog open={props.open} onClose={props.onClose} title="Report this message">
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault()
          const form = new FormData(e.currentTarget)
          const details = String(form.get('details') ?? '').trim()
          setPending(true)
          setError(null)
          try {
            await reportChatMessage(props.messageId, { reason: String(form.get('reason')) as Reason, ...(details === '' ? {} : { details }) })
            toast('Thanks — the moderators will look at it.', 'success')
            props.onClose()
          } catch (caught) {
            setError(caught)
          } finally {
            setPending(false)
          }
        }}
      >
        <FormAlert error={error()} fields={['reason', 'details']} />
        <SelectField label="What is wrong?" name="reason" options={Object.entries(MESSAGE_REPORT_REASON_LABEL).map(([value, label]) => ({ value, label }))} error={fieldErrors(error()).reason} />
        <TextAreaField label="Details (optional)" name="details" rows={3} maxLength={2000} error={fieldErrors(error()).details} />
        <div class="row row--end">
          <Button variant="ghost" onClick={props.onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={pending()}>
            Send report
          </Button>
        </div>
      </form>
    </Dialog>
  )
}

function Bubble(props: { mine: boolean; children: JSX.Element; footer?: JSX.Element; actions?: JSX.Element; state?: string }) {
  return (
    <li class="chat-msg" classList={{ 'chat-msg--mine': props.mine }} data-state={props.state}>
      <div class="chat-msg__line">
        <div class="chat-msg__bubble">{props.children}</div>
        {props.actions}
      </div>
      <Show when={props.footer}>
        <div class="chat-msg__footer">{props.footer}</div>
      </Show>
    </li>
  )
}

/** One stored message: text, photo, "message deleted", or a transaction step; my receipt under it. */
export function MessageView(props: { message: ChatMessage; mine: boolean; receipt: 'Read' | 'Delivered' | null }) {
  const [reporting, setReporting] = createSignal(false)
  const m = () => props.message
  const remove = () => deleteChatMessage(m().id).catch((error: unknown) => toast(error instanceof Error ? error.message : 'Could not delete it', 'error'))
  return (
    <Show
      when={m().kind !== 'system'}
      fallback={
        <Show when={m().system}>
          {(step) => (
            <li class="chat-system">
              <Icon name="check" /> {SYSTEM_MESSAGE_LABEL[step()]}
              <Show when={m().body}>{(about) => <> · {about()}</>}</Show> · {clockTime(m().createdAt)}
            </li>
          )}
        </Show>
      }
    >
      <Bubble
        mine={props.mine}
        footer={
          <>
            <time datetime={m().createdAt}>{clockTime(m().createdAt)}</time>
            <Show when={props.receipt}>{(receipt) => <span class="chat-msg__receipt">{receipt()}</span>}</Show>
          </>
        }
        actions={
          <Show when={!m().deleted}>
            <Menu label="Message actions" buttonClass="icon-button chat-msg__menu" button={<span aria-hidden="true">⋯</span>}>
              <Show
                when={props.mine}
                fallback={
                  <button type="button" class="menu__item" role="menuitem" tabindex="-1" onClick={() => setReporting(true)}>
                    <Icon name="flag" /> Report message
                  </button>
                }
              >
                <button type="button" class="menu__item" role="menuitem" tabindex="-1" onClick={() => void remove()}>
                  <Icon name="trash" /> Delete message
                </button>
              </Show>
            </Menu>
          </Show>
        }
      >
        <Show when={!m().deleted} fallback={<em class="chat-msg__deleted">Message deleted</em>}>
          {/* Participants only: fetched with the access token. */}
          <Show when={m().image}>
            {(image) => <PrivatePhoto url={image().url} width={image().width} height={image().height} alt={m().body ?? 'Photo'} label="Open photo" class="chat-photo" />}
          </Show>
          <Show when={m().body}>
            <p class="chat-msg__text">{m().body}</p>
          </Show>
        </Show>
      </Bubble>
      <Show when={reporting()}>
        <ReportMessageDialog messageId={m().id} open={reporting()} onClose={() => setReporting(false)} />
      </Show>
    </Show>
  )
}

/** A message of mine on its way: "Sending…", or "Not sent" with a retry (same client id). */
export function PendingView(props: { item: PendingMessage; onRetry: () => void }) {
  return (
    <Bubble
      mine
      state={props.item.state}
      footer={
        <Show when={props.item.state === 'failed'} fallback={<span>Sending…</span>}>
          <span class="chat-msg__failed">
            <Icon name="alert" /> Not sent
          </span>
          <button type="button" class="link-button" onClick={() => props.onRetry()}>
            Retry
          </button>
        </Show>
      }
    >
      <Show when={props.item.preview}>{(url) => <img class="chat-photo chat-photo--local" src={url()} alt="Photo being sent" />}</Show>
      <Show when={props.item.body !== ''}>
        <p class="chat-msg__text">{props.item.body}</p>
      </Show>
    </Bubble>
  )
}
