-- Hand-written. The info pages the footer links (terms, privacy, shipping, returns) are help-centre
-- articles like the others, so admins edit them at /admin/help; /terms, /privacy, /shipping and
-- /returns redirect to them (help's HELP_INFO_PAGES). Where a rule is a setting, the text gives its
-- default and says it may change: escrowAutoReleaseDays (ESCROW_AUTO_RELEASE_DAYS, 7),
-- returnWindowDays (14), DISPUTE_RESPOND_DAYS (3), commissionBp (PLATFORM_COMMISSION_BP).
-- The shop application article promised a notice and a delay Souk does not give: it now says
-- where the decision shows (replace() leaves an article an admin already rewrote as it is).
UPDATE "help_articles" SET "body" = replace("body", $md$Souk's team reviews each application, usually within **two working days**. You are notified of the decision; a rejected application says why, and you can apply again.$md$, $md$Souk's team reviews each application. You get a notification and an email at the shop's contact address when it is decided, and [Sell on Souk](/sell) shows the decision: a rejected application says why, and you can apply again.$md$) WHERE "slug" = 'open-a-shop';--> statement-breakpoint
INSERT INTO "help_articles" ("id", "slug", "title", "body", "category", "keywords", "published", "created_at", "updated_at") VALUES
('hlp_01900000000070008000000000000016', 'terms-of-service', 'Terms of service', $md$Souk is a marketplace of independent shops. When you buy, you buy from the shop; Souk runs the platform, holds card and wallet payments in escrow, and decides disputes between buyers and shops.

## Your account

- You sign up with an email address, confirmed with a 6-digit code. Keep your password to yourself: what is done with your account is yours.
- You may delete your account in [Account](/account) at any time (your password is asked). See [Privacy](/help/articles/privacy-policy) for what is erased and what stays.
- Souk's staff may suspend an account, a shop or a listing that breaks these terms, delete messages and hide reviews reported to them.

## Buying

- Prices include TVA. Checkout makes one order per shop, each with its own delivery option and invoice.
- You pay by card, from your Souk wallet, or in cash on delivery. An order waiting for a card or wallet payment keeps its items for 15 minutes, then is cancelled.
- Card and wallet payments are held in escrow and released to the shop when you confirm receipt, or automatically a number of days after delivery — 7 by default ([escrow](/help/articles/how-escrow-works)). Cash on delivery is paid to the courier and is not held.
- You may cancel an order until the shop accepts it ([cancelling](/help/articles/cancel-an-order)). Returns follow the [returns policy](/help/articles/returns-policy); delivery follows the [shipping policy](/help/articles/shipping-policy).
- A problem with an order paid by card or wallet may be reported until its payment is released; Souk's decision on a dispute is final on Souk ([disputes](/help/articles/how-disputes-are-decided)).

## Selling

- A shop opens once Souk's team approves its application ([opening a shop](/help/articles/open-a-shop)); one shop per tax number.
- A shop describes its listings truthfully, ships what it accepted, answers disputes within the time given (3 days by default) and honours its return policy.
- Souk takes a commission on each sale paid through it, at the rate of the shop's plan ([plans](/help/articles/shop-plans)); a shop's earnings are released to its wallet and withdrawn to its bank.
- Souk may review listings before they go public, and reject them with a reason.

## On Souk, and off it

Keep conversations and payments on Souk: a payment made outside Souk is not protected by escrow, and Souk cannot help get it back.

## Changes

These terms are an article of the help centre. Souk's team changes them here, and this page always shows the current text.$md$, 'account', ARRAY['terms', 'terms of service', 'terms and conditions', 'rules', 'conditions of use']::text[], true, now(), now()),
('hlp_01900000000070008000000000000017', 'privacy-policy', 'Privacy', $md$What Souk keeps about you, why, who sees it and for how long.

## What Souk keeps

- **Your account**: your email address, display name and handle, and what you choose to add (a photo, bio, location, phone). Your password is kept only as a one-way hash.
- **Your sign-ins**: each signed-in device (its browser and address), listed in [Account](/account) where you can sign it out, and your security activity (sign-ins, password and email changes, payout methods added or removed).
- **What you buy and sell**: orders, their delivery and billing addresses as they were when the order was placed, invoices, payments, parcels, returns and disputes.
- **Money**: every movement of your wallet. Card details never pass through Souk: you type them on the card provider's page. Bank accounts (IBAN) for withdrawals are stored encrypted and shown masked.
- **What you write and upload**: messages, reviews, posts, comments and support tickets, with their photos. Photos are re-encoded when uploaded, which drops their hidden data (such as location).

## Who sees it

- A shop sees the name and the delivery address on the orders you place with it, and your conversations with it.
- Souk's staff see what they need to run the platform: support tickets, reported content, disputes (including the conversation about the order) and finance.
- Your profile and posts are seen as you set them: public, or followers only.

## Emails and cookies

Souk emails you about your account (codes, password and email changes), and about notifications as you choose in your [notification settings](/notifications), including the digest of unread ones (weekly by default; you can turn it off). Souk sets a cookie to keep you signed in and, if you use the help assistant without an account, one for that conversation. It uses no advertising cookies.

## How long

- Read notifications are deleted after 30 days; ended sessions and expired codes are purged.
- A help assistant conversation without an account is never written to the database and is forgotten 30 minutes after its last message.
- **Deleting your account** ([Account](/account)) ends every session and erases your email, name, handle, photo, bio, location, phone and password; your posts go with it. Orders, invoices, payments and messages stay, shown as from "Deleted user", because the other side of each and Souk's accounts rely on them. Souk's security log keeps its entries about the account.

Questions? [Contact support](/help/contact).$md$, 'account', ARRAY['privacy', 'personal data', 'data', 'cookies', 'delete account', 'gdpr']::text[], true, now(), now()),
('hlp_01900000000070008000000000000018', 'shipping-policy', 'Shipping policy', $md$Souk does not carry parcels: each shop sends its own orders, with the carrier it chooses.

## Before you buy

- Each shop sets its delivery options: a price, the days it needs to prepare an order, and sometimes **free delivery above an amount** or **pickup at the shop** ([delivery options](/help/articles/delivery-options-and-costs)).
- At checkout you choose one option per shop; the delivery cost is shown before you pay.

## After you buy

- The shop accepts your order, then sends it in one or more parcels, each with its carrier (Amana, Aramex, DHL Express, UPS, FedEx or another) and a tracking link when it gives a number, and an estimated delivery date.
- The order page's **Tracking** panel follows each parcel, and you are notified of each step as you chose ([tracking](/help/articles/track-your-order)).
- Your order is **delivered** when every item has arrived. Then, unless you report a problem, a card or wallet payment is released to the shop when you confirm receipt or 7 days after delivery (by default).

## It does not arrive

Ask the shop with **Message the shop**. If an order paid by card or wallet does not arrive, **Report a problem** before its payment is released ([disputes](/help/articles/report-a-problem)). For cash on delivery, [contact support](/help/contact).$md$, 'shipping', ARRAY['shipping policy', 'delivery policy', 'shipping', 'delivery', 'carrier']::text[], true, now(), now()),
('hlp_01900000000070008000000000000019', 'returns-policy', 'Returns policy', $md$## The window

Each shop sets its return policy: a window of 0 to 90 days after delivery (0: it takes no returns) and whether it refunds delivery. A shop without its own policy takes returns for **14 days after delivery** (Souk's default, which Souk may change). Your order page says until when you can ask.

## Asking

Once your order has arrived, open it in [My orders](/orders) and press **Return items**: the items, the reason (*defective*, *wrong item*, *not as described*, *changed my mind*, *other*), a description and up to 5 photos ([how to return](/help/articles/return-an-item)). While the return is open, the order's payment stays held.

## The refund

- The price you paid for each item returned, plus the delivery fee with the order's last items when the reason is the shop's fault or its policy refunds delivery ([return refunds](/help/articles/return-refunds)).
- Paid once the shop confirms it received the items: to your card, or to your wallet (cash on delivery: to your wallet).

## Sending it back

The shop approves with instructions or declines with a reason. Once approved, send the items back within **7 days** and say so on the order page, or the return is cancelled. If the shop declines, or does not confirm receiving your parcel within 7 days, you may take it to a dispute while your payment is still held.

## Before it ships

You may cancel an order until the shop accepts it, and some of its items while it is placed ([cancelling](/help/articles/cancel-an-order)).$md$, 'returns', ARRAY['returns policy', 'return policy', 'refund policy', 'returns', 'money back']::text[], true, now(), now());
