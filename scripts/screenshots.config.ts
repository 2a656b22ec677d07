import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

// The README screenshots come from an end-to-end run: the same fixtures, host and Chromium.
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'screenshots.spec.ts',
  timeout: 120_000,
  use: { ...base.use, viewport: { width: 1440, height: 860 }, colorScheme: 'light' },
});
