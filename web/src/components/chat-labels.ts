import type { ChatModel } from '../../../src/modules/chat/model'
import type { SystemMessage, TransactionStatus } from '../../../src/modules/chat/item'

/** The system message each transaction step, return and dispute step leaves in the thread. */
export const SYSTEM_MESSAGE_LABEL: Record<SystemMessage, string> = {
  sale_confirmed: 'The seller confirmed the sale',
  receipt_confirmed: 'The buyer confirmed receipt',
  return_requested: 'The buyer asked to return items',
  return_approved: 'The shop accepted the return',
  return_rejected: 'The shop declined the return',
  return_cancelled: 'The buyer cancelled the return',
  return_sent: 'The buyer sent the items back',
  return_received: 'The shop received the items: refunded',
  dispute_opened: 'A problem was reported: the payment is held',
  dispute_responded: 'The shop responded to the dispute',
  dispute_evidence: 'Evidence was added to the dispute',
  dispute_decision_requested: 'The buyer asked Souk to decide the dispute',
  dispute_resolved: 'Souk decided the dispute',
}

export const TRANSACTION_STATUS_LABEL: Record<TransactionStatus, string> = {
  none: 'No sale yet',
  sale_confirmed: 'Sale confirmed',
  completed: 'Completed',
}

export const MESSAGE_REPORT_REASON_LABEL: Record<ChatModel.ReportBody['reason'], string> = {
  spam: 'Spam',
  harassment: 'Harassment',
  scam: 'A scam or fraud',
  offensive: 'Offensive content',
  other: 'Something else',
}
