import { eq } from 'drizzle-orm'
import sharp from 'sharp'
import type { Db } from './db/client'
import type { Config } from './config'
import type { Clock } from './lib/clock'
import { newId } from './lib/ids'
import type { Logger } from './lib/log'
import { ensureUser, hasNoUsers } from './modules/accounts'
import { users } from './modules/accounts'
import { addImage, slugify } from './modules/catalog'
import { type AttributeDefinition, type AttributeValue, categories, type Condition, products } from './modules/catalog'
import { vendors } from './modules/vendors'
import type { Bus } from './lib/bus'
import { NO_ORIGIN } from './lib/request-origin'
import { transfer } from './modules/ledger'
import { createMailer } from './modules/mail'
import { notify } from './modules/notifications'
import { applyForFeature, boostListing, changePlan, createPlan, FREE_PLAN_ID, type PlansDeps, type PlansModel, updatePlan } from './modules/plans'
import { createSettings } from './modules/settings'

/** The demo sign-ins `npm start` prints; seeded only into an empty database. */
export const DEMO_ACCOUNTS = [
  { email: 'admin@souk.test', password: 'souk-admin-demo', role: 'admin', displayName: 'Souk Admin' },
  { email: 'amira@souk.test', password: 'souk-buyer-demo', role: 'buyer', displayName: 'Amira Haddad' },
  { email: 'youssef@souk.test', password: 'souk-buyer-demo', role: 'buyer', displayName: 'Youssef Benali' },
  { email: 'karim@souk.test', password: 'souk-vendor-demo', role: 'vendor', displayName: 'Karim Aït Ouali' },
] as const

type Deps = { db: Db; clock: Clock; log: Logger; bus: Bus; publicUrl: string; money: Pick<Config['money'], 'commissionBp' | 'seller' | 'autoReleaseDays' | 'withdrawalMinMinor' | 'withdrawalDailyMaxMinor'> }

/** Approved demo shops; the first belongs to the printed vendor account, the others to owners who share its password. */
const SHOPS = [
  {
    key: 'atlas',
    owner: { email: 'karim@souk.test', displayName: 'Karim Aït Ouali' },
    companyName: 'Atlas Loom Cooperative',
    slug: 'atlas-loom',
    description:
      'Forty weavers from the villages around Azrou knot Beni Ouarain and Azilal rugs and weave flat kilims on upright looms, from wool spun and dyed in the cooperative.',
    city: 'Azrou',
    country: 'MA',
    address: '14 Avenue Mohammed V, Azrou 53100',
    phone: '+212 535 562 140',
    website: 'https://atlasloom.example',
    taxNumber: 'MA40218844',
  },
  {
    key: 'medina',
    owner: { email: 'driss@souk.test', displayName: 'Driss Bennani' },
    companyName: 'Medina Brass & Light',
    slug: 'medina-brass-light',
    description:
      'A third-generation workshop in the Seffarine square of Fez: lanterns pierced by hand, engraved trays and hammered copper, made to order or from the shop floor.',
    city: 'Fez',
    country: 'MA',
    address: '3 Place Seffarine, Fès Médina 30110',
    phone: '+212 535 634 511',
    website: null,
    taxNumber: 'MA40991207',
  },
  {
    key: 'levant',
    owner: { email: 'layla@souk.test', displayName: 'Layla Haddad' },
    companyName: 'Bayt Levant',
    slug: 'bayt-levant',
    description:
      'Crafts of the Levant from the families who still make them: Damascene mother-of-pearl inlay, Hebron blown glass, olive-wood from Bethlehem and Tripoli olive-oil soap.',
    city: 'Tripoli',
    country: 'LB',
    address: 'Khan al-Saboun, Old City, Tripoli',
    phone: '+961 6 430 218',
    website: 'https://baytlevant.example',
    taxNumber: 'LB3318207',
  },
  {
    key: 'nabeul',
    owner: { email: 'sami@souk.test', displayName: 'Sami Trabelsi' },
    companyName: 'Nabeul Ceramics Atelier',
    slug: 'nabeul-ceramics',
    description:
      'Wheel-thrown and hand-painted ceramics from Nabeul: cobalt and green glazes, lead-free and fired twice, in the patterns the town has painted for centuries.',
    city: 'Nabeul',
    country: 'TN',
    address: '22 Rue des Potiers, Nabeul 8000',
    phone: '+216 72 285 930',
    website: null,
    taxNumber: 'TN1288431Q',
  },
] as const
type ShopKey = (typeof SHOPS)[number]['key']

