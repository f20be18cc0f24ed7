// S6's data, generated only when S6 runs, as it starts (other scenarios of the same run keep the
// seed's database as it was): 90 days of a busy marketplace on top of the seeded catalog, written
// with set-based SQL (`insert … select … from generate_series`) in time order (created_at grows
// with insertion order, as real traffic's does: the dashboard's BRIN indexes rely on it), then the
// 89 days before today rolled up with Souk's own rollUpDay, so the dashboard reads stored days plus
// today counted live.
//
// Each of the 90 days holds the same share of every kind of row, today's packed into the hours
// elapsed so far: the live part of the answer counts a full day's traffic whatever the hour.
import { openPostgres } from '../../src/db/client'
import { newId } from '../../src/lib/ids'
import { sessions, users } from '../../src/modules/accounts/table'
import { dayOf, rollUpDay } from '../../src/modules/admin-stats/service/rollup'
import { openGenerator } from './generate'
import type { BenchUser } from './setup'

export const DASHBOARD = {
  days: 90,
  orders: 100_000,
  messages: 1_000_000,
  /** Messages per conversation; conversations run `activeConversations` at a time. */
  messagesPerConversation: 20,
  activeConversations: 500,
  /** Buyers signing up over the 90 days, each with a session; refresh tokens make them active. */
  buyers: 20_000,
  refreshTokens: 300_000,
  viewsPerDay: 3_000,
  viewers: 2_500,
  /** Per cent of orders cancelled (no sales; card and wallet ones refunded). */
  cancelledPercent: 5,
  commissionBp: 1_000,
}

export interface DashboardData {
  /** The admin who reads the dashboard. */
  admin: BenchUser
}

const DAY_MS = 86_400_000
/** The tables this generator writes to. */
const GENERATED_TABLES = [
  'users',
  'sessions',
  'refresh_tokens',
  'order_groups',
  'orders',
  'order_items',
  'invoice_counters',
  'ledger_accounts',
  'ledger_transfers',
  'conversations',
  'conversation_members',
  'messages',
  'product_views',
]
const ADDRESS = { fullName: 'Bench Buyer', phone: '+212600000000', line1: '1 Derb Bench', line2: null, city: 'Fez', region: 'Fès-Meknès', postalCode: '30000', country: 'MA' }

