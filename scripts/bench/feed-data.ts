// S7's data, generated only when S7 runs, as it starts (other scenarios keep the seed's database as
// it was): a social network of 100,000 people with a year of posts, written with set-based SQL
// (`insert … select … from generate_series`) in time order, in about a minute on 2 cores.
//
// - Posting is skewed as it is on real networks: post n's author is the person of rank
//   ⌊100,000·u²⌋ (u uniform), so the top 1 % write a tenth of the posts and most people a few.
//   Posts come one every 31.5 s through the year; a fifth are followers-only, 5 % "only me", 1 %
//   deleted, 30 % carry a #tag (post_tags rows), 5 % show a product of the catalog.
// - The reader (rank 5,000) follows 2,000 accounts, picked with a bias to those who post most,
//   the popular account among them; 10 of those accounts are deleted and 5 blocked by the reader
//   (the feed leaves both out). Everyone else follows 10 accounts, with the same bias.
// - The popular account (a shop posting about 3 times a day) is followed by all 100,000 people;
//   2,000 of its followers get a session for S7's sockets.
import { HASH_OPTIONS } from '../../src/modules/accounts/service/passwords'
import { openGenerator } from './generate'
import type { BenchUser } from './setup'

export const FEED = {
  /** People (ranks 1…users), besides the popular account (rank 0). */
  users: 100_000,
  posts: 1_000_000,
  days: 365,
  /** Rank of the reader whose home feed S7 reads. */
  reader: 5_000,
  /** Accounts the reader follows (the popular one included). */
  followed: 2_000,
  /** Accounts each other person follows, besides the popular one. */
  followsPerUser: 10,
  /** Every this-many-th post is the popular account's. */
  popularEvery: 1_000,
  privatePercent: 5,
  followersOnlyPercent: 20,
  deletedPercent: 1,
  taggedPercent: 30,
  productPercent: 5,
  tags: 50,
  /** Followers of the popular account with a session, for S7's sockets. */
  onlineFollowers: 2_000,
}

export interface FeedData {
  reader: BenchUser
  /** The popular account: 100,000 followers. */
  author: BenchUser
  /** Followers of the author with a session, for sockets. */
  followers: BenchUser[]
  /** How long generating took, in seconds. */
  seconds: number
  rows: number
}

const DAY_MS = 86_400_000
/** The tables this generator writes to. */
const GENERATED_TABLES = ['users', 'posts', 'post_tags', 'follows', 'blocks', 'sessions']

