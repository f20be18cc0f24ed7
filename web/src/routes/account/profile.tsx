import { A, action, useAction, useSubmission } from '@solidjs/router'
import { Show } from 'solid-js'
import { Button } from '../../components/button'
import { Callout } from '../../components/feedback'
import { TextAreaField, TextField } from '../../components/field'
import { FormAlert, SubmitButton } from '../../components/form'
import { Icon } from '../../components/icons'
import { Avatar } from '../../components/media'
import { toast } from '../../components/toast'
import { api } from '../../lib/api'
import { fieldErrors, toApiError } from '../../lib/errors'
import { type FormInput, formText, optionalText } from '../../lib/forms'
import { currentUser, setSessionUser } from '../../lib/session'

const FIELDS = ['displayName', 'handle', 'bio', 'location', 'phone'] as const

const saveProfile = action(async (form: FormInput) => {
  const res = await api().api.v1.me.patch({
    displayName: formText(form, 'displayName'),
    handle: formText(form, 'handle'),
    bio: optionalText(form, 'bio'),
    location: optionalText(form, 'location'),
    phone: optionalText(form, 'phone'),
  })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  setSessionUser(res.data)
  return 'Your profile is saved. This is how others see you now.'
}, 'save-profile')

const uploadAvatar = action(async (file: File) => {
  const res = await api().api.v1.me.avatar.post({ file })
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  setSessionUser(res.data)
  toast('Your new photo is up.', 'success')
}, 'upload-avatar')

const removeAvatar = action(async () => {
  const res = await api().api.v1.me.avatar.delete()
  if (res.error !== null) throw toApiError(res.status, res.error.value)
  setSessionUser(res.data)
  toast('Your photo is removed.', 'success')
}, 'remove-avatar')

function AvatarEditor() {
  const user = () => currentUser()!
  const upload = useAction(uploadAvatar)
  const remove = useAction(removeAvatar)
  const uploading = useSubmission(uploadAvatar)
  const removing = useSubmission(removeAvatar)
  let input: HTMLInputElement | undefined
  const busy = () => uploading.pending === true || removing.pending === true
  return (
    <section class="avatar-editor" aria-labelledby="avatar-heading">
      <Avatar src={user().avatarUrl} name={`${user().displayName}'s photo`} size={96} />
      <div class="stack stack--tight">
        <h3 id="avatar-heading">Profile photo</h3>
        <p class="field__hint">JPEG, PNG, WebP or GIF, up to 5 MB. We crop it to a square and remove hidden details such as location.</p>
        <div class="row">
          <input
            ref={input}
            type="file"
            name="file"
            class="visually-hidden"
            id="avatar-file"
            accept="image/jpeg,image/png,image/webp,image/gif"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0]
              e.currentTarget.value = ''
              if (file !== undefined) void upload(file).catch(() => {})
            }}
          />
          <Button size="sm" onClick={() => input?.click()} disabled={busy()} aria-describedby="avatar-heading">
            <Icon name="camera" /> {uploading.pending === true ? 'Uploading…' : user().avatarUrl === null ? 'Upload a photo' : 'Change photo'}
          </Button>
          <Show when={user().avatarUrl !== null}>
            <Button size="sm" variant="ghost" onClick={() => void remove().catch(() => {})} disabled={busy()}>
              Remove
            </Button>
          </Show>
        </div>
        <FormAlert error={uploading.error ?? removing.error} fields={[]} />
      </div>
    </section>
  )
}

export function Profile() {
  const user = () => currentUser()!
  const submission = useSubmission(saveProfile)
  const errors = () => fieldErrors(submission.error)
  return (
    <div class="settings-section">
      <AvatarEditor />
      <form action={saveProfile} method="post" class="settings-form">
        <Show when={submission.result}>
          {(message) => (
            <Callout tone="success">
              <p>
                {message()} <A href={`/users/${user().id}`}>See your public profile</A>
              </p>
            </Callout>
          )}
        </Show>
        <FormAlert error={submission.error} fields={FIELDS} />
        <TextField label="Display name" name="displayName" required maxLength={60} value={user().displayName} autocomplete="nickname" error={errors().displayName} />
        <TextField
          label="Handle"
          name="handle"
          required
          maxLength={30}
          pattern="\w{3,30}"
          value={user().handle}
          spellcheck={false}
          hint="How people @mention you: 3 to 30 letters (a-z), digits or _."
          error={errors().handle}
        />
        <TextAreaField label="Bio" name="bio" rows={4} maxLength={500} value={user().bio ?? ''} hint="A few words about you or what you sell. Up to 500 characters." error={errors().bio} />
        <div class="grid grid--2">
          <TextField label="Location" name="location" maxLength={100} value={user().location ?? ''} autocomplete="address-level2" placeholder="City, country" error={errors().location} />
          <TextField label="Phone" name="phone" type="tel" value={user().phone ?? ''} autocomplete="tel" hint="Only you see it." error={errors().phone} />
        </div>
        <div>
          <SubmitButton pending={submission.pending} pendingLabel="Saving…">
            Save profile
          </SubmitButton>
        </div>
      </form>
    </div>
  )
}
