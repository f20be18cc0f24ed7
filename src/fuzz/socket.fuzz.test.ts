// Fuzzes the socket protocol from the ClientMessage union (so a new message type is covered
// unedited): every type with broken fields, and frames that are no message at all, must each get
// one `error` frame, never a closed socket or a server exception, and the socket still answers a
// ping afterwards; a well-formed message about unknown or foreign objects never fails inside. FUZZ_SEED and FUZZ_RUNS (cases per message type) override the defaults.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { Value } from '@sinclair/typebox/value'
import fc from 'fast-check'
import { ManualClock } from '../lib/clock'
import { createLogger } from '../lib/log'
import { ClientMessage, MAX_MESSAGE_BYTES } from '../realtime/protocol'
import { connectAs, type TestSocket } from '../realtime/test-client'
import { createTestApp, listen, signUpAndSignIn, type TestApp, waitFor } from '../testing'
import { badBody, fuzzSettings, type JsonSchema, nastyString, preview, validValue } from './inputs'

const CASES = fuzzSettings.runs(25)
/** The members of the union, by their `type` literal. */
const MESSAGE_TYPES = ClientMessage.anyOf.map((schema) => ({ type: schema.properties.type.const as string, schema }))

// The rate limit runs on the app clock: moving it between frames keeps the fuzz under it.
const clock = new ManualClock()
const loggedErrors: string[] = []
let t: TestApp
let socket: TestSocket

beforeAll(async () => {
  t = await createTestApp({ clock, log: createLogger('error', {}, (line) => void loggedErrors.push(line)) })
  const { wsUrl } = listen(t)
  socket = await connectAs(t, wsUrl, await signUpAndSignIn(t))
  // Per type: broken and well-formed cases; then frames that are no message at all.
  const frames = (MESSAGE_TYPES.length * 2 + 1) * CASES
  console.log(`fuzz: ${MESSAGE_TYPES.length} message types × 2 × ${CASES} cases + ${CASES} typeless frames = ${frames} frames (seed ${fuzzSettings.seed})`)
}, 60_000)
afterAll(async () => {
  socket.close()
  await t.close()
})

/** Sends one frame and answers the one frame the server sent back. */
async function answerTo(frame: string): Promise<Record<string, unknown>> {
  const before = socket.received.length
  clock.advance(100)
  socket.send(frame)
  await waitFor(() => socket.received.length > before || socket.closed !== null, 5_000, 'an answer to the frame')
  if (socket.closed !== null) throw new Error(`the socket closed (${socket.closed.code} ${socket.closed.reason}) after ${preview(frame)}`)
  return socket.received[before]!
}


async function refused(frame: string): Promise<void> {
  const answer = await answerTo(frame)
  if (answer.type !== 'error') throw new Error(`answered ${JSON.stringify(answer)} to ${preview(frame)}`)
  if (loggedErrors.length > 0) throw new Error(`the server logged an error for ${preview(frame)}: ${loggedErrors.join('\n')}`)
}

/** A frame under the size limit (a larger one closes the socket with 1009, by design). */
const fits = (frame: string) => Buffer.byteLength(frame) <= MAX_MESSAGE_BYTES

describe('every client message type', () => {
  for (const { type, schema } of MESSAGE_TYPES) {
    it(`answers a broken ${type} with an error frame and stays open`, async () => {
      const broken = badBody(schema as JsonSchema)
        // The type stays, so the message's own fields are what is wrong (unknown types are below).
        .map((message) => ({ ...message, type }))
        .filter((message) => !Value.Check(schema, message))
        .map((message) => JSON.stringify(message))
        .filter(fits)
      await fc.assert(fc.asyncProperty(broken, refused), { seed: fuzzSettings.seed, numRuns: CASES, endOnFailure: true })
      expect((await socket.ask({ type: 'ping' })).type).toBe('pong')
    }, 30_000)

    it(`answers a well-formed ${type} naming things that do not exist or are not mine without an Internal error`, async () => {
      const wellFormed = validValue(schema as JsonSchema)
        .filter((message) => Value.Check(schema, message))
        .map((message) => JSON.stringify(message))
      await fc.assert(
        fc.asyncProperty(wellFormed, async (frame) => {
          const answer = await answerTo(frame)
          if (answer.type === 'error' && answer.code === 'Internal') throw new Error(`an Internal error for ${preview(frame)}`)
          if (loggedErrors.length > 0) throw new Error(`the server logged an error for ${preview(frame)}: ${loggedErrors.join('\n')}`)
        }),
        { seed: fuzzSettings.seed, numRuns: CASES, endOnFailure: true },
      )
    }, 30_000)
  }

  it('answers frames that are no message (not JSON, not an object, no or an unknown type) with an error frame', async () => {
    const noMessage = fc.oneof(
      nastyString.filter((text) => {
        try {
          JSON.parse(text)
          return typeof JSON.parse(text) !== 'object' || JSON.parse(text) === null
        } catch {
          return true
        }
      }),
      fc.constantFrom('null', '[]', '[{"type":"ping"}]', '42', '"ping"', '{}', '{"type":null}', '{"type":["ping"]}', '{"type":{"0":"p"}}', '{"type":"PING"}', '{"type":"ping\\u0000"}', '{"type":"__proto__"}', '{"type":"constructor"}', '{"type":"toString"}'),
      fc.record({ type: nastyString, ref: fc.option(nastyString, { nil: undefined }) }).map((m) => JSON.stringify(m)),
    )
    await fc.assert(fc.asyncProperty(noMessage.filter(fits), refused), { seed: fuzzSettings.seed, numRuns: CASES, endOnFailure: true })
    expect((await socket.ask({ type: 'ping' })).type).toBe('pong')
  }, 30_000)
})
