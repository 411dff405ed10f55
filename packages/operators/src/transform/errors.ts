/** A malformed expression (syntax, unknown function, unknown column). Message says where. */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** A value an operation cannot work with (not a number, division by zero, bad date…). */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** A step whose configuration is wrong; the message starts with the step's path (with.steps[i]). */
export class StepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepError';
  }
}

/** A record a step cannot process; the message names the step and, when one is at fault, the column. */
export class RowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowError';
  }
}
