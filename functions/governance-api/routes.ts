import * as z from 'zod';
import { BOUNDS, boundedText } from '../../lib/domain/bounds.js';
import { NotFoundError } from '../../lib/domain/errors.js';
import { type Governance, publicDecision } from '../../lib/domain/governance/index.js';
import { parseOrThrow } from '../../lib/domain/validation.js';

/** An authenticated HTTP request, reduced to what the routes need. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** The IAM caller from the authorizer context; never taken from the body. */
  readonly caller: string;
  readonly idempotencyKey?: string;
}

export interface ApiResult {
  readonly status: number;
  readonly body: unknown;
}

const Note = boundedText(BOUNDS.noteLength, { trim: true, min: 1 });
const NoteBody = z.strictObject({ note: Note.optional() }).default({});
const ReviewBody = z.strictObject({
  outcome: z.enum(['confirm', 'revoke']),
  note: Note.optional(),
});

type Handler = (gov: Governance, req: ApiRequest, params: string[]) => Promise<ApiResult>;

const decisionResult = (status: number) => (d: Parameters<typeof publicDecision>[0]) => ({
  status,
  body: publicDecision(d),
});

const act =
  (action: 'approve' | 'reject' | 'cancel' | 'revoke'): Handler =>
  async (gov, req, [id = '']) => {
    const body = parseOrThrow(NoteBody, req.body ?? {}, `${action} body`);
    return decisionResult(200)(
      await gov[action]({ id, actor: req.caller, ...(body.note ? { note: body.note } : {}) }),
    );
  };

const ID = '([A-Za-z0-9_-]{1,64})';

/** The routes of the governance HTTP API (one Lambda behind `$default`). */
const ROUTES: readonly { method: string; pattern: RegExp; handle: Handler }[] = [
  {
    method: 'POST',
    pattern: /^\/requests$/,
    handle: async (gov, req) => {
      const input = {
        request: req.body,
        requester: req.caller,
        source: 'api' as const,
        ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
      };
      // A request naming several `accounts`: one decision per account, all or none stored.
      if (typeof req.body === 'object' && req.body !== null && Object.hasOwn(req.body, 'accounts'))
        return { status: 201, body: { decisions: (await gov.submitForAccounts(input)).map(publicDecision) } };
      return decisionResult(201)(await gov.submit(input));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/decisions/${ID}$`),
    handle: async (gov, _req, [id = '']) => {
      const decision = await gov.get(id);
      if (!decision) throw new NotFoundError(`decision ${id} does not exist`);
      return decisionResult(200)(decision);
    },
  },
  { method: 'POST', pattern: new RegExp(`^/decisions/${ID}/approve$`), handle: act('approve') },
  { method: 'POST', pattern: new RegExp(`^/decisions/${ID}/reject$`), handle: act('reject') },
  { method: 'POST', pattern: new RegExp(`^/decisions/${ID}/cancel$`), handle: act('cancel') },
  { method: 'POST', pattern: new RegExp(`^/decisions/${ID}/revoke$`), handle: act('revoke') },
  {
    method: 'POST',
    pattern: new RegExp(`^/decisions/${ID}/review$`),
    handle: async (gov, req, [id = '']) => {
      const body = parseOrThrow(ReviewBody, req.body, 'review body');
      return decisionResult(200)(
        await gov.review({
          id,
          actor: req.caller,
          outcome: body.outcome,
          ...(body.note ? { note: body.note } : {}),
        }),
      );
    },
  },
  {
    method: 'POST',
    pattern: /^\/exceptions$/,
    handle: async (gov, req) =>
      decisionResult(201)(
        await gov.requestException({
          body: req.body,
          requester: req.caller,
          source: 'api',
          ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
        }),
      ),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/exceptions/${ID}/renew$`),
    handle: async (gov, req, [id = '']) =>
      decisionResult(201)(
        await gov.renewException({
          id,
          body: req.body,
          requester: req.caller,
          source: 'api',
          ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
        }),
      ),
  },
  {
    method: 'POST',
    pattern: /^\/campaigns$/,
    handle: async (gov, req) => ({
      status: 201,
      body: await gov.startCampaign({ body: req.body, createdBy: req.caller }),
    }),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/campaigns/${ID}$`),
    handle: async (gov, _req, [id = '']) => ({ status: 200, body: await gov.getCampaign(id) }),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/campaigns/${ID}/items/${ID}/review$`),
    handle: async (gov, req, [campaignId = '', itemId = '']) => {
      const result = await gov.reviewCampaignItem({
        campaignId,
        itemId,
        reviewer: req.caller,
        body: req.body,
      });
      return {
        status: 200,
        body: {
          campaign: result.campaign,
          item: result.item,
          ...(result.revokeDecision ? { revokeDecision: publicDecision(result.revokeDecision) } : {}),
          ...(result.revokeDecisions ? { revokeDecisions: result.revokeDecisions.map(publicDecision) } : {}),
        },
      };
    },
  },
];

/**
 * Routes an authenticated request to its use case.
 * @throws NotFoundError for an unknown route; the use cases' errors otherwise.
 */
export async function route(gov: Governance, req: ApiRequest): Promise<ApiResult> {
  for (const r of ROUTES) {
    const match = r.pattern.exec(req.path);
    if (match && r.method === req.method) return r.handle(gov, req, match.slice(1));
  }
  throw new NotFoundError(`no route ${req.method} ${req.path}`);
}
