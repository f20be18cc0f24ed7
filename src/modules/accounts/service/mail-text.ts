import type { MailMessage } from '../../mail'

// The words of every accounts email, in one place.

export const verificationMail = (to: string, code: string): MailMessage => ({
  to,
  subject: `Your Souk code: ${code}`,
  text: `Your Souk verification code is ${code}.\n\nIt works once and expires in 10 minutes. If you did not sign up, ignore this email.`,
})

export const accountExistsMail = (to: string): MailMessage => ({
  to,
  subject: 'Someone tried to sign up with your address',
  text: 'Someone tried to create a Souk account with this address, which already has one.\n\nIf it was you, sign in instead, or reset your password if you forgot it. Otherwise you can ignore this email.',
})

export const passwordResetMail = (to: string, link: string): MailMessage => ({
  to,
  subject: 'Reset your Souk password',
  text: `Open this link to choose a new password:\n\n${link}\n\nIt works once and expires in 30 minutes. If you did not ask for it, ignore this email: your password stays as it is.`,
})

export const emailChangeCodeMail = (to: string, code: string): MailMessage => ({
  to,
  subject: `Confirm your new Souk address: ${code}`,
  text: `Enter ${code} in Souk to make this your sign-in address.\n\nIt works once and expires in 10 minutes.`,
})

export const addressInUseMail = (to: string): MailMessage => ({
  to,
  subject: 'Someone tried to move a Souk account to your address',
  text: 'A Souk user asked to use this address for their account, but it already belongs to an account. Nothing was changed.',
})

export const emailChangedMail = (to: string, newEmail: string): MailMessage => ({
  to,
  subject: 'Your Souk sign-in address was changed',
  text: `Your Souk account now signs in with ${newEmail}. If you did not do this, reset your password at once and contact support.`,
})

export const passwordChangedMail = (to: string, publicUrl: string): MailMessage => ({
  to,
  subject: 'Your Souk password was changed',
  text: `The password of your Souk account was changed, and your other devices were signed out.\n\nIf you did not do this, reset your password at once: ${publicUrl}/forgot-password`,
})

export const passwordResetDoneMail = (to: string, publicUrl: string): MailMessage => ({
  to,
  subject: 'Your Souk password was reset',
  text: `The password of your Souk account was reset with a link sent to this address, and every device was signed out.\n\nIf you did not do this, someone can read this mailbox: secure it, then reset your password again: ${publicUrl}/forgot-password`,
})
