import type { Page } from '@playwright/test';

export interface JobFields {
  workspace: string;
  provider: string;
  action: string;
  actor: string;
}

/** Opens the "Enqueue job" screen from the console's start page and returns its form. */
export async function openEnqueueForm(page: Page, baseUrl: string) {
  await page.goto(baseUrl);
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Enqueue job' })
    .click();
  return page.getByRole('form', { name: 'Enqueue job' });
}

/**
 * Fills the form as a person would: a known workspace is picked from the list, another is an
 * explicit "New workspace…" typed in (docs/console.md "Enqueue form").
 */
export async function fillJob(form: ReturnType<Page['getByRole']>, job: JobFields) {
  const picker = form.getByRole('combobox', { name: 'Workspace' });
  const known = await picker.locator('option').allTextContents();
  if (known.includes(job.workspace)) await picker.selectOption(job.workspace);
  else {
    await picker.selectOption({ label: 'New workspace…' });
    await form.getByRole('textbox', { name: 'New workspace id' }).fill(job.workspace);
  }
  await form.getByLabel('Provider').fill(job.provider);
  await form.getByLabel('Action').fill(job.action);
  await form.getByLabel('Actor').fill(job.actor);
}
