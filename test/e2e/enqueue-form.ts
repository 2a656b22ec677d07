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

/** Fills the form's four text fields, as a person would type them. */
export async function fillJob(form: ReturnType<Page['getByRole']>, job: JobFields) {
  await form.getByLabel('Workspace').fill(job.workspace);
  await form.getByLabel('Provider').fill(job.provider);
  await form.getByLabel('Action').fill(job.action);
  await form.getByLabel('Actor').fill(job.actor);
}