const CATEGORIES: { key: string; parent: string | null; name: string; description: string; attributes: AttributeDefinition[] }[] = [
  { key: 'home', parent: null, name: 'Home & Living', description: 'Pieces made by hand for the home.', attributes: [{ key: 'material', label: 'Material', type: 'text' }] },
  {
    key: 'rugs-textiles',
    parent: 'home',
    name: 'Rugs & Textiles',
    description: 'Knotted rugs, kilims, throws and cushions.',
    attributes: [
      { key: 'colour', label: 'Colour', type: 'text' },
      { key: 'width_cm', label: 'Width (cm)', type: 'number' },
      { key: 'length_cm', label: 'Length (cm)', type: 'number' },
      { key: 'hand_knotted', label: 'Hand-knotted', type: 'boolean' },
    ],
  },
  {
    key: 'lighting',
    parent: 'home',
    name: 'Lighting',
    description: 'Lanterns, pendants and table lamps.',
    attributes: [
      { key: 'finish', label: 'Finish', type: 'select', options: ['brass', 'copper', 'silver-plated', 'painted iron', 'glass'] },
      { key: 'height_cm', label: 'Height (cm)', type: 'number' },
    ],
  },
  {
    key: 'ceramics',
    parent: 'home',
    name: 'Ceramics & Tableware',
    description: 'Tagines, plates, bowls and tiles.',
    attributes: [
      { key: 'diameter_cm', label: 'Diameter (cm)', type: 'number' },
      { key: 'food_safe', label: 'Food-safe glaze', type: 'boolean' },
    ],
  },
  { key: 'woodwork', parent: 'home', name: 'Woodwork & Inlay', description: 'Carved, turned and inlaid wood.', attributes: [] },
  { key: 'beauty', parent: null, name: 'Beauty & Wellness', description: 'Traditional soaps, oils and hammam goods.', attributes: [] },
  {
    key: 'soaps-oils',
    parent: 'beauty',
    name: 'Soaps & Oils',
    description: 'Olive-oil soap, argan oil and black soap.',
    attributes: [
      { key: 'weight_g', label: 'Weight (g)', type: 'number' },
      { key: 'scent', label: 'Scent', type: 'text' },
    ],
  },
  { key: 'fashion', parent: null, name: 'Fashion & Leather', description: 'Slippers, bags and woven accessories.', attributes: [{ key: 'colour', label: 'Colour', type: 'text' }] },
]

interface DemoProduct {
  shop: ShopKey
  category: string
  title: string
  description: string
  /** MAD, in dirhams (stored in centimes). */
  price: number
  stock: number
  condition: Condition
  location: string
  attributes: Record<string, AttributeValue>
  sku: string
  featured?: boolean
  boosted?: boolean
}

