import type { JSX } from 'solid-js'
import { Button } from './button'

/** The kinds of image the server takes for a photo (it checks the content too). */
export const PHOTO_TYPES = 'image/jpeg,image/png,image/webp,image/gif'

/**
 * A button that asks for one file of the `accept` kinds and hands it to `onFile`. The file input
 * stays hidden and is emptied each time, so the same file may be chosen again after a refusal.
 */
export function FileButton(props: { accept: string; disabled?: boolean; onFile: (file: File) => void; children: JSX.Element }) {
  let input: HTMLInputElement | undefined
  return (
    <>
      <input
        ref={input}
        type="file"
        class="visually-hidden"
        tabindex="-1"
        accept={props.accept}
        onChange={(e) => {
          const [file] = e.currentTarget.files ?? []
          e.currentTarget.value = ''
          if (file !== undefined) props.onFile(file)
        }}
      />
      <Button onClick={() => input?.click()} disabled={props.disabled}>
        {props.children}
      </Button>
    </>
  )
}
