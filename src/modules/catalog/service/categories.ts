import { and, asc, count, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../../db/client'
import { FOREIGN_KEY_VIOLATION, pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import { AppError, type FieldProblem } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import type { Bus } from '../../../lib/bus'
import { invalidatePages } from '../../../lib/page-invalidation'
import type { Actor } from '../../../lib/request-origin'
import { type AuditSummary, recordAudit } from '../../audit'
import type { CatalogModel } from '../model'
import { type AttributeDefinition, type AttributeValue, categories, products } from '../table'
import type { CatalogDeps, Conn } from './shared'

/** Other instances drop their cached tree when this topic hears of a change. */
export const CATEGORIES_CHANGED_TOPIC = 'catalog:categories:changed'

/** Serialises moves and deletes, so two concurrent moves cannot make a cycle between them. */
const TREE_LOCK = 7_201_345_120

type CategoryRow = typeof categories.$inferSelect

function toCategory(row: CategoryRow): CatalogModel.Category {
  return {
    id: row.id,
    parentId: row.parentId,
    slug: row.slug,
    name: row.name,
    description: row.description,
    imageUrl: row.imageUrl,
    attributes: row.attributes,
    position: row.position,
  }
}

/**
 * The whole tree, built once and kept until a category changes (here, or on another instance
 * through the bus). The catalog's navigation reads it on every page, and it changes rarely.
 */
export class CategoryTreeCache {
  private tree: Promise<CatalogModel.CategoryNode[]> | null = null

  constructor(bus: Bus) {
    bus.subscribe(CATEGORIES_CHANGED_TOPIC, () => this.clear())
  }

  get(db: Conn): Promise<CatalogModel.CategoryNode[]> {
    this.tree ??= buildTree(db).catch((error: unknown) => {
      this.tree = null
      throw error
    })
    return this.tree
  }

  clear(): void {
    this.tree = null
  }
}

async function buildTree(db: Conn): Promise<CatalogModel.CategoryNode[]> {
  const rows = await db.select().from(categories).orderBy(asc(categories.position), asc(categories.name))
  const childrenOf = new Map<string | null, CategoryRow[]>()
  for (const row of rows) childrenOf.set(row.parentId, [...(childrenOf.get(row.parentId) ?? []), row])
  const ordered: CatalogModel.CategoryNode[] = []
  const visit = (parentId: string | null, depth: number) => {
    for (const row of childrenOf.get(parentId) ?? []) {
      ordered.push({ ...toCategory(row), depth })
      visit(row.id, depth + 1)
    }
  }
  visit(null, 0)
  return ordered
}

async function categoriesChanged(bus: Bus): Promise<void> {
  await bus.publish(CATEGORIES_CHANGED_TOPIC, {})
  await invalidatePages(bus)
}

/** SQL subquery: the ids of the category with `slug` and of all its descendants (none when there is no such category). */
export const descendantIdsOf = (slug: string | SQL): SQL =>
  sql`(with recursive sub(id) as (
        select id from ${categories} where slug = ${slug}
        union all
        select c.id from ${categories} c join sub on c.parent_id = sub.id
      ) select id from sub)`

/** The ids of the category with `slug` and of all its descendants; empty when there is none. */
export async function categoryWithDescendants(db: Conn, slug: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(db, sql`select id from ${descendantIdsOf(slug)} as ids`)
  return rows.map((r) => r.id)
}

/** The ids from `id` up to its root (itself first), with their attribute definitions; empty when it does not exist. */
export async function ancestry(db: Conn, id: string): Promise<{ id: string; attributes: AttributeDefinition[] }[]> {
  return queryRows(
    db,
    sql`with recursive up(id, parent_id, attributes, depth) as (
          select id, parent_id, attributes, 0 from categories where id = ${id}
          union all
          select c.id, c.parent_id, c.attributes, up.depth + 1 from categories c join up on c.id = up.parent_id
        ) select id, attributes from up order by depth`,
  )
}

/**
 * Checks product attributes against the definitions of `categoryId` and its ancestors: no
 * unknown keys, values of the declared type (a select's value among its options), required ones
 * present. Throws 400 naming each field; answers the attributes to store.
 */
export async function validateAttributes(db: Conn, categoryId: string, values: Record<string, AttributeValue>): Promise<Record<string, AttributeValue>> {
  const chain = await ancestry(db, categoryId)
  if (chain.length === 0) throw new AppError('invalid_data', 'No such category', [{ field: 'body.categoryId', message: 'is not a category' }])
  const definitions = new Map(chain.flatMap((c) => c.attributes.map((d) => [d.key, d] as const)))
  const problems: FieldProblem[] = []
  for (const [key, value] of Object.entries(values)) {
    const field = `body.attributes.${key}`
    const definition = definitions.get(key)
    if (definition === undefined) problems.push({ field, message: 'is not an attribute of this category' })
    else if (definition.type === 'number' && typeof value !== 'number') problems.push({ field, message: 'must be a number' })
    else if (definition.type === 'boolean' && typeof value !== 'boolean') problems.push({ field, message: 'must be true or false' })
    else if ((definition.type === 'text' || definition.type === 'select') && typeof value !== 'string') problems.push({ field, message: 'must be text' })
    else if (definition.type === 'select' && !(definition.options ?? []).includes(value as string)) {
      problems.push({ field, message: `must be one of: ${(definition.options ?? []).join(', ')}` })
    }
  }
  for (const definition of definitions.values()) {
    if (definition.required === true && !(definition.key in values)) problems.push({ field: `body.attributes.${definition.key}`, message: 'is required in this category' })
  }
  if (problems.length > 0) throw new AppError('invalid_data', `Invalid ${problems.map((p) => p.field).join(', ')}`, problems)
  return values
}

function checkDefinitions(definitions: AttributeDefinition[]): void {
  const problems: FieldProblem[] = []
  const keys = new Set<string>()
  definitions.forEach((d, i) => {
    if (keys.has(d.key)) problems.push({ field: `body.attributes.${i}.key`, message: 'is defined twice' })
    keys.add(d.key)
    if (d.type === 'select' && (d.options ?? []).length === 0) problems.push({ field: `body.attributes.${i}.options`, message: 'a select needs options' })
    if (d.type !== 'select' && d.options !== undefined) problems.push({ field: `body.attributes.${i}.options`, message: 'only a select has options' })
  })
  if (problems.length > 0) throw new AppError('invalid_data', `Invalid ${problems.map((p) => p.field).join(', ')}`, problems)
}

function conflictOf(error: unknown): AppError | null {
  const pg = pgErrorOf(error)
  if (pg?.code === UNIQUE_VIOLATION && pg.constraint === 'categories_slug_unique') {
    return new AppError('conflict', 'A category with this slug exists', [{ field: 'body.slug', message: 'is taken' }])
  }
  if (pg?.code === FOREIGN_KEY_VIOLATION && pg.constraint === 'categories_parent_id_categories_id_fk') {
    return new AppError('invalid_data', 'No such parent category', [{ field: 'body.parentId', message: 'is not a category' }])
  }
  return null
}

/** An admin's change to the category tree, a platform setting: a `settings.changed` entry in the step's transaction. */
const recordTreeChange = (tx: Tx, by: Actor, id: string, summary: AuditSummary, at: Date) =>
  recordAudit(tx, { by, kind: 'settings.changed', subject: { type: 'category', id }, summary: { setting: 'category', ...summary }, at })

export async function createCategory(deps: CatalogDeps, by: Actor, input: CatalogModel.CreateCategoryBody): Promise<CatalogModel.Category> {
  checkDefinitions(input.attributes ?? [])
  const now = deps.clock.now()
  const row = await deps.db
    .transaction(async (tx) => {
      const [inserted] = await tx
        .insert(categories)
        .values({
          id: newId('cat'),
          parentId: input.parentId ?? null,
          slug: input.slug,
          name: input.name.trim(),
          description: input.description ?? null,
          imageUrl: input.imageUrl ?? null,
          attributes: input.attributes ?? [],
          position: input.position ?? 0,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
      await recordTreeChange(tx, by, inserted!.id, { action: 'create', slug: inserted!.slug, parentId: inserted!.parentId }, now)
      return inserted!
    })
    .catch((error: unknown) => {
      throw conflictOf(error) ?? error
    })
  await categoriesChanged(deps.bus)
  return toCategory(row)
}

/**
 * Edits a category; a new `parentId` moves it with its subtree. A move under itself or under one
 * of its descendants would make a cycle and is refused (400). Moves run under one lock, so two
 * concurrent moves cannot each pass the check and make a cycle together.
 */
export async function updateCategory(deps: CatalogDeps, by: Actor, id: string, input: CatalogModel.UpdateCategoryBody): Promise<CatalogModel.Category> {
  if (input.attributes !== undefined) checkDefinitions(input.attributes)
  const row = await deps.db
    .transaction(async (tx) => {
      if (input.parentId !== undefined && input.parentId !== null) {
        await tx.execute(sql`select pg_advisory_xact_lock(${TREE_LOCK})`)
        const chain = await ancestry(tx, input.parentId)
        if (chain.length === 0) throw new AppError('invalid_data', 'No such parent category', [{ field: 'body.parentId', message: 'is not a category' }])
        if (chain.some((c) => c.id === id)) {
          throw new AppError('invalid_data', 'A category cannot move under itself or its descendants', [{ field: 'body.parentId', message: 'would make a cycle' }])
        }
      }
      const [updated] = await tx
        .update(categories)
        .set({
          ...(input.name === undefined ? {} : { name: input.name.trim() }),
          ...(input.slug === undefined ? {} : { slug: input.slug }),
          ...(input.parentId === undefined ? {} : { parentId: input.parentId }),
          ...(input.description === undefined ? {} : { description: input.description }),
          ...(input.imageUrl === undefined ? {} : { imageUrl: input.imageUrl }),
          ...(input.attributes === undefined ? {} : { attributes: input.attributes }),
          ...(input.position === undefined ? {} : { position: input.position }),
          updatedAt: deps.clock.now(),
        })
        .where(eq(categories.id, id))
        .returning()
      if (updated === undefined) throw new AppError('not_found', 'No such category')
      await recordTreeChange(tx, by, id, { action: 'update', fields: Object.keys(input).sort().join(','), slug: updated.slug, parentId: updated.parentId }, updated.updatedAt)
      return updated
    })
    .catch((error: unknown) => {
      throw conflictOf(error) ?? error
    })
  await categoriesChanged(deps.bus)
  return toCategory(row)
}

/**
 * Deletes a category that has no subcategories and no live products (409 otherwise). Deleted
 * products let go of it. A product created meanwhile still holds it through the foreign key, and
 * the delete then fails as a 409 too.
 */
export async function deleteCategory(deps: CatalogDeps, by: Actor, id: string): Promise<void> {
  await deps.db
    .transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${TREE_LOCK})`)
      const [found] = await tx.select({ id: categories.id }).from(categories).where(eq(categories.id, id)).for('update')
      if (found === undefined) throw new AppError('not_found', 'No such category')
      const [children] = await tx.select({ n: count() }).from(categories).where(eq(categories.parentId, id))
      if ((children?.n ?? 0) > 0) throw new AppError('conflict', 'Move or delete its subcategories first', { subcategories: children!.n })
      const [live] = await tx.select({ n: count() }).from(products).where(and(eq(products.categoryId, id), isNull(products.deletedAt)))
      if ((live?.n ?? 0) > 0) throw new AppError('conflict', 'This category still has products', { products: live!.n })
      await tx.update(products).set({ categoryId: null }).where(and(eq(products.categoryId, id), isNotNull(products.deletedAt)))
      const [deleted] = await tx.delete(categories).where(eq(categories.id, id)).returning({ slug: categories.slug })
      await recordTreeChange(tx, by, id, { action: 'delete', slug: deleted!.slug }, deps.clock.now())
    })
    .catch((error: unknown) => {
      if (pgErrorOf(error)?.code === FOREIGN_KEY_VIOLATION) throw new AppError('conflict', 'This category still has products')
      throw error
    })
  await categoriesChanged(deps.bus)
}