const PRODUCTS: DemoProduct[] = [
  { shop: 'atlas', category: 'rugs-textiles', title: 'Beni Ouarain rug, ivory with black lozenges', description: 'Thick pile of undyed highland wool, knotted over four months. The lozenge lattice is drawn freehand, so no two lines are quite the same.', price: 6800, stock: 1, condition: 'handmade', location: 'Azrou, Morocco', attributes: { material: 'wool', colour: 'ivory', width_cm: 200, length_cm: 300, hand_knotted: true }, sku: 'ATL-BO-200', featured: true },
  { shop: 'atlas', category: 'rugs-textiles', title: 'Azilal rug in saffron and rose', description: 'Soft Azilal weave with bright abstract motifs on a cream ground; wool and a little cotton, dyed with saffron, madder and henna.', price: 4200, stock: 1, condition: 'handmade', location: 'Azrou, Morocco', attributes: { material: 'wool', colour: 'saffron', width_cm: 150, length_cm: 240, hand_knotted: true }, sku: 'ATL-AZ-150' },
  { shop: 'atlas', category: 'rugs-textiles', title: 'Indigo flat-weave kilim runner', description: 'A narrow hallway runner woven flat, reversible, in indigo and undyed grey stripes.', price: 1900, stock: 3, condition: 'handmade', location: 'Khenifra, Morocco', attributes: { material: 'wool', colour: 'indigo', width_cm: 70, length_cm: 300, hand_knotted: false }, sku: 'ATL-KL-070' },
  { shop: 'atlas', category: 'rugs-textiles', title: 'Vintage Boucherouite rag rug', description: 'Woven in the 1990s from recycled cotton and nylon rags: a riot of pinks, oranges and greens. Washed and repaired.', price: 2300, stock: 1, condition: 'good', location: 'Azrou, Morocco', attributes: { material: 'recycled cotton', colour: 'multicolour', width_cm: 120, length_cm: 190, hand_knotted: true }, sku: 'ATL-BC-VIN' },
  { shop: 'atlas', category: 'rugs-textiles', title: 'Handira wedding blanket with sequins', description: 'A Zemmour wedding blanket in white wool with rows of sewn sequins that catch the light; fringed ends.', price: 3100, stock: 2, condition: 'handmade', location: 'Azrou, Morocco', attributes: { material: 'wool', colour: 'white', width_cm: 100, length_cm: 190, hand_knotted: false }, sku: 'ATL-HD-100' },
  { shop: 'atlas', category: 'rugs-textiles', title: 'Kilim cushion cover, terracotta', description: 'Cut from an old kilim and backed with linen; zip closure, insert not included.', price: 380, stock: 12, condition: 'handmade', location: 'Azrou, Morocco', attributes: { material: 'wool', colour: 'terracotta', width_cm: 45, length_cm: 45 }, sku: 'ATL-CU-045' },
  { shop: 'atlas', category: 'fashion', title: 'Woven straw market basket', description: 'Palm-leaf basket with leather handles, roomy enough for a day at the souk.', price: 290, stock: 15, condition: 'new', location: 'Marrakesh, Morocco', attributes: { colour: 'natural' }, sku: 'ATL-BK-001' },
  { shop: 'atlas', category: 'fashion', title: 'Leather babouche slippers, saffron yellow', description: 'Goat leather slippers with a folded heel, stitched by hand in the Marrakesh tanneries. Sizes 38 to 45.', price: 340, stock: 24, condition: 'new', location: 'Marrakesh, Morocco', attributes: { colour: 'yellow' }, sku: 'ATL-BB-YEL' },

  { shop: 'medina', category: 'lighting', title: 'Pierced brass lantern, large', description: 'Hand-pierced brass that throws a pattern of stars across the room; made for one E27 bulb, wired for Europe.', price: 1450, stock: 4, condition: 'handmade', location: 'Fez, Morocco', attributes: { material: 'brass', finish: 'brass', height_cm: 55 }, sku: 'MBL-LN-055', featured: true },
  { shop: 'medina', category: 'lighting', title: 'Hammered copper pendant lamp', description: 'Bell-shaped pendant beaten from one sheet of copper, with a cloth cable and ceiling rose.', price: 1200, stock: 6, condition: 'handmade', location: 'Fez, Morocco', attributes: { material: 'copper', finish: 'copper', height_cm: 35 }, sku: 'MBL-PD-035' },
  { shop: 'medina', category: 'lighting', title: 'Coloured glass table lantern', description: 'Iron frame painted black around panes of amber, green and ruby glass; for a candle or a small bulb.', price: 690, stock: 9, condition: 'new', location: 'Fez, Morocco', attributes: { material: 'iron and glass', finish: 'painted iron', height_cm: 40 }, sku: 'MBL-GL-040', boosted: true },
  { shop: 'medina', category: 'lighting', title: 'Silver-plated hanging lantern', description: 'Finely chased lantern with a silver-plated finish and white glass, the kind hung in riad courtyards.', price: 1850, stock: 2, condition: 'handmade', location: 'Fez, Morocco', attributes: { material: 'brass', finish: 'silver-plated', height_cm: 70 }, sku: 'MBL-SV-070' },
  { shop: 'medina', category: 'home', title: 'Engraved brass tea tray', description: 'Round tray engraved with an eight-pointed star, 50 cm across; the centrepiece of a tea table.', price: 980, stock: 5, condition: 'handmade', location: 'Fez, Morocco', attributes: { material: 'brass' }, sku: 'MBL-TR-050' },
  { shop: 'medina', category: 'home', title: 'Silver-plated Moroccan teapot', description: 'A classic Berrad teapot in silver-plated brass, 800 ml, with a heat-proof handle.', price: 520, stock: 11, condition: 'new', location: 'Fez, Morocco', attributes: { material: 'silver-plated brass' }, sku: 'MBL-TP-800' },
  { shop: 'medina', category: 'home', title: 'Vintage copper hammam bucket', description: 'Hammered copper bucket from an old Fez hammam, with its riveted handle; lovely as a planter.', price: 750, stock: 1, condition: 'good', location: 'Fez, Morocco', attributes: { material: 'copper' }, sku: 'MBL-HB-VIN' },

  { shop: 'levant', category: 'woodwork', title: 'Damascene mother-of-pearl jewellery box', description: 'Walnut box inlaid with mother-of-pearl and bone in a geometric mosaic, lined with velvet; made in Damascus.', price: 1650, stock: 3, condition: 'handmade', location: 'Tripoli, Lebanon', attributes: { material: 'walnut and mother-of-pearl' }, sku: 'BLV-BX-025', featured: true },
  { shop: 'levant', category: 'woodwork', title: 'Olive-wood serving board', description: 'Cut from the pruned branches of Bethlehem olive trees; the grain is different on every board. Oil it now and then.', price: 420, stock: 10, condition: 'handmade', location: 'Tripoli, Lebanon', attributes: { material: 'olive wood' }, sku: 'BLV-OB-040' },
  { shop: 'levant', category: 'woodwork', title: 'Mosaic backgammon board', description: 'Tawla board with inlaid points and a mosaic border; folds in half, pieces and dice included.', price: 2100, stock: 2, condition: 'handmade', location: 'Tripoli, Lebanon', attributes: { material: 'walnut and bone' }, sku: 'BLV-TW-050' },
  { shop: 'levant', category: 'ceramics', title: 'Hebron blown-glass tumblers, set of six', description: 'Mouth-blown recycled glass in deep cobalt with small bubbles, from the furnaces of Hebron.', price: 560, stock: 8, condition: 'handmade', location: 'Tripoli, Lebanon', attributes: { material: 'glass', food_safe: true, diameter_cm: 8 }, sku: 'BLV-GT-006' },
  { shop: 'levant', category: 'soaps-oils', title: 'Tripoli olive-oil soap, box of five', description: 'Cold-pressed olive oil soap cured for nine months in Khan al-Saboun; unscented and gentle.', price: 180, stock: 40, condition: 'new', location: 'Tripoli, Lebanon', attributes: { weight_g: 600, scent: 'unscented' }, sku: 'BLV-SP-005', boosted: true },
  { shop: 'levant', category: 'soaps-oils', title: 'Laurel and olive Aleppo-style soap', description: 'Olive oil with 20% laurel-berry oil, cut by hand and stamped with the maker’s seal.', price: 95, stock: 60, condition: 'new', location: 'Tripoli, Lebanon', attributes: { weight_g: 200, scent: 'laurel' }, sku: 'BLV-SP-LR20' },
  { shop: 'levant', category: 'fashion', title: 'Embroidered tatreez clutch', description: 'Cross-stitch tatreez embroidery in red on black cotton, lined, with a brass clasp.', price: 480, stock: 7, condition: 'handmade', location: 'Tripoli, Lebanon', attributes: { colour: 'red and black' }, sku: 'BLV-CL-001' },

  { shop: 'nabeul', category: 'ceramics', title: 'Hand-painted cobalt serving plate', description: 'Wheel-thrown plate painted with a cobalt fish-and-wave pattern under a clear, lead-free glaze.', price: 390, stock: 14, condition: 'handmade', location: 'Nabeul, Tunisia', attributes: { diameter_cm: 32, food_safe: true }, sku: 'NBC-PL-032', featured: true },
  { shop: 'nabeul', category: 'ceramics', title: 'Cooking tagine, unglazed terracotta', description: 'For the stove or the oven (with a diffuser): unglazed clay that seasons with use. Serves four.', price: 260, stock: 20, condition: 'handmade', location: 'Nabeul, Tunisia', attributes: { diameter_cm: 30, food_safe: true, material: 'terracotta' }, sku: 'NBC-TG-030' },
  { shop: 'nabeul', category: 'ceramics', title: 'Green-glazed couscous bowl', description: 'Deep bowl in the copper-green glaze of Nabeul, big enough for couscous for eight.', price: 450, stock: 6, condition: 'handmade', location: 'Nabeul, Tunisia', attributes: { diameter_cm: 38, food_safe: true }, sku: 'NBC-BW-038' },
  { shop: 'nabeul', category: 'ceramics', title: 'Decorative tiles, set of twelve', description: 'Hand-painted 10 cm tiles in blue, yellow and green for a splashback or a table top.', price: 540, stock: 9, condition: 'handmade', location: 'Nabeul, Tunisia', attributes: { material: 'glazed earthenware', food_safe: false }, sku: 'NBC-TL-012' },
  { shop: 'nabeul', category: 'ceramics', title: 'Harissa pot with lid', description: 'Small lidded pot painted with a lemon motif; keeps harissa or olives on the table.', price: 140, stock: 30, condition: 'new', location: 'Nabeul, Tunisia', attributes: { diameter_cm: 10, food_safe: true }, sku: 'NBC-HP-010' },
  { shop: 'nabeul', category: 'ceramics', title: 'Vintage Sejnane clay figurine', description: 'Hand-modelled by the women potters of Sejnane and painted with plant dyes; a UNESCO-listed craft. From the 1980s.', price: 620, stock: 1, condition: 'good', location: 'Nabeul, Tunisia', attributes: { material: 'earthenware' }, sku: 'NBC-SJ-VIN' },
  { shop: 'nabeul', category: 'lighting', title: 'Ceramic table lamp, cobalt pattern', description: 'Lamp base thrown and painted in the atelier, fitted with a linen shade and an E14 bulb holder.', price: 880, stock: 4, condition: 'handmade', location: 'Nabeul, Tunisia', attributes: { material: 'ceramic', finish: 'glass', height_cm: 48 }, sku: 'NBC-LP-048' },
  { shop: 'nabeul', category: 'soaps-oils', title: 'Orange-blossom water, 250 ml', description: 'Distilled from bitter-orange blossoms picked in the Cap Bon orchards each spring.', price: 75, stock: 50, condition: 'new', location: 'Nabeul, Tunisia', attributes: { weight_g: 250, scent: 'orange blossom' }, sku: 'NBC-OB-250' },
]

