import { ErrorResponse } from '../lib/errors'
import { ClientMessage, CLOSE_CODES, ServerMessage } from './protocol'

const errorContent = { 'application/json': { schema: ErrorResponse } }

/**
 * `/ws` in the OpenAPI document: the GET that upgrades to the socket, with the frames of both
 * directions as schemas in an extension (OpenAPI has no way to describe messages on a socket).
 */
export const SOCKET_PATH_ITEM = {
  get: {
    tags: ['Realtime'],
    summary: 'Open the realtime socket (WebSocket upgrade)',
    description:
      'Send `Connection: Upgrade`, `Upgrade: websocket` and a ticket from POST /api/v1/realtime/ticket. Every frame is one JSON object: ' +
      '`x-souk-client-messages` lists what the client may send, `x-souk-server-messages` what the server sends. ' +
      `Close codes: ${Object.entries(CLOSE_CODES)
        .map(([name, code]) => `${code} ${name}`)
        .join(', ')}.`,
    security: [],
    parameters: [{ name: 'ticket', in: 'query', required: true, description: 'single use, valid 30 s', schema: { type: 'string' } }],
    responses: {
      101: { description: 'Switching protocols: the socket is open' },
      401: { description: 'Missing, unknown, used or expired ticket', content: errorContent },
      403: { description: 'A foreign Origin', content: errorContent },
    },
    'x-souk-client-messages': ClientMessage,
    'x-souk-server-messages': ServerMessage,
  },
}
