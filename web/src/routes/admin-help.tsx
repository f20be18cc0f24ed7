import { useSearchParams } from '@solidjs/router'
import { createResource, createSignal, For, Show } from 'solid-js'
import { HELP_CATEGORIES, HELP_CATEGORY_LABEL, HELP_LIMITS, type HelpCategory } from '../../../src/modules/help/categories'
import { SignedIn } from '../components/auth-gate'
import { Button, ButtonLink } from '../components/button'
import { ConfirmDialog, createRequestState } from '../components/confirm-dialog'
import { Badge, Callout, EmptyState, Skeleton } from '../components/feedback'
import { SelectField, TextAreaField, TextField } from '../components/field'
import { FormAlert, SubmitButton } from '../components/form'
import { Markdown } from '../components/markdown'
import { toast, toastError } from '../components/toast'
import { fieldErrors } from '../lib/errors'
import { timeAgo } from '../lib/format'
import { PageMeta } from '../lib/head'
import { type AdminHelpArticle, createHelpArticle, deleteHelpArticle, listAdminHelpArticles, updateHelpArticle } from '../lib/help'

const FIELDS = ['title', 'slug', 'category', 'keywords', 'published', 'body'] as const

/** Keywords as typed (comma-separated) into the list the server keeps (it trims and lower-cases them too). */
const keywordsOf = (text: string) =>
  text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')

