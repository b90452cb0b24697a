import type { DetailType } from '../domain/events.js';

/** Puts events on the suite's bus (`source: "nhi-gov"`). */
export interface EventPublisher {
  /**
   * Publishes one event; the detail is validated against its schema first.
   * @throws ValidationError when the detail does not match its detail type's schema; nothing is sent.
   * @throws AppError (`EVENT_PUBLISH_FAILED`) when the bus refuses the entry.
   */
  publish(detailType: DetailType, detail: unknown): Promise<void>;
}