/**
 * The paid plans offered beside the migration's Free plan (prices in MAD centimes; a year costs ten
 * months). Free has no listing limit but no boosts, no featured slots and the platform's commission.
 */
/** The demo's free plan: at most this many listings on sale. */
const FREE_LISTINGS = 20

const PLANS = [
  { name: 'Pro', monthlyPriceMinor: 14_900, yearlyPriceMinor: 149_000, maxActiveListings: 100, boostCreditsPerMonth: 10, featuredSlots: 2, commissionBp: 300, prioritySupport: false, badge: 'Pro', position: 1 },
  { name: 'Studio', monthlyPriceMinor: 39_000, yearlyPriceMinor: 390_000, maxActiveListings: null, boostCreditsPerMonth: 40, featuredSlots: 5, commissionBp: 150, prioritySupport: true, badge: 'Studio', position: 2 },
] as const satisfies readonly PlansModel.CreateBody[]

/**
 * The printed vendor's shop is on Pro, paid monthly from its wallet (topped up first); it boosted
 * one listing with its credits and applied to feature another (the admin's placement queue).
 */
const DEMO_PLAN = {
  shop: 'atlas' as ShopKey,
  plan: 'Pro',
  depositMinor: 100_000,
  boost: { title: 'Azilal rug in saffron and rose', days: 5 },
  application: { title: 'Indigo flat-weave kilim runner', message: 'Our best-selling runner: we would love to see it on the home page for the spring.' },
}

