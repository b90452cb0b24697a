import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { AppError } from '../../domain/errors.js';
import { type DetailType, EVENT_DETAIL_SCHEMAS, EVENT_SOURCE } from '../../domain/events.js';
import { parseOrThrow } from '../../domain/validation.js';
import type { EventPublisher } from '../../ports/event-publisher.js';
import { toExternalCallError } from '../iam/aws-error.js';

/** EventPublisher on EventBridge PutEvents, to the suite's bus. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async publish(detailType: DetailType, detail: unknown): Promise<void> {
    const parsed = parseOrThrow(EVENT_DETAIL_SCHEMAS[detailType], detail, `${detailType} detail`);
    let result: PutEventsCommandOutput;
    try {
      result = await this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: EVENT_SOURCE,
              DetailType: detailType,
              Detail: JSON.stringify(parsed),
              EventBusName: this.eventBusName,
            },
          ],
        }),
      );
    } catch (error) {
      throw toExternalCallError('events:PutEvents', this.eventBusName, error);
    }
    if ((result.FailedEntryCount ?? 0) > 0) {
      const entry = result.Entries?.[0];
      throw new AppError(
        'EVENT_PUBLISH_FAILED',
        `${detailType} was not accepted by bus ${this.eventBusName}: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }
}
