import type { ChatModel } from '../../../src/modules/chat/model'
import type { TransactionStatus, TransactionStep } from '../../../src/modules/chat/item'

/** The system message each transaction step leaves in the thread. */
export const TRANSACTION_STEP_LABEL: Record<TransactionStep, string> = {
  sale_confirmed: 'The seller confirmed the sale',
  receipt_confirmed: 'The buyer confirmed receipt',
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