/**
 * Creates the demo plans as the demo admin, then subscribes, boosts and applies as the shop's owner
 * would, through the plans module's own steps: the ledger transfers, the invoice, the shop's perks
 * and credits are the real thing. The deposit is a ledger transfer from the sandbox's clearing
 * account, as a confirmed card deposit makes.
 */
async function seedPlans(deps: Deps, owners: Map<ShopKey, string>): Promise<void> {
  const { db, bus, clock, log, publicUrl } = deps
  // Nothing here is mailed or notified (the shop's listings fit Pro's limit); a mail would go to the development mailbox.
  const mailer = createMailer({ db, clock, log, smtpUrl: null, from: 'Souk <no-reply@localhost>' })
  const plansDeps: PlansDeps = {
    db,
    bus,
    clock,
    log,
    publicUrl,
    mailer,
    notify: (tx, input) => notify({ db, bus, clock, mailer, log }, tx, input),
    readSettings: createSettings({ db, bus, clock, config: deps.money }).read,
    platformSeller: deps.money.seller,
  }
  const adminEmail = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!.email
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.email, adminEmail))
  const planIds = new Map<string, string>()
  // Free keeps a shop to FREE_LISTINGS on sale (no demo shop has more), so the paid plans' limits mean something.
  await updatePlan(plansDeps, admin!, NO_ORIGIN, FREE_PLAN_ID, { maxActiveListings: FREE_LISTINGS })
  for (const plan of PLANS) planIds.set(plan.name, (await createPlan(plansDeps, admin!, NO_ORIGIN, { ...plan, currency: 'MAD' })).id)

  const ownerId = owners.get(DEMO_PLAN.shop)!
  const owner = { id: ownerId, role: 'vendor' as const, sessionId: 'demo-seed' }
  await db.transaction((tx) =>
    transfer(tx, {
      key: `demo-deposit:${ownerId}`,
      debit: { kind: 'provider_clearing', provider: 'sandbox', currency: 'MAD' },
      credit: { kind: 'available', ownerId, currency: 'MAD' },
      amountMinor: DEMO_PLAN.depositMinor,
      kind: 'deposit',
      ref: 'demo:deposit',
      now: clock.now(),
    }),
  )
  await changePlan(plansDeps, ownerId, { planId: planIds.get(DEMO_PLAN.plan)!, interval: 'month' })
  await boostListing(plansDeps, owner, slugify(DEMO_PLAN.boost.title), { days: DEMO_PLAN.boost.days })
  const [listing] = await db.select({ id: products.id }).from(products).where(eq(products.slug, slugify(DEMO_PLAN.application.title)))
  await applyForFeature(plansDeps, owner, { productId: listing!.id, message: DEMO_PLAN.application.message })
  log.info('demo plans seeded', { plans: PLANS.length, subscribed: DEMO_PLAN.shop })
}

