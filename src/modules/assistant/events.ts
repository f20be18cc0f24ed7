// The help assistant's one event: a piece of an answer a language model is writing, on the asker's
// `user:<id>` (signed in only; guests have no socket and get the whole answer in the HTTP response).
// Ephemeral: it only matters while the answer is being written, and the HTTP response to the
// question carries the final answer (which replaces what was streamed; a model that fails midway
// leaves the built-in answer). Browser-safe: the protocol union assembles it.
import { t } from 'elysia/type-system'
import { ephemeral, type EventsOf } from '../../lib/event-schema'
import { idSchema } from '../../lib/ids'

export const AssistantDeltaData = t.Object({
  sessionId: idSchema('ast'),
  messageId: idSchema('asm', { description: 'the answer being written (its id in the HTTP response)' }),
  text: t.String({ description: 'the next piece of the answer, to append to the previous ones' }),
})

export const ASSISTANT_EVENTS = [ephemeral('user', 'assistant.delta', AssistantDeltaData)] as const
export type AssistantEvent = EventsOf<typeof ASSISTANT_EVENTS>
