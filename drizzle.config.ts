import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/modules/*/table.ts', './src/modules/payments/providers/sandbox-table.ts', './src/events/table.ts'],
  out: './drizzle',
})
