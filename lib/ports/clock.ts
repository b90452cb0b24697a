/** The time source of use cases, so tests and `--as-of` can fix "now". */
export interface Clock {
  now(): Date;
}

/** Makes new ids for decisions, campaigns and executions. */
export interface IdGenerator {
  next(): string;
}
