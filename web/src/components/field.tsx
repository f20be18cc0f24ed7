import { createUniqueId, For, type JSX, Show, splitProps } from 'solid-js'
import { Icon } from './icons'

interface FieldProps {
  label: string
  /** The server's message for this field (from the error's `details`), shown inline. */
  error?: string
  hint?: string
}

function describedBy(id: string, props: FieldProps): string | undefined {
  const ids = [props.error !== undefined ? `${id}-error` : '', props.hint !== undefined ? `${id}-hint` : ''].filter(Boolean)
  return ids.length > 0 ? ids.join(' ') : undefined
}

function FieldMessages(props: FieldProps & { id: string }) {
  return (
    <>
      <Show when={props.hint}>
        <span class="field__hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      </Show>
      <Show when={props.error}>
        <span class="field__error" id={`${props.id}-error`}>
          <Icon name="alert" />
          {props.error}
        </span>
      </Show>
    </>
  )
}

export function TextField(props: FieldProps & JSX.InputHTMLAttributes<HTMLInputElement>) {
  const [own, input] = splitProps(props, ['label', 'error', 'hint', 'id', 'class'])
  const id = own.id ?? createUniqueId()
  return (
    <div class="field">
      <label for={id}>{own.label}</label>
      <input {...input} id={id} class={own.class === undefined ? 'input' : `input ${own.class}`} aria-invalid={own.error !== undefined} aria-describedby={describedBy(id, own)} />
      <FieldMessages {...own} id={id} />
    </div>
  )
}

export interface SelectOption {
  value: string
  label: string
}

export function SelectField(props: FieldProps & { options: SelectOption[] } & JSX.SelectHTMLAttributes<HTMLSelectElement>) {
  const [own, select] = splitProps(props, ['label', 'error', 'hint', 'id', 'options'])
  const id = own.id ?? createUniqueId()
  return (
    <div class="field">
      <label for={id}>{own.label}</label>
      <select {...select} id={id} class="select" aria-invalid={own.error !== undefined} aria-describedby={describedBy(id, own)}>
        {/* `selected` too: Solid sets the select's value before its options exist, which a browser ignores. */}
        <For each={own.options}>
          {(option) => (
            <option value={option.value} selected={option.value === select.value}>
              {option.label}
            </option>
          )}
        </For>
      </select>
      <FieldMessages {...own} id={id} />
    </div>
  )
}

export function TextAreaField(props: FieldProps & JSX.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const [own, textarea] = splitProps(props, ['label', 'error', 'hint', 'id'])
  const id = own.id ?? createUniqueId()
  return (
    <div class="field">
      <label for={id}>{own.label}</label>
      <textarea {...textarea} id={id} class="input textarea" aria-invalid={own.error !== undefined} aria-describedby={describedBy(id, own)} />
      <FieldMessages {...own} id={id} />
    </div>
  )
}
