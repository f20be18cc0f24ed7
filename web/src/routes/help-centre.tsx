import { A, createAsync, useParams, useSearchParams } from '@solidjs/router'
import { createResource, createSignal, For, onMount, Show } from 'solid-js'
import { HELP_CATEGORIES, HELP_CATEGORY_LABEL, HELP_LIMITS, type HelpCategory } from '../../../src/modules/help/categories'
import { Button, ButtonLink } from '../components/button'
import { Callout, EmptyState, Skeleton } from '../components/feedback'
import { Markdown } from '../components/markdown'
import { toastError } from '../components/toast'
import { ApiError } from '../lib/errors'
import { monthYear } from '../lib/format'
import { HttpStatus, PageMeta } from '../lib/head'
import { getHelpArticle, getHelpArticles, type HelpArticleSummary, searchHelp } from '../lib/help'

// The help centre's pages: the centre (search, categories, every article), a category, an article.
// Lists and articles render on the server (createAsync over queries the SSR render waits for), so
// search engines read them; search runs in the browser only (each is a rate-limited query).

/** The start of a Markdown text as plain words, for a page's description: links keep their text, marks go. */
const plainStart = (markdown: string) =>
  markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#*_`>]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160)

const isCategory = (value: string): value is HelpCategory => (HELP_CATEGORIES as readonly string[]).includes(value)

function ContactSupport() {
  return (
    <Callout tone="info">
      <p>
        Didn’t find your answer? <A href="/help/contact">Contact support</A>: a person at Souk answers, here and by email.
      </p>
    </Callout>
  )
}

function ArticleLinks(props: { items: { slug: string; title: string; excerpt: string }[]; label: string }) {
  return (
    <ul class="stack help-list" aria-label={props.label}>
      <For each={props.items}>
        {(item) => (
          <li>
            <A href={`/help/articles/${item.slug}`} class="help-list__title">
              {item.title}
            </A>
            <p class="muted">{item.excerpt}</p>
          </li>
        )}
      </For>
    </ul>
  )
}

function CategoryNav(props: { current?: HelpCategory }) {
  return (
    <nav class="row help-categories" aria-label="Help categories">
      <For each={HELP_CATEGORIES}>
        {(category) => (
          <ButtonLink size="sm" variant={props.current === category ? 'primary' : 'secondary'} href={`/help/category/${category}`}>
            {HELP_CATEGORY_LABEL[category]}
          </ButtonLink>
        )}
      </For>
    </nav>
  )
}

/** The words searched (`?q=` in the URL, so a search is a link) and the articles found, read once the page runs in the browser. */
function HelpSearch() {
  const [params, setParams] = useSearchParams<{ q?: string }>()
  const [ready, setReady] = createSignal(false)
  onMount(() => setReady(true))
  const [hits] = createResource(
    () => (ready() && (params.q ?? '').trim() !== '' ? params.q!.trim() : false),
    (q) =>
      searchHelp(q).catch((error: unknown) => {
        // A query without a word (only punctuation) is refused: it matches nothing.
        if (error instanceof ApiError && error.status === 400) return []
        toastError(error, 'Could not search the help centre')
        return []
      }),
  )
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const q = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim()
    setParams({ q: q === '' ? undefined : q })
  }
  return (
    <section class="card card__body stack" aria-labelledby="help-search-heading">
      <h2 id="help-search-heading" class="section-title">
        Search the help centre
      </h2>
      <form role="search" class="row" onSubmit={submit}>
        <input class="input" type="search" name="q" value={params.q ?? ''} maxLength={HELP_LIMITS.queryMax} placeholder="Returns, escrow, tracking…" aria-label="Search help articles" style={{ flex: '1 1 16rem' }} />
        <Button type="submit" variant="primary">
          Search
        </Button>
      </form>
      <div aria-live="polite">
        <Show when={params.q?.trim()}>
          {(q) => (
            <Show when={hits()} fallback={<Skeleton height="60px" />}>
              {(found) => (
                <Show
                  when={found().length > 0}
                  fallback={
                    <EmptyState icon="search" title="No article matches" headingLevel={3} actions={<ButtonLink href="/help/contact">Contact support</ButtonLink>}>
                      Try other words, or ask a person at Souk.
                    </EmptyState>
                  }
                >
                  <ArticleLinks items={found()} label={`Articles matching ${q()}`} />
                </Show>
              )}
            </Show>
          )}
        </Show>
      </div>
    </section>
  )
}

