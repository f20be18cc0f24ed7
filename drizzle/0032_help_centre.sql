-- Help search reads English articles: the 'english' configuration (stems: "returning" finds
-- "return"; English stop words dropped) with accents taken off first (unaccent, created by
-- migration post_search), so "rétour" finds "retour". to_tsvector with a named configuration is
-- immutable, so the search column can be generated. help_keywords_text is array_to_string declared
-- immutable (it is, for text[]; Postgres marks the polymorphic one stable), so the keywords can be
-- part of the generated column.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION help_search (COPY = english);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION help_search ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;--> statement-breakpoint
CREATE FUNCTION help_keywords_text(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string($1, ' ') $$;--> statement-breakpoint
CREATE TABLE "help_articles" (
	"id" text PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"category" text NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('help_search'::regconfig, "help_articles"."title" || ' ' || help_keywords_text("help_articles"."keywords")), 'A') || setweight(to_tsvector('help_search'::regconfig, "help_articles"."body"), 'B')) STORED NOT NULL,
	CONSTRAINT "help_articles_slug_check" CHECK ("help_articles"."slug" ~ '^[a-z0-9]+(?:-[a-z0-9]+)*$' and char_length("help_articles"."slug") <= 80),
	CONSTRAINT "help_articles_category_check" CHECK ("help_articles"."category" in ('buying', 'paying', 'escrow', 'shipping', 'returns', 'disputes', 'selling', 'plans', 'account'))
);
--> statement-breakpoint
CREATE INDEX "help_articles_search_idx" ON "help_articles" USING gin ("search");--> statement-breakpoint
CREATE UNIQUE INDEX "help_articles_slug_key" ON "help_articles" USING btree ("slug");--> statement-breakpoint
-- The help centre's first articles (admins edit them at /admin/help).
INSERT INTO "help_articles" ("id", "slug", "title", "body", "category", "keywords", "published", "created_at", "updated_at") VALUES
('hlp_01900000000070008000000000000000', 'how-buying-works', 'How buying on Souk works', $md$Souk is a marketplace of independent shops. You buy from the shop, and Souk keeps your payment safe until your order reaches you.

## From the cart to your door

1. **Add to cart** on a product page. Your [cart](/cart) shows each item as it is now: its price, its stock and whether it can still be bought. A price that changed since you added the item says "was …".
2. **Checkout** splits your cart per shop: each shop gets its own order, with its own delivery option and invoice.
3. **Pay** by card, from your Souk wallet, or in cash to the courier (see [Ways to pay](/help/articles/ways-to-pay)).
4. The shop **accepts** your order, then **ships** it. You can follow each parcel from the order page.
5. When it arrives, press **I received it** on the order page. The order is then **completed** and the shop is paid.

## Your orders

All your orders are in [My orders](/orders) (account menu → My orders), newest first. Open one to see its items, delivery, invoice (PDF), payment, parcels and everything that happened to it, as it happens.

## Order statuses

- **Awaiting payment**: a card or wallet payment has not gone through yet. The items are kept for you for 15 minutes.
- **Placed**: the shop has your order and has not accepted it yet. You can still cancel it.
- **Accepted**, **Shipped**, **Delivered**: the shop is preparing it, it is on its way, it has arrived.
- **Completed**: you confirmed receipt (or the automatic release date passed).
- **Cancelled**: by you before acceptance, by the shop with a reason, or because an unpaid order's hold ran out.

Questions for the shop? Use **Message the shop** on the order page or **Message seller** on the product page.$md$, 'buying', ARRAY['order', 'purchase', 'checkout', 'cart', 'order status']::text[], true, now(), now()),
('hlp_01900000000070008000000000000001', 'cancel-an-order', 'Cancelling an order or some of its items', $md$## Before the shop accepts

Open the order in [My orders](/orders) and press **Cancel order**. You may say why; the shop is told at once. The items go back on sale and a paid order is refunded:

- paid from your **wallet**: the money is back in your wallet at once;
- paid by **card**: the refund is sent to the card (your bank may take a few days to show it);
- **cash on delivery**: nothing was paid, nothing to refund.

## Cancelling only some items

While your order is still **placed**, use **Cancel items** on the order page to take some items off it. Their price is refunded exactly (for cash on delivery, you simply pay less). To cancel every item, cancel the order instead.

## After the shop accepted

You can no longer cancel it yourself. Write to the shop with **Message the shop**: a shop (or Souk staff) can still cancel items or the whole order until it ships, with a reason you will see. Once your order has arrived, see [How to return an item](/help/articles/return-an-item).$md$, 'buying', ARRAY['cancel', 'cancellation', 'change my mind', 'refund']::text[], true, now(), now()),
('hlp_01900000000070008000000000000002', 'talk-to-a-shop', 'Asking a shop a question before or after you buy', $md$Every product page has **Message seller**. It opens a conversation with the shop about that product in your [inbox](/inbox), where you can send text and photos. The product page also shows whether the seller is online now, or when they were last seen.

## After you order

Your order page has **Message the shop**: the same conversation, about the order's first item. Souk also posts the order's important steps into it (accepted, shipped, a return asked, a problem reported), so the whole story is in one place. If you ever report a problem, the messages you exchanged can be quoted as evidence.

## Stay on Souk

Keep your conversations and payments on Souk. A payment made outside Souk is not protected by escrow, and Souk cannot help you get it back.

## Reviews

Once an order is completed, you can review each item (1 to 5 stars, text and up to 5 photos) from the order page within 60 days. You may change your review for 48 hours, and the shop may reply.$md$, 'buying', ARRAY['message', 'chat', 'seller', 'contact seller', 'inbox']::text[], true, now(), now()),
('hlp_01900000000070008000000000000003', 'ways-to-pay', 'Ways to pay: card, Souk wallet or cash on delivery', $md$At checkout, choose how you pay for the whole order.

## Card

You are sent to the card provider's secure page; your card details never pass through Souk. Once the provider confirms the payment, your orders are placed and the shops are told. The money is held in escrow until you receive your order ([how escrow works](/help/articles/how-escrow-works)).

## Souk wallet

Pay at once from your wallet's available balance. If it falls short, the checkout says so and links to your [wallet](/wallet), where you can **Add money** by card.

## Cash on delivery

Your order is placed at once and you pay the courier when it arrives. No money passes through Souk, so:

- there is nothing to refund if the order is cancelled;
- escrow does not apply, and a cash order cannot be taken to a dispute. You can still ask for a return within the shop's window: its refund goes to your Souk wallet.

## Prices and invoices

Prices include TVA. Each shop's order has its own invoice, with the TVA by rate, which you can download as a PDF from the order page.$md$, 'paying', ARRAY['payment method', 'pay', 'card', 'cash on delivery', 'cod', 'wallet']::text[], true, now(), now()),
('hlp_01900000000070008000000000000004', 'card-payment-problems', 'My card payment failed or is still pending', $md$After a card payment you come back to [My orders](/orders), which says whether the payment is **paid**, **pending** or **declined**, with the provider's message.

## Declined

Nothing was taken. While the orders are still waiting for payment you can press **Pay again by card** or **Pay from wallet**.

## Pending

Some cards ask for a confirmation step with your bank. The orders are placed as soon as the provider confirms the payment, usually within seconds; the page updates by itself.

## The 15-minute hold

Orders waiting for a card or wallet payment keep their items for **15 minutes**. After that they are cancelled and the items go back on sale. If a payment arrives after its orders were cancelled, it is refunded automatically.

## Paid twice?

Souk places each checkout once, even if you press the button twice or your connection drops. If you still see two charges for one order, [contact support](/help/contact) with the order number.$md$, 'paying', ARRAY['declined', 'payment failed', 'pending payment', 'pay again', 'card refused']::text[], true, now(), now()),
('hlp_01900000000070008000000000000005', 'wallet-and-withdrawals', 'Your Souk wallet: adding money and withdrawing it', $md$Your [wallet](/wallet) (account menu → Wallet) shows four balances per currency:

- **Available**: yours to spend or withdraw;
- **Held in escrow**: what you paid for orders not yet received;
- **Incoming**: for shops, sales paid but not released yet;
- **Withdrawals**: money on its way to your bank.

The history below lists every movement, filtered by kind and dates, and can be exported as CSV.

## Adding money

Press **Add money**, choose an amount and pay by card on the provider's page. The wallet is credited as soon as the payment is confirmed.

## Withdrawing to your bank

1. Add a bank account under **Bank accounts**: the IBAN is checked when you type it and then shown masked.
2. Press **Withdraw** and choose the amount. The limits are shown beside the amount: at least **100.00 MAD** and at most **50,000.00 MAD a day** by default.
3. The amount is reserved at once. Souk's finance team pays it and adds the bank's reference, or rejects it with a reason (the money then returns to your wallet).

You are notified when a withdrawal is paid or rejected.$md$, 'paying', ARRAY['wallet', 'balance', 'withdraw', 'withdrawal', 'payout', 'iban', 'bank account', 'deposit']::text[], true, now(), now()),
('hlp_01900000000070008000000000000006', 'how-escrow-works', 'How Souk protects your payment (escrow)', $md$When you pay by card or from your wallet, the money does not go straight to the shop. Souk **holds it in escrow** for your order:

1. **You pay.** The amount is held for the shop, and you see it under *Held in escrow* in your [wallet](/wallet).
2. **The shop sends your order.** It cannot touch the money yet.
3. **You confirm receipt** with **I received it** on the order page (or in your chat with the shop). The money is released to the shop, less Souk's commission.

If you never confirm, the money is released automatically a number of days after delivery (see [When is the shop paid?](/help/articles/when-is-money-released)).

## When something goes wrong

- Order cancelled: the held money is refunded to your wallet at once, or to your card.
- Problem with the order: **Report a problem** on the order page freezes the payment until it is settled ([disputes](/help/articles/report-a-problem)).
- Return asked: the payment is frozen while the return is open ([returns](/help/articles/return-an-item)).

The **Payment** panel of each order page says where the money stands: held, frozen, released or refunded, and the date it will be released.

Cash on delivery is paid directly to the courier, so escrow does not protect it.$md$, 'escrow', ARRAY['escrow', 'protection', 'safe', 'held', 'buyer protection', 'money']::text[], true, now(), now()),
('hlp_01900000000070008000000000000007', 'when-is-money-released', 'When is the shop paid? Automatic release explained', $md$A held payment is released to the shop in one of two ways, whichever comes first:

- **You confirm receipt**: press **I received it** on the order page once it has shipped. The order is completed and the shop is paid at once.
- **Automatic release**: Souk completes the order and releases the payment **7 days after delivery** by default (Souk may set another number of days). Delivery is when every parcel of the order has arrived.

Once the order is delivered, its **Payment** panel shows the exact date the money will be released unless you report a problem.

## What stops the release

- An open **dispute** ([Report a problem](/help/articles/report-a-problem)) freezes the payment until Souk decides.
- An open **return** freezes it until the return is settled.

Neither your confirmation nor the automatic release moves a frozen payment.

## For shops

The released amount lands in your wallet's *Available* balance, less the commission of your plan at the time of payment. See [Getting paid for your sales](/help/articles/getting-paid).$md$, 'escrow', ARRAY['release', 'auto-release', 'automatic release', 'when will my money', 'payout date', 'confirm receipt']::text[], true, now(), now()),
('hlp_01900000000070008000000000000008', 'track-your-order', 'Tracking your order', $md$Open the order in [My orders](/orders). Its **Tracking** panel lists each parcel the shop sent:

- the **carrier** (Amana, Aramex, DHL Express, UPS, FedEx or another) and a **tracking link** to the carrier's page;
- the items in it and the **estimated delivery** date the shop gave;
- its history: *pending*, *in transit*, *out for delivery*, *delivered* — or *failed* and *returned to sender*.

It updates live while the page is open, and you are notified of each step (in the app and by email, as you chose in your [notification settings](/notifications)).

## One order, several parcels

A shop may send your order in several parcels. The order is **shipped** with the first one and **delivered** when every item has arrived.

## Pickup orders

If you chose pickup at the shop, your parcel says **ready to collect** when you can come for it.

## It is late

1. Check the estimated date and the carrier's tracking page.
2. Ask the shop with **Message the shop** on the order page.
3. If the order paid by card or wallet does not arrive, **Report a problem** (reason: *not received*) before the automatic release: see [disputes](/help/articles/report-a-problem).$md$, 'shipping', ARRAY['tracking', 'where is my order', 'parcel', 'delivery', 'carrier', 'shipment', 'late']::text[], true, now(), now()),
('hlp_01900000000070008000000000000009', 'delivery-options-and-costs', 'Delivery options, costs and pickup', $md$Each shop sets its own delivery options: a name, a price, how many days it needs to prepare an order, and sometimes **free delivery above an amount** or **pickup at the shop**.

At [checkout](/checkout) you choose one option per shop; the first is chosen for you. The review shows, per shop, the delivery cost (free when the order passes the option's threshold), the TVA and the total, and it is quoted again each time you change something.

## Why can't I check out?

The checkout says what stops it, for example:

- a shop has no delivery option yet;
- an item sold out or has fewer left than you want;
- your cart mixes currencies;
- you have no delivery address yet (add one in place, or in [Addresses](/account/addresses)).

## Addresses

Your delivery and billing addresses are saved on the order as they were when you placed it, so changing an address later does not change past orders.$md$, 'shipping', ARRAY['shipping cost', 'delivery fee', 'free shipping', 'pickup', 'handling time']::text[], true, now(), now()),
('hlp_0190000000007000800000000000000a', 'shipping-your-sales', 'Sending an order to your buyer (for shops)', $md$Open the sale in [Sales](/dashboard/sales) once you have **accepted** it. In the **Shipments** panel:

1. Choose the items in the parcel (all not yet shipped, by default) — you can send an order in several parcels.
2. Pick the **carrier** and type the **tracking number**: the tracking link is made for you. For another carrier, give its name and an https tracking link.
3. Give the estimated delivery date, then send.

The first parcel marks the order **shipped**; the buyer is notified and can follow it. Move each parcel along (*in transit*, *out for delivery*, *delivered*) — carriers connected to Souk update it for you. When every item has arrived, the order is **delivered** and the automatic release clock starts.

## Delivery options

Set your delivery options, prices, free-delivery thresholds, handling days and pickup in [Dashboard → Delivery](/dashboard/shipping).

## Cash on delivery

Once a cash order is delivered, press **Mark cash collected** on the sale page. Souk's commission is then taken from your wallet (add money first if it falls short).$md$, 'shipping', ARRAY['ship', 'send parcel', 'tracking number', 'mark shipped', 'mark delivered', 'seller shipping']::text[], true, now(), now()),
('hlp_0190000000007000800000000000000b', 'return-an-item', 'How to return an item', $md$You can ask for a return once your order has **arrived**, within the shop's **return window**: **14 days after delivery** unless the shop set its own policy (a shop may also take no returns). The order page says until when you can ask.

## Start a return

1. Open the order in [My orders](/orders).
2. In the **Returns** panel, press **Return items**.
3. Choose the items and how many, the reason (*defective*, *wrong item*, *not as described*, *changed my mind*, *other*) and describe the problem.
4. Add up to 5 photos while the shop has not decided — they help a lot.

The refund is fixed at that moment (see [Return refunds](/help/articles/return-refunds)), and the order's payment is frozen while the return is open.

## Then

- The shop **approves** with instructions for sending it back, or **declines** with a reason.
- Approved: send the items back within **7 days** and press **I sent it back**; otherwise the return is cancelled.
- When the shop confirms it **received the items**, you are refunded and the return is done.

## Declined, or the shop does not confirm?

While your payment is still held, press **Take it to a dispute** and Souk will decide ([disputes](/help/articles/report-a-problem)). You can do the same if the shop has not confirmed receiving your parcel within 7 days.$md$, 'returns', ARRAY['return', 'send back', 'refund', 'return window', 'wrong item', 'defective']::text[], true, now(), now()),
('hlp_0190000000007000800000000000000c', 'return-refunds', 'Return refunds: how much, and where the money goes', $md$## How much

The refund is fixed when you ask for the return: the **price you paid for each item returned**. The **delivery fee** is refunded too, with the order's last items, when the reason is the shop's fault (defective, wrong item, not as described) or when the shop's policy refunds delivery.

## When

As soon as the shop marks the items **received**. You are notified, and the order page shows the refund.

## Where

- Paid by **card**: back to the same card (your bank may take a few days to show it).
- Paid from your **wallet**: back to your wallet at once.
- **Cash on delivery**: to your Souk [wallet](/wallet), from which you can withdraw it to your bank.

## For shops

While the payment is still held, the refund comes out of it and you are paid — and charged commission on — only what you keep. After the payment was released, it comes from your wallet (the commission on that part is given back). Set your window (0 to 90 days) and whether you refund delivery in [Dashboard → Returns](/dashboard/returns).$md$, 'returns', ARRAY['refund amount', 'refund', 'money back', 'return shipping', 'when will i be refunded']::text[], true, now(), now()),
('hlp_0190000000007000800000000000000d', 'report-a-problem', 'Reporting a problem with an order (disputes)', $md$If an order you paid by **card or wallet** did not arrive, arrived damaged, or is not as described, open the order in [My orders](/orders) and press **Report a problem**. Do it **before the payment is released** (the Payment panel shows the date).

Choose the reason — *not received*, *not as described*, *damaged* or *other* — and describe what happened.

## What happens next

- The payment is **frozen**: it is released neither by your receipt nor automatically until the dispute is settled.
- The shop is told and has **3 days** (by default) to respond.
- Both of you add **evidence** to the dispute: text, photos, and messages from your conversation with the shop.
- If the shop does not respond in time, press **Ask Souk to decide**: Souk staff take it first.

Only one dispute can be open per order. Orders paid in cash on delivery, and payments already released, cannot be disputed — [contact support](/help/contact) instead.

See [How Souk decides a dispute](/help/articles/how-disputes-are-decided).$md$, 'disputes', ARRAY['dispute', 'problem', 'not received', 'damaged', 'not as described', 'complaint', 'claim']::text[], true, now(), now()),
('hlp_0190000000007000800000000000000e', 'how-disputes-are-decided', 'How Souk decides a dispute', $md$A Souk staff member reads the whole case: the dispute and its evidence, the order and its parcels, the payment, and your conversation with the shop about the order. Someone who is part of the order never decides it.

## The possible outcomes

- **Release**: the shop is paid, as if you had confirmed receipt.
- **Refund**: you get your money back (to your wallet, or to your card).
- **Split**: part goes to the shop, the rest is refunded to you.

An order that never shipped can only be refunded; it is then cancelled. Every decision comes with a written explanation that both sides read on the order page, and the order is completed.

## Good evidence

- Photos of the item and its packaging as it arrived.
- The tracking history and the carrier's answers.
- Quote the messages where the shop promised something — you can pick them from your conversation when adding evidence.

A decision is final on Souk. If you think something was missed, [contact support](/help/contact) with the order number.$md$, 'disputes', ARRAY['decision', 'dispute outcome', 'resolve', 'split refund', 'evidence']::text[], true, now(), now()),
('hlp_0190000000007000800000000000000f', 'open-a-shop', 'Opening a shop on Souk', $md$Anyone with a Souk account can apply to sell.

1. Go to [Sell on Souk](/sell) and tell us about your shop.
2. Souk's team reviews each application, usually within **two working days**. You are notified of the decision; a rejected application says why, and you can apply again.
3. Once approved, your shop has a public storefront and a [Dashboard](/dashboard).

## Your first listings

In the dashboard, **New product**: title, description, price (TVA included), stock, condition, category and its details, up to 10 photos and 2 videos. Save it as a draft or put it on sale. You can also import many products at once from a CSV file (Dashboard → Import / export).

Souk may review listings before they go public: a listing **waiting for review** is visible only to you until it is approved; a rejected one says why in the editor.

## Your plan

Every shop starts on the **Free** plan, which limits how many listings are on sale at once. See [Shop plans](/help/articles/shop-plans) for more listings, boosts and a lower commission.$md$, 'selling', ARRAY['sell', 'become a seller', 'shop application', 'vendor', 'start selling', 'open shop']::text[], true, now(), now()),
('hlp_01900000000070008000000000000010', 'getting-paid', 'Getting paid for your sales', $md$## Card and wallet orders

The buyer's payment is held in escrow. It is released to your wallet when the buyer confirms receipt, or automatically **7 days after delivery** by default — less Souk's **commission** at your plan's rate when the order was paid.

## Cash on delivery

The courier collects the cash for you. When the order is delivered, press **Mark cash collected** on the sale page: Souk's commission is then taken from your wallet. If your wallet cannot cover it yet, add money and press it again.

## Your earnings

[Dashboard → Earnings](/dashboard/earnings) shows, per currency, what is held in escrow, what is available, what has been released so far, the commission at your rate and what you have been paid out, with your latest paid orders.

## Withdrawing

Withdraw your available balance to your bank from your [wallet](/wallet) (see [Your Souk wallet](/help/articles/wallet-and-withdrawals)).

Refunds for returns and disputes come out of the held payment first; after release, from your wallet.$md$, 'selling', ARRAY['earnings', 'commission', 'fees', 'payout', 'seller payment', 'get paid']::text[], true, now(), now()),
('hlp_01900000000070008000000000000011', 'handling-orders', 'Accepting, cancelling and answering orders (for shops)', $md$New orders appear in [Dashboard → Sales](/dashboard/sales) as they arrive, and you are notified.

## Accept

Open the order and press **Accept**. Accepting also confirms the sale in your conversation with the buyer about that product (and confirming the sale in the chat accepts the order).

## Cancel

You may cancel an order — or only some items — until it ships, always **with a reason** the buyer reads. The stock returns and a paid order is refunded.

## Ship

See [Sending an order to your buyer](/help/articles/shipping-your-sales).

## Returns and disputes

- Returns arrive in [Dashboard → Returns](/dashboard/returns): approve with instructions, or decline with a reason; confirm when you received the items.
- A buyer may report a problem: respond within **3 days** (by default) on the sale page and add evidence. Without a response, the buyer may ask Souk to decide.

Keep your answers in Souk's chat: they are the evidence a decision relies on.$md$, 'selling', ARRAY['accept order', 'new order', 'seller orders', 'sales', 'cancel sale']::text[], true, now(), now()),
('hlp_01900000000070008000000000000012', 'shop-plans', 'Shop plans: Free and paid plans', $md$Compare the plans at [Plans](/plans). Each plan sets:

- how many **listings** can be on sale at once;
- **boost credits** each month;
- **featured** listing slots;
- its **commission** on your sales;
- **priority support** and a storefront **badge**.

Every shop starts on **Free**. Manage yours in [Dashboard → Plan](/dashboard/plan).

## Paying

Plans are paid monthly or yearly from your [wallet](/wallet); each payment has a PDF invoice with its TVA. If your wallet is short, add money first.

- **Upgrade**: takes effect now, with a credit for the unused part of your current period.
- **Cheaper plan, Free, or the other interval**: from the end of your period.
- **Cancel**: stops renewal; you keep the perks until the period ends.

## Renewal

Renewal is taken from your wallet. You are warned 7 days and 1 day before. If it fails, you have **3 days of grace** while Souk retries; then the shop returns to Free and your newest listings over the Free limit go back to draft (never deleted).$md$, 'plans', ARRAY['plan', 'subscription', 'upgrade', 'downgrade', 'listing limit', 'pricing', 'renewal']::text[], true, now(), now()),
('hlp_01900000000070008000000000000013', 'boost-and-feature', 'Boosting and featuring your listings', $md$## Boost

On a listing in your [dashboard](/dashboard), press **Boost** and choose 1 to 30 days: it costs **one credit a day**. A boosted listing leads the home page's promoted rail and search results, always labelled **Promoted**. Your plan gives you credits each period; they reset with it.

## Featured

Plans with featured slots let you **Apply to feature** a listing. Souk's team grants it until a date (within your slots) or declines with a reason; you are notified either way. A featured period never runs past the end of a cancelled paid plan.

Both end by themselves on their date.

See [Shop plans](/help/articles/shop-plans) to compare credits and slots.$md$, 'plans', ARRAY['boost', 'promote', 'promoted', 'featured', 'credits', 'visibility']::text[], true, now(), now()),
('hlp_01900000000070008000000000000014', 'account-security', 'Keeping your account secure', $md$## Your password

Use a password of 8 to 128 characters that you use nowhere else. Souk refuses the most common passwords and your last five. Change it in [Account](/account): you are told by email whenever your password or email changes.

## Signed-in devices

[Account](/account) lists the devices signed in to your account. Sign out any you do not recognise. Changing your password signs out your other devices.

Your account page also shows your **security activity**: sign-ins, password and email changes, and payout methods added or removed.

## Sign-in protection

After 5 failed sign-ins in 15 minutes, the account is locked for 15 minutes. A password reset is never blocked by it.

## Two-step verification

Souk does not offer two-step verification (2FA) yet. A strong, unique password and checking your signed-in devices are the best protection today.

## Someone else is using my account

1. [Reset your password](/forgot-password).
2. Sign out the devices you do not know.
3. Check your bank accounts in your [wallet](/wallet).
4. [Contact support](/help/contact).$md$, 'account', ARRAY['security', 'password', 'sessions', 'devices', 'sign out', '2fa', 'two-factor', 'hacked']::text[], true, now(), now()),
('hlp_01900000000070008000000000000015', 'cant-sign-in', 'I forgot my password or cannot sign in', $md$## Forgot your password

Go to [Forgot password](/forgot-password) and enter your email. If it has an account, you receive a link to choose a new password. The link works once, for a limited time.

## "Too many attempts"

After 5 failed sign-ins in 15 minutes, sign-in is paused for 15 minutes. Wait, or reset your password — a reset is never blocked.

## Signing up: the code

Signing up sends a **6-digit code** to your email. It is valid for 10 minutes and 5 tries; ask for a new one if it expired. Check your spam folder.

## Signed out unexpectedly

Souk signs you out when your session ends: your password changed, you signed out that device from another one, or the session expired. Sign in again.

Still stuck? [Contact support](/help/contact): you do not need to be signed in.$md$, 'account', ARRAY['forgot password', 'reset password', 'locked out', 'sign in', 'login', 'verification code']::text[], true, now(), now());
