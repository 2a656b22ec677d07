import type { z } from 'zod';
import { ValidationError } from './errors';

/** Parses input with a contract schema; the first problem becomes a VALIDATION error naming the field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.'),
    message: issue.message,
  }));
  const first = issues[0]!;
  const message =
    first.field && !first.message.includes(lastSegment(first.field))
      ? `${first.field}: ${first.message}`
      : first.message;
  throw new ValidationError(message, { field: first.field || undefined, issues });
}

function lastSegment(path: string): string {
  return path.split('.').pop() ?? path;
}
