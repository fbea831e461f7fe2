/** A failure the user can act on: printed as one plain line (or a few), exit code 1, no stack. */
export class CliError extends Error {}
