/** What an in-process service answers for one SDK command: its output, or a thrown SDK exception. */
export type CommandHandler = (command: string, input: Record<string, unknown>) => unknown | Promise<unknown>;

interface MiddlewareStackLike {
  add(
    middleware: (
      next: unknown,
      context: { commandName?: string },
    ) => (args: { input: unknown }) => Promise<{ output: unknown; response: unknown }>,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

/**
 * Answers every command of an SDK v3 client in this process instead of over the network: a middleware
 * at the first step hands the command name (`GetRole`) and input to `handler`. The client, its
 * paginators and the adapters built on it run unchanged, and a handler's thrown SDK exception
 * (`NoSuchEntityException`, ...) reaches them exactly as a real service error would, so the sandbox
 * shares the SDK adapters' error mapping (lib/adapters/iam/aws-error.ts) instead of copying it.
 * Nothing is signed or sent.
 */
export function answerInProcess<C extends { middlewareStack: unknown }>(
  client: C,
  handler: CommandHandler,
): C {
  (client.middlewareStack as MiddlewareStackLike).add(
    (_next, context) => async (args) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      const output = await handler(command, (args.input ?? {}) as Record<string, unknown>);
      return { output: { $metadata: { httpStatusCode: 200 }, ...(output as object) }, response: {} };
    },
    { step: 'initialize', name: 'nhiGovInProcess', priority: 'high' },
  );
  return client;
}

/** Region and credentials an in-process client needs to be constructed; never used to reach AWS. */
export const IN_PROCESS_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
} as const;
