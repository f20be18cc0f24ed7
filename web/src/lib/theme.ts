import { createSignal } from 'solid-js'

/** The visitor's choice; 'system' follows prefers-color-scheme. Stored in localStorage only. */
export type ThemeChoice = 'system' | 'light' | 'dark'

export const THEME_STORAGE_KEY = 'souk-theme'

/**
 * Runs inline in <head> before the stylesheet paints, so a stored choice never flashes the other
 * theme. Kept tiny and dependency-free because it is serialized as a string.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem('${THEME_STORAGE_KEY}');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`

// Server and first client render agree on 'system'; the real value is read after hydration.
const [choice, setChoiceSignal] = createSignal<ThemeChoice>('system')
const [systemDark, setSystemDark] = createSignal(false)

export const themeChoice = choice
export const effectiveTheme = () => (choice() === 'system' ? (systemDark() ? 'dark' : 'light') : choice())

export function setTheme(next: ThemeChoice): void {
  setChoiceSignal(next)
  const root = document.documentElement
  if (next === 'system') delete root.dataset.theme
  else root.dataset.theme = next
  try {
    if (next === 'system') localStorage.removeItem(THEME_STORAGE_KEY)
    else localStorage.setItem(THEME_STORAGE_KEY, next)
  } catch {
    // Storage can be disabled (private mode); the choice then lasts for this page only.
  }
}

export function toggleTheme(): void {
  setTheme(effectiveTheme() === 'dark' ? 'light' : 'dark')
}

/** Reads the stored choice and follows system changes; called once after hydration. */
export function initTheme(): void {
  const stored = document.documentElement.dataset.theme
  setChoiceSignal(stored === 'light' || stored === 'dark' ? stored : 'system')
  const media = window.matchMedia('(prefers-color-scheme: dark)')
  setSystemDark(media.matches)
  media.addEventListener('change', (e) => setSystemDark(e.matches))
}