/**
 * Believable demo data for a first start on the embedded defaults: the demo accounts, four approved
 * shops, a small category tree and about thirty products (a few featured or boosted), each with a
 * generated photo, and two paid plans with one shop subscribed. Rows are written directly in one
 * transaction; the photos then go through the vendors' own upload path (checks, re-encoding,
 * thumbnails), about 0.1 s each, and the plans through the plans module's steps (seedPlans).
 * Returns false when the database already had data.
 */
export async function seedDemo(deps: Deps): Promise<boolean> {
  if (!(await hasNoUsers(deps.db))) return false
  for (const account of DEMO_ACCOUNTS) await ensureUser(deps, account)
  const vendorPassword = DEMO_ACCOUNTS.find((a) => a.role === 'vendor')!.password
  for (const shop of SHOPS) await ensureUser(deps, { ...shop.owner, password: vendorPassword, role: 'vendor' })
  const owners = await seedCatalog(deps)
  await seedPhotos(deps, owners)
  await seedPlans(deps, owners)
  return true
}

type Palette = readonly [background: string, pattern: string, accent: string]

/** Palettes of the demo photos where nothing names a colour: the palette of the seeded crafts. */
const PALETTES: readonly Palette[] = [
  ['#f3e7d3', '#b5542c', '#2f4858'],
  ['#e9dcc9', '#1f4e79', '#d9a441'],
  ['#f5efe6', '#7a2e2e', '#c9a227'],
  ['#dfe8e1', '#2e6b4f', '#b5542c'],
  ['#efe3d0', '#5b3a29', '#e0b04c'],
  ['#e6eef5', '#27496d', '#c05640'],
]

