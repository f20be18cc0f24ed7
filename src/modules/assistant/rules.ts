// The help assistant's closed lists and sizes, browser-safe (plain constants): the launcher and
// Help → Conversations use the same limits the server checks.

export const MESSAGE_ROLES = ['user', 'assistant'] as const
export type MessageRole = (typeof MESSAGE_ROLES)[number]

/** What an answer cites: a help article, or one of the asker's own records. */
export const CITATION_KINDS = ['article', 'order', 'return', 'escrow', 'balance'] as const
export type CitationKind = (typeof CITATION_KINDS)[number]

export const ASSISTANT_LIMITS = {
  /** Characters of one question. */
  questionMax: 1_000,
  /** Characters of a session's title (made from the first question, or as renamed). */
  titleMax: 80,
  /** A guest's conversation lives this long after its last message (then it is gone). */
  guestTtlMs: 30 * 60_000,
  /** Messages a guest's conversation keeps (the oldest go first). */
  guestMessagesMax: 40,
  /** Messages of a signed-in session shown and passed on (the latest). */
  sessionMessagesMax: 200,
  /** Characters of a language model's answer: past them the assistant stops reading it (the prompt asks for a brief one). */
  answerMax: 4_000,
} as const
