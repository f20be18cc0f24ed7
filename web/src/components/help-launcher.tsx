import { createSignal, lazy, onMount, Show, Suspense } from "solid-js";
import { signedIn } from "../lib/session";
import { Icon } from "./icons";

// In the entry (every page has it), so it stays a button: the panel and all it uses are a lazy
// chunk (the support screens', with the ticket thread it shows), loaded on the first click.
const Panel = lazy(() =>
  import("../routes/support-screens").then((m) => ({
    default: m.AssistantPanel,
  })),
);

/** Set while this browser holds a guest conversation, so after signing in the launcher offers to keep it. */
export const GUEST_ASKED_KEY = "souk:assistant-guest";

/** The help launcher: a button on every page that opens the help assistant's panel. */
export function HelpLauncher() {
  const [open, setOpen] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [guestAsked, setGuestAsked] = createSignal(false);
  onMount(() => {
    try {
      setGuestAsked(localStorage.getItem(GUEST_ASKED_KEY) !== null);
    } catch {
      // Storage refused (a private mode): the panel still offers it once opened.
    }
  });
  const offer = () => signedIn() && guestAsked() && !loaded();
  return (
    <>
      <button
        type="button"
        class="btn btn--primary help-launcher"
        aria-haspopup="dialog"
        onClick={() => {
          setLoaded(true);
          setOpen(true);
        }}
      >
        <Icon name="chat" /> {offer() ? "Keep your help conversation?" : "Help"}
      </button>
      <Show when={loaded()}>
        <Suspense>
          <Panel open={open()} onClose={() => setOpen(false)} />
        </Suspense>
      </Show>
    </>
  );
}