/**
 * The colour words (and coloured materials) of the demo listings, each a palette whose pattern and
 * accent are that colour and whose ground is a pale tint of it: a "cobalt" plate is drawn blue.
 */
const COLOUR_PALETTES: Record<string, Palette> = {
  cobalt: ['#e8eef8', '#1f4fb4', '#0f2f7a'],
  blue: ['#e8eef8', '#1f4fb4', '#0f2f7a'],
  indigo: ['#e7e9f4', '#2f3a8f', '#1c2360'],
  saffron: ['#f8eed6', '#e0a020', '#b77a0e'],
  yellow: ['#faf2d6', '#e8b923', '#c0920f'],
  orange: ['#fbeadb', '#e07b24', '#b55d12'],
  terracotta: ['#f3e3d9', '#b9552e', '#8a3b1e'],
  copper: ['#f3e6dc', '#b8683a', '#8c4a24'],
  brass: ['#f4ecd8', '#b58b2a', '#8a6516'],
  green: ['#e3efe7', '#2e7d50', '#1d5a38'],
  red: ['#1f1b1b', '#b8242f', '#7a1a20'],
  rose: ['#f8e6ea', '#c9566f', '#9c3a50'],
  ivory: ['#f3ecdc', '#1f1f1f', '#5a5650'],
  white: ['#f7f5f0', '#d9d4c8', '#b8a98a'],
  silver: ['#eef0f3', '#9aa3ad', '#6c757f'],
  natural: ['#f5eee1', '#c8a46a', '#9c7a45'],
  straw: ['#f5eee1', '#c8a46a', '#9c7a45'],
}

/** The palette of the first colour word of the title, else of its colour attribute, else of its description. */
function paletteOf(product: DemoProduct, index: number): Palette {
  const colour = product.attributes.colour
  for (const text of [product.title, typeof colour === 'string' ? colour : '', product.description]) {
    const word = text.toLowerCase().split(/[^a-z]+/).find((w) => w in COLOUR_PALETTES)
    if (word !== undefined) return COLOUR_PALETTES[word]!
  }
  return PALETTES[index % PALETTES.length]!
}

/** A motif per category (by its key), drawn in the pattern colour over the background. */
function motif(category: string, fg: string, accent: string): string {
  const cells = (size: number, draw: (x: number, y: number, i: number) => string) => {
    const out: string[] = []
    for (let y = 0, i = 0; y < 720; y += size) for (let x = 0; x < 960; x += size, i++) out.push(draw(x, y, i))
    return out.join('')
  }
  switch (category) {
    case 'rugs-textiles':
      return cells(120, (x, y, i) => `<path d="M${x + 60} ${y + 8}L${x + 112} ${y + 60}L${x + 60} ${y + 112}L${x + 8} ${y + 60}Z" fill="none" stroke="${i % 3 === 0 ? accent : fg}" stroke-width="10"/>`)
    case 'lighting':
      return cells(160, (x, y, i) => `<circle cx="${x + 80}" cy="${y + 80}" r="${i % 2 === 0 ? 46 : 18}" fill="${i % 2 === 0 ? fg : accent}"/>`)
    case 'ceramics':
      return [300, 240, 180, 120, 60].map((r, i) => `<circle cx="480" cy="360" r="${r}" fill="${i % 2 === 0 ? fg : accent}" opacity="${i === 0 ? 1 : 0.9}"/>`).join('')
    case 'woodwork':
      return cells(80, (x, y, i) => ((x / 80 + y / 80) % 2 === 0 ? `<rect x="${x + 6}" y="${y + 6}" width="68" height="68" fill="${i % 5 === 0 ? accent : fg}"/>` : ''))
    case 'soaps-oils':
      return cells(240, (x, y) => `<rect x="${x + 30}" y="${y + 60}" width="180" height="120" rx="30" fill="${fg}"/><rect x="${x + 70}" y="${y + 100}" width="100" height="40" rx="12" fill="${accent}"/>`)
    case 'fashion':
      return cells(96, (x, y, i) => `<rect x="${x}" y="${y + (i % 2) * 48}" width="96" height="36" fill="${i % 4 === 0 ? accent : fg}"/>`)
    default:
      return `<g transform="translate(480 360)"><rect x="-220" y="-220" width="440" height="440" fill="${fg}"/><rect x="-220" y="-220" width="440" height="440" fill="${fg}" transform="rotate(45)"/><circle r="120" fill="${accent}"/></g>`
  }
}

