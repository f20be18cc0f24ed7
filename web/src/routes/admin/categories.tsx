import { action, createAsync, useAction, useSubmission } from '@solidjs/router'
import { createEffect, createSignal, For, lazy, on, Show, Suspense } from 'solid-js'
import { Button } from '../../components/button'
import { Dialog } from '../../components/dialog'
import { EmptyState } from '../../components/feedback'
import { SelectField, TextAreaField, TextField } from '../../components/field'
import { FormAlert, SubmitButton } from '../../components/form'
import { Icon } from '../../components/icons'
import { toast } from '../../components/toast'
import { api } from '../../lib/api'
import { type CategoryNode, getCategories, must } from '../../lib/catalog'
import { ApiError, fieldErrors } from '../../lib/errors'
import { type FormInput, formText, optionalText } from '../../lib/forms'

const FIELDS = ['name', 'slug', 'parentId', 'description', 'position'] as const
// Loaded on demand with the other order screens: this screen is in the entry chunk, near its size budget.
const TaxRates = lazy(() => import('../orders-screens').then((m) => ({ default: m.TaxRates })))

function fieldsOf(form: FormInput) {
  return {
    name: formText(form, 'name').trim(),
    slug: formText(form, 'slug').trim(),
    parentId: optionalText(form, 'parentId'),
    description: optionalText(form, 'description'),
    position: Number(formText(form, 'position') || '0'),
  }
}

const createCategory = action(async (form: FormInput) => {
  const category = must(await api().api.v1.admin.categories.post(fieldsOf(form)))
  toast(`${category.name} is added.`, 'success')
  return category
}, 'create-category')

const updateCategory = action(async (id: string, form: FormInput) => {
  const category = must(await api().api.v1.admin.categories({ id }).patch(fieldsOf(form)))
  toast(`${category.name} is saved.`, 'success')
  return category
}, 'update-category')

const deleteCategory = action(async (id: string, name: string) => {
  must(await api().api.v1.admin.categories({ id }).delete())
  toast(`${name} is deleted.`, 'success')
}, 'delete-category')

/** The parents a category may move under: not itself, not one of its descendants. */
function parentOptions(tree: CategoryNode[], self?: CategoryNode) {
  const banned = new Set<string>()
  if (self !== undefined) {
    banned.add(self.id)
    for (const c of tree) if (c.parentId !== null && banned.has(c.parentId)) banned.add(c.id)
  }
  return [{ value: '', label: '— Top level —' }, ...tree.filter((c) => !banned.has(c.id)).map((c) => ({ value: c.id, label: `${'\u00a0\u00a0'.repeat(c.depth)}${c.name}` }))]
}

function CategoryFields(props: { tree: CategoryNode[]; category?: CategoryNode; errors: Record<string, string> }) {
  const c = () => props.category
  return (
    <>
      <div class="grid grid--2">
        <TextField label="Name" name="name" required maxLength={80} value={c()?.name ?? ''} error={props.errors.name} />
        <TextField label="Slug" name="slug" required pattern="[a-z0-9]+(-[a-z0-9]+)*" maxLength={80} value={c()?.slug ?? ''} error={props.errors.slug} />
      </div>
      <div class="grid grid--2">
        <SelectField label="Parent" name="parentId" value={c()?.parentId ?? ''} options={parentOptions(props.tree, c())} error={props.errors.parentId} />
        <TextField label="Position" name="position" type="number" min="0" value={String(c()?.position ?? 0)} error={props.errors.position} hint="Order among its siblings." />
      </div>
      <TextAreaField label="Description" name="description" rows={2} maxLength={2000} value={c()?.description ?? ''} error={props.errors.description} />
    </>
  )
}

function EditDialog(props: { tree: CategoryNode[]; category: CategoryNode; onClose: () => void }) {
  const submission = useSubmission(updateCategory)
  // Saved: the dialog closes (the toast says so); refused: it stays open with the errors.
  createEffect(on(() => submission.result, (saved) => saved !== undefined && props.onClose(), { defer: true }))
  return (
    <Dialog open onClose={props.onClose} title={`Edit ${props.category.name}`}>
      <form action={updateCategory.with(props.category.id)} method="post" class="stack">
        <FormAlert error={submission.error} fields={FIELDS} />
        <CategoryFields tree={props.tree} category={props.category} errors={fieldErrors(submission.error)} />
        <div class="row row--end">
          <SubmitButton pending={submission.pending} pendingLabel="Saving…">
            Save category
          </SubmitButton>
        </div>
      </form>
    </Dialog>
  )
}

/** The category tree: add, edit, move (a new parent) and delete (refused while in use); below it, the TVA rates. */
export function AdminCategories() {
  const tree = createAsync(() => getCategories())
  const creating = useSubmission(createCategory)
  const remove = useAction(deleteCategory)
  const [editing, setEditing] = createSignal<CategoryNode | null>(null)
  return (
    <div class="admin-columns">
      <section class="stack" aria-labelledby="tree-heading">
        <h3 id="tree-heading">Categories</h3>
        <Show when={(tree()?.length ?? 0) > 0} fallback={<EmptyState icon="tag" title="No categories yet" headingLevel={3}>Add the first one with the form.</EmptyState>}>
          <ul class="admin-list category-tree" aria-label="Category tree">
            <For each={tree()}>
              {(c) => (
                <li class="admin-row" style={{ 'padding-left': `${12 + c.depth * 24}px` }}>
                  <div class="admin-row__main">
                    <strong>{c.name}</strong> <span class="muted">/{c.slug}</span>
                  </div>
                  <div class="admin-row__actions">
                    <Button size="sm" variant="ghost" aria-label={`Edit ${c.name}`} onClick={() => setEditing(c)}>
                      <Icon name="settings" />
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Delete ${c.name}`}
                      onClick={() => void remove(c.id, c.name).catch((error: unknown) => toast(error instanceof ApiError ? error.message : 'That did not work.', 'error'))}
                    >
                      <Icon name="trash" />
                    </Button>
                  </div>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
      <section class="card card__body stack" aria-labelledby="new-category-heading">
        <h3 id="new-category-heading">New category</h3>
        <form action={createCategory} method="post" class="stack">
          <FormAlert error={creating.error} fields={FIELDS} />
          <CategoryFields tree={tree() ?? []} errors={fieldErrors(creating.error)} />
          <div>
            <SubmitButton pending={creating.pending} pendingLabel="Adding…">
              Add category
            </SubmitButton>
          </div>
        </form>
      </section>
      <Show when={editing()} keyed>
        {(category) => <EditDialog tree={tree() ?? []} category={category} onClose={() => setEditing(null)} />}
      </Show>
      <Suspense>
        <TaxRates />
      </Suspense>
    </div>
  )
}