/** Generates the dashboard's data in the bench database `url` and rolls up the days before today. */
export async function seedDashboard(url: string): Promise<DashboardData> {
  const started = performance.now()
  const now = new Date()
  const today = new Date(`${dayOf(now)}T00:00:00.000Z`)
  const start = new Date(today.getTime() - (DASHBOARD.days - 1) * DAY_MS)
  const elapsedMs = now.getTime() - today.getTime()
  const { orders: N, messages: M, buyers: B, refreshTokens: R, messagesPerConversation: K, activeConversations: W, viewsPerDay: V } = DASHBOARD
  const C = M / K
  if (!Number.isInteger(C) || C % W !== 0) throw new Error('messages must make whole generations of conversations')

  // One connection: the temporary tables and functions below live in its session.
  const generator = await openGenerator(url)
  const { sql, step } = generator
  await sql.unsafe(`
    create function pg_temp.at(i bigint, n bigint) returns timestamptz language sql immutable as $$
      select timestamptz '${start.toISOString()}' + (i * ${DASHBOARD.days} / n) * interval '1 day'
        + ((i * ${DASHBOARD.days}) % n)::float8 / n * case when i * ${DASHBOARD.days} / n < ${DASHBOARD.days - 1} then interval '1 day' else interval '${elapsedMs} milliseconds' end $$;
  `).simple()

  // Buyers sign up through the 90 days, each opening a session; refresh tokens (sign-ins and
  // renewals) on sessions opened before them make the active users.
  await step(
    'scratch',
    `create temp table b_buyer as select k, pg_temp.id('usr', pg_temp.at(k, ${B}), 'usr' || k) as id, pg_temp.at(k, ${B}) as at from generate_series(0, ${B - 1}) as k;
     create temp table b_session as select k, pg_temp.id('ses', at, 'ses' || k) as id, id as user_id, at from b_buyer;
     create index on b_buyer (k); create index on b_session (k)`,
  )
  await step(
    'users',
    `insert into users (id, email, email_verified_at, display_name, role, created_at, updated_at)
     select id, 'dash-buyer-' || k || '@bench.souk.test', at, 'Buyer ' || k, 'buyer', at, at from b_buyer order by k`,
  )
  // Sessions stay open (expiring 30 days from now): the maintenance purge finds nothing to delete mid-run.
  await step(
    'sessions',
    `insert into sessions (id, user_id, created_at, last_used_at, expires_at)
     select id, user_id, at, at, timestamptz '${new Date(now.getTime() + 30 * DAY_MS).toISOString()}' from b_session order by k`,
  )
  await step(
    'refresh_tokens',
    `insert into refresh_tokens (token_hash, session_id, created_at)
     select md5('rt' || j) || md5('rt.' || j), s.id, pg_temp.at(j, ${R})
     from generate_series(0, ${R - 1}) as j
     join b_session s on s.k = pg_temp.h('rs' || j, j::bigint * ${B} / ${R} + 1)
     order by j`,
  )

  // Orders: one shop each (a checkout of one shop), shops skewed (a few sell most), 1–3 lines of
  // that shop's products; 5 % cancelled, the rest moving through their statuses by age.
  await step(
    'scratch',
    `create temp table b_product as
       select id, vendor_id, title, price_minor, row_number() over (partition by vendor_id order by id) - 1 as r, row_number() over (order by id) - 1 as pi
       from products where slug not like 'bench-checkout-%';
     create index on b_product (vendor_id, r); create index on b_product (pi);
     create temp table b_vendor as
       select (row_number() over (order by v.slug) - 1) as vi, v.id, v.user_id, v.slug, o.id as option_id, o.name as option_name, o.price_minor, o.handling_days,
              (select count(*) from b_product p where p.vendor_id = v.id) as cnt
       from vendors v join shipping_options o on o.vendor_id = v.id
       where exists (select 1 from b_product p where p.vendor_id = v.id);
     create temp table b_order as
       select n, pg_temp.id('ord', at, 'ord' || n) as id, pg_temp.id('ogr', at, 'ogr' || n) as group_id, at,
              pg_temp.h('b' || n, n::bigint * ${B} / ${N} + 1) as buyer_k,
              floor((select count(*) from b_vendor) * power(pg_temp.h('v' || n, 1000000) / 1000000.0, 2))::int as vi,
              (array['card', 'wallet', 'cash_on_delivery'])[1 + pg_temp.h('m' || n, 3)] as payment_method,
              case when pg_temp.h('c' || n, 100) < ${DASHBOARD.cancelledPercent} then 'cancelled'
                   when at < timestamptz '${now.toISOString()}' - interval '14 days' then 'completed'
                   when at < timestamptz '${now.toISOString()}' - interval '5 days' then 'delivered'
                   when at < timestamptz '${now.toISOString()}' - interval '2 days' then 'shipped'
                   when at < timestamptz '${now.toISOString()}' - interval '1 day' then 'accepted'
                   else 'placed' end as status,
              1 + pg_temp.h('i' || n, 3) as lines,
              extract(year from at at time zone 'UTC')::int as year
       from (select n, pg_temp.at(n, ${N}) as at from generate_series(0, ${N - 1}) as n) as t;
     create temp table b_item as
       select o.n, pos, p.id as product_id, p.title, p.price_minor, 1 + (pg_temp.h('q' || o.n || '.' || pos, 4) = 0)::int as quantity
       from b_order o
       join b_vendor v on v.vi = o.vi
       cross join generate_series(1, o.lines) as pos
       join b_product p on p.vendor_id = v.id and p.r = (pg_temp.h('p' || o.n, 1000) + pos * 7) % v.cnt;
     create temp table b_total as
       select n, sum(price_minor * quantity)::int as items, sum(round(price_minor * quantity * 2000 / 12000.0))::int as tva from b_item group by n;
     create index on b_item (n, pos); create index on b_total (n)`,
  )
  await step(
    'order_groups',
    `insert into order_groups (id, buyer_id, currency, payment_method, items_minor, shipping_minor, tva_minor, total_minor, created_at)
     select o.group_id, b.id, 'MAD', o.payment_method, t.items, v.price_minor, t.tva, t.items + v.price_minor, o.at
     from b_order o join b_total t using (n) join b_vendor v using (vi) join b_buyer b on b.k = o.buyer_k order by o.n`,
  )
  const address = JSON.stringify(ADDRESS).replaceAll("'", "''")
  await step(
    'orders',
    `insert into orders (id, group_id, buyer_id, vendor_id, status, currency, items_minor, shipping_minor, tva_minor, total_minor, shipping, shipping_address, billing_address, invoice_number, cancel_reason, created_at, updated_at)
     select o.id, o.group_id, b.id, v.id, o.status, 'MAD', t.items, v.price_minor, t.tva, t.items + v.price_minor,
            jsonb_build_object('optionId', v.option_id, 'name', v.option_name, 'priceMinor', v.price_minor, 'handlingDays', v.handling_days, 'pickup', false),
            '${address}'::jsonb, '${address}'::jsonb,
            upper(v.slug) || '-' || o.year || '-' || lpad((coalesce(c.last_number, 0) + row_number() over (partition by v.id, o.year order by o.n))::text, 6, '0'),
            case when o.status = 'cancelled' then 'Changed my mind' end, o.at, o.at
     from b_order o join b_total t using (n) join b_vendor v using (vi) join b_buyer b on b.k = o.buyer_k
     left join invoice_counters c on c.vendor_id = v.id and c.year = o.year
     order by o.n`,
  )
  await step(
    'order_items',
    `insert into order_items (order_id, position, product_id, title, unit_price_minor, quantity, line_minor, tva_rate_bp, tva_minor)
     select o.id, i.pos, i.product_id, i.title, i.price_minor, i.quantity, i.price_minor * i.quantity, 2000, round(i.price_minor * i.quantity * 2000 / 12000.0)
     from b_item i join b_order o using (n) order by i.n, i.pos`,
  )
  // Invoice numbers go on from each shop's counter (S5's checkouts may have used some), and checkouts after these from theirs.
  await step(
    'invoice_counters',
    `insert into invoice_counters (vendor_id, year, last_number)
     select v.id, o.year, count(*) from b_order o join b_vendor v using (vi) group by 1, 2
     on conflict (vendor_id, year) do update set last_number = invoice_counters.last_number + excluded.last_number`,
  )

  // The ledger of those sales: each sale released to its shop's wallet, less the commission; each
  // cancelled card or wallet order refunded. Balances are then set from the transfers, so the
  // nightly reconciliation finds them right.
  await step(
    'ledger_accounts',
    `insert into ledger_accounts (id, kind, owner_id, provider, currency, created_at, updated_at)
     select 'platform_revenue:-:MAD', 'platform_revenue', null, null, 'MAD', timestamptz '${start.toISOString()}', timestamptz '${start.toISOString()}'
     union all select 'provider_clearing:sandbox:MAD', 'provider_clearing', null, 'sandbox', 'MAD', timestamptz '${start.toISOString()}', timestamptz '${start.toISOString()}'
     union all select 'available:' || user_id || ':MAD', 'available', user_id, null, 'MAD', timestamptz '${start.toISOString()}', timestamptz '${start.toISOString()}' from b_vendor
     union all select distinct on (b.id) 'available:' || b.id || ':MAD', 'available', b.id, null, 'MAD', timestamptz '${start.toISOString()}', timestamptz '${start.toISOString()}'
       from b_order o join b_buyer b on b.k = o.buyer_k where o.status = 'cancelled' and o.payment_method <> 'cash_on_delivery'
     on conflict (id) do nothing`,
  )
  await step(
    'ledger_transfers',
    `insert into ledger_transfers (id, key, debit_account_id, credit_account_id, amount_minor, currency, kind, phase, ref, created_at)
     select pg_temp.id('ltr', x.at, x.key), x.key, x.debit, x.credit, x.amount, 'MAD', x.kind, 'posted', 'order:' || x.order_id, x.at
     from (
       select o.n, 0 as step, o.id as order_id, 'release:' || o.id as key, 'provider_clearing:sandbox:MAD' as debit, 'available:' || v.user_id || ':MAD' as credit,
              t.items + v.price_minor as amount, 'escrow_release' as kind, o.at
       from b_order o join b_total t using (n) join b_vendor v using (vi) where o.status <> 'cancelled'
       union all
       select o.n, 1, o.id, 'commission:' || o.id, 'available:' || v.user_id || ':MAD', 'platform_revenue:-:MAD',
              t.items * ${DASHBOARD.commissionBp} / 10000, 'commission', o.at
       from b_order o join b_total t using (n) join b_vendor v using (vi) where o.status <> 'cancelled'
       union all
       select o.n, 0, o.id, 'refund:' || o.id, 'provider_clearing:sandbox:MAD', 'available:' || b.id || ':MAD',
              t.items + v.price_minor, 'refund', o.at
       from b_order o join b_total t using (n) join b_vendor v using (vi) join b_buyer b on b.k = o.buyer_k
       where o.status = 'cancelled' and o.payment_method <> 'cash_on_delivery'
     ) as x
     order by x.n, x.step`,
  )
  await step(
    'balances',
    `update ledger_accounts a set
       debits_posted = coalesce((select sum(amount_minor) from ledger_transfers t where t.debit_account_id = a.id and t.phase = 'posted'), 0),
       credits_posted = coalesce((select sum(amount_minor) from ledger_transfers t where t.credit_account_id = a.id and t.phase = 'posted'), 0)`,
  )

  // Chat: conversations run W at a time, K messages each, in generations of W × K messages;
  // message m belongs to conversation c = generation × W + m mod W, as the seq-th of it. Sender
  // alternates buyer and seller. A buyer signed up before their conversation's first message.
  await step(
    'scratch',
    `create temp table b_conv as
       select c, pg_temp.id('cnv', first_at, 'cnv' || c) as id, p.id as product_id, b.id as buyer_id, v.user_id as seller_id, first_at, last_at
       from (select c, pg_temp.at((c / ${W}) * ${W * K} + c % ${W}, ${M}) as first_at, pg_temp.at((c / ${W}) * ${W * K} + ${(K - 1) * W} + c % ${W}, ${M}) as last_at
             from generate_series(0, ${C - 1}) as c) as g
       join b_product p on p.pi = c % (select count(*) from b_product)
       join vendors v on v.id = p.vendor_id
       join b_buyer b on b.k = greatest(0, ((c / ${W}) * ${W}::bigint * ${B}) / ${C} - 3 * (c % ${W}));
     create index on b_conv (c)`,
  )
  await step(
    'conversations',
    `insert into conversations (id, product_id, buyer_id, seller_id, last_seq, created_at, last_activity_at)
     select id, product_id, buyer_id, seller_id, ${K}, first_at, last_at from b_conv order by c`,
  )
  await step(
    'conversation_members',
    `insert into conversation_members (conversation_id, user_id, read_seq, delivered_seq)
     select id, buyer_id, ${K}, ${K} from b_conv union all select id, seller_id, ${K}, ${K} from b_conv`,
  )
  await step(
    'messages',
    `insert into messages (id, conversation_id, seq, sender_id, client_id, kind, body, created_at)
     select pg_temp.id('msg', at, 'msg' || m), cv.id, seq, case when seq % 2 = 1 then cv.buyer_id else cv.seller_id end, 'bench-' || m, 'text',
            'Salam, is this still available? (' || seq || ')', at
     from (select m, pg_temp.at(m, ${M}) as at, (m / ${W * K}) * ${W} + m % ${W} as c, (m % ${W * K}) / ${W} + 1 as seq from generate_series(0, ${M - 1}) as m) as g
     join b_conv cv using (c)
     order by m`,
  )

  // Product pages opened: V a day, each by one of a pool of anonymous visitors, no product twice by one visitor a day.
  await step(
    'product_views',
    `insert into product_views (product_id, viewer, day, viewed_at)
     select p.id, 'anon:' || substr(md5('viewer' || pg_temp.h('w' || i, ${DASHBOARD.viewers})), 1, 32), (at at time zone 'UTC')::date, at
     from (select i, pg_temp.at(i, ${V * DASHBOARD.days}) as at from generate_series(0, ${V * DASHBOARD.days - 1}) as i) as g
     join b_product p on p.pi = ((i % ${V}) * 37 + (i / ${V}) * 101) % (select count(*) from b_product)
     order by i`,
  )

  // The admin who reads the dashboard.
  const admin = { id: newId('usr'), sessionId: newId('ses') }
  const { db, close } = openPostgres(url, { max: 4 })
  await db.insert(users).values({ id: admin.id, email: 'dash-admin@bench.souk.test', emailVerifiedAt: now, displayName: 'Bench admin', role: 'admin', createdAt: now, updatedAt: now })
  await db.insert(sessions).values({ id: admin.sessionId, userId: admin.id, createdAt: now, lastUsedAt: now, expiresAt: new Date(now.getTime() + DAY_MS) })
  // What autovacuum does on a live server (this machine's Postgres runs with autovacuum off): the
  // BRIN indexes' page ranges summarized (unsummarized ranges match every query: a full scan) and
  // the visibility map set, then statistics.
  await step('vacuum', `vacuum (analyze) ${GENERATED_TABLES.join(', ')}`)
  const generated = performance.now()

  // The nightly roll-up of the 89 days before today, as `stats.daily` would have written them.
  for (let d = 0; d < DASHBOARD.days - 1; d++) await rollUpDay(db, dayOf(new Date(start.getTime() + d * DAY_MS)))
  await close()
  await sql.unsafe('vacuum (analyze) daily_stats, daily_breakdowns').simple()
  await generator.end()
  console.log(
    `S6 data: ${generator.total().toLocaleString('en')} rows generated in ${((generated - started) / 1000).toFixed(1)} s (${generator.timings.join(', ')}), ` +
      `${DASHBOARD.days - 1} days rolled up in ${((performance.now() - generated) / 1000).toFixed(1)} s`,
  )
  return { admin }
}