/** One article's form (a new one when `article` is null), with the body's preview rendered as visitors will see it. */
function ArticleEditor(props: { article: AdminHelpArticle | null; question?: string; onSaved: (article: AdminHelpArticle) => void; onDeleted: () => void; onClose: () => void }) {
  const [body, setBody] = createSignal(props.article?.body ?? '')
  const [category, setCategory] = createSignal<HelpCategory>(props.article?.category ?? 'buying')
  const [deleting, setDeleting] = createSignal(false)
  const request = createRequestState()
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const data = new FormData(e.currentTarget as HTMLFormElement)
    const text = (name: string) => String(data.get(name) ?? '')
    const input = {
      title: text('title'),
      slug: text('slug').trim(),
      category: category(),
      keywords: keywordsOf(text('keywords')),
      published: data.get('published') !== null,
      body: body(),
    }
    void request.run(async () => {
      const saved = props.article === null ? await createHelpArticle(input) : await updateHelpArticle(props.article.id, input)
      toast(saved.published ? 'Saved and published' : 'Saved as a draft', 'success')
      props.onSaved(saved)
    })
  }
  const errors = () => fieldErrors(request.error())
  return (
    <section class="card card__body stack" aria-labelledby="help-editor-heading">
      <div class="row" style={{ 'justify-content': 'space-between' }}>
        <h2 id="help-editor-heading" class="section-title">
          {props.article === null ? 'New article' : `Edit “${props.article.title}”`}
        </h2>
        <Button variant="ghost" size="sm" onClick={() => props.onClose()}>
          Close
        </Button>
      </div>
      <Show when={props.question}>
        {(question) => (
          <Callout tone="info">
            <p>The help assistant could not answer: “{question()}”</p>
          </Callout>
        )}
      </Show>
      <form class="stack" onSubmit={submit} aria-label="Help article">
        <FormAlert error={request.error()} fields={FIELDS} />
        <TextField label="Title" name="title" required minLength={HELP_LIMITS.titleMin} maxLength={HELP_LIMITS.titleMax} value={props.article?.title ?? ''} error={errors().title} />
        <TextField
          label="Slug"
          name="slug"
          required
          maxLength={HELP_LIMITS.slugMax}
          pattern="[a-z0-9]+(-[a-z0-9]+)*"
          value={props.article?.slug ?? ''}
          hint="Its address: /help/articles/<slug>. Lower-case letters and digits joined by hyphens."
          error={errors().slug}
        />
        <SelectField
          label="Category"
          name="category"
          value={category()}
          onChange={(e) => setCategory(e.currentTarget.value as HelpCategory)}
          options={HELP_CATEGORIES.map((value) => ({
            value,
            label: HELP_CATEGORY_LABEL[value],
          }))}
          error={errors().category}
        />
        <TextField
          label="Keywords"
          name="keywords"
          value={props.article?.keywords.join(', ') ?? ''}
          hint={`Words people search with that the text may not use, separated by commas (at most ${HELP_LIMITS.keywordsMax}).`}
          error={errors().keywords ?? Object.entries(errors()).find(([field]) => field.startsWith('keywords.'))?.[1]}
        />
        <label class="check">
          <input type="checkbox" name="published" checked={props.article?.published ?? false} /> Published (visitors and the assistant see it)
        </label>
        <div class="help-editor">
          <TextAreaField label="Body (Markdown)" name="body" required rows={18} maxLength={HELP_LIMITS.bodyMax} value={body()} onInput={(e) => setBody(e.currentTarget.value)} error={errors().body} />
          <section class="stack stack--tight" aria-labelledby="help-preview-heading">
            <h3 id="help-preview-heading" class="section-title">
              Preview
            </h3>
            {/* Links in the preview do not follow: leaving would lose the unsaved draft. */}
            <div class="help-editor__preview" role="region" aria-labelledby="help-preview-heading" tabindex="0" on:click={(e) => (e.target as Element).closest('a') && e.preventDefault()}>
              <Markdown source={body()} />
            </div>
          </section>
        </div>
        <div class="row row--end">
          <Show when={props.article}>
            {(article) => (
              <>
                <Show when={article().published}>
                  <ButtonLink variant="ghost" href={`/help/articles/${article().slug}`}>
                    View
                  </ButtonLink>
                </Show>
                <Button variant="danger" onClick={() => setDeleting(true)}>
                  Delete
                </Button>
              </>
            )}
          </Show>
          <SubmitButton pending={request.pending()} pendingLabel="Saving…">
            Save
          </SubmitButton>
        </div>
      </form>
      <Show when={props.article}>
        {(article) => (
          <ConfirmDialog
            title="Delete this article?"
            open={deleting()}
            onClose={() => setDeleting(false)}
            keep="Keep it"
            confirm="Delete"
            pendingLabel="Deleting…"
            onConfirm={async () => {
              await deleteHelpArticle(article().id)
              toast('Article deleted', 'success')
              props.onDeleted()
            }}
          >
            <p>“{article().title}” leaves the help centre for good. Links to it will find nothing.</p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  )
}

function HelpArticles() {
  const [articles, { refetch }] = createResource(() =>
    listAdminHelpArticles().catch((error: unknown) => {
      toastError(error, 'Could not load the articles')
      return []
    }),
  )
  // The article being edited: an id, 'new', or none.
  // From the unanswered questions' "Write an article" (?question=): a new article, the question above it.
  const [params] = useSearchParams<{ question?: string }>()
  const [editing, setEditing] = createSignal<string | null>(params.question === undefined ? null : 'new')
  const current = () => articles()?.find((a) => a.id === editing()) ?? null
  const done = (next: string | null) => {
    setEditing(next)
    void refetch()
  }
  return (
    <div class="stack">
      <div class="row row--end">
        <Button variant="primary" onClick={() => setEditing('new')}>
          New article
        </Button>
      </div>
      <Show when={editing() !== null && (editing() === 'new' || current() !== null)}>
        {/* Keyed on the article, so switching articles starts a fresh form. */}
        <Show when={editing()} keyed>
          {(id) => (
            <ArticleEditor article={articles()?.find((a) => a.id === id) ?? null} question={id === 'new' ? params.question : undefined} onSaved={(saved) => done(saved.id)} onDeleted={() => done(null)} onClose={() => setEditing(null)} />
          )}
        </Show>
      </Show>
      <section class="card card__body stack" aria-labelledby="help-articles-heading">
        <h2 id="help-articles-heading" class="section-title">
          Articles
        </h2>
        <Show when={articles()} fallback={<Skeleton height="120px" />}>
          {(list) => (
            <Show
              when={list().length > 0}
              fallback={
                <EmptyState icon="info" title="No articles yet" headingLevel={3}>
                  Articles you write here answer visitors in the help centre and the assistant.
                </EmptyState>
              }
            >
              <div class="table-scroll">
                <table class="data-table">
                  <caption class="visually-hidden">Help articles by category, then title</caption>
                  <thead>
                    <tr>
                      <th scope="col">Title</th>
                      <th scope="col">Category</th>
                      <th scope="col">State</th>
                      <th scope="col">Updated</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={list()}>
                      {(article) => (
                        <tr>
                          <td>
                            <Button variant="ghost" size="sm" class="help-title-button" onClick={() => setEditing(article.id)} aria-label={`Edit ${article.title}`}>
                              {article.title}
                            </Button>
                            <div class="muted">/help/articles/{article.slug}</div>
                          </td>
                          <td>{HELP_CATEGORY_LABEL[article.category]}</td>
                          <td>
                            <Badge tone={article.published ? 'success' : 'neutral'}>{article.published ? 'Published' : 'Draft'}</Badge>
                          </td>
                          <td>{timeAgo(article.updatedAt)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          )}
        </Show>
      </section>
    </div>
  )
}

/** Admin → Help articles: the help centre's articles, written and published here with a live preview. */
export default function AdminHelp() {
  return (
    <>
      <PageMeta title="Help articles" description="Souk administration: the help centre's articles." noindex />
      <div class="page-header">
        <div>
          <h1>Help articles</h1>
          <p>The help centre’s articles in Markdown: what visitors read and search, and what the assistant answers from.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <HelpArticles />
      </SignedIn>
    </>
  )
}