/** /help: search, the categories, and every published article by category. */
export function HelpCentre() {
  const articles = createAsync(() => getHelpArticles(null))
  const inCategory = (list: HelpArticleSummary[], category: HelpCategory) => list.filter((a) => a.category === category)
  return (
    <>
      <PageMeta title="Help centre" description="Answers about buying, paying, escrow, shipping, returns, disputes, selling, plans and your account on Souk." />
      <div class="page-header">
        <div>
          <h1>Help centre</h1>
          <p>How Souk works: buying, paying, escrow, shipping, returns, disputes, selling, plans and your account.</p>
        </div>
        <div class="row">
          <ButtonLink href="/help/conversations">My conversations</ButtonLink>
          <ButtonLink href="/help/contact">Contact support</ButtonLink>
        </div>
      </div>
      <div class="stack">
        <HelpSearch />
        <CategoryNav />
        <Show when={articles()} fallback={<Skeleton height="200px" />}>
          {(list) => (
            <For each={HELP_CATEGORIES.filter((category) => inCategory(list(), category).length > 0)}>
              {(category) => (
                <section class="card card__body stack" aria-labelledby={`help-${category}`}>
                  <h2 id={`help-${category}`} class="section-title">
                    <A href={`/help/category/${category}`}>{HELP_CATEGORY_LABEL[category]}</A>
                  </h2>
                  <ArticleLinks items={inCategory(list(), category)} label={HELP_CATEGORY_LABEL[category]} />
                </section>
              )}
            </For>
          )}
        </Show>
        <ContactSupport />
      </div>
    </>
  )
}

function NotFound(props: { title: string }) {
  return (
    <>
      <HttpStatus code={404} />
      <PageMeta title={props.title} description="This help page is not available on Souk." noindex />
      <div class="card">
        <EmptyState icon="info" title={props.title} actions={<ButtonLink href="/help">Help centre</ButtonLink>}>
          It may have moved or been removed. Search the help centre, or contact support.
        </EmptyState>
      </div>
    </>
  )
}

/** /help/category/:category: its articles. */
export function HelpCategoryPage() {
  const params = useParams<{ category: string }>()
  const category = () => (isCategory(params.category) ? params.category : null)
  const articles = createAsync(async () => (category() === null ? null : getHelpArticles(category())))
  return (
    <Show when={category()} fallback={<NotFound title="No such help category" />}>
      {(current) => (
        <>
          <PageMeta title={`${HELP_CATEGORY_LABEL[current()]} · Help centre`} description={`Souk help articles about ${HELP_CATEGORY_LABEL[current()].toLowerCase()}.`} />
          <div class="page-header">
            <div>
              <p class="muted">
                <A href="/help">Help centre</A>
              </p>
              <h1>{HELP_CATEGORY_LABEL[current()]}</h1>
            </div>
            <ButtonLink href="/help/contact">Contact support</ButtonLink>
          </div>
          <div class="stack">
            <CategoryNav current={current()} />
            <section class="card card__body">
              <Show when={articles()} fallback={<Skeleton height="120px" />}>
                {(list) => (
                  <Show when={list().length > 0} fallback={<p class="muted">No article in this category yet.</p>}>
                    <ArticleLinks items={list()} label={HELP_CATEGORY_LABEL[current()]} />
                  </Show>
                )}
              </Show>
            </section>
            <ContactSupport />
          </div>
        </>
      )}
    </Show>
  )
}

/** /help/articles/:slug: one article, its Markdown rendered. */
export function HelpArticlePage() {
  const params = useParams<{ slug: string }>()
  const article = createAsync(() => getHelpArticle(params.slug))
  return (
    <Show when={article() !== undefined} fallback={<Skeleton height="240px" />}>
      <Show when={article()} fallback={<NotFound title="No such help article" />}>
        {(a) => (
          <>
            <PageMeta title={`${a().title} · Help centre`} description={plainStart(a().body)} />
            <div class="stack help-article">
              <p class="muted">
                <A href="/help">Help centre</A> › <A href={`/help/category/${a().category}`}>{HELP_CATEGORY_LABEL[a().category]}</A>
              </p>
              <article class="card card__body stack" aria-labelledby="help-article-title">
                <h1 id="help-article-title">{a().title}</h1>
                <Markdown source={a().body} />
                <p class="muted">Updated {monthYear(a().updatedAt)}</p>
              </article>
              <ContactSupport />
            </div>
          </>
        )}
      </Show>
    </Show>
  )
}