/** Generates the feed's people, posts and follows in the bench database `url`. */
export async function seedFeed(url: string): Promise<FeedData> {
  const started = performance.now()
  const now = new Date()
  const { users: U, posts: N, reader: READER } = FEED
  const postsStart = new Date(now.getTime() - FEED.days * DAY_MS)
  const signUpsStart = new Date(postsStart.getTime() - FEED.days * DAY_MS)
  const stepMs = Math.floor((FEED.days * DAY_MS - 60_000) / N)
  // One argon2id hash (Souk's parameters) for everyone: valid, and hashed once.
  const passwordHash = await Bun.password.hash('bench-feed-password', HASH_OPTIONS)
  const generator = await openGenerator(url)
  const { sql, step } = generator
  const ts = (date: Date) => `timestamptz '${date.toISOString()}'`
  // post_at(n), post_author(n), post_tag(n): post n's time, author's rank and tag (null: none);
  // the posts and their post_tags rows are generated from them separately.
  await sql
    .unsafe(`
    create function pg_temp.post_at(n bigint) returns timestamptz language sql immutable as $$
      select ${ts(postsStart)} + n * ${stepMs} * interval '1 millisecond' $$;
    create function pg_temp.post_author(n bigint) returns int language sql immutable as $$
      select case when n % ${FEED.popularEvery} = 0 then 0 else least(${U}, 1 + floor(${U} * power(pg_temp.h('pa' || n, 1000000) / 1000000.0, 2)))::int end $$;
    create function pg_temp.post_tag(n bigint) returns text language sql immutable as $$
      select case when pg_temp.h('pt' || n, 100) < ${FEED.taggedPercent} then 'souk' || pg_temp.h('tg' || n, ${FEED.tags}) end $$;
  `)
    .simple()

  // People sign up in the year before the posts; f_followed: whom the reader follows, numbered (i)
  // so a few of them can be deleted (i % 200 = 100) and blocked (i % 400 = 250).
  await step(
    'scratch',
    `create temp table f_user as
       select k, pg_temp.id('usr', at, 'fu' || k) as id, at
       from (select k, ${ts(signUpsStart)} + pg_temp.h('fs' || k, 1000000) / 1000000.0 * interval '${FEED.days} days' as at from generate_series(0, ${U}) as k) as s;
     create unique index on f_user (k);
     create temp table f_followed as
       select k, row_number() over (order by k) as i from (
         select 0 as k
         union all (select k from generate_series(1, ${U}) as k where k <> ${READER} order by pg_temp.h('ff' || k, 1000000)::float8 * sqrt(k) limit ${FEED.followed - 1})
       ) as s;
     create temp table f_gone as select k from f_followed where i % 200 = 100;
     create temp table f_product as
       select id, row_number() over (order by id) - 1 as pi from products where status = 'active' and slug not like 'bench-checkout-%';
     create index on f_product (pi)`,
  )
  await step(
    'users',
    `insert into users (id, email, email_verified_at, password_hash, display_name, role, created_at, updated_at, deleted_at)
     select u.id, case when g.k is null then 'feed-' || u.k || '@bench.souk.test' end, case when g.k is null then u.at end,
            case when g.k is null then '${passwordHash}' end,
            case when g.k is not null then 'Deleted user' when u.k = 0 then 'Bench popular shop' else 'Feed user ' || u.k end,
            'buyer', u.at, u.at, case when g.k is not null then ${ts(new Date(now.getTime() - 30 * DAY_MS))} end
     from f_user u left join f_gone g using (k)
     order by u.at`,
  )
  await generator.bulkLoad(['posts', 'post_tags', 'follows'], async () => {
    await step(
      'posts',
      `insert into posts (id, author_id, body, privacy, product_id, created_at, deleted_at)
       select pg_temp.id('pst', g.at, 'pst' || g.n), u.id,
              'Post ' || g.n || ' of the feed bench' || coalesce(' #' || g.tag, '') || repeat(' Fresh from the souk today.', pg_temp.h('pl' || g.n, 6)::int),
              case when pg_temp.h('pv' || g.n, 100) < ${FEED.privatePercent} then 'private'
                   when pg_temp.h('pv' || g.n, 100) < ${FEED.privatePercent + FEED.followersOnlyPercent} then 'followers' else 'public' end,
              p.id, g.at,
              case when pg_temp.h('pd' || g.n, 100) < ${FEED.deletedPercent} then least(g.at + interval '1 hour', ${ts(now)}) end
       from (select n, pg_temp.post_at(n) as at, pg_temp.post_author(n) as k, pg_temp.post_tag(n) as tag from generate_series(0, ${N - 1}) as n) as g
       join f_user u using (k)
       left join f_product p on pg_temp.h('pr' || g.n, 100) < ${FEED.productPercent} and p.pi = pg_temp.h('pq' || g.n, (select count(*) from f_product))
       order by g.n`,
    )
    await step(
      'post_tags',
      `insert into post_tags (post_id, tag, created_at)
       select pg_temp.id('pst', at, 'pst' || n), tag, at
       from (select n, pg_temp.post_at(n) as at, pg_temp.post_tag(n) as tag from generate_series(0, ${N - 1}) as n) as g
       where tag is not null order by n`,
    )
    // Everyone follows the popular account; the reader its 2,000; the others 10 each (the same
    // account drawn twice is one follow). A follow is made within a day of the later sign-up.
    await step(
      'follows',
      `insert into follows (follower_id, followee_id, created_at)
       select a.id, b.id, greatest(a.at, b.at) + pg_temp.h('fw' || x.a || '.' || x.b, 86400) * interval '1 second'
       from (
         select k as a, 0 as b from generate_series(1, ${U}) as k
         union all select ${READER}, k from f_followed where k <> 0
         union all select k, least(${U}, 1 + floor(${U} * power(pg_temp.h('fo' || k || '.' || j, 1000000) / 1000000.0, 2)))::int
           from generate_series(1, ${U}) as k, generate_series(1, ${FEED.followsPerUser}) as j where k <> ${READER}
       ) as x
       join f_user a on a.k = x.a join f_user b on b.k = x.b
       where x.a <> x.b
       order by 1, 2
       on conflict do nothing`,
    )
  })
  await step(
    'blocks',
    `insert into blocks (id, blocker_id, blocked_id, created_at)
     select pg_temp.id('blk', ${ts(now)}, 'fb' || f.k), r.id, u.id, ${ts(now)}
     from f_followed f join f_user u using (k) cross join (select id from f_user where k = ${READER}) as r
     where f.i % 400 = 250`,
  )
  await step(
    'scratch',
    `create temp table f_online as select k from f_user where k > ${2 * READER} and k not in (select k from f_gone) order by k limit ${FEED.onlineFollowers}`,
  )
  await step(
    'sessions',
    `insert into sessions (id, user_id, created_at, last_used_at, expires_at)
     select pg_temp.id('ses', ${ts(now)}, 'fses' || k), id, ${ts(now)}, ${ts(now)}, ${ts(new Date(now.getTime() + DAY_MS))}
     from f_user where k in (0, ${READER}) or k in (select k from f_online)`,
  )
  const signedIn = await sql.unsafe<{ k: number; id: string; sessionId: string }[]>(
    `select u.k::int as k, u.id, s.id as "sessionId" from f_user u join sessions s on s.user_id = u.id
     where u.k in (0, ${READER}) or u.k in (select k from f_online) order by u.k`,
  )
  // What autovacuum would have done by now (this machine's Postgres runs with it off): the
  // visibility map set, so index-only scans stay index-only, and statistics.
  await step('vacuum', `vacuum (analyze) ${GENERATED_TABLES.join(', ')}`)
  await generator.end()
  const seconds = (performance.now() - started) / 1000
  console.log(`S7 data: ${generator.total().toLocaleString('en')} rows generated in ${seconds.toFixed(1)} s (${generator.timings.join(', ')})`)
  const user = (row: (typeof signedIn)[number]): BenchUser => ({ id: row.id, sessionId: row.sessionId })
  return {
    reader: user(signedIn.find((row) => row.k === READER)!),
    author: user(signedIn.find((row) => row.k === 0)!),
    followers: signedIn.filter((row) => row.k !== 0 && row.k !== READER).map(user),
    seconds,
    rows: generator.total(),
  }
}
