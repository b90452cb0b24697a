/**
 * Renders an EventBridge Pipes input template the way Pipes does for the suite's templates: every
 * `<$.path>` placeholder inside a JSON string is replaced by the value at that path of the source
 * record (escaped for the string it sits in), and the result is parsed as JSON.
 * @throws Error naming the path when a placeholder's path is missing from the record (Pipes would send
 *   the record to the pipe's dead-letter queue).
 */
export function renderPipeTemplate(template: string, record: unknown): unknown {
  const text = template.replace(/<\$\.([^>]+)>/g, (_, path: string) => {
    const value = path
      .split('.')
      .reduce<unknown>(
        (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
        record,
      );
    if (value === undefined || value === null || typeof value === 'object')
      throw new Error(`input template path $.${path} has no value in the record`);
    return JSON.stringify(String(value)).slice(1, -1);
  });
  return JSON.parse(text);
}
