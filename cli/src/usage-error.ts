/** Bad input from the person at the keyboard: `lectra` says what to fix and exits 2. */
export class UsageError extends Error {}