/**
 * A simple 800×600 JPEG for a demo product: its category's motif in the colours its listing names
 * (paletteOf; drawn on a 960×720 canvas; small, so the first start stays quick).
 */
async function demoPhoto(product: DemoProduct, index: number): Promise<Blob> {
  const [bg, fg, accent] = paletteOf(product, index)
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 960 720"><rect width="960" height="720" fill="${bg}"/>${motif(product.category, fg, accent)}</svg>`
  return new Blob([await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer()], { type: 'image/jpeg' })
}

/** One photo per demo product, added as its vendor would (the upload path of the dashboard). */
async function seedPhotos(deps: Deps, owners: Map<ShopKey, string>): Promise<void> {
  const started = performance.now()
  for (const [index, product] of PRODUCTS.entries()) {
    const owner = { id: owners.get(product.shop)!, role: 'vendor' as const, sessionId: 'demo-seed' }
    await addImage(deps, owner, slugify(product.title), await demoPhoto(product, index))
  }
  deps.log.info('demo photos added', { photos: PRODUCTS.length, ms: Math.round(performance.now() - started) })
}

/** Writes the shops, categories and products; answers each shop's owner (user id). */
async function seedCatalog({ db, clock, log }: Deps): Promise<Map<ShopKey, string>> {
  const now = clock.now()
  const HOUR = 3_600_000
  const owners = new Map<ShopKey, string>()
  await db.transaction(async (tx) => {
    const shopIds = new Map<ShopKey, string>()
    for (const shop of SHOPS) {
      const [owner] = await tx.select({ id: users.id }).from(users).where(eq(users.email, shop.owner.email))
      const id = newId('ven')
      shopIds.set(shop.key, id)
      owners.set(shop.key, owner!.id)
      await tx.insert(vendors).values({
        id,
        userId: owner!.id,
        companyName: shop.companyName,
        slug: shop.slug,
        description: shop.description,
        contactEmail: shop.owner.email,
        contactPhone: shop.phone,
        address: shop.address,
        city: shop.city,
        country: shop.country,
        website: shop.website,
        taxNumber: shop.taxNumber,
        status: 'approved',
        approvedAt: now,
        reviewedAt: now,
        createdAt: now,
        updatedAt: now,
      })
    }
    const categoryIds = new Map<string, string>()
    for (const [position, category] of CATEGORIES.entries()) {
      const id = newId('cat')
      categoryIds.set(category.key, id)
      await tx.insert(categories).values({
        id,
        parentId: category.parent === null ? null : categoryIds.get(category.parent)!,
        slug: category.key,
        name: category.name,
        description: category.description,
        attributes: category.attributes,
        position,
        createdAt: now,
        updatedAt: now,
      })
    }
    // Spread over the last weeks, oldest first, so "newest" has an order worth seeing.
    await tx.insert(products).values(
      PRODUCTS.map((p, i) => {
        const createdAt = new Date(now.getTime() - (PRODUCTS.length - i) * 17 * HOUR)
        return {
          id: newId('prd'),
          vendorId: shopIds.get(p.shop)!,
          categoryId: categoryIds.get(p.category)!,
          title: p.title,
          slug: slugify(p.title),
          description: p.description,
          priceMinor: p.price * 100,
          currency: 'MAD',
          stock: p.stock,
          sku: p.sku,
          condition: p.condition,
          location: p.location,
          attributes: p.attributes,
          status: 'active' as const,
          featuredUntil: p.featured === true ? new Date(now.getTime() + 30 * 24 * HOUR) : null,
          boostedUntil: p.boosted === true ? new Date(now.getTime() + 14 * 24 * HOUR) : null,
          createdAt,
          updatedAt: createdAt,
        }
      }),
    )
  })
  log.info('demo catalog seeded', { shops: SHOPS.length, categories: CATEGORIES.length, products: PRODUCTS.length })
  return owners
}
