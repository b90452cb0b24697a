import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { AppError } from '../../domain/errors.js';
import { EVENT_SOURCE, RevokeRequestedDetail } from '../../domain/events.js';
import type { RevokeRequester } from '../../ports/revoke-requester.js';

/** EventBridge refused an event (PutEvents reports failures per entry, not as an exception). */
export class EventDeliveryError extends AppError {
  constructor(message: string) {
    super('EVENT_DELIVERY_FAILED', message);
  }
}

/**
 * Files system revokes as `RevokeRequested` events on the suite's bus; governance's event function
 * turns each into a revoke decision. The scanner needs only events:PutEvents on that bus.
 */
export class EventBridgeRevokeRequester implements RevokeRequester {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async requestRevoke(detail: RevokeRequestedDetail): Promise<void> {
    const valid = RevokeRequestedDetail.parse(detail);
    const result = await this.events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.eventBusName,
            Source: EVENT_SOURCE,
            DetailType: 'RevokeRequested',
            Detail: JSON.stringify(valid),
          },
        ],
      }),
    );
    const entry = result.Entries?.[0];
    if ((result.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode) {
      throw new EventDeliveryError(
        `RevokeRequested for decision ${valid.decisionId} was refused by EventBridge: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }
}
